import Foundation
import Testing
@testable import MeowTerminal

/// Whole-screen snapshots, compared line by line with files in `Snapshots/` (reviewed by eye
/// when recorded). Record again with `MEOW_RECORD_SNAPSHOTS=1 swift test --filter Snapshot`.
@Suite("Screen snapshots")
struct SnapshotTests {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")
    static let now = Date(timeIntervalSince1970: 1800)

    func check(_ name: String, _ state: LabelingState) throws {
        let screen = state.render(now: Self.now)
        let text = screen.lines.map { l -> String in var l = l; while l.last == " " { l.removeLast() }; return l }.joined(separator: "\n") + "\n"
        // Every row is exactly the screen's width in cells.
        for y in 0..<screen.height {
            let cells = (0..<screen.width).map { screen[$0, y] }
            #expect(cells.reduce(0) { $0 + ($1.isContinuation ? 0 : max(1, DisplayWidth.of($1.character))) } == screen.width)
        }
        let file = Self.dir.appendingPathComponent(name + ".txt")
        if ProcessInfo.processInfo.environment["MEOW_RECORD_SNAPSHOTS"] != nil {
            try FileManager.default.createDirectory(at: Self.dir, withIntermediateDirectories: true)
            try text.write(to: file, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: file, encoding: .utf8)
        let a = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let b = text.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(a.count == b.count, "\(name): line count")
        for (i, (x, y)) in zip(a, b).enumerated() where x != y {
            Issue.record("\(name) line \(i + 1):\nexpected: \(x)\nactual:   \(y)\n--- whole screen ---\n\(text)")
            break
        }
    }

    static let cjkEmoji = "这款水壶烧水很快，外观也很漂亮。推荐购买！🫖✨ Rated 5⭐ by 田中さん — très bien 👍🏽"
    static let longText = (1...80).map { "Sentence \($0) of a very long review that goes on and on about the kettle." }.joined(separator: " ")
    static let escapes = "Nice\u{1B}[2J\u{1B}[31m RED \u{1B}]0;owned title\u{07} and a bell\u{07}\ttab, rtl\u{202E}evil, C1 \u{9B}31m end"

    @Test func cjkAndEmojiAt80x24() throws {
        try check("cjk-80x24", Fixtures.state(text: Self.cjkEmoji))
    }

    @Test func longItemAt120x40ScrolledDown() throws {
        var s = Fixtures.state(width: 120, height: 40, text: Self.longText)
        _ = s.press("<down><down><down>")
        s.apply(.answered)
        try check("long-120x40", s)
    }

    @Test func escapeSequencesAt80x24() throws {
        try check("escapes-80x24", Fixtures.state(text: Self.escapes))
    }

    @Test func multilabelWithSelectionCommentAndMessageAt80x24() throws {
        var s = Fixtures.state(Fixtures.multilabel, text: "You absolute idiot, I will find you.")
        _ = s.press("itcquoted a threat<enter>")
        try check("multilabel-80x24", s)
    }

    @Test func guidelineAt80x24() throws {
        var s = Fixtures.state()
        _ = s.press("?")
        try check("guideline-80x24", s)
    }

    @Test func emptyQueueAt120x40() throws {
        var s = Fixtures.state(width: 120, height: 40)
        s.apply(.loaded(nil, Progress(mine: 12, teamDone: 40, teamTotal: 40), canUndo: true))
        try check("empty-120x40", s)
    }

    @Test func tooSmall() throws {
        try check("too-small-60x20", Fixtures.state(width: 60, height: 20))
    }

    @Test func typingAnUnsureNote() throws {
        var s = Fixtures.state()
        _ = s.press("fnot sure if sarcastic")
        try check("unsure-note-80x24", s)
    }
}
