import Foundation
import Testing
import MeowCore
@testable import MeowTerminal

/// Whole-screen snapshots, compared line by line with files in `Snapshots/` (reviewed by eye
/// when recorded): the text in `NAME.txt` and each cell's style in `NAME.style.txt` (one
/// letter per cell, see `styleLetter`), as ratatui's buffer assertions compare both.
/// Record again with `MEOW_RECORD_SNAPSHOTS=1 swift test --filter Snapshot`.
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
        let styles = (0..<screen.height).map { y in String((0..<screen.width).map { Self.styleLetter(screen[$0, y].style) }) }.joined(separator: "\n") + "\n"
        try compare(name + ".style", styles)
        try compare(name, text)
    }

    /// One letter per style: . plain, d dim, B bold, T title, a accent, h hotkey, s selected,
    /// E error, S success, W warning, x escaped, 0-5 a span label's colour, C the span cursor.
    static func styleLetter(_ s: Style) -> Character {
        switch s {
        case .plain: return "."
        case .dim: return "d"
        case .bold: return "B"
        case .title: return "T"
        case .accent: return "a"
        case .hotkey: return "h"
        case .selected: return "s"
        case .error: return "E"
        case .success: return "S"
        case .warning: return "W"
        case .escaped: return "x"
        case .span0: return "0"
        case .span1: return "1"
        case .span2: return "2"
        case .span3: return "3"
        case .span4: return "4"
        case .span5: return "5"
        case .cursor: return "C"
        }
    }

    func compare(_ name: String, _ text: String) throws {
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
        // One column short of the minimum: it says what it needs.
        try check("too-small-59x16", Fixtures.state(width: 59, height: 16))
    }

    /// The smallest window the layout works in: a compact header (the progress line is the
    /// rule), the item, chips and a key line that still says how to quit.
    @Test func labelingAt60x16() throws {
        var s = Fixtures.state(width: 60, height: 16, text: Self.longText)
        s.apply(.answered)
        try check("labeling-60x16", s)
    }

    @Test func multilabelAt60x16() throws {
        var s = Fixtures.state(Fixtures.multilabel, width: 60, height: 16, text: "You absolute idiot, I will find you.")
        _ = s.press("it")
        try check("multilabel-60x16", s)
    }

    @Test func guidelineAt60x16() throws {
        var s = Fixtures.state(width: 60, height: 16)
        _ = s.press("?")
        try check("guideline-60x16", s)
    }

    @Test func typingAnUnsureNote() throws {
        var s = Fixtures.state()
        _ = s.press("fnot sure if sarcastic")
        try check("unsure-note-80x24", s)
    }

    @Test func acknowledgeAt80x24() throws {
        var s = Fixtures.state()
        s.apply(.blocked(.acknowledge(version: 2)))
        try check("acknowledge-80x24", s)
    }

    /// A new version arrived while labeling: what changed comes first, then the new guideline.
    @Test func acknowledgeAnUpdateAt60x16() throws {
        var s = Fixtures.state(width: 60, height: 16)
        let v2 = Fixtures.classifyV2
        var changes = GuidelineChanges()
        changes.added = ["mixed"]
        changes.definitionsChanged = ["negative"]
        s.apply(.blocked(.acknowledge(version: 2, notice: GuidelineNotice(previous: 1, version: 2, guideline: v2, changes: [2: changes]))))
        try check("acknowledge-update-60x16", s)
    }

    @Test func failedQualificationAt80x24() throws {
        var s = Fixtures.state()
        s.apply(.qualificationFinished(QualificationSummary(correct: 3, total: 6, passMark: 0.8, passed: false, misses: [
            .init(text: "Arrived broken, but support replaced it the next day.", given: "neg", correct: "pos",
                  explanation: "The reviewer ends satisfied.", definition: "pos: Positive."),
        ])))
        try check("qualification-failed-80x24", s)
    }

    @Test func pausedAt80x24() throws {
        var s = Fixtures.state()
        s.apply(.blocked(.paused("gold-check accuracy 40% over the last 5 checks is below 60%")))
        try check("paused-80x24", s)
    }
}
