import Foundation
import Testing
import MeowCore

@Suite struct LongFormatReaderTests {
    /// (item, annotator, label) triples in file order after reading.
    static func triples(_ r: Ratings) -> [[String]] {
        (0..<r.count).map { [r.items[Int(r.item[$0])], r.annotators[Int(r.annotator[$0])], r.labels[Int(r.label[$0])]] }
    }

    static func read(_ text: String, ext: String, reader: LongFormatReader = LongFormatReader()) throws -> Ratings {
        let path = agreementTempFile(text, ext: ext)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try reader.read(path: path)
    }

    static func failure(_ text: String, ext: String, reader: LongFormatReader = LongFormatReader()) -> LongFormatError? {
        let path = agreementTempFile(text, ext: ext)
        defer { try? FileManager.default.removeItem(atPath: path) }
        do {
            _ = try reader.read(path: path)
            return nil
        } catch {
            #expect(error.path == path)
            return error
        }
    }

    @Test func jsonlBasicsExtraKeysAndNumbers() throws {
        let text = """
        {"item": "doc1", "annotator": "ann", "label": "spam", "time": 12.5}
          {"annotator":"bob","item":"doc1","label":"ham"}

        {"item": 7, "annotator": "ann", "label": "ham"}
        """
        let r = try Self.read(text, ext: "jsonl")
        #expect(Self.triples(r) == [["doc1", "ann", "spam"], ["doc1", "bob", "ham"], ["7", "ann", "ham"]])
        #expect(r.labelValues == nil)
    }

    @Test func crlfAndBOM() throws {
        let jsonl = "\u{FEFF}{\"item\":\"a\",\"annotator\":\"x\",\"label\":\"1\"}\r\n\r\n{\"item\":\"a\",\"annotator\":\"y\",\"label\":\"2\"}\r\n"
        let r = try Self.read(jsonl, ext: "jsonl")
        #expect(Self.triples(r) == [["a", "x", "1"], ["a", "y", "2"]])
        let csv = "\u{FEFF}item,annotator,label\r\na,x,yes\r\n\r\na,y,no\r\n"
        let c = try Self.read(csv, ext: "csv")
        #expect(Self.triples(c) == [["a", "x", "yes"], ["a", "y", "no"]])
    }

