import ArgumentParser
import Foundation
import MeowCore
import MeowStore

extension LongFormat: ExpressibleByArgument {}

struct ImportAnnotations: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-annotations",
        abstract: "Import existing labels in long format: JSONL {\"item\",\"annotator\",\"label\"} or CSV item,annotator,label.")

    @Argument(help: "Project name.") var project: String
    @Argument(help: "The file to import.") var file: String
    @Option(help: "Input format: jsonl or csv (default: from the extension, else JSONL when the file starts with '{').")
    var format: LongFormat?
    @OptionGroup var workspace: WorkspaceOptions

    func run() throws {
        let ws = try workspace.open()
        let user = try LoginUser.name
        // One store call that reports nothing until it ends: a spinner with the seconds.
        let s = try ProgressBar.during("importing annotations") { _ in
            try ws.importAnnotations(project: project, path: file, format: format, by: user)
        }
        out("imported \(s.inserted) annotations into \(project) (\(s.read) rows read, \(s.alreadyPresent) already present)")
    }
}
