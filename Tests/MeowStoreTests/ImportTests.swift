import Foundation
import Testing
import MeowCore
import MeowTestSupport
@testable import MeowStore

/// Item import on both backends with the same expectations: PostgreSQL streams through COPY
/// and decides set-based what SQLite decides row by row, so the two must agree line for line.
@Suite("Workspace item import")
struct ImportTests {
    let dir: String
    let ws: Workspace
    let backend: TestBackend

    init(_ backend: TestBackend = .sqlite) throws {
        self.backend = backend
        dir = NSTemporaryDirectory() + "meow-import-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        ws = try backend.freshWorkspace(dir: dir)
        try ws.createProject("p", guideline: try Guideline.parse("""
        ---
        name: t
        task: classify
        overlap: 2
        labels: [{value: a, definition: A}, {value: b, definition: B}]
        ---
        Body
        """), by: "admin")
        let first = try importLines("first.jsonl", [#"{"id":"a","text":"alpha"}"#, #"{"id":"b","text":"beta"}"#, #"{"text":"gamma"}"#])
        #expect(first.inserted == 3)
    }

    func write(_ name: String, _ lines: [String]) throws -> String {
        let path = dir + "/" + name
        try lines.joined(separator: "\n").appending("\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func importLines(_ name: String, _ lines: [String], skipInvalid: Bool = false, format: ItemFormat = .jsonl,
                     progress: ((Int) -> Void)? = nil) throws -> ImportSummary {
        try ws.importItems(project: "p", reader: ItemReader(path: write(name, lines), format: format), skipInvalid: skipInvalid, progress: progress)
    }

    /// (external id, text) of every item, in id order.
    func items() throws -> [[String]] {
        try ws.db.rows("SELECT external_id, text FROM item ORDER BY id").map { [try $0.text("external_id"), try $0.text("text")] }
    }

    func answersNeeded() throws -> Int64? { try ws.db.scalarInt("SELECT answers_needed FROM project") }

    static func jsonLine(_ fields: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys]), as: UTF8.self)
    }

