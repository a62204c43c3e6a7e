/// Chance, majority-class and human baselines for final labels.
///
/// Chance baselines are exact expectations, not simulations. With gold label
/// shares p_k = N_k / N over the final labels and a guesser that answers label
/// k with probability g_k independently of the item:
///
///     E[TP_k] = N p_k g_k,  E[predicted k] = N g_k,  E[gold k] = N p_k
///     accuracy = sum_k p_k g_k
///     precision_k = p_k,  recall_k = g_k,  F1_k = 2 p_k g_k / (p_k + g_k)
///
/// (F1 from the expected counts, i.e. the large-N limit, as in the usual
/// "chance level" of Powers, D. M. W. (2011). Evaluation: from precision,
/// recall and F-measure to ROC, informedness, markedness and correlation.
/// J. Machine Learning Technologies 2(1)). Macro-F1 averages F1_k over
/// `labels`, leaving out any label with p_k + g_k = 0 (never predicted and
/// never gold: its F1 is 0/0); `nil` if no label is left.
///
/// - uniform random, g_k = 1/q: accuracy = 1/q, F1_k = 2 p_k / (1 + q p_k);
/// - prior random, g = p: accuracy = sum_k p_k², F1_k = p_k (labels with p_k > 0);
/// - majority class m = argmax_k p_k (first in label order on ties), g = e_m:
///   accuracy = p_m, F1_m = 2 p_m / (1 + p_m), F1_k = 0 for other gold labels.
///
/// Annotators: each vote on an item with a final label is one prediction;
/// accuracy = correct / answers and macro-F1 is the mean over the labels
/// present in gold or in the annotator's answers on those items of
/// F1_k = 2 TP_k / (2 TP_k + FP_k + FN_k) (equal to scikit-learn's
/// `f1_score(average="macro", labels=those labels)`).
///
/// Items whose final label is not in `labels` are left out, and so are votes
/// with a label not in `labels` (e.g. "skip") and votes on items without a
/// final label.
///
/// - Returns: `nil` when `labels` is empty or repeats a name, or no item has
///   a final label from `labels`.
public func baselines(final: [String: String], labels: [String], answers: [LabelVote]) -> BaselineReport? {
    let q = labels.count
    guard q > 0 else { return nil }
    var code: [String: Int] = [:]
    for (k, label) in labels.enumerated() {
        if code.updateValue(k, forKey: label) != nil { return nil }
    }

    // Gold codes per item; counting needs no order.
    var gold: [String: Int] = [:]
    var goldCount = [Int](repeating: 0, count: q)
    for (item, label) in final {
        guard let k = code[label] else { continue }
        gold[item] = k
        goldCount[k] += 1
    }
    let n = gold.count
    guard n > 0 else { return nil }
    let p = goldCount.map { Double($0) / Double(n) }

    let uniform = chanceScore(p: p, g: [Double](repeating: 1 / Double(q), count: q))
    let prior = chanceScore(p: p, g: p)
    var majority = 0
    for k in 1..<q where goldCount[k] > goldCount[majority] { majority = k }
    var indicator = [Double](repeating: 0, count: q)
    indicator[majority] = 1
    let majorityScore = chanceScore(p: p, g: indicator)

    // Annotators: a q x q confusion (row = gold, column = answer) each.
    var confusions: [String: [Int]] = [:]
    for vote in answers {
        guard let answer = code[vote.label], let truth = gold[vote.item] else { continue }
        confusions[vote.annotator, default: [Int](repeating: 0, count: q * q)][truth * q + answer] += 1
    }
    let annotators = confusions.keys.sorted().compactMap { name -> AnnotatorScore? in
        guard let counts = confusions[name] else { return nil }
        return annotatorScore(name, counts: counts, q: q)
    }
    var humanMean: ScoreCard?
    if !annotators.isEmpty {
        let accuracy = annotators.map(\.accuracy).reduce(0, +) / Double(annotators.count)
        let f1s = annotators.compactMap(\.macroF1)
        humanMean = ScoreCard(accuracy: accuracy, macroF1: f1s.isEmpty ? nil : f1s.reduce(0, +) / Double(f1s.count))
    }

    return BaselineReport(
        items: n, labels: labels, uniformRandom: uniform, priorRandom: prior, majorityClass: majorityScore,
        majorityLabel: labels[majority], annotators: annotators, humanMean: humanMean)
}

/// Expected score of a guesser answering k with probability g_k on items
/// whose gold shares are p_k: accuracy = sum_k p_k g_k; macro-F1 = mean over
/// labels with p_k + g_k > 0 of 2 p_k g_k / (p_k + g_k).
private func chanceScore(p: [Double], g: [Double]) -> ScoreCard {
    var accuracy = 0.0, f1Sum = 0.0, counted = 0
    for k in p.indices {
        accuracy += p[k] * g[k]
        let denominator = p[k] + g[k]
        guard denominator > 0 else { continue }
        f1Sum += 2 * p[k] * g[k] / denominator
        counted += 1
    }
    return ScoreCard(accuracy: accuracy, macroF1: counted > 0 ? f1Sum / Double(counted) : nil)
}

/// accuracy = sum_k C_kk / sum C; macro-F1 = mean over labels with
/// TP + FP + FN > 0 of 2 TP / (2 TP + FP + FN), from the confusion counts C
/// (row = gold, column = answer). `nil` when the annotator has no answer.
private func annotatorScore(_ name: String, counts: [Int], q: Int) -> AnnotatorScore? {
    let total = counts.reduce(0, +)
    guard total > 0 else { return nil }
    var correct = 0, f1Sum = 0.0, counted = 0
    for k in 0..<q {
        let tp = counts[k * q + k]
        correct += tp
        var goldK = 0, answeredK = 0
        for l in 0..<q {
            goldK += counts[k * q + l]
            answeredK += counts[l * q + k]
        }
        let denominator = goldK + answeredK  // = 2 TP + FP + FN
        guard denominator > 0 else { continue }
        f1Sum += 2 * Double(tp) / Double(denominator)
        counted += 1
    }
    return AnnotatorScore(
        annotator: name, items: total, accuracy: Double(correct) / Double(total),
        macroF1: counted > 0 ? f1Sum / Double(counted) : nil)
}
