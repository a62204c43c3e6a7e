import Foundation
import Testing
import MeowCore
@testable import MeowStore

/// Issue 11: `meow agreement --input` (`LongFormatReader`) and `meow import-annotations`
/// (`Workspace.importAnnotations`) read the same long format through one parser, so a file
/// either command refuses, the other refuses on the same line with the same words; a file
/// both accept gives the same rows. Every name in these files exists in the sample project,
/// so the workspace's own checks (items, labels, annotator names) never decide.
@Suite("Long format: agreement and import-annotations agree")
struct LongFormatCommandsTests {
    struct Case: CustomStringConvertible, Sendable {
        let name: String
        let ext: String
        let bytes: [UInt8]
        /// The line both refuse the file on, nil when both accept it.
        let refusedOn: Int?
        var description: String { name }

        init(_ name: String, _ ext: String, _ text: String, refusedOn: Int? = nil) {
            self.name = name
            self.ext = ext
            // "\u{FF}" (C3 BF) marks where an invalid byte 0xFF goes: a Swift string cannot hold it.
            var bytes = Array(text.utf8)
            while let i = bytes.indices.first(where: { bytes[$0] == 0xC3 && bytes[$0 + 1] == 0xBF }) {
                bytes.replaceSubrange(i...(i + 1), with: [0xFF])
            }
            self.bytes = bytes
            self.refusedOn = refusedOn
        }
    }

    static let row1 = #"{"item":"r0001","annotator":"ann","label":"positive"}"#
    static let row2 = #"{"item":"r0002","annotator":"bob","label":"negative"}"#

