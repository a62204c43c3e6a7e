/// Ratings regrouped by item, with per-item label counts and the sums that
/// every coefficient shares, computed in one pass.
///
/// Why: all the coefficients are functions of the per-item counts n_ik and
/// r_i. Grouping once (counting sort on the item code) and storing the counts
/// sparsely (one cell per label actually used on an item) keeps memory
/// proportional to the number of annotations, whatever the number of labels.
///
/// Notation (as in the coefficient docs): a rated item has r_i >= 1
/// annotations, n_ik of them with label k; a pairable item has r_i >= 2.
struct AgreementTable: Sendable {
    let labelNames: [String]
    let annotatorNames: [String]
    let labelValues: [Double]?
    let labelValueKind: LabelValueKind
    /// Why there are no `labelValues`, for the ordered statistics' reason.
    let noValuesReason: UndefinedReason

    /// Start of each rated item in the grouped annotation arrays; count = rated + 1.
    let groupStart: [Int]
    /// Item code of each rated item.
    let groupItem: [Int32]
    /// Annotator code of each annotation, grouped by item (repeats removed).
    let annotatorOf: [Int32]
    /// Label code of each annotation, grouped by item (repeats removed).
    let labelOf: [Int32]
    /// Start of each rated item's cells; count = rated + 1.
    private(set) var cellStart: [Int] = []
    /// Label of each cell.
    private(set) var cellLabel: [Int32] = []
    /// n_ik of each cell (always >= 1).
    private(set) var cellCount: [Int32] = []

    /// n: items with at least one annotation.
    let ratedItems: Int
    /// n': items with at least two annotations.
    private(set) var pairableItems: Int = 0
    /// n..: annotations on pairable items (sum of r_i over pairable items).
    private(set) var pairableAnnotations: Int = 0
    /// Sum over pairable items of sum_k n_ik(n_ik - 1) / (r_i(r_i - 1)).
    private(set) var agreementSum: Double = 0
    /// Per label, sum over rated items of n_ik / r_i.
    private(set) var prevalenceSum: [Double] = []
    /// Per label, n_k: its annotations on pairable items (the coincidence marginal).
    private(set) var pairableCount: [Int] = []
    /// Per label, sum over pairable items of n_ik(n_ik - 1).
    private(set) var agreeingPairs: [Int] = []
    /// Per label, sum over pairable items of n_ik(r_i - 1).
    private(set) var possiblePairs: [Int] = []
    /// Sum over pairable items of (r_i² - sum_k n_ik²) / (r_i - 1): the nominal
    /// observed disagreement, sum_{c != k} o_ck.
    private(set) var nominalDisagreement: Double = 0
    /// q: distinct labels used anywhere in the input.
    private(set) var labelsObserved: Int = 0
    /// Distinct annotators with at least one annotation.
    let annotatorsObserved: Int

    var labelCount: Int { labelNames.count }
    var annotatorCount: Int { annotatorNames.count }

    init(_ ratings: Ratings) {
        self.init(groupsOf: ratings)
        addCells()
    }

    /// The annotations grouped by item, without the cells and sums (`addCells()`): what the
    /// pairwise pass needs, so that it can run beside the rest (`AgreementReport`).
    init(groupsOf ratings: Ratings) {
        labelNames = ratings.labels
        annotatorNames = ratings.annotators
        labelValues = ratings.labelValues
        labelValueKind = ratings.labelValueKind
        noValuesReason = ratings.labelsOffScale.isEmpty ? .noLabelValues : .labelsOffScale(ratings.labelsOffScale)
        let grouping = ratings.grouped?.grouping ?? AgreementGrouping(item: ratings.item, annotator: ratings.annotator,
                                                                       itemCount: ratings.items.count, annotatorCount: ratings.annotators.count)
        let kept = grouping.count
        var annotatorOf: [Int32], labelOf: [Int32]
        var annotatorSeen = [Bool](repeating: false, count: ratings.annotators.count)
        if grouping.inOrder {
            // Already grouped: the rows' own columns (shared, not copied).
            annotatorOf = ratings.annotator
            labelOf = ratings.label
            annotatorSeen.withUnsafeMutableBufferPointer { seen in
                for a in annotatorOf { seen[Int(a)] = true }
            }
        } else {
            annotatorOf = [Int32](repeating: 0, count: kept)
            labelOf = [Int32](repeating: 0, count: kept)
            ratings.annotator.withUnsafeBufferPointer { srcA in
                ratings.label.withUnsafeBufferPointer { srcL in
                    for (p, index) in grouping.order.enumerated() {
                        let a = srcA[Int(index)]
                        annotatorOf[p] = a
                        labelOf[p] = srcL[Int(index)]
                        annotatorSeen[Int(a)] = true
                    }
                }
            }
        }

        self.groupStart = grouping.groupStart
        self.groupItem = grouping.groupItem
        self.annotatorOf = annotatorOf
        self.labelOf = labelOf
        self.ratedItems = grouping.groupItem.count
        self.annotatorsObserved = annotatorSeen.reduce(0) { $0 + ($1 ? 1 : 0) }
    }

