import Foundation
import Testing
import MeowCore
import MeowTestSupport
@testable import MeowStore

/// Issue 10's store guarantees: the audit history, frozen-set drift, doctor and backup.
@Suite("History, frozen-set audit, doctor, backup")
struct IntegrityTests {
    let dir: String
    let ws: Workspace

    let backend: TestBackend

    init(_ backend: TestBackend = .sqlite) throws {
        self.backend = backend
        dir = NSTemporaryDirectory() + "meow-int-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        ws = try backend.freshWorkspace(dir: dir)
        try ws.createProject("p", guideline: DatasetTests.guideline(), by: "admin")
        let lines = (1...12).map { i in #"{"id":"i\#(String(format: "%02d", i))","text":"text number \#(i)"}"# }
        try lines.joined(separator: "\n").write(toFile: dir + "/items.jsonl", atomically: true, encoding: .utf8)
        _ = try ws.importItems(project: "p", reader: ItemReader(path: dir + "/items.jsonl", format: .jsonl), skipInvalid: false)
    }

    func importAnswers(_ rows: [String]) throws {
        try (["item,annotator,label"] + rows).joined(separator: "\n").write(toFile: dir + "/a.csv", atomically: true, encoding: .utf8)
        _ = try ws.importAnswersFile(in: dir)
    }

    @Test(arguments: TestBackend.available) static func undoReviewAndConsensusKeepThePreviousValues(_ backend: TestBackend) throws { try Self(backend).undoReviewAndConsensusKeepThePreviousValues() }

    func undoReviewAndConsensusKeepThePreviousValues() throws {
        // An answer given in the queue, then taken back.
        try ws.acknowledge(project: "p", annotator: "ann")
        let item = try #require(try ws.claimNext(project: "p", annotator: "ann"))
        _ = try ws.submit(project: "p", annotator: "ann", item: item.id, answer: Answer(labels: ["pos"]))
        _ = try ws.undoLast(project: "p", annotator: "ann")
        let undone = try ws.history(project: "p", item: item.id)
        #expect(undone.answers.isEmpty)
        #expect(undone.changes.count == 1)
        #expect(undone.changes.first?.action == "undo" && undone.changes.first?.actor == "ann")
        #expect(undone.changes.first?.oldValue?.contains("\"label\":\"pos\"") == true)

        // Consensus, a rerun that changes the label, a reviewer's decision and its undo.
        try importAnswers(["i05,a,pos", "i05,b,pos", "i05,c,neg"])
        _ = try ws.consensus(project: "p", method: "majority", by: "admin")
        try ws.setRole(project: "p", member: "rita", role: .reviewer, by: "admin")
        try ws.decide(project: "p", item: "i05", label: "neg", note: "sarcasm", by: "rita")
        try ws.undoDecision(project: "p", item: "i05", by: "rita")
        let h = try ws.history(project: "p", item: "i05")
        #expect(h.changes.map(\.action) == ["review", "review-undo"])
        #expect(h.changes[0].oldValue?.contains("\"label\":\"pos\"") == true && h.changes[0].newValue?.contains("\"label\":\"neg\"") == true)
        #expect(h.changes[0].reason == "sarcasm" && h.changes[0].actor == "rita")
        #expect(h.changes[1].oldValue?.contains("\"decision\":\"reviewer\"") == true)
        #expect(h.answers.allSatisfy { $0.source == "import" && $0.importedBy == "admin" })
        #expect(h.finalLabel?.label == "pos")
    }

    @Test(arguments: TestBackend.available) static func historyIsAppendOnlyEvenForPlainSQL(_ backend: TestBackend) throws { try Self(backend).historyIsAppendOnlyEvenForPlainSQL() }

    func historyIsAppendOnlyEvenForPlainSQL() throws {
        try importAnswers(["i01,a,pos", "i01,b,neg", "i01,c,neg"])
        _ = try ws.consensus(project: "p", method: "majority")
        try ws.setRole(project: "p", member: "rita", role: .reviewer, by: "admin")
        try ws.decide(project: "p", item: "i01", label: "pos", note: nil, by: "rita")
        #expect(throws: (any Error).self) { try ws.db.execute("UPDATE history SET actor = 'someone else'") }
        #expect(throws: (any Error).self) { try ws.db.execute("DELETE FROM history") }
        #expect(try ws.history(project: "p", item: "i01").changes.count == 1)
    }

    /// A frozen record rewritten together with its hash (after DROP TRIGGER) is caught by the
    /// recomputed set hash; rewriting the stored set hash too is caught by `expected`.
    @Test(arguments: [TestBackend.sqlite]) static func alteredFrozenSetsAreCaught(_ backend: TestBackend) throws { try Self(backend).alteredFrozenSetsAreCaught() }
    func alteredFrozenSetsAreCaught() throws {
        try importAnswers((1...12).flatMap { i in ["a", "b", "c"].map { "i\(String(format: "%02d", i)),\($0),\(i % 2 == 0 ? "pos" : "neg")" } })
        _ = try ws.consensus(project: "p", method: "majority")
        let set = try ws.freeze(project: "p", setName: "t1", rule: FreezeRule(size: 4, seed: 1), by: "admin")
        #expect(try ws.auditFrozenSet(project: "p", set: "t1").ok)
        #expect(try ws.auditFrozenSet(project: "p", set: "t1", expected: set.setHash).ok)
        #expect(!(try ws.auditFrozenSet(project: "p", set: "t1", expected: String(repeating: "0", count: 64)).ok))
        // The item's text hash is protected like its text.
        #expect(throws: (any Error).self) { try ws.db.execute("UPDATE item SET text_hash = x'00' WHERE id IN (SELECT item_id FROM frozen_record)") }

        let row = try #require(try ws.db.row("SELECT item_id, record FROM frozen_record LIMIT 1"))
        let forged = try row.text(1).replacingOccurrences(of: "\"label\":\"", with: "\"label\":\"x")
        try ws.db.execute("DROP TRIGGER frozen_record_immutable")
        try ws.db.run("UPDATE frozen_record SET record = ?, record_hash = ? WHERE item_id = ?", .text(forged), .text(SHA256.hex(forged)), .int(row.int(0)))
        let audit = try ws.auditFrozenSet(project: "p", set: "t1")
        #expect(!audit.ok)
        #expect(audit.problems.contains { $0.contains("set hash recomputed") })
        #expect(throws: StoreError.self) {
            _ = try ws.exportDataset(project: "p", split: .test, frozen: "t1", raw: false, format: .jsonl, allowNoTestSet: false, by: "admin") { _ in }
        }
        let report = try ws.doctor()
        #expect(!report.ok)
        #expect(report.problems.contains { $0.contains("frozen_record_immutable") })
        #expect(report.problems.contains { $0.contains("frozen set 't1'") })
    }

