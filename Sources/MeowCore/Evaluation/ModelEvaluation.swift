/// A model's predictions scored on a frozen test set, beside the baselines it has to beat.
///
/// - Metrics are `ConfusionCounts`': accuracy, macro-F1 over the labels present in the final
///   labels, per-label precision, recall and F1, and the confusion matrix.
/// - A frozen item the predictions do not cover is scored as wrong (a false negative of its
///   final label, a false positive of no label) and listed: a model is not rewarded for
///   skipping the hard items.
/// - Intervals: 95% percentile bootstrap (Efron & Tibshirani 1993, ch. 13): the items are
///   drawn with replacement `samples` times (`SplitMix64(seed:)`, so a seed reproduces them),
///   every metric is recomputed on each resample, and the 2.5th and 97.5th percentiles are
///   taken (R's type 7) over the resamples where the metric is defined (precision needs a
///   prediction of the label, recall an item of it).
/// - Baselines, each compared by a paired bootstrap: on each resample the model and the
///   baseline are scored on the same items; the report gives the share of resamples where the
///   model scores strictly higher and the 95% interval of the difference (model - baseline).
///   The point values are: random guesses, uniform and by the label prior, their exact
///   expectation (`RandomGuess`); on a resample, a fresh guess is drawn for each drawn item,
///   so the comparison includes the guesser's own luck. The majority class is the most
///   frequent final label on the whole set (the first in label order on a tie). The
///   heuristic (when given) is the rules' label per item. The human baseline is the
///   leave-one-out mean over annotators (`HumanAnswers`), recomputed on each resample from
///   the drawn items' answers.
public func evaluatePredictions(
    file: String, predictions: [Prediction], final: [String: String], labels: [String], answers: [LabelVote],
    heuristic: HeuristicRules? = nil, texts: [String: String] = [:], bootstrap samples: Int = 1000, seed: UInt64 = 0
) throws(EvaluationError) -> EvaluationReport {
    let q = labels.count
    guard let set = GoldLabels(final: final, labels: labels) else { throw EvaluationError(file: file, problem: .noLabels) }
    let (code, items, gold, goldCount) = (set.code, set.items, set.gold, set.counts)
    let n = items.count
    guard n > 0 else { throw EvaluationError(file: file, problem: .emptySet) }

    // Predictions must be of this set and in the guideline's labels.
    var outside: [(item: String, line: Int)] = []
    var unknown: [(label: String, line: Int)] = []
    var unknownSeen = Set<String>()
    var predictedLabel: [String: Int] = [:]
    for p in predictions {
        if final[p.item] == nil { outside.append((p.item, p.line)); continue }
        guard let k = code[p.label] else {
            if unknownSeen.insert(p.label).inserted { unknown.append((p.label, p.line)) }
            continue
        }
        predictedLabel[p.item] = k
    }
    if !outside.isEmpty || !unknown.isEmpty {
        throw EvaluationError(file: file, problem: .invalidPredictions(outside: outside, unknownLabels: unknown, labels: labels))
    }
    let prediction: [Int?] = items.map { predictedLabel[$0] }

    var model = ConfusionCounts(labelCount: q)
    for i in 0..<n { model.add(gold: gold[i], predicted: prediction[i]) }

    // The baselines: point values on the whole set.
    let prior = goldCount.map { Double($0) / Double(n) }
    let top = goldCount.max() ?? 0
    let majority = (0..<q).first { goldCount[$0] == top } ?? 0
    let heuristicCodes: [Int]? = heuristic.map { rules in items.map { code[rules.label(for: texts[$0] ?? "").label] ?? 0 } }
    let human = HumanAnswers(items: items, gold: gold, labels: labels, votes: answers)

    enum Kind { case uniform, prior, majority, heuristic, human }
    var kinds: [(Kind, String, String, ScoreCard)] = []
    if let card = RandomGuess.expectedScore(goldCounts: goldCount, guess: [Double](repeating: 1 / Double(q), count: q)) {
        kinds.append((.uniform, "uniform_random", "random guess (uniform)", card))
    }
    if let card = RandomGuess.expectedScore(goldCounts: goldCount, guess: prior) {
        kinds.append((.prior, "prior_random", "random guess (label prior)", card))
    }
    func constant(_ k: Int, weights: [Int]?) -> ConfusionCounts {
        var c = ConfusionCounts(labelCount: q)
        for i in 0..<n { c.add(gold: gold[i], predicted: k, count: weights?[i] ?? 1) }
        return c
    }
    if let card = constant(majority, weights: nil).scoreCard {
        kinds.append((.majority, "majority_class", "always '\(labels[majority])'", card))
    }
    if let heuristicCodes {
        var c = ConfusionCounts(labelCount: q)
        for i in 0..<n { c.add(gold: gold[i], predicted: heuristicCodes[i]) }
        if let card = c.scoreCard { kinds.append((.heuristic, "heuristic", "heuristic", card)) }
    }
    if let card = HumanAnswers.mean(human.againstLeaveOneOut()) {
        kinds.append((.human, "human_leave_one_out", "human, leave-one-out", card))
    }

    // The bootstrap: model metrics and paired differences on the same resamples.
    var accuracies: [Double] = [], macroF1s: [Double] = []
    var precisions = [[Double]](repeating: [], count: q), recalls = [[Double]](repeating: [], count: q)
    var f1s = [[Double]](repeating: [], count: q)
    var accuracyDiffs = [[Double]](repeating: [], count: kinds.count), f1Diffs = [[Double]](repeating: [], count: kinds.count)
    if samples > 0 {
        var rng = SplitMix64(seed: seed)
        var weights = [Int](repeating: 0, count: n)
        var cumulative: [Int] = []
        var running = 0
        for c in goldCount { running += c; cumulative.append(running) }
        var resample = ConfusionCounts(labelCount: q)
        var guesses = ConfusionCounts(labelCount: q)
        for _ in 0..<samples {
            for i in 0..<n { weights[i] = 0 }
            for _ in 0..<n { weights[Int(rng.next(below: UInt64(n)))] += 1 }
            resample.reset()
            for i in 0..<n where weights[i] > 0 { resample.add(gold: gold[i], predicted: prediction[i], count: weights[i]) }
            guard let card = resample.scoreCard else { continue }
            accuracies.append(card.accuracy)
            if let f1 = card.macroF1 { macroF1s.append(f1) }
            for k in 0..<q {
                if let v = resample.precision(k) { precisions[k].append(v) }
                if let v = resample.recall(k) { recalls[k].append(v) }
                if resample.goldCount(k) > 0, let v = resample.f1(k) { f1s[k].append(v) }
            }
            for (b, kind) in kinds.enumerated() {
                let baseline: ScoreCard?
                switch kind.0 {
                case .uniform, .prior:
                    guesses.reset()
                    for i in 0..<n where weights[i] > 0 {
                        for _ in 0..<weights[i] {
                            let guess: Int
                            if kind.0 == .uniform {
                                guess = Int(rng.next(below: UInt64(q)))
                            } else {
                                let r = Int(rng.next(below: UInt64(n)))
                                guess = cumulative.firstIndex { r < $0 } ?? 0
                            }
                            guesses.add(gold: gold[i], predicted: guess)
                        }
                    }
                    baseline = guesses.scoreCard
                case .majority:
                    baseline = constant(majority, weights: weights).scoreCard
                case .heuristic:
                    guesses.reset()
                    if let heuristicCodes {
                        for i in 0..<n where weights[i] > 0 { guesses.add(gold: gold[i], predicted: heuristicCodes[i], count: weights[i]) }
                    }
                    baseline = guesses.scoreCard
                case .human:
                    baseline = HumanAnswers.mean(human.againstLeaveOneOut(weights: weights))
                }
                guard let baseline else { continue }
                accuracyDiffs[b].append(card.accuracy - baseline.accuracy)
                if let m = card.macroF1, let f = baseline.macroF1 { f1Diffs[b].append(m - f) }
            }
        }
    }

    let accuracy = Estimate(value: model.accuracy, interval: accuracies)
    let macroF1 = Estimate(value: model.macroF1, interval: macroF1s)
    let perLabel = (0..<q).map { k in
        LabelEvaluation(label: labels[k], support: model.goldCount(k), predicted: model.predictedCount(k),
                        precision: Estimate(value: model.precision(k), interval: precisions[k]),
                        recall: Estimate(value: model.recall(k), interval: recalls[k]),
                        f1: Estimate(value: model.f1(k), interval: f1s[k]))
    }
    let comparisons = kinds.enumerated().map { b, kind in
        BaselineComparison(
            name: kind.1, title: kind.2, score: kind.3,
            accuracyDifference: Difference(value: accuracy.value.map { $0 - kind.3.accuracy }, resamples: accuracyDiffs[b]),
            macroF1Difference: Difference(value: macroF1.value.flatMap { m in kind.3.macroF1.map { m - $0 } }, resamples: f1Diffs[b]))
    }
    return EvaluationReport(
        predictionsFile: file, items: n, predicted: n - model.unpredicted,
        missing: zip(items, prediction).filter { $0.1 == nil }.map(\.0), leftOut: final.count - n,
        labels: labels, scoredLabels: (0..<q).filter { goldCount[$0] > 0 }.map { labels[$0] },
        accuracy: accuracy, macroF1: macroF1, perLabel: perLabel, confusion: model,
        bootstrapSamples: samples, seed: seed, baselines: comparisons)
}

