import ArgumentParser
import Foundation
import MeowCore
import MeowStore

struct Submit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Answer an item you hold.",
        discussion: """
            Give the answer the project's task takes: --label (classify; repeat for multilabel), \
            --span START:END:LABEL (spans; repeat, offsets in Unicode code points, END exclusive) or \
            --no-spans, --rating N (rate), --choice a|b|tie|both-bad (compare).
            """)

    @Argument(help: "Project name.") var project: String
    @OptionGroup var user: AnnotatorOption
    @Option(help: "The item id.") var item: String
    @Option(help: "A label (repeat for multi-label tasks).") var label: [String] = []
    @Option(help: ArgumentHelp("A span START:END:LABEL (repeat).", valueName: "start:end:label")) var span: [String] = []
    @Flag(help: "An answer with no spans (nothing in the text to mark).") var noSpans = false
    @Flag(help: "Answer with the model suggestion the item shows (as `meow next` printed it); recorded as accepted.") var acceptSuggestion = false
    @Option(help: "A rating on the guideline's scale.") var rating: Int?
    @Option(help: ArgumentHelp("The better candidate: a, b, tie or both-bad.", valueName: "choice")) var choice: String?
    @Flag(help: "Then claim the next item and print it, as `meow next` does (one transaction; exit 3: nothing left, 4: the rules stand in the way).") var next = false
    @Flag(help: "With --next: print the next item as one JSON object, as `meow next --json`.") var json = false
    @Option(help: "A comment.") var comment: String?
    @Flag(help: "Mark the answer as unsure.") var unsure = false
    @Option(help: "Why you are unsure (implies --unsure).") var unsureNote: String?
    @OptionGroup var workspace: WorkspaceOptions

    /// The one kind of answer given, as the store takes it.
    func answerValue() throws -> AnswerValue {
        let given = [!label.isEmpty, !span.isEmpty || noSpans, rating != nil, choice != nil, acceptSuggestion].filter { $0 }.count
        if given == 0 { throw ValidationError("give an answer: --label, --span (or --no-spans), --rating, --choice or --accept-suggestion") }
        if given > 1 { throw ValidationError("give one kind of answer: --label, --span/--no-spans, --rating, --choice or --accept-suggestion") }
        // Filled in from the store in run().
        if acceptSuggestion { return .labels([]) }
        if noSpans && !span.isEmpty { throw ValidationError("--no-spans and --span contradict each other") }
        if let rating { return .rating(rating) }
        if let choice {
            guard let c = PairChoice(rawValue: choice) else { throw ValidationError("--choice must be a, b, tie or both-bad (got '\(choice)')") }
            return .choice(c, shownFirst: nil)
        }
        if noSpans || !span.isEmpty {
            return .spans(try span.map { text in
                guard let s = Span(column: Substring(text)) else {
                    throw ValidationError("--span '\(text)' is not START:END:LABEL (e.g. --span 0:5:PER)")
                }
                return s
            })
        }
        return .labels(label)
    }

    func validate() throws {
        _ = try answerValue()
        if json && !next { throw ValidationError("--json goes with --next (it prints the next item)") }
    }

    func run() throws {
        let ws = try workspace.open()
        var value = try answerValue()
        if acceptSuggestion {
            guard let s = try ws.suggestion(project: project, item: item) else {
                throw UserFacingError("item \(TerminalText.safeInline(item)) has no model suggestion to accept; give the answer with --label, --span, …")
            }
            value = s.value
        }
        let answer = Answer(value: value, comment: comment, unsure: unsure || unsureNote != nil, unsureNote: unsureNote)
        if next {
            let (outcome, claimed) = try ws.submitAndClaimNext(project: project, annotator: user.annotator, item: item, answer: answer, lease: nil, now: Date())
            report(outcome, toStandardError: json)  // stdout stays one JSON object
            try Next.hand(claimed, ws: ws, project: project, annotator: user.annotator, json: json)
            return
        }
        report(try ws.submit(project: project, annotator: user.annotator, item: item, answer: answer))
    }

    private func report(_ outcome: SubmitOutcome, toStandardError: Bool = false) {
        guard case .qualification(let answered, let total, let result) = outcome else { return }
        let text = result.map { QualificationText.render($0) } ?? "qualification: \(answered)/\(total) answered"
        if toStandardError { info(text) } else { out(text) }
    }
}
