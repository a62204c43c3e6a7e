import Testing
@testable import MeowCore

/// The one sanitizer every human-readable output uses, on a corpus of real attacks.
@Suite("TerminalText sanitizer")
struct TerminalTextTests {
    static let corpus: [(String, String)] = [
        ("\u{1B}]0;title\u{07}", "\\x1b]0;title\\x07"),                 // OSC 0
        ("\u{1B}]2;t\u{1B}\\", "\\x1b]2;t\\x1b\\"),                      // OSC 2, ST
        ("\u{1B}]8;;http://x\u{1B}\\a", "\\x1b]8;;http://x\\x1b\\a"),  // OSC 8
        ("\u{1B}]52;c;aGk=\u{07}", "\\x1b]52;c;aGk=\\x07"),              // OSC 52
        ("\u{1B}[2J", "\\x1b[2J"),                                        // CSI
        ("\u{9B}31m", "\\x9b31m"),                                        // 8-bit CSI
        ("\u{1B}P1$r\u{1B}\\", "\\x1bP1$r\\x1b\\"),                      // DCS
        ("\u{90}x\u{9C}", "\\x90x\\x9c"),                                 // 8-bit DCS, ST
        ("ab\u{08}\u{08}XY", "ab\\x08\\x08XY"),                           // BS overwrite
        ("ok\rFAKE", "ok\\x0dFAKE"),                                      // CR overwrite
        ("a\u{202E}b", "a<U+202E>b"),                                     // RLO
        ("a\u{2066}b\u{2069}", "a<U+2066>b<U+2069>"),                     // isolates
        ("a\u{0}b", "a\\x00b"),                                           // NUL
        ("a\u{7F}b", "a\\x7fb"),                                          // DEL
    ]

    @Test func everyAttackBecomesVisibleText() {
        for (input, expected) in Self.corpus {
            let safe = TerminalText.safe(input)
            #expect(safe == expected, "\(input.debugDescription)")
            #expect(!safe.unicodeScalars.contains { TerminalText.isUnsafe($0.value) })
        }
    }

    @Test func ordinaryTextIsUntouched() {
        for s in ["plain", "multi\nline\ttab", "CJK 漢字 emoji 😀", "café", "CRLF line\r\nnext"] {
            let safe = TerminalText.safe(s)
            #expect(safe == s.replacingOccurrences(of: "\r\n", with: "\n"))
        }
        #expect(TerminalText.safeInline("a\nb\tc") == "a\\x0ab\\x09c")
    }

    @Test func jsonEscapesC1AndBidiControls() {
        let q = JSONText.quoted("x\u{9B}y\u{202E}z\u{7F}")
        #expect(q == "\"x\\u009by\\u202ez\\u007f\"")
        let bytes = Array("{\"a\":\"\u{85}\u{2067}\"}".utf8)
        #expect(String(decoding: JSONText.escapingC1(bytes), as: UTF8.self) == "{\"a\":\"\\u0085\\u2067\"}")
        var out: [UInt8] = []
        Array("p\u{90}q\u{200F}".utf8).withUnsafeBytes { JSONText.appendQuoted($0, to: &out) }
        #expect(String(decoding: out, as: UTF8.self) == "\"p\\u0090q\\u200f\"")
    }

    /// Typographic quotes, dashes, euro signs and Arabic share lead bytes with the C1 and bidi
    /// controls: they must come through unescaped (and stay on the fast path).
    @Test func jsonLeavesOrdinaryMultibyteTextAlone() {
        let s = "it’s “fine” — 5 € · مرحبا · ° £"
        #expect(JSONText.quoted(s) == "\"" + s + "\"")
        #expect(!JSONText.needsEscaping(s))
        #expect(JSONText.needsEscaping("a\u{202E}b") && JSONText.needsEscaping("a\u{85}b") && JSONText.needsEscaping("a\u{061C}b"))
        #expect(JSONText.escapingC1("{\"k\":\"’\"}") == "{\"k\":\"’\"}")
    }
}
