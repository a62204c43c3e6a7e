import Foundation
import Testing
import MeowCore
import MeowTestSupport
@testable import MeowStore

/// `meow agreement` keeps a project's coded answers in `agreement_snapshot` and reads only the
/// answers added after it. Whatever happens to the answers, a read must give exactly what a
/// read of every answer gives.
@Suite("Agreement snapshot")
struct AgreementSnapshotTests {
    let d: DatasetTests
    var ws: Workspace { d.ws }

    init() throws {
        d = try DatasetTests()
        d.ws.agreementSnapshotFrom = 0
    }

    /// The ratings as a read of every answer gives them (no snapshot read or written).
    func everyAnswer(_ project: String = "p") throws -> Ratings {
        ws.agreementSnapshots = false
        defer { ws.agreementSnapshots = true }
        return try ws.agreementRatings(project: project)
    }

    /// Same names, same codes, same order: the report cannot tell the two apart.
    func expectSame(_ a: Ratings, _ b: Ratings, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(a.labels == b.labels && a.annotators == b.annotators && a.items == b.items, sourceLocation: sourceLocation)
        #expect(a.item == b.item && a.annotator == b.annotator && a.label == b.label, sourceLocation: sourceLocation)
        #expect(a.labelValues == b.labelValues && a.labelValueKind == b.labelValueKind && a.labelsOffScale == b.labelsOffScale,
                sourceLocation: sourceLocation)
        let x = AgreementReport(a, bootstrapSamples: 0), y = AgreementReport(b, bootstrapSamples: 0)
        #expect(x.alphaNominal == y.alphaNominal && x.fleissKappa == y.fleissKappa && x.pairwise == y.pairwise, sourceLocation: sourceLocation)
    }

    func importAnswers(_ rows: [String], project: String = "p") throws {
        try (["item,annotator,label"] + rows).joined(separator: "\n").write(toFile: d.dir + "/more.csv", atomically: true, encoding: .utf8)
        _ = try ws.importAnnotations(project: project, path: d.dir + "/more.csv", format: .csv, by: "admin")
    }

    func item(_ i: Int) -> String { "i\(String(format: "%02d", i))" }

    /// A second project, "q", with items q1...q10 and no answers yet.
    func projectQ() throws {
        try ws.createProject("q", guideline: DatasetTests.guideline(""), by: "admin")
        try (1...10).map { #"{"id":"q\#($0)","text":"other text \#($0)"}"# }.joined(separator: "\n").write(toFile: d.dir + "/q.jsonl", atomically: true, encoding: .utf8)
        _ = try ws.importItems(project: "q", reader: ItemReader(path: d.dir + "/q.jsonl", format: .jsonl), skipInvalid: false)
    }

    @Test func theSecondReadTakesTheSnapshotAndGivesTheSameRatings() throws {
        try d.project(items: 40, labels: DatasetTests.mostlyAgree)
        let first = try ws.agreementRatings(project: "p")
        #expect(ws.agreementSnapshotWrites == 1 && ws.agreementSnapshotReads == 0)
        #expect(try ws.db.scalarInt("SELECT answers FROM agreement_snapshot") == 120)
        let second = try ws.agreementRatings(project: "p")
        #expect(ws.agreementSnapshotReads == 1 && ws.agreementSnapshotWrites == 1, "nothing changed: read, not written again")
        expectSame(first, second)
        expectSame(second, try everyAnswer())
        // Filters read the answers themselves.
        #expect(try ws.agreementRatings(project: "p", annotators: ["a", "b"]).count == 80)
        #expect(ws.agreementSnapshotReads == 1)
    }

    @Test func answersAddedAfterTheSnapshotAreRead() throws {
        try d.project(items: 40, labels: DatasetTests.mostlyAgree)
        _ = try ws.agreementRatings(project: "p")
        // A new annotator on five items.
        try importAnswers((1...5).map { "\(item($0)),d,\($0 == 3 ? "mix" : "pos")" })
        let after = try ws.agreementRatings(project: "p")
        #expect(ws.agreementSnapshotReads == 1 && ws.agreementSnapshotWrites == 1, "5 new answers of 120: read after the snapshot, not saved again")
        #expect(after.count == 125 && after.annotators.contains("d"))
        expectSame(after, try everyAnswer())
        // A tenth or more new: the snapshot is renewed, and the next read adds nothing.
        try importAnswers((6...40).map { "\(item($0)),d,neg" })
        expectSame(try ws.agreementRatings(project: "p"), try everyAnswer())
        #expect(ws.agreementSnapshotWrites == 2)
        #expect(try ws.db.scalarInt("SELECT answers FROM agreement_snapshot") == 160)
        expectSame(try ws.agreementRatings(project: "p"), try everyAnswer())
        #expect(ws.agreementSnapshotReads == 3)
    }

    /// A delete (undo) or a change of an answer, even by hand in SQL, retires the snapshot.
    @Test(arguments: [
        "DELETE FROM annotation WHERE id = (SELECT max(id) FROM annotation)",
        "DELETE FROM annotation WHERE id = (SELECT min(id) FROM annotation)",
        "UPDATE annotation SET label = 'neg' WHERE id = (SELECT min(id) FROM annotation WHERE label <> 'neg')",
        "UPDATE annotation SET annotator = 'z' WHERE id = 7",
        "UPDATE annotation SET id = (SELECT max(id) FROM annotation) + 100 WHERE id = 3",
        "UPDATE annotation SET rowid = (SELECT max(id) FROM annotation) + 100 WHERE id = 3",
    ])
    func aTakenBackOrChangedAnswerRetiresTheSnapshot(change: String) throws {
        try d.project(items: 40, labels: DatasetTests.mostlyAgree)
        let before = try ws.agreementRatings(project: "p")
        _ = try ws.db.run(change)
        if change.hasPrefix("DELETE FROM annotation WHERE id = (SELECT max") {
            // The freed id is given again: the snapshot's newest id now names another answer.
            try importAnswers(["\(item(40)),e,mix"])
        }
        let after = try ws.agreementRatings(project: "p")
        #expect(ws.agreementSnapshotReads == 0, "the snapshot was used after: \(change)")
        #expect(ws.agreementSnapshotWrites == 2)
        expectSame(after, try everyAnswer())
        #expect(after.label != before.label || after.annotators != before.annotators || after.count != before.count)
        expectSame(try ws.agreementRatings(project: "p"), after)
        #expect(ws.agreementSnapshotReads == 1)
    }

    /// Renaming a label changes the codes the snapshot holds: it is not used.
    @Test func aRenamedLabelRetiresTheSnapshot() throws {
        try d.project(items: 40, labels: DatasetTests.mostlyAgree)
        _ = try ws.agreementRatings(project: "p")
        let renamed = try Guideline.parse(DatasetTests.guideline().source.replacingOccurrences(of: "{value: pos,", with: "{value: positive, renamed_from: pos,"))
        _ = try ws.updateGuideline(project: "p", guideline: renamed, by: "admin")
        let after = try ws.agreementRatings(project: "p")
        #expect(ws.agreementSnapshotReads == 0)
        #expect(after.labels.prefix(3) == ["positive", "neg", "mix"] && !after.labels.contains("pos"))
        expectSame(after, try everyAnswer())
    }

    /// A damaged snapshot (cut short, one byte changed) reads as none, and is written again.
    @Test(arguments: [
        "UPDATE agreement_snapshot SET data = substr(data, 1, length(data) - 1)",
        "UPDATE agreement_snapshot SET data = CAST(substr(data, 1, 200) || CASE WHEN substr(data, 201, 1) = x'00' THEN x'01' ELSE x'00' END || substr(data, 202) AS BLOB)",
        "UPDATE agreement_snapshot SET data = x''",
    ])
    func aDamagedSnapshotIsNotUsed(damage: String) throws {
        try d.project(items: 40, labels: DatasetTests.mostlyAgree)
        let before = try ws.agreementRatings(project: "p")
        _ = try ws.db.run(damage)
        // Damage alone does not move the count: the blob itself must be refused.
        try importAnswers(["\(item(1)),d,pos"])
        let after = try ws.agreementRatings(project: "p")
        #expect(ws.agreementSnapshotReads == 0 && ws.agreementSnapshotWrites == 2)
        #expect(after.count == before.count + 1)
        expectSame(after, try everyAnswer())
    }

    /// Another project's answers, after this project's, are not this project's.
    @Test func eachProjectKeepsItsOwnSnapshot() throws {
        try d.project(items: 40, labels: DatasetTests.mostlyAgree)
        _ = try ws.agreementRatings(project: "p")
        try projectQ()
        try importAnswers((1...10).map { "q\($0),z,pos\nq\($0),y,neg" }, project: "q")
        let p = try ws.agreementRatings(project: "p"), q = try ws.agreementRatings(project: "q")
        #expect(ws.agreementSnapshotReads == 1 && ws.agreementSnapshotWrites == 2)
        #expect(p.count == 120 && Set(p.annotators) == ["a", "b", "c"])
        #expect(q.count == 20 && Set(q.annotators) == ["y", "z"])
        expectSame(p, try everyAnswer("p"))
        expectSame(try ws.agreementRatings(project: "q"), try everyAnswer("q"))
    }

    /// Another project's newest answer taken back frees its id, and the next answer (here
    /// this project's) gets it again: the snapshot, which counts from this project's own
    /// newest answer, still sees it, and stays in use (the undo was not this project's).
    @Test func anotherProjectsUndoneAnswerFreesAnIdThatIsNotMissed() throws {
        try d.project(items: 40, labels: DatasetTests.mostlyAgree)
        try projectQ()
        try importAnswers((1...10).map { "q\($0),z,pos" }, project: "q")
        _ = try ws.agreementRatings(project: "p")
        let freed = try #require(try ws.db.scalarInt("SELECT max(id) FROM annotation"))
        _ = try ws.db.run("DELETE FROM annotation WHERE id = ?", .int(freed))
        try importAnswers(["\(item(1)),d,mix"])
        #expect(try ws.db.scalarInt("SELECT id FROM annotation WHERE annotator = 'd'") == freed, "the freed id was not given again: the case is not tested")
        let after = try ws.agreementRatings(project: "p")
        #expect(ws.agreementSnapshotReads == 1)
        #expect(after.count == 121 && after.annotators.contains("d"))
        expectSame(after, try everyAnswer())
    }

    /// An id changed anywhere, even of another project's answer, retires every snapshot: the
    /// ids order the answers of all projects.
    @Test func anIdChangedInAnotherProjectRetiresTheSnapshot() throws {
        try d.project(items: 40, labels: DatasetTests.mostlyAgree)
        try projectQ()
        try importAnswers((1...10).map { "q\($0),z,pos" }, project: "q")
        _ = try ws.agreementRatings(project: "p")
        _ = try ws.db.run("UPDATE annotation SET rowid = rowid + 1000 WHERE project_id = (SELECT id FROM project WHERE name = 'q')")
        try importAnswers(["\(item(2)),d,neg"])
        let after = try ws.agreementRatings(project: "p")
        #expect(ws.agreementSnapshotReads == 0)
        expectSame(after, try everyAnswer())
    }

    /// Ids set by hand as far apart as 2^63 (found by an adversarial run: the read reserved
    /// room for every id in between and crashed). At the largest id SQLite gives new rows
    /// random ids, so no snapshot is used or kept while it is there.
    @Test(arguments: [Int64(1) << 62, Int64.max - 1, Int64.max])
    func idsSetByHandFarApartAreReadWhole(id: Int64) throws {
        try d.project(items: 40, labels: DatasetTests.mostlyAgree)
        _ = try ws.db.run("UPDATE annotation SET id = ? WHERE id = (SELECT max(id) FROM annotation)", .int(id))
        _ = try ws.db.run("UPDATE annotation SET id = -7 WHERE id = 1")
        for (k, halves) in [Int64.max, 0].enumerated() {
            ws.parallelAgreementFrom = halves
            _ = try ws.agreementRatings(project: "p")
            try importAnswers(["\(item(3 + k)),e\(k),neg"])
            let after = try ws.agreementRatings(project: "p")
            expectSame(after, try everyAnswer())
            #expect(after.count == 121 + k)
        }
        if id == .max { #expect(ws.agreementSnapshotReads == 0 && ws.agreementSnapshotWrites == 0) }
    }

    /// A project deleted by hand and made again under the same row id is another project:
    /// its name and creation time are part of what a snapshot was taken under.
    @Test func anotherProjectUnderTheSameRowIDDoesNotTakeTheSnapshot() throws {
        try d.project(items: 40, labels: DatasetTests.mostlyAgree)
        _ = try ws.agreementRatings(project: "p")
        _ = try ws.db.run("UPDATE project SET created_at = '2031-01-01T00:00:00Z'")
        _ = try ws.agreementRatings(project: "p")
        #expect(ws.agreementSnapshotReads == 0 && ws.agreementSnapshotWrites == 2)
    }

    /// A writer holding the workspace: the read does not wait for it, and saves nothing.
    @Test func aBusyWorkspaceGivesTheRatingsWithoutASnapshot() throws {
        try d.project(items: 40, labels: DatasetTests.mostlyAgree)
        let writer = try Connection(path: ws.path)
        try writer.execute("BEGIN IMMEDIATE")
        let busy = try ws.agreementRatings(project: "p")
        try writer.execute("COMMIT")
        #expect(ws.agreementSnapshotWrites == 0)
        #expect(try ws.db.scalarInt("SELECT count(*) FROM agreement_snapshot") == 0)
        expectSame(busy, try everyAnswer())
        _ = try ws.agreementRatings(project: "p")
        #expect(ws.agreementSnapshotWrites == 1)
    }

    /// Small projects are read whole every time: no snapshot below `agreementSnapshotFrom`.
    @Test func smallProjectsKeepNoSnapshot() throws {
        try d.project(items: 40, labels: DatasetTests.mostlyAgree)
        ws.agreementSnapshotFrom = 121
        _ = try ws.agreementRatings(project: "p")
        #expect(ws.agreementSnapshotWrites == 0)
    }

    /// Doctor names a dropped trigger, and a snapshot that no longer matches the answers
    /// (an answer changed while the trigger was gone).
    @Test func doctorReportsASnapshotThatNoLongerHolds() throws {
        try d.project(items: 10, labels: DatasetTests.mostlyAgree)
        _ = try ws.agreementRatings(project: "p")
        #expect(try ws.doctor().ok)
        try ws.db.execute("DROP TRIGGER annotation_rewritten_update")
        #expect(try ws.doctor().problems.contains { $0.contains("agreement snapshot triggers missing") && $0.contains("annotation_rewritten_update") })
        _ = try ws.db.run("UPDATE annotation SET label = 'neg' WHERE id = (SELECT min(id) FROM annotation WHERE label <> 'neg')")
        #expect(try ws.doctor().problems.contains { $0.hasPrefix("p: the agreement snapshot differs") })
        _ = try ws.db.run("DELETE FROM agreement_snapshot")
        #expect(try ws.doctor().problems.count == 1, "only the trigger is left to report")
    }

    /// A v9 workspace upgrades: the count starts at zero and the triggers keep it.
    @Test func aV9WorkspaceUpgrades() throws {
        try d.project(items: 40, labels: DatasetTests.mostlyAgree)
        try ws.db.execute(Self.backToV9)
        let upgraded = try Workspace(path: ws.path)
        upgraded.agreementSnapshotFrom = 0
        #expect(upgraded.schemaVersion == Workspace.supportedSchemaVersion)
        let first = try upgraded.agreementRatings(project: "p")
        _ = try upgraded.db.run("DELETE FROM annotation WHERE id = 5")
        #expect(try upgraded.db.scalarInt("SELECT answers_rewritten FROM project") == 1)
        let second = try upgraded.agreementRatings(project: "p")
        #expect(upgraded.agreementSnapshotReads == 0 && second.count == first.count - 1)
        #expect(try upgraded.doctor().ok)
    }

    /// What v10 added, undone.
    static let backToV9 = """
        DROP TABLE agreement_snapshot;
        DROP TRIGGER annotation_rewritten_delete;
        DROP TRIGGER annotation_rewritten_update;
        ALTER TABLE project DROP COLUMN answers_rewritten;
        PRAGMA user_version = 9;
        """

    /// The blob round-trips, and any cut or changed byte makes it no snapshot.
    @Test func theBlobIsCheckedWhole() throws {
        var builder = RatingsBuilder(labels: ["pos", "neg"])
        for (i, a, l) in [("1", "ann", "pos"), ("1", "bé", "neg"), ("2", "ann", "x,y"), ("3", "", "neg")] { builder.append(item: i, annotator: a, label: l) }
        let blob = AgreementSnapshot.encode(builder, itemRowIDs: [1, 2, 3])
        let back = try #require(blob.withUnsafeBytes(AgreementSnapshot.decode))
        #expect(back.itemRowIDs == [1, 2, 3])
        #expect(back.builder.labels == builder.labels && back.builder.annotators == builder.annotators && back.builder.items == builder.items)
        #expect(back.builder.codedAnswers == builder.codedAnswers)
        for cut in 0..<blob.count {
            #expect(Array(blob[..<cut]).withUnsafeBytes(AgreementSnapshot.decode) == nil, "cut at \(cut)")
        }
        for k in 0..<blob.count {
            var changed = blob
            changed[k] ^= 0x20
            #expect(changed.withUnsafeBytes(AgreementSnapshot.decode) == nil, "byte \(k) changed")
        }
    }

    /// The server keeps no snapshot (its ids are not given in commit order).
    @Test(.enabled(if: TestBackend.serverURL != nil, "needs MEOW_TEST_POSTGRES"))
    func theServerReadsEveryAnswer() throws {
        let server = try DatasetTests(.postgresql)
        server.ws.agreementSnapshotFrom = 0
        try server.project(items: 20, labels: DatasetTests.mostlyAgree)
        _ = try server.ws.agreementRatings(project: "p")
        _ = try server.ws.agreementRatings(project: "p")
        #expect(server.ws.agreementSnapshotWrites == 0 && server.ws.agreementSnapshotReads == 0)
        #expect(try server.ws.db.scalarInt("SELECT count(*) FROM agreement_snapshot") == 0)
    }
}
