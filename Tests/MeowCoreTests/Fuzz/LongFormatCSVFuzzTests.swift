import Foundation
import Testing
@testable import MeowCore
import MeowTestSupport

/// Issue 11: one CSV reader serves every importer. The long-format reader keeps its own byte
/// scan for speed (`LongFormatParser`'s doc comment says why); these cases prove it reads
/// what `CSVReader` reads. The reference below is the long-format rules applied to
/// `CSVReader`'s records (what `import-annotations` did before): header, field count, empty
/// fields, blank records. Quoted and unquoted, generated and mutated files must give the same
/// rows with the same lines, or the same error on the same line, at any chunk size.
///
/// Compared where `CSVReader` can speak: files that are valid UTF-8 (`CSVReader` checks every
/// field, the long-format reader the three it reads), and with a line break inside quotes
/// read as `\n` (`CSVReader` gets lines without their CR; the long-format reader keeps CRLF as
/// written).
@Suite("Fuzz: long-format CSV against CSVReader")
struct LongFormatCSVFuzzTests {
    static let cases = 1500 * Fuzz.scale

    enum Outcome: Equatable, CustomStringConvertible {
        case rows([LongFormatRow])
        case error(line: Int, message: String)

        var description: String {
            switch self {
            case .rows(let rows): return "rows \(rows.map { "\($0.line):\($0.item.debugDescription)|\($0.annotator.debugDescription)|\($0.label.debugDescription)" })"
            case .error(let line, let message): return "error line \(line): \(message)"
            }
        }
    }

