import Foundation
import MeowCore

/// A model's proposed answer for the item on screen: pre-selected, and ⏎ accepts it.
public struct SuggestedAnswer: Sendable, Equatable {
    public var model: String
    public var value: AnswerValue
    public var score: Double?
    public init(model: String, value: AnswerValue, score: Double? = nil) { self.model = model; self.value = value; self.score = score }
}

/// An item on the labeling screen.
public struct ScreenItem: Sendable, Equatable {
    public var id: String
    public var text: String
    /// What kind of item this is (announced above the text unless ordinary).
    public var kind: ItemKind
    public var banner: String? { kind.banner }
    /// Lines shown under the text (the review screen lists every answer here).
    public var context: [String] = []
    /// Metadata fields the guideline asks to show, in its order.
    public var fields: [(name: String, value: String)]
    /// An answer the screen starts from: on the review screen the consensus spans so far, after
    /// undo the answer taken back (spans or multi-label choices to correct, not redo).
    public var draft: AnswerValue?
    /// A model's suggestion, pre-selected when there is no draft.
    public var suggestion: SuggestedAnswer?
    public init(id: String, text: String, fields: [(name: String, value: String)] = [], kind: ItemKind = .item, context: [String] = [],
                draft: AnswerValue? = nil, suggestion: SuggestedAnswer? = nil) {
        self.id = id; self.text = text; self.fields = fields; self.kind = kind; self.context = context; self.draft = draft; self.suggestion = suggestion
    }
    public static func == (a: ScreenItem, b: ScreenItem) -> Bool {
        a.id == b.id && a.text == b.text && a.kind == b.kind && a.context == b.context && a.draft == b.draft && a.suggestion == b.suggestion && a.fields.map(\.name) == b.fields.map(\.name) && a.fields.map(\.value) == b.fields.map(\.value)
    }
}

/// A finished qualification round as the screen shows it.
public struct QualificationSummary: Sendable, Equatable {
    public struct Miss: Sendable, Equatable {
        public var text: String, given: String, correct: String, explanation: String, definition: String
        public init(text: String, given: String, correct: String, explanation: String, definition: String) {
            self.text = text; self.given = given; self.correct = correct; self.explanation = explanation; self.definition = definition
        }
    }
    public var correct: Int
    public var total: Int
    public var passMark: Double
    public var passed: Bool
    public var misses: [Miss]
    public init(correct: Int, total: Int, passMark: Double, passed: Bool, misses: [Miss]) {
        self.correct = correct; self.total = total; self.passMark = passMark; self.passed = passed; self.misses = misses
    }
}

/// A guideline version that arrived while the screen was open, announced above the guideline
/// on the acknowledgement screen.
public struct GuidelineNotice: Sendable, Equatable {
    /// The version the screen showed until now, and the one that replaces it.
    public var previous: Int
    public var version: Int
    /// The new version: its labels and keys replace the old ones on the screen.
    public var guideline: Guideline
    /// What changed in each version after `previous` (versions without a record are left out).
    public var changes: [Int: GuidelineChanges]
    /// An item whose answer was refused because it came after the new version (a qualification
    /// item or check: those always follow the current version).
    public var unsavedItem: String?
    public init(previous: Int, version: Int, guideline: Guideline, changes: [Int: GuidelineChanges], unsavedItem: String? = nil) {
        self.previous = previous; self.version = version; self.guideline = guideline; self.changes = changes; self.unsavedItem = unsavedItem
    }
}

/// Why the queue gives this annotator nothing to label right now.
public enum Blocker: Sendable, Equatable {
    /// A guideline version to read and acknowledge; with a notice when it replaced the one the
    /// screen was showing.
    case acknowledge(version: Int, notice: GuidelineNotice? = nil)
    case qualificationFailed(QualificationSummary)
    case paused(String)
}

/// Progress numbers shown in the status line.
public struct Progress: Sendable, Equatable {
    public var mine: Int
    public var teamDone: Int
    public var teamTotal: Int
    public init(mine: Int = 0, teamDone: Int = 0, teamTotal: Int = 0) { self.mine = mine; self.teamDone = teamDone; self.teamTotal = teamTotal }
}

/// Everything the labeling screen shows. Changed only by `handle(_:)` (keys) and
/// `apply(_:)` (results of effects), so all behaviour is testable without a terminal.
public struct LabelingState: Sendable {
    public enum Mode: Sendable, Equatable {
        /// Waiting for the first item from the queue.
        case loading
        case labeling
        /// Typing a comment or an unsure note on the line at the bottom.
        case typing(TextField)
        /// Reading the guideline.
        case guideline(scroll: Int)
        /// Nothing left in the queue for this annotator.
        case empty
        /// Reading a new guideline version; ⏎ acknowledges once the end was reached.
        case acknowledge(scroll: Int, reachedEnd: Bool)
        /// The result of a qualification round, with what to learn from each miss.
        case qualificationResult(QualificationSummary, scroll: Int)
        /// Paused by gold checks (or another rule): nothing to label until an admin lifts it.
        case blocked(String)
        case quitting
    }

    public enum TextField: Sendable, Equatable {
        case comment(String)
        case unsureNote(String)
        public var text: String { switch self { case .comment(let s), .unsureNote(let s): return s } }
    }

