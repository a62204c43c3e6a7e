import Foundation
import Testing
import MeowCore
import MeowTestSupport
@testable import MeowStore

/// Each annotator's answer count is kept by the answer triggers (`annotator_tally`, schema v9),
/// so status, the labeling screen and the reports read one row per annotator. These tests
/// hold it to the answers themselves through every way an answer arrives or leaves.
@Suite("Annotator tally")
struct AnnotatorTallyTests {
    let dir: String
    let ws: Workspace
    let backend: TestBackend

    init(_ backend: TestBackend = .sqlite) throws {
        self.backend = backend
        dir = NSTemporaryDirectory() + "meow-tally-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        ws = try backend.freshWorkspace(dir: dir)
    }

    static let guideline = try! Guideline.parse("""
        ---
        name: t
        task: classify
        overlap: 3
        labels:
          - {value: good, hotkey: g, definition: Good.}
          - {value: bad, hotkey: b, definition: Bad.}
        ---
        Body.
        """)

    func project(items: Int = 12) throws {
        try ws.createProject("p", guideline: Self.guideline, by: "admin")
        let file = dir + "/items.jsonl"
        try (1...items).map { #"{"id": "i\#($0)", "text": "item \#($0)"}"# }.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        _ = try ws.importItems(project: "p", reader: ItemReader(path: file, format: .jsonl), skipInvalid: false)
    }

    /// The answers per annotator counted from the answers, and as every reader reports them.
    func expectCounts(_ expected: [String: Int], _ note: Comment) throws {
        let counted = try Dictionary(uniqueKeysWithValues: ws.db.rows("SELECT annotator, count(*) AS n FROM annotation GROUP BY annotator").map {
            (try $0.text("annotator"), Int(try $0.int("n")))
        })
        #expect(counted == expected, note)
        let status = try ws.status(project: "p")
        #expect(Dictionary(uniqueKeysWithValues: status.annotators.filter { $0.annotations > 0 }.map { ($0.annotator, $0.annotations) }) == expected, note)
        #expect(status.annotations == expected.values.reduce(0, +), note)
        for (name, n) in expected {
            #expect(try ws.progress(project: "p", annotator: name).mine == n, note)
            #expect(try ws.annotators(project: "p").first { $0.name == name }?.annotations == n, note)
        }
        #expect(try ws.doctor().ok, note)
    }

    @Test(arguments: TestBackend.available) static func queueAnswersUndoAndImportsKeepTheTally(_ backend: TestBackend) throws { try Self(backend).queueAnswersUndoAndImportsKeepTheTally() }

    func queueAnswersUndoAndImportsKeepTheTally() throws {
        try project()
        for who in ["ann", "bob"] {
            try ws.acknowledge(project: "p", annotator: who)
            for _ in 0..<3 {
                guard let item = try ws.claimNext(project: "p", annotator: who) else { Issue.record("no item"); return }
                try ws.submit(project: "p", annotator: who, item: item.id, answer: Answer(labels: ["good"]))
            }
        }
        try expectCounts(["ann": 3, "bob": 3], "after queue answers")
        _ = try ws.undoLast(project: "p", annotator: "bob")
        try expectCounts(["ann": 3, "bob": 2], "after an undo")
        // Imported answers: new names, and a name that also answers in the queue; one row
        // already present is not counted twice.
        let first = try ws.db.row("SELECT i.external_id AS e, a.label AS l FROM annotation a JOIN item i ON i.id = a.item_id WHERE a.annotator = 'ann' ORDER BY a.id LIMIT 1")
        let csv = "item,annotator,label\n"
            + (7...12).map { "i\($0),cat,bad\n" }.joined()
            + "i10,dog,good\ni11,dog,bad\ni12,ann,bad\n"
            + "\(try first?.text("e") ?? ""),ann,\(try first?.text("l") ?? "")\n"
        try csv.write(toFile: dir + "/a.csv", atomically: true, encoding: .utf8)
        let summary = try ws.importAnnotations(project: "p", path: dir + "/a.csv", format: .csv, by: "admin")
        #expect(summary.inserted == 9 && summary.alreadyPresent == 1)
        try expectCounts(["ann": 4, "bob": 2, "cat": 6, "dog": 2], "after an import")
        // A file of more rows than one multi-row INSERT holds (128), with a row already stored
        // and a line given twice inside one batch: the batch is sorted out row by row, and
        // each new answer is counted once.
        var rows = ["item,annotator,label"]
        for k in 0..<25 {
            for i in 1...12 { rows.append("i\(i),b\(k < 10 ? "0" : "")\(k),good") }
            if k == 5 { rows.append("i7,cat,bad"); rows.append("i3,b05,good") }
        }
        try (rows.joined(separator: "\n") + "\n").write(toFile: dir + "/big.csv", atomically: true, encoding: .utf8)
        let big = try ws.importAnnotations(project: "p", path: dir + "/big.csv", format: .csv, by: "admin")
        #expect(big.inserted == 300 && big.alreadyPresent == 2, "\(big)")
        var expected = ["ann": 4, "bob": 2, "cat": 6, "dog": 2]
        for k in 0..<25 { expected["b\(k < 10 ? "0" : "")\(k)"] = 12 }
        try expectCounts(expected, "after an import of several batches")
    }

    @Test(arguments: TestBackend.available) static func doctorReportsATallyThatDrifted(_ backend: TestBackend) throws { try Self(backend).doctorReportsATallyThatDrifted() }

    func doctorReportsATallyThatDrifted() throws {
        try project()
        try ws.acknowledge(project: "p", annotator: "ann")
        guard let item = try ws.claimNext(project: "p", annotator: "ann") else { Issue.record("no item"); return }
        try ws.submit(project: "p", annotator: "ann", item: item.id, answer: Answer(labels: ["bad"]))
        #expect(try ws.doctor().ok)
        try ws.db.run("UPDATE annotator_tally SET answers = answers + 1 WHERE annotator = 'ann'")
        let report = try ws.doctor()
        #expect(!report.ok)
        #expect(report.problems.contains { $0.contains("answer tally off for") }, "\(report.problems)")
        try ws.db.run("UPDATE annotator_tally SET answers = answers - 1 WHERE annotator = 'ann'")
        try ws.db.run("INSERT INTO annotator_tally(project_id, annotator, answers) SELECT id, 'ghost', 2 FROM project")
        #expect(try ws.doctor().problems.contains { $0.contains("answer tally off for") })
        // A tally edited down to nothing does not stop an undo (it is derived data).
        try ws.db.run("DELETE FROM annotator_tally WHERE annotator = 'ghost'")
        try ws.db.run("UPDATE annotator_tally SET answers = 0 WHERE annotator = 'ann'")
        _ = try ws.undoLast(project: "p", annotator: "ann")
        #expect(try ws.db.scalarInt("SELECT count(*) FROM annotation") == 0)
        #expect(try ws.doctor().problems.contains { $0.contains("answer tally off for 1 annotator") })
    }

    /// A v8 workspace (an index of every answer by annotator, no tally) gets the tally from its
    /// answers and the queue-only index when it is opened.
    @Test func aV8WorkspaceUpgradesWithItsTallyCounted() throws {
        try project()
        try ws.acknowledge(project: "p", annotator: "ann")
        for _ in 0..<2 {
            guard let item = try ws.claimNext(project: "p", annotator: "ann") else { Issue.record("no item"); return }
            try ws.submit(project: "p", annotator: "ann", item: item.id, answer: Answer(labels: ["good"]))
        }
        try "item,annotator,label\ni9,cat,bad\ni10,cat,good\ni11,ann,bad\n".write(toFile: dir + "/a.csv", atomically: true, encoding: .utf8)
        _ = try ws.importAnnotations(project: "p", path: dir + "/a.csv", format: .csv, by: "admin")
        try ws.db.execute(Self.backToV8)
        // Someone dropped a counting trigger: the upgrade still runs and puts it back.
        try ws.db.execute("DROP TRIGGER annotation_counts_insert")
        let upgraded = try Workspace(path: ws.path)
        #expect(try upgraded.db.scalarInt("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name = 'annotation_counts_insert'") == 1)
        #expect(upgraded.schemaVersion == Workspace.supportedSchemaVersion)
        #expect(try upgraded.db.scalarInt("SELECT answers FROM annotator_tally WHERE annotator = 'ann'") == 3)
        #expect(try upgraded.db.scalarInt("SELECT answers FROM annotator_tally WHERE annotator = 'cat'") == 2)
        #expect(try upgraded.db.scalarInt("SELECT count(*) FROM sqlite_master WHERE name = 'annotation_by_annotator'") == 0)
        #expect(try upgraded.db.scalarInt("SELECT count(*) FROM sqlite_master WHERE name = 'annotation_queue_by_annotator'") == 1)
        #expect(try upgraded.status(project: "p").annotations == 5)
        #expect(try upgraded.doctor().ok)
        // The upgraded triggers keep counting.
        guard let item = try upgraded.claimNext(project: "p", annotator: "ann") else { Issue.record("no item"); return }
        try upgraded.submit(project: "p", annotator: "ann", item: item.id, answer: Answer(labels: ["bad"]))
        #expect(try upgraded.progress(project: "p", annotator: "ann").mine == 4)
        #expect(try upgraded.doctor().ok)
    }

    /// What v9 changed, undone (after v10): the v1 triggers and index, no tally, version 8.
    static let backToV8 = AgreementSnapshotTests.backToV9 + """
        DROP TABLE annotator_tally;
        DROP INDEX annotation_queue_by_annotator;
        CREATE INDEX annotation_by_annotator ON annotation(project_id, annotator, source, id);
        DROP TRIGGER annotation_counts_insert;
        DROP TRIGGER annotation_counts_delete;
        CREATE TRIGGER annotation_counts_insert AFTER INSERT ON annotation BEGIN
            UPDATE project SET answers_done = answers_done + 1
             WHERE id = NEW.project_id AND (SELECT done_count < need FROM item WHERE id = NEW.item_id);
            UPDATE item SET done_count = done_count + 1 WHERE id = NEW.item_id;
        END;
        CREATE TRIGGER annotation_counts_delete AFTER DELETE ON annotation BEGIN
            UPDATE project SET answers_done = answers_done - 1
             WHERE id = OLD.project_id AND (SELECT done_count <= need FROM item WHERE id = OLD.item_id);
            UPDATE item SET done_count = done_count - 1 WHERE id = OLD.item_id;
        END;
        PRAGMA user_version = 8;
        """
}
