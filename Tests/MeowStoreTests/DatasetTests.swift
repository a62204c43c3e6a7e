import Foundation
import Testing
import MeowCore
import MeowTestSupport
@testable import MeowStore

/// Consensus, review, freezing and exports on a real workspace file.
@Suite("Consensus, freezing and exports")
struct DatasetTests {
    let dir: String
    let ws: Workspace

    static func guideline(_ extra: String = "") -> Guideline {
        try! Guideline.parse("""
        ---
        name: t
        task: classify
        overlap: 3
        \(extra)
        labels:
          - {value: pos, hotkey: p, definition: Positive.}
          - {value: neg, hotkey: n, definition: Negative.}
          - {value: mix, hotkey: m, definition: Mixed.}
        ---
        Body. When unsure, flag it.
        """)
    }

    let backend: TestBackend

    init(_ backend: TestBackend = .sqlite) throws {
        self.backend = backend
        dir = NSTemporaryDirectory() + "meow-ds-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        ws = try backend.freshWorkspace(dir: dir)
    }

    /// Items i01..iNN with a "doc" metadata field (groups of 4), answers from a, b, c.
    func project(items: Int = 40, extra: String = "", labels: (Int) -> [String]) throws {
        try ws.createProject("p", guideline: Self.guideline(extra), by: "admin")
        let lines = (1...items).map { i in #"{"id":"i\#(String(format: "%02d", i))","text":"text number \#(i) of the set","doc":"d\#((i - 1) / 4)"}"# }
        try lines.joined(separator: "\n").write(toFile: dir + "/items.jsonl", atomically: true, encoding: .utf8)
        _ = try ws.importItems(project: "p", reader: ItemReader(path: dir + "/items.jsonl", format: .jsonl), skipInvalid: false)
        var rows = ["item,annotator,label"]
        for i in 1...items {
            for (who, l) in zip(["a", "b", "c"], labels(i)) { rows.append("i\(String(format: "%02d", i)),\(who),\(l)") }
        }
        try rows.joined(separator: "\n").write(toFile: dir + "/ann.csv", atomically: true, encoding: .utf8)
        _ = try ws.importAnnotations(project: "p", path: dir + "/ann.csv", format: .csv, by: "admin")
    }

    static func mostlyAgree(_ i: Int) -> [String] {
        let l = ["pos", "neg", "mix"][i % 3]
        return i % 5 == 0 ? [l, l, ["pos", "neg", "mix"][(i + 1) % 3]] : [l, l, l]
    }

    /// Issue 13.7: a big project is read in two halves of the answer ids at once. The halves
    /// must give the same ratings as one pass, with the annotator and version filters too.
    /// 91 items: the middle answer id falls inside one item's answers, which both halves read.
    @Test(arguments: [90, 91])
    func agreementReadInTwoHalvesEqualsOnePass(items: Int) throws {
        try project(items: items) { i in i % 7 == 0 ? ["pos", "neg", "mix"] : Self.mostlyAgree(i) }
        func triples(_ r: Ratings) -> [String] {
            (0..<r.count).map { "\(r.items[Int(r.item[$0])])|\(r.annotators[Int(r.annotator[$0])])|\(r.labels[Int(r.label[$0])])" }.sorted()
        }
        for filter in [nil, ["a", "c"]] as [[String]?] {
            ws.parallelAgreementFrom = .max
            let one = try ws.agreementRatings(project: "p", annotators: filter)
            ws.parallelAgreementFrom = 0
            let before = ws.agreementReadsInHalves
            let halves = try ws.agreementRatings(project: "p", annotators: filter)
            #expect(ws.agreementReadsInHalves == before + 1, "the two-halves read did not run")
            #expect(triples(one) == triples(halves))
            #expect(one.items.count == items && halves.items.count == items, "an item read by both halves must stay one item")
            #expect(one.count == (filter == nil ? 3 * items : 2 * items))
            #expect(one.labels == halves.labels && one.labelValues == halves.labelValues && one.labelValueKind == halves.labelValueKind)
            let a = AgreementReport(one, bootstrapSamples: 0), b = AgreementReport(halves, bootstrapSamples: 0)
            #expect(a.alphaNominal == b.alphaNominal && a.fleissKappa == b.fleissKappa && a.pairwise == b.pairwise)
        }
        #expect(try ws.agreementRatings(project: "p", guidelineVersion: 1).count == 3 * items)
        #expect(throws: StoreError.self) { try ws.agreementRatings(project: "p", guidelineVersion: 2) }
    }

    /// With one project in the workspace the halves skip the per-row project test; with a
    /// second project (its answers after this one's, inside the ids the halves read), each read
    /// keeps to its own.
    @Test func agreementInHalvesReadsOnlyItsOwnProject() throws {
        try project(items: 30, labels: Self.mostlyAgree)
        ws.parallelAgreementFrom = 0
        #expect(try ws.agreementRatings(project: "p").count == 90)
        try ws.createProject("q", guideline: Self.guideline(""), by: "admin")
        try (1...10).map { #"{"id":"q\#($0)","text":"other text \#($0)"}"# }.joined(separator: "\n").write(toFile: dir + "/q.jsonl", atomically: true, encoding: .utf8)
        _ = try ws.importItems(project: "q", reader: ItemReader(path: dir + "/q.jsonl", format: .jsonl), skipInvalid: false)
        try ("item,annotator,label\n" + (1...10).map { "q\($0),z,pos\nq\($0),y,neg\n" }.joined()).write(toFile: dir + "/q.csv", atomically: true, encoding: .utf8)
        _ = try ws.importAnnotations(project: "q", path: dir + "/q.csv", format: .csv, by: "admin")
        let before = ws.agreementReadsInHalves
        let p = try ws.agreementRatings(project: "p"), q = try ws.agreementRatings(project: "q")
        #expect(ws.agreementReadsInHalves == before + 2, "the two-halves read did not run")
        #expect(p.count == 90 && Set(p.annotators) == ["a", "b", "c"])
        #expect(q.count == 20 && Set(q.annotators) == ["y", "z"])
    }

    /// Exports and the agreement read go through a cursor on PostgreSQL, a chunk at a time:
    /// with chunks of 7 rows (edges everywhere) they give exactly what SQLite gives.
    @Test(.enabled(if: TestBackend.serverURL != nil, "needs MEOW_TEST_POSTGRES"))
    func serverReadsInChunksGiveWhatTheFileGives() throws {
        PostgresStatement.fetchSize = 7
        defer { PostgresStatement.fetchSize = 10_000 }
        var outputs: [[String]] = []
        for backend in TestBackend.available {
            let t = try Self(backend)
            try t.project(items: 40, labels: Self.mostlyAgree)
            _ = try t.ws.consensus(project: "p", method: "majority")
            _ = try t.ws.freeze(project: "p", setName: "t", rule: FreezeRule(size: 8, seed: 3), by: "admin")
            // Each workspace was made at its own moment: times aside, the rows must be the same.
            let raw = try t.export(.all, raw: true).0.replacingOccurrences(of: #""created_at":"[^"]*""#, with: "", options: .regularExpression)
            let train = try t.export(.train).0
            let ratings = try t.ws.agreementRatings(project: "p", guidelineVersion: nil, annotators: nil)
            outputs.append([raw, train, "\(ratings.count)", "\(AgreementReport(ratings, bootstrapSamples: 0).alphaNominal ?? -9)"])
        }
        #expect(outputs.count == 2)
        if outputs.count == 2 {
            for k in 0..<4 where outputs[0][k] != outputs[1][k] {
                let a = outputs[0][k].split(separator: "\n"), b = outputs[1][k].split(separator: "\n")
                let firstDiff = zip(a, b).first { $0 != $1 }
                Issue.record("part \(k) differs: \(a.count) vs \(b.count) lines; first: \(firstDiff.map { "\($0.0)\n  vs \($0.1)" } ?? "-")")
            }
        }
        #expect(outputs.first?[0].split(separator: "\n").count == 120)
    }

    @Test(arguments: TestBackend.available) static func majorityLeavesTiesForReviewAndReviewersDecideWithProvenance(_ backend: TestBackend) throws { try Self(backend).majorityLeavesTiesForReviewAndReviewersDecideWithProvenance() }

    func majorityLeavesTiesForReviewAndReviewersDecideWithProvenance() throws {
        try project(items: 6) { i in i == 6 ? ["pos", "neg", "mix"] : Self.mostlyAgree(i) }
        let s = try ws.consensus(project: "p", method: "majority")
        #expect(s.items == 6 && s.disputed == 1)
        let finals = Dictionary(uniqueKeysWithValues: try ws.finalLabels(project: "p").map { ($0.item, $0) })
        #expect(finals["i01"]?.decision == "unanimous" && finals["i01"]?.confidence == 1)
        #expect(finals["i05"]?.decision == "majority" && abs(finals["i05"]!.confidence - 2.0 / 3) < 1e-12)
        #expect(finals["i06"]?.label == nil && finals["i06"]?.note == "tie: mix, neg, pos")
        // The review queue: the tie first, then the 2/3 majority.
        #expect(try ws.reviewQueue(project: "p").map(\.id) == ["i06", "i05"])
        #expect(throws: StoreError.self) { try ws.decide(project: "p", item: "i06", label: "neg", note: nil, by: "a") }
        try ws.setRole(project: "p", member: "rita", role: .reviewer, by: "admin")
        try ws.decide(project: "p", item: "i06", label: "neg", note: "complaint dominates", by: "rita")
        // Re-running consensus keeps the reviewer's decision.
        let again = try ws.consensus(project: "p", method: "majority")
        #expect(again.keptReviewerDecisions == 1)
        let f = try #require(try ws.finalLabels(project: "p").first { $0.item == "i06" })
        #expect(f.label == "neg" && f.decision == "reviewer" && f.decidedBy == "rita" && f.note == "complaint dominates")
        #expect(try ws.reviewQueue(project: "p").map(\.id) == ["i05"])
    }

    @Test(arguments: TestBackend.available) static func adaptiveOverlapBuysAgreementWhereItIsMissing(_ backend: TestBackend) throws { try Self(backend).adaptiveOverlapBuysAgreementWhereItIsMissing() }

    func adaptiveOverlapBuysAgreementWhereItIsMissing() throws {
        try ws.createProject("p", guideline: Self.guideline("max_overlap: 5").withOverlap(2), by: "admin")
        try "only item".write(toFile: dir + "/one.txt", atomically: true, encoding: .utf8)
        _ = try ws.importItems(project: "p", reader: ItemReader(path: dir + "/one.txt", format: .text), skipInvalid: false)
        func answer(_ who: String, _ label: String) throws -> Bool {
            try ws.acknowledge(project: "p", annotator: who)
            guard let item = try ws.claimNext(project: "p", annotator: who) else { return false }
            try ws.submit(project: "p", annotator: who, item: item.id, answer: Answer(labels: [label]))
            return true
        }
        #expect(try answer("a", "pos"))
        #expect(try answer("b", "neg"))            // 1-1: no majority, a third annotator is wanted
        #expect(try answer("c", "neg"))            // 2-1: majority, done
        #expect(try !answer("d", "pos"))
        #expect(try ws.db.scalarInt("SELECT need FROM item") == 3)
    }

    /// Schema v8 rebuilds the item table to turn its unique keys into indexes (issue 16.1). A
    /// v7 workspace with answers, final labels and a frozen set upgrades without losing or
    /// changing anything: the same export byte for byte, the frozen set verifies, the keys
    /// and the protection triggers hold, and `doctor` is healthy.
    static func itemRows(_ w: Workspace) throws -> [String] {
        try w.db.rows("""
            SELECT id || '|' || project_id || '|' || external_id || '|' || text || '|' || hex(text_hash) || '|' || coalesce(metadata, '') || '|' ||
                   priority || '|' || qkey || '|' || need || '|' || done_count || '|' || claim_count || '|' || taken AS r FROM item ORDER BY id
            """).map { try $0.text("r") }
    }

    @Test func aV7WorkspaceUpgradesToV8KeepingEverything() throws {
        try project(items: 40, labels: Self.mostlyAgree)
        _ = try ws.consensus(project: "p", method: "majority", by: "admin")
        let set = try ws.freeze(project: "p", setName: "t", rule: FreezeRule(size: 8, seed: 3), by: "admin")
        func export(_ w: Workspace) throws -> [UInt8] {
            var out: [UInt8] = []
            _ = try w.exportDataset(project: "p", split: .train, frozen: "t", raw: true, format: .jsonl, allowNoTestSet: false, by: "admin") { out += $0; $0.removeAll() }
            return out
        }
        let before = try export(ws)
        let items = try Self.itemRows(ws)
        // Back to v8 (no tally), then to v7's item table: the keys as table constraints, as
        // migration v1 made them.
        try ws.db.execute(AnnotatorTallyTests.backToV8)
        try ws.db.execute("""
            PRAGMA foreign_keys = OFF; PRAGMA legacy_alter_table = ON;
            CREATE TABLE item_v7 (
                id INTEGER PRIMARY KEY, project_id INTEGER NOT NULL REFERENCES project(id), external_id TEXT NOT NULL,
                text TEXT NOT NULL, text_hash BLOB NOT NULL, metadata TEXT CHECK (metadata IS NULL OR json_valid(metadata)),
                priority INTEGER NOT NULL DEFAULT 0, qkey INTEGER NOT NULL, need INTEGER NOT NULL CHECK (need >= 1),
                done_count INTEGER NOT NULL DEFAULT 0 CHECK (done_count >= 0), claim_count INTEGER NOT NULL DEFAULT 0 CHECK (claim_count >= 0),
                taken INTEGER GENERATED ALWAYS AS (done_count + claim_count) STORED,
                UNIQUE (project_id, external_id), UNIQUE (project_id, text_hash)) STRICT;
            INSERT INTO item_v7(id, project_id, external_id, text, text_hash, metadata, priority, qkey, need, done_count, claim_count)
                SELECT id, project_id, external_id, text, text_hash, metadata, priority, qkey, need, done_count, claim_count FROM item;
            DROP TABLE item; ALTER TABLE item_v7 RENAME TO item; PRAGMA legacy_alter_table = OFF;
            CREATE INDEX item_open ON item(project_id, qkey) WHERE taken < need;
            PRAGMA user_version = 7; PRAGMA foreign_keys = ON;
            """)
        #expect(try ws.db.scalarInt("SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_autoindex_item_1'") == 1)
        let upgraded = try Workspace(path: ws.path)
        #expect(upgraded.schemaVersion == Workspace.supportedSchemaVersion)
        #expect(try Self.itemRows(upgraded) == items)
        #expect(try export(upgraded) == before)
        let audit = try upgraded.auditFrozenSet(project: "p", set: "t", expected: set.setHash)
        #expect(audit.ok, "\(audit.problems)")
        let report = try upgraded.doctor()
        #expect(report.ok, "\(report.problems)")
        #expect(try upgraded.db.scalarInt("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN ('item_external', 'item_text', 'item_open')") == 3)
        // A frozen item's text is still protected, and a duplicate text still refused.
        #expect(throws: (any Error).self) { try upgraded.db.run("UPDATE item SET text = 'changed' WHERE id IN (SELECT item_id FROM frozen_record)") }
        #expect(throws: (any Error).self) {
            try upgraded.db.run("INSERT INTO item(project_id, external_id, text, text_hash, priority, qkey, need) SELECT project_id, 'new', text, text_hash, 0, 0, 1 FROM item LIMIT 1")
        }
    }

    @Test(arguments: TestBackend.available) static func freezeIsDeterministicStratifiedAndGrouped(_ backend: TestBackend) throws { try Self(backend).freezeIsDeterministicStratifiedAndGrouped() }

    func freezeIsDeterministicStratifiedAndGrouped() throws {
        try project(items: 40, labels: Self.mostlyAgree)
        _ = try ws.consensus(project: "p", method: "majority")
        let a = try ws.freeze(project: "p", setName: "a", rule: FreezeRule(size: 12, seed: 42, stratify: true), by: "admin")
        let other = try backend.freshWorkspace(dir: dir, name: "w2")
        _ = other
        // Same seed on the same data: the same items (the set hash says so).
        let names = try ws.frozenRecordHashes(project: "p", set: "a").keys.sorted()
        let b = try ws.freeze(project: "p", setName: "b", rule: FreezeRule(size: 12, seed: 42, stratify: true), by: "admin")
        #expect(a.setHash == b.setHash)
        let c = try ws.freeze(project: "p", setName: "c", rule: FreezeRule(size: 12, seed: 43, stratify: true), by: "admin")
        #expect(c.setHash != a.setHash)
        // Stratified: 14 pos / 13 neg / 13 mix candidates -> 4/4/4 of 12... checked from the records.
        let labels = try ws.frozenRecords(project: "p", set: "a").map(\.label)
        #expect(Set(labels.map { l in labels.filter { $0 == l }.count }) == [4])
        #expect(names.count == 12)
        // Grouped: every "doc" is wholly in or wholly out.
        _ = try ws.freeze(project: "p", setName: "g", rule: FreezeRule(size: 8, seed: 1, groupBy: "doc"), by: "admin")
        let docs = try ws.frozenRecords(project: "p", set: "g").map { r in (Int(r.item.dropFirst())! - 1) / 4 }
        #expect(Dictionary(grouping: docs, by: { $0 }).values.allSatisfy { $0.count == 4 })
        // Min agreement: only unanimous items.
        let u = try ws.freeze(project: "p", setName: "u", rule: FreezeRule(size: 5, seed: 1, minAgreement: 1), by: "admin")
        #expect(try ws.frozenRecords(project: "p", set: u.name).allSatisfy { r in Set(r.answers.map(\.label)).count == 1 })
        #expect(throws: StoreError.frozenSetExists("a")) { try ws.freeze(project: "p", setName: "a", rule: FreezeRule(size: 1), by: "admin") }
        #expect(throws: StoreError.self) { try ws.freeze(project: "p", setName: "z", rule: FreezeRule(size: 1), by: "a") }
    }

    @Test(arguments: TestBackend.available) static func numericGroupValuesKeepGroupsOnOneSide(_ backend: TestBackend) throws { try Self(backend).numericGroupValuesKeepGroupsOnOneSide() }

    func numericGroupValuesKeepGroupsOnOneSide() throws {
        try ws.createProject("p", guideline: Self.guideline(), by: "admin")
        let lines = (1...12).map { i in #"{"id":"n\#(String(format: "%02d", i))","text":"numeric group item \#(i)","doc":\#(Double((i - 1) / 3) + 0.5)}"# }
        try lines.joined(separator: "\n").write(toFile: dir + "/n.jsonl", atomically: true, encoding: .utf8)
        _ = try ws.importItems(project: "p", reader: ItemReader(path: dir + "/n.jsonl", format: .jsonl), skipInvalid: false)
        var rows = ["item,annotator,label"]
        for i in 1...12 { for who in ["a", "b", "c"] { rows.append("n\(String(format: "%02d", i)),\(who),pos") } }
        try rows.joined(separator: "\n").write(toFile: dir + "/n.csv", atomically: true, encoding: .utf8)
        _ = try ws.importAnnotations(project: "p", path: dir + "/n.csv", format: .csv, by: "admin")
        _ = try ws.consensus(project: "p", method: "majority")
        _ = try ws.freeze(project: "p", setName: "g", rule: FreezeRule(size: 3, seed: 2, groupBy: "doc"), by: "admin")
        let frozen = Set(try ws.frozenRecords(project: "p", set: "g").map(\.item))
        #expect(frozen.count == 3)
        let (train, r) = try export(.train)
        #expect(r.excludedFrozen == 3 && r.excludedSameGroup == 0 && !train.isEmpty)
        // Each group (3 items sharing a float value) is wholly frozen or wholly in train.
        let groupOf = { (id: String) in (Int(id.dropFirst())! - 1) / 3 }
        #expect(Set(frozen.map(groupOf)).count == 1)
    }

    @Test(arguments: TestBackend.available) static func frozenRecordsCannotChangeThroughMeowOrPlainSQL(_ backend: TestBackend) throws { try Self(backend).frozenRecordsCannotChangeThroughMeowOrPlainSQL() }

    func frozenRecordsCannotChangeThroughMeowOrPlainSQL() throws {
        try project(items: 10, labels: Self.mostlyAgree)
        _ = try ws.consensus(project: "p", method: "majority")
        _ = try ws.freeze(project: "p", setName: "t", rule: FreezeRule(size: 3, seed: 5), by: "admin")
        let frozen = try ws.db.scalarInt("SELECT item_id FROM frozen_record LIMIT 1")!
        for sql in [
            "UPDATE frozen_record SET record = 'x'",
            "DELETE FROM frozen_record",
            "UPDATE frozen_set SET set_hash = 'x'",
            "DELETE FROM frozen_set",
            "UPDATE item SET text = 'changed' WHERE id = \(frozen)",
            "DELETE FROM item WHERE id = \(frozen)",
            "UPDATE annotation SET label = 'neg' WHERE item_id = \(frozen)",
            "DELETE FROM annotation WHERE item_id = \(frozen)",
            "INSERT INTO annotation(item_id, project_id, annotator, label, guideline_version, created_at) VALUES (\(frozen), 1, 'zed', 'pos', 1, 'now')",
            "UPDATE final_label SET label = 'neg' WHERE item_id = \(frozen)",
            "INSERT INTO claim(item_id, project_id, annotator, claimed_at, expires_at) VALUES (\(frozen), 1, 'zed', 0, 9e9)",
        ] {
            #expect(throws: (any Error).self, "\(sql)") { try ws.db.execute(sql) }
        }
        // A reviewer cannot overrule a frozen label either.
        try ws.setRole(project: "p", member: "rita", role: .reviewer, by: "admin")
        let ext = try ws.db.row("SELECT external_id FROM item WHERE id = ?", .int(frozen))!.text(0)
        #expect(throws: (any Error).self) { try ws.decide(project: "p", item: ext, label: "mix", note: nil, by: "rita") }
        // The queue never serves a frozen item, even when the overlap grows.
        _ = try ws.updateGuideline(project: "p", guideline: Self.guideline().withOverlap(5), by: "admin")
        try ws.acknowledge(project: "p", annotator: "zed")
        var served = Set<String>()
        while let item = try ws.claimNext(project: "p", annotator: "zed") {
            served.insert(item.id)
            try ws.submit(project: "p", annotator: "zed", item: item.id, answer: Answer(labels: ["pos"]))
        }
        #expect(served.count == 7 && !served.contains(ext))
    }

    func export(_ split: Split, raw: Bool = false, noTestSet: Bool = false, near: Double? = nil) throws -> (String, ExportReport) {
        var out: [UInt8] = []
        let r = try ws.exportDataset(project: "p", split: split, frozen: nil, raw: raw, format: .jsonl, allowNoTestSet: noTestSet,
                                     nearDuplicateThreshold: near, by: "admin") { out += $0 }
        return (String(decoding: out, as: UTF8.self), r)
    }

    @Test(arguments: TestBackend.available) static func trainingDataOnlyAfterATestSetAndNeverOverlappingIt(_ backend: TestBackend) throws { try Self(backend).trainingDataOnlyAfterATestSetAndNeverOverlappingIt() }

    func trainingDataOnlyAfterATestSetAndNeverOverlappingIt() throws {
        try project(items: 24, labels: Self.mostlyAgree)
        _ = try ws.consensus(project: "p", method: "majority")
        #expect(throws: StoreError.noTestSet(project: "p")) { try export(.train) }
        let (_, warned) = try export(.train, noTestSet: true)
        #expect(warned.warnings.count == 1 && warned.rows == 24)
        _ = try ws.freeze(project: "p", setName: "t", rule: FreezeRule(size: 8, seed: 3, groupBy: "doc"), by: "admin")
        // A copy of a frozen item's text (case and punctuation aside) arrives later.
        let frozenText = try ws.frozenRecords(project: "p", set: "t").first!.item
        let text = try ws.db.row("SELECT text FROM item WHERE external_id = ?", .text(frozenText))!.text(0)
        try (#"{"id":"copy","text":"\#(text.uppercased())!!","doc":"elsewhere"}"#).write(toFile: dir + "/copy.jsonl", atomically: true, encoding: .utf8)
        _ = try ws.importItems(project: "p", reader: ItemReader(path: dir + "/copy.jsonl", format: .jsonl), skipInvalid: false)
        try "item,annotator,label\ncopy,a,pos\ncopy,b,pos\ncopy,c,pos\n".write(toFile: dir + "/c.csv", atomically: true, encoding: .utf8)
        _ = try ws.importAnnotations(project: "p", path: dir + "/c.csv", format: .csv, by: "admin")
        _ = try ws.consensus(project: "p", method: "majority")

        let (train, r) = try export(.train)
        let (test, _) = try export(.test)
        let trainIDs = Set(train.split(separator: "\n").map { (try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any])["item"] as! String })
        let testIDs = Set(test.split(separator: "\n").map { (try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any])["item"] as! String })
        #expect(testIDs.count == 8 && trainIDs.isDisjoint(with: testIDs))
        #expect(!trainIDs.contains("copy"))
        #expect(r.excludedFrozen == 8 && r.excludedSameText == 1 && r.excludedSameGroup == 0)
        #expect(trainIDs.count == 16)
        // Exports are deterministic.
        #expect(try export(.train).0 == train)
        // A near-duplicate (one word added) is not excluded but reported with --near-duplicates.
        let frozenOne = try ws.frozenRecords(project: "p", set: "t").last!.item
        let t1 = try ws.db.row("SELECT text FROM item WHERE external_id = ?", .text(frozenOne))!.text(0)
        try (#"{"id":"near","text":"\#(t1) indeed","doc":"other"}"#).write(toFile: dir + "/near.jsonl", atomically: true, encoding: .utf8)
        _ = try ws.importItems(project: "p", reader: ItemReader(path: dir + "/near.jsonl", format: .jsonl), skipInvalid: false)
        try "item,annotator,label\nnear,a,pos\nnear,b,pos\nnear,c,pos\n".write(toFile: dir + "/n.csv", atomically: true, encoding: .utf8)
        _ = try ws.importAnnotations(project: "p", path: dir + "/n.csv", format: .csv, by: "admin")
        _ = try ws.consensus(project: "p", method: "majority")
        let (_, nr) = try export(.train, near: 0.7)
        #expect(nr.nearDuplicates.map(\.trainID) == ["near"] && nr.nearDuplicates.first?.testID == frozenOne)
        let (all, _) = try export(.all)
        #expect(all.contains(#""split":"test""#) && all.contains(#""split":"excluded""#))
    }

    @Test(arguments: TestBackend.available) static func theTestExportVerifiesAndAnyChangeIsCaught(_ backend: TestBackend) throws { try Self(backend).theTestExportVerifiesAndAnyChangeIsCaught() }

    func theTestExportVerifiesAndAnyChangeIsCaught() throws {
        try project(items: 12, labels: Self.mostlyAgree)
        _ = try ws.consensus(project: "p", method: "majority")
        _ = try ws.freeze(project: "p", setName: "t", rule: FreezeRule(size: 5, seed: 9), by: "admin")
        let manifest = try ws.frozenRecordHashes(project: "p", set: "t")
        let lines = try export(.test).0.split(separator: "\n").map(String.init)
        func check(_ ls: [String]) -> VerifyReport {
            VerifyReport.compare(lines: ls.enumerated().map { (i, l) in
                let item = (try? JSONSerialization.jsonObject(with: Data(l.utf8)) as? [String: Any])?["item"] as? String
                return (item, SHA256.hex(l), i + 1)
            }, manifest: manifest)
        }
        #expect(check(lines).ok)
        // --raw on the test split: every answer of the frozen items, marked as test.
        let (rawTest, rr) = try export(.test, raw: true)
        let rawLines = rawTest.split(separator: "\n")
        #expect(rr.items == 5 && rawLines.count == 15 && rawLines.allSatisfy { $0.contains(#""split":"test""#) })
        var oneByte = lines
        oneByte[1] = oneByte[1].replacingOccurrences(of: "text number", with: "text numbeR")
        #expect(check(oneByte).changed.count == 1)
        #expect(check(Array(lines.dropLast())).missing.count == 1)
        #expect(check(lines + [#"{"item":"new","text":"x"}"#]).added == ["new"])
    }
}

extension Guideline {
    func withOverlap(_ n: Int) -> Guideline {
        let text = source.replacingOccurrences(of: "overlap: \(overlap)\n", with: "overlap: \(n)\n")
        return try! Guideline.parse(text)
    }
}
