import ArgumentParser
import Foundation
import MeowCore

struct GuidelineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "guideline", abstract: "Work with guideline files.", subcommands: [Check.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Validate a guideline file: every error with its line and column.")
        @Argument(help: "The guideline Markdown file.") var file: String

        func run() throws {
            guard let data = FileManager.default.contents(atPath: file) else { throw UserFacingError("\(file): cannot read") }
            guard let text = String(data: data, encoding: .utf8) else { throw UserFacingError("\(file): not valid UTF-8") }
            var warnings: [GuidelineProblem] = []
            do {
                let g = try Guideline.parse(text, file: file, warnings: &warnings)
                for w in warnings { print("\(file):\(w)") }
                print("\(file): ok — \(g.name), \(g.task.rawValue), \(g.labels.count) labels (\(g.labels.map(\.value).joined(separator: ", "))), overlap \(g.overlap)")
            } catch let e as GuidelineError {
                for p in e.problems { note("\(file):\(p)") }
                throw ExitCode(1)
            }
        }
    }
}
