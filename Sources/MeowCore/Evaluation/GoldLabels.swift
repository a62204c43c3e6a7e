/// The final labels of a frozen set as codes, the common start of every score on it
/// (`baselines(...)`, `evaluatePredictions(...)`): label codes in guideline order, the items
/// with a final label from the guideline (sorted, so runs are reproducible), and their counts.
struct GoldLabels {
    /// Label name → code (position in the guideline's labels).
    let code: [String: Int]
    /// Scored items, sorted, and the code of each one's final label.
    let items: [String]
    let gold: [Int]
    /// Items per gold label.
    let counts: [Int]

    /// nil when `labels` is empty or repeats a name; `items` is empty when no final label is
    /// one of `labels`.
    init?(final: [String: String], labels: [String]) {
        var code: [String: Int] = [:]
        for (k, label) in labels.enumerated() {
            if code.updateValue(k, forKey: label) != nil { return nil }
        }
        guard !labels.isEmpty else { return nil }
        var items: [String] = [], gold: [Int] = []
        var counts = [Int](repeating: 0, count: labels.count)
        for item in final.keys.sorted() {
            guard let label = final[item], let k = code[label] else { continue }
            items.append(item)
            gold.append(k)
            counts[k] += 1
        }
        self.code = code
        self.items = items
        self.gold = gold
        self.counts = counts
    }
}
