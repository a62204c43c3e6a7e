/// A key press, as the state machine sees it. Backends translate their input into these.
public enum Key: Sendable, Equatable, Hashable {
    case character(Character)
    case enter, escape, backspace, tab
    case up, down, left, right, pageUp, pageDown, home, end
    /// Shift+←/→: extend a span selection (the span screen).
    case shiftLeft, shiftRight
    case ctrlC
    case resize(width: Int, height: Int)

    /// Parses a helix-style key string for tests: `"pn<enter>u<esc>"`, `"<up><pgdn><C-c>"`.
    public static func sequence(_ s: String) -> [Key] {
        var keys: [Key] = []
        var i = s.startIndex
        while i < s.endIndex {
            if s[i] == "<", let close = s[i...].firstIndex(of: ">"), close > s.index(after: i) {
                let name = String(s[s.index(after: i)..<close])
                let named: [String: Key] = ["enter": .enter, "esc": .escape, "bs": .backspace, "tab": .tab, "up": .up, "down": .down,
                                            "left": .left, "right": .right, "pgup": .pageUp, "pgdn": .pageDown, "home": .home,
                                            "end": .end, "S-left": .shiftLeft, "S-right": .shiftRight, "C-c": .ctrlC, "lt": .character("<")]
                if let k = named[name] { keys.append(k); i = s.index(after: close); continue }
            }
            keys.append(.character(s[i]))
            i = s.index(after: i)
        }
        return keys
    }
}
