import Foundation
import MeowCore

/// The keymap as data: each command with its keys and what the key line says.
public enum Command: String, Sendable, CaseIterable {
    case undo, skip, unsure, comment, guideline, quit, submit
    public var key: Character? {
        switch self {
        case .undo: return "u"
        case .skip: return "s"
        case .unsure: return "f"
        case .comment: return "c"
        case .guideline: return "?"
        case .quit: return "q"
        case .submit: return nil
        }
    }
    public var help: String {
        switch self {
        case .undo: return "undo"
        case .skip: return "skip"
        case .unsure: return "unsure"
        case .comment: return "comment"
        case .guideline: return "guideline"
        case .quit: return "quit"
        case .submit: return "submit"
        }
    }
    static func forKey(_ c: Character) -> Command? { allCases.first { $0.key == c } }
}

extension LabelingState {
    /// The label a key chooses: its hotkey, or 1-9 in guideline order.
    public func label(forKey c: Character) -> Guideline.Label? {
        if let l = guideline.labels.first(where: { $0.hotkey == c }) { return l }
        if let d = c.wholeNumberValue, c.isASCII, d >= 1, d <= 9, d <= guideline.labels.count { return guideline.labels[d - 1] }
        return nil
    }

    /// Handles one key press; returns what the session must do.
    public mutating func handle(_ key: Key, now: Date = Date()) -> [Effect] {
        if case .resize(let w, let h) = key { width = w; height = h; return [] }
        if key == .ctrlC { mode = .quitting; return [.quit] }
        // Nothing is drawn when the window is too small: no blind answers.
        if isTooSmall {
            if key == .character("q") { mode = .quitting; return [.quit] }
            return []
        }
        switch mode {
        case .quitting, .loading:
            if key == .character("q") { mode = .quitting; return [.quit] }
            return []
        case .typing(let field): return handleTyping(field, key)
        case .guideline(let scroll): return handleGuideline(scroll, key)
        case .acknowledge(let scroll, let reachedEnd): return handleAcknowledge(scroll, reachedEnd, key)
        case .qualificationResult(let summary, let scroll):
            switch key {
            case .character("q"): mode = .quitting; return [.quit]
            case .up, .character("k"): mode = .qualificationResult(summary, scroll: max(0, scroll - 1))
            case .down, .character("j"): mode = .qualificationResult(summary, scroll: scroll + 1)
            case .pageDown, .character(" "): mode = .qualificationResult(summary, scroll: scroll + max(1, height - 8))
            case .pageUp: mode = .qualificationResult(summary, scroll: max(0, scroll - max(1, height - 8)))
            case .character("?"): returnMode = mode; mode = .guideline(scroll: 0)
            case .character("r") where !summary.passed: message = nil; mode = .loading; return [.retryQualification]
            case .enter where summary.passed: message = nil; mode = .loading; return [.loadNext]
            default: break
            }
            return []
        case .blocked:
            switch key {
            case .character("q"): mode = .quitting; return [.quit]
            case .character("?"): returnMode = mode; mode = .guideline(scroll: 0)
            default: break
            }
            return []
        case .empty:
            switch key {
            case .character("q"): mode = .quitting; return [.quit]
            case .character("u") where canUndo: message = nil; return [.undo]
            case .character("?"): mode = .guideline(scroll: 0); return []
            default: return []
            }
        case .labeling: return handleLabeling(key, now: now)
        }
    }

    private mutating func handleLabeling(_ key: Key, now: Date) -> [Effect] {
        switch key {
        case .up: scroll = max(0, scroll - 1); return []
        case .down: scroll += 1; return []
        case .pageUp: scroll = max(0, scroll - max(1, textRows - 1)); return []
        case .pageDown: scroll += max(1, textRows - 1); return []
        case .home: scroll = 0; return []
        case .enter:
            guard guideline.task == .multilabel else { return [] }
            return submit(Array(selected), now: now)
        case .escape:
            selected = []; comment = ""; unsure = false; unsureNote = ""; message = nil
            return []
        case .character(let c):
            if let l = label(forKey: c) {
                if guideline.task == .multilabel {
                    if selected.contains(l.value) { selected.remove(l.value) } else { selected.insert(l.value) }
                    message = nil
                    return []
                }
                return submit([l.value], now: now)
            }
            switch Command.forKey(c) {
            case .undo?:
                guard canUndo else { message = ("nothing to undo yet", true); return [] }
                message = nil
                return [.undo]
            case .skip?:
                guard let item else { return [] }
                if !item.kind.canSkip {
                    message = ("qualification items cannot be skipped: give your best answer", true)
                    return []
                }
                message = nil
                return [.skip(item: item.id)]
            case .unsure?:
                if guideline.enforcement.unsure == .forbid { message = ("this guideline does not allow unsure answers: choose the label you think is right", true); return [] }
                if unsure { unsure = false; unsureNote = ""; message = ("unsure flag removed", false); return [] }
                mode = .typing(.unsureNote(unsureNote))
                return []
            case .comment?:
                mode = .typing(.comment(comment))
                return []
            case .guideline?:
                mode = .guideline(scroll: 0)
                return []
            case .quit?:
                mode = .quitting
                return [.quit]
            default:
                message = ("'\(c)' is not a key here — press ? for the guideline", true)
                return []
            }
        default:
            return []
        }
    }