    /// The long-format rules on top of `CSVReader`.
    static func reference(_ path: String) -> Outcome {
        let isBlank = { (s: String) in s.utf8.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D } }
        do {
            let csv = try CSVReader(path: path)
            var columns: (item: Int, annotator: Int, label: Int)?
            var rows: [LongFormatRow] = []
            while let (fields, line) = try csv.next() {
                if fields.count == 1 && isBlank(fields[0]) { continue }
                guard let c = columns else {
                    let names = fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                    var found: [String: Int] = [:]
                    for (k, name) in names.enumerated() where found[name] == nil { found[name] = k }
                    for required in ["item", "annotator", "label"] where found[required] == nil {
                        return .error(line: line, message: "missing column \"\(required)\" in the header (expected item,annotator,label; found \(names.joined(separator: ",")))")
                    }
                    columns = (found["item"]!, found["annotator"]!, found["label"]!)
                    continue
                }
                let needed = max(c.item, c.annotator, c.label) + 1
                if fields.count < needed { return .error(line: line, message: "expected at least \(needed) fields, found \(fields.count)") }
                for (name, k) in [("item", c.item), ("annotator", c.annotator), ("label", c.label)] where fields[k].isEmpty {
                    return .error(line: line, message: "empty \"\(name)\"")
                }
                rows.append(LongFormatRow(item: fields[c.item], annotator: fields[c.annotator], label: fields[c.label], line: line))
            }
            return .rows(rows)
        } catch let e as ImportError {
            return .error(line: e.line ?? 0, message: e.message)
        } catch {
            return .error(line: 0, message: "\(error)")
        }
    }

    static func longFormat(_ path: String, chunkSize: Int, generalPathsOnly: Bool = false) -> Outcome {
        /// CRLF kept inside quotes, read as LF by `CSVReader` (no other CR LF pair can be in a field).
        func lf(_ s: String) -> String {
            var bytes = Array(s.utf8)
            var i = 0
            while i + 1 < bytes.count {
                if bytes[i] == 0x0D && bytes[i + 1] == 0x0A { bytes.remove(at: i) } else { i += 1 }
            }
            return String(decoding: bytes, as: UTF8.self)
        }
        do {
            let reader = try LongFormatRowReader(path: path, format: .csv, chunkSize: chunkSize, generalPathsOnly: generalPathsOnly)
            var rows: [LongFormatRow] = []
            while let r = try reader.next() {
                rows.append(LongFormatRow(item: lf(r.item), annotator: lf(r.annotator), label: lf(r.label), line: r.line))
            }
            return .rows(rows)
        } catch {
            return .error(line: error.line, message: lf(error.message)) // a header name may hold a quoted line break
        }
    }

    /// A random long-format CSV: the three columns and a note in any order, fields plain or
    /// quoted (with commas, doubled quotes, line breaks, spaces, non-ASCII), LF or CRLF, blank
    /// lines, and now and then a broken quote or a short record.
    static func generated(_ m: inout FuzzMutator) -> [UInt8] {
        let pieces = ["a", "b", "x y", "é", "😀", ",", "\"", "\n", "\r\n", " ", "\t", "\r", "", "1", "-2.5"]
        let eol = m.oneIn(2) ? "\r\n" : "\n"
        var columns = ["item", "annotator", "label", "note"]
        for i in stride(from: columns.count - 1, to: 0, by: -1) { columns.swapAt(i, m.int(i + 1)) }
        if m.oneIn(3) { columns.removeAll { $0 == "note" } }
        var out = m.oneIn(5) ? "\u{FEFF}" : ""
        if m.oneIn(4) { out += eol }
        out += columns.map { m.oneIn(4) ? "\"\($0)\"" : (m.oneIn(6) ? " \($0.uppercased())" : $0) }.joined(separator: ",") + eol
        for _ in 0..<(m.int(8)) {
            if m.oneIn(8) { out += m.pick(["", " ", "\t", "\"\"", "\" \""]) + eol; continue }
            var fields: [String] = []
            for _ in 0..<(m.oneIn(10) ? m.int(columns.count + 2) : columns.count) {
                var text = ""
                for _ in 0..<(1 + m.int(3)) { text += m.pick(pieces) }
                let needsQuotes = text.contains(",") || text.contains("\"") || text.contains("\n") || text.contains("\r")
                if needsQuotes || m.oneIn(4) {
                    var quoted = "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                    switch m.int(12) {
                    case 0: quoted.removeLast() // never closed, or closed by a later quote
                    case 1: quoted += m.pick(["x", " ", "\""]) // text after the closing quote
                    default: break
                    }
                    fields.append(quoted)
                } else {
                    fields.append(text)
                }
            }
            out += fields.joined(separator: ",") + (m.oneIn(10) ? "" : eol)
        }
        return Array(out.utf8)
    }

    static let seeds: [[UInt8]] = [
        Fuzz.bytes("Samples/review-annotations.csv", firstLines: 12),
        Array(#"""
        label,"item",annotator,comment
        "yes, mostly","doc ""1""",ann,"multi
        line, comment"
        no,doc2,"bob",
        3,doc3,carl,plain
        """#.utf8),
        Array("\u{FEFF}item,annotator,label\r\n\"a\r\nb\",x,yes\r\n\r\n\"\",y,no\r\n".utf8),
    ]

    @Test func theByteScanReadsWhatCSVReaderReads() throws {
        let dir = try Fuzz.tempDir("long-csv")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var check = FuzzCheck("long-csv")
        var compared = 0, quoted = 0, refused = 0
        let path = dir + "/labels.csv"
        for k in 0..<(Self.cases + Self.seeds.count) where !check.tooMany {
            var m = FuzzMutator(seed: 0x11_C5F0 &+ UInt64(k))
            let bytes: [UInt8]
            if k < Self.seeds.count { bytes = Self.seeds[k] }
            else if m.oneIn(2) { bytes = Self.generated(&m) }
            else { bytes = m.mutate(m.oneIn(2) ? m.pick(Self.seeds) : Self.generated(&m), tokens: ["\"", ",", "\"\"", "\r\n", "item,annotator,label\n"]) }
            guard String(validating: bytes, as: UTF8.self) != nil else { continue }
            check.caseIndex = k
            check.input = bytes
            try Fuzz.write(bytes, to: path)
            let expected = Self.reference(path)
            let got = Self.longFormat(path, chunkSize: 1 << 20)
            check.expect(got == expected, "the byte scan and CSVReader disagree:\n  CSVReader: \(expected)\n  byte scan: \(got)")
            let small = 16 + m.int(48)
            let tiny = Self.longFormat(path, chunkSize: small)
            check.expect(tiny == got, "chunk size \(small) changed the outcome:\n  1 MiB: \(got)\n  \(small): \(tiny)")
            let general = Self.longFormat(path, chunkSize: 1 << 20, generalPathsOnly: true)
            check.expect(general == got, "the quote-free fast path and the quote-aware scan disagree:\n  fast: \(got)\n  general: \(general)")
            compared += 1
            if bytes.contains(0x22) { quoted += 1 }
            if case .error = expected { refused += 1 }
        }
        #expect(compared > Self.cases / 2, "only \(compared) files compared")
        #expect(quoted > compared / 2, "only \(quoted) of \(compared) files had quotes")
        #expect(refused > compared / 10 && refused < compared * 9 / 10, "\(refused) of \(compared) refused")
    }
}