    /// The cells and the sums every coefficient shares, one pass over the groups.
    mutating func addCells() {
        let groups = ratedItems, kept = labelOf.count, labelCount = labelNames.count
        let groupStart = self.groupStart, labelOf = self.labelOf
        // Cells: at most one per annotation; written through raw buffers and cut to size after
        // (appends and bounds checks were most of this pass). The sums are the same operations
        // in the same order as always, so the results are bit for bit the same.
        var cellStart = [Int](repeating: 0, count: groups + 1)
        var cellLabel = [Int32](repeating: 0, count: kept)
        var cellCount = [Int32](repeating: 0, count: kept)
        var scratch = [Int32](repeating: 0, count: labelCount)
        var prevalence = [Double](repeating: 0, count: labelCount)
        var pairableCount = [Int](repeating: 0, count: labelCount)
        var agreeing = [Int](repeating: 0, count: labelCount)
        var possible = [Int](repeating: 0, count: labelCount)
        var labelSeen = [Bool](repeating: false, count: labelCount)
        var pairable = 0, pairableAnnotations = 0
        var agreementSum = 0.0, nominal = 0.0
        var cells = 0
        // The quotients of small counts, divided once here: dividing per cell and per item was
        // the slowest part of this pass, and a quotient read from the table is the same double.
        let share = Quotients(upTo: 64), pairTerms = PairTerms(upTo: 16)
        groupStart.withUnsafeBufferPointer { groupStart in
        labelOf.withUnsafeBufferPointer { labelOf in
        cellStart.withUnsafeMutableBufferPointer { cellStart in
        cellLabel.withUnsafeMutableBufferPointer { cellLabel in
        cellCount.withUnsafeMutableBufferPointer { cellCount in
        scratch.withUnsafeMutableBufferPointer { scratch in
        prevalence.withUnsafeMutableBufferPointer { prevalence in
        pairableCount.withUnsafeMutableBufferPointer { pairableCount in
        agreeing.withUnsafeMutableBufferPointer { agreeing in
        possible.withUnsafeMutableBufferPointer { possible in
        labelSeen.withUnsafeMutableBufferPointer { labelSeen in
            for g in 0..<groups {
                let s = groupStart[g], e = groupStart[g + 1]
                let r = e - s
                let first = cells
                cellStart[g] = first
                for p in s..<e {
                    let k = Int(labelOf[p])
                    if scratch[k] == 0 { cellLabel[cells] = Int32(k); cells += 1 }
                    scratch[k] += 1
                }
                var sumSquares = 0
                for c in first..<cells {
                    let k = Int(cellLabel[c])
                    let nk = Int(scratch[k])
                    scratch[k] = 0
                    cellCount[c] = Int32(nk)
                    labelSeen[k] = true
                    prevalence[k] += share.of(nk, r)
                    sumSquares += nk * nk
                    if r >= 2 {
                        pairableCount[k] += nk
                        agreeing[k] += nk * (nk - 1)
                        possible[k] += nk * (r - 1)
                    }
                }
                if r >= 2 {
                    pairable += 1
                    pairableAnnotations += r
                    // sum_k n_ik(n_ik - 1) = sum_k n_ik² - r_i
                    let (agreement, disagreement) = pairTerms.of(r, sumSquares)
                    agreementSum += agreement
                    nominal += disagreement
                }
            }
            cellStart[groups] = cells
        } } } } } } } } } } }
        cellLabel.removeLast(kept - cells)
        cellCount.removeLast(kept - cells)

        self.cellStart = cellStart
        self.cellLabel = cellLabel
        self.cellCount = cellCount
        self.pairableItems = pairable
        self.pairableAnnotations = pairableAnnotations
        self.agreementSum = agreementSum
        self.prevalenceSum = prevalence
        self.pairableCount = pairableCount
        self.agreeingPairs = agreeing
        self.possiblePairs = possible
        self.nominalDisagreement = nominal
        self.labelsObserved = labelSeen.reduce(0) { $0 + ($1 ? 1 : 0) }
    }

    /// r_i of rated item `g`.
    @inline(__always) func ratings(of g: Int) -> Int { groupStart[g + 1] - groupStart[g] }

    /// Prevalence pi_k = (1/n) sum over rated items of n_ik / r_i, per label.
    var prevalence: [Double] {
        let n = Double(ratedItems)
        return prevalenceSum.map { $0 / n }
    }
}

/// n / r for 0 <= n <= r, from a table for r below a bound (the same double as dividing).
private struct Quotients {
    private let bound: Int
    private let table: [Double]

    init(upTo bound: Int) {
        self.bound = bound
        var table = [Double](repeating: 0, count: bound * bound)
        for r in 1..<bound { for n in 0...r { table[r * bound + n] = Double(n) / Double(r) } }
        self.table = table
    }

    @inline(__always)
    func of(_ n: Int, _ r: Int) -> Double {
        r < bound ? table.withUnsafeBufferPointer { $0[r * bound + n] } : Double(n) / Double(r)
    }
}

/// An item's two per-item terms from r_i >= 2 and s = sum_k n_ik²: the agreement
/// (s - r) / (r(r - 1)) and the nominal disagreement (r² - s) / (r - 1); from a table for r
/// below a bound (r <= s <= r²), else divided.
private struct PairTerms {
    private let bound: Int
    private let stride: Int
    private let agreement: [Double]
    private let disagreement: [Double]

    init(upTo bound: Int) {
        self.bound = bound
        stride = bound * bound
        var agreement = [Double](repeating: 0, count: bound * stride)
        var disagreement = [Double](repeating: 0, count: bound * stride)
        for r in 2..<bound {
            for s in r...(r * r) {
                agreement[r * stride + s] = Double(s - r) / Double(r * (r - 1))
                disagreement[r * stride + s] = Double(r * r - s) / Double(r - 1)
            }
        }
        self.agreement = agreement
        self.disagreement = disagreement
    }

    @inline(__always)
    func of(_ r: Int, _ s: Int) -> (Double, Double) {
        if r < bound {
            let i = r * stride + s
            return (agreement.withUnsafeBufferPointer { $0[i] }, disagreement.withUnsafeBufferPointer { $0[i] })
        }
        return (Double(s - r) / Double(r * (r - 1)), Double(r * r - s) / Double(r - 1))
    }
}
