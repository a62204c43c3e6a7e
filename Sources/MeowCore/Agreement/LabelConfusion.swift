/// Two labels that annotators gave to the same items.
///
/// Why: the most frequently confused pairs are where the labeling guideline
/// is unclear; clarifying the boundary between them raises agreement most.
public struct LabelConfusion: Sendable, Equatable {
    /// One label of the pair (the smaller name).
    public let first: String
    /// The other label.
    public let second: String
    /// sum over pairable items of n_i,first * n_i,second / (r_i - 1): the
    /// disagreeing annotation pairs, weighted like coincidences (= o_ck).
    public let weight: Double
    /// Items on which both labels were given.
    public let items: Int

    public init(first: String, second: String, weight: Double, items: Int) {
        self.first = first
        self.second = second
        self.weight = weight
        self.items = items
    }
}

extension Ratings {
    /// Unordered pairs of different labels given to the same pairable item,
    /// weighted 1/(r_i - 1) per annotation pair as in Krippendorff's
    /// coincidence matrix (so each item contributes at most r_i to the total),
    /// sorted by descending weight, then by item count and names.
    public func labelConfusions() -> [LabelConfusion] {
        AgreementTable(self).labelConfusions()
    }
}

extension AgreementTable {
    func labelConfusions() -> [LabelConfusion] {
        let L = labelCount
        // Dense q×q accumulator when small (the usual case), sparse otherwise.
        let dense = L <= 512
        var weight = [Double](repeating: 0, count: dense ? L * L : 0)
        var items = [Int](repeating: 0, count: dense ? L * L : 0)
        var sparse: [Int: (Double, Int)] = [:]
        for g in 0..<ratedItems {
            let s = cellStart[g], e = cellStart[g + 1]
            if e - s < 2 { continue }
            let m = Double(ratings(of: g) - 1)
            for i in s..<(e - 1) {
                for j in (i + 1)..<e {
                    let c = Int(cellLabel[i]), k = Int(cellLabel[j])
                    let key = min(c, k) * L + max(c, k)
                    let w = Double(cellCount[i]) * Double(cellCount[j]) / m
                    if dense {
                        weight[key] += w
                        items[key] += 1
                    } else {
                        let old = sparse[key] ?? (0, 0)
                        sparse[key] = (old.0 + w, old.1 + 1)
                    }
                }
            }
        }
        var entries: [(key: Int, weight: Double, items: Int)] = []
        if dense {
            for key in 0..<(L * L) where items[key] > 0 { entries.append((key, weight[key], items[key])) }
        } else {
            for (key, value) in sparse { entries.append((key, value.0, value.1)) }
        }
        var result = entries.map { entry -> LabelConfusion in
            let x = labelNames[entry.key / L], y = labelNames[entry.key % L]
            return LabelConfusion(first: min(x, y), second: max(x, y), weight: entry.weight, items: entry.items)
        }
        result.sort {
            if $0.weight != $1.weight { return $0.weight > $1.weight }
            if $0.items != $1.items { return $0.items > $1.items }
            return ($0.first, $0.second) < ($1.first, $1.second)
        }
        return result
    }
}
