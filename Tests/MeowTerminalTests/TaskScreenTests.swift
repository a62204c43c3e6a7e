import Foundation
import Testing
import MeowCore
@testable import MeowTerminal

/// The screens of the spans, rate and compare tasks: every new key, the offsets a span answer
/// carries (code points, as Python indexes the text), and the unswapping of compare answers.
@Suite("Task screens: spans, rate, compare")
struct TaskScreenTests {
    static func answer(_ effects: [Effect]) -> AnswerValue? {
        guard case .submit(_, let a)? = effects.last else { return nil }
        return a.value
    }

    // MARK: spans

    /// "Barack Obama visited Berlin with Angela Merkel on Monday." — tokens 0 Barack, 1 Obama,
    /// 2 visited, 3 Berlin, 4 with, 5 Angela, 6 Merkel, 7 on, 8 Monday, 9 ".".
    static func news(_ g: Guideline = Fixtures.spans, width: Int = 80, height: Int = 24) -> LabelingState {
        Fixtures.state(g, width: width, height: height, text: Fixtures.newsText)
    }

    @Test func arrowsMoveTheCursorOverTokensAndStopAtTheEnds() {
        var s = Self.news()
        #expect(s.cursor == 0)
        _ = s.press("<left>")
        #expect(s.cursor == 0)
        _ = s.press("<right><right><right>")
        #expect(s.cursor == 3 && s.anchor == nil)
        _ = s.press(String(repeating: "<right>", count: 20))
        #expect(s.cursor == 9)
        _ = s.press("<left>")
        #expect(s.cursor == 8)
    }

    @Test func bracketsAndShiftArrowsExtendTheSelectionAndALabelKeyMarksIt() {
        var s = Self.news()
        #expect(s.press("]p").isEmpty)
        #expect(s.spans == [Span(start: 0, end: 12, label: "PER")])
        #expect(s.anchor == nil)
        // Shift+arrows do the same; extending left from Merkel selects Angela Merkel.
        _ = s.press("<right><right><right><right><right><S-left>")
        #expect(s.selection == 5...6)
        _ = s.press("1")
        #expect(s.spans.last == Span(start: 33, end: 46, label: "PER"))
        // [ extends to the left, ] to the right: Berlin alone with the cursor's token.
        var t = Self.news()
        _ = t.press("<right><right><right><right>[")
        #expect(t.selection == 3...4)
        _ = t.press("<S-right>")
        #expect(t.selection == 4...4)
    }

    @Test func aLabelKeyWithoutSelectionMarksTheCursorsToken() {
        var s = Self.news()
        _ = s.press("<right><right><right>l")
        #expect(s.spans == [Span(start: 21, end: 27, label: "LOC")])
    }

    @Test func xRemovesTheSpanUnderTheCursorAndSaysSoWhenThereIsNone() {
        var s = Self.news()
        _ = s.press("]p<right><right>l")
        #expect(s.spans.count == 2)
        _ = s.press("x")
        #expect(s.spans == [Span(start: 0, end: 12, label: "PER")])
        #expect(s.message?.text == "removed LOC 21:27")
        _ = s.press("x")
        #expect(s.message?.text == "no span under the cursor" && s.message?.isError == true)
        // Inside a two-token span, x on its second token removes it.
        _ = s.press("<left><left>x")
        #expect(s.cursor == 1 && s.spans.isEmpty)
    }

    @Test func enterSubmitsTheSpansInTextOrderWithCodePointOffsets() {
        var s = Self.news()
        let effects = s.press("<right><right><right>l<home><left><left><left>]p<enter>")
        #expect(Self.answer(effects) == .spans([Span(start: 0, end: 12, label: "PER"), Span(start: 21, end: 27, label: "LOC")]))
    }

    @Test func noSpansIsAValidAnswer() {
        var s = Self.news()
        #expect(Self.answer(s.press("<enter>")) == .spans([]))
    }

    @Test func anOverlappingSpanIsRefusedWhenTheGuidelineForbidsItAndKeptWhenItAllows() {
        var s = Self.news()
        _ = s.press("]p")
        _ = s.press("o")
        #expect(s.spans == [Span(start: 0, end: 12, label: "PER")])
        #expect(s.message?.isError == true && s.message?.text.contains("does not allow overlapping spans") == true)
        // The same stretch again with another label relabels it.
        _ = s.press("<left>]o")
        #expect(s.spans == [Span(start: 0, end: 12, label: "ORG")])
        var t = Self.news(Fixtures.spansOverlapping)
        _ = t.press("]po")
        #expect(t.spans == [Span(start: 0, end: 12, label: "PER"), Span(start: 7, end: 12, label: "ORG")])
        // x removes the innermost span under the cursor.
        _ = t.press("x")
        #expect(t.spans == [Span(start: 0, end: 12, label: "PER")])
    }

