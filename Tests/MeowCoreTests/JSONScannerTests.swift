import Testing
@testable import MeowCore

@Suite("JSONL line scanner")
struct JSONScannerTests {
    func scan(_ s: String) throws -> [JSONScanner.Field] {
        let bytes = Array(s.utf8)
        return try bytes.withUnsafeBufferPointer { buf in
            var sc = JSONScanner(buf)
            return try sc.object()
        }
    }

    @Test func fieldsAndRawValues() throws {
        let line = #"{"id": 12, "text": "caf\u00e9 \"quoted\" \ud83d\ude00", "tags": ["a", {"b": null}], "ok": true}"#
        let f = try scan(line)
        #expect(f.map(\.key) == ["id", "text", "tags", "ok"])
        #expect(f[0].value == .number("12"))
        #expect(f[1].value == .string("café \"quoted\" 😀"))
        #expect(f[2].value == .array)
        #expect(String(decoding: Array(line.utf8)[f[2].raw], as: UTF8.self) == #"["a", {"b": null}]"#)
        #expect(f[3].value == .bool(true))
    }

    @Test(arguments: [
        #"{"a": 1,}"#, #"{"a" 1}"#, #"{'a': 1}"#, #"{"a": tru}"#, #"{"a": "x"} extra"#, #"[1]"#,
        #"{"a": "\x"}"#, #"{"a": 01}"#, #"{"a": "\ud800"}"#, "{\"a\": \"tab\there\"}",
    ])
    func rejectsInvalidJSON(line: String) {
        #expect(throws: JSONScanner.Failure.self) { try scan(line) }
    }
}
