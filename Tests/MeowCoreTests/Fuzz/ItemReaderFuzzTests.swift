import Foundation
import Testing
@testable import MeowCore
import MeowTestSupport

/// Issue 10: `meow import` reads files people made by hand or exported from other tools. Seeded
/// random mutations of valid JSONL, CSV and text files must never crash or hang the reader;
/// each line or record ends as a clean item or an `ImportError` naming a line, and the reader
/// carries on after an error (as `--skip-invalid` does).
@Suite("Fuzz: item importers")
struct ItemReaderFuzzTests {
    static let casesPerFormat = 700 * Fuzz.scale

    static let jsonlSeeds: [[UInt8]] = [
        Fuzz.bytes("Samples/reviews.jsonl", firstLines: 12),
        Array(#"""
        {"id": 1, "text": "caf\u00e9 \"quoted\" \ud83d\ude00", "priority": -3, "tags": ["a", {"b": null}], "ok": true, "n": -1.5e3}
        	 
        {"text": "  padded  ", "meta": {"deep": [[[1]]]}}
        {"id": "x-2", "text": "tab\tescaped\/", "priority": 1000000, "empty": {}, "list": []}

        """#.utf8),
        Array("\u{FEFF}{\"text\":\"crlf one\"}\r\n\r\n{\"text\":\"crlf two\",\"id\":\"b\"}\r\n".utf8),
    ]
    static let csvSeeds: [[UInt8]] = [
        Fuzz.bytes("Samples/comments.csv", firstLines: 12),
        Array("""
        id,text,priority,source
        a1,"quoted, with comma",5,web
        a2,"multi
        line ""quote\"\"",,mail
        ,plain text,-2,"x"

        """.utf8),
        Array("\u{FEFF}text\r\nonly a text column\r\n\r\n\"and a quoted one\"\r\n".utf8),
    ]
    static let textSeeds: [[UInt8]] = [
        Fuzz.bytes("Samples/headlines.txt", firstLines: 12),
        Array("first line\n\n   \nsecond, with \"quotes\" and {braces}\ncafé ☕ 😀\r\nlast without a line end".utf8),
    ]

    static func seeds(_ format: ItemFormat) -> [[UInt8]] {
        switch format { case .jsonl: jsonlSeeds; case .csv: csvSeeds; case .text: textSeeds }
    }
    static func tokens(_ format: ItemFormat) -> [String] {
        switch format {
        case .jsonl: ["\"text\"", "\"id\"", "\"priority\"", "\"text\": \"", "\"id\": 1,", "\"priority\": 1e3,", ": \"\"", "{\"text\": \"x\"}", "{\"text\": \"\"}"]
        case .csv: ["text", "id", "priority", ",,", "\"\"\"\"", #""a,b""#, "text,id\n", #",""#, #"","#, "\n\""]
        case .text: ["\u{3000}", "\u{A0}", "\u{0B}", "\u{0C}"]
        }
    }

    /// What reading a whole file gave: items and errors in order, or an error from `init`.
    enum Outcome { case item(ImportedItem), error(ImportError) }

    /// Reads to the end, carrying on after each error like `--skip-invalid`. Every call must
    /// consume at least one line, so more calls than lines means the reader is stuck.
    static func drain(_ path: String, _ format: ItemFormat, lines: FuzzLines, _ check: inout FuzzCheck) -> [Outcome] {
        var out: [Outcome] = []
        let reader: ItemReader
        do { reader = try ItemReader(path: path, format: format) }
        catch let e as ImportError { return [.error(e)] }
        catch { check.expect(false, "init threw \(type(of: error)), not ImportError: \(error)"); return [] }
        var calls = 0
        while true {
            calls += 1
            guard calls <= lines.count + 2 else { check.expect(false, "no progress after \(calls) calls"); break }
            do {
                guard let item = try reader.next() else { break }
                out.append(.item(item))
            } catch let e as ImportError {
                out.append(.error(e))
                if e.line == nil { break } // checked below; without a line --skip-invalid stops too
            } catch {
                check.expect(false, "next() threw \(type(of: error)), not ImportError: \(error)")
                break
            }
        }
        return out
    }

    @Test(arguments: ItemFormat.allCases)
    func mutatedFilesEndInItemsOrLineErrors(format: ItemFormat) throws {
        let dir = try Fuzz.tempDir("items")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/input." + format.rawValue
        var check = FuzzCheck("items/\(format)")
        var items = 0, errors = 0
        let seeds = Self.seeds(format)
        for k in 0..<(Self.casesPerFormat + seeds.count) where !check.tooMany {
            // The unmutated seeds first: each must import cleanly, or the mutations prove nothing.
            var m = FuzzMutator(seed: 0x1_7E35 &+ UInt64(k))
            let bytes = k < seeds.count ? seeds[k] : m.mutate(m.pick(seeds), tokens: Self.tokens(format))
            check.caseIndex = k
            check.input = bytes
            try Fuzz.write(bytes, to: path)
            let lines = FuzzLines(bytes)
            let outcomes = Self.drain(path, format, lines: lines, &check)
            if k < seeds.count {
                check.expect(!outcomes.isEmpty && outcomes.allSatisfy { if case .item = $0 { true } else { false } },
                             "a seed file does not import cleanly: \(outcomes)")
            }
            Self.checkCommon(outcomes, path: path, lines: lines, &check)
            switch format {
            case .text: Self.checkText(outcomes, lines: lines, &check)
            case .jsonl: Self.checkJSONL(outcomes, lines: lines, &check)
            case .csv: Self.checkCSV(outcomes, &check)
            }
            for o in outcomes { if case .item = o { items += 1 } else { errors += 1 } }
        }
        // The mutations must reach both ends: clean imports and errors.
        #expect(items > Self.casesPerFormat, "\(format): only \(items) items imported")
        #expect(errors > Self.casesPerFormat / 4, "\(format): only \(errors) errors")
    }

    /// Every error names a line with something on it, in `file:LINE: message` form; items
    /// have text and a valid id and priority; lines only go forward.
    static func checkCommon(_ outcomes: [Outcome], path: String, lines: FuzzLines, _ check: inout FuzzCheck) {
        var last = 0
        for o in outcomes {
            switch o {
            case .error(let e):
                guard let line = e.line else { check.expect(false, "error without a line: \(e)"); continue }
                check.expect(e.description.hasPrefix("\(path):\(line): "), "description does not name the line: \(e)")
                if let why = lines.problem(withErrorLine: line) { check.expect(false, "\(why): \(e)") }
                check.expect(line > last, "error line \(line) does not follow line \(last): \(e)")
                last = line
            case .item(let item):
                check.expect(!item.text.unicodeScalars.allSatisfy(\.properties.isWhitespace), "blank text at line \(item.line)")
                check.expect(item.id.map { !$0.isEmpty } ?? true, "empty id at line \(item.line)")
                check.expect(abs(item.priority) <= ImportLimits.maxPriority, "priority \(item.priority) out of range")
                check.expect((1...max(1, lines.count)).contains(item.line) && item.line > last,
                             "item line \(item.line) outside the file or not after \(last)")
                last = item.line
                if let meta = item.metadata {
                    let object = FuzzJSON.object(Array(meta.utf8))
                    check.expect(object != nil, "metadata is not a JSON object: \(meta)")
                    check.expect(object.map { Set($0.keys).isDisjoint(with: ["text", "id", "priority"]) } ?? true,
                                 "metadata repeats text, id or priority: \(meta)")
                }
            }
        }
    }

    /// Text: an exact oracle. Each line is an item (its text, its number), a blank line is
    /// skipped, invalid UTF-8 is an error on that line.
    static func checkText(_ outcomes: [Outcome], lines: FuzzLines, _ check: inout FuzzCheck) {
        var expected: [(Int, String?)] = [] // nil text = an error
        for n in stride(from: 1, through: lines.count, by: 1) {
            guard let s = String(validating: lines.line(n), as: UTF8.self) else { expected.append((n, nil)); continue }
            if s.unicodeScalars.allSatisfy(\.properties.isWhitespace) { continue }
            expected.append((n, s))
        }
        check.expect(outcomes.count == expected.count, "\(outcomes.count) results for \(expected.count) lines with text")
        for (o, (n, text)) in zip(outcomes, expected) {
            switch o {
            case .item(let item):
                check.expect(item.line == n && item.text == text && item.id == nil && item.metadata == nil,
                             "line \(n): got item \(item), expected \(text.map { "text \($0.debugDescription)" } ?? "an error")")
            case .error(let e):
                // A NUL may be refused (a change under way on main refuses text with NUL).
                let nulRefused = text?.utf8.contains(0) ?? false
                check.expect(e.line == n && (text == nil || nulRefused), "line \(n): got \(e), expected text \(text?.debugDescription ?? "")")
            }
        }
    }

    /// JSONL: one result per non-blank line, on that line; an accepted line is JSON that
    /// Foundation reads to the same text, and its other keys are the metadata's keys.
    static func checkJSONL(_ outcomes: [Outcome], lines: FuzzLines, _ check: inout FuzzCheck) {
        let nonBlank = (0..<lines.count).filter { i in lines.lines[i].contains { $0 != 0x20 && $0 != 0x09 } }.map { $0 + 1 }
        let got = outcomes.map { o -> Int in
            switch o { case .item(let i): i.line; case .error(let e): e.line ?? 0 }
        }
        check.expect(got == nonBlank, "results on lines \(got.prefix(20)), non-blank lines \(nonBlank.prefix(20))")
        for case .item(let item) in outcomes where (1...lines.count).contains(item.line) {
            guard let object = FuzzJSON.object(lines.line(item.line)) else {
                check.expect(false, "line \(item.line) was accepted but Foundation does not read it as a JSON object")
                continue
            }
            check.expect(object["text"] == .string(item.text), "line \(item.line): text \(item.text.debugDescription) but Foundation reads \(String(describing: object["text"]))")
            let others = Set(object.keys).subtracting(["text", "id", "priority"])
            let metaKeys = item.metadata.flatMap { FuzzJSON.object(Array($0.utf8)) }.map { Set($0.keys) } ?? []
            check.expect(others == metaKeys, "line \(item.line): metadata keys \(metaKeys.sorted()) but the line has \(others.sorted())")
        }
    }

    /// CSV: metadata is a flat object of strings (one per extra column).
    static func checkCSV(_ outcomes: [Outcome], _ check: inout FuzzCheck) {
        var width: Int?
        for case .item(let item) in outcomes {
            let object = item.metadata.flatMap { FuzzJSON.object(Array($0.utf8)) } ?? [:]
            check.expect(object.values.allSatisfy { if case .string = $0 { true } else { false } }, "line \(item.line): metadata values must be strings: \(item.metadata ?? "")")
            if let width { check.expect(object.count == width, "line \(item.line): \(object.count) metadata columns, earlier rows \(width)") }
            width = object.count
        }
    }
}
