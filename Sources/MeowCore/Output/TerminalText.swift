/// Makes untrusted text (item text and ids, annotator names, label values, file contents echoed
/// in errors) safe to print to a terminal. Every human-readable output goes through it, and so
/// does the labeling screen: an imported item must never clear the screen, set the window
/// title, write the clipboard (OSC 52), plant a hyperlink (OSC 8), or reorder what is shown.
///
/// What is escaped: C0 controls except newline and tab (so ESC, BEL, BS, lone CR, NUL), DEL,
/// C1 controls U+0080-U+009F (U+009B is an 8-bit CSI, U+009D an 8-bit OSC, U+0090 a DCS),
/// and the bidirectional formatting characters (U+061C, U+200E/F, U+202A-202E, U+2066-2069)
/// that reorder a line without being visible. Escaped characters are shown as `\x1b` or
/// `<U+202E>`: visible, so a reader sees that the data holds them. Since ESC itself is
/// escaped, no sequence that starts with it can reach the terminal.
public enum TerminalText {
    /// A piece of sanitized text: plain text, or the visible form of an escaped character.
    public enum Piece: Equatable, Sendable {
        case text(String)
        case escaped(String)
    }

    /// Whether `v` is a character that must not reach a terminal as it is.
    @inline(__always)
    public static func isUnsafe(_ v: UInt32) -> Bool {
        if v < 0x20 { return v != 0x0A && v != 0x09 }
        if v < 0x7F { return false }
        if v <= 0x9F { return true }   // DEL and C1
        return v == 0x061C || v == 0x200E || v == 0x200F || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
    }

    /// The visible stand-in for an unsafe character.
    public static func visible(_ v: UInt32) -> String {
        if v <= 0xFF {
            let hex = String(v, radix: 16)
            return "\\x" + (hex.count < 2 ? "0" : "") + hex
        }
        return "<U+" + String(v, radix: 16, uppercase: true) + ">"
    }

    /// Splits `text` into plain and escaped pieces. Newlines and tabs are kept; a CR directly
    /// before a newline (CRLF text) is dropped, any other CR is escaped (it would let text
    /// overwrite what was printed before it on the line).
    public static func pieces(_ text: String) -> [Piece] {
        var out: [Piece] = []
        var plain = String.UnicodeScalarView()
        let scalars = text.unicodeScalars
        var i = scalars.startIndex
        while i < scalars.endIndex {
            let s = scalars[i]
            let next = scalars.index(after: i)
            defer { i = next }
            let v = s.value
            guard isUnsafe(v) else { plain.append(s); continue }
            if v == 0x0D, next < scalars.endIndex, scalars[next] == "\n" { continue }
            if !plain.isEmpty { out.append(.text(String(plain))); plain = String.UnicodeScalarView() }
            out.append(.escaped(visible(v)))
        }
        if !plain.isEmpty { out.append(.text(String(plain))) }
        return out
    }

    /// `text` with every unsafe character replaced by its visible form.
    public static func safe(_ text: String) -> String {
        // Fast path: most text has nothing to escape.
        if !text.unicodeScalars.contains(where: { isUnsafe($0.value) }) { return text }
        var out = ""
        for p in pieces(text) {
            switch p {
            case .text(let t), .escaped(let t): out += t
            }
        }
        return out
    }

    /// `text` on one line: newlines and tabs are escaped too (for ids, names and labels,
    /// which are printed inside a line of their own format).
    public static func safeInline(_ text: String) -> String {
        safe(text).replacingNewlinesAndTabs()
    }
}

extension String {
    fileprivate func replacingNewlinesAndTabs() -> String {
        guard unicodeScalars.contains(where: { $0 == "\n" || $0 == "\t" }) else { return self }
        var out = ""
        for s in unicodeScalars {
            if s == "\n" { out += "\\x0a" } else if s == "\t" { out += "\\x09" } else { out.unicodeScalars.append(s) }
        }
        return out
    }
}