    @Test func quotedCSV() throws {
        let csv = #"""
        label,"item",annotator,comment
        "yes, mostly","doc ""1""",ann,"multi
        line, comment"
        no,doc2,"bob",
        """#
        let r = try Self.read(csv, ext: "csv")
        #expect(Self.triples(r) == [["doc \"1\"", "ann", "yes, mostly"], ["doc2", "bob", "no"]])
    }

    @Test func quotedCSVWithCRLFInsideAndAfterQuotes() throws {
        let csv = "item,annotator,label\r\n\"a\",\"x\",\"l1\"\r\n\"b\r\nc\",y,\"l2\"\r\n"
        let r = try Self.read(csv, ext: "csv")
        #expect(Self.triples(r) == [["a", "x", "l1"], ["b\r\nc", "y", "l2"]])
    }

    @Test func escapedJSONStrings() throws {
        let text = #"""
        {"item":"a\"b","annotator":"x\\y","label":"caf\u00e9"}
        {"item":"tab\there","annotator":"z","label":"\ud83d\ude00"}
        """#
        let r = try Self.read(text, ext: "jsonl")
        #expect(Self.triples(r) == [["a\"b", "x\\y", "café"], ["tab\there", "z", "😀"]])
    }

    @Test func numericLabels() throws {
        let text = """
        {"item":"a","annotator":"x","label":3}
        {"item":"a","annotator":"y","label":"4"}
        {"item":"b","annotator":"x","label":2.50}
        {"item":"b","annotator":"y","label":-1e2}
        """
        let r = try Self.read(text, ext: "jsonl")
        #expect(r.labels == ["3", "4", "2.50", "-1e2"])
        #expect(r.labelValues == [3, 4, 2.5, -100])
        let off = try Self.read(text, ext: "jsonl", reader: LongFormatReader(detectNumericLabels: false))
        #expect(off.labelValues == nil)
        let mixed = try Self.read(text + "\n{\"item\":\"c\",\"annotator\":\"x\",\"label\":\"nan\"}", ext: "jsonl")
        #expect(mixed.labelValues == nil)
    }

    @Test func labelOrderGivesValuesAndRejectsUnknownLabels() throws {
        let csv = "item,annotator,label\n1,a,high\n1,b,low\n2,a,mid\n"
        let reader = LongFormatReader(order: ["low", "mid", "high", "extreme"])
        let r = try Self.read(csv, ext: "csv", reader: reader)
        #expect(r.labels == ["low", "mid", "high", "extreme"])
        #expect(r.labelValues == [0, 1, 2, 3])
        #expect(r.perLabelAgreement().map(\.label) == ["low", "mid", "high", "extreme"])
        let error = try #require(Self.failure(csv + "2,b,maybe\n", ext: "csv", reader: reader))
        #expect(error.line == 5)
        #expect(error.message.contains("\"maybe\""))
    }

    @Test func malformedLinesReportTheirLineNumber() throws {
        let good = "{\"item\":\"a\",\"annotator\":\"x\",\"label\":\"l\"}\n"
        var error = try #require(Self.failure(good + "\n" + "{\"item\":\"a\",\"label\":\"l\"}\n", ext: "jsonl"))
        #expect(error.line == 3)
        #expect(error.message == "missing \"annotator\"")
        #expect(error.description.hasSuffix(":3: missing \"annotator\""))
        #expect(error.errorDescription == error.description)

        error = try #require(Self.failure(good + good + "{\"item\":\"a\",\"annotator\":\"x\",\"label\":}\n", ext: "jsonl"))
        #expect(error.line == 3)
        #expect(error.message.hasPrefix("invalid JSON"))

        error = try #require(Self.failure(good + "[1, 2]\n", ext: "jsonl"))
        #expect(error.line == 2)

        error = try #require(Self.failure(good + "{\"item\":\"a\",\"annotator\":\"x\",\"label\":null}\n", ext: "jsonl"))
        #expect(error.line == 2)
        #expect(error.message == "\"label\" is null")

        error = try #require(Self.failure(good + "{\"item\":\"a\",\"annotator\":\"x\",\"label\":true}\n", ext: "jsonl"))
        #expect(error.message == "\"label\" must be a string or a number")

        error = try #require(Self.failure(good + "{\"item\":\"\",\"annotator\":\"x\",\"label\":\"l\"}\n", ext: "jsonl"))
        #expect(error.message == "empty \"item\"")

        error = try #require(Self.failure("item,annotator,label\na,x,l\n\"q\nq\",y,l\nb,x\n", ext: "csv"))
        #expect(error.line == 5) // the quoted record spans lines 3-4
        #expect(error.message == "expected at least 3 fields, found 2")

        error = try #require(Self.failure("item,annotator,label\na,x,l\nb,\"y,l\n", ext: "csv"))
        #expect(error.line == 3)
        #expect(error.message == "CSV: a quoted field is never closed")

        error = try #require(Self.failure("item,rater,label\na,x,l\n", ext: "csv"))
        #expect(error.line == 1)
        #expect(error.message.hasPrefix("missing column \"annotator\""))
    }

    /// JSONSerialization (the old general JSON path) dropped U+FEFF, so the same name read as
    /// two items depending on whether its line had an escape; `JSONScanner` keeps every
    /// character, and a number keeps its text on either path.
    @Test func escapedLinesReadTheSameNamesAsPlainOnes() throws {
        let text = """
        {"item":"\u{FEFF}a","annotator":"x","label":2.50}
        {"item":"\\ufeffa","annotator":"y","label":2.50,"note":"\\n"}
        """
        let r = try Self.read(text, ext: "jsonl")
        #expect(r.items == ["\u{FEFF}a"])
        #expect(r.labels == ["2.50"])
        #expect(Self.triples(r) == [["\u{FEFF}a", "x", "2.50"], ["\u{FEFF}a", "y", "2.50"]])
    }

    /// Rules the two old readers disagreed on, now one: a raw control character in a JSON
    /// string is refused (RFC 8259), text after a closing CSV quote is refused, and a record
    /// that is one blank field is a blank line.
    @Test func strictWhereTheScannersAreStrict() throws {
        var error = try #require(Self.failure("{\"item\":\"a\tb\",\"annotator\":\"x\",\"label\":\"l\"}\n", ext: "jsonl"))
        #expect(error.line == 1)
        #expect(error.message == "invalid JSON at column 11: control character in a string (escape it)")
        error = try #require(Self.failure("item,annotator,label\na,\"x\"y,l\n", ext: "csv"))
        #expect(error.line == 2)
        #expect(error.message == "CSV: text after a closing quote (a quote inside a quoted field must be doubled)")
        error = try #require(Self.failure("item,annotator,label\n\"a\nb\"c,x,l\n", ext: "csv"))
        #expect(error.line == 3) // the line of the stray text, as CSVReader says
        let r = try Self.read("item,annotator,label\n\"\"\n  \t\n\"  \"\na,x,l\n", ext: "csv")
        #expect(Self.triples(r) == [["a", "x", "l"]])
    }

    @Test func rowsComeWithTheirLines() throws {
        let path = agreementTempFile("\u{FEFF}label,Item , annotator\r\n\r\nyes,\"a\r\nb\",x\r\nno,c,y\r\n", ext: "csv")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let rows = try LongFormatRowReader(path: path)
        var all: [LongFormatRow] = []
        while let row = try rows.next() { all.append(row) }
        #expect(all == [LongFormatRow(item: "a\r\nb", annotator: "x", label: "yes", line: 3),
                        LongFormatRow(item: "c", annotator: "y", label: "no", line: 5)])
        #expect(try rows.next() == nil)
    }

    /// A bad line comes after the rows before it, so an importer that checks rows as they come
    /// reports whichever problem is first in the file.
    @Test func rowsBeforeABadLineComeFirst() throws {
        let path = agreementTempFile("{\"item\":\"a\",\"annotator\":\"x\",\"label\":\"l\"}\n{\"item\":\"b\"}\n", ext: "jsonl")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let rows = try LongFormatRowReader(path: path)
        #expect(try rows.next()?.line == 1)
        #expect(throws: LongFormatError(path: path, line: 2, message: "missing \"annotator\"")) { try rows.next() }
        #expect(throws: LongFormatError(path: path, line: 2, message: "missing \"annotator\"")) { try rows.next() }
    }

    @Test func missingFile() {
        do {
            _ = try LongFormatReader().read(path: "/nonexistent/meow/labels.jsonl")
            Issue.record("expected an error")
        } catch {
            #expect(error.line == 0)
            #expect(error.description == "/nonexistent/meow/labels.jsonl: cannot open the file for reading")
        }
    }

    @Test func formatIsSniffedWithoutAnExtension() throws {
        let r = try Self.read("{\"item\":\"a\",\"annotator\":\"x\",\"label\":\"l\"}\n", ext: "txt")
        #expect(r.count == 1)
        let c = try Self.read("item,annotator,label\na,x,l\n", ext: "txt")
        #expect(c.count == 1)
    }

    @Test(arguments: [LongFormat.jsonl, .csv])
    func tinyChunksGiveTheSameResult(format: LongFormat) throws {
        // Records straddle every chunk boundary, including a quoted CSV field
        // with a line break and the BOM itself.
        var rng = SplitMix64(seed: 5)
        var text = "\u{FEFF}" + (format == .csv ? "item,annotator,label\r\n" : "")
        for i in 0..<300 {
            let item = "item \(i / 3)", annotator = "ann\(i % 3)", label = ["yes", "no", "maybe, \"sort of\"", "a\nb"][Int(rng.next(below: 4))]
            if format == .csv {
                let quoted = "\"" + label.replacingOccurrences(of: "\"", with: "\"\"") + "\""
                text += "\(item),\(annotator),\(quoted)" + (i % 2 == 0 ? "\r\n" : "\n")
            } else {
                let escaped = label.replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(of: "\n", with: "\\n")
                text += "{\"item\":\"\(item)\",\"annotator\":\"\(annotator)\",\"label\":\"\(escaped)\"}" + (i % 2 == 0 ? "\r\n" : "\n")
            }
        }
        let ext = format.rawValue
        let whole = try Self.read(text, ext: ext)
        #expect(whole.count > 250)
        for chunk in [16, 17, 31, 64, 100] {
            let small = try Self.read(text, ext: ext, reader: LongFormatReader(chunkSize: chunk))
            #expect(Self.triples(small) == Self.triples(whole))
        }
    }

    /// A second answer by the same annotator to the same item is an error naming both lines:
    /// silently keeping one of them would change the coefficients without a word.
    @Test func repeatedAnnotationIsAnErrorNamingBothLines() throws {
        let text = """
        {"item":"a","annotator":"x","label":"no"}
        {"item":"a","annotator":"y","label":"yes"}
        {"item":"a","annotator":"x","label":"yes"}
        """
        let e = Self.failure(text, ext: "jsonl")
        #expect(e?.line == 3)
        #expect(e?.message.contains("first on line 1") == true)
        let csv = "item,annotator,label\na,x,no\nb,x,no\na,x,no\n"
        #expect(throws: LongFormatError.self) { try Self.read(csv, ext: "csv") }
    }

    @Test func readIntoAnExistingBuilder() throws {
        let first = agreementTempFile("item,annotator,label\na,x,yes\n", ext: "csv")
        let second = agreementTempFile("{\"item\":\"a\",\"annotator\":\"y\",\"label\":\"no\"}\n", ext: "jsonl")
        defer { try? FileManager.default.removeItem(atPath: first); try? FileManager.default.removeItem(atPath: second) }
        var builder = RatingsBuilder()
        try LongFormatReader().read(path: first, into: &builder)
        try LongFormatReader().read(path: second, into: &builder)
        let r = builder.build()
        #expect(Self.triples(r) == [["a", "x", "yes"], ["a", "y", "no"]])
        #expect(r.percentAgreement() == 0)
        #expect(r.cohenKappa() == 0) // po = 0, pe = 0
        // A label order must cover the labels already in the builder.
        do {
            try LongFormatReader(order: ["no"]).read(path: second, into: &builder)
            Issue.record("expected an error")
        } catch {
            #expect(error.line == 0)
            #expect(error.message.contains("\"yes\""))
        }
    }
}
