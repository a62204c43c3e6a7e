/// A labeling guideline: the YAML front matter is the enforced schema, the Markdown body is
/// the prose annotators read. Parsed by `Guideline.parse(_:file:)`.
public struct Guideline: Sendable, Equatable {
    /// Task types. Only `classify` and `multilabel` are labelable today; the others are
    /// reserved names so that guideline files written for them fail with a clear message.
    public enum Task: String, Sendable, CaseIterable {
        case classify, multilabel
        static let reserved: Set<String> = ["spans", "rating", "pairwise"]
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
    /// The Markdown body (everything after the front matter).
    public var body: String
    /// SHA-256 of the whole file text: the guideline's version identity.
    public var contentHash: String
    /// The whole file as read.
    public var source: String

    public func label(_ value: String) -> Label? { labels.first { $0.value == value } }

    /// Keys the labeling screen uses itself; a label hotkey may not take one.
    /// The labeling screen's own command keys and the digits (which pick labels by position):
    /// derived from `ScreenCommand`, the same table the screen's keymap binds.
    public static let reservedKeys: Set<Character> = Set(ScreenCommand.allCases.map(\.key)).union("0123456789")
    /// Upper bounds that keep a typo from making a project unusable.
    public static let maxOverlapLimit = 50
    public static let maxLeaseMinutes: Double = 7 * 24 * 60
}
