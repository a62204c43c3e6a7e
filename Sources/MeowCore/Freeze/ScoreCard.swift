/// Accuracy and macro-averaged F1 of one predictor against the final labels.
public struct ScoreCard: Sendable, Equatable, Codable {
    /// Share of items answered with the final label.
    public var accuracy: Double
    /// Mean of the per-label F1 = 2 TP / (2 TP + FP + FN) over the labels
    /// that count (see where it is computed); `nil` when none counts.
    public var macroF1: Double?

    public init(accuracy: Double, macroF1: Double?) {
        self.accuracy = accuracy
        self.macroF1 = macroF1
    }
}
