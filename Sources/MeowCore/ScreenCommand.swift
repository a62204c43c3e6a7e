/// The commands the labeling screen binds to single characters while an item is shown. They
/// live in the core because the guideline schema depends on them: a label's hotkey may not
/// take one of these keys (`Guideline.reservedKeys` is derived from this table, and the
/// screen's keymap binds exactly these).
public enum ScreenCommand: String, CaseIterable, Sendable {
    case undo, skip, unsure, comment, guideline, quit

    public var key: Character {
        switch self {
        case .undo: return "u"
        case .skip: return "s"
        case .unsure: return "f"
        case .comment: return "c"
        case .guideline: return "?"
        case .quit: return "q"
        }
    }

    /// What the key line calls it.
    public var help: String { rawValue }
}

/// The keys the span screen binds beside `ScreenCommand`'s: a `spans` guideline may not give
/// a label one of these as its hotkey (`Guideline.reservedKeys(for:)`), since the screen
/// would never see the label key.
public enum SpanCommand: String, CaseIterable, Sendable {
    case extendLeft, extendRight, remove

    public var key: Character {
        switch self {
        case .extendLeft: return "["
        case .extendRight: return "]"
        case .remove: return "x"
        }
    }
}