    @Test(arguments: TestBackend.available) static func doctorFindsCounterDriftAndOrphanedLeases(_ backend: TestBackend) throws { try Self(backend).doctorFindsCounterDriftAndOrphanedLeases() }

    func doctorFindsCounterDriftAndOrphanedLeases() throws {
        #expect(try ws.doctor().ok)
        try ws.acknowledge(project: "p", annotator: "ann")
        let item = try #require(try ws.claimNext(project: "p", annotator: "ann"))
        _ = try ws.submit(project: "p", annotator: "ann", item: item.id, answer: Answer(labels: ["pos"]))
        #expect(try ws.doctor().ok)
        try ws.db.execute("UPDATE item SET done_count = done_count + 5 WHERE external_id = 'i02'")
        let drift = try ws.doctor()
        #expect(drift.problems.contains { $0.contains("counter drift") })
        try ws.db.execute("UPDATE item SET done_count = done_count - 5 WHERE external_id = 'i02'")
        // A lease on an item its holder already answered.
        try ws.db.run("INSERT INTO claim(item_id, project_id, annotator, claimed_at, expires_at) SELECT id, project_id, 'ann', 0, 1e12 FROM item WHERE external_id = ?", .text(item.id))
        #expect(try ws.doctor().problems.contains { $0.contains("leases on items") })
    }

