import Foundation
import Testing
@testable import MeowCore
import MeowTestSupport

/// The smallest inputs behind the bugs the fuzz suites found (issue 10), kept as plain tests so
/// they stay fixed whatever the fuzz seeds become.
@Suite("Fuzz regressions")
struct FuzzRegressionTests {
    static func guidelineError(_ text: String) -> GuidelineError? {
        do { _ = try Guideline.parse(text, file: "g.md"); return nil } catch { return error as? GuidelineError }
    }

    static func temp(_ bytes: [UInt8], ext: String) throws -> String {
        let path = NSTemporaryDirectory() + "meow-fuzz-regression-" + UUID().uuidString + "." + ext
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// A key given twice in the front matter was reported without a line, and its message
    /// quoted the whole front matter (Yams' description of the error).
    @Test func duplicateFrontMatterKeyNamesItsLine() throws {
        let e = try #require(Self.guidelineError("---\nname: a\ntask: classify\nname: b\nlabels: [{value: x, definition: X}, {value: y, definition: Y}]\n---\nunsure\n"))
        let p = try #require(e.problems.first { $0.severity == .error })
        #expect(p.line == 2 && p.column == 1)
        #expect(p.message == "YAML: duplicate key 'name'")
        #expect(e.description == "g.md:2:1: error: YAML: duplicate key 'name'")
    }

    /// A control character in the front matter (libyaml's reader error) was reported without
    /// a line.
    @Test func controlCharacterInFrontMatterNamesItsLineAndColumn() throws {
        let e = try #require(Self.guidelineError("---\nname: a\ntitle: x\u{1}y\ntask: classify\n---\n"))
        let p = try #require(e.problems.first { $0.severity == .error })
        #expect(p.line == 3 && p.column == 9)
        #expect(e.description.hasPrefix("g.md:3:9: error: YAML: control characters are not allowed (U+0001)"))
    }

    /// The agreement reader's fast paths turned invalid UTF-8 in a name into U+FFFD and read
    /// on; the item importers refuse such a line. Now it is an error naming the line.
    @Test(arguments: [("jsonl", "{\"item\":\"a\",\"annotator\":\"x\",\"label\":\"p\"}\n{\"item\":\"b\",\"annotator\":\"x\",\"label\":\"p\u{FF}\"}\n"),
                      ("csv", "item,annotator,label\na,x,p\nb,\u{FF},p\n")])
    func invalidUTF8InALabelFileNamesTheLine(ext: String, text: String) throws {
        var bytes = Array(text.utf8)
        // "\u{FF}" (C3 BF) marks where the invalid byte 0xFF goes: a Swift string cannot hold it.
        if let i = bytes.firstIndex(of: 0xC3), bytes[i + 1] == 0xBF { bytes.replaceSubrange(i...(i + 1), with: [0xFF]) }
        #expect(!bytes.contains(0xC3) && bytes.contains(0xFF))
        let path = try Self.temp(bytes, ext: ext)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: LongFormatError(path: path, line: ext == "jsonl" ? 2 : 3,
                                        message: "invalid UTF-8 in \"\(ext == "jsonl" ? "label" : "annotator")\"")) {
            try LongFormatReader().read(path: path)
        }
    }

    /// A CSV header after blank lines: a header error named line 1 (blank) instead of its own.
    @Test func csvHeaderErrorNamesTheHeaderLine() throws {
        let path = try Self.temp(Array("\n\r\nid,body\n1,hello\n".utf8), ext: "csv")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: ImportError(file: path, line: 3, message: "CSV: the header has no 'text' column (found: id, body)")) {
            try ItemReader(path: path, format: .csv)
        }
        let twice = try Self.temp(Array("\ntext,text\nhello,again\n".utf8), ext: "csv")
        defer { try? FileManager.default.removeItem(atPath: twice) }
        #expect(throws: ImportError(file: twice, line: 2, message: "CSV: column 'text' appears twice in the header")) {
            try ItemReader(path: twice, format: .csv)
        }
    }
}
