/// How a final label was reached.
public enum Decision: String, Sendable, Codable, CaseIterable {
    /// Every annotator gave the same label.
    case unanimous
    /// More votes for one label than for any other.
    case majority
    /// A statistical model (Dawid-Skene) chose it.
    case model
    /// A reviewer decided.
    case reviewer
}

/// A consensus for one item. `label` is nil when the vote is tied: left for review.
public struct Consensus: Sendable, Equatable {
    public var item: String
    public var label: String?
    /// Share of votes for the label (majority), or its posterior probability (model).
    public var confidence: Double
    public var decision: Decision?
    /// The labels tied for first place, when unresolved.
    public var tied: [String]
    /// Why an item is left for review when it is not a tie (e.g. a model's label no annotator gave).
    public var reason: String?

    public init(item: String, label: String?, confidence: Double, decision: Decision?, tied: [String] = [], reason: String? = nil) {
        self.item = item; self.label = label; self.confidence = confidence; self.decision = decision; self.tied = tied; self.reason = reason
    }
}

/// Plurality vote per item: the label with the most votes wins, with confidence = its share of
/// the item's votes; a tie for first place is left unresolved (nil label) rather than broken
/// arbitrarily. Votes are (item, label) pairs, one per annotator.
public func majorityVote(_ votes: [(item: String, label: String)]) -> [Consensus] {
    var byItem: [String: [String: Int]] = [:]
    var order: [String] = []
    for v in votes {
        if byItem[v.item] == nil { order.append(v.item) }
        byItem[v.item, default: [:]][v.label, default: 0] += 1
    }
    return order.sorted().map { item in
        let counts = byItem[item, default: [:]]
        let total = counts.values.reduce(0, +)
        let top = counts.values.max() ?? 0
        let leaders = counts.filter { $0.value == top }.map(\.key).sorted()
        let share = Double(top) / Double(max(total, 1))
        if leaders.count > 1 { return Consensus(item: item, label: nil, confidence: share, decision: nil, tied: leaders) }
        return Consensus(item: item, label: leaders[0], confidence: share, decision: counts.count == 1 ? .unanimous : .majority)
    }
}

/// Whether a set of answers already has a label with more than half the votes (used by adaptive
/// overlap: an item without one gets another annotator, up to `max_overlap`).
public func hasStrictMajority(_ labels: [String]) -> Bool {
    var counts: [String: Int] = [:]
    for l in labels { counts[l, default: 0] += 1 }
    return (counts.values.max() ?? 0) * 2 > labels.count
}
