import Foundation
import Testing
import MeowCore
import MeowTestSupport
@testable import MeowStore

/// Queue semantics on a real workspace file, through the library.
@Suite("Workspace queue")
struct QueueTests {
    let dir: String
    let ws: Workspace

    let backend: TestBackend

    init(_ backend: TestBackend = .sqlite) throws {
        self.backend = backend
        dir = NSTemporaryDirectory() + "meow-store-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        ws = try backend.freshWorkspace(dir: dir)
        let g = try Guideline.parse("""
        ---
        name: t
        task: classify
        overlap: 2
        labels: [{value: a, definition: A}, {value: b, definition: B}]
        ---
        Body
        """)
        try ws.createProject("p", guideline: g, by: "admin")
        let file = dir + "/items.txt"
        try (1...20).map { "text \($0)" }.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        _ = try ws.importItems(project: "p", reader: ItemReader(path: file, format: .text), skipInvalid: false)
        for who in ["x", "y", "z", "solo"] { try ws.acknowledge(project: "p", annotator: who) }
    }

    func answer(_ who: String, _ label: String = "a", now: Date = Date()) throws -> String? {
        guard let item = try ws.claimNext(project: "p", annotator: who, now: now) else { return nil }
        try ws.submit(project: "p", annotator: who, item: item.id, answer: Answer(labels: [label]))
        return item.text
    }

    @Test(arguments: TestBackend.available) static func anItemReleasedBehindTheCursorIsServedAgain(_ backend: TestBackend) throws { try Self(backend).anItemReleasedBehindTheCursorIsServedAgain() }

    func anItemReleasedBehindTheCursorIsServedAgain() throws {
        // x holds item 1; y passes it (full? no, overlap 2) — use overlap: x and y hold 1 and 2.
        let x1 = try ws.claimNext(project: "p", annotator: "x")!
        let y1 = try ws.claimNext(project: "p", annotator: "y")!
        #expect(x1.text == "text 1" && y1.text == "text 1")
        // z finds item 1 full (two claims) and gets item 2; its cursor moves past item 1.
        #expect(try answer("z") == "text 2")
        // x releases item 1: it has room again and z must get it next, before item 3.
        try ws.release(project: "p", annotator: "x", item: x1.id)
        #expect(try answer("z") == "text 1")
        #expect(try answer("z") == "text 3")
    }

    @Test(arguments: TestBackend.available) static func anExpiredLeaseBehindTheCursorIsServedAgain(_ backend: TestBackend) throws { try Self(backend).anExpiredLeaseBehindTheCursorIsServedAgain() }

    func anExpiredLeaseBehindTheCursorIsServedAgain() throws {
        let t0 = Date()
        _ = try ws.claimNext(project: "p", annotator: "x", lease: 60, now: t0)
        _ = try ws.claimNext(project: "p", annotator: "y", lease: 60, now: t0)
        #expect(try answer("z", now: t0) == "text 2")
        // Two minutes later both leases on item 1 have run out.
        #expect(try answer("z", now: t0.addingTimeInterval(120)) == "text 1")
    }

    @Test(arguments: TestBackend.available) static func higherPriorityItemsImportedLaterAreServedFirst(_ backend: TestBackend) throws { try Self(backend).higherPriorityItemsImportedLaterAreServedFirst() }

    func higherPriorityItemsImportedLaterAreServedFirst() throws {
        #expect(try answer("x") == "text 1")
        #expect(try answer("x") == "text 2")
        let file = dir + "/urgent.jsonl"
        try #"{"id":"urgent","text":"urgent item","priority":5}"#.write(toFile: file, atomically: true, encoding: .utf8)
        _ = try ws.importItems(project: "p", reader: ItemReader(path: file, format: .jsonl), skipInvalid: false)
        #expect(try answer("x") == "urgent item")
    }

    @Test(arguments: TestBackend.available) static func raisingTheOverlapReopensItemsBehindTheCursor(_ backend: TestBackend) throws { try Self(backend).raisingTheOverlapReopensItemsBehindTheCursor() }

    func raisingTheOverlapReopensItemsBehindTheCursor() throws {
        // overlap 2: x and y fill item 1; z passes it and answers item 2.
        #expect(try answer("x") == "text 1")
        #expect(try answer("y") == "text 1")
        #expect(try answer("z") == "text 2")
        let g = try ws.project("p").guideline
        let v2 = try Guideline.parse(g.source.replacingOccurrences(of: "overlap: 2", with: "overlap: 3"))
        _ = try ws.updateGuideline(project: "p", guideline: v2, by: "admin")
        try ws.acknowledge(project: "p", annotator: "z")
        #expect(try answer("z") == "text 1")
    }

    @Test(arguments: TestBackend.available) static func undoReplacesTheLastAnswer(_ backend: TestBackend) throws { try Self(backend).undoReplacesTheLastAnswer() }

