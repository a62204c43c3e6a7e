/// Agreement between two annotators on the items they both labeled.
///
/// Why: a low overall coefficient does not say who disagrees; the pairwise
/// table shows whether one annotator (or one pair) drags agreement down.
public struct PairwiseAgreement: Sendable, Equatable {
    /// First annotator (`a < b` by name).
    public let a: String
    /// Second annotator.
    public let b: String
    /// Items both annotators labeled.
    public let items: Int
    /// Cohen's kappa on the shared items (`nil` when pe = 1).
    public let cohenKappa: Double?
    /// Share of shared items with the same label.
    public let percentAgreement: Double
    /// Why `cohenKappa` is `nil`, when it is.
    public let cohenKappaUndefined: UndefinedReason?

    public init(a: String, b: String, items: Int, cohenKappa: Double?, percentAgreement: Double,
                cohenKappaUndefined: UndefinedReason? = nil) {
        self.a = a
        self.b = b
        self.items = items
        self.cohenKappa = cohenKappa
        self.percentAgreement = percentAgreement
        self.cohenKappaUndefined = cohenKappaUndefined
    }
}

extension Ratings {
    /// For every pair of annotators sharing at least one item: the number of
    /// shared items, Cohen's kappa (Cohen 1960, see `cohenKappa()`) and the
    /// percent agreement on those items. Pairs are ordered by name (`a < b`)
    /// and sorted by `(a, b)`.
    public func pairwiseAgreement() -> [PairwiseAgreement] {
        AgreementTable(self).pairwiseAgreement()
    }
}

extension AgreementTable {
    /// Counter cells (4 bytes each) up to which the pairs are counted in one table indexed by
    /// annotator pair (`densePairwiseAgreement`); above, one annotator at a time.
    static let densePairCells = 4 << 20

    /// For every pair of annotators sharing an item: shared items, agreements and both label
    /// margins, then kappa. Pairs are in name order.
    func pairwiseAgreement() -> [PairwiseAgreement] {
        let A = annotatorCount, L = labelCount
        if A * A * (2 + 2 * L) <= Self.densePairCells { return densePairwiseAgreement() }
        return sparsePairwiseAgreement()
    }

    /// Item by item, every pair of annotations on the item adds to its annotator pair's counters
    /// in one table of annotators² × (2 + 2 × labels) cells. Why: the annotations are already
    /// grouped by item, so this walks them in order (no scattered reads of a million rows, which
    /// made the per-annotator walk the longest pass of a report: 27 ms for 50 annotators and 1M
    /// answers, against about 5 ms here); the table is small enough to stay in cache.
    /// Same counts as `sparsePairwiseAgreement`, so the same results.
    func densePairwiseAgreement() -> [PairwiseAgreement] {
        let A = annotatorCount, L = labelCount
        let stride = 2 + 2 * L // shared, agreements, the lower code's label margin, the higher's
        var cells = [Int32](repeating: 0, count: A * A * stride)
        cells.withUnsafeMutableBufferPointer { cells in
        groupStart.withUnsafeBufferPointer { groupStart in
        annotatorOf.withUnsafeBufferPointer { annotatorOf in
        labelOf.withUnsafeBufferPointer { labelOf in
            for g in 0..<ratedItems {
                let s = groupStart[g], e = groupStart[g + 1]
                if e - s < 2 { continue }
                for p in s..<(e - 1) {
                    let a = Int(annotatorOf[p]), la = Int(labelOf[p])
                    for q in (p + 1)..<e {
                        let b = Int(annotatorOf[q]), lb = Int(labelOf[q])
                        // An item holds one answer per annotator, so a != b.
                        let (x, lx, y, ly) = a < b ? (a, la, b, lb) : (b, lb, a, la)
                        let base = (x * A + y) * stride
                        cells[base] += 1
                        if lx == ly { cells[base + 1] += 1 }
                        cells[base + 2 + lx] += 1
                        cells[base + 2 + L + ly] += 1
                    }
                }
            }
        } } } }
        var result: [PairwiseAgreement] = []
        for a in 0..<A {
            for b in (a + 1)..<max(A, a + 1) {
                let base = (a * A + b) * stride
                let shared = Int(cells[base])
                if shared == 0 { continue }
                var counts = AnnotatorPairCounts(labelCount: 0)
                counts.items = shared
                counts.agreements = Int(cells[base + 1])
                counts.first = cells[(base + 2)..<(base + 2 + L)].map(Int.init)
                counts.second = cells[(base + 2 + L)..<(base + stride)].map(Int.init)
                result.append(pair(a, b, counts))
            }
        }
        result.sort { ($0.a, $0.b) < ($1.a, $1.b) }
        return result
    }