    public var project: String
    public var annotator: String
    public var guideline: Guideline
    public var mode: Mode = .loading
    /// Where closing the guideline returns to, when it was opened from a result or blocked screen.
    public var returnMode: Mode?
    public var item: ScreenItem?
    /// Labels chosen so far (multi-label tasks toggle; single-label tasks submit at once).
    public var selected: Set<String> = []
    public var comment: String = ""
    public var unsure = false
    public var unsureNote: String = ""
    /// Lines the item text is scrolled by.
    public var scroll = 0
    /// A message for the line above the key line: why an answer was refused, what happened.
    public var message: (text: String, isError: Bool)?
    public var progress = Progress()
    public var width: Int
    public var height: Int
    /// When the current item was shown, for timing answers.
    public var shownAt: Date?
    public var sessionStart: Date
    /// Real items answered in this session (qualification answers are practice, not counted).
    public var sessionAnswers = 0
    /// When the session's first real item was shown: items per hour are measured from here, so
    /// time spent on the guideline and the qualification round does not dilute the rate.
    public var rateStart: Date?
    /// Whether there is an earlier answer `u` can take back in this workspace.
    public var canUndo = false
    /// Spans tasks: the spans marked so far on the item, in text order.
    public var spans: [Span] = []
    /// Spans tasks: the token index under the cursor, and the other end of the selection when
    /// one is being made (nil: the selection is the cursor's token).
    public var cursor = 0
    public var anchor: Int?
    /// Spans tasks: the item text's tokens, computed once per item (the cursor steps over them).
    public var tokens: TextTokens?
    /// Compare tasks: the candidate shown first (as "A", left or on top) for this annotator and
    /// item.
    public var shownFirst: PairSide = .a
    /// Compare tasks: whether the sides are shown in an order drawn per annotator and item
    /// (labeling), or as the data names them (the review screen, whose answers are in data terms).
    public var shuffleSides = true
    /// The last item layout, shared by the key that moved the span cursor (to scroll it into
    /// view) and the frame drawn after it, so a frame lays the text out once.
    let layoutCache = LayoutCache()
    /// The guideline update the acknowledgement screen announces (nil: nothing changed while
    /// the screen was open, e.g. the first acknowledgement).
    public var guidelineNotice: GuidelineNotice?

    public init(project: String, annotator: String, guideline: Guideline, width: Int, height: Int, now: Date = Date()) {
        self.project = project
        self.annotator = annotator
        self.guideline = guideline
        self.width = width
        self.height = height
        self.sessionStart = now
    }

    /// The smallest window the layout works in (split tmux panes are often below 80x24).
    public static let minimumWidth = 60
    public static let minimumHeight = 16
    public var isTooSmall: Bool { width < Self.minimumWidth || height < Self.minimumHeight }
    /// Below 80x24 the header is compact: two rows instead of three, the progress line doubling
    /// as the rule under the title.
    public var isCompact: Bool { width < 80 || height < 24 }
    /// Rows the header takes; what the mode shows starts on the row below.
    var headerRows: Int { isCompact ? 2 : 3 }

    /// Real items answered per hour in this session, from the first real item shown (nil until
    /// there is something to measure).
    public func itemsPerHour(now: Date) -> Double? {
        let elapsed = now.timeIntervalSince(rateStart ?? sessionStart)
        guard sessionAnswers > 0, elapsed > 1 else { return nil }
        return Double(sessionAnswers) / elapsed * 3600
    }
}

/// Work the screen asks the session to do against the store. The session reports back with
/// an `Event`.
public enum Effect: Sendable, Equatable {
    case loadNext
    case submit(item: String, answer: Answer)
    case skip(item: String)
    case undo
    case quit
    /// The annotator read the guideline version to its end and confirmed.
    case acknowledge
    /// Start a new qualification round after reviewing the misses.
    case retryQualification
    /// An answer came faster than `min_seconds`: counted per annotator.
    case tooFast
}

/// Results of effects, fed back into the state.
public enum Event: Sendable {
    /// An answer was committed to the store.
    case answered
    /// The last answer was taken back; its item follows as `loaded`.
    case undone
    case loaded(ScreenItem?, Progress, canUndo: Bool)
    case refused(String)
    case failed(String)
    /// The queue has nothing for the annotator until something is done.
    case blocked(Blocker)
    /// A qualification round finished with this submit.
    case qualificationFinished(QualificationSummary)
}

/// One remembered item layout with everything it was computed from. A class so the pure
/// `render` can reuse what `handle` computed; copies of a state share it, which is safe since
/// a layout is only reused for equal inputs. Guarded by a lock, as states are `Sendable`.
final class LayoutCache: @unchecked Sendable {
    struct Inputs: Equatable {
        var item: ScreenItem?
        var width: Int
        var spans: [Span]
        var cursor: Int
        var anchor: Int?
        var shownFirst: PairSide
        var guideline: String
    }
    private let lock = NSLock()
    private var inputs: Inputs?
    private var layout: (lines: [TextLayout.Line], cursorLine: Int?) = ([], nil)

    func layout(for key: Inputs, _ compute: () -> (lines: [TextLayout.Line], cursorLine: Int?)) -> (lines: [TextLayout.Line], cursorLine: Int?) {
        lock.lock()
        if inputs == key { defer { lock.unlock() }; return layout }
        lock.unlock()
        let fresh = compute()
        lock.lock(); inputs = key; layout = fresh; lock.unlock()
        return fresh
    }
}
