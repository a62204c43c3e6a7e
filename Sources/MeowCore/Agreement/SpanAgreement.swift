/// One annotator's spans on one item.
public struct AnnotatorSpans: Sendable, Equatable {
    public var annotator: String
    public var spans: [Span]
    public init(annotator: String, spans: [Span]) { self.annotator = annotator; self.spans = spans }
}

/// Every answer to one item of a `spans` task, with the text when known (a project knows it;
/// a labels file does not, and then there is no token alpha).
public struct SpanItemAnswers: Sendable, Equatable {
    public var item: String
    public var text: String?
    public var answers: [AnnotatorSpans]
    public init(item: String, text: String?, answers: [AnnotatorSpans]) { self.item = item; self.text = text; self.answers = answers }
}

/// How two annotators' spans are paired before counting matches.
public enum SpanMatching: String, Sendable, CaseIterable {
    /// Same start, same end, same label (seqeval's and CoNLL's entity-level "exact" match,
    /// nervaluate's "strict").
    case exact
    /// Same label and at least one shared code point, each span matched at most once:
    /// candidate pairs are taken greedily by the number of code points they share (most
    /// first; ties in text order). This is nervaluate's "partial"-with-type idea and
    /// INCEpTION's "overlap" span agreement, made one-to-one so that one long span cannot
    /// match three short ones and F1 stays within 0…1.
    case overlap
}

/// Matches over many item pairs: F1 = 2·M / (|A| + |B|), summed over every pair of annotators
/// of every item (micro-average). Symmetric: with B as the reference, precision = M/|A|,
/// recall = M/|B|, and their harmonic mean is 2M/(|A|+|B|) (Hripcsak & Rothschild 2005,
/// "Agreement, the F-measure, and reliability in information retrieval", JAMIA 12(3)).
public struct SpanMatchCount: Sendable, Equatable {
    /// M: matched pairs of spans.
    public var matched = 0
    /// |A| + |B|: spans on both sides.
    public var spans = 0
    public init(matched: Int = 0, spans: Int = 0) { self.matched = matched; self.spans = spans }
    /// nil when neither side marked anything (0/0): nothing to compare.
    public var f1: Double? { spans > 0 ? 2 * Double(matched) / Double(spans) : nil }
    static func += (a: inout SpanMatchCount, b: SpanMatchCount) { a.matched += b.matched; a.spans += b.spans }
}

/// Pairwise span F1 of one pair of annotators over the items both answered.
public struct SpanPairAgreement: Sendable, Equatable {
    public var a: String, b: String
    public var items: Int
    public var exact: SpanMatchCount
    public var overlap: SpanMatchCount
}

/// Agreement between annotators' spans: pairwise span F1 (exact and overlap matching,
/// overall and per label) and Krippendorff's alpha over tokens.
public struct SpanAgreement: Sendable {
    /// Items with 2 or more answers (the only ones compared).
    public let items: Int
    public let annotators: Int
    /// Spans on the compared items.
    public let spans: Int
    public let exact: SpanMatchCount
    public let overlap: SpanMatchCount
    /// Per label: (exact, overlap), labels in the order given (guideline order), then others.
    public let perLabel: [(label: String, exact: SpanMatchCount, overlap: SpanMatchCount)]
    public let pairs: [SpanPairAgreement]
    /// Nominal alpha with each token of each compared item a unit, valued by the set of labels
    /// of the spans covering it: empty ("none"), one label, or, where overlaps are allowed,
    /// several (one value). nil without texts or without expected disagreement.
    public let tokenAlpha: Double?
    /// Token units used by `tokenAlpha` (0 without texts).
    public let tokens: Int

    /// Matched spans of one item for one pair of annotators under `matching`, per label: the
    /// matching rule written plainly (baselines use it); the tally in `init` is the same rule
    /// on label codes and reused buffers, and a test holds the two equal on random answers.
    public static func matches(_ a: [Span], _ b: [Span], matching: SpanMatching) -> [String: Int] {
        var out: [String: Int] = [:]
        switch matching {
        case .exact:
            let set = Set(b)
            for s in a where set.contains(s) { out[s.label, default: 0] += 1 }
        case .overlap:
            var candidates: [(shared: Int, i: Int, j: Int)] = []
            for (i, x) in a.enumerated() {
                for (j, y) in b.enumerated() where x.label == y.label && x.overlaps(y) {
                    candidates.append((min(x.end, y.end) - max(x.start, y.start), i, j))
                }
            }
            candidates.sort { ($1.shared, $0.i, $0.j) < ($0.shared, $1.i, $1.j) }
            var usedA = Set<Int>(), usedB = Set<Int>()
            for c in candidates where !usedA.contains(c.i) && !usedB.contains(c.j) {
                usedA.insert(c.i); usedB.insert(c.j)
                out[a[c.i].label, default: 0] += 1
            }
        }
        return out
    }

