import MeowCore

/// What a key does on the screen, named apart from the key that does it.
public enum KeyAction: Sendable, Equatable {
    case quit
    case scroll(Int)              // lines, negative: up
    case page(Int)                // pages, negative: up
    case top, bottom
    case openGuideline, closeGuideline
    case acknowledge, retryQualification, startLabeling
    case command(ScreenCommand)   // undo, skip, unsure, comment, guideline, quit on an item
    case submitSelection          // multi-label: submit the toggled labels; spans: submit the spans
    case moveCursor(Int)          // spans: the cursor one token left (-1) or right (1), dropping the selection
    case extendSelection(Int)     // spans: the selection one token further left or right
    case removeSpan               // spans: remove the span under the cursor
    case clearDraft
    case saveText, cancelText, deleteChar
}

/// Keys bound to actions, with how the key line names them. A binding without `help` works
/// but is not listed (Home while labeling, Esc clearing a draft).
public struct KeyBinding: Sendable, Equatable {
    public var keys: [(Key, KeyAction)]
    public var label: String
    public var help: String?
    /// The label keys: the chips above the key line show them too, so a narrow key line may
    /// leave this binding out.
    public var shownOnChips = false

    public init(_ label: String, _ help: String?, _ keys: [(Key, KeyAction)], shownOnChips: Bool = false) {
        self.label = label; self.help = help; self.keys = keys; self.shownOnChips = shownOnChips
    }

    public func action(for key: Key) -> KeyAction? { keys.first { $0.0 == key }?.1 }

    public static func == (a: KeyBinding, b: KeyBinding) -> Bool {
        a.label == b.label && a.help == b.help && a.keys.map(\.0) == b.keys.map(\.0) && a.keys.map(\.1) == b.keys.map(\.1)
    }
}

/// One table per screen mode, as data (helix's keymap is the model): `handle()` looks keys up
/// here, the key line is these tables' labels, and the guideline's reserved keys come from
/// `ScreenCommand`, which the labeling table binds.
public enum Keymap {
    static func c(_ ch: Character) -> Key { .character(ch) }

    static let scrollLines = KeyBinding("↑↓ j k", "scroll", [(.up, .scroll(-1)), (c("k"), .scroll(-1)), (.down, .scroll(1)), (c("j"), .scroll(1))])
    static let pages = KeyBinding("PgUp PgDn", "page", [(.pageUp, .page(-1)), (c("b"), .page(-1)), (.pageDown, .page(1)), (c(" "), .page(1))])
    static let topEnd = KeyBinding("g G", "top/end", [(.home, .top), (c("g"), .top), (.end, .bottom), (c("G"), .bottom)])
    static let quit = KeyBinding("q", "quit", [(c("q"), .quit)])
    static let guideline = KeyBinding("?", "guideline", [(c("?"), .openGuideline)])

