/// An item that may go into a frozen test set.
public struct FreezeCandidate: Sendable, Equatable {
    public var item: String
    public var label: String
    /// The value of the `--group-by` metadata field (items sharing it land on one side only).
    public var group: String?
    /// Agreement on the item (share of answers that match the final label).
    public var agreement: Double
    public init(item: String, label: String, group: String? = nil, agreement: Double) {
        self.item = item; self.label = label; self.group = group; self.agreement = agreement
    }
}

/// How to pick the test set. Recorded in the manifest, so the pick can be explained and redone.
public struct FreezeRule: Sendable, Equatable, Codable {
    public var size: Int?
    public var fraction: Double?
    public var seed: UInt64
    public var stratify: Bool
    public var minAgreement: Double?
    public var groupBy: String?

    enum CodingKeys: String, CodingKey {
        case size, fraction, seed, stratify, minAgreement = "min_agreement", groupBy = "group_by"
    }

    public init(size: Int? = nil, fraction: Double? = nil, seed: UInt64 = 0, stratify: Bool = false, minAgreement: Double? = nil, groupBy: String? = nil) {
        self.size = size; self.fraction = fraction; self.seed = seed; self.stratify = stratify; self.minAgreement = minAgreement; self.groupBy = groupBy
    }

    public var description: String {
        var parts = [size.map { "size \($0)" } ?? "fraction \(fraction ?? 0)", "seed \(seed)"]
        if stratify { parts.append("stratified by label") }
        if let a = minAgreement { parts.append("agreement >= \(a)") }
        if let g = groupBy { parts.append("grouped by \(g)") }
        return parts.joined(separator: ", ")
    }
}

public enum FreezeError: Error, Sendable, Equatable, CustomStringConvertible {
    case noCandidates
    case tooFew(wanted: Int, available: Int)
    public var description: String {
        switch self {
        case .noCandidates: return "no item has a final label (and the agreement asked for): run `meow consensus` first"
        case .tooFew(let w, let a): return "asked for \(w) test items but only \(a) have final labels (and the agreement asked for)"
        }
    }
}

/// Picks the test set: deterministic for a seed (a seeded shuffle of items sorted by id),
/// stratified by label when asked (each label gets its share, largest remainders first), and
/// with whole groups taken or left together when a group field is given.
public func selectTestSet(_ all: [FreezeCandidate], rule: FreezeRule) throws(FreezeError) -> [String] {
    let candidates = all.filter { c in rule.minAgreement.map { c.agreement >= $0 - 1e-12 } ?? true }.sorted { $0.item < $1.item }
    guard !candidates.isEmpty else { throw .noCandidates }
    let wanted = rule.size ?? Int((Double(candidates.count) * (rule.fraction ?? 0)).rounded())
    guard wanted <= candidates.count else { throw .tooFew(wanted: wanted, available: candidates.count) }
    guard wanted > 0 else { return [] }
    var rng = SplitMix64(seed: rule.seed)

    // Units are groups (or single items): a unit is taken whole.
    var units: [[FreezeCandidate]] = []
    if rule.groupBy != nil {
        var byGroup: [String: [FreezeCandidate]] = [:]
        var singles: [[FreezeCandidate]] = []
        for c in candidates {
            if let g = c.group { byGroup[g, default: []].append(c) } else { singles.append([c]) }
        }
        units = byGroup.keys.sorted().compactMap { byGroup[$0] } + singles
    } else {
        units = candidates.map { [$0] }
    }
    shuffle(&units, &rng)

    var picked: [String] = []
    if rule.stratify {
        // Quotas per label proportional to the candidates' label counts (largest remainder).
        var counts: [String: Int] = [:]
        for c in candidates { counts[c.label, default: 0] += 1 }
        let labels = counts.keys.sorted()
        var quota: [String: Int] = [:]
        var remainders: [(String, Double)] = []
        for l in labels {
            let exact = Double(wanted) * Double(counts[l, default: 0]) / Double(candidates.count)
            quota[l] = Int(exact.rounded(.down))
            remainders.append((l, exact - exact.rounded(.down)))
        }
        var left = wanted - quota.values.reduce(0, +)
        for (l, _) in remainders.sorted(by: { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }) where left > 0 { quota[l, default: 0] += 1; left -= 1 }
        // Take units in shuffled order while they fit the quotas of their labels.
        for unit in units where picked.count < wanted {
            var need: [String: Int] = [:]
            for c in unit { need[c.label, default: 0] += 1 }
            if need.allSatisfy({ quota[$0.key, default: 0] >= $0.value }) {
                for (l, n) in need { quota[l, default: 0] -= n }
                picked += unit.map(\.item)
            }
        }
        // Groups may leave quotas unfillable exactly: top up in shuffled order.
        if picked.count < wanted {
            let taken = Set(picked)
            for unit in units where picked.count < wanted && !unit.contains(where: { taken.contains($0.item) }) {
                if picked.count + unit.count <= wanted || rule.groupBy == nil { picked += unit.map(\.item) }
            }
        }
    } else {
        for unit in units where picked.count < wanted {
            if picked.count + unit.count <= wanted || unit.count == 1 { picked += unit.map(\.item) }
        }
    }
    return picked.sorted()
}

private func shuffle<T>(_ a: inout [T], _ rng: inout SplitMix64) {
    guard a.count > 1 else { return }
    for i in stride(from: a.count - 1, to: 0, by: -1) {
        let j = Int(rng.next() % UInt64(i + 1))
        a.swapAt(i, j)
    }
}
