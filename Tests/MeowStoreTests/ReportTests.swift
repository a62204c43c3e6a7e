import Foundation
import Testing
import MeowCore
import MeowTestSupport
@testable import MeowStore

/// `Workspace.projectReport`: the counts behind `meow report`, on SQLite and PostgreSQL.
@Suite("Project report in the store")
struct ReportStoreTests {
    let dir: String
    let ws: Workspace
    let backend: TestBackend

    init(_ backend: TestBackend = .sqlite) throws {
        self.backend = backend
        dir = NSTemporaryDirectory() + "meow-report-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        ws = try backend.freshWorkspace(dir: dir)
    }

    static func guideline(_ extra: String) -> Guideline {
        try! Guideline.parse("""
        ---
        name: t
        task: classify
        \(extra)
        labels:
          - {value: good, hotkey: g, definition: Good.}
          - {value: bad, hotkey: b, definition: Bad.}
        ---
        Body.
        """)
    }
    static let qualification = [
        GoldItem(id: "q1", text: "lovely", label: "good", explanation: ""),
        GoldItem(id: "q2", text: "awful", label: "bad", explanation: ""),
        GoldItem(id: "q3", text: "superb", label: "good", explanation: ""),
    ]
    static let checks = [GoldItem(id: "c1", text: "wonderful", label: "good", explanation: ""),
                         GoldItem(id: "c2", text: "terrible", label: "bad", explanation: "")]
    static let truth = Dictionary(uniqueKeysWithValues: (qualification + checks).map { ($0.text, $0.label) })

    /// Two annotators through the queue under v1 (qualification, gold checks, 30 s per answer:
    /// ann right on every gold item, bob always "good"), then v2 (overlap 3) with carol's
    /// imported answers on items 1-4, consensus, and a frozen set of 2.
    @Test(arguments: TestBackend.available) static func theReportCountsWhatTheQueueAndImportsStored(_ backend: TestBackend) throws {
        try Self(backend).theReportCountsWhatTheQueueAndImportsStored()
    }

