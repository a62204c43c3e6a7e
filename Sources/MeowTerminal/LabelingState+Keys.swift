import Foundation
import MeowCore

extension LabelingState {
    /// The label a key chooses: its hotkey, or 1-9 in guideline order.
    public func label(forKey c: Character) -> Guideline.Label? {
        // A rating scale's points are their digits (a 0-4 scale answers 0 with 0).
        if guideline.task == .rate { return c.isASCII && c.isNumber ? guideline.label(String(c)) : nil }
        if let l = guideline.labels.first(where: { $0.hotkey == c }) { return l }
        if let d = c.wholeNumberValue, c.isASCII, d >= 1, d <= 9, d <= guideline.labels.count { return guideline.labels[d - 1] }
        return nil
    }

    /// Handles one key press; returns what the session must do. What each key does comes
    /// from the mode's table in `Keymap`; label keys (hotkeys and digits) come from the guideline.
    public mutating func handle(_ key: Key, now: Date = Date()) -> [Effect] {
        if case .resize(let w, let h) = key { width = w; height = h; return [] }
        if key == .ctrlC { mode = .quitting; return [.quit] }
        // Nothing is drawn when the window is too small: no blind answers.
        if isTooSmall {
            if key == .character("q") { mode = .quitting; return [.quit] }
            return []
        }
        if case .labeling = mode, case .character(let c) = key, let l = label(forKey: c) { return choose(l, now: now) }
        guard let action = Keymap.action(for: key, in: self) else {
            if case .typing(let field) = mode, case .character(let c) = key { return type(c, into: field) }
            if case .labeling = mode, case .character(let c) = key {
                message = ("'\(c)' is not a key here — press ? for the guideline", true)
            }
            return []
        }
        return perform(action, now: now)
    }

    private mutating func choose(_ l: Guideline.Label, now: Date) -> [Effect] {
        switch guideline.task {
        case .multilabel:
            if selected.contains(l.value) { selected.remove(l.value) } else { selected.insert(l.value) }
            message = nil
            return []
        case .spans:
            mark(l.value)
            return []
        case .rate:
            guard let n = Int(l.value) else { return [] }
            return submit(.rating(n), now: now)
        case .compare:
            let position: PairPosition
            switch l.value {
            case "a": position = .first
            case "b": position = .second
            case "tie": position = .tie
            default: position = .bothBad
            }
            return submit(.choice(PairChoice.from(shown: position, shownFirst: shownFirst), shownFirst: shownFirst), now: now)
        case .classify:
            return submit(.labels([l.value]), now: now)
        }
    }

    /// The selection as token indices (the cursor's token when nothing is selected).
    public var selection: ClosedRange<Int>? {
        guard let tokens, !tokens.ranges.isEmpty else { return nil }
        let c = min(max(0, cursor), tokens.ranges.count - 1)
        let a = min(max(0, anchor ?? c), tokens.ranges.count - 1)
        return min(a, c)...max(a, c)
    }

    /// Marks the selection with a label: refused when it would overlap another span and the
    /// guideline forbids that; the same stretch with another label is relabeled.
    private mutating func mark(_ label: String) {
        guard let tokens, let sel = selection else { message = ("this item has no text to mark", true); return }
        let span = Span(start: tokens.ranges[sel.lowerBound].lowerBound, end: tokens.ranges[sel.upperBound].upperBound, label: label)
        let text = item.map { Array($0.text.unicodeScalars) } ?? []
        if spans.contains(span) { message = ("'\(TextLayout.sanitize(span.text(in: text)).map(\.text).joined())' is already \(label)", true); return }
        if !guideline.spanRules.allowOverlap {
            if let i = spans.firstIndex(where: { $0.start == span.start && $0.end == span.end }) {
                spans[i].label = label
                anchor = nil
                message = ("relabeled as \(label)", false)
                return
            }
            if let other = spans.first(where: { $0.overlaps(span) }) {
                message = ("overlaps \(other.label) '\(TextLayout.sanitize(other.text(in: text)).map(\.text).joined())': this guideline does not allow overlapping spans (x removes it)", true)
                return
            }
        }
        spans.append(span)
        spans.sort()
        anchor = nil
        message = nil
    }

    /// The span under the cursor (the innermost when spans overlap).
    public var spanUnderCursor: Int? {
        guard let tokens, cursor >= 0, cursor < tokens.ranges.count else { return nil }
        let at = tokens.ranges[cursor].lowerBound
        return spans.indices.filter { spans[$0].start <= at && at < spans[$0].end }
            .min { spans[$0].end - spans[$0].start < spans[$1].end - spans[$1].start }
    }

    private mutating func moveCursor(by delta: Int, extending: Bool) {
        guard let tokens, !tokens.ranges.isEmpty else { return }
        if extending { if anchor == nil { anchor = cursor } } else { anchor = nil }
        cursor = min(max(0, cursor + delta), tokens.ranges.count - 1)
        message = nil
        revealCursor()
    }

