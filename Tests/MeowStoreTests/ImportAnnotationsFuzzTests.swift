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

    @Test(arguments: LongFormat.allCases)
    func mutatedLabelFilesImportWhollyOrNotAtAll(format: LongFormat) throws {
        let dir = NSTemporaryDirectory() + "meow-fuzz-ann-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let ws = try Self.workspace()
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
            do {
                let s = try ws.importAnnotations(project: "reviews", path: path, format: format, by: "admin")
                imported += 1
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
            // Start every case from an empty annotation table (the counters follow by trigger).
            try ws.db.execute("DELETE FROM annotation")
        }
        #expect(imported > Self.casesPerFormat / 20, "\(format): only \(imported) mutated files imported")
        #expect(failed > Self.casesPerFormat / 4, "\(format): only \(failed) mutated files failed")
    }
}
