import Foundation
import MeowCore

/// An item on the labeling screen.
public struct ScreenItem: Sendable, Equatable {
    public var id: String
    public var text: String
    /// Metadata fields the guideline asks to show, in its order.
    public var fields: [(name: String, value: String)]
    public init(id: String, text: String, fields: [(name: String, value: String)] = []) {
        self.id = id; self.text = text; self.fields = fields
    }
    public static func == (a: ScreenItem, b: ScreenItem) -> Bool {
        a.id == b.id && a.text == b.text && a.fields.map(\.name) == b.fields.map(\.name) && a.fields.map(\.value) == b.fields.map(\.value)
    }
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
    /// When the current item was shown, and this session's answers, for timing and items/hour.
    public var shownAt: Date?
    public var sessionStart: Date
    public var sessionAnswers = 0
    /// Whether there is an earlier answer `u` can take back in this workspace.
    public var canUndo = false

    public init(project: String, annotator: String, guideline: Guideline, width: Int, height: Int, now: Date = Date()) {
        self.project = project
        self.annotator = annotator
        self.guideline = guideline
        self.width = width
        self.height = height
        self.sessionStart = now
    }

    public static let minimumWidth = 80
    public static let minimumHeight = 24
    public var isTooSmall: Bool { width < Self.minimumWidth || height < Self.minimumHeight }

    /// Items answered per hour in this session (nil until there is something to measure).
    public func itemsPerHour(now: Date) -> Double? {
        let elapsed = now.timeIntervalSince(sessionStart)
        guard sessionAnswers > 0, elapsed > 1 else { return nil }
        return Double(sessionAnswers) / elapsed * 3600
    }
}

/// Work the screen asks the session to do against the store. The session reports back with
/// an `Event`.
public enum Effect: Sendable, Equatable {
    case loadNext
    case submit(item: String, answer: AnswerDraft)
    case skip(item: String)
    case undo
    case quit
}

/// An answer as the screen builds it (MeowStore turns it into a stored annotation).
public struct AnswerDraft: Sendable, Equatable {
    public var labels: [String]
    public var comment: String?
    public var unsure: Bool
    public var unsureNote: String?
    public var seconds: Double?
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
}