    @Test func escDropsTheSelectionButKeepsTheSpans() {
        var s = Self.news()
        _ = s.press("]p<right><right>]<esc>")
        #expect(s.anchor == nil && s.spans.count == 1)
    }

    /// Offsets are code points: the emoji with a skin tone counts two, as in Python's `str`
    /// ("東京で👍🏽 Obama".index("Obama") == 6).
    @Test func offsetsCountCodePointsInCJKAndEmojiText() {
        var s = Fixtures.state(Fixtures.spans, text: "東京で👍🏽 Obama")
        #expect(s.tokens?.ranges.count == 5)
        _ = s.press("<right><right><right><right>p")
        #expect(s.spans == [Span(start: 6, end: 11, label: "PER")])
        _ = s.press("<home><left><left><left><left>]l")
        #expect(Self.answer(s.press("<enter>")) == .spans([Span(start: 0, end: 2, label: "LOC"), Span(start: 6, end: 11, label: "PER")]))
    }

    @Test func theCursorStaysOnScreenInALongText() {
        var s = Fixtures.state(Fixtures.spans, text: SnapshotTests.longText)
        _ = s.press(String(repeating: "<right>", count: 400))
        let layout = s.itemLayout()
        let line = try! #require(layout.cursorLine)
        #expect(line >= s.scroll && line < s.scroll + s.textRows && s.scroll > 0)
    }

    @Test func spanScreenKeysAreReservedForSpansGuidelinesOnly() {
        for key in ["x", "[", "]"] {
            let text = "---\nname: t\ntask: spans\nlabels:\n  - {value: A, hotkey: \"\(key)\", definition: A.}\n---\nBody\n"
            #expect(throws: GuidelineError.self, "hotkey \(key)") { try Guideline.parse(text, file: "t.md") }
            do { _ = try Guideline.parse(text, file: "t.md") } catch {
                #expect("\(error)".contains("t.md:5:"), "\(error)")
                #expect("\(error)".contains("a spans task also uses [ ] x"), "\(error)")
            }
            let classify = "---\nname: t\ntask: classify\nlabels:\n  - {value: A, hotkey: \"\(key)\", definition: A.}\n  - {value: B, hotkey: z, definition: B.}\n---\nBody\n"
            #expect(throws: Never.self) { try Guideline.parse(classify) }
        }
        #expect(Guideline.reservedKeys(for: .spans) == Guideline.reservedKeys.union(SpanCommand.allCases.map(\.key)))
        // And the span screen binds exactly those keys.
        let bound = Keymap.bindings(for: Self.news()).flatMap(\.keys).compactMap { key, _ -> Character? in
            if case .character(let c) = key { return c }
            return nil
        }
        #expect(Set(bound) == Guideline.reservedKeys(for: .spans).subtracting("0123456789"))
    }

    // MARK: rate

    @Test func aScaleDigitRatesAtOnceAndOtherDigitsAreNotKeys() {
        var s = Fixtures.state(Fixtures.rate)
        #expect(Self.answer(s.press("4")) == .rating(4))
        var t = Fixtures.state(Fixtures.rate)
        #expect(t.press("7").isEmpty && t.press("0").isEmpty)
        #expect(t.message?.text.contains("is not a key here") == true)
        // A scale from 0: the digit is the point, not a position.
        let zero = try! Guideline.parse(Fixtures.rate.source.replacingOccurrences(of: "{value: 1,", with: "{value: 0,"))
        var z = Fixtures.state(zero)
        #expect(Self.answer(z.press("0")) == .rating(0))
        var z2 = Fixtures.state(zero)
        #expect(Self.answer(z2.press("2")) == .rating(2))
    }

    // MARK: compare

    /// Item ids whose comparison alice sees with `a` first, and with `b` first.
    static func ids(showing side: PairSide) -> String {
        (0..<100).map { "p\($0)" }.first { LabelingState.sideShownFirst(annotator: "alice", item: $0) == side } ?? ""
    }

    static func pair(_ id: String, width: Int = 80) -> LabelingState {
        var s = LabelingState(project: "prefs", annotator: "alice", guideline: Fixtures.compare, width: width, height: 24, now: Date(timeIntervalSince1970: 0))
        s.apply(.loaded(ScreenItem(id: id, text: Fixtures.pairText), Progress(), canUndo: false), now: Date(timeIntervalSince1970: 100))
        return s
    }

