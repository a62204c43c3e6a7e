import Foundation
import Testing
import MeowApp
import MeowCore
import MeowStore
@testable import MeowTerminal

/// Key sequences on the in-memory terminal against a real workspace file.
@Suite("Labeling session on a real workspace")
struct SessionTests {
    let dir = NSTemporaryDirectory() + "meow-session-" + UUID().uuidString
    let ws: Workspace

    init() throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        ws = try Workspace(path: dir + "/w.sqlite", create: true)
        try ws.createProject("reviews", guideline: Fixtures.classify, by: "admin")
        let file = dir + "/items.jsonl"
        try (1...5).map { #"{"id":"r\#($0)","text":"review \#($0)","product":"P\#($0)"}"# }.joined(separator: "\n")
            .write(toFile: file, atomically: true, encoding: .utf8)
        _ = try ws.importItems(project: "reviews", reader: ItemReader(path: file, format: .jsonl), skipInvalid: false)
        for who in ["alice", "bob"] { try ws.acknowledge(project: "reviews", annotator: who) }
    }

    func run(_ keys: String, as who: String = "alice", width: Int = 80, height: Int = 24) throws -> (LabelingSession, InMemoryTerminal) {
        let project = try ws.project("reviews")
        let terminal = InMemoryTerminal(width: width, height: height, keys: Key.sequence(keys))
        let state = LabelingState(project: "reviews", annotator: who, guideline: project.guideline, width: width, height: height)
        let session = LabelingSession(state: state, terminal: terminal, backend: QueueScreenAdapter(workspace: ws, project: project, annotator: who))
        try session.run()
        return (session, terminal)
    }

    func labels() throws -> [String] {
        let path = dir + "/out.csv"
        var out = [UInt8]()
        _ = try ws.exportDataset(project: "reviews", split: .all, frozen: nil, raw: true, format: .csv, allowNoTestSet: true, by: "admin") { out += $0 }
        try Data(out).write(to: URL(fileURLWithPath: path))
        return String(decoding: out, as: UTF8.self).split(separator: "\n").dropFirst().map { line in
            let f = line.split(separator: ",", omittingEmptySubsequences: false)
            return "\(f[0]):\(f[3])"
        }
    }

    @Test func labelUndoRelabelAndQuit() throws {
        let (session, terminal) = try run("pn2uo" + "cnot a review<enter>o" + "q")
        // r1 positive, r2 negative, r3 negative then undone, r3 relabeled other with a comment.
        #expect(try labels() == ["r1:positive", "r2:negative", "r3:other"])
        #expect(session.state.sessionAnswers == 3)
        // The screen showed the metadata field the guideline asks for.
        #expect(terminal.screens[0].line(3).contains("product: P1"))
        // Quitting released the held claim on r4: it is the next item again.
        #expect(try ws.claimNext(project: "reviews", annotator: "alice")?.id == "r4")
    }

    @Test func comingBackResumesWhereTheAnnotatorLeft() throws {
        _ = try run("pp" + "q")
        let (_, terminal) = try run("q")
        #expect(terminal.screens[0].line(3).hasPrefix(" item r3"))
    }

    @Test func skippedItemsGoToOthersAndTheQueueEnds() throws {
        _ = try run("spppp")
        let (_, t) = try run("q")
        #expect(t.screens[0].lines.joined().contains("Nothing left for you in reviews."))
        // Bob gets the item alice skipped.
        let (_, bob) = try run("q", as: "bob")
        #expect(bob.screens[0].line(3).hasPrefix(" item r1"))
        #expect(try labels().count == 4)
    }

    @Test func storeRefusalsShowInlineAndKeepTheItem() throws {
        // "o" (other) needs a comment: refused before reaching the store, item stays.
        let (session, terminal) = try run("oq")
        #expect(terminal.screens[1].line(22).contains("requires a comment"))
        #expect(session.state.item?.id == "r1")
        #expect(try labels().isEmpty)
    }

    @Test func keyToDrawnFrameStaysOnTheItemAfterResize() throws {
        let (_, t) = try run("p" , width: 120, height: 40)
        #expect(t.screens.last?.width == 120)
        #expect(try labels() == ["r1:positive"])
    }

    @Test func aLostLeaseMovesTheScreenOnInsteadOfSticking() throws {
        let project = try ws.project("reviews")
        /// Delegates to the real backend; before the first submit, an hour passes and bob's
        /// claim reaps alice's expired lease.
        final class LateBackend: LabelingBackend {
            let inner: QueueScreenAdapter, ws: Workspace
            var expired = false
            init(_ inner: QueueScreenAdapter, _ ws: Workspace) { self.inner = inner; self.ws = ws }
            func next() throws -> ScreenItem? { try inner.next() }
            func submit(item: String, answer: Answer) throws -> QualificationSummary? {
                if !expired {
                    expired = true
                    _ = try ws.claimNext(project: "reviews", annotator: "bob", now: Date().addingTimeInterval(3600))
                    _ = try ws.claimNext(project: "reviews", annotator: "cy", now: Date().addingTimeInterval(3600))
                }
                return try inner.submit(item: item, answer: answer)
            }
            func acknowledge() throws { try inner.acknowledge() }
            func retryQualification() throws { try inner.retryQualification() }
            func recordTooFast() throws { try inner.recordTooFast() }
            func skip(item: String) throws { try inner.skip(item: item) }
            func undo() throws -> ScreenItem { try inner.undo() }
            func releaseAll() throws { try inner.releaseAll() }
            func progress() throws -> MeowTerminal.Progress { try inner.progress() }
            func canUndo() throws -> Bool { try inner.canUndo() }
        }
        try ws.acknowledge(project: "reviews", annotator: "cy")
        let backend = LateBackend(QueueScreenAdapter(workspace: ws, project: project, annotator: "alice"), ws)
        let terminal = InMemoryTerminal(keys: Key.sequence("pq"))
        let state = LabelingState(project: "reviews", annotator: "alice", guideline: project.guideline, width: 80, height: 24)
        try LabelingSession(state: state, terminal: terminal, backend: backend).run()
        let shown = terminal.screens.map { $0.lines.joined(separator: "\n") }
        #expect(shown[0].contains("item r1"))
        // r1 is now held by bob and cy (overlap 2): alice's answer is not recorded, the screen
        // says why and shows her next item instead of sticking on r1.
        #expect(shown.last?.contains("lease on item r1 ran out") == true)
        #expect(shown.last?.contains("item r2") == true)
        #expect(try labels().isEmpty)
    }
}
