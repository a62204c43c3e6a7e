import MeowCore

/// How a cell is drawn. Roles, not colors: the terminal backend maps them to colors, or to
/// bold/reverse/underline on monochrome terminals and under NO_COLOR.
public enum Style: UInt8, Sendable, Equatable {
    case plain, dim, bold, title, accent, hotkey, selected, error, success, warning, escaped
    /// A span's label on the span screen: one colour per label (the label's position modulo
    /// six); underlined on monochrome terminals, so a span shows without colour too.
    case span0, span1, span2, span3, span4, span5
    /// The token under the span screen's cursor.
    case cursor

    /// The style of the label at `index` in the guideline (colours repeat after six).
    public static func span(_ index: Int) -> Style {
        [Style.span0, .span1, .span2, .span3, .span4, .span5][((index % 6) + 6) % 6]
    }
}

/// One terminal cell. A wide character fills its cell and marks the next as a continuation.
public struct Cell: Sendable, Equatable {
    public var character: Character
    public var style: Style
    /// The right half of a wide character: drawn by the cell before it.
    public var isContinuation: Bool

    public static let blank = Cell(character: " ", style: .plain, isContinuation: false)
}

/// An in-memory grid the layout draws into; a terminal backend only copies it out.
public struct Screen: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: .blank, count: self.width * self.height)
    }

    public subscript(x: Int, y: Int) -> Cell {
        get { cells[y * width + x] }
        set { cells[y * width + x] = newValue }
    }

    /// Writes `text` at (x, y), clipped at `maxX` (exclusive, default the right edge). A wide
    /// character that would straddle the edge is not drawn. Returns the x after the text.
    @discardableResult
    public mutating func put(_ text: some StringProtocol, x: Int, y: Int, style: Style = .plain, maxX: Int? = nil) -> Int {
        guard y >= 0, y < height else { return x }
        let limit = min(maxX ?? width, width)
        var cx = x
        for ch in text {
            if ch.unicodeScalars.contains(where: { TerminalText.isUnsafe($0.value) || $0 == "\t" || $0 == "\n" }) {
                // The last guard before the terminal (a definition or body can hold anything):
                // a control character is drawn visibly, as item text shows it (`\x1b`), and a
                // tab or line break as a space.
                var visible = ""
                for s in ch.unicodeScalars {
                    if s == "\t" || s == "\n" { visible += " " }
                    else if TerminalText.isUnsafe(s.value) { visible += TerminalText.visible(s.value) }
                    else { visible.unicodeScalars.append(s) }
                }
                cx = put(visible, x: cx, y: y, style: style, maxX: limit)
                continue
            }
            let w = DisplayWidth.of(ch)
            if w == 0 {
                // Combining marks join the previous cell's character (when they still make one).
                if cx > 0, cx - 1 < limit, cx - 1 >= x {
                    var c = self[cx - 1, y]
                    let joined = String(c.character) + String(ch)
                    if joined.count == 1, let character = joined.first { c.character = character; self[cx - 1, y] = c }
                }
                continue
            }
            if cx + w > limit { break }
            if cx >= 0 {
                self[cx, y] = Cell(character: ch, style: style, isContinuation: false)
                if w == 2 { self[cx + 1, y] = Cell(character: " ", style: style, isContinuation: true) }
            }
            cx += w
        }
        return cx
    }

    /// Fills a row segment with a character.
    public mutating func fill(_ ch: Character, x: Int, y: Int, count: Int, style: Style = .plain) {
        guard y >= 0, y < height else { return }
        for cx in max(0, x)..<min(width, x + count) { self[cx, y] = Cell(character: ch, style: style, isContinuation: false) }
    }

    /// The screen as plain text lines (trailing spaces kept), for tests and snapshots.
    public var lines: [String] {
        (0..<height).map { y in
            var s = ""
            for x in 0..<width where !self[x, y].isContinuation { s.append(self[x, y].character) }
            return s
        }
    }

    /// The text of a row with trailing spaces removed.
    public func line(_ y: Int) -> String {
        var s = lines[y]
        while s.last == " " { s.removeLast() }
        return s
    }
}