    private mutating func submit(_ labels: [String], now: Date) -> [Effect] {
        guard let item else { return [] }
        let ordered = guideline.labels.map(\.value).filter(labels.contains)
        do {
            _ = try guideline.validate(labels: ordered, comment: comment)
        } catch {
            message = ("not saved: \(error)", true)
            return []
        }
        if let min = guideline.enforcement.minSeconds, let shownAt, now.timeIntervalSince(shownAt) < min {
            message = ("too fast: take at least \(Self.seconds(min)) s to read the item before answering", true)
            return [.tooFast]
        }
        let draft = AnswerDraft(labels: ordered, comment: comment.isEmpty ? nil : comment,
                                unsure: unsure, unsureNote: unsureNote.isEmpty ? nil : unsureNote, seconds: shownAt.map { now.timeIntervalSince($0) })
        return [.submit(item: item.id, answer: draft)]
    }

    private mutating func handleTyping(_ field: TextField, _ key: Key) -> [Effect] {
        var text = field.text
        switch key {
        case .enter:
            switch field {
            case .comment: comment = text; message = text.isEmpty ? nil : ("comment added", false)
            case .unsureNote: unsure = true; unsureNote = text; message = ("flagged as unsure — now choose the label you lean to", false)
            }
            mode = .labeling
            return []
        case .escape:
            mode = .labeling
            return []
        case .backspace:
            if !text.isEmpty { text.removeLast() }
        case .character(let c):
            if text.count < 500 { text.append(c) }
        default:
            return []
        }
        switch field {
        case .comment: mode = .typing(.comment(text))
        case .unsureNote: mode = .typing(.unsureNote(text))
        }
        return []
    }

    private mutating func handleGuideline(_ scroll: Int, _ key: Key) -> [Effect] {
        let page = max(1, height - 4)
        switch key {
        case .character("?"), .character("q"), .escape:
            mode = returnMode ?? (item == nil ? .empty : .labeling)
            returnMode = nil
        case .up, .character("k"): mode = .guideline(scroll: max(0, scroll - 1))
        case .down, .character("j"): mode = .guideline(scroll: scroll + 1)
        case .pageUp, .character("b"): mode = .guideline(scroll: max(0, scroll - page))
        case .pageDown, .character(" "): mode = .guideline(scroll: scroll + page)
        case .home, .character("g"): mode = .guideline(scroll: 0)
        case .end, .character("G"): mode = .guideline(scroll: Int.max / 2)
        default: break
        }
        return []
    }

    private mutating func handleAcknowledge(_ scroll: Int, _ reachedEnd: Bool, _ key: Key) -> [Effect] {
        let page = max(1, guidelineRows - 1)
        let maxScroll = max(0, guidelineLines().count - guidelineRows)
        var s = scroll
        switch key {
        case .character("q"): mode = .quitting; return [.quit]
        case .up, .character("k"): s = max(0, s - 1)
        case .down, .character("j"): s += 1
        case .pageUp, .character("b"): s = max(0, s - page)
        case .pageDown, .character(" "): s += page
        case .home, .character("g"): s = 0
        case .end, .character("G"): s = maxScroll
        case .enter:
            guard reachedEnd else { message = ("scroll to the end of the guideline first (Space or PgDn)", true); return [] }
            message = nil
            mode = .loading
            return [.acknowledge]
        default: return []
        }
        s = min(s, maxScroll)
        mode = .acknowledge(scroll: s, reachedEnd: reachedEnd || s >= maxScroll)
        return []
    }

    static func seconds(_ v: Double) -> String { v == v.rounded() ? String(Int(v)) : String(format: "%.1f", v) }

    /// Applies the result of an effect.
    public mutating func apply(_ event: Event, now: Date = Date()) {
        switch event {
        case .answered:
            sessionAnswers += 1
            message = nil
        case .undone:
            sessionAnswers = max(0, sessionAnswers - 1)
            message = ("previous answer taken back: answer it again", false)
        case .loaded(let next, let p, let undo):
            progress = p
            canUndo = undo
            item = next
            selected = []; comment = ""; unsure = false; unsureNote = ""; scroll = 0
            shownAt = now
            if case .guideline = mode {} else { mode = next == nil ? .empty : .labeling }
        case .blocked(let b):
            item = nil
            switch b {
            case .acknowledge(let v):
                let fits = guidelineLines().count <= guidelineRows
                mode = .acknowledge(scroll: 0, reachedEnd: fits)
                message = ("guideline v\(v): read it to the end, then press ⏎ to acknowledge", false)
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

    /// Rows available for the item text at the current size.
    var textRows: Int { max(1, height - 9) }
}
