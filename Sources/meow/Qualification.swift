import ArgumentParser
import Foundation
import MeowCore
import MeowStore

struct Qualification: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "qualification",
        abstract: "Show the last qualification round: the score and, for each miss, the right label and why; --retry starts a new round.")
    @Argument(help: "Project name.") var project: String
    @OptionGroup var user: AnnotatorOption
    @Flag(help: "Start a new round after a failed one.") var retry = false
    @OptionGroup var workspace: WorkspaceOptions

    func run() throws {
        let ws = try workspace.open()
        if retry {
            try ws.retryQualification(project: project, annotator: user.annotator)
            out("new qualification round started: `meow next \(project) --as \(user.annotator)` serves its items")
            return
        }
        guard let r = try ws.qualificationStatus(project: project, annotator: user.annotator) else {
            out("\(user.annotator) has no finished qualification round in \(project)")
            return
        }
        out(QualificationText.render(r))
    }
}

enum QualificationText {
    static func render(_ r: QualificationResult) -> String {
        var out = "qualification round \(r.attempt): \(r.correct)/\(r.total) correct (\(Int((r.score * 100).rounded()))%, \(Int((r.passMark * 100).rounded()))% needed) — \(r.passed ? "passed" : "not passed")"
        for m in r.misses {
            out += "\n\n  item: \(m.itemText)\n  you:  \(m.given)\n  right: \(m.correct)"
            if !m.explanation.isEmpty { out += "\n  why:  \(m.explanation)" }
            if !m.definition.isEmpty { out += "\n  definition: " + m.definition.replacingOccurrences(of: "\n", with: "\n              ") }
        }
        if !r.passed { out += "\n\nReview these, then start a new round with `meow qualification PROJECT --as NAME --retry`." }
        return out
    }
}