    /// Scrolls so the cursor's line is on screen.
    mutating func revealCursor() {
        guard let line = itemLayout().cursorLine else { return }
        if line < scroll { scroll = line } else if line >= scroll + textRows { scroll = line - textRows + 1 }
    }

    private mutating func perform(_ action: KeyAction, now: Date) -> [Effect] {
        switch action {
        case .quit:
            mode = .quitting
            return [.quit]
        case .scroll(let lines): move(by: lines)
        case .page(let pages): move(by: pages * pageSize)
        case .top: move(to: 0)
        case .bottom: move(to: Int.max / 2)
        case .openGuideline:
            if case .empty = mode {} else { returnMode = mode }
            mode = .guideline(scroll: 0)
        case .closeGuideline:
            mode = returnMode ?? (item == nil ? .empty : .labeling)
            returnMode = nil
        case .acknowledge:
            guard case .acknowledge(_, true) = mode else { message = ("scroll to the end of the guideline first (Space or PgDn)", true); return [] }
            message = nil
            mode = .loading
            return [.acknowledge]
        case .retryQualification:
            message = nil; mode = .loading
            return [.retryQualification]
        case .startLabeling:
            message = nil; mode = .loading
            return [.loadNext]
        case .submitSelection:
            if guideline.task == .spans { return submit(.spans(spans), now: now) }
            if guideline.task == .classify && selected.count != 1 { message = ("choose a label (Esc cleared the suggestion)", true); return [] }
            return submit(.labels(Array(selected)), now: now)
        case .clearDraft:
            // On the span screen Esc drops the selection only: marked spans go with x, one by one.
            if guideline.task == .spans { anchor = nil; message = nil; return [] }
            selected = []; comment = ""; unsure = false; unsureNote = ""; message = nil
        case .moveCursor(let delta): moveCursor(by: delta, extending: false)
        case .extendSelection(let delta): moveCursor(by: delta, extending: true)
        case .removeSpan:
            guard let i = spanUnderCursor else { message = ("no span under the cursor", true); return [] }
            let removed = spans.remove(at: i)
            message = ("removed \(removed.label) \(removed.start):\(removed.end)", false)
        case .saveText, .cancelText, .deleteChar:
            if case .typing(let field) = mode { return edit(field, action) }
        case .command(let command):
            return run(command)
        }
        return []
    }

    private mutating func run(_ command: ScreenCommand) -> [Effect] {
        switch command {
        case .undo:
            guard canUndo else { message = ("nothing to undo yet", true); return [] }
            message = nil
            return [.undo]
        case .skip:
            guard let item else { return [] }
            if !item.kind.canSkip {
                message = ("qualification items cannot be skipped: give your best answer", true)
                return []
            }
            message = nil
            return [.skip(item: item.id)]
        case .unsure:
            if guideline.enforcement.unsure == .forbid { message = ("this guideline does not allow unsure answers: choose the label you think is right", true); return [] }
            if unsure { unsure = false; unsureNote = ""; message = ("unsure flag removed", false); return [] }
            mode = .typing(.unsureNote(unsureNote))
        case .comment:
            mode = .typing(.comment(comment))
        case .guideline:
            mode = .guideline(scroll: 0)
        case .quit:
            mode = .quitting
            return [.quit]
        }
        return []
    }

    /// Lines a page moves in the current mode.
    private var pageSize: Int {
        switch mode {
        case .guideline: return max(1, guidelineRows - 1)
        case .acknowledge: return max(1, guidelineRows - 1)
        case .qualificationResult: return max(1, qualificationRows)
        default: return max(1, textRows - 1)
        }
    }

    private mutating func move(by delta: Int) {
        switch mode {
        case .guideline(let s): move(to: max(0, s + delta))
        case .acknowledge(let s, _): move(to: max(0, s + delta))
        case .qualificationResult(_, let s): move(to: max(0, s + delta))
        default: move(to: max(0, scroll + delta))
        }
    }

    /// Scrolls whatever the mode shows to line `target` (clamped where the mode knows its end).
    private mutating func move(to target: Int) {
        switch mode {
        case .guideline: mode = .guideline(scroll: target)
        case .acknowledge(_, let reachedEnd):
            let maxScroll = max(0, guidelineLines().count - guidelineRows)
            let s = min(target, maxScroll)
            mode = .acknowledge(scroll: s, reachedEnd: reachedEnd || s >= maxScroll)
        case .qualificationResult(let summary, _): mode = .qualificationResult(summary, scroll: target)
        default: scroll = target == Int.max / 2 ? scroll : target
        }
    }