    func theReportCountsWhatTheQueueAndImportsStored() throws {
        try ws.createProject("p", guideline: Self.guideline("overlap: 2\nqualification: {items: q.jsonl, pass_mark: 0.66}\ngold: {items: g.jsonl, rate: 0.5, window: 50, min_accuracy: 0}"),
                             by: "admin", qualification: Self.qualification, goldChecks: Self.checks)
        try (1...8).map { "real item \($0)" }.joined(separator: "\n").write(toFile: dir + "/items.txt", atomically: true, encoding: .utf8)
        _ = try ws.importItems(project: "p", reader: ItemReader(path: dir + "/items.txt", format: .text), skipInvalid: false)
        for who in ["ann", "bob"] {
            try ws.acknowledge(project: "p", annotator: who)
            while let item = try ws.claimNext(project: "p", annotator: who) {
                let label: String
                if let known = Self.truth[item.text] {
                    label = who == "ann" ? known : "good"
                } else {
                    let n = Int(item.text.split(separator: " ").last ?? "") ?? 0
                    label = who == "ann" && n % 2 == 0 ? "bad" : "good"
                }
                _ = try ws.submit(project: "p", annotator: who, item: item.id, answer: Answer(labels: [label], seconds: 30))
            }
        }
        let beforeV2 = try ws.projectReport(project: "p")
        _ = try ws.updateGuideline(project: "p", guideline: Self.guideline("overlap: 3"), by: "admin")
        // Items imported from text are named by their text's hash: look the ids up.
        let ids = try ws.db.rows("SELECT external_id FROM item ORDER BY id LIMIT 4").map { try $0.text("external_id") }
        try (["item,annotator,label"] + ids.map { "\($0),carol,bad" }).joined(separator: "\n")
            .write(toFile: dir + "/carol.csv", atomically: true, encoding: .utf8)
        _ = try ws.importAnnotations(project: "p", path: dir + "/carol.csv", format: .csv, by: "admin")
        _ = try ws.consensus(project: "p", method: "majority", by: "admin")
        let set = try ws.freeze(project: "p", setName: "t1", rule: FreezeRule(size: 2, fraction: nil, seed: 1, stratify: false, minAgreement: nil, groupBy: nil), by: "admin")

        let r = try ws.projectReport(project: "p", now: Date(timeIntervalSince1970: 1_800_000_000))
        #expect(r.project == "p" && r.task == "classify" && r.guidelineVersion == 2 && r.generatedAt == "2027-01-15T08:00:00.000Z")
        #expect(r.items == 8 && r.answers == 20)
        #expect(r.progress.buckets.last?.cumulative == 20 && r.progress.buckets.reduce(0) { $0 + $1.answers } == 20)

        let people = Dictionary(uniqueKeysWithValues: r.annotators.map { ($0.name, $0) })
        #expect(Set(people.keys) == ["ann", "bob", "carol"])
        let ann = try #require(people["ann"]), bob = try #require(people["bob"]), carol = try #require(people["carol"])
        #expect(ann.answers == 8 && ann.timedAnswers == 8 && ann.activeSeconds == 240 && ann.itemsPerHour == 120)
        #expect(carol.answers == 4 && carol.timedAnswers == 0 && carol.itemsPerHour == nil && carol.goldAccuracy == nil && carol.qualification == nil)
        #expect(ann.goldChecks > 0 && ann.goldCorrect == ann.goldChecks && ann.goldAccuracy == 1)
        let bobGold = try ws.db.rows("SELECT g.text FROM gold_answer a JOIN gold_item g ON g.id = a.gold_id WHERE a.annotator = 'bob' AND a.attempt = 0").map { try $0.text("text") }
        #expect(bob.goldChecks == bobGold.count && bob.goldCorrect == bobGold.filter { $0 == "wonderful" }.count)
        #expect(ann.qualification == .init(state: "passed", round: 1, correct: 3, total: 3))
        #expect(bob.qualification == .init(state: "passed", round: 1, correct: 2, total: 3))

        // v1: ann and bob on all 8 items; v2: carol alone, so nothing to compare (nil, not NaN).
        #expect(r.agreementByVersion.map(\.version) == [1, 2])
        let v1Ratings = try ws.agreementRatings(project: "p", guidelineVersion: 1)
        #expect(r.agreementByVersion[0].answers == 16 && r.agreementByVersion[0].pairableItems == 8)
        #expect(r.agreementByVersion[0].alphaNominal == v1Ratings.krippendorffAlpha(level: .nominal))
        #expect(abs((r.agreementByVersion[0].percentAgreement ?? 0) - 0.5) < 1e-9)
        #expect(r.agreementByVersion[1].answers == 4 && r.agreementByVersion[1].pairableItems == 0)
        #expect(r.agreementByVersion[1].alphaNominal == nil && r.agreementByVersion[1].percentAgreement == nil)
        #expect(beforeV2.agreementByVersion.count == 1)

        // good: ann 4 + bob 8; bad: ann 4 + carol 4.
        #expect(r.labels == [.init(label: "good", count: 12), .init(label: "bad", count: 8)])
        // Items 1-4: three answers, three pairs each; 5-8: one pair each.
        #expect(r.confusion.items == 8 && r.confusion.pairs == 16)
        #expect(r.confusion.labels == ["good", "bad"])
        let cells = r.confusion.counts
        #expect(cells[0][0] + cells[0][1] + cells[1][1] == 16 && cells[0][1] == cells[1][0])

        // Items 1-4 are complete under overlap 3 and get a majority; 5-8 still need an answer.
        #expect(r.consensus == .init(final: 4, disputed: 0, pending: 4))
        #expect(r.frozenSets == [.init(name: "t1", size: 2, setHash: set.setHash, createdAt: set.createdAt, createdBy: "admin")])
    }

    @Test(arguments: TestBackend.available) static func aProjectWithoutAnswersHasAnEmptyReport(_ backend: TestBackend) throws {
        let t = try Self(backend)
        try t.ws.createProject("p", guideline: Self.guideline("overlap: 2"), by: "admin")
        try "one\ntwo\nthree".write(toFile: t.dir + "/items.txt", atomically: true, encoding: .utf8)
        _ = try t.ws.importItems(project: "p", reader: ItemReader(path: t.dir + "/items.txt", format: .text), skipInvalid: false)
        let r = try t.ws.projectReport(project: "p")
        #expect(r.items == 3 && r.answers == 0 && r.progress.buckets.isEmpty && r.annotators.isEmpty)
        #expect(r.agreementByVersion.isEmpty && r.labels.isEmpty && r.confusion.pairs == 0 && r.frozenSets.isEmpty)
        #expect(r.consensus == .init(final: 0, disputed: 0, pending: 3))
    }
}
