/// Counts of (gold label, predicted label) pairs over q labels: the one place every score in
/// meow's baselines and evaluations is computed from, so that random guessing, the majority
/// class, a heuristic, the annotators and a model are all measured the same way.
///
/// Columns: one per label, plus a last one for items that got no prediction at all (a model
/// that skipped them). Such an item is scored as wrong: it counts in the total, is a false
/// negative of its gold label, and a false positive of no label.
///
/// Macro-F1 is the mean of F1_k = 2 TP_k / (N_k + P_k) (N_k: items whose gold label is k,
/// P_k: items predicted k) over the labels **present in the gold labels of the items scored**
/// (N_k > 0). That is scikit-learn's
/// `f1_score(y_true, y_pred, labels=sorted(set(y_true)), average="macro")`; `zero_division`
/// never applies, since N_k + P_k > 0 for every such label. Why this set: it is fixed by the
/// test set alone (so the expectation of a random guesser is a plain sum, see
/// `RandomGuess`), a perfect predictor scores 1, and a guideline label that the test set
/// happens not to hold does not pull every score down. A prediction of a label absent from
/// the gold labels still costs: the item is a false negative of its own label.
///
/// Counts are stored as weights so that one answer can be split evenly between several
/// references (a leave-one-out tie, see `HumanAnswers`); every other caller adds whole items.
public struct ConfusionCounts: Sendable, Equatable {
    /// q, the number of labels.
    public let labelCount: Int
    /// Row-major: q rows (gold) x (q + 1) columns (predicted; the last: no prediction).
    public private(set) var cells: [Double]

    public init(labelCount: Int) {
        self.labelCount = labelCount
        cells = [Double](repeating: 0, count: labelCount * (labelCount + 1))
    }

    /// Adds `count` items with gold label `gold` and prediction `predicted` (nil: none).
    @inline(__always)
    public mutating func add(gold: Int, predicted: Int?, count: Int = 1) {
        cells[gold * (labelCount + 1) + (predicted ?? labelCount)] += Double(count)
    }

    /// Adds a share `weight` of one item (a fraction when the reference is split).
    @inline(__always)
    public mutating func add(gold: Int, predicted: Int?, weight: Double) {
        cells[gold * (labelCount + 1) + (predicted ?? labelCount)] += weight
    }

    /// Back to all zeros (for reuse across bootstrap resamples).
    public mutating func reset() {
        for i in cells.indices { cells[i] = 0 }
    }

    /// The weight of items with gold label `gold` and prediction `predicted` (nil: none).
    @inline(__always)
    func weight(gold: Int, predicted: Int?) -> Double {
        cells[gold * (labelCount + 1) + (predicted ?? labelCount)]
    }

    /// Items with gold label `gold` and prediction `predicted` (nil: none), for reports of
    /// whole items (rounded, should a split share be in the cell).
    public func count(gold: Int, predicted: Int?) -> Int {
        Int(weight(gold: gold, predicted: predicted).rounded())
    }

    /// Items scored (rounded, as `count`).
    public var total: Int { Int(totalWeight.rounded()) }

    var totalWeight: Double { cells.reduce(0, +) }

    /// Items whose prediction is their gold label (rounded, as `count`).
    public var correct: Int { Int(correctWeight.rounded()) }

    var correctWeight: Double { (0..<labelCount).reduce(0) { $0 + weight(gold: $1, predicted: $1) } }

    /// Items without a prediction.
    public var unpredicted: Int { Int((0..<labelCount).reduce(0) { $0 + weight(gold: $1, predicted: nil) }.rounded()) }

    /// N_k: items whose gold label is k (the support), rounded.
    public func goldCount(_ k: Int) -> Int { Int(goldWeight(k).rounded()) }

    func goldWeight(_ k: Int) -> Double {
        let row = k * (labelCount + 1)
        return cells[row..<(row + labelCount + 1)].reduce(0, +)
    }

    /// P_k: items predicted k, rounded.
    public func predictedCount(_ k: Int) -> Int { Int(predictedWeight(k).rounded()) }

    func predictedWeight(_ k: Int) -> Double {
        (0..<labelCount).reduce(0) { $0 + weight(gold: $1, predicted: k) }
    }

    /// correct / total; nil without items.
    public var accuracy: Double? {
        let n = totalWeight
        return n > 0 ? correctWeight / n : nil
    }

    /// TP_k / P_k; nil when k was never predicted.
    public func precision(_ k: Int) -> Double? {
        let p = predictedWeight(k)
        return p > 0 ? weight(gold: k, predicted: k) / p : nil
    }

    /// TP_k / N_k; nil when no item has gold label k.
    public func recall(_ k: Int) -> Double? {
        let n = goldWeight(k)
        return n > 0 ? weight(gold: k, predicted: k) / n : nil
    }

    /// 2 TP_k / (N_k + P_k); nil when k is neither gold nor predicted.
    public func f1(_ k: Int) -> Double? {
        let d = goldWeight(k) + predictedWeight(k)
        return d > 0 ? 2 * weight(gold: k, predicted: k) / d : nil
    }

    /// Mean of `f1(k)` over the labels with N_k > 0; nil without items.
    public var macroF1: Double? {
        var sum = 0.0, counted = 0
        for k in 0..<labelCount where goldWeight(k) > 0 {
            sum += f1(k) ?? 0
            counted += 1
        }
        return counted > 0 ? sum / Double(counted) : nil
    }

    /// Accuracy and macro-F1; nil without items.
    public var scoreCard: ScoreCard? {
        guard let accuracy else { return nil }
        return ScoreCard(accuracy: accuracy, macroF1: macroF1)
    }
}
