import Testing
@testable import MeowTerminal

@Suite("Display width, sanitizing and wrapping")
struct TextLayoutTests {
    @Test func widths() {
        #expect(DisplayWidth.of("abc") == 3)
        #expect(DisplayWidth.of("日本語") == 6)
        #expect(DisplayWidth.of("😀") == 2)
        #expect(DisplayWidth.of("e\u{301}") == 1)           // combining acute
        #expect(DisplayWidth.of("👍🏽") == 2)                   // skin tone modifier joins
        #expect(DisplayWidth.of("Ｆｕｌｌ") == 8)              // fullwidth forms
    }

    @Test func controlAndEscapeSequencesBecomeVisible() {
        let runs = TextLayout.sanitize("red \u{1B}[31mALERT\u{1B}[0m bell\u{07} osc \u{1B}]0;pwned\u{07} rtl\u{202E}x\u{9B}")
        let text = runs.map(\.text).joined()
        #expect(text == "red \\x1b[31mALERT\\x1b[0m bell\\x07 osc \\x1b]0;pwned\\x07 rtl<U+202E>x\\x9b")
        #expect(!text.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) })
        #expect(runs.filter { $0.style == .escaped }.count == 7)
    }

    @Test func wrapsAtWordsAndBreaksLongWords() {
        let lines = TextLayout.wrap("the quick brown fox jumps", width: 10).map { $0.map(\.text).joined() }
        #expect(lines == ["the quick", "brown fox", "jumps"])
        let long = TextLayout.wrap("abcdefghijklmnop", width: 6).map { $0.map(\.text).joined() }
        #expect(long == ["abcdef", "ghijkl", "mnop"])
        let cjk = TextLayout.wrap("日本語のテキスト", width: 5).map { $0.map(\.text).joined() }
        #expect(cjk == ["日本", "語の", "テキ", "スト"])
        #expect(TextLayout.wrap("a\n\nb", width: 10).map { $0.map(\.text).joined() } == ["a", "", "b"])
    }

    @Test func screenPutClipsWideCharactersAtTheEdge() {
        var s = Screen(width: 5, height: 1)
        let end = s.put("ab日本", x: 0, y: 0)
        #expect(end == 4)
        #expect(s.line(0) == "ab日")
        var t = Screen(width: 5, height: 1)
        t.put("abcd日", x: 0, y: 0)
        #expect(t.lines[0] == "abcd ")
    }

    @Test func tinyScreensDoNotCrash() {
        for (w, h) in [(0, 0), (1, 1), (10, 3), (79, 23)] {
            var s = Fixtures.state(width: w, height: h)
            _ = s.handle(.resize(width: w, height: h))
            let screen = s.render()
            #expect(screen.width == w && screen.height == h)
        }
    }
}

/// Definitions and guideline prose reach the screen unfiltered: a tab or an escape in them
/// once crashed it (a control character joined to a cell as if it were a combining mark).
@Suite struct ScreenControlCharacterTests {
    @Test func controlCharactersAreDrawnVisiblyNeverJoined() {
        var s = Screen(width: 40, height: 1)
        s.put("one\ttab\u{1b}[31mred e\u{1b}\u{7f}", x: 0, y: 0)
        #expect(s.line(0) == "one tab\\x1b[31mred e\\x1b\\x7f")
        var combining = Screen(width: 10, height: 1)
        combining.put("e\u{301}x", x: 0, y: 0)
        #expect(combining.line(0) == "e\u{301}x")
    }
}
