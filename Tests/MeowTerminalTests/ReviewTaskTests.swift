import Foundation
import Testing
import MeowApp
import MeowCore
import MeowTestSupport
@testable import MeowStore
@testable import MeowTerminal

/// The review screen for spans, ratings and comparisons on a real workspace: each annotator's
/// answer is shown, and the reviewer's answer becomes the final value.
@Suite("Review screen for spans, rate and compare")
struct ReviewTaskTests {
    let dir = NSTemporaryDirectory() + "meow-review-" + UUID().uuidString
    let backend: TestBackend

    init(_ backend: TestBackend = .sqlite) { self.backend = backend }

    /// A project of `guideline` with one item answered differently by alice and bob, majority
    /// consensus run (a tie: the item waits for review).
    func disputed(_ guideline: Guideline, text: String, _ alice: AnswerValue, _ bob: AnswerValue, carol: AnswerValue? = nil) throws -> Workspace {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let ws = try backend.freshWorkspace(dir: dir)
        try ws.createProject("p", guideline: guideline, by: "admin")
        let file = dir + "/items.jsonl"
        // A compare item imports from its fields a, b and prompt; any other item from its text.
        let fields: [String: String] = ComparePair(text: text).map { ["id": "i1", "prompt": $0.prompt ?? "", "a": $0.a, "b": $0.b] } ?? ["id": "i1", "text": text]
        let line = try JSONSerialization.data(withJSONObject: fields)
        try line.write(to: URL(fileURLWithPath: file))
        _ = try ws.importItems(project: "p", reader: ItemReader(path: file, format: .jsonl, pairs: guideline.task == .compare), skipInvalid: false)
        for (who, value) in [("alice", alice), ("bob", bob)] + (carol.map { [("carol", $0)] } ?? []) {
            try ws.acknowledge(project: "p", annotator: who)
            _ = try ws.claimNext(project: "p", annotator: who)
            _ = try ws.submit(project: "p", annotator: who, item: "i1", answer: Answer(value: value))
        }
        _ = try ws.consensus(project: "p", method: "majority", by: "admin")
        return ws
    }

    func review(_ ws: Workspace, keys: String, width: Int = 100) throws -> InMemoryTerminal {
        let project = try ws.project("p")
        let terminal = InMemoryTerminal(width: width, height: 30, keys: Key.sequence(keys))
        var state = LabelingState(project: "p (review)", annotator: "admin", guideline: project.guideline, width: width, height: 30)
        state.shuffleSides = false
        try LabelingSession(state: state, terminal: terminal, backend: ReviewScreenAdapter(workspace: ws, project: project, reviewer: "admin")).run()
        return terminal
    }

    func final(_ ws: Workspace) throws -> String? { try ws.finalLabels(project: "p").first?.label }

    @Test(arguments: TestBackend.available) static func spansShowEachAnnotatorsSpansAndTheReviewerMarksTheFinalOnes(_ backend: TestBackend) throws { try Self(backend).spansShowEachAnnotatorsSpansAndTheReviewerMarksTheFinalOnes() }

    func spansShowEachAnnotatorsSpansAndTheReviewerMarksTheFinalOnes() throws {
        let text = "Barack Obama visited Berlin."
        let ws = try disputed(Fixtures.spans, text: text, .spans([Span(start: 0, end: 12, label: "PER"), Span(start: 21, end: 27, label: "LOC")]),
                              .spans([Span(start: 7, end: 12, label: "PER")]))
        // The reviewer marks Barack Obama as PER and Berlin as LOC.
        let t = try review(ws, keys: "]p<right><right>l<enter>")
        let first = try #require(t.screens.first).lines.joined(separator: "\n")
        #expect(first.contains("alice: [Barack Obama] PER 0:12, [Berlin] LOC 21:27"), "\(first)")
        #expect(first.contains("bob: [Obama] PER 7:12"), "\(first)")
        #expect(try final(ws) == "0:12:PER,21:27:LOC")
        #expect(try ws.reviewQueue(project: "p").isEmpty)
    }

