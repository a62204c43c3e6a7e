/// Chance, majority-class and human baselines for final labels.
///
/// Every score is accuracy and macro-F1 as `ConfusionCounts` defines them: macro-F1 averages
/// F1_k = 2 TP_k / (N_k + P_k) over the labels present in the gold labels of the items scored
/// (scikit-learn's `f1_score(y_true, y_pred, labels=sorted(set(y_true)), average="macro")`).
///
/// - uniform random, g_k = 1/q over the q guideline labels, and prior random, g_k = N_k / N:
///   the exact expectation of accuracy and macro-F1 over the guesser's draws on these N
///   items (`RandomGuess`), not the F1 of the expected counts, which overstates chance on
///   small sets.
/// - majority class: always the most frequent final label. When several labels tie for it,
///   all are listed (`majorityLabels`, in label order); each scores the same
///   (accuracy N_m / N, F1_m = 2 N_m / (N_m + N), F1 = 0 for the other gold labels).
/// - heuristic (when `heuristic` is given): the rules' label for each item's text in
///   `texts` (`HeuristicRules`), scored like any predictor.
/// - human, leave-one-out: each annotator's answers against the plurality vote of the other
///   annotators on the item (`HumanAnswers`); when the others tie, the answer is scored
///   against each tied label with an equal share (counted as split ties); answers without
///   others are left out and counted. The human baseline is the mean over annotators.
/// - human, against the final labels: the same answers against labels they helped make
///   (optimistic; kept beside the leave-one-out numbers, named as such).
///
/// Items whose final label is not in `labels` are left out, and so are votes with a label not
/// in `labels` (e.g. "skip") and votes on items without a final label.
///
/// - Returns: `nil` when `labels` is empty or repeats a name, or no item has a final label
///   from `labels`.
public func baselines(final: [String: String], labels: [String], answers: [LabelVote],
                      heuristic: HeuristicRules? = nil, texts: [String: String] = [:]) -> BaselineReport? {
    let q = labels.count
    guard let set = GoldLabels(final: final, labels: labels), !set.items.isEmpty else { return nil }
    let (code, items, gold, goldCount) = (set.code, set.items, set.gold, set.counts)
    let n = items.count

    let uniform = RandomGuess.expectedScore(goldCounts: goldCount, guess: [Double](repeating: 1 / Double(q), count: q))
    let prior = RandomGuess.expectedScore(goldCounts: goldCount, guess: goldCount.map { Double($0) / Double(n) })
    let top = goldCount.max() ?? 0
    let majorityCodes = (0..<q).filter { goldCount[$0] == top }
    var majority = ConfusionCounts(labelCount: q)
    for k in 0..<q { majority.add(gold: k, predicted: majorityCodes[0], count: goldCount[k]) }

    var heuristicBaseline: HeuristicBaseline?
    if let heuristic {
        let run = heuristic.run(items: items, texts: texts)
        var c = ConfusionCounts(labelCount: q)
        for (i, item) in items.enumerated() { c.add(gold: gold[i], predicted: run.predictions[item].flatMap { code[$0] }) }
        if let card = c.scoreCard {
            heuristicBaseline = HeuristicBaseline(
                score: card, defaultLabel: heuristic.defaultLabel, defaulted: run.defaulted,
                rules: heuristic.rules.enumerated().map { .init(label: $1.label, line: $1.line, matched: run.matched[$0]) })
        }
    }

    let human = HumanAnswers(items: items, gold: gold, labels: labels, votes: answers)
    let leftOut = human.leftOut, splitTies = human.splitTies
    func scores(_ confusions: [ConfusionCounts], leftOut: [Int]?, splitTies: [Int]?) -> HumanBaseline {
        var list: [AnnotatorScore] = []
        for (a, c) in confusions.enumerated() {
            guard let card = c.scoreCard else { continue }
            list.append(AnnotatorScore(annotator: human.annotators[a], items: c.total, accuracy: card.accuracy,
                                       macroF1: card.macroF1, leftOut: leftOut?[a], splitTies: splitTies?[a]))
        }
        return HumanBaseline(annotators: list, mean: HumanAnswers.mean(confusions), leftOut: leftOut?.reduce(0, +),
                             splitTies: splitTies?.reduce(0, +))
    }

    // The three cards below are defined whenever n > 0, which holds here.
    guard let uniform, let prior, let majorityCard = majority.scoreCard else { return nil }
    return BaselineReport(
        items: n, labels: labels, scoredLabels: (0..<q).filter { goldCount[$0] > 0 }.map { labels[$0] },
        randomMethod: RandomGuess.method, uniformRandom: uniform, priorRandom: prior,
        majorityClass: majorityCard, majorityLabels: majorityCodes.map { labels[$0] }, heuristic: heuristicBaseline,
        humanLeaveOneOut: scores(human.againstLeaveOneOut(), leftOut: leftOut, splitTies: splitTies),
        humanAgainstFinal: scores(human.againstFinalLabels(), leftOut: nil, splitTies: nil))
}
