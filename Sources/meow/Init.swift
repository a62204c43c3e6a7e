import ArgumentParser
import Foundation
import MeowCore
import MeowStore

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create a project from a guideline file (its version 1).")

    @Argument(help: "Project name.") var project: String
    @Option(help: ArgumentHelp("The guideline Markdown file.", valueName: "file")) var guideline: String
    @OptionGroup var workspace: WorkspaceOptions
    @OptionGroup var user: AnnotatorOption

    func validate() throws {
        guard !project.isEmpty, project.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }) else {
            throw ValidationError("project name '\(project)' may use letters, digits, '-', '_' and '.' only")
        }
    }

    func run() throws {
        let g = try GuidelineFile.load(guideline)
        let ws = try workspace.open(create: true)
        let p = try ws.createProject(project, guideline: g, by: user.annotator)
        print("created project \(p.name) in \(workspace.path): \(g.task.rawValue), \(g.labels.count) labels, overlap \(g.overlap), guideline v1 \(g.contentHash.prefix(12))")
    }
}

enum GuidelineFile {
    /// Reads and validates a guideline, turning problems into one readable error.
    static func load(_ path: String) throws -> Guideline {
        guard let data = FileManager.default.contents(atPath: path) else { throw UserFacingError("\(path): cannot read the guideline file") }
        guard let text = String(data: data, encoding: .utf8) else { throw UserFacingError("\(path): not valid UTF-8") }
        do { return try Guideline.parse(text, file: path) }
        catch let e as GuidelineError { throw UserFacingError(e.description) }
    }
}
