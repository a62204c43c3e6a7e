import ArgumentParser
import CursesTerminal
import Foundation
import MeowApp
import MeowCore
import MeowStore
import MeowTerminal

struct Review: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "review",
        abstract: "Review disputed and low-confidence items in the terminal: one key sets the final label.")
    @Argument(help: "Project name.") var project: String
    @OptionGroup var user: AnnotatorOption
    @Option(help: "Items whose consensus confidence is below this are reviewed.") var below: Double = 0.7
    @Flag(help: "List the review queue instead of opening the screen.") var list = false
    @Flag(help: "With --list: print the queue as one JSON array.") var json = false
    @OptionGroup var workspace: WorkspaceOptions

    func validate() throws {
        if json && !list { throw ValidationError("--json goes with --list (the screen is interactive)") }
    }

    func run() throws {
        let ws = try workspace.open()
        let p = try ws.project(project)
        let role = try ws.role(of: user.annotator, inProject: p.name)
        guard role == .reviewer || role == .admin else {
            throw UserFacingError("\(user.annotator) is not a reviewer of \(project) (an admin can run `meow annotators role \(project) \(user.annotator) reviewer`)")
        }
        if list && json {
            try printJSON(try ws.reviewQueue(project: project, below: below).map(ListEntry.init), snakeCase: true)
            return
        }
        if list {
            for r in try ws.reviewQueue(project: project, below: below) {
                out("\(r.id)\t\(r.suggested ?? "(tie)")\t\(String(format: "%.2f", r.confidence))\t" + r.answers.map { "\($0.annotator)=\($0.label)" }.joined(separator: " "))
            }
            return
        }
        let backend = ReviewScreenAdapter(workspace: ws, project: p, reviewer: user.annotator, threshold: below)
        try Console.flush()   // what was said before the screen opens is shown first
        let terminal = try CursesTerminal()
        defer { terminal.restore() }
        var g = p.guideline
        g.enforcement = Enforcement()   // reviewers are not timed or qualified
        let size = terminal.size
        var state = LabelingState(project: "\(p.name) (review)", annotator: user.annotator, guideline: g, width: size.width, height: size.height)
        state.shuffleSides = false   // answers name the candidates as the data does: A is a, B is b
        let session = LabelingSession(state: state, terminal: terminal, backend: backend)
        try session.run()
        terminal.restore()
        out("\(user.annotator): \(try backend.progress().mine) final labels decided this session")
    }

    /// One item of `--list --json`: what a reviewer would see, with the consensus so far.
    struct ListEntry: Encodable {
        struct Answer: Encodable {
            var annotator, label: String
            @NullWhenNil var comment: String?
            var unsure: Bool
            @NullWhenNil var unsureNote: String?
            @NullWhenNil var reviewReason: String?
        }
        var item, text: String
        /// The consensus so far; null for a tie.
        @NullWhenNil var suggested: String?
        var confidence: Double
        var method: String
        var answers: [Answer]
        init(_ r: ReviewItem) {
            item = r.id; text = r.text; suggested = r.suggested; confidence = r.confidence; method = r.method
            answers = r.answers.map { Answer(annotator: $0.annotator, label: $0.label, comment: $0.comment, unsure: $0.unsure,
                                             unsureNote: $0.unsureNote, reviewReason: $0.reviewReason) }
        }
    }
}
