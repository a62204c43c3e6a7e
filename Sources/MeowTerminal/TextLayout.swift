import Foundation
import MeowCore

/// Turning untrusted item text into lines that fit the screen.
public enum TextLayout {
    /// A piece of a line with its style (escaped control characters stand out).
    public struct Run: Sendable, Equatable {
        public var text: String
        public var style: Style
    }
    public typealias Line = [Run]

    /// Makes text safe for a terminal with the core's one sanitizer (`TerminalText`): control
    /// characters, ESC (so ANSI/OSC sequences) and bidi overrides become visible escapes like
    /// `\x1b`, never bytes sent to the terminal. Newlines are kept (they split paragraphs);
    /// tabs become spaces.
    public static func sanitize(_ text: String) -> [Run] {
        TerminalText.pieces(text).map { piece in
            switch piece {
            case .text(let t): return Run(text: t.contains("\t") ? t.replacingOccurrences(of: "\t", with: "    ") : t, style: .plain)
            case .escaped(let e): return Run(text: e, style: .escaped)
            }
        }
    }

    /// Wraps runs at word boundaries to `width` cells; words longer than a line are broken.
    /// Paragraph breaks (`\n`) start new lines.
    public static func wrap(_ runs: [Run], width: Int) -> [Line] {
        guard width > 0 else { return [] }
        var lines: [Line] = []
        var line: Line = []
        var lineWidth = 0
        func appendToLine(_ s: String, _ style: Style) {
            if let last = line.last, last.style == style { line[line.count - 1].text += s } else { line.append(Run(text: s, style: style)) }
        }
        func newLine() {
            // Drop the trailing space a wrap leaves.
            if var last = line.last, last.text.hasSuffix(" ") { last.text.removeLast(); line[line.count - 1] = last; if last.text.isEmpty { line.removeLast() } }
            lines.append(line); line = []; lineWidth = 0
        }
        // Tokens: words (with their style), single spaces, and newlines.
        for run in runs {
            var word = ""
            func emitWord() {
                guard !word.isEmpty else { return }
                var w = DisplayWidth.of(word)
                if lineWidth + w > width, lineWidth > 0 { newLine() }
                if w > width {
                    // Break a long word across lines.
                    var piece = ""
                    var pw = 0
                    for ch in word {
                        let cw = DisplayWidth.of(ch)
                        if lineWidth + pw + cw > width { appendToLine(piece, run.style); newLine(); piece = ""; pw = 0 }
                        piece.append(ch); pw += cw
                    }
                    word = piece; w = pw
                }
                appendToLine(word, run.style); lineWidth += w
                word = ""
            }
            if run.style == .escaped { word = run.text; emitWord(); continue }
            for ch in run.text {
                if ch == "\n" { emitWord(); newLine(); continue }
                if ch == " " {
                    emitWord()
                    if lineWidth + 1 > width { newLine() } else if lineWidth > 0 { appendToLine(" ", run.style); lineWidth += 1 }
                    continue
                }
                word.append(ch)
            }
            emitWord()
        }
        if !line.isEmpty || lines.isEmpty { lines.append(line) }
        return lines
    }

    /// Wraps plain text (already safe) with one style.
    public static func wrap(_ text: String, width: Int, style: Style = .plain) -> [Line] {
        wrap([Run(text: text, style: style)], width: width)
    }
}
