import Foundation
import Testing
@testable import MeowCore

/// Issue 13.7: big label files are read in two halves at once. The halves must give exactly
/// what one pass gives: the same rows in the same order, the same codes, and the same error on
/// the same line, wherever the middle falls.
@Suite struct LongFormatHalvesTests {
    static func both(_ text: String, ext: String, order: [String]? = nil) -> (one: Result<Ratings, LongFormatError>, halves: Result<Ratings, LongFormatError>) {
        let path = agreementTempFile(text, ext: ext)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var one = LongFormatReader(order: order)
        one.parallelFrom = .max
        var halves = LongFormatReader(order: order, chunkSize: 64)
        halves.parallelFrom = 0
        return (Result { () throws(LongFormatError) in try one.read(path: path) }, Result { () throws(LongFormatError) in try halves.read(path: path) })
    }

    static func rows(_ n: Int, csv: Bool, from first: Int = 0) -> [String] {
        (first..<(first + n)).map { i in
            let item = "doc\(i / 3)", annotator = "ann\(i % 3)", label = ["yes", "no", "maybe"][(i * 7) % 3]
            return csv ? "\(item),\(annotator),\(label)" : #"{"item":"\#(item)","annotator":"\#(annotator)","label":"\#(label)"}"#
        }
    }

    @Test(arguments: [false, true])
    func halvesReadWhatOnePassReads(csv: Bool) throws {
        let text = (csv ? ["item,annotator,label"] : []) + Self.rows(3000, csv: csv)
        let (one, halves) = Self.both(text.joined(separator: "\n") + "\n", ext: csv ? "csv" : "jsonl", order: csv ? nil : ["no", "maybe", "yes"])
        let a = try one.get(), b = try halves.get()
        #expect(a == b)
        #expect(a.count == 3000 && a.items.count == 1000)
    }

    @Test func aQuotedLineBreakAcrossTheMiddleFallsBackToOnePass() throws {
        // One long quoted field with many line breaks sits in the middle of the file.
        let quoted = "doc-q,annq,\"" + String(repeating: "line\n", count: 400) + "end\""
        let text = (["item,annotator,label"] + Self.rows(200, csv: true) + [quoted] + Self.rows(200, csv: true, from: 200)).joined(separator: "\n") + "\n"
        let (one, halves) = Self.both(text, ext: "csv")
        let a = try one.get(), b = try halves.get()
        #expect(a == b)
        #expect(a.labels.contains { $0.hasPrefix("line\nline") })
    }

    @Test func anErrorInTheSecondHalfNamesItsLine() {
        var lines = ["item,annotator,label"] + Self.rows(1000, csv: true)
        lines[900] = "doc-bad,annx"  // physical line 901
        let (one, halves) = Self.both(lines.joined(separator: "\n"), ext: "csv")
        guard case .failure(let e1) = one, case .failure(let e2) = halves else { Issue.record("expected errors"); return }
        #expect(e1 == e2)
        #expect(e2.line == 901)
        // With a second bad line in the first half, that one is reported, as one pass does.
        lines[10] = "doc-bad2"
        let (one2, halves2) = Self.both(lines.joined(separator: "\n"), ext: "csv")
        guard case .failure(let f1) = one2, case .failure(let f2) = halves2 else { Issue.record("expected errors"); return }
        #expect(f1 == f2 && f2.line == 11)
    }

    @Test func aRepeatAcrossTheHalvesNamesBothLines() {
        var lines = Self.rows(1000, csv: false)
        lines[990] = #"{"item":"doc1","annotator":"ann0","label":"no"}"#  // doc1/ann0 is also row 4
        let (one, halves) = Self.both(lines.joined(separator: "\n"), ext: "jsonl")
        guard case .failure(let e1) = one, case .failure(let e2) = halves else { Issue.record("expected errors"); return }
        #expect(e1 == e2)
        #expect(e2.line == 991 && e2.message.contains("line 4"), "\(e2)")
    }

    @Test func aRepeatAfterBlankLinesAndAMultiLineRecordNamesBothLines() {
        // Blank lines and a quoted line break in each half shift the lines rows are on.
        var lines = ["item,annotator,label"] + Self.rows(1000, csv: true)
        lines[20] = "\n" + lines[20]
        lines[30] = "doc-m,annm,\"two\nlines\""
        lines[700] = "\n\n" + lines[700]
        lines[800] = "doc-n,annn,\"three\nlines\nhere\""
        lines[990] = "doc2,ann1,no"  // doc2/ann1 is also row 7 (line 9)
        let text = lines.joined(separator: "\n")
        let (one, halves) = Self.both(text, ext: "csv")
        guard case .failure(let e1) = one, case .failure(let e2) = halves else { Issue.record("expected errors"); return }
        #expect(e1 == e2)
        // 990 lines before it, plus 1 + 1 + 2 + 2 lines added above.
        #expect(e2.line == 997 && e2.message.contains("line 9"), "\(e2)")
    }
}