    @Test func theSideShownFirstIsStablePerAnnotatorAndItemAndVaries() {
        let sides = (0..<200).map { LabelingState.sideShownFirst(annotator: "alice", item: "p\($0)") }
        #expect(sides.filter { $0 == .a }.count > 70 && sides.filter { $0 == .b }.count > 70)
        #expect(sides == (0..<200).map { LabelingState.sideShownFirst(annotator: "alice", item: "p\($0)") })
        #expect((0..<50).contains { LabelingState.sideShownFirst(annotator: "bob", item: "p\($0)") != sides[$0] })
    }

    @Test func compareKeysAnswerInScreenTermsAndAreRecordedUnswapped() {
        let aFirst = Self.ids(showing: .a), bFirst = Self.ids(showing: .b)
        var s = Self.pair(aFirst)
        #expect(Self.answer(s.press("a")) == .choice(.a, shownFirst: .a))
        var t = Self.pair(bFirst)
        // "A better" on screen is candidate b when b was shown first.
        #expect(Self.answer(t.press("a")) == .choice(.b, shownFirst: .b))
        var u = Self.pair(bFirst)
        #expect(Self.answer(u.press("b")) == .choice(.a, shownFirst: .b))
        var v = Self.pair(bFirst)
        #expect(Self.answer(v.press("t")) == .choice(.tie, shownFirst: .b))
        var w = Self.pair(aFirst)
        #expect(Self.answer(w.press("x")) == .choice(.bothBad, shownFirst: .a))
        // The screen shows the first candidate under "A".
        let screen = Self.pair(bFirst).render(now: Date(timeIntervalSince1970: 1800)).lines.joined(separator: "\n")
        let aAt = screen.range(of: "Eggs are a good source")?.lowerBound, bAt = screen.range(of: "Put the egg")?.lowerBound
        #expect(aAt != nil && bAt != nil && aAt! < bAt!)
    }

    @Test func theReviewScreenShowsTheSidesAsTheDataNamesThem() {
        var s = LabelingState(project: "prefs", annotator: "alice", guideline: Fixtures.compare, width: 80, height: 24)
        s.shuffleSides = false
        s.apply(.loaded(ScreenItem(id: Self.ids(showing: .b), text: Fixtures.pairText), Progress(), canUndo: false))
        #expect(s.shownFirst == .a)
    }
}

@Suite("Task screen snapshots")
struct TaskSnapshotTests {
    let snap = SnapshotTests()

    static func spansState(width: Int, height: Int, text: String) -> LabelingState {
        Fixtures.state(Fixtures.spans, width: width, height: height, text: text)
    }

    @Test func spansAt80x24() throws {
        var s = Self.spansState(width: 80, height: 24, text: Fixtures.newsText)
        _ = s.press("]p<right><right>l<right><right>]")
        try snap.check("spans-80x24", s)
    }

    @Test func spansWithCJKAndEmojiAt120x40() throws {
        var s = Self.spansState(width: 120, height: 40, text: SnapshotTests.cjkEmoji)
        // 水壶 (tokens 2, 3) as ORG, then the cursor on 👍🏽.
        _ = s.press("<right><right>]o")
        _ = s.press(String(repeating: "<right>", count: 40))
        try snap.check("spans-cjk-120x40", s)
    }

    @Test func spansWithCJKAndEmojiAt80x24() throws {
        var s = Self.spansState(width: 80, height: 24, text: SnapshotTests.cjkEmoji)
        _ = s.press("<right><right>]o<right><right><right>")
        try snap.check("spans-cjk-80x24", s)
    }

    /// The smallest window: the key line keeps how to leave, the chips stay the legend.
    @Test func spansAt60x16() throws {
        var s = Self.spansState(width: 60, height: 16, text: Fixtures.newsText)
        _ = s.press("]p<right><right>l")
        try snap.check("spans-60x16", s)
    }

    @Test func rateAt80x24() throws {
        try snap.check("rate-80x24", Fixtures.state(Fixtures.rate, text: "Q: How long do I boil an egg? A: About nine minutes for a hard egg."))
    }

    @Test func rateAt120x40() throws {
        try snap.check("rate-120x40", Fixtures.state(Fixtures.rate, width: 120, height: 40, text: "Q: How long do I boil an egg? A: About nine minutes for a hard egg."))
    }

    @Test func compareStackedAt80x24() throws {
        try snap.check("compare-80x24", TaskScreenTests.pair(TaskScreenTests.ids(showing: .b)))
    }

    @Test func compareSideBySideAt120x40() throws {
        var s = TaskScreenTests.pair(TaskScreenTests.ids(showing: .a), width: 120)
        _ = s.handle(.resize(width: 120, height: 40))
        try snap.check("compare-120x40", s)
    }
}
