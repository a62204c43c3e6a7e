import ArgumentParser
import Foundation
import MeowCore
import MeowStore

struct Ack: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ack",
        abstract: "Acknowledge the current guideline version (for scripts; people do it in `meow label`).")
    @Argument(help: "Project name.") var project: String
    @OptionGroup var user: AnnotatorOption
    @OptionGroup var workspace: WorkspaceOptions

    func run() throws {
        let ws = try workspace.open()
        try ws.acknowledge(project: project, annotator: user.annotator)
        let p = try ws.project(project)
        out("\(user.annotator) acknowledged guideline v\(p.guidelineVersion) of \(project)")
    }
}