    /// The bindings of a mode, in key-line order.
    public static func bindings(for state: LabelingState) -> [KeyBinding] {
        switch state.mode {
        case .acknowledge(_, let end):
            let confirm = end ? KeyBinding("⏎", "acknowledge: I have read it", [(.enter, .acknowledge)])
                              : KeyBinding("Space PgDn", "read on to the end", [(c(" "), .page(1)), (.pageDown, .page(1)), (.enter, .acknowledge)])
            let hiddenPaging = KeyBinding("b PgUp g G", nil, [(.pageUp, .page(-1)), (c("b"), .page(-1)), (.home, .top), (c("g"), .top), (.end, .bottom), (c("G"), .bottom)]
                                          + (end ? [(c(" "), .page(1)), (.pageDown, .page(1))] : []))
            return [confirm, scrollLines, quit, hiddenPaging]
        case .qualificationResult(let s, _):
            let next = s.passed ? KeyBinding("⏎", "start labeling", [(.enter, .startLabeling)])
                                : KeyBinding("r", "try again", [(c("r"), .retryQualification)])
            return [next, KeyBinding("↑↓", "scroll", scrollLines.keys), guideline, quit,
                    KeyBinding("Space PgUp PgDn", nil, [(c(" "), .page(1)), (.pageDown, .page(1)), (.pageUp, .page(-1))])]
        case .blocked:
            return [guideline, quit]
        case .typing:
            return [KeyBinding("⏎", "save", [(.enter, .saveText)]), KeyBinding("Esc", "cancel", [(.escape, .cancelText)]),
                    KeyBinding("⌫", "delete", [(.backspace, .deleteChar)])]
        case .guideline:
            return [scrollLines, pages, topEnd, KeyBinding("? q Esc", "back to labeling", [(c("?"), .closeGuideline), (c("q"), .closeGuideline), (.escape, .closeGuideline)])]
        case .empty:
            return (state.canUndo ? [KeyBinding("u", "undo last answer", [(c("u"), .command(.undo))])] : []) + [guideline, quit]
        case .loading, .quitting:
            return [quit]
        case .labeling:
            let g = state.guideline
            switch g.task {
            case .spans: return spanBindings(for: state)
            case .rate:
                let digits = g.scale.map(String.init)
                let keys = digits.count > 2 ? "\(digits.first ?? "")-\(digits.last ?? "")" : digits.joined(separator: " ")
                return [KeyBinding(keys, "rate", [], shownOnChips: true)] + commandBindings
            case .compare:
                let keys = g.labels.compactMap { $0.hotkey.map(String.init) }.joined(separator: " ")
                return [KeyBinding(keys, "choose", [], shownOnChips: true)] + commandBindings
            case .classify, .multilabel: break
            }
            let hotkeys = g.labels.compactMap { $0.hotkey.map(String.init) }.joined()
            let digits = g.labels.count > 1 ? "1-\(min(9, g.labels.count))" : "1"
            var line = [KeyBinding(hotkeys.isEmpty ? digits : "\(hotkeys) \(digits)", g.task == .multilabel ? "toggle" : "label", [], shownOnChips: true)]
            if g.task == .multilabel { line.append(KeyBinding("⏎", "submit", [(.enter, .submitSelection)])) }
            // A single-label suggestion is pre-selected: ⏎ accepts it, a label key overrides it.
            if g.task == .classify, state.item?.suggestion != nil { line.append(KeyBinding("⏎", "accept suggestion", [(.enter, .submitSelection)])) }
            return line + commandBindings
        }
    }

    /// The commands every task's item screen has, then the hidden scrolling keys.
    static var commandBindings: [KeyBinding] {
        ScreenCommand.allCases.map { cmd in KeyBinding(String(cmd.key), cmd.help, [(c(cmd.key), .command(cmd))]) }
            + [KeyBinding("↑↓ PgUp PgDn Home Esc", nil, [(.up, .scroll(-1)), (.down, .scroll(1)), (.pageUp, .page(-1)), (.pageDown, .page(1)),
                                                        (.home, .top), (.escape, .clearDraft)])]
    }

    /// The span screen: ←→ move over tokens, [ ] (or shift+←→) select, a label key marks the
    /// selection, x removes the span under the cursor, ⏎ submits. `[`, `]` and `x` come from
    /// `SpanCommand`, which the guideline parser reserves for spans tasks.
    static func spanBindings(for state: LabelingState) -> [KeyBinding] {
        let g = state.guideline
        let hotkeys = g.labels.compactMap { $0.hotkey.map(String.init) }.joined()
        let digits = g.labels.count > 1 ? "1-\(min(9, g.labels.count))" : "1"
        func key(_ cmd: SpanCommand) -> Key { c(cmd.key) }
        return [KeyBinding(hotkeys.isEmpty ? digits : "\(hotkeys) \(digits)", "mark", [], shownOnChips: true),
                KeyBinding("←→", "move", [(.left, .moveCursor(-1)), (.right, .moveCursor(1))]),
                KeyBinding("[ ]", "select", [(key(.extendLeft), .extendSelection(-1)), (key(.extendRight), .extendSelection(1)),
                                              (.shiftLeft, .extendSelection(-1)), (.shiftRight, .extendSelection(1))]),
                KeyBinding(String(SpanCommand.remove.key), "remove", [(key(.remove), .removeSpan)]),
                KeyBinding("⏎", "submit", [(.enter, .submitSelection)])] + commandBindings
    }

    /// The action a key has in the state's mode, if any.
    public static func action(for key: Key, in state: LabelingState) -> KeyAction? {
        for b in bindings(for: state) { if let a = b.action(for: key) { return a } }
        return nil
    }

    /// What the key line shows: the listed bindings' labels and help.
    public static func keyLine(for state: LabelingState) -> [(String, String)] {
        bindings(for: state).compactMap { b in b.help.map { (b.label, $0) } }
    }
}