    /// Two of three agree: the reviewer starts from those spans, and Enter confirms them.
    @Test(arguments: TestBackend.available) static func aSpansReviewerStartsFromTheConsensusSpans(_ backend: TestBackend) throws { try Self(backend).aSpansReviewerStartsFromTheConsensusSpans() }
    func aSpansReviewerStartsFromTheConsensusSpans() throws {
        let g = try Guideline.parse(Fixtures.spans.source.replacingOccurrences(of: "overlap: 2", with: "overlap: 3"))
        let agreed = AnswerValue.spans([Span(start: 0, end: 12, label: "PER")])
        let ws = try disputed(g, text: "Barack Obama visited Berlin.", agreed, .spans([Span(start: 7, end: 12, label: "PER")]), carol: agreed)
        #expect(try ws.reviewQueue(project: "p").map(\.id) == ["i1"])
        let t = try review(ws, keys: "<enter>")
        let first = try #require(t.screens.first).lines.joined(separator: "\n")
        #expect(first.contains("spans: [Barack Obama] PER"), "\(first)")
        #expect(try final(ws) == "0:12:PER")
    }

    @Test(arguments: TestBackend.available) static func ratingsShowEachRatingWithItsNameAndADigitDecides(_ backend: TestBackend) throws { try Self(backend).ratingsShowEachRatingWithItsNameAndADigitDecides() }

    func ratingsShowEachRatingWithItsNameAndADigitDecides() throws {
        let ws = try disputed(Fixtures.rate, text: "Boil it for nine minutes.", .rating(2), .rating(5))
        let t = try review(ws, keys: "4")
        let first = try #require(t.screens.first).lines.joined(separator: "\n")
        #expect(first.contains("alice: 2 (Weak)") && first.contains("bob: 5 (Excellent)"), "\(first)")
        #expect(try final(ws) == "4")
    }

    /// The review screen shows a on the left as A: a reviewer's "A better" is candidate a.
    @Test(arguments: TestBackend.available) static func comparisonsShowTheSidesAsTheDataNamesThem(_ backend: TestBackend) throws { try Self(backend).comparisonsShowTheSidesAsTheDataNamesThem() }
    func comparisonsShowTheSidesAsTheDataNamesThem() throws {
        let ws = try disputed(Fixtures.compare, text: Fixtures.pairText, .choice(.a, shownFirst: .b), .choice(.b, shownFirst: .a))
        let t = try review(ws, keys: "b", width: 120)
        let first = try #require(t.screens.first).lines.joined(separator: "\n")
        #expect(first.contains("alice: A better") && first.contains("bob: B better"), "\(first)")
        let left = try #require(first.range(of: "Put the egg")?.lowerBound), right = try #require(first.range(of: "Eggs are")?.lowerBound)
        #expect(left < right)
        #expect(try final(ws) == "b")
    }
}

@Suite("Undo on the span screen")
struct SpanUndoTests {
    let backend: TestBackend

    init(_ backend: TestBackend = .sqlite) { self.backend = backend }

    /// Undo brings the item back with the spans that were taken back, ready to correct.
    @Test(arguments: TestBackend.available) static func undoBringsTheSpansBackToCorrect(_ backend: TestBackend) throws { try Self(backend).undoBringsTheSpansBackToCorrect() }
    func undoBringsTheSpansBackToCorrect() throws {
        let dir = NSTemporaryDirectory() + "meow-undo-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let ws = try backend.freshWorkspace(dir: dir)
        try ws.createProject("p", guideline: Fixtures.spans, by: "admin")
        let file = dir + "/items.jsonl"
        try "{\"id\":\"n1\",\"text\":\"Barack Obama visited Berlin.\"}\n{\"id\":\"n2\",\"text\":\"Nothing here.\"}".write(toFile: file, atomically: true, encoding: .utf8)
        _ = try ws.importItems(project: "p", reader: ItemReader(path: file, format: .jsonl), skipInvalid: false)
        try ws.acknowledge(project: "p", annotator: "alice")
        let project = try ws.project("p")
        // Mark Barack Obama PER, submit; undo; relabel it ORG (the same stretch), submit again.
        let terminal = InMemoryTerminal(width: 80, height: 24, keys: Key.sequence("]p<enter>u<enter>"))
        let state = LabelingState(project: "p", annotator: "alice", guideline: project.guideline, width: 80, height: 24)
        let session = LabelingSession(state: state, terminal: terminal, backend: QueueScreenAdapter(workspace: ws, project: project, annotator: "alice"))
        try session.run()
        let afterUndo = terminal.screens[terminal.screens.count - 2].lines.joined(separator: "\n")
        #expect(afterUndo.contains("item n1") && afterUndo.contains("spans: [Barack Obama] PER"), "\(afterUndo)")
        let stored = try ws.db.rows("SELECT label FROM annotation").map { try $0.text("label") }
        #expect(stored == ["0:12:PER"])
    }
}
