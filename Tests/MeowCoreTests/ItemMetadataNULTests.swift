import Foundation
import Testing
@testable import MeowCore

/// A NUL in metadata is refused with its line on every backend (PostgreSQL's JSON cannot hold
/// `\u0000`, and a file workspace should not take what a server one refuses).
@Suite("Item metadata: NUL characters")
struct ItemMetadataNULTests {
    @Test func theEscapeIsFoundOnlyWhenItIsOne() {
        #expect(ImportLimits.holdsEscapedNUL(Array(#"{"a":"x\u0000y"}"#.utf8)))
        #expect(ImportLimits.holdsEscapedNUL(Array(#"{"a":"\\\u0000"}"#.utf8)))
        #expect(!ImportLimits.holdsEscapedNUL(Array(#"{"a":"x\\u0000y"}"#.utf8)))
        #expect(!ImportLimits.holdsEscapedNUL(Array(#"{"a":"\u0001"}"#.utf8)))
    }

    @Test func aJSONLLineWithANULInItsMetadataIsRefusedWithItsLine() throws {
        let path = NSTemporaryDirectory() + "meow-nul-" + UUID().uuidString + ".jsonl"
        try (#"{"id":"ok","text":"fine","note":"a\\u0000b"}"# + "\n" + #"{"id":"n1","text":"hello","note":"a\u0000b"}"# + "\n")
            .write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let reader = try ItemReader(path: path, format: .jsonl)
        #expect(try reader.next()?.id == "ok")
        #expect(throws: ImportError.self) { _ = try reader.next() }
    }
}