/// Why predictions cannot be scored.
public struct EvaluationError: Error, Sendable, CustomStringConvertible {
    public enum Problem: Sendable {
        case noLabels
        case emptySet
        /// Predictions for items outside the set (with their lines), and labels not in the
        /// guideline (each with the first line it is on).
        case invalidPredictions(outside: [(item: String, line: Int)], unknownLabels: [(label: String, line: Int)], labels: [String])
    }
    public var file: String
    public var problem: Problem

    public var description: String {
        switch problem {
        case .noLabels: return "the guideline has no labels (or repeats one)"
        case .emptySet: return "the frozen set has no record with a label of the current guideline"
        case .invalidPredictions(let outside, let unknown, let labels):
            var lines: [String] = []
            func list<T>(_ xs: [T], _ show: (T) -> String) -> String {
                xs.prefix(20).map(show).joined(separator: ", ") + (xs.count > 20 ? ", … and \(xs.count - 20) more" : "")
            }
            if !outside.isEmpty {
                lines.append("\(file): \(outside.count) prediction\(outside.count == 1 ? " is" : "s are") for items outside the frozen set: "
                             + list(outside) { "'\($0.item)' (line \($0.line))" }
                             + " — predictions must be for the frozen set's items only (wrong file or wrong set?)")
            }
            if !unknown.isEmpty {
                lines.append("\(file): label\(unknown.count == 1 ? "" : "s") not in the guideline: "
                             + list(unknown) { "'\($0.label)' (line \($0.line))" } + " (the guideline's labels: \(labels.joined(separator: ", ")))")
            }
            return lines.joined(separator: "\n")
        }
    }
}
