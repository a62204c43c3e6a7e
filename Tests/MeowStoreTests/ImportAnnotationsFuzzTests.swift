import Foundation
import Testing
import MeowCore
import MeowTestSupport
@testable import MeowStore

/// Issue 10: `meow import-annotations` loads other people's label files into a workspace in
/// one transaction. Seeded mutations of the sample label files must end in a clean import
/// whose summary matches the rows written, or an `ImportError` naming a line with nothing
/// written at all (the transaction rolls back).
@Suite("Fuzz: import-annotations")
struct ImportAnnotationsFuzzTests {
    /// Times `MEOW_FUZZ_SCALE` (default 1), as in the MeowCore fuzz suites.
    static let casesPerFormat = 250 * max(1, Int(ProcessInfo.processInfo.environment["MEOW_FUZZ_SCALE"] ?? "") ?? 1)

    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() } // Tests/MeowStoreTests/ThisFile.swift
        return url.path
    }()

    static func sample(_ name: String, lines: Int) -> [UInt8] {
        let all = [UInt8](FileManager.default.contents(atPath: root + "/Samples/" + name) ?? Data())
        return Array(all.split(separator: 0x0A, omittingEmptySubsequences: false).prefix(lines).joined(separator: [0x0A])) + [0x0A]
    }

    static let seeds: [LongFormat: [[UInt8]]] = [
        .jsonl: [
            sample("review-annotations.jsonl", lines: 25),
            Array("\u{FEFF}{\"item\": \"r0001\", \"annotator\": \"caf\\u00e9\", \"label\": \"mixed\", \"note\": [1, {}]}\r\n\r\n{\"item\": \"r0002\", \"annotator\": \"z\", \"label\": \"neutral\"}\r\n".utf8),
        ],
        .csv: [
            sample("review-annotations.csv", lines: 25),
            Array("note,label,annotator,item\r\n\"a, b\",positive,\"q\"\"x\"\"\",r0003\r\n\"multi\nline\",negative,w,r0004\r\n".utf8),
        ],
    ]
    static let tokens = [#""item""#, #""annotator""#, #""label""#, "item,annotator,label\n", ",,", "\"\"\"",
                         "positive", "negative,positive", "r0001", "r9999", "mixed", "\"", ","]

    /// An in-memory workspace with the sample reviews project and its 300 items.
    static func workspace() throws -> Workspace {
        let ws = try Workspace(path: ":memory:", create: true)
        let g = try Guideline.parse(String(contentsOfFile: root + "/Guidelines/sentiment.md", encoding: .utf8))
        try ws.createProject("reviews", guideline: g, by: "admin")
        _ = try ws.importItems(project: "reviews", reader: ItemReader(path: root + "/Samples/reviews.jsonl", format: .jsonl), skipInvalid: false)
        return ws
    }

    /// Found by the fuzz: a CSV header after blank lines was reported on line 1 (blank), not
    /// on its own line.
    @Test func csvHeaderErrorNamesTheHeaderLine() throws {
        let ws = try Self.workspace()
        let path = NSTemporaryDirectory() + "meow-fuzz-ann-header-" + UUID().uuidString + ".csv"
        try "\n\nitem,who,label\nr0001,a,positive\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: ImportError(file: path, line: 3, message: "missing column \"annotator\" in the header (expected item,annotator,label; found item,who,label)")) {
            try ws.importAnnotations(project: "reviews", path: path, format: .csv, by: "admin")
        }
    }

    /// Every stored answer as (item, annotator, label, value, source), in a fixed order.
    static func answers(_ ws: Workspace) throws -> [[String]] {
        try ws.db.rows("""
            SELECT i.external_id, a.annotator, a.label, a.value, a.source, a.guideline_version
            FROM annotation a JOIN item i ON i.id = a.item_id ORDER BY i.external_id, a.annotator
            """).map { r in try (0..<6).map { k in k == 5 ? String(try r.int(k)) : try r.text(k) } }
    }

    /// A description of counters that disagree with the answers, or nil.
    static func counterDrift(_ ws: Workspace) throws -> String? {
        let items = try ws.db.scalarInt("SELECT count(*) FROM item i WHERE i.done_count != (SELECT count(*) FROM annotation a WHERE a.item_id = i.id)") ?? 0
        let project = try ws.db.scalarInt("""
            SELECT answers_done - (SELECT coalesce(sum(min(done_count, need)), 0) FROM item WHERE project_id = p.id) FROM project p WHERE name = 'reviews'
            """) ?? 0
        return items == 0 && project == 0 ? nil : "counters drifted: \(items) items, project off by \(project)"
    }

    /// A label file over a frozen item: refused on the row's line, nothing written, the
    /// counters and triggers as before; the same file without that row imports.
    @Test func aFrozenItemTakesNoImportedAnswer() throws {
        let ws = try Self.workspace()
        let path = NSTemporaryDirectory() + "meow-ann-frozen-" + UUID().uuidString + ".csv"
        defer { try? FileManager.default.removeItem(atPath: path) }
        try "item,annotator,label\nr0001,a,positive\nr0001,b,positive\nr0001,c,positive\nr0002,a,negative\nr0002,b,negative\nr0002,c,negative\n".write(toFile: path, atomically: true, encoding: .utf8)
        _ = try ws.importAnnotations(project: "reviews", path: path, format: .csv, by: "admin")
        #expect(try Self.counterDrift(ws) == nil)
        _ = try ws.consensus(project: "reviews", method: "majority")
        let set = try ws.freeze(project: "reviews", setName: "t", rule: FreezeRule(fraction: 1, seed: 1), by: "admin")
        #expect(set.count > 0)
        let frozen = try ws.db.rows("SELECT i.external_id FROM frozen_record f JOIN item i ON i.id = f.item_id").map { try $0.text(0) }
        let target = try #require(frozen.first)
        try "item,annotator,label\nr0003,d,positive\n\(target),d,negative\n".write(toFile: path, atomically: true, encoding: .utf8)
        let before = try Self.answers(ws)
        #expect(throws: ImportError(file: path, line: 3, message: "item '\(target)' is in a frozen test set: it takes no new answers")) {
            try ws.importAnnotations(project: "reviews", path: path, format: .csv, by: "admin")
        }
        #expect(try Self.answers(ws) == before)
        #expect(try Self.counterDrift(ws) == nil)
        #expect(try ws.db.scalarInt("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN ('annotation_counts_insert', 'frozen_annotation_insert')") == 2)
        // The trigger itself still guards the item against any other writer.
        #expect(throws: (any Error).self) {
            try ws.db.run("INSERT INTO annotation(item_id, project_id, annotator, label, guideline_version, created_at) SELECT id, project_id, 'z', 'positive', 1, 'now' FROM item WHERE external_id = ?", .text(target))
        }
    }

    @Test(arguments: LongFormat.allCases)
    func mutatedLabelFilesImportWhollyOrNotAtAll(format: LongFormat) throws {
        let dir = NSTemporaryDirectory() + "meow-fuzz-ann-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ws = try Self.workspace()
        let reference = try Self.workspace()
        let path = dir + "/labels." + format.rawValue
        let seeds = Self.seeds[format]!
        var imported = 0, failed = 0, failures = 0
        for k in 0..<(Self.casesPerFormat + seeds.count) where failures < 12 {
            var m = FuzzMutator(seed: 0xA_22A7 &+ UInt64(k))
            let bytes = k < seeds.count ? seeds[k] : m.mutate(m.pick(seeds), tokens: Self.tokens)
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            func fail(_ message: String, sourceLocation: SourceLocation = #_sourceLocation) {
                failures += 1
                let shown = String(decoding: bytes.prefix(300), as: UTF8.self).debugDescription
                Issue.record("annotations/\(format) case \(k): \(message)\n  input: \(shown)", sourceLocation: sourceLocation)
            }
            // Lines as the reader sees them: a trailing CR and the first line's BOM are not content.
            let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated().map { n, l in
                let s = l.dropFirst(n == 0 && l.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0)
                return Array(s.last == 0x0D ? s.dropLast() : s)
            }
            let lineCount = lines.count
            let before = try ws.db.scalarInt("SELECT count(*) FROM annotation")!
            // The row-by-row import this one replaced (issue 13.7) must agree on every file.
            let expected: Result<AnnotationImportSummary, ImportError>
            do { expected = .success(try reference.importAnnotationsRowByRow(project: "reviews", path: path, format: format, by: "admin")) }
            catch let e as ImportError { expected = .failure(e) }
            do {
                let s = try ws.importAnnotations(project: "reviews", path: path, format: format, by: "admin")
                imported += 1
                if case .success(let r) = expected, r != s { fail("summary \(s), the row-by-row import says \(r)") }
                if case .failure(let e) = expected { fail("imported \(s), the row-by-row import refused: \(e)") }
                if try Self.answers(ws) != Self.answers(reference) { fail("stored answers differ from the row-by-row import's") }
                let added = try ws.db.scalarInt("SELECT count(*) FROM annotation")! - before
                if s.read != s.inserted + s.alreadyPresent { fail("summary \(s) does not add up") }
                if added != s.inserted { fail("summary says \(s.inserted) inserted, the table grew by \(added)") }
                if s.read > lineCount { fail("\(s.read) rows read from \(lineCount) lines") }
                let labels = try ws.db.scalarInt("SELECT count(*) FROM annotation WHERE label NOT IN ('positive', 'negative', 'neutral', 'mixed')")!
                if labels != 0 { fail("\(labels) stored labels are not the guideline's") }
                let names = try ws.db.rows("SELECT DISTINCT annotator FROM annotation").map { try $0.text(0) }
                if let bad = names.first(where: { AnnotatorName.problem($0) != nil }) { fail("stored annotator \(bad.debugDescription) is not a valid name") }
            } catch let e as ImportError {
                failed += 1
                if case .failure(let r) = expected, r != e { fail("error \(e), the row-by-row import says \(r)") }
                if case .success(let r) = expected { fail("refused with \(e), the row-by-row import read \(r)") }
                if let line = e.line {
                    if !(1...max(1, lineCount)).contains(line) { fail("line \(line) outside the file's \(lineCount) lines: \(e)") }
                    if !e.description.hasPrefix("\(path):\(line): ") { fail("description does not name the line: \(e)") }
                    if lines.indices.contains(line - 1), lines[line - 1].isEmpty, lines.contains(where: { !$0.isEmpty }) {
                        fail("line \(line) is empty: an error cannot be there: \(e)")
                    }
                } else {
                    fail("error without a line: \(e)")
                }
                let after = try ws.db.scalarInt("SELECT count(*) FROM annotation")!
                if after != before { fail("a failed import left \(after - before) annotations behind") }
            } catch {
                failed += 1
                fail("threw \(type(of: error)), not ImportError: \(error)")
            }
            if k < seeds.count && failed > 0 { fail("a seed label file does not import") }
            // The counters agree with the answers, and the triggers set aside are back.
            if let drift = try Self.counterDrift(ws) { fail(drift) }
            let triggers = try ws.db.scalarInt("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name IN ('annotation_counts_insert', 'frozen_annotation_insert')")
            if triggers != 2 { fail("\(triggers ?? 0) of the 2 insert triggers are left") }
            // Start every case from an empty annotation table (the counters follow by trigger).
            try ws.db.execute("DELETE FROM annotation")
            try reference.db.execute("DELETE FROM annotation")
        }
        #expect(imported > Self.casesPerFormat / 20, "\(format): only \(imported) mutated files imported")
        #expect(failed > Self.casesPerFormat / 4, "\(format): only \(failed) mutated files failed")
    }
}

