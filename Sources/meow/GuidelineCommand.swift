import ArgumentParser
import Foundation
import MeowCore

struct GuidelineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "guideline", abstract: "Work with guideline files.", subcommands: [Check.self, Update.self, Versions.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "check", abstract: "Validate a guideline file: every error with its line and column.")
        @Argument(help: "The guideline Markdown file.") var file: String

        func run() throws {
            guard let data = FileManager.default.contents(atPath: file) else { throw UserFacingError("\(file): cannot read") }
            guard let text = String(data: data, encoding: .utf8) else { throw UserFacingError("\(file): not valid UTF-8") }
            var warnings: [GuidelineProblem] = []
            do {
                let g = try Guideline.parse(text, file: file, warnings: &warnings)
                for w in warnings { out("\(file):\(w)") }
                // Gold files beside the guideline are part of it: check them too.
                do { _ = try g.goldItems(relativeTo: file) } catch { note("\(error)"); throw ExitCode(1) }
                out("\(file): ok — \(g.name), \(g.task.rawValue), \(g.answerOptions) (\(g.labels.map(\.value).joined(separator: ", "))), overlap \(g.overlap)")
            } catch let e as GuidelineError {
                for p in e.problems { note("\(file):\(p)") }
                throw ExitCode(1)
            }
        }
    }

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "update",
            abstract: "Record a new guideline version (admins): what changed in the label set; everyone acknowledges again.")
        @Argument(help: "Project name.") var project: String
        @Argument(help: "The new guideline file.") var file: String
        @OptionGroup var workspace: WorkspaceOptions

        func run() throws {
            let (g, q, c) = try GuidelineFile.loadWithGold(file)
            let ws = try workspace.open()
            let u = try ws.updateGuideline(project: project, guideline: g, by: LoginUser.name, qualification: q, goldChecks: c)
            out("recorded guideline v\(u.version) of \(project) (\(g.contentHash.prefix(12)))")
            for line in u.changes.summary { out("  " + line) }
            if u.staleAnnotations > 0 {
                out("  \(u.staleAnnotations) answers carry a label this version removed: they are kept and reported as stale")
            }
            out("  annotators must acknowledge v\(u.version) before their next item")
        }
    }

    struct Versions: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "versions", abstract: "List a project's guideline versions with their answers and changes.")
        @Argument(help: "Project name.") var project: String
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var workspace: WorkspaceOptions

        /// `--json`: one entry per version; `changes` is null for version 1.
        struct Entry: Encodable {
            var version, annotations: Int
            @NullWhenNil var changes: GuidelineChanges?
            var summary: [String]
        }

        func run() throws {
            let ws = try workspace.open()
            let versions = try ws.annotationsPerVersion(project: project)
            if json {
                try printJSON(versions.map { Entry(version: $0.version, annotations: $0.annotations, changes: $0.changes, summary: $0.changes?.summary ?? []) },
                              snakeCase: true)
                return
            }
            for v in versions {
                out("v\(v.version): \(v.annotations) answers" + (v.changes.map { " — " + $0.summary.joined(separator: "; ") } ?? ""))
            }
        }
    }
}