    func undoReplacesTheLastAnswer() throws {
        #expect(try answer("x", "a") == "text 1")
        #expect(try answer("x", "a") == "text 2")
        let held = try ws.claimNext(project: "p", annotator: "x")!
        #expect(held.text == "text 3")
        let back = try ws.undoLast(project: "p", annotator: "x")
        #expect(back.text == "text 2")
        try ws.submit(project: "p", annotator: "x", item: back.id, answer: Answer(labels: ["b"]))
        // One annotation for item 2, with the new label; item 3 was released and comes next.
        let s = try ws.status(project: "p")
        #expect(s.annotations == 2)
        #expect(try ws.db.row("SELECT label FROM annotation a JOIN item i ON i.id = a.item_id WHERE i.text = 'text 2'")?.text(0) == "b")
        #expect(try ws.claimNext(project: "p", annotator: "x")?.text == "text 3")
    }

    @Test(arguments: TestBackend.available) static func theDatabaseRefusesASecondAnswerFromTheSameAnnotator(_ backend: TestBackend) throws { try Self(backend).theDatabaseRefusesASecondAnswerFromTheSameAnnotator() }

    func theDatabaseRefusesASecondAnswerFromTheSameAnnotator() throws {
        #expect(try answer("x") == "text 1")
        #expect(throws: (any Error).self) {
            try ws.db.run("INSERT INTO annotation(item_id, project_id, annotator, label, guideline_version, created_at) SELECT item_id, project_id, annotator, 'b', 1, 'now' FROM annotation LIMIT 1")
        }
    }

    @Test(arguments: TestBackend.available) static func aLongHistoryDoesNotSlowTheNextClaim(_ backend: TestBackend) throws { try Self(backend).aLongHistoryDoesNotSlowTheNextClaim() }

    func aLongHistoryDoesNotSlowTheNextClaim() throws {
        // A lone annotator labels everything; items stay open (overlap 2). The cursor keeps
        // the next search from stepping over their own answers: the plan starts at the cursor.
        for _ in 0..<10 { _ = try answer("solo") }
        let cursor = try ws.db.scalarInt("SELECT qkey FROM queue_cursor WHERE annotator = 'solo'")!
        let eleventh = try ws.db.scalarInt("SELECT qkey FROM item WHERE text = 'text 10'")!
        #expect(cursor == eleventh)
    }

    @Test(arguments: TestBackend.available) static func progressCountersFollowAnswersAndUndo(_ backend: TestBackend) throws { try Self(backend).progressCountersFollowAnswersAndUndo() }

    func progressCountersFollowAnswersAndUndo() throws {
        let p = try ws.project("p")
        #expect(try ws.progress(project: p.name, annotator: "x") == (0, 0, 40))
        _ = try answer("x"); _ = try answer("y"); _ = try answer("x")
        #expect(try ws.progress(project: p.name, annotator: "x") == (2, 3, 40))
        _ = try ws.undoLast(project: "p", annotator: "x")
        #expect(try ws.progress(project: p.name, annotator: "x") == (1, 2, 40))
        // Answers beyond an item's need (imported labels) do not push progress past 100%.
        let item = try ws.db.row("SELECT external_id FROM item ORDER BY id LIMIT 1")!.text(0)
        let file = dir + "/extra.csv"
        try "item,annotator,label\n\(item),z1,a\n\(item),z2,b\n".write(toFile: file, atomically: true, encoding: .utf8)
        _ = try ws.importAnnotations(project: "p", path: file, format: .csv, by: "admin")
        #expect(try ws.progress(project: p.name, annotator: "x").teamDone == 2)
        let sum = try ws.db.scalarInt("SELECT sum(CASE WHEN done_count < need THEN done_count ELSE need END) FROM item")!
        #expect(sum == 2)
    }

    /// A workspace written by the first released schema (v1) opens in this binary: migrated in
    /// place, data intact, existing answerers counted as having acknowledged, creator admin.
    @Test(arguments: [TestBackend.sqlite]) static func anOldWorkspaceIsUpgradedInPlace(_ backend: TestBackend) throws { try Self(backend).anOldWorkspaceIsUpgradedInPlace() }
    func anOldWorkspaceIsUpgradedInPlace() throws {
        let path = dir + "/old.sqlite"
        let c = try Connection(path: path)
        try c.execute(Schema.migrations[0].sql)
        try c.execute("""
            PRAGMA application_id = \(Schema.applicationID); PRAGMA user_version = 1;
            INSERT INTO project(id, name, overlap, lease_seconds, created_at, created_by) VALUES (1, 'old', 1, 600, '2026-01-01', 'olga');
            INSERT INTO guideline_version VALUES (1, 1, 'h', '---\nname: o\ntask: classify\nlabels: [{value: a, definition: A}, {value: b, definition: B}]\n---\nWhen unsure, skip.', '2026-01-01', 'olga');
            INSERT INTO item(id, project_id, external_id, text, text_hash, priority, qkey, need) VALUES (1, 1, 'x', 'old text', x'00', 0, 1, 1);
            INSERT INTO annotation(item_id, project_id, annotator, label, guideline_version, created_at) VALUES (1, 1, 'ann', 'a', 1, '2026-01-02');
            INSERT INTO item(id, project_id, external_id, text, text_hash, priority, qkey, need) VALUES (2, 1, 'y', 'other text', x'01', 0, 2, 1);
            INSERT INTO annotation(item_id, project_id, annotator, label, guideline_version, created_at) VALUES (2, 1, 'ann', 'a,b"q', 1, '2026-01-02');
            """)
        let ws = try Workspace(path: path)
        #expect(ws.schemaVersion == Workspace.supportedSchemaVersion)
        let p = try ws.project("old")
        #expect(try ws.role(of: "olga", in: p) == .admin)
        #expect(try ws.hasAcknowledged(project: p.name, annotator: "ann"))
        #expect(try ws.status(project: "old").annotations == 2)
        #expect(try ws.db.scalarInt("SELECT count(*) FROM final_label") == 0)
        // Old answers get their typed value from their label (v5), exactly as new ones are written.
        let values = try ws.db.rows("SELECT label, value FROM annotation ORDER BY id").map { (try $0.text(0), try $0.text(1)) }
        for (label, value) in values {
            #expect(value == AnswerValue.labels(AnswerValue.labels(inColumn: label)).json, "\(label) -> \(value)")
        }
    }

    @Test(arguments: [TestBackend.sqlite]) static func migratingAVersionZeroFileAndReopeningIsIdempotent(_ backend: TestBackend) throws { try Self(backend).migratingAVersionZeroFileAndReopeningIsIdempotent() }

    func migratingAVersionZeroFileAndReopeningIsIdempotent() throws {
        let path = dir + "/fresh.sqlite"
        _ = try Workspace(path: path, create: true)
        let again = try Workspace(path: path)
        #expect(again.schemaVersion == Workspace.supportedSchemaVersion)
    }

    /// Issue 16.2: answering and claiming the next item in one transaction serves the same
    /// items in the same order, and leaves the same answers, leases, cursors and counters, as
    /// `submit` then `claimNext` on an identical workspace.
    @Test(arguments: TestBackend.available) static func submitAndClaimNextEqualsSubmitThenClaim(_ backend: TestBackend) throws { try Self(backend).submitAndClaimNextEqualsSubmitThenClaim() }
    func submitAndClaimNextEqualsSubmitThenClaim() throws {
        let copy = try Self(backend).ws // the same items, members and acknowledgements
        let t = Date(timeIntervalSince1970: 1_800_000_000)
        var oneTx: [String] = [], twoTx: [String] = []
        for who in ["x", "y", "x", "z"] {
            var held = try ws.claimNext(project: "p", annotator: who, now: t)
            var heldCopy = try copy.claimNext(project: "p", annotator: who, now: t)
            for n in 0..<6 {
                guard let item = held, let itemCopy = heldCopy else { break }
                let label = n % 2 == 0 ? "a" : "b"
                let (outcome, next) = try ws.submitAndClaimNext(project: "p", annotator: who, item: item.id, answer: Answer(labels: [label]), now: t)
                #expect(outcome == .recorded)
                held = try next.get()
                try copy.submit(project: "p", annotator: who, item: itemCopy.id, answer: Answer(labels: [label]))
                heldCopy = try copy.claimNext(project: "p", annotator: who, now: t)
                oneTx.append(held?.id ?? "-"); twoTx.append(heldCopy?.id ?? "-")
            }
        }
        #expect(oneTx == twoTx && oneTx.contains("-") == twoTx.contains("-"))
        func state(_ w: Workspace) throws -> [String] {
            try w.db.rows("""
                SELECT 'a' || item_id || annotator || label FROM annotation
                UNION ALL SELECT 'c' || item_id || annotator || expires_at FROM claim
                UNION ALL SELECT 'q' || annotator || qkey FROM queue_cursor
                UNION ALL SELECT 'i' || id || done_count || claim_count || need FROM item
                UNION ALL SELECT 'p' || \(w.db.answersDone) FROM project ORDER BY 1
                """).map { try $0.text($0.names[0]) }
        }
        #expect(try state(ws) == state(copy))
    }

    /// A claim the rules refuse (here: a new guideline version to acknowledge) leaves the
    /// answer recorded; nothing is held; the error is the claim's.
    @Test(arguments: TestBackend.available) static func aRefusedNextClaimKeepsTheAnswer(_ backend: TestBackend) throws { try Self(backend).aRefusedNextClaimKeepsTheAnswer() }
    func aRefusedNextClaimKeepsTheAnswer() throws {
        let item = try #require(try ws.claimNext(project: "p", annotator: "solo"))
        let g = try Guideline.parse(try ws.project("p").guideline.source + "\nMore guidance.\n")
        _ = try ws.updateGuideline(project: "p", guideline: g, by: "admin")
        let (outcome, next) = try ws.submitAndClaimNext(project: "p", annotator: "solo", item: item.id, answer: Answer(labels: ["b"]))
        #expect(outcome == .recorded)
        #expect(throws: StoreError.self) { try next.get() }
        #expect(try ws.db.scalarInt("SELECT count(*) FROM annotation WHERE annotator = 'solo'") == 1)
        #expect(try ws.db.scalarInt("SELECT count(*) FROM claim WHERE annotator = 'solo'") == 0)
    }
}
