/// The order the queue serves items in, within each priority (higher priority always first).
/// The queue is shared, so the order belongs to the project, not to one annotator's session:
/// it is written into the items' queue keys, and the claim query, the exact-overlap rule and
/// the leases stay as they are.
public enum QueueOrder: Sendable, Equatable, CustomStringConvertible {
    /// Import order (the default).
    case imported
    /// Least confident first: the lowest score of the suggestion each item shows (one score
    /// per suggestion, whatever the task: for multi-label and span suggestions, the model's
    /// confidence in the whole answer, e.g. its mean or lowest label probability). Items
    /// without a scored suggestion come after, in import order.
    case uncertainty
    /// A shuffle fixed by the seed: each item's place comes from SHA-256 of the seed and its
    /// id, so the same seed gives the same order on any workspace holding the same items.
    case random(seed: UInt64)

    /// `import`, `uncertainty` or `random` (with `seed` for random).
    public init?(name: String, seed: UInt64 = 0) {
        switch name {
        case "import": self = .imported
        case "uncertainty": self = .uncertainty
        case "random": self = .random(seed: seed)
        default: return nil
        }
    }

    public static let names = ["import", "uncertainty", "random"]

    public var description: String {
        switch self {
        case .imported: return "import"
        case .uncertainty: return "uncertainty"
        case .random(let seed): return "random (seed \(seed))"
        }
    }

    /// An item as ordering sees it.
    public struct Entry: Sendable {
        public var id: Int64
        public var externalID: String
        public var priority: Int
        /// The score of the suggestion the item shows, if any.
        public var score: Double?
        public init(id: Int64, externalID: String, priority: Int, score: Double?) {
            self.id = id; self.externalID = externalID; self.priority = priority; self.score = score
        }
    }

    /// The entries in serving order: priority (higher first), then this order, then import
    /// order (ids grow with imports) to break ties.
    public func arrange(_ entries: [Entry]) -> [Entry] {
        switch self {
        case .imported:
            return entries.sorted { ($1.priority, $0.id) < ($0.priority, $1.id) }
        case .uncertainty:
            return entries.sorted { a, b in
                if a.priority != b.priority { return a.priority > b.priority }
                switch (a.score, b.score) {
                case let (x?, y?) where x != y: return x < y
                case (_?, nil): return true
                case (nil, _?): return false
                default: return a.id < b.id
                }
            }
        case .random(let seed):
            let keyed = entries.map { e -> (Entry, [UInt8]) in
                var h = SHA256()
                h.update(String(seed))
                h.update([0])
                h.update(e.externalID)
                return (e, h.finalize())
            }
            return keyed.sorted { a, b in
                if a.0.priority != b.0.priority { return a.0.priority > b.0.priority }
                return a.1.lexicographicallyPrecedes(b.1)
            }.map(\.0)
        }
    }
}
