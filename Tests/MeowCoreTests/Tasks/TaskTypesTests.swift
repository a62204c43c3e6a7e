import Foundation
import Testing
import MeowCore

/// Issue 12: the three new task types in the guideline and in answers.
@Suite struct TaskTypesTests {
    static let spans = """
    ---
    name: ents
    title: Entities
    task: spans
    overlap: 2
    spans:
      allow_overlap: false
      snap_to_tokens: true
    labels:
      - value: PER
        hotkey: p
        definition: A person.
        examples: ["Ada Lovelace"]
      - value: LOC
        hotkey: l
        definition: A place.
        examples: ["Paris"]
    ---
    Mark people and places. When unsure, flag it.
    """

    static let rate = """
    ---
    name: helpful
    title: Helpfulness
    task: rate
    overlap: 3
    review_spread: 1
    scale:
      - value: 1
        name: Useless
        definition: Does not answer.
      - value: 2
        name: Weak
        definition: Partly answers.
      - value: 3
        name: Good
        definition: Answers fully.
    ---
    Rate the answer. When unsure, flag it.
    """

    static let compare = """
    ---
    name: prefs
    title: Preferences
    task: compare
    overlap: 2
    ---
    Pick the better answer. When unsure, flag it.
    """

    @Test func guidelinesOfEachType() throws {
        let s = try Guideline.parse(Self.spans)
        #expect(s.task == .spans && s.labels.map(\.value) == ["PER", "LOC"] && !s.spanRules.allowOverlap && s.spanRules.snapToTokens)
        let r = try Guideline.parse(Self.rate)
        #expect(r.task == .rate && r.scale == [1, 2, 3] && r.labels.map(\.name) == ["Useless", "Weak", "Good"] && r.reviewSpread == 1)
        #expect(r.labels.map(\.number) == [1, 2, 3])
        let c = try Guideline.parse(Self.compare)
        #expect(c.task == .compare && c.labels.map(\.value) == ["a", "b", "tie", "both-bad"])
        #expect(c.labels.map(\.hotkey) == ["a", "b", "t", "x"])
    }

    @Test func guidelineRefusals() {
        func problems(_ text: String) -> String {
            do { _ = try Guideline.parse(text, file: "g.md"); return "" } catch { return "\(error)" }
        }
        #expect(problems(Self.rate.replacingOccurrences(of: "value: 3", with: "value: 12")).contains("from 0 to 9"))
        #expect(problems(Self.rate.replacingOccurrences(of: "value: 3", with: "value: 2")).contains("must go up"))
        #expect(problems(Self.rate.replacingOccurrences(of: "    name: Weak\n", with: "")).contains("scale point 2 has no name"))
        #expect(problems(Self.rate.replacingOccurrences(of: "scale:", with: "labels:")).contains("missing 'scale'"))
        #expect(problems(Self.spans.replacingOccurrences(of: "allow_overlap: false", with: "allow_overlap: maybe")).contains("g.md:7:"))
        #expect(problems(Self.spans.replacingOccurrences(of: "task: spans", with: "task: classify")).contains("spans tasks only"))
        #expect(problems(Self.compare.replacingOccurrences(of: "overlap: 2", with: "overlap: 2\nlabels:\n  - value: a\n    definition: A.\n  - value: c\n    definition: C.")).contains("'c' is not one"))
        // A default hotkey clashing with a given one, and `a`/`b` meaning anything but A and B.
        let withTie = "overlap: 2\nlabels:\n  - value: a\n    definition: A.\n  - value: b\n    definition: B.\n  - value: tie\n    hotkey: a\n    definition: T."
        #expect(problems(Self.compare.replacingOccurrences(of: "overlap: 2", with: withTie)).contains("duplicate hotkey 'a'"))
        let swapped = "overlap: 2\nlabels:\n  - value: a\n    hotkey: b\n    definition: A.\n  - value: b\n    hotkey: a\n    definition: B."
        #expect(problems(Self.compare.replacingOccurrences(of: "overlap: 2", with: swapped)).contains("is the key of the choice 'b'"))
        // review_spread below the scale's range (1-3: at most 1).
        #expect(problems(Self.rate.replacingOccurrences(of: "review_spread: 1", with: "review_spread: 2")).contains("review_spread must be a whole number from 0 to 1"))
    }