extension Workspace {
    /// The row-by-row `importAnnotations` of sessions 1-2 (one item lookup, one existence check
    /// and one insert per row, counters by trigger), kept as the oracle for the bulk import.
    func importAnnotationsRowByRow(project name: String, path: String, format: LongFormat?, by user: String) throws -> AnnotationImportSummary {
        let p = try project(name)
        var summary = AnnotationImportSummary()
        let rows: LongFormatRowReader
        do { rows = try LongFormatRowReader(path: path, format: format) } catch { throw error.importError }
        func nextRow() throws(ImportError) -> LongFormatRow? {
            do { return try rows.next() } catch { throw error.importError }
        }
        try db.write { _ in
            while let row = try nextRow() {
                let (item, annotator, label, line) = (row.item, row.annotator, row.label, row.line)
                summary.read += 1
                if let problem = AnnotatorName.problem(annotator) {
                    throw ImportError(file: path, line: line, message: "annotator '\(TerminalText.safeInline(String(annotator.prefix(80))))': \(problem)")
                }
                let labels: [String]
                do { labels = try p.guideline.validate(labels: AnswerValue.labels(inColumn: label), comment: "imported") }
                catch { throw ImportError(file: path, line: line, message: "\(error)") }
                let value = AnswerValue.labels(labels)
                let joined = value.labelColumn
                guard let itemID = try db.scalarInt("SELECT id FROM item WHERE project_id = ? AND external_id = ?", .int(p.id), .text(item)) else {
                    throw ImportError(file: path, line: line, message: "no item '\(item)' in project '\(p.name)' (import the items first)")
                }
                if let existing = try db.row("SELECT label FROM annotation WHERE item_id = ? AND annotator = ?", .int(itemID), .text(annotator)) {
                    if try existing.text("label") == joined { summary.alreadyPresent += 1; continue }
                    throw ImportError(file: path, line: line, message: "\(annotator) already labeled '\(item)' as '\(try existing.text("label"))', not '\(joined)'")
                }
                try db.run("""
                    INSERT INTO annotation(item_id, project_id, annotator, label, value, guideline_version, created_at, source, imported_by)
                    VALUES (?, ?, ?, ?, ?, ?, ?, 'import', ?)
                    """, .int(itemID), .int(p.id), .text(annotator), .text(joined), .text(value.json), .int(Int64(p.guidelineVersion)), .text(Workspace.now()), .text(user))
                summary.inserted += 1
            }
        }
        return summary
    }
}
