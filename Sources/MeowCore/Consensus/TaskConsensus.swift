/// Consensus for the task types whose answers are not a single label: spans, ratings. Votes
/// are (item, label column) pairs, one per annotator, as `majorityVote` takes them; results
/// are label columns, so they are stored and exported like any final label.

/// Span-level majority: a span (same start, end and label) is kept when more than half of the
/// item's annotators marked exactly it. When every span marked has such a majority, the kept
/// spans are the final answer (no spans at all is a valid one); when any span lacks one, the
/// item is left for review (nil label) with those spans named in `reason`, since a partial
/// answer would silently drop what a minority saw. Confidence: the share of annotators whose
/// whole answer equals the final one.
public func spanMajority(_ votes: [(item: String, label: String)]) -> [Consensus] {
    grouped(votes).map { item, columns in
        let n = columns.count
        let (kept, lacking) = majoritySpans(columns)
        let final = AnswerValue.spans(kept).labelColumn
        let same = columns.filter { AnswerValue(column: $0, task: .spans)?.labelColumn == final }.count
        let share = Double(same) / Double(max(n, 1))
        if !lacking.isEmpty {
            return Consensus(item: item, label: nil, confidence: share, decision: nil,
                             reason: "spans without a majority: " + lacking.map(\.column).joined(separator: ", "))
        }
        return Consensus(item: item, label: final, confidence: share, decision: same == n ? .unanimous : .majority)
    }
}

/// The spans more than half of `columns` (one span answer per annotator) marked exactly, and
/// the spans marked without such a majority, each in text order: what a spans reviewer starts
/// from, and what `spanMajority` decides on.
public func majoritySpans(_ columns: [String]) -> (kept: [Span], lacking: [Span]) {
    let n = columns.count
    var counts: [Span: Int] = [:]
    for column in columns {
        guard case .spans(let spans)? = AnswerValue(column: column, task: .spans) else { continue }
        for s in Set(spans) { counts[s, default: 0] += 1 }
    }
    return (counts.filter { $0.value * 2 > n }.keys.sorted(), counts.filter { $0.value * 2 <= n }.keys.sorted())
}

/// Median rating: the middle rating of the item's answers (with an even count, the lower of
/// the two middle ones, so the final value is always a point of the scale and never rounds
/// a disagreement up). When the spread (highest − lowest rating) exceeds `maxSpread` (the
/// guideline's `review_spread`), the item is left for review instead: a median of 1 and 5
/// hides that the annotators disagree. Confidence: the share of answers equal to the median.
public func medianRating(_ votes: [(item: String, label: String)], maxSpread: Int) -> [Consensus] {
    grouped(votes).map { item, columns in
        let ratings = columns.compactMap { Int($0) }.sorted()
        guard let low = ratings.first, let high = ratings.last else {
            return Consensus(item: item, label: nil, confidence: 0, decision: nil, reason: "no rating")
        }
        let median = ratings[(ratings.count - 1) / 2]
        let share = Double(ratings.filter { $0 == median }.count) / Double(ratings.count)
        if high - low > maxSpread {
            return Consensus(item: item, label: nil, confidence: share, decision: nil,
                             reason: "ratings \(ratings.map(String.init).joined(separator: ", ")) spread \(high - low) > review_spread \(maxSpread)")
        }
        return Consensus(item: item, label: String(median), confidence: share, decision: low == high ? .unanimous : .majority)
    }
}

/// Votes by item, items in sorted order (as `majorityVote` returns them).
private func grouped(_ votes: [(item: String, label: String)]) -> [(String, [String])] {
    var byItem: [String: [String]] = [:]
    for v in votes { byItem[v.item, default: []].append(v.label) }
    return byItem.keys.sorted().map { ($0, byItem[$0] ?? []) }
}
