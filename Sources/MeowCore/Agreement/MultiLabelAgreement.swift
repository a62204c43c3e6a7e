/// Per-label agreement of a multi-label task: each label is a yes/no decision on every item
/// (the answer holds it or not), measured with nominal Krippendorff's alpha over the items;
/// the mean over labels whose alpha is defined summarizes them. Whole-answer agreement
/// (every label the same) is far stricter and says little when answers hold several labels;
/// per-label alpha is what e.g. Ravenscroft et al. and the GoEmotions paper report per class.
public struct MultiLabelAgreement: Sendable {
    /// Labels in the order given, each with its alpha (nil: undefined, e.g. every answer
    /// agreed that no item has it) and how many answers held it.
    public let perLabel: [(label: String, alpha: Double?, answers: Int)]
    /// Mean of the defined per-label alphas; nil when none is defined.
    public let meanAlpha: Double?

    /// `labels`: the guideline's labels (any label met in `ratings` but not listed is added
    /// after them). The ratings' labels are comma-joined label sets.
    public init(_ ratings: Ratings, labels: [String]) {
        var order = labels
        var index: [String: Int] = [:]
        for (i, l) in order.enumerated() { index[l] = i }
        // Label sets of each rating label, as label indices.
        var sets: [[Int]] = []
        for combination in ratings.labels {
            var set: [Int] = []
            for part in AnswerValue.labels(inColumn: combination) {
                if index[part] == nil { index[part] = order.count; order.append(part) }
                if let i = index[part] { set.append(i) }
            }
            sets.append(set)
        }
        var answers = Array(repeating: 0, count: ratings.items.count)
        var yes = Array(repeating: [Int](repeating: 0, count: order.count), count: ratings.items.count)
        var held = Array(repeating: 0, count: order.count)
        for r in 0..<ratings.count {
            let item = Int(ratings.item[r])
            answers[item] += 1
            for l in sets[Int(ratings.label[r])] { yes[item][l] += 1; held[l] += 1 }
        }
        var rows: [(String, Double?, Int)] = []
        for (l, label) in order.enumerated() {
            var alpha = NominalUnitAlpha()
            for item in answers.indices { alpha.add(counts: [answers[item] - yes[item][l], yes[item][l]]) }
            rows.append((label, alpha.alpha, held[l]))
        }
        perLabel = rows
        let defined = rows.compactMap(\.1)
        meanAlpha = defined.isEmpty ? nil : defined.reduce(0, +) / Double(defined.count)
    }
}
