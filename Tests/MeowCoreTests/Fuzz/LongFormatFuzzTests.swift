import Foundation
import Testing
@testable import MeowCore
import MeowTestSupport

/// Issue 10: `meow agreement --input` reads label files exported by other tools.
/// `LongFormatReader` has a fast byte path, a slow general path and a chunked buffer; seeded
/// mutations must end in `Ratings` that hold together or a `LongFormatError` naming a line, and
/// neither the chunk size (a record split across reads is the classic streaming bug) nor the
/// path a line takes may change the outcome.
@Suite("Fuzz: long-format label reader")
struct LongFormatFuzzTests {
    static let casesPerFormat = 600 * Fuzz.scale

    static let jsonlSeeds: [[UInt8]] = [
        Fuzz.bytes("Samples/review-annotations.jsonl", firstLines: 20),
        Array(#"""
        {"item": "doc \"1\"", "annotator": "ann", "label": "spam", "time": 12.5}
          {"annotator":"bob","item":"doc1","label":"ham"}

        {"item": 7, "annotator": "ann", "label": 2.50, "extra": [1, {"a": null}]}
        {"item": "caf\u00e9", "annotator": "\ud83d\ude00", "label": "ham"}
        """#.utf8),
        Array("\u{FEFF}{\"item\":\"a\",\"annotator\":\"x\",\"label\":\"1\"}\r\n\r\n{\"item\":\"a\",\"annotator\":\"y\",\"label\":\"2\"}".utf8),
    ]
    static let csvSeeds: [[UInt8]] = [
        Fuzz.bytes("Samples/review-annotations.csv", firstLines: 20),
        Array(#"""
        label,"item",annotator,comment
        "yes, mostly","doc ""1""",ann,"multi
        line, comment"
        no,doc2,"bob",
        3,doc3,carl,plain
        """#.utf8),
        Array("\u{FEFF}item,annotator,label\r\na,x,yes\r\n\r\na,y,no\r\n".utf8),
    ]
    static let tokens = [
        #""item""#, #""annotator""#, #""label""#, #""label": "#, #""item": 1, "#, "item,annotator,label\n",
        ",,", "\"\"\"\"", #""a,b""#, #",""#, #"","#, "\n\"", "positive", "negative", "\\n", "\\\"",
    ]
    static let order = ["negative", "neutral", "mixed", "positive", "spam", "ham", "yes", "no"]

    enum Outcome: Equatable { case ratings([[String]]), error(LongFormatError) }

    static func triples(_ r: Ratings) -> [[String]] {
        (0..<r.count).map { [r.items[Int(r.item[$0])], r.annotators[Int(r.annotator[$0])], r.labels[Int(r.label[$0])]] }
    }

    @Test(arguments: LongFormat.allCases)
    func mutatedLabelFilesReadTheSameInAnyChunkSize(format: LongFormat) throws {
        let dir = try Fuzz.tempDir("long")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var check = FuzzCheck("long/\(format)")
        var read = 0, failed = 0
        let seeds = format == .jsonl ? Self.jsonlSeeds : Self.csvSeeds
        for k in 0..<(Self.casesPerFormat + seeds.count) where !check.tooMany {
            var m = FuzzMutator(seed: 0x10_46F0 &+ UInt64(k))
            let bytes = k < seeds.count ? seeds[k] : m.mutate(m.pick(seeds), tokens: Self.tokens)
            check.caseIndex = k
            check.input = bytes
            // The format comes from the extension, the option, or sniffing the first byte.
            let how = m.int(3)
            let path = dir + "/labels." + (how == 0 ? format.rawValue : "txt")
            try Fuzz.write(bytes, to: path)
            let chosen: LongFormat? = how == 1 ? format : nil
            let order = m.oneIn(4) ? Self.order : nil
            let small = max(16 + m.int(200), bytes.count / 64) // many reads, bounded rescans
            let big = LongFormatReader(format: chosen, order: order)
            let tiny = LongFormatReader(format: chosen, order: order, chunkSize: small)

            let first: Outcome, second: Outcome
            do {
                let r = try big.read(path: path)
                Self.checkRatings(r, bytes: bytes, order: order, &check)
                first = .ratings(Self.triples(r))
                read += 1
            } catch {
                first = .error(error)
                failed += 1
                check.expect(error.line >= 1, "error without a line: \(error)")
                check.expect(error.description.hasPrefix("\(path):\(error.line): "), "description does not name the line: \(error)")
                if let why = FuzzLines(bytes).problem(withErrorLine: error.line) { check.expect(false, "\(why): \(error)") }
            }
            do { second = .ratings(Self.triples(try tiny.read(path: path))) } catch { second = .error(error) }
            check.expect(first == second, "chunk size \(small) changed the outcome:\n  1 MiB: \(first)\n  \(small): \(second)")
            // The fast byte paths must read exactly what the general paths (JSONScanner, the
            // quote-aware CSV scan) read. Only the wording of invalid UTF-8 may differ (the
            // scanner says where in the line), never the verdict or the line.
            var general = big
            general.generalPathsOnly = true
            let third: Outcome
            do { third = .ratings(Self.triples(try general.read(path: path))) } catch { third = .error(error) }
            if case .error(let f) = first, case .error(let g) = third, f.message.contains("invalid UTF-8"), g.message.contains("invalid UTF-8") {
                check.expect(f.line == g.line, "the fast and general paths name different lines:\n  fast: \(f)\n  general: \(g)")
            } else {
                check.expect(first == third, "the fast and general paths disagree:\n  fast: \(first)\n  general: \(third)")
            }
            // Read in two halves at once (big files are): the same rows, or the same error.
            var halves = big
            halves.parallelFrom = 0
            let fourth: Outcome
            do { fourth = .ratings(Self.triples(try halves.read(path: path))) } catch { fourth = .error(error) }
            check.expect(first == fourth, "reading in two halves changed the outcome:\n  one pass: \(first)\n  halves: \(fourth)")
            if k < seeds.count, order == nil { check.expect(failed == 0, "a seed label file does not read: \(first)") }
        }
        #expect(read > Self.casesPerFormat / 20, "\(format): only \(read) mutated files read")
        #expect(failed > Self.casesPerFormat / 4, "\(format): only \(failed) mutated files failed")
    }

    /// Codes point into the name tables, names are non-empty and exactly what the file says
    /// (no U+FFFD standing in for invalid UTF-8 the file never had), labels respect the order.
    static func checkRatings(_ r: Ratings, bytes: [UInt8], order: [String]?, _ check: inout FuzzCheck) {
        let n = r.count
        check.expect(r.annotator.count == n && r.label.count == n, "column lengths differ")
        check.expect(r.item.allSatisfy { Int($0) < r.items.count && $0 >= 0 }
                     && r.annotator.allSatisfy { Int($0) < r.annotators.count && $0 >= 0 }
                     && r.label.allSatisfy { Int($0) < r.labels.count && $0 >= 0 }, "a code outside its name table")
        let lines = FuzzLines(bytes).lines.filter { $0.contains { $0 != 0x20 && $0 != 0x09 } }.count
        check.expect(n <= lines, "\(n) annotations from \(lines) non-blank lines")
        let names = r.items + r.annotators + r.labels
        check.expect(names.allSatisfy { !$0.isEmpty }, "an empty name")
        let hadReplacement = bytes.indices.contains { bytes[$0...].starts(with: [0xEF, 0xBF, 0xBD]) }
        if !hadReplacement {
            let bad = names.filter { $0.unicodeScalars.contains("\u{FFFD}") }
            check.expect(bad.isEmpty, "invalid UTF-8 became U+FFFD instead of an error: \(bad.map(\.debugDescription).prefix(3))")
        }
        if let order {
            let used = Set(r.label.map { r.labels[Int($0)] })
            check.expect(used.isSubset(of: order), "labels outside the order: \(used.subtracting(order))")
            check.expect(r.labelValues?.count == r.labels.count, "label values do not cover the labels")
        }
    }
}