    private mutating func submit(_ value: AnswerValue, now: Date) -> [Effect] {
        guard let item else { return [] }
        let checked: AnswerValue
        do {
            checked = try guideline.validate(value, comment: comment, text: item.text)
        } catch {
            message = ("not saved: \(error)", true)
            return []
        }
        if let min = guideline.enforcement.minSeconds, let shownAt, now.timeIntervalSince(shownAt) < min {
            message = ("too fast: take at least \(Self.seconds(min)) s to read the item before answering", true)
            return [.tooFast]
        }
        let draft = Answer(value: checked, comment: comment.isEmpty ? nil : comment,
                                unsure: unsure, unsureNote: unsureNote.isEmpty ? nil : unsureNote, seconds: shownAt.map { now.timeIntervalSince($0) })
        return [.submit(item: item.id, answer: draft)]
    }

    private mutating func edit(_ field: TextField, _ action: KeyAction) -> [Effect] {
        var text = field.text
        switch action {
        case .saveText:
            switch field {
            case .comment: comment = text; message = text.isEmpty ? nil : ("comment added", false)
            case .unsureNote: unsure = true; unsureNote = text; message = ("flagged as unsure — now choose the label you lean to", false)
            }
            mode = .labeling
            return []
        case .cancelText:
            mode = .labeling
            return []
        default:
            if !text.isEmpty { text.removeLast() }
        }
        setText(text, of: field)
        return []
    }

    private mutating func type(_ c: Character, into field: TextField) -> [Effect] {
        var text = field.text
        if text.count < 500 { text.append(c) }
        setText(text, of: field)
        return []
    }

    private mutating func setText(_ text: String, of field: TextField) {
        switch field {
        case .comment: mode = .typing(.comment(text))
        case .unsureNote: mode = .typing(.unsureNote(text))
        }
    }

    /// The candidate a compare item shows first to an annotator: one bit of SHA-256 over the
    /// annotator and item id, so the order looks random across items and annotators (position
    /// bias averages out) yet is the same on every redraw, undo or resume.
    public static func sideShownFirst(annotator: String, item: String) -> PairSide {
        var h = SHA256()
        h.update(annotator)
        h.update([0])
        h.update(item)
        return (h.finalize().first ?? 0) & 1 == 0 ? .a : .b
    }

    static func seconds(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(format: "%.1f", v) }

    /// Applies the result of an effect.
    public mutating func apply(_ event: Event, now: Date = Date()) {
        switch event {
        case .answered:
            // `item` is still the one answered: the next is loaded after.
            if item?.kind.isQualification != true { sessionAnswers += 1 }
            message = nil
        case .undone:
            sessionAnswers = max(0, sessionAnswers - 1)
            message = ("previous answer taken back: answer it again", false)
        case .loaded(let next, let p, let undo):
            progress = p
            canUndo = undo
            item = next
            selected = []; comment = ""; unsure = false; unsureNote = ""; scroll = 0
            spans = []; cursor = 0; anchor = nil
            switch next?.draft {
            case .spans(let draft)?: spans = draft.sorted()
            case .labels(let draft)? where guideline.task == .multilabel: selected = Set(draft)
            default: break
            }
            // A suggestion starts pre-selected, so ⏎ accepts it; a draft (undo) wins over it.
            if next?.draft == nil {
                switch next?.suggestion?.value {
                case .spans(let suggested)? where guideline.task == .spans: spans = suggested.sorted()
                case .labels(let suggested)? where guideline.task == .classify || guideline.task == .multilabel: selected = Set(suggested)
                default: break
                }
            }
            tokens = guideline.task == .spans ? next.map { TextTokens($0.text) } : nil
            shownFirst = next.map { shuffleSides ? Self.sideShownFirst(annotator: annotator, item: $0.id) : .a } ?? .a
            shownAt = now
            if rateStart == nil, let next, !next.kind.isQualification { rateStart = now }
            if case .guideline = mode {} else { mode = next == nil ? .empty : .labeling }
        case .blocked(let b):
            item = nil
            switch b {
            case .acknowledge(let v, let notice):
                guidelineNotice = notice
                if let notice { guideline = notice.guideline }
                mode = .acknowledge(scroll: 0, reachedEnd: false)
                let fits = guidelineLines().count <= guidelineRows
                mode = .acknowledge(scroll: 0, reachedEnd: fits)
                message = ("guideline v\(v): read it to the end, then press ⏎", false)
            case .qualificationFailed(let s): mode = .qualificationResult(s, scroll: 0); message = nil
            case .paused(let reason): mode = .blocked(reason); message = nil
            }
        case .qualificationFinished(let s):
            item = nil
            mode = .qualificationResult(s, scroll: 0)
            message = nil
        case .refused(let m):
            message = (m, true)
        case .failed(let m):
            message = (m, true)
        }
    }

    /// Rows available for the item text at the current size: below the header and the item's
    /// own line, above the rule, two rows of label chips, the message and the key line.
    var textRows: Int { max(1, height - headerRows - 6) }
    /// Rows of the qualification result.
    var qualificationRows: Int { max(1, height - headerRows - 5) }
}