    /// import-annotations drops and recreates a counting trigger inside its transaction; should
    /// one ever be missing, doctor says so.
    @Test(arguments: [TestBackend.sqlite]) static func doctorFindsAMissingCountingTrigger(_ backend: TestBackend) throws { try Self(backend).doctorFindsAMissingCountingTrigger() }
    func doctorFindsAMissingCountingTrigger() throws {
        #expect(try ws.doctor().checks.contains("counting triggers: all 4 present"))
        try ws.db.execute("DROP TRIGGER annotation_counts_insert")
        #expect(try ws.doctor().problems.contains { $0.contains("counting triggers missing") && $0.contains("annotation_counts_insert") })
    }

    @Test(arguments: [TestBackend.sqlite]) static func backupIsAConsistentCheckedCopyThatNeverOverwrites(_ backend: TestBackend) throws { try Self(backend).backupIsAConsistentCheckedCopyThatNeverOverwrites() }

    func backupIsAConsistentCheckedCopyThatNeverOverwrites() throws {
        try importAnswers(["i01,a,pos", "i02,a,neg"])
        let target = dir + "/copy.sqlite"
        let bytes = try ws.backup(to: target)
        #expect(bytes > 0)
        let copy = try Workspace(path: target)
        #expect(try copy.doctor().ok)
        #expect(try copy.status(project: "p").annotations == 2)
        #expect(throws: StoreError.self) { _ = try ws.backup(to: target) }
        #expect(throws: StoreError.self) { _ = try ws.backup(to: dir + "/no/such/dir/copy.sqlite") }
        #expect(!FileManager.default.fileExists(atPath: target + ".tmp-\(getpid())"))
    }
}

extension Workspace {
    fileprivate func importAnswersFile(in dir: String) throws -> AnnotationImportSummary {
        try importAnnotations(project: "p", path: dir + "/a.csv", format: .csv, by: "admin")
    }
}

/// Upgrades of workspaces written before issue 10, including ones someone tampered with.
@Suite("Upgrading older workspaces")
struct UpgradeTests {
    /// A v3 workspace (before history and typed values) with a protection trigger dropped by
    /// hand and an empty multi-label answer still opens: the trigger comes back, the empty
    /// answer's value is an empty list, and `doctor` is healthy.
    @Test func aTamperedV3WorkspaceUpgradesAndHeals() throws {
        let dir = NSTemporaryDirectory() + "meow-up-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/v3.sqlite"
        let c = try Connection(path: path)
        for m in Schema.migrations.prefix(3) { try c.execute(m.sql) }
        try c.execute("""
            PRAGMA application_id = \(Schema.applicationID); PRAGMA user_version = 3;
            INSERT INTO project(id, name, overlap, lease_seconds, answers_needed, created_at, created_by) VALUES (1, 'old', 1, 600, 1, '2026-01-01', 'olga');
            INSERT INTO guideline_version(project_id, version, content_hash, source, created_at, created_by) VALUES (1, 1, 'h', '---\nname: o\ntask: multilabel\nmin_labels: 0\nlabels: [{value: a, definition: A}, {value: b, definition: B}]\n---\nBody.', '2026-01-01', 'olga');
            INSERT INTO item(id, project_id, external_id, text, text_hash, priority, qkey, need) VALUES (1, 1, 'x', 'old text', x'00', 0, 1, 1);
            INSERT INTO annotation(item_id, project_id, annotator, label, guideline_version, created_at) VALUES (1, 1, 'ann', '', 1, '2026-01-02');
            DROP TRIGGER frozen_final_update;
            """)
        let ws = try Workspace(path: path)
        #expect(ws.schemaVersion == Workspace.supportedSchemaVersion)
        #expect(try ws.db.row("SELECT value FROM annotation")?.text(0) == #"{"labels":[]}"#)
        let report = try ws.doctor()
        #expect(report.ok, "\(report.problems)")
        // Tampering with v4's own trigger before its upgrade is healed the same way.
        let path2 = dir + "/v3b.sqlite"
        let c2 = try Connection(path: path2)
        for m in Schema.migrations.prefix(3) { try c2.execute(m.sql) }
        try c2.execute("PRAGMA application_id = \(Schema.applicationID); PRAGMA user_version = 3; DROP TRIGGER frozen_item_text;")
        #expect(try Workspace(path: path2).doctor().ok)
    }
}