    /// Computes everything; `labels` orders the per-label rows (the guideline's labels).
    /// Big inputs are split in two halves counted at once (the counts simply add up).
    public init(_ data: [SpanItemAnswers], labels: [String] = []) {
        var tally: SpanTally
        if data.count >= 20_000 {
            let half = data.count / 2
            let (a, b) = concurrently({ () -> SpanTally in var t = SpanTally(); t.add(data[..<half]); return t },
                                      { () -> SpanTally in var t = SpanTally(); t.add(data[half...]); return t })
            tally = a
            tally.merge(b)
        } else {
            tally = SpanTally()
            tally.add(data[...])
        }
        items = tally.items
        annotators = tally.annotatorNames.count
        spans = tally.spans
        exact = tally.exact
        overlap = tally.overlap
        let known = Set(labels)
        let order = labels.filter { tally.labelRows[$0] != nil } + tally.labelRows.keys.filter { !known.contains($0) }.sorted()
        perLabel = order.map { ($0, tally.labelRows[$0]?.exact ?? SpanMatchCount(), tally.labelRows[$0]?.overlap ?? SpanMatchCount()) }
        pairs = tally.pairRows.values.sorted { ($0.a, $0.b) < ($1.a, $1.b) }
        tokenAlpha = tally.alpha.alpha
        tokens = tally.alpha.units
    }
}

/// The counts behind `SpanAgreement` for a part of the items; two parts merge by adding.
/// Per-label and per-pair counts live in arrays indexed by codes while counting, and are keyed
/// by name only once at the end (`labelRows`, `pairRows`), so a merge never mixes codes.
struct SpanTally {
    var items = 0, spans = 0
    var exact = SpanMatchCount(), overlap = SpanMatchCount()
    var annotatorNames = Set<String>()
    var alpha = NominalUnitAlpha()
    private var labelCodes: [String: Int] = [:]
    private var labelNames: [String] = []
    private var labelExact: [SpanMatchCount] = [], labelOverlap: [SpanMatchCount] = []
    private var annotatorCodes: [String: Int] = [:]
    private var annotatorList: [String] = []
    private var pairCounts: [Int: (items: Int, exact: SpanMatchCount, overlap: SpanMatchCount)] = [:]
    /// Token values: 0 none (the empty set), then one code per label or set of labels (a token
    /// under two overlapping spans), keyed by the sorted label names: never by a joined string,
    /// which a label named `none` or `A+B` would collide with.
    private var valueCodes: [[String]: Int32] = [[]: 0]
    private var merged: (labels: [String: (exact: SpanMatchCount, overlap: SpanMatchCount)], pairs: [String: SpanPairAgreement])?

    private mutating func labelCode(_ name: String) -> Int {
        if let c = labelCodes[name] { return c }
        let c = labelNames.count
        labelCodes[name] = c; labelNames.append(name)
        labelExact.append(SpanMatchCount()); labelOverlap.append(SpanMatchCount())
        return c
    }

    private mutating func annotatorCode(_ name: String) -> Int {
        if let c = annotatorCodes[name] { return c }
        let c = annotatorList.count
        annotatorCodes[name] = c; annotatorList.append(name); annotatorNames.insert(name)
        return c
    }