    /// A load at least as big as the table (issue 16.1) rebuilds the text key after loading
    /// on PostgreSQL: the same verdicts line for line, the key back in place and still enforced.
    @Test(arguments: TestBackend.available) static func aBulkLoadRebuildsTheTextKeyAndDecidesTheSame(_ b: TestBackend) throws { try Self(b).aBulkLoadRebuildsTheTextKeyAndDecidesTheSame() }
    func aBulkLoadRebuildsTheTextKeyAndDecidesTheSame() throws {
        ws.bulkImportFrom = 1
        let s = try importLines("bulk.jsonl", [
            #"{"id":"c","text":"delta"}"#, #"{"id":"d","text":"alpha"}"#, #"{"id":"e","text":"epsilon"}"#,
            #"{"id":"f","text":"epsilon"}"#, #"{"id":"a","text":"alpha"}"#, #"{"id":"g","text":"zeta"}"#,
        ])
        #expect(s.inserted == 3 && s.duplicateText == 2 && s.alreadyPresent == 1, "\(s)")
        if backend == .postgresql {
            #expect(try ws.db.scalarInt("SELECT count(*) FROM pg_constraint WHERE conrelid = 'item'::regclass AND contype = 'u' AND pg_get_constraintdef(oid) = 'UNIQUE (project_id, text_hash)'") == 1)
        }
        // The key holds: the same text under a new id is refused by the database itself.
        #expect(throws: (any Error).self) {
            try ws.db.run("INSERT INTO item(project_id, external_id, text, text_hash, priority, qkey, need) SELECT project_id, 'x', text, text_hash, 0, 0, 1 FROM item WHERE external_id = 'c'")
        }
    }

    @Test(arguments: TestBackend.available) static func countsNewReimportedAndDuplicateLines(_ b: TestBackend) throws { try Self(b).countsNewReimportedAndDuplicateLines() }

    func countsNewReimportedAndDuplicateLines() throws {
        let s = try importLines("mixed.jsonl", [
            #"{"id":"a","text":"alpha"}"#,    // 1 re-import: already present
            #"{"id":"c","text":"gamma"}"#,    // 2 text in the project under another id
            #"{"id":"d","text":"delta"}"#,    // 3 new
            #"{"id":"e","text":"delta"}"#,    // 4 text on line 3: duplicate (id e stays free)
            #"{"id":"d","text":"delta"}"#,    // 5 line 3 again: already present
            #"{"text":"gamma"}"#,             // 6 same derived id and text: already present
            "",                               // 7 blank: not an item
            #"{"id":"f","text":"beta"}"#,     // 8 duplicate of the project's b
            #"{"id":"g","text":"epsilon"}"#,  // 9 new
            #"{"id":"e","text":"zeta"}"#,     // 10 new: line 4 was held back, so id e is free
            #"{"id":"h","text":"epsilon"}"#,  // 11 duplicate of line 9
            #"{"text":"delta"}"#,             // 12 derived id free, text on line 3: duplicate
        ])
        #expect(s == ImportSummary(read: 11, inserted: 3, duplicateText: 5, alreadyPresent: 3, skipped: []))
        let rows = try items()
        #expect(rows.map { $0[1] } == ["alpha", "beta", "gamma", "delta", "epsilon", "zeta"])
        #expect(rows.map { $0[0] }.suffix(3) == ["d", "g", "e"])
        #expect(try answersNeeded() == 12)
        // The whole file again: line 4's id now names line 10's text, so it is refused by line;
        // skipped, every other line is already there or a duplicate.
        let again = try String(contentsOfFile: dir + "/mixed.jsonl", encoding: .utf8).components(separatedBy: "\n").dropLast()
        #expect { try importLines("again.jsonl", Array(again)) } throws: { ($0 as? ImportError)?.line == 4 }
        let skipped = try importLines("again.jsonl", Array(again), skipInvalid: true)
        #expect(skipped.read == 11 && skipped.inserted == 0 && skipped.duplicateText == 4 && skipped.alreadyPresent == 6)
        #expect(skipped.skipped.map(\.line) == [4])
        #expect(try items() == rows)
    }

    @Test(arguments: TestBackend.available) static func anIdWithAnotherTextFailsOrIsSkippedWithItsLine(_ b: TestBackend) throws { try Self(b).anIdWithAnotherTextFailsOrIsSkippedWithItsLine() }

    func anIdWithAnotherTextFailsOrIsSkippedWithItsLine() throws {
        let lines = [
            #"{"id":"n1","text":"new one"}"#,
            #"{"id":"a","text":"not alpha"}"#,   // 2 id in the project with another text
            #"{"id":"n3","text": oops}"#,        // 3 malformed
            #"{"id":"n1","text":"other"}"#,      // 4 id taken by line 1 with another text
            #"{"id":"n2","text":"new two"}"#,
        ]
        let before = try items()
        do {
            _ = try importLines("bad.jsonl", lines)
            Issue.record("the import should have failed")
        } catch let e as ImportError {
            #expect(e.line == 2 && e.file == dir + "/bad.jsonl")
            #expect(e.message == "id 'a' is already in the project with a different text")
        }
        #expect(try items() == before)
        #expect(try answersNeeded() == 6)
        // The malformed line comes first here, so it is the error.
        do {
            _ = try importLines("bad2.jsonl", [lines[2], lines[1]])
            Issue.record("the import should have failed")
        } catch let e as ImportError {
            #expect(e.line == 1 && e.message.hasPrefix("invalid JSON"))
        }
        let s = try importLines("bad.jsonl", lines, skipInvalid: true)
        #expect(s.read == 5 && s.inserted == 2 && s.duplicateText == 0 && s.alreadyPresent == 0)
        #expect(s.skipped.map(\.line) == [2, 3, 4])
        #expect(s.skipped[0].message == "id 'a' is already in the project with a different text")
        #expect(s.skipped[2].message == "id 'n1' is already in the project with a different text")
        #expect(try items().suffix(2) == [["n1", "new one"], ["n2", "new two"]])
        #expect(try answersNeeded() == 10)
    }

    @Test(arguments: TestBackend.available) static func awkwardTextsRoundTripByteForByte(_ b: TestBackend) throws { try Self(b).awkwardTextsRoundTripByteForByte() }

    func awkwardTextsRoundTripByteForByte() throws {
        let texts = ["tab\there\t", "new\nline", "cr\r\nlf\r", "back\\slash \\N \\. \\x41 \\t", "trailing\\", "\\",
                     "emoji 🐈‍⬛ 👩🏽‍💻 🇫🇷", "e\u{301} and é", "  spaced  ", "日本語 текст العربية", "line\u{2028}sep\u{85}",
                     "quotes \" ' `", "\u{1}\u{1F} control", "💩"]
        let lines = try texts.enumerated().map { try Self.jsonLine(["id": "x\($0.offset)\t\\", "text": $0.element, "note": $0.element, "priority": 1]) }
        let s = try importLines("odd.jsonl", lines)
        #expect(s.inserted == texts.count)
        let stored = try ws.db.rows("SELECT external_id, text, metadata FROM item WHERE priority = 1 ORDER BY id")
        #expect(try stored.map { Array(try $0.text("text").utf8) } == texts.map { Array($0.utf8) })
        #expect(try stored.map { try $0.text("external_id") } == texts.indices.map { "x\($0)\t\\" })
        let reader = try ItemReader(path: dir + "/odd.jsonl", format: .jsonl)
        for row in stored {
            let item = try #require(try reader.next())
            #expect(try row.string("metadata").map { Array($0.utf8) } == item.metadata.map { Array($0.utf8) })
        }
        // Stored hashes are the texts' own: the same file again is all already present.
        #expect(try importLines("odd.jsonl", lines).alreadyPresent == texts.count)
        // Plain text and CSV files (a quoted field with a newline) too.
        let plain = try importLines("odd.txt", ["a\tb\\c", "tail\\"], format: .text)
        let csv = try importLines("odd.csv", ["id,text", "q1,\"two\nlines, \"\"quoted\"\"\"", "q2,back\\slash\tand tab"], format: .csv)
        #expect(plain.inserted == 2 && csv.inserted == 2)
        #expect(try items().suffix(4).map { Array($0[1].utf8) } == ["a\tb\\c", "tail\\", "two\nlines, \"quoted\"", "back\\slash\tand tab"].map { Array($0.utf8) })
    }

    @Test(arguments: TestBackend.available) static func theQueueServesByPriorityThenFileOrder(_ b: TestBackend) throws { try Self(b).theQueueServesByPriorityThenFileOrder() }

    func theQueueServesByPriorityThenFileOrder() throws {
        try ws.acknowledge(project: "p", annotator: "x")
        func next() throws -> String? {
            guard let item = try ws.claimNext(project: "p", annotator: "x") else { return nil }
            try ws.submit(project: "p", annotator: "x", item: item.id, answer: Answer(labels: ["a"]))
            return item.text
        }
        _ = try importLines("prio.jsonl", [
            #"{"text":"low 1"}"#, #"{"text":"high 1","priority":2}"#, #"{"text":"low 2","priority":0}"#,
            #"{"text":"high 2","priority":2}"#, #"{"text":"mid","priority":1}"#, #"{"text":"negative","priority":-1}"#,
        ])
        #expect(try next() == "high 1")
        #expect(try next() == "high 2")
        // An urgent import moves the annotator's cursor back to it.
        _ = try importLines("urgent.jsonl", [#"{"text":"urgent","priority":3}"#, #"{"text":"later"}"#])
        var order: [String] = []
        while let t = try next() { order.append(t) }
        #expect(order == ["urgent", "mid", "alpha", "beta", "gamma", "low 1", "low 2", "later", "negative"])
    }

    @Test(arguments: TestBackend.available) static func aFailedImportLeavesNothingBehind(_ b: TestBackend) throws { try Self(b).aFailedImportLeavesNothingBehind() }

    func aFailedImportLeavesNothingBehind() throws {
        try ws.acknowledge(project: "p", annotator: "x")
        #expect(try ws.claimNext(project: "p", annotator: "x") != nil)
        let cursor = try ws.db.scalarInt("SELECT qkey FROM queue_cursor")
        let before = try items()
        let lines = (1...500).map { #"{"text":"item \#($0)","priority":3}"# } + ["not json"]
        #expect(throws: ImportError.self) { try importLines("fails.jsonl", lines) }
        #expect(try items() == before)
        #expect(try answersNeeded() == 6)
        #expect(try ws.db.scalarInt("SELECT qkey FROM queue_cursor") == cursor)
        // The same connection imports normally afterwards.
        #expect(try importLines("ok.jsonl", Array(lines.dropLast())).inserted == 500)
        #expect(try answersNeeded() == 1006)
    }

    @Test(arguments: TestBackend.available) static func progressIsReportedOnLargeFiles(_ b: TestBackend) throws { try Self(b).progressIsReportedOnLargeFiles() }

    func progressIsReportedOnLargeFiles() throws {
        let pad = String(repeating: "x", count: 1000)
        var reports: [Int] = []
        let s = try importLines("big.txt", (1...6000).map { "\($0) \(pad)" }, format: .text) { reports.append($0) }
        #expect(s.inserted == 6000)
        #expect(!reports.isEmpty && reports == reports.sorted())
    }

    @Test(arguments: TestBackend.available) static func compareItemsImportAsPairs(_ b: TestBackend) throws { try Self(b).compareItemsImportAsPairs() }

    func compareItemsImportAsPairs() throws {
        try ws.createProject("c", guideline: try Guideline.parse("""
        ---
        name: c
        task: compare
        overlap: 1
        ---
        Choose.
        """), by: "admin")
        let path = try write("pairs.jsonl", [#"{"id":"p1","a":"one\ttab","b":"two","prompt":"which?"}"#, #"{"a":"x","b":"y"}"#, #"{"id":"p3","a":"x","b":"y"}"#])
        let s = try ws.importItems(project: "c", reader: ItemReader(path: path, format: .jsonl, pairs: true), skipInvalid: false)
        #expect(s == ImportSummary(read: 3, inserted: 2, duplicateText: 1, alreadyPresent: 0, skipped: []))
        let first = try #require(try ItemReader(path: path, format: .jsonl, pairs: true).next())
        #expect(try ws.db.rows("SELECT text FROM item WHERE external_id = 'p1'").first?.text("text") == first.text)
        #expect(throws: ImportError.self) { try ws.importItems(project: "c", reader: ItemReader(path: path, format: .jsonl), skipInvalid: false) }
    }
}
