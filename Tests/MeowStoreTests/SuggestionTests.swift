import Foundation
import Testing
import MeowCore
import MeowTestSupport
@testable import MeowStore

/// Model suggestions (issue 15.3) on both backends: loading and its refusals, what claims
/// carry, what answers record, the queue orders, and that a test export never holds them.
@Suite("Model suggestions")
struct SuggestionTests {
    let dir: String
    let ws: Workspace

    init(_ backend: TestBackend = .sqlite, order: String = "") throws {
        dir = NSTemporaryDirectory() + "meow-suggest-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        ws = try backend.freshWorkspace(dir: dir)
        let g = try Guideline.parse("""
        ---
        name: t
        task: classify
        overlap: 2
        \(order)
        labels: [{value: pos, definition: P}, {value: neg, definition: N}]
        ---
        Body
        """)
        try ws.createProject("p", guideline: g, by: "admin")
        let file = dir + "/items.jsonl"
        try (1...6).map { "{\"id\":\"i\($0)\",\"text\":\"text \($0)\"}" }.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        _ = try ws.importItems(project: "p", reader: ItemReader(path: file, format: .jsonl), skipInvalid: false)
        for who in ["x", "y"] { try ws.acknowledge(project: "p", annotator: who) }
    }

    func rows(_ list: [(String, String, Double?)], model: String = "m1") -> [SuggestionRow] {
        list.enumerated().map { SuggestionRow(item: $1.0, model: model, value: .labels([$1.1]), score: $1.2, line: $0 + 1) }
    }

    func count(_ sql: String) throws -> Int64 { try ws.db.scalarInt(sql) ?? -1 }

    @Test(arguments: TestBackend.available) static func claimsCarryTheSuggestionAndAnswersRecordIt(_ backend: TestBackend) throws { try Self(backend).claimsCarryTheSuggestionAndAnswersRecordIt() }

    func claimsCarryTheSuggestionAndAnswersRecordIt() throws {
        let load = try ws.loadSuggestions(project: "p", rows: rows([("i1", "pos", 0.9), ("i2", "neg", 0.4)]), file: "s.jsonl", order: nil, by: "admin")
        #expect(load.added == 2 && load.replaced == 0 && load.models == ["m1"] && load.order == nil)
        let first = try #require(try ws.claimNext(project: "p", annotator: "x"))
        #expect(first.id == "i1" && first.suggestion == Suggestion(model: "m1", value: .labels(["pos"]), score: 0.9))
        try ws.submit(project: "p", annotator: "x", item: "i1", answer: Answer(labels: ["pos"]))       // accepted
        let second = try #require(try ws.claimNext(project: "p", annotator: "x"))
        try ws.submit(project: "p", annotator: "x", item: second.id, answer: Answer(labels: ["pos"]))  // overrides neg
        let third = try #require(try ws.claimNext(project: "p", annotator: "x"))
        #expect(third.id == "i3" && third.suggestion == nil)
        try ws.submit(project: "p", annotator: "x", item: "i3", answer: Answer(labels: ["neg"]))
        let recorded = try ws.db.rows("SELECT i.external_id, a.suggestion, a.accepted FROM annotation a JOIN item i ON i.id = a.item_id ORDER BY i.id")
            .map { "\(try $0.text("external_id")):\(try $0.string("suggestion") ?? "-"):\(try $0.optionalInt("accepted").map(String.init) ?? "-")" }
        #expect(recorded == ["i1:m1:1", "i2:m1:0", "i3:-:-"])

        // Loading the model again replaces its suggestion; another model's, loaded later, is shown.
        let again = try ws.loadSuggestions(project: "p", rows: rows([("i1", "neg", 0.3)]), file: "s2.jsonl", order: nil, by: "admin")
        #expect(again.added == 0 && again.replaced == 1)
        _ = try ws.loadSuggestions(project: "p", rows: rows([("i1", "pos", 0.8)], model: "m2"), file: "s3.jsonl", order: nil, by: "admin")
        #expect(try count("SELECT count(*) FROM suggestion") == 3)
        let y = try #require(try ws.claimNext(project: "p", annotator: "y"))
        #expect(y.id == "i1" && y.suggestion?.model == "m2")

        // Agreement: model m1 against x, and acceptance.
        let ratings = try ws.agreementRatings(project: "p")
        let model = try #require(try ws.taskAgreement(project: "p", ratings: ratings).model)
        #expect(model.overall.shown == 2 && model.overall.accepted == 1 && model.overall.rate == 0.5)
        #expect(model.models.map(\.model) == ["m1", "m2"])
    }

    @Test(arguments: TestBackend.available) static func unknownItemsAndLabelsAreRefusedTogetherAndNothingIsWritten(_ backend: TestBackend) throws { try Self(backend).unknownItemsAndLabelsAreRefusedTogetherAndNothingIsWritten() }

    func unknownItemsAndLabelsAreRefusedTogetherAndNothingIsWritten() throws {
        do {
            _ = try ws.loadSuggestions(project: "p", rows: rows([("i1", "pos", nil), ("nope", "pos", nil), ("i2", "Maybe", nil)]), file: "s.jsonl", order: .uncertainty, by: "admin")
            Issue.record("the load should be refused")
        } catch let e as ImportError {
            #expect(e.description.contains("'nope' (line 2)"))
            #expect(e.description.contains("'Maybe' (1 suggestion, first on line 3)"))
        }
        #expect(try count("SELECT count(*) FROM suggestion") == 0)
        #expect(throws: StoreError.self) { try ws.loadSuggestions(project: "p", rows: rows([("i1", "pos", nil)]), file: "s.jsonl", order: nil, by: "x") }
    }

