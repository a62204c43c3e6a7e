import ArgumentParser
import Foundation
import MeowCore
import MeowStore

struct Init: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "init", abstract: "Create a project from a guideline file (its version 1).")

    @Argument(help: "Project name.") var project: String
    @Option(help: ArgumentHelp("The guideline Markdown file.", valueName: "file")) var guideline: String
    @OptionGroup var workspace: WorkspaceOptions

    func validate() throws {
        guard !project.isEmpty, project.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }) else {
            throw ValidationError("project name '\(project)' may use letters, digits, '-', '_' and '.' only")
        }
    }

    func run() throws {
        let (g, qualification, gold) = try GuidelineFile.loadWithGold(guideline)
        let ws = try workspace.open(create: true)
        let p = try ws.createProject(project, guideline: g, by: LoginUser.name, qualification: qualification, goldChecks: gold)
        out("created project \(p.name) in \(WorkspaceLocation.display(workspace.path)): \(g.task.rawValue), \(g.answerOptions), overlap \(g.overlap), guideline v1 \(g.contentHash.prefix(12)); admin: \(try LoginUser.name)")
        if let q = g.enforcement.qualification, !qualification.isEmpty {
            let rounds = q.roundSize.map { $0 < qualification.count ? ", \($0) per round" : "" } ?? ""
            out("  qualification: \(qualification.count) items\(rounds), pass mark \(Int((q.passMark * 100).rounded()))%")
        }
        if !gold.isEmpty, let c = g.enforcement.gold { out("  gold checks: \(gold.count) items, rate \(c.rate), pause below \(Int((c.minAccuracy * 100).rounded()))% over \(c.window)") }
    }
}

enum GuidelineFile {
    /// The guideline and its gold items (qualification, checks), read from files beside it.
    static func loadWithGold(_ path: String) throws -> (Guideline, [GoldItem], [GoldItem]) {
        let g = try load(path)
        do {
            let (q, c) = try g.goldItems(relativeTo: path)
            return (g, q, c)
        } catch let e as ImportError { throw UserFacingError("\(e)") }
        catch let e as GuidelineError { throw UserFacingError("\(e)") }
    }

    /// Reads and validates a guideline, turning problems into one readable error.
    static func load(_ path: String) throws -> Guideline {
        guard let data = FileManager.default.contents(atPath: path) else { throw UserFacingError("\(path): cannot read the guideline file") }
        guard let text = String(data: data, encoding: .utf8) else { throw UserFacingError("\(path): not valid UTF-8") }
        do { return try Guideline.parse(text, file: path) }
        catch let e as GuidelineError { throw UserFacingError(e.description) }
    }
}
