import Foundation
import Testing
import MeowCore
import MeowTestSupport
@testable import MeowStore

/// A large import loads without the item's indexes and judges its rows at the end (issue 16.1).
/// It must decide exactly what the row-by-row path decides, line for line: these tests import
/// the same files both ways (the bulk way switched on after a few rows) and compare everything
/// a user can see.
@Suite("Bulk import decides as row by row")
struct BulkImportTests {
    let dir: String

    init() throws {
        dir = NSTemporaryDirectory() + "meow-bulk-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    /// The outcome a user sees: the summary or the error, then the project's items in order and
    /// the answers the project needs.
    struct Outcome: Equatable, CustomStringConvertible {
        var result: String
        var items: [[String]]
        var answersNeeded: Int64?
        var description: String { "\(result)\n\(items)\nneeded \(answersNeeded ?? -1)" }
    }

    func workspace(_ backend: TestBackend, name: String, bulkFrom: Int) throws -> Workspace {
        let ws = try backend.freshWorkspace(dir: dir, name: name)
        ws.bulkImportFrom = bulkFrom
        try ws.createProject("p", guideline: try Guideline.parse("""
        ---
        name: t
        task: classify
        overlap: 2
        labels: [{value: a, definition: A}, {value: b, definition: B}]
        ---
        Body
        """), by: "admin")
        return ws
    }

    func outcome(_ ws: Workspace, files: [String], skipInvalid: Bool) throws -> Outcome {
        var results: [String] = []
        for file in files {
            do {
                let s = try ws.importItems(project: "p", reader: ItemReader(path: file, format: .jsonl), skipInvalid: skipInvalid)
                results.append("read \(s.read) inserted \(s.inserted) dup \(s.duplicateText) present \(s.alreadyPresent) skipped \(s.skipped.map { "\($0.line ?? -1): \($0.message)" })")
            } catch let e as ImportError {
                results.append("error line \(e.line ?? -1): \(e.message)")
            }
        }
        // In the order the queue serves them (the queue key's value itself may differ: it
        // continues from the highest row id, and a bulk load leaves gaps where it deleted).
        let items = try ws.db.rows("SELECT external_id, text, priority FROM item ORDER BY qkey").map {
            [try $0.text("external_id"), try $0.text("text"), String(try $0.int("priority"))]
        }
        return Outcome(result: results.joined(separator: "\n"), items: items, answersNeeded: try ws.db.scalarInt("SELECT answers_needed FROM project"))
    }

    /// A file from a small pool of ids and texts, so every rule fires: re-imports, ids with
    /// another text, duplicate texts within the file and against the project, derived ids,
    /// blank and malformed lines.
    func randomFile(_ name: String, seed: UInt64, lines: Int, malformed: Bool) throws -> String {
        var rng = SplitMix64(seed: seed)
        var out: [String] = []
        for _ in 0..<lines {
            let r = rng.next() % 100
            let text = "text \(rng.next() % 25)"
            if r < 4 { out.append(""); continue }
            if malformed && r < 6 { out.append(#"{"id": oops}"#); continue }
            let priority = rng.next() % 5 == 0 ? #","priority":\#(rng.next() % 3)"# : ""
            if r < 20 { out.append(#"{"text":"\#(text)"\#(priority)}"#); continue }
            out.append(#"{"id":"i\#(rng.next() % 30)","text":"\#(text)"\#(priority)}"#)
        }
        let path = dir + "/" + name
        try out.joined(separator: "\n").appending("\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test(arguments: TestBackend.available)
    func randomFilesGiveTheSameItemsCountsAndErrors(_ backend: TestBackend) throws {
        for seed in UInt64(1)...12 {
            for skipInvalid in [true, false] {
                // Two files: the second meets the first's items in the project.
                let files = try [randomFile("a\(seed).jsonl", seed: seed, lines: 60, malformed: seed % 3 == 0),
                                 randomFile("b\(seed).jsonl", seed: seed + 100, lines: 80, malformed: seed % 4 == 0)]
                let tag = "\(seed)-\(skipInvalid)"
                let expected = try outcome(workspace(.sqlite, name: "row\(tag)", bulkFrom: .max), files: files, skipInvalid: skipInvalid)
                let bulk = try workspace(backend, name: "bulk\(tag)", bulkFrom: 3)
                let got = try outcome(bulk, files: files, skipInvalid: skipInvalid)
                #expect(got == expected, "seed \(seed), skipInvalid \(skipInvalid)")
                try expectKeysInPlace(bulk, backend)
            }
        }
    }

    /// Files without a contested row: a server loads them in one pass and lets the keys' builds
    /// check them; a later file that meets the first file's items is judged row by row. Both
    /// end as the row-by-row path ends.
    @Test(arguments: TestBackend.available)
    func cleanFilesLoadInOnePassAndAClashFallsBack(_ backend: TestBackend) throws {
        func file(_ name: String, _ lines: [String]) throws -> String {
            let path = dir + "/" + name
            try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        let files = try [
            file("clean1.jsonl", (0..<40).map { #"{"id":"c\#($0)","text":"clean \#($0)","priority":\#($0 % 3)}"# }),
            file("clean2.jsonl", (40..<90).map { #"{"id":"c\#($0)","text":"clean \#($0)"}"# }),
            // Unique within itself; line 7's text and line 30's id are the first file's.
            file("clash.jsonl", (100..<200).map { n in
                n == 106 ? #"{"id":"c106","text":"clean 5"}"# : n == 129 ? #"{"id":"c12","text":"clean 12"}"# : #"{"id":"c\#(n)","text":"clean \#(n)"}"#
            }),
        ]
        let expected = try outcome(workspace(.sqlite, name: "rowclean", bulkFrom: .max), files: files, skipInvalid: false)
        let bulk = try workspace(backend, name: "bulkclean", bulkFrom: 3)
        #expect(try outcome(bulk, files: files, skipInvalid: false) == expected)
        #expect(expected.result.contains("inserted 98 dup 1 present 1"))
        try expectKeysInPlace(bulk, backend)
        // On a server only the first file went in one pass: the others met a project with items.
        #expect(bulk.bulkLoadsInOnePass == (backend == .postgresql ? 1 : 0))

        // A first file with a text twice: the one pass fails at the key's build, and the rows
        // are judged one by one.
        let twice = try file("twice.jsonl", (0..<30).map { n in
            let text = n == 20 ? "twice 3" : "twice \(n)"
            return #"{"id":"t\#(n)","text":"\#(text)"}"#
        })
        let expectedTwice = try outcome(workspace(.sqlite, name: "rowtwice", bulkFrom: .max), files: [twice], skipInvalid: false)
        let bulkTwice = try workspace(backend, name: "bulktwice", bulkFrom: 3)
        #expect(try outcome(bulkTwice, files: [twice], skipInvalid: false) == expectedTwice)
        #expect(expectedTwice.result.contains("inserted 29 dup 1"))
        #expect(bulkTwice.bulkLoadsInOnePass == 0)
        try expectKeysInPlace(bulkTwice, backend)
    }

    /// After a bulk load the item's keys and indexes are back: the two unique keys enforced, and
    /// on a server the foreign key to the project too.
    func expectKeysInPlace(_ ws: Workspace, _ backend: TestBackend = .sqlite) throws {
        let catalogue = backend == .sqlite
            ? "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'item' ORDER BY name"
            : "SELECT indexname AS name FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'item' AND indexname <> 'item_pkey' ORDER BY indexname"
        let indexes = try ws.db.rows(catalogue).map { try $0.text("name") }
        #expect(indexes == (backend == .sqlite ? ["item_external", "item_open", "item_text"]
                                               : ["item_open", "item_project_id_external_id_key", "item_project_id_text_hash_key"]))
        if backend == .postgresql {
            #expect(try ws.db.scalarInt("SELECT count(*) FROM pg_constraint WHERE conrelid = 'item'::regclass AND contype = 'f'") == 1)
            #expect(throws: (any Error).self) {
                try ws.db.run("INSERT INTO item(project_id, external_id, text, text_hash, priority, qkey, need) VALUES (999, 'orphan', 'x', '\\x01'::bytea, 0, 0, 1)")
            }
        }
        guard try ws.db.scalarInt("SELECT count(*) FROM item") ?? 0 > 0 else { return }
        let blob = backend == .sqlite ? "x'00'" : "'\\x00'::bytea"
        #expect(throws: (any Error).self) {
            try ws.db.run("INSERT INTO item(project_id, external_id, text, text_hash, priority, qkey, need) SELECT project_id, 'fresh', 'x', text_hash, 0, 0, 1 FROM item LIMIT 1")
        }
        #expect(throws: (any Error).self) {
            try ws.db.run("INSERT INTO item(project_id, external_id, text, text_hash, priority, qkey, need) SELECT project_id, external_id, 'x', \(blob), 0, 0, 1 FROM item LIMIT 1")
        }
    }

    /// The switch happens only when the load is at least as big as the rest of the table: a
    /// small file into a big workspace keeps its indexes throughout.
    @Test func aSmallLoadIntoABigTableKeepsItsIndexes() throws {
        let ws = try workspace(.sqlite, name: "big", bulkFrom: 3)
        let first = dir + "/first.jsonl"
        try (0..<50).map { #"{"id":"k\#($0)","text":"first \#($0)"}"# }.joined(separator: "\n").write(toFile: first, atomically: true, encoding: .utf8)
        _ = try ws.importItems(project: "p", reader: ItemReader(path: first, format: .jsonl), skipInvalid: false)
        // Drop an index by hand: a bulk load would rebuild it, a row-by-row import leaves it missing.
        try ws.db.execute("DROP INDEX item_open")
        let second = dir + "/second.jsonl"
        try (0..<10).map { #"{"id":"s\#($0)","text":"second \#($0)"}"# }.joined(separator: "\n").write(toFile: second, atomically: true, encoding: .utf8)
        let s = try ws.importItems(project: "p", reader: ItemReader(path: second, format: .jsonl), skipInvalid: false)
        #expect(s.inserted == 10)
        #expect(try ws.db.scalarInt("SELECT count(*) FROM sqlite_master WHERE name = 'item_open'") == 0)
        // A load bigger than the table then runs without indexes, and builds the missing one too.
        let third = dir + "/third.jsonl"
        try (0..<70).map { #"{"id":"t\#($0)","text":"third \#($0)"}"# }.joined(separator: "\n").write(toFile: third, atomically: true, encoding: .utf8)
        #expect(try ws.importItems(project: "p", reader: ItemReader(path: third, format: .jsonl), skipInvalid: false).inserted == 70)
        try expectKeysInPlace(ws)
    }

    /// A failed bulk load leaves nothing: no rows, and the indexes as they were.
    @Test(arguments: TestBackend.available)
    func aFailedBulkLoadLeavesTheWorkspaceAsItWas(_ backend: TestBackend) throws {
        let ws = try workspace(backend, name: "fail", bulkFrom: 3)
        let path = dir + "/fail.jsonl"
        var lines = (0..<40).map { #"{"id":"f\#($0)","text":"row \#($0)"}"# }
        lines.append(#"{"id":"f2","text":"another text"}"#) // line 41: id of line 3, another text
        lines.append(#"{"id":"f99","text":"fine"}"#)
        try lines.joined(separator: "\n").write(toFile: path, atomically: true, encoding: .utf8)
        #expect { try ws.importItems(project: "p", reader: ItemReader(path: path, format: .jsonl), skipInvalid: false) }
            throws: { ($0 as? ImportError)?.line == 41 }
        #expect(try ws.db.scalarInt("SELECT count(*) FROM item") == 0)
        try expectKeysInPlace(ws, backend)
    }
}