    /// The pair's entry, its names in name order.
    private func pair(_ a: Int, _ b: Int, _ counts: AnnotatorPairCounts) -> PairwiseAgreement {
        let kappa = counts.kappa()
        let (x, y) = annotatorNames[a] < annotatorNames[b] ? (a, b) : (b, a)
        return PairwiseAgreement(
            a: annotatorNames[x], b: annotatorNames[y], items: counts.items,
            cohenKappa: kappa.value, percentAgreement: counts.percentAgreement,
            cohenKappaUndefined: kappa.reason)
    }

    /// One annotator at a time: walk its items and count, for every later
    /// annotator on the same item, agreements and both label margins. Memory
    /// is annotators × labels scratch plus the output; time is sum_i r_i².
    func sparsePairwiseAgreement() -> [PairwiseAgreement] {
        let A = annotatorCount, L = labelCount
        // Annotations by annotator: (item group, label), counting sort on annotator.
        var start = [Int](repeating: 0, count: A + 1)
        for a in annotatorOf { start[Int(a) + 1] += 1 }
        for a in 0..<A { start[a + 1] += start[a] }
        var next = start
        var byGroup = [Int32](repeating: 0, count: annotatorOf.count)
        var byLabel = [Int32](repeating: 0, count: annotatorOf.count)
        for g in 0..<ratedItems where ratings(of: g) >= 2 {
            for p in groupStart[g]..<groupStart[g + 1] {
                let a = Int(annotatorOf[p])
                byGroup[next[a]] = Int32(g)
                byLabel[next[a]] = labelOf[p]
                next[a] += 1
            }
        }
        var shared = [Int](repeating: 0, count: A)
        var agree = [Int](repeating: 0, count: A)
        var marginA = [Int](repeating: 0, count: A * L)
        var marginB = [Int](repeating: 0, count: A * L)
        var touched: [Int] = []
        var result: [PairwiseAgreement] = []
        for a in 0..<A {
            // The inner loop runs sum_i r_i² times: raw buffers, no bounds checks.
            groupStart.withUnsafeBufferPointer { groupStart in
            annotatorOf.withUnsafeBufferPointer { annotatorOf in
            labelOf.withUnsafeBufferPointer { labelOf in
            byGroup.withUnsafeBufferPointer { byGroup in
            byLabel.withUnsafeBufferPointer { byLabel in
            shared.withUnsafeMutableBufferPointer { shared in
            agree.withUnsafeMutableBufferPointer { agree in
            marginA.withUnsafeMutableBufferPointer { marginA in
            marginB.withUnsafeMutableBufferPointer { marginB in
                for e in start[a]..<next[a] {
                    let g = Int(byGroup[e]), la = Int(byLabel[e])
                    for p in groupStart[g]..<groupStart[g + 1] {
                        let b = Int(annotatorOf[p])
                        if b <= a { continue }
                        let lb = Int(labelOf[p])
                        if shared[b] == 0 { touched.append(b) }
                        shared[b] += 1
                        if la == lb { agree[b] += 1 }
                        marginA[b * L + la] += 1
                        marginB[b * L + lb] += 1
                    }
                }
            } } } } } } } } }
            for b in touched {
                var counts = AnnotatorPairCounts(labelCount: 0)
                counts.items = shared[b]
                counts.agreements = agree[b]
                counts.first = Array(marginA[(b * L)..<(b * L + L)])
                counts.second = Array(marginB[(b * L)..<(b * L + L)])
                result.append(pair(a, b, counts))
                shared[b] = 0
                agree[b] = 0
                for k in 0..<L { marginA[b * L + k] = 0; marginB[b * L + k] = 0 }
            }
            touched.removeAll(keepingCapacity: true)
        }
        result.sort { ($0.a, $0.b) < ($1.a, $1.b) }
        return result
    }
}