    @Test(arguments: TestBackend.available) static func uncertaintyServesTheLeastConfidentFirstWithExactOverlap(_ backend: TestBackend) throws { try Self(backend).uncertaintyServesTheLeastConfidentFirstWithExactOverlap() }

    func uncertaintyServesTheLeastConfidentFirstWithExactOverlap() throws {
        // y passed nothing yet; x's cursor is past i1: reordering must reset it.
        _ = try ws.claimNext(project: "p", annotator: "x")
        try ws.submit(project: "p", annotator: "x", item: "i1", answer: Answer(labels: ["pos"]))
        _ = try ws.loadSuggestions(project: "p", rows: rows([("i5", "pos", 0.7), ("i2", "neg", 0.1), ("i4", "pos", 0.5), ("i1", "pos", 0.05)]),
                                   file: "s.jsonl", order: .uncertainty, by: "admin")
        var servedX: [String] = [], servedY: [String] = []
        while let c = try ws.claimNext(project: "p", annotator: "x") { servedX.append(c.id); try ws.submit(project: "p", annotator: "x", item: c.id, answer: Answer(labels: ["pos"])) }
        while let c = try ws.claimNext(project: "p", annotator: "y") { servedY.append(c.id); try ws.submit(project: "p", annotator: "y", item: c.id, answer: Answer(labels: ["pos"])) }
        #expect(servedX == ["i2", "i4", "i5", "i3", "i6"])
        #expect(servedY == ["i1", "i2", "i4", "i5", "i3", "i6"])
        #expect(try count("SELECT count(*) FROM item WHERE done_count <> 2") == 0)
    }

    @Test(arguments: TestBackend.available) static func randomOrderFollowsTheSeedAndImportOrderComesBack(_ backend: TestBackend) throws { try Self(backend).randomOrderFollowsTheSeedAndImportOrderComesBack() }

    func randomOrderFollowsTheSeedAndImportOrderComesBack() throws {
        func order() throws -> [String] { try ws.db.rows("SELECT external_id FROM item ORDER BY qkey").map { try $0.text("external_id") } }
        try ws.reorderQueue(project: "p", order: .random(seed: 7), by: "admin")
        let seven = try order()
        try ws.reorderQueue(project: "p", order: .random(seed: 8), by: "admin")
        try ws.reorderQueue(project: "p", order: .random(seed: 7), by: "admin")
        #expect(try order() == seven && Set(seven).count == 6)
        #expect(seven == QueueOrder.random(seed: 7).arrange((1...6).map { .init(id: Int64($0), externalID: "i\($0)", priority: 0, score: nil) }).map(\.externalID))
        try ws.reorderQueue(project: "p", order: .imported, by: "admin")
        #expect(try order() == (1...6).map { "i\($0)" })
    }

    @Test(arguments: TestBackend.available) static func theGuidelinesOrderAppliesWhenSuggestionsLoad(_ backend: TestBackend) throws { try Self(backend, order: "order: uncertainty").theGuidelinesOrderAppliesWhenSuggestionsLoad() }

    func theGuidelinesOrderAppliesWhenSuggestionsLoad() throws {
        let load = try ws.loadSuggestions(project: "p", rows: rows([("i6", "neg", 0.2)]), file: "s.jsonl", order: nil, by: "admin")
        #expect(load.order == .uncertainty)
        #expect(try ws.claimNext(project: "p", annotator: "x")?.id == "i6")
    }

    @Test(arguments: TestBackend.available) static func aTestExportHoldsNoSuggestionData(_ backend: TestBackend) throws { try Self(backend).aTestExportHoldsNoSuggestionData() }

    func aTestExportHoldsNoSuggestionData() throws {
        _ = try ws.loadSuggestions(project: "p", rows: rows((1...6).map { ("i\($0)", "pos", 0.5) }, model: "leaky-model"), file: "s.jsonl", order: nil, by: "admin")
        for who in ["x", "y"] {
            while let c = try ws.claimNext(project: "p", annotator: who) { try ws.submit(project: "p", annotator: who, item: c.id, answer: Answer(labels: ["pos"])) }
        }
        _ = try ws.consensus(project: "p", method: "majority")
        _ = try ws.freeze(project: "p", setName: "t1", rule: FreezeRule(size: 2, seed: 1), by: "admin")
        // Suggestions for frozen items may still be loaded: stored, counted, never served.
        let late = try ws.loadSuggestions(project: "p", rows: rows((1...6).map { ("i\($0)", "neg", 0.5) }, model: "leaky-model"), file: "s2.jsonl", order: nil, by: "admin")
        #expect(late.frozenItems == 2)
        for raw in [false, true] {
            var out: [UInt8] = []
            _ = try ws.exportDataset(project: "p", split: .test, frozen: nil, raw: raw, format: .jsonl, allowNoTestSet: false, by: "admin") { out += $0 }
            let text = String(decoding: out, as: UTF8.self)
            #expect(!text.isEmpty && !text.contains("leaky-model") && !text.contains("suggest") && !text.contains("accepted"))
        }
    }
}
