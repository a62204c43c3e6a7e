import ArgumentParser
import Foundation
import MeowCore
import MeowStore

struct ImportAnnotations: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-annotations",
        abstract: "Import existing labels in long format: JSONL {\"item\",\"annotator\",\"label\"} or CSV item,annotator,label.")

    @Argument(help: "Project name.") var project: String
    @Argument(help: "The file to import.") var file: String
    @Option(help: "Input format: jsonl or csv (default: from the extension).") var format: ItemFormat?
    @OptionGroup var workspace: WorkspaceOptions

    func run() throws {
        guard let fmt = format ?? ItemFormat.from(path: file), fmt != .text else {
            throw UserFacingError("\(file): annotations must be .jsonl or .csv (or pass --format)")
        }
        let ws = try workspace.open()
        let s = try ws.importAnnotations(project: project, path: file, format: fmt, by: try LoginUser.name)
        out("imported \(s.inserted) annotations into \(project) (\(s.read) rows read, \(s.alreadyPresent) already present)")
    }
}
