import ArgumentParser
import Foundation
import MeowCore
import MeowStore

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "Items, completed, in progress, and per-annotator counts.")
    @Argument(help: "Project name.") var project: String
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var workspace: WorkspaceOptions

    func run() throws {
        let ws = try workspace.open()
        let s = try ws.status(project: project)
        let versions = try ws.annotationsPerVersion(project: project)
        let stale = try ws.staleAnnotations(project: project)
        if json {
            try printJSON(s, snakeCase: true)
            return
        }
        out("project \(s.project) (guideline v\(s.guidelineVersion), overlap \(s.overlap))")
        out("  items        \(s.items)")
        out("  completed    \(s.completed)")
        out("  in progress  \(s.inProgress)")
        out("  not started  \(s.items - s.completed - s.inProgress)")
        out("  annotations  \(s.annotations)")
        out("  per guideline version: " + versions.map { "v\($0.version) \($0.annotations)" }.joined(separator: ", ")
              + (stale > 0 ? "; \(stale) stale (label removed in a later version)" : ""))
        if !s.annotators.isEmpty {
            let w = max(9, s.annotators.map(\.annotator.count).max() ?? 0)
            out("\n  " + "annotator".padding(toLength: w, withPad: " ", startingAt: 0) + "  labeled  skipped  holding")
            for a in s.annotators {
                out("  " + a.annotator.padding(toLength: w, withPad: " ", startingAt: 0)
                      + String(format: "  %7d  %7d  %7d", a.annotations, a.skipped, a.holding))
            }
        }
    }
}