    @Test func spanAnswersAreCheckedAgainstTheText() throws {
        let g = try Guideline.parse(Self.spans)
        let text = "Ada met 李雷 in Paris 👍🏽."
        // Code points: "Ada"0-3 " " "met"4-7 " " "李"8 "雷"9 " " "in"11-13 " " "Paris"14-19 " " "👍🏽"20-22 "."22-23
        let ok = try g.validate(.spans([Span(start: 14, end: 19, label: "LOC"), Span(start: 0, end: 3, label: "PER")]), comment: nil, text: text)
        #expect(ok == .spans([Span(start: 0, end: 3, label: "PER"), Span(start: 14, end: 19, label: "LOC")]))
        #expect(try g.validate(.spans([Span(start: 8, end: 10, label: "PER")]), comment: nil, text: text) == .spans([Span(start: 8, end: 10, label: "PER")]))
        #expect(try g.validate(.spans([]), comment: nil, text: text) == .spans([]))
        #expect(throws: AnswerError.spanOutsideText(Span(start: 20, end: 24, label: "LOC"), length: 23)) {
            try g.validate(.spans([Span(start: 20, end: 24, label: "LOC")]), comment: nil, text: text)
        }
        #expect(throws: AnswerError.emptySpan(Span(start: 3, end: 3, label: "PER"))) { try g.validate(.spans([Span(start: 3, end: 3, label: "PER")]), comment: nil, text: text) }
        #expect(throws: AnswerError.spanOffTokens(Span(start: 1, end: 3, label: "PER"))) { try g.validate(.spans([Span(start: 1, end: 3, label: "PER")]), comment: nil, text: text) }
        #expect(throws: AnswerError.self) { try g.validate(.spans([Span(start: 0, end: 3, label: "ORG")]), comment: nil, text: text) }
        #expect(throws: AnswerError.overlappingSpans(Span(start: 0, end: 7, label: "PER"), Span(start: 4, end: 7, label: "LOC"))) {
            try g.validate(.spans([Span(start: 0, end: 7, label: "PER"), Span(start: 4, end: 7, label: "LOC")]), comment: nil, text: text)
        }
        #expect(throws: AnswerError.wrongKind(task: .spans)) { try g.validate(.rating(3), comment: nil, text: text) }
        var loose = g
        loose.spanRules = .init(allowOverlap: true, snapToTokens: false)
        #expect(try loose.validate(.spans([Span(start: 0, end: 7, label: "PER"), Span(start: 1, end: 2, label: "LOC")]), comment: nil, text: text)
                == .spans([Span(start: 0, end: 7, label: "PER"), Span(start: 1, end: 2, label: "LOC")]))
    }

    @Test func tokensAreUnicodeAware() {
        let t = TextTokens("Ada met 李雷 in Paris 👍🏽, ok")
        let text = Array("Ada met 李雷 in Paris 👍🏽, ok".unicodeScalars)
        let words = t.ranges.map { Span(start: $0.lowerBound, end: $0.upperBound, label: "x").text(in: text) }
        #expect(words == ["Ada", "met", "李", "雷", "in", "Paris", "👍🏽", ",", "ok"])
        #expect(t.length == text.count)
        #expect(t.token(at: 5) == 1 && t.token(at: 3) == 1 && t.token(at: 999) == nil)
    }

    @Test func ratingsAndChoices() throws {
        let r = try Guideline.parse(Self.rate)
        #expect(try r.validate(.rating(2), comment: nil, text: "") == .rating(2))
        #expect(throws: AnswerError.ratingOffScale(4, scale: [1, 2, 3])) { try r.validate(.rating(4), comment: nil, text: "") }
        let c = try Guideline.parse(Self.compare)
        #expect(try c.validate(.choice(.bothBad, shownFirst: .b), comment: nil, text: "") == .choice(.bothBad, shownFirst: .b))
        // The first side shown was b: "first is better" is b, "second is better" is a.
        #expect(PairChoice.from(shown: .first, shownFirst: .b) == .b && PairChoice.from(shown: .second, shownFirst: .b) == .a)
        #expect(PairChoice.from(shown: .first, shownFirst: .a) == .a && PairChoice.from(shown: .tie, shownFirst: .b) == .tie)
    }

    @Test func answersRoundTripThroughTheLabelColumn() {
        let values: [(AnswerValue, Guideline.Task)] = [
            (.labels(["a", "b"]), .multilabel), (.spans([Span(start: 0, end: 3, label: "PER"), Span(start: 4, end: 9, label: "A:B")]), .spans),
            (.spans([]), .spans), (.rating(4), .rate), (.choice(.bothBad, shownFirst: nil), .compare),
        ]
        for (v, task) in values {
            #expect(AnswerValue(column: v.labelColumn, task: task) == v, "\(v)")
        }
        #expect(AnswerValue.spans([Span(start: 0, end: 3, label: "PER")]).json == #"{"spans":[{"start":0,"end":3,"label":"PER"}]}"#)
        #expect(AnswerValue.choice(.a, shownFirst: .b).json == #"{"choice":"a","shown_first":"b"}"#)
        #expect(AnswerValue(column: "0:x:PER", task: .spans) == nil && AnswerValue(column: "best", task: .compare) == nil)
        let pair = ComparePair(prompt: "Q?", a: "yes \"really\"", b: "no")
        #expect(ComparePair(text: pair.text) == pair)
    }
}
