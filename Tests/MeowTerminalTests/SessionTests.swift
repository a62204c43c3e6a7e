import Foundation
import Testing
import MeowApp
import MeowCore
import MeowTestSupport
@testable import MeowStore
@testable import MeowTerminal

/// Key sequences on the in-memory terminal against a real workspace file.
@Suite("Labeling session on a real workspace")
struct SessionTests {
    let dir = NSTemporaryDirectory() + "meow-session-" + UUID().uuidString
    let ws: Workspace

    let backend: TestBackend

    init(_ backend: TestBackend = .sqlite) throws {
        self.backend = backend
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        ws = try backend.freshWorkspace(dir: dir)
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

    /// Issue 16.2: the screen's answer and its next claim are one write. After an answer the
    /// next item is already held; a guideline update before it is shown asks for the
    /// acknowledgement first, and the held item comes next, under the new version.
    @Test(arguments: TestBackend.available) static func anAnswerClaimsTheNextItemInTheSameWrite(_ backend: TestBackend) throws { try Self(backend).anAnswerClaimsTheNextItemInTheSameWrite() }
    func anAnswerClaimsTheNextItemInTheSameWrite() throws {
        let project = try ws.project("reviews")
        let adapter = QueueScreenAdapter(workspace: ws, project: project, annotator: "alice")
        let first = try #require(try adapter.next())
        _ = try adapter.submit(item: first.id, answer: Answer(labels: ["positive"]))
        let held = try ws.db.rows("SELECT i.external_id FROM claim c JOIN item i ON i.id = c.item_id WHERE c.annotator = 'alice'").map { try $0.text("external_id") }
        #expect(held == ["r2"] && first.id == "r1")
        let g = try Guideline.parse(project.guideline.source + "\nOne more rule.\n")
        _ = try ws.updateGuideline(project: "reviews", guideline: g, by: "admin")
        #expect(throws: BlockedError.self) { try adapter.next() }
        try adapter.acknowledge()
        #expect(try adapter.next()?.id == "r2")
    }

    @Test(arguments: TestBackend.available) static func labelUndoRelabelAndQuit(_ backend: TestBackend) throws { try Self(backend).labelUndoRelabelAndQuit() }

    func labelUndoRelabelAndQuit() throws {
        let (session, terminal) = try run("pn2uo" + "cnot a review<enter>o" + "q")
        // r1 positive, r2 negative, r3 negative then undone, r3 relabeled other with a comment.
        #expect(try labels() == ["r1:positive", "r2:negative", "r3:other"])
        #expect(session.state.sessionAnswers == 3)
        // The screen showed the metadata field the guideline asks for.
        #expect(terminal.screens[0].line(3).contains("product: P1"))
        // Quitting released the held claim on r4: it is the next item again.
        #expect(try ws.claimNext(project: "reviews", annotator: "alice")?.id == "r4")
    }

    @Test(arguments: TestBackend.available) static func comingBackResumesWhereTheAnnotatorLeft(_ backend: TestBackend) throws { try Self(backend).comingBackResumesWhereTheAnnotatorLeft() }

    func comingBackResumesWhereTheAnnotatorLeft() throws {
        _ = try run("pp" + "q")
        let (_, terminal) = try run("q")
        #expect(terminal.screens[0].line(3).hasPrefix(" item r3"))
    }

    @Test(arguments: TestBackend.available) static func skippedItemsGoToOthersAndTheQueueEnds(_ backend: TestBackend) throws { try Self(backend).skippedItemsGoToOthersAndTheQueueEnds() }

    func skippedItemsGoToOthersAndTheQueueEnds() throws {
        _ = try run("spppp")
        let (_, t) = try run("q")
        #expect(t.screens[0].lines.joined().contains("Nothing left for you in reviews."))
        // Bob gets the item alice skipped.
        let (_, bob) = try run("q", as: "bob")
        #expect(bob.screens[0].line(3).hasPrefix(" item r1"))
        #expect(try labels().count == 4)
    }

    @Test(arguments: TestBackend.available) static func storeRefusalsShowInlineAndKeepTheItem(_ backend: TestBackend) throws { try Self(backend).storeRefusalsShowInlineAndKeepTheItem() }

    func storeRefusalsShowInlineAndKeepTheItem() throws {
        // "o" (other) needs a comment: refused before reaching the store, item stays.
        let (session, terminal) = try run("oq")
        #expect(terminal.screens[1].line(22).contains("requires a comment"))
        #expect(session.state.item?.id == "r1")
        #expect(try labels().isEmpty)
    }

    @Test(arguments: TestBackend.available) static func keyToDrawnFrameStaysOnTheItemAfterResize(_ backend: TestBackend) throws { try Self(backend).keyToDrawnFrameStaysOnTheItemAfterResize() }

    func keyToDrawnFrameStaysOnTheItemAfterResize() throws {
        let (_, t) = try run("p" , width: 120, height: 40)
        #expect(t.screens.last?.width == 120)
        #expect(try labels() == ["r1:positive"])
    }

    @Test(arguments: TestBackend.available) static func aGuidelineUpdateWhileAnItemIsOpenIsAcknowledgedBeforeTheNextItem(_ backend: TestBackend) throws { try Self(backend).aGuidelineUpdateWhileAnItemIsOpenIsAcknowledgedBeforeTheNextItem() }

    func aGuidelineUpdateWhileAnItemIsOpenIsAcknowledgedBeforeTheNextItem() throws {
        let project = try ws.project("reviews")
        let backend = UpdatedMidItem(QueueScreenAdapter(workspace: ws, project: project, annotator: "alice"), path: ws.path,
                                     project: "reviews", update: Fixtures.classifyV2)
        // p answers r1; then the new version is read to its end and acknowledged; m (new in v2) answers r2.
        let terminal = InMemoryTerminal(keys: Key.sequence("p" + "mG<enter>" + "m" + "q"))
        let state = LabelingState(project: "reviews", annotator: "alice", guideline: project.guideline, width: 80, height: 24)
        let session = LabelingSession(state: state, terminal: terminal, backend: backend)
        try session.run()
        let shown = terminal.screens.map { $0.lines.joined(separator: "\n") }
        // Right after the answer to r1: the acknowledgement screen for v2, saying what changed.
        #expect(shown[1].contains("Guideline v2 replaced v1 while you were labeling. What changed:"), "\(shown[1])")
        #expect(shown[1].contains("· added: mixed") && shown[1].contains("[m/4] mixed") && !shown[1].contains("item r2"))
        #expect(shown[1].contains("guideline v2: read it to the end, then press ⏎"))
        // Label keys do nothing there ("m" was ignored); after ⏎, r2 with the new label's chip.
        #expect(shown[4].contains("item r2") && shown[4].contains("[m/4] mixed"), "\(shown[4])")
        // r1 counts under v1, the version alice had read when she answered; r2 under v2.
        #expect(try ws.db.rows("SELECT i.external_id, a.label, a.guideline_version FROM annotation a JOIN item i ON i.id = a.item_id ORDER BY a.id")
            .map { "\(try $0.text("external_id")):\(try $0.text("label")):v\(try $0.int("guideline_version"))" } == ["r1:positive:v1", "r2:mixed:v2"])
        #expect(try ws.hasAcknowledged(project: "reviews", annotator: "alice", version: 2))
        #expect(session.state.sessionAnswers == 2)
    }