    static let cases: [Case] = [
        // JSONL
        Case("plain JSONL", "jsonl", row1 + "\n" + row2 + "\n"),
        Case("BOM, CRLF, blank lines", "jsonl", "\u{FEFF}" + row1 + "\r\n\r\n \t\r\n" + row2),
        Case("extra keys, nesting, escapes, key order", "jsonl",
             #"{"note": [1, {"a": null}], "label": "posit\u0069ve", "annotator": "a\u006en", "item": "r0001", "t": 1.5e3}"# + "\n"),
        Case("a key given twice: the last counts", "jsonl", #"{"item":"r0009","item":"r0001","annotator":"ann","label":"mixed"}"#),
        Case("no format by extension: sniffed", "txt", row1 + "\n"),
        Case("missing annotator", "jsonl", row1 + "\n\n" + #"{"item":"r0002","label":"negative"}"#, refusedOn: 3),
        Case("empty label", "jsonl", #"{"item":"r0002","annotator":"bob","label":""}"#, refusedOn: 1),
        Case("null label", "jsonl", row1 + "\n" + #"{"item":"r0002","annotator":"bob","label":null}"#, refusedOn: 2),
        Case("boolean label", "jsonl", #"{"item":"r0002","annotator":"bob","label":true}"#, refusedOn: 1),
        Case("invalid JSON", "jsonl", row1 + "\n" + #"{"item":"r0002","annotator":"bob","label":}"#, refusedOn: 2),
        Case("not an object", "jsonl", row1 + "\n[1, 2]\n", refusedOn: 2),
        Case("raw tab in a string (RFC 8259)", "jsonl", "{\"item\":\"r0002\",\"annotator\":\"bob\",\"label\":\"neg\tative\"}", refusedOn: 1),
        Case("invalid UTF-8 in a value", "jsonl", row1 + "\n" + #"{"item":"r0002","annotator":"bob","label":"neg\#u{FF}"}"#, refusedOn: 2),
        Case("invalid UTF-8 in an ignored value", "jsonl", #"{"item":"r0002","annotator":"bob","label":"negative","n":"\#u{FF}"}"#, refusedOn: 1),
        Case("text after the object", "jsonl", row1 + " x\n", refusedOn: 1),
        // CSV
        Case("plain CSV", "csv", "item,annotator,label\nr0001,ann,positive\nr0002,bob,negative\n"),
        Case("header in any order and case, other columns", "csv", "\u{FEFF}Label , note,ITEM,annotator\r\npositive,\"a, \"\"b\"\"\",r0001,ann\r\n"),
        Case("quoted note over two lines", "csv", "note,item,annotator,label\n\"one\ntwo\",r0001,ann,positive\nx,r0002,bob,negative\n"),
        Case("blank records skipped", "csv", "\n  \nitem,annotator,label\n\"\"\n\t\nr0001,ann,positive\n\" \"\n"),
        Case("empty file", "csv", ""),
        Case("header only", "csv", "item,annotator,label\n"),
        Case("header after blank lines without annotator", "csv", "\n\nitem,who,label\nr0001,ann,positive\n", refusedOn: 3),
        Case("too few fields", "csv", "item,annotator,label\nr0001,ann,positive\n\"r\n0\",ann\n", refusedOn: 3),
        Case("empty annotator", "csv", "item,annotator,label\nr0001,,positive\n", refusedOn: 2),
        Case("quote never closed", "csv", "item,annotator,label\nr0001,ann,positive\nr0002,\"bob,negative\n", refusedOn: 3),
        Case("text after a closing quote", "csv", "item,annotator,label\nr0001,\"ann\"x,positive\n", refusedOn: 2),
        Case("invalid UTF-8 in a field", "csv", "item,annotator,label\nr0001,ann,positive\nr0002,b\u{FF}b,negative\n", refusedOn: 3),
        Case("sniffed CSV", "txt", "item,annotator,label\nr0001,ann,positive\n"),
    ]

    /// The sample reviews project and its 300 items (r0001…), in memory.
    static func workspace() throws -> Workspace {
        let ws = try Workspace(path: ":memory:", create: true)
        let root = ImportAnnotationsFuzzTests.root
        let g = try Guideline.parse(String(contentsOfFile: root + "/Guidelines/sentiment.md", encoding: .utf8))
        try ws.createProject("reviews", guideline: g, by: "admin")
        _ = try ws.importItems(project: "reviews", reader: ItemReader(path: root + "/Samples/reviews.jsonl", format: .jsonl), skipInvalid: false)
        return ws
    }

    static func temp(_ bytes: [UInt8], ext: String) throws -> String {
        let path = NSTemporaryDirectory() + "meow-long-" + UUID().uuidString + "." + ext
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test(arguments: cases)
    func bothCommandsGiveTheSameVerdict(_ c: Case) throws {
        let ws = try Self.workspace()
        let path = try Self.temp(c.bytes, ext: c.ext)
        defer { try? FileManager.default.removeItem(atPath: path) }

        var agreement: Result<[[String]], LongFormatError>
        do {
            let r = try LongFormatReader().read(path: path)
            agreement = .success((0..<r.count).map { [r.items[Int(r.item[$0])], r.annotators[Int(r.annotator[$0])], r.labels[Int(r.label[$0])]] })
        } catch {
            agreement = .failure(error)
        }
        var imported: Result<[[String]], ImportError>
        do {
            let s = try ws.importAnnotations(project: "reviews", path: path, by: "admin")
            #expect(s.read == s.inserted)
            imported = .success(try ws.db.rows("SELECT i.external_id, a.annotator, a.label FROM annotation a JOIN item i ON i.id = a.item_id ORDER BY a.id")
                .map { [try $0.text(0), try $0.text(1), try $0.text(2)] })
        } catch let e as ImportError {
            imported = .failure(e)
        }

        switch (agreement, imported) {
        case (.success(let a), .success(let i)):
            #expect(c.refusedOn == nil, "both accepted a file expected to be refused on line \(c.refusedOn!)")
            #expect(a == i, "agreement read \(a), import-annotations stored \(i)")
        case (.failure(let a), .failure(let i)):
            #expect(a.line == c.refusedOn, "refused on line \(a.line): \(a)")
            #expect(i.line == c.refusedOn, "refused on line \(String(describing: i.line)): \(i)")
            #expect(a.message == i.message)
            #expect(a.description == i.description)
        default:
            Issue.record("different verdicts:\n  agreement: \(agreement)\n  import-annotations: \(imported)")
        }
    }

    /// The one rule that differs on purpose: a second answer by the same annotator to the same
    /// item. Agreement refuses it naming both lines (which one counts is the user's call);
    /// import-annotations keeps answers already stored, so the same label again is "already
    /// present" and a different label is refused on its line.
    @Test func repeatedAnswersFollowEachCommandsRule() throws {
        let ws = try Self.workspace()
        let same = try Self.temp(Array("item,annotator,label\nr0001,ann,positive\nr0002,ann,mixed\nr0001,ann,positive\n".utf8), ext: "csv")
        let other = try Self.temp(Array("item,annotator,label\nr0003,ann,positive\nr0003,ann,negative\n".utf8), ext: "csv")
        defer { for p in [same, other] { try? FileManager.default.removeItem(atPath: p) } }

        #expect(throws: LongFormatError(path: same, line: 4, message: "\"ann\" labels item \"r0001\" a second time (first on line 2); keep one answer per annotator and item")) {
            try LongFormatReader().read(path: same)
        }
        #expect(try ws.importAnnotations(project: "reviews", path: same, by: "admin") == AnnotationImportSummary(read: 3, inserted: 2, alreadyPresent: 1))

        #expect(throws: LongFormatError(path: other, line: 3, message: "\"ann\" labels item \"r0003\" a second time (first on line 2); keep one answer per annotator and item")) {
            try LongFormatReader().read(path: other)
        }
        #expect(throws: ImportError(file: other, line: 3, message: "ann already labeled 'r0003' as 'positive', not 'negative'")) {
            try ws.importAnnotations(project: "reviews", path: other, by: "admin")
        }
    }
}
