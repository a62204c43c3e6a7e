import ArgumentParser
import Foundation
import MeowCore
import MeowStore

struct Skip: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "skip", abstract: "Give a held item back; it goes to others, not to you again.")
    @Argument(help: "Project name.") var project: String
    @OptionGroup var user: AnnotatorOption
    @Option(help: "The item id.") var item: String
    @OptionGroup var workspace: WorkspaceOptions

    func run() throws {
        try workspace.open().skip(project: project, annotator: user.annotator, item: item)
    }
}

struct Release: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "release", abstract: "Give a held item back to the queue unanswered.")
    @Argument(help: "Project name.") var project: String
    @OptionGroup var user: AnnotatorOption
    @Option(help: "The item id.") var item: String
    @OptionGroup var workspace: WorkspaceOptions

    func run() throws {
        try workspace.open().release(project: project, annotator: user.annotator, item: item)
    }
}
