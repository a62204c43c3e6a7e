/// The annotators' answers on a test set, each paired with the two references it can be
/// scored against: the item's final label, and its leave-one-out label.
///
/// Why leave-one-out: a final label is (usually) the majority of the very answers being
/// scored, so an annotator scored against it partly agrees with themselves; with three
/// annotators per item that inflates "human accuracy" noticeably. The leave-one-out label of
/// an answer is the final label computed without that annotator: the plurality vote of the
/// other annotators' answers on the item (the rule of `majorityVote`, meow's default
/// consensus). When the others tie between m labels, the answer is scored against each of
/// them with weight 1/m: its accuracy is the expected accuracy against a fair tie-break, and
/// the disagreements that make ties are not dropped (dropping them flattered the annotators;
/// the answers scored this way are counted as `splitTies`). When nobody else answered, the
/// answer has no reference and is left out of that annotator's score (counted as left out).
/// Items whose final
/// label was reached otherwise (a reviewer, Dawid-Skene) get the same rule: a model cannot
/// be re-fitted per annotator cheaply, and a reviewer's decision cannot be replayed.
///
/// Answers with a label outside `labels` (e.g. "skip", or a multi-label answer) and answers on
/// items not in the set are ignored, for scoring and as others' votes alike.
public struct HumanAnswers: Sendable {
    /// One scored answer.
    struct Entry: Sendable {
        var annotator: Int32
        var answer: Int32
        /// The leave-one-out label, or the labels the others tie between (each weighs 1/m);
        /// empty when there are no others.
        var leaveOneOut: [Int32]
    }

    /// Every annotator with at least one answer on the set, sorted.
    public let annotators: [String]
    /// q.
    public let labelCount: Int
    /// Per item (in the order given): its answers.
    let entries: [[Entry]]
    /// Per item: its final label code.
    let gold: [Int]

    /// - Parameters:
    ///   - items: the item ids of the set, in a fixed order.
    ///   - gold: each item's final label, as an index into `labels`.
    ///   - labels: the label names (codes are their positions).
    ///   - votes: every answer; the ones that do not apply are ignored (see above).
    public init(items: [String], gold: [Int], labels: [String], votes: [LabelVote]) {
        var itemIndex: [String: Int] = [:]
        for (i, item) in items.enumerated() { itemIndex[item] = i }
        var labelCode: [String: Int32] = [:]
        for (k, label) in labels.enumerated() where labelCode[label] == nil { labelCode[label] = Int32(k) }
        var perItem = [[(annotator: String, answer: Int32)]](repeating: [], count: items.count)
        var names = Set<String>()
        for v in votes {
            guard let i = itemIndex[v.item], let code = labelCode[v.label] else { continue }
            perItem[i].append((v.annotator, code))
            names.insert(v.annotator)
        }
        let sorted = names.sorted()
        var annotatorIndex: [String: Int32] = [:]
        for (a, name) in sorted.enumerated() { annotatorIndex[name] = Int32(a) }
        let q = labels.count
        var counts = [Int](repeating: 0, count: q)
        entries = perItem.map { answers in
            for k in counts.indices { counts[k] = 0 }
            for a in answers { counts[Int(a.answer)] += 1 }
            return answers.map { mine in
                // The others' votes: this annotator's answers taken out (all of them, should
                // one annotator have answered an item twice).
                var others = counts
                for a in answers where a.annotator == mine.annotator { others[Int(a.answer)] -= 1 }
                let top = others.max() ?? 0
                let leaders = top > 0 ? others.indices.filter { others[$0] == top }.map { Int32($0) } : []
                return Entry(annotator: annotatorIndex[mine.annotator] ?? 0, answer: mine.answer, leaveOneOut: leaders)
            }
        }
        annotators = sorted
        labelCount = q
        self.gold = gold
    }

    /// Each annotator's answers against the final labels, one confusion per annotator (in
    /// `annotators` order). `weights[i]`: how many times item i counts (a bootstrap
    /// resample); nil: once each.
    public func againstFinalLabels(weights: [Int]? = nil) -> [ConfusionCounts] {
        var c = [ConfusionCounts](repeating: ConfusionCounts(labelCount: labelCount), count: annotators.count)
        for (i, answers) in entries.enumerated() {
            let w = weights?[i] ?? 1
            guard w > 0 else { continue }
            for e in answers { c[Int(e.annotator)].add(gold: gold[i], predicted: Int(e.answer), count: w) }
        }
        return c
    }

    /// Each annotator's answers against their leave-one-out labels (a tie split evenly between
    /// the tied labels; answers without others left out), one confusion per annotator;
    /// `weights` as in `againstFinalLabels`.
    public func againstLeaveOneOut(weights: [Int]? = nil) -> [ConfusionCounts] {
        var c = [ConfusionCounts](repeating: ConfusionCounts(labelCount: labelCount), count: annotators.count)
        for (i, answers) in entries.enumerated() {
            let w = weights?[i] ?? 1
            guard w > 0 else { continue }
            for e in answers {
                let share = Double(w) / Double(e.leaveOneOut.count)
                for reference in e.leaveOneOut {
                    c[Int(e.annotator)].add(gold: Int(reference), predicted: Int(e.answer), weight: share)
                }
            }
        }
        return c
    }

    /// Per annotator (in `annotators` order): answers left out of the leave-one-out score
    /// because nobody else answered the item.
    public var leftOut: [Int] { perAnnotator { $0.isEmpty } }

    /// Per annotator: answers whose other annotators tied (scored with split weight).
    public var splitTies: [Int] { perAnnotator { $0.count > 1 } }

    private func perAnnotator(_ counts: ([Int32]) -> Bool) -> [Int] {
        var n = [Int](repeating: 0, count: annotators.count)
        for answers in entries {
            for e in answers where counts(e.leaveOneOut) { n[Int(e.annotator)] += 1 }
        }
        return n
    }

    /// The mean over annotators with at least one scored answer of accuracy and of macro-F1:
    /// the human baseline. Nil when no annotator has a scored answer.
    public static func mean(_ scores: [ConfusionCounts]) -> ScoreCard? {
        let cards = scores.compactMap(\.scoreCard)
        guard !cards.isEmpty else { return nil }
        let f1s = cards.compactMap(\.macroF1)
        return ScoreCard(accuracy: cards.map(\.accuracy).reduce(0, +) / Double(cards.count),
                         macroF1: f1s.isEmpty ? nil : f1s.reduce(0, +) / Double(f1s.count))
    }
}
