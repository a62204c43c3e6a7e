/// What `meow evaluate` reports: a model's scores on a frozen set, with bootstrap intervals,
/// and how it compares with each baseline (`evaluatePredictions`).
public struct EvaluationReport: Sendable, Equatable, Encodable {
    /// The frozen set and its set hash (as recomputed by the audit), when known.
    public var frozenSet: String?
    public var setHash: String?
    public var predictionsFile: String
    /// Items scored: the frozen items whose final label is a label of the guideline.
    public var items: Int
    /// Of those, items with a prediction.
    public var predicted: Int
    /// Items without a prediction (scored as wrong), sorted.
    public var missing: [String]
    /// Frozen items not scored: their final label is not a label of the current guideline.
    public var leftOut: Int
    public var labels: [String]
    /// The labels macro-F1 averages over: those present in the final labels.
    public var scoredLabels: [String]
    public var accuracy: Estimate
    public var macroF1: Estimate
    public var perLabel: [LabelEvaluation]
    /// Rows: final label; columns: predicted label, plus items without a prediction.
    public var confusion: ConfusionCounts
    public var bootstrapSamples: Int
    public var seed: UInt64
    public var baselines: [BaselineComparison]

    public init(frozenSet: String? = nil, setHash: String? = nil, predictionsFile: String, items: Int, predicted: Int,
                missing: [String], leftOut: Int, labels: [String], scoredLabels: [String], accuracy: Estimate,
                macroF1: Estimate, perLabel: [LabelEvaluation], confusion: ConfusionCounts, bootstrapSamples: Int,
                seed: UInt64, baselines: [BaselineComparison]) {
        self.frozenSet = frozenSet; self.setHash = setHash; self.predictionsFile = predictionsFile
        self.items = items; self.predicted = predicted; self.missing = missing; self.leftOut = leftOut
        self.labels = labels; self.scoredLabels = scoredLabels; self.accuracy = accuracy; self.macroF1 = macroF1
        self.perLabel = perLabel; self.confusion = confusion; self.bootstrapSamples = bootstrapSamples
        self.seed = seed; self.baselines = baselines
    }

    enum Keys: String, CodingKey {
        case frozenSet = "frozen_set", setHash = "set_hash", predictionsFile = "predictions_file"
        case items, predicted, missing, missingItems = "missing_items", leftOut = "left_out"
        case labels, scoredLabels = "f1_labels", accuracy, macroF1 = "macro_f1", perLabel = "per_label"
        case confusion, bootstrap, baselines
    }
    enum ConfusionKeys: String, CodingKey { case labels, counts, unpredicted }
    enum BootstrapKeys: String, CodingKey { case samples, seed }

    /// The JSON of `meow evaluate --json` (documented in the README); undefined values are null.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encodeOrNull(frozenSet, forKey: .frozenSet)
        try c.encodeOrNull(setHash, forKey: .setHash)
        try c.encode(predictionsFile, forKey: .predictionsFile)
        try c.encode(items, forKey: .items)
        try c.encode(predicted, forKey: .predicted)
        try c.encode(missing.count, forKey: .missing)
        try c.encode(missing, forKey: .missingItems)
        try c.encode(leftOut, forKey: .leftOut)
        try c.encode(labels, forKey: .labels)
        try c.encode(scoredLabels, forKey: .scoredLabels)
        try c.encode(accuracy, forKey: .accuracy)
        try c.encode(macroF1, forKey: .macroF1)
        try c.encode(perLabel, forKey: .perLabel)
        var m = c.nestedContainer(keyedBy: ConfusionKeys.self, forKey: .confusion)
        try m.encode(labels, forKey: .labels)
        let q = confusion.labelCount
        try m.encode((0..<q).map { g in (0..<q).map { confusion.count(gold: g, predicted: $0) } }, forKey: .counts)
        try m.encode((0..<q).map { confusion.count(gold: $0, predicted: nil) }, forKey: .unpredicted)
        var b = c.nestedContainer(keyedBy: BootstrapKeys.self, forKey: .bootstrap)
        try b.encode(bootstrapSamples, forKey: .samples)
        try b.encode(seed, forKey: .seed)
        try c.encode(baselines, forKey: .baselines)
    }
}