    mutating func add(_ data: ArraySlice<SpanItemAnswers>) {
        var codes: [[Int]] = []          // label codes per answer, span by span
        var candidates: [(shared: Int, i: Int, j: Int)] = []
        var usedA: [Bool] = [], usedB: [Bool] = []
        var tokenValues: [Int32] = []
        var unit: [Int32] = []
        for item in data where item.answers.count >= 2 {
            items += 1
            let answers = item.answers.map { AnnotatorSpans(annotator: $0.annotator, spans: $0.spans.isSorted ? $0.spans : $0.spans.sorted()) }
                .sorted { $0.annotator < $1.annotator }
            codes.removeAll(keepingCapacity: true)
            var who: [Int] = []
            for answer in answers {
                spans += answer.spans.count
                who.append(annotatorCode(answer.annotator))
                codes.append(answer.spans.map { labelCode($0.label) })
            }
            for i in answers.indices {
                for j in (i + 1)..<answers.count {
                    let x = answers[i].spans, y = answers[j].spans
                    for c in codes[i] { labelExact[c].spans += 1; labelOverlap[c].spans += 1 }
                    for c in codes[j] { labelExact[c].spans += 1; labelOverlap[c].spans += 1 }
                    // Exact: both lists in canonical order, so one merge pass finds equal spans.
                    var e = 0, p = 0, q = 0
                    while p < x.count, q < y.count {
                        if x[p] == y[q] { labelExact[codes[i][p]].matched += 1; e += 1; p += 1; q += 1 }
                        else if x[p] < y[q] { p += 1 } else { q += 1 }
                    }
                    // Overlap: same label, shared code points, one-to-one, most shared first.
                    candidates.removeAll(keepingCapacity: true)
                    for (a, s) in x.enumerated() {
                        for (b, t) in y.enumerated() where t.start < s.end && s.start < t.end && codes[i][a] == codes[j][b] {
                            candidates.append((min(s.end, t.end) - max(s.start, t.start), a, b))
                        }
                    }
                    var o = 0
                    if !candidates.isEmpty {
                        candidates.sort { ($1.shared, $0.i, $0.j) < ($0.shared, $1.i, $1.j) }
                        usedA = Array(repeating: false, count: x.count); usedB = Array(repeating: false, count: y.count)
                        for c in candidates where !usedA[c.i] && !usedB[c.j] {
                            usedA[c.i] = true; usedB[c.j] = true
                            labelOverlap[codes[i][c.i]].matched += 1; o += 1
                        }
                    }
                    let size = x.count + y.count
                    exact += SpanMatchCount(matched: e, spans: size)
                    overlap += SpanMatchCount(matched: o, spans: size)
                    let key = who[i] << 32 | who[j]
                    var row = pairCounts[key] ?? (0, SpanMatchCount(), SpanMatchCount())
                    row.items += 1; row.exact += SpanMatchCount(matched: e, spans: size); row.overlap += SpanMatchCount(matched: o, spans: size)
                    pairCounts[key] = row
                }
            }
            guard let text = item.text else { continue }
            let ranges = TextTokens.ranges(of: text)
            let n = ranges.count
            tokenValues.removeAll(keepingCapacity: true)
            tokenValues.append(contentsOf: repeatElement(0, count: n * answers.count))
            for (k, answer) in answers.enumerated() {
                let base = k * n
                for (si, s) in answer.spans.enumerated() {
                    // First token ending after the span's start.
                    var lo = 0, hi = n
                    while lo < hi { let mid = (lo + hi) / 2; if ranges[mid].upperBound <= s.start { lo = mid + 1 } else { hi = mid } }
                    var t = lo
                    while t < n, ranges[t].lowerBound < s.end {
                        let code: Int32
                        if tokenValues[base + t] == 0 {
                            code = valueCode([labelNames[codes[k][si]]])
                        } else {
                            // A second label on the token (overlaps allowed): the pair is one value.
                            let before = valueName(tokenValues[base + t])
                            code = valueCode(Set(before + [s.label]).sorted())
                        }
                        tokenValues[base + t] = code
                        t += 1
                    }
                }
            }
            for t in 0..<n {
                unit.removeAll(keepingCapacity: true)
                for k in answers.indices { unit.append(tokenValues[k * n + t]) }
                alpha.add(values: unit)
            }
        }
        _ = usedA; _ = usedB
    }

    private mutating func valueCode(_ name: [String]) -> Int32 {
        if let c = valueCodes[name] { return c }
        let c = Int32(valueCodes.count)
        valueCodes[name] = c
        return c
    }

    private func valueName(_ code: Int32) -> [String] {
        valueCodes.first { $0.value == code }?.key ?? []
    }

    /// Per label, by name.
    var labelRows: [String: (exact: SpanMatchCount, overlap: SpanMatchCount)] {
        merged?.labels ?? Dictionary(uniqueKeysWithValues: labelNames.indices.map { (labelNames[$0], (labelExact[$0], labelOverlap[$0])) })
    }

    /// Per annotator pair, by names.
    var pairRows: [String: SpanPairAgreement] {
        if let m = merged?.pairs { return m }
        var out: [String: SpanPairAgreement] = [:]
        for (key, row) in pairCounts {
            let a = annotatorList[key >> 32], b = annotatorList[key & 0xFFFF_FFFF]
            out[a + "\u{0}" + b] = SpanPairAgreement(a: a, b: b, items: row.items, exact: row.exact, overlap: row.overlap)
        }
        return out
    }

    /// Adds another part's counts. Token values are compared within an item only, so each
    /// part's own value codes serve its alpha; alpha's marginals add up under the same codes
    /// only when both parts coded the same values alike, so the other part's units are
    /// re-coded by name.
    mutating func merge(_ other: SpanTally) {
        items += other.items; spans += other.spans
        exact += other.exact; overlap += other.overlap
        annotatorNames.formUnion(other.annotatorNames)
        var labels = labelRows
        for (name, row) in other.labelRows {
            var mine = labels[name] ?? (SpanMatchCount(), SpanMatchCount())
            mine.exact += row.exact; mine.overlap += row.overlap
            labels[name] = mine
        }
        var pairs = pairRows
        for (key, row) in other.pairRows {
            var mine = pairs[key] ?? SpanPairAgreement(a: row.a, b: row.b, items: 0, exact: SpanMatchCount(), overlap: SpanMatchCount())
            mine.items += row.items; mine.exact += row.exact; mine.overlap += row.overlap
            pairs[key] = mine
        }
        merged = (labels, pairs)
        var recode: [Int32] = Array(repeating: 0, count: other.valueCodes.count)
        for (name, code) in other.valueCodes { recode[Int(code)] = valueCode(name) }
        alpha.merge(other.alpha, recode: recode)
    }
}

extension Array where Element == Span {
    /// Whether the spans are in canonical order already (answers from the store are).
    public var isSorted: Bool { zip(self, dropFirst()).allSatisfy { !($1 < $0) } }
}
