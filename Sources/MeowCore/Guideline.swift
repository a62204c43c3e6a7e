/// A labeling guideline: the YAML front matter is the enforced schema, the Markdown body is
/// the prose annotators read. Parsed by `Guideline.parse(_:file:)`.
public struct Guideline: Sendable, Equatable {
    /// Task types: one label per item, several, labeled spans of the text, a rating on a
    /// scale, or a choice between two candidates.
    public enum Task: String, Sendable, CaseIterable {
        case classify, multilabel, spans, rate, compare

        /// Whether an answer is a set of labels (classify, multilabel).
        public var answersWithLabels: Bool { self == .classify || self == .multilabel }
    }

    /// How spans may be drawn in a `spans` task.
    public struct SpanRules: Sendable, Equatable {
        /// Whether two spans of one answer may share text (`allow_overlap`, default false).
        public var allowOverlap = false
        /// Whether span edges must fall on token boundaries (`snap_to_tokens`, default true):
        /// the screen then selects whole tokens, and scripts are held to the same rule.
        public var snapToTokens = true
        public init(allowOverlap: Bool = false, snapToTokens: Bool = true) {
            self.allowOverlap = allowOverlap; self.snapToTokens = snapToTokens
        }
    }

    public struct Label: Sendable, Equatable {
        public var value: String
        public var hotkey: Character?
        public var definition: String
        public var examples: [String]
        public var counterExamples: [String]
        /// An answer with this label must carry a comment (e.g. `other`).
        public var requiresComment: Bool
        /// Labels that cannot be chosen together with this one (multilabel).
        public var excludes: [String]
        /// The label's value in an earlier version, when it was renamed.
        public var renamedFrom: String? = nil
        /// The label's number on a measurement scale (`number:`), for interval and ratio
        /// agreement and weighted kappa; every label of a guideline has one or none does.
        public var number: Double? = nil
        /// A point's name on a rating scale (`rate`: `value: 4`, `name: Helpful`).
        public var name: String? = nil
    }

    /// Machine name, e.g. `review-sentiment`.
    public var name: String
    public var title: String
    public var task: Task
    /// Distinct annotators wanted per item.
    public var overlap: Int
    /// Adaptive overlap: an item whose answers have no majority gets one more annotator at a
    /// time, up to this many, before it counts as disputed. Equal to `overlap` when not set.
    public var maxOverlap: Int = 0
    /// Metadata fields shown beside the text, in this order.
    public var show: [String]
    public var minLabels: Int
    public var maxLabels: Int
    /// Minutes a claim is held before it returns to the queue.
    public var leaseMinutes: Double?
    public var labels: [Label]
    /// Acknowledgement is always required; these are the optional rules.
    public var enforcement: Enforcement = Enforcement()
    /// `spans` tasks: overlap and token snapping.
    public var spanRules = SpanRules()
    /// `rate` tasks: ratings of one item whose highest and lowest differ by more than this go
    /// to review instead of taking the median (`review_spread`, default 1).
    public var reviewSpread = 1
    /// The order the queue serves items in (`order:`, with `order_seed:` for random), applied
    /// when suggestions are loaded; import order when not set.
    public var order: QueueOrder = .imported
    /// `rate` tasks: the scale points as numbers, ascending (the labels are their digits).
    public var scale: [Int] { task == .rate ? labels.compactMap { Int($0.value) } : [] }
    /// The Markdown body (everything after the front matter).
    public var body: String
    /// SHA-256 of the whole file text: the guideline's version identity.
    public var contentHash: String
    /// The whole file as read.
    public var source: String

    public func label(_ value: String) -> Label? { labels.first { $0.value == value } }

    /// "3 labels", "5 scale points", "4 choices": what an answer picks from, for summaries.
    public var answerOptions: String {
        let noun = task == .rate ? "scale point" : task == .compare ? "choice" : "label"
        return "\(labels.count) \(noun)\(labels.count == 1 ? "" : "s")"
    }

    /// Keys the labeling screen uses itself; a label hotkey may not take one.
    /// The labeling screen's own command keys and the digits (which pick labels by position):
    /// derived from `ScreenCommand`, the same table the screen's keymap binds.
    public static let reservedKeys: Set<Character> = Set(ScreenCommand.allCases.map(\.key)).union("0123456789")

    /// The keys reserved for a task's screen: the common ones, and for `spans` the span
    /// screen's own (`[`, `]`, `x`: `SpanCommand`).
    public static func reservedKeys(for task: Task) -> Set<Character> {
        task == .spans ? reservedKeys.union(SpanCommand.allCases.map(\.key)) : reservedKeys
    }
    /// Upper bounds that keep a typo from making a project unusable.
    public static let maxOverlapLimit = 50
    public static let maxLeaseMinutes: Double = 7 * 24 * 60
}
