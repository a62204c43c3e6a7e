import ArgumentParser
import Foundation
import MeowCore
import MeowStore

struct Submit: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "submit", abstract: "Answer an item you hold.")

    @Argument(help: "Project name.") var project: String
    @OptionGroup var user: AnnotatorOption
    @Option(help: "The item id.") var item: String
    @Option(help: "A label (repeat for multi-label tasks).") var label: [String] = []
    @Option(help: "A comment.") var comment: String?
    @Flag(help: "Mark the answer as unsure.") var unsure = false
    @Option(help: "Why you are unsure (implies --unsure).") var unsureNote: String?
    @OptionGroup var workspace: WorkspaceOptions

    func validate() throws {
        if label.isEmpty { throw ValidationError("give at least one --label") }
    }

    func run() throws {
        let ws = try workspace.open()
        let outcome = try ws.submit(project: project, annotator: user.annotator, item: item, answer: Answer(labels: label, comment: comment, unsure: unsure || unsureNote != nil, unsureNote: unsureNote))
        if case .qualification(let answered, let total, let result) = outcome {
            if let result { out(QualificationText.render(result)) } else { out("qualification: \(answered)/\(total) answered") }
        }
    }
}
