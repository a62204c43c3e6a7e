import Foundation
import Testing
import MeowCore
@testable import MeowTerminal

/// A model's suggestion on the labeling screen: pre-selected, ⏎ accepts it, any other answer
/// overrides it, a draft from undo wins over it. (Whether the answer took the suggestion is
/// recorded by the store, which compares the answer with it.)
@Suite("Labeling state machine: model suggestions")
struct SuggestionScreenTests {
    static func state(_ g: Guideline = Fixtures.classify, text: String = "Great kettle, boils fast.", suggestion: SuggestedAnswer?,
                      draft: AnswerValue? = nil) -> LabelingState {
        var s = LabelingState(project: "reviews", annotator: "alice", guideline: g, width: 80, height: 24, now: Date(timeIntervalSince1970: 0))
        s.apply(.loaded(ScreenItem(id: "r1", text: text, draft: draft, suggestion: suggestion), Progress(), canUndo: true), now: Date(timeIntervalSince1970: 100))
        return s
    }

    static func answer(_ effects: [Effect]) -> AnswerValue? {
        guard case .submit(_, let a)? = effects.last else { return nil }
        return a.value
    }

    @Test func enterAcceptsASingleLabelSuggestion() {
        var s = Self.state(suggestion: SuggestedAnswer(model: "bert", value: .labels(["negative"]), score: 0.62))
        #expect(s.selected == ["negative"])
        #expect(Keymap.keyLine(for: s).contains { $0.0 == "⏎" && $0.1 == "accept suggestion" })
        #expect(Self.answer(s.press("<enter>")) == .labels(["negative"]))
    }

    @Test func aLabelKeyOverridesTheSuggestion() {
        var s = Self.state(suggestion: SuggestedAnswer(model: "bert", value: .labels(["negative"])))
        #expect(Self.answer(s.press("p")) == .labels(["positive"]))
    }

    @Test func escDropsTheSuggestionAndEnterThenAsksForALabel() {
        var s = Self.state(suggestion: SuggestedAnswer(model: "bert", value: .labels(["negative"])))
        #expect(s.press("<esc><enter>").isEmpty)
        #expect(s.message?.isError == true)
        #expect(s.item?.id == "r1")
    }

    @Test func withoutASuggestionEnterIsNotAKeyOnAClassifyItem() {
        var s = Fixtures.state()
        #expect(s.press("<enter>").isEmpty)
        #expect(!Keymap.keyLine(for: s).contains { $0.0 == "⏎" })
    }

    @Test func multiLabelSuggestionsArePreSelectedAndCanBeChanged() {
        var s = Self.state(Fixtures.multilabel, suggestion: SuggestedAnswer(model: "m", value: .labels(["insult", "threat"])))
        #expect(s.selected == ["insult", "threat"])
        var accepted = s
        #expect(Self.answer(accepted.press("<enter>")) == .labels(["insult", "threat"]))
        #expect(Self.answer(s.press("t<enter>")) == .labels(["insult"]))
    }

    @Test func spanSuggestionsArePreMarked() {
        let suggested = [Span(start: 0, end: 12, label: "PER"), Span(start: 21, end: 27, label: "LOC")]
        var s = Self.state(Fixtures.spans, text: Fixtures.newsText, suggestion: SuggestedAnswer(model: "ner", value: .spans(suggested)))
        #expect(s.spans == suggested)
        var accepted = s
        #expect(Self.answer(accepted.press("<enter>")) == .spans(suggested))
        // x removes the span under the cursor (Barack Obama): the rest is the answer.
        #expect(Self.answer(s.press("x<enter>")) == .spans([Span(start: 21, end: 27, label: "LOC")]))
    }

    @Test func aDraftFromUndoWinsOverTheSuggestion() {
        let s = Self.state(Fixtures.multilabel, suggestion: SuggestedAnswer(model: "m", value: .labels(["insult"])), draft: .labels(["profanity"]))
        #expect(s.selected == ["profanity"])
    }

    @Test func theSuggestionIsShownUnderTheTextWithItsModelAndScore() {
        let s = Self.state(suggestion: SuggestedAnswer(model: "bert\u{1b}[31m", value: .labels(["negative"]), score: 0.62))
        let text = s.itemLines().map { $0.map(\.text).joined() }.joined(separator: "\n")
        #expect(text.contains("suggested by bert\\x1b[31m (score 0.62): negative (selected) — ⏎ accepts"))
    }
}