/// A value with its 95% bootstrap percentile interval (nil ends without a bootstrap, or when
/// the value is undefined in every resample).
public struct Estimate: Sendable, Equatable, Encodable {
    public var value: Double?
    public var low: Double?
    public var high: Double?

    public init(value: Double?, low: Double?, high: Double?) {
        self.value = value; self.low = low; self.high = high
    }

    /// `value` with the 2.5th and 97.5th percentiles of `resamples`.
    init(value: Double?, interval resamples: [Double]) {
        let sorted = resamples.sorted()
        self.init(value: value, low: sorted.isEmpty ? nil : AgreementTable.quantile(sorted, 0.025),
                  high: sorted.isEmpty ? nil : AgreementTable.quantile(sorted, 0.975))
    }

    enum Keys: String, CodingKey { case value, low, high }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encodeOrNull(value, forKey: .value)
        try c.encodeOrNull(low, forKey: .low)
        try c.encodeOrNull(high, forKey: .high)
    }
}

/// One label's scores.
public struct LabelEvaluation: Sendable, Equatable, Encodable {
    public var label: String
    /// N_k: items whose final label is this one.
    public var support: Int
    /// P_k: items the model gave this label.
    public var predicted: Int
    public var precision: Estimate
    public var recall: Estimate
    public var f1: Estimate

    enum Keys: String, CodingKey { case label, support, predicted, precision, recall, f1 }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(label, forKey: .label)
        try c.encode(support, forKey: .support)
        try c.encode(predicted, forKey: .predicted)
        try c.encode(precision, forKey: .precision)
        try c.encode(recall, forKey: .recall)
        try c.encode(f1, forKey: .f1)
    }
}

/// The model against one baseline, by a paired bootstrap.
public struct BaselineComparison: Sendable, Equatable, Encodable {
    /// `uniform_random`, `prior_random`, `majority_class`, `heuristic`, `human_leave_one_out`.
    public var name: String
    /// How the text report names it.
    public var title: String
    /// The baseline's own score on the whole set.
    public var score: ScoreCard
    public var accuracyDifference: Difference
    public var macroF1Difference: Difference

    enum Keys: String, CodingKey {
        case name, accuracy, macroF1 = "macro_f1", accuracyDifference = "accuracy_difference", macroF1Difference = "macro_f1_difference"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(name, forKey: .name)
        try c.encode(score.accuracy, forKey: .accuracy)
        try c.encodeOrNull(score.macroF1, forKey: .macroF1)
        try c.encode(accuracyDifference, forKey: .accuracyDifference)
        try c.encode(macroF1Difference, forKey: .macroF1Difference)
    }
}

/// Model minus baseline: on the whole set, and over paired bootstrap resamples.
public struct Difference: Sendable, Equatable, Encodable {
    /// Model - baseline on the whole set.
    public var value: Double?
    /// 95% percentile interval of the difference over the resamples.
    public var low: Double?
    public var high: Double?
    /// Share of resamples in which the model scored strictly higher; nil without resamples.
    public var modelBetter: Double?
    /// Resamples in which both scores were defined.
    public var samples: Int

    init(value: Double?, resamples: [Double]) {
        let interval = Estimate(value: value, interval: resamples)
        self.value = value
        low = interval.low
        high = interval.high
        modelBetter = resamples.isEmpty ? nil : Double(resamples.filter { $0 > 0 }.count) / Double(resamples.count)
        samples = resamples.count
    }

    enum Keys: String, CodingKey { case value, low, high, modelBetter = "model_better", samples }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encodeOrNull(value, forKey: .value)
        try c.encodeOrNull(low, forKey: .low)
        try c.encodeOrNull(high, forKey: .high)
        try c.encodeOrNull(modelBetter, forKey: .modelBetter)
        try c.encode(samples, forKey: .samples)
    }
}
