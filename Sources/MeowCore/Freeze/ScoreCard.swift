/// Accuracy and macro-averaged F1 of one predictor against the final labels.
public struct ScoreCard: Sendable, Equatable, Encodable {
    /// Share of items answered with the final label.
    public var accuracy: Double
    /// Mean of the per-label F1 = 2 TP / (N_k + P_k) over the labels present in the gold
    /// labels of the items scored (`ConfusionCounts.macroF1`); `nil` when none counts.
    public var macroF1: Double?

    public init(accuracy: Double, macroF1: Double?) {
        self.accuracy = accuracy
        self.macroF1 = macroF1
    }

    enum Keys: String, CodingKey { case accuracy, macroF1 = "macro_f1" }

    /// `{"accuracy": …, "macro_f1": … or null}`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(accuracy, forKey: .accuracy)
        try c.encodeOrNull(macroF1, forKey: .macroF1)
    }
}