    @Test(arguments: TestBackend.available) static func aQualificationAnswerAfterAnUpdateIsNotSavedAndTheScreenSaysSo(_ backend: TestBackend) throws { try Self(backend).aQualificationAnswerAfterAnUpdateIsNotSavedAndTheScreenSaysSo() }

    func aQualificationAnswerAfterAnUpdateIsNotSavedAndTheScreenSaysSo() throws {
        func withQualification(_ g: Guideline) throws -> Guideline {
            try Guideline.parse(g.source.replacingOccurrences(of: "show: [product]\n", with: "show: [product]\nqualification: {items: q.jsonl, pass_mark: 0.5}\n"))
        }
        let pool = [GoldItem(id: "q1", text: "practice one", label: "positive", explanation: ""),
                    GoldItem(id: "q2", text: "practice two", label: "negative", explanation: "")]
        let project = try ws.createProject("quals", guideline: try withQualification(Fixtures.classify), by: "admin", qualification: pool)
        try ws.acknowledge(project: "quals", annotator: "alice")
        let backend = UpdatedMidItem(QueueScreenAdapter(workspace: ws, project: project, annotator: "alice"), path: ws.path,
                                     project: "quals", update: try withQualification(Fixtures.classifyV2), qualification: pool)
        let terminal = InMemoryTerminal(keys: Key.sequence("p" + "G<enter>" + "q"))
        let state = LabelingState(project: "quals", annotator: "alice", guideline: project.guideline, width: 80, height: 24)
        try LabelingSession(state: state, terminal: terminal, backend: backend).run()
        let shown = terminal.screens.map { $0.lines.joined(separator: "\n") }
        #expect(shown[0].contains("qualification 1/2"))
        #expect(shown[1].contains("Guideline v2 replaced v1") && shown[1].contains("Your answer to q1 was not saved: it came after v2."), "\(shown[1])")
        // After reading v2, its own qualification round starts.
        #expect(shown.last?.contains("qualification 1/2") == true && shown.last?.contains("[m/4] mixed") == true)
        #expect(try ws.db.scalarInt("SELECT count(*) FROM gold_answer") == 0)
    }

    @Test(arguments: TestBackend.available) static func aLostLeaseMovesTheScreenOnInsteadOfSticking(_ backend: TestBackend) throws { try Self(backend).aLostLeaseMovesTheScreenOnInsteadOfSticking() }

    func aLostLeaseMovesTheScreenOnInsteadOfSticking() throws {
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

/// Delegates to the real backend; just before the first answer reaches the store, another
/// process (its own connection) records a new guideline version.
final class UpdatedMidItem: LabelingBackend {
    let inner: QueueScreenAdapter, path: String, project: String, update: Guideline, qualification: [GoldItem]
    var updated = false
    init(_ inner: QueueScreenAdapter, path: String, project: String, update: Guideline, qualification: [GoldItem] = []) {
        self.inner = inner; self.path = path; self.project = project; self.update = update; self.qualification = qualification
    }
    func next() throws -> ScreenItem? { try inner.next() }
    func submit(item: String, answer: Answer) throws -> QualificationSummary? {
        if !updated {
            updated = true
            _ = try (path.hasPrefix("postgres") ? Workspace(postgres: path) : Workspace(path: path)).updateGuideline(project: project, guideline: update, by: "admin", qualification: qualification)
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
