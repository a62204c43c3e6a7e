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
    /// Nominal alpha with each token of each compared item a unit, valued by the label of the
    /// span covering it, or "none" (several labels covering one token, where overlaps are
    /// allowed, are one value `A+B`). nil without texts or without expected disagreement.
    public let tokenAlpha: Double?
    /// Token units used by `tokenAlpha` (0 without texts).
    public let tokens: Int

    /// Matched spans of one item for one pair of annotators under `matching`, per label.
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
    public init(_ data: [SpanItemAnswers], labels: [String] = []) {
        var exact = SpanMatchCount(), overlap = SpanMatchCount()
        var labelExact: [String: SpanMatchCount] = [:], labelOverlap: [String: SpanMatchCount] = [:]
        var pairs: [String: SpanPairAgreement] = [:]
        var annotatorNames = Set<String>()
        var items = 0, spans = 0
        var alpha = NominalUnitAlpha()
        var codes: [String: Int32] = ["none": 0]
        for item in data where item.answers.count >= 2 {
            items += 1
            for answer in item.answers { annotatorNames.insert(answer.annotator); spans += answer.spans.count }
            let answers = item.answers.sorted { $0.annotator < $1.annotator }
            for i in answers.indices {
                for j in answers.indices where j > i {
                    let x = answers[i], y = answers[j]
                    var pairExact = SpanMatchCount(), pairOverlap = SpanMatchCount()
                    var sizes: [String: Int] = [:]
                    for s in x.spans { sizes[s.label, default: 0] += 1 }
                    for s in y.spans { sizes[s.label, default: 0] += 1 }
                    let e = Self.matches(x.spans, y.spans, matching: .exact), o = Self.matches(x.spans, y.spans, matching: .overlap)
                    for (label, size) in sizes {
                        labelExact[label, default: SpanMatchCount()] += SpanMatchCount(matched: e[label] ?? 0, spans: size)
                        labelOverlap[label, default: SpanMatchCount()] += SpanMatchCount(matched: o[label] ?? 0, spans: size)
                    }
                    let size = x.spans.count + y.spans.count
                    pairExact += SpanMatchCount(matched: e.values.reduce(0, +), spans: size)
                    pairOverlap += SpanMatchCount(matched: o.values.reduce(0, +), spans: size)
                    exact += pairExact; overlap += pairOverlap
                    let key = x.annotator + "\u{0}" + y.annotator
                    var pair = pairs[key] ?? SpanPairAgreement(a: x.annotator, b: y.annotator, items: 0, exact: SpanMatchCount(), overlap: SpanMatchCount())
                    pair.items += 1; pair.exact += pairExact; pair.overlap += pairOverlap
                    pairs[key] = pair
                }
            }
            guard let text = item.text else { continue }
            let tokens = TextTokens(text)
            var byAnnotator: [[Int32]] = []
            for answer in answers {
                var values = Array(repeating: Int32(0), count: tokens.ranges.count)
                var names: [Int: [String]] = [:]
                for s in answer.spans {
                    guard var t = tokens.token(at: s.start) else { continue }
                    while t < tokens.ranges.count, tokens.ranges[t].lowerBound < s.end {
                        names[t, default: []].append(s.label); t += 1
                    }
                }
                for (t, labels) in names {
                    let name = Set(labels).sorted().joined(separator: "+")
                    let code: Int32
                    if let known = codes[name] { code = known } else { code = Int32(codes.count); codes[name] = code }
                    values[t] = code
                }
                byAnnotator.append(values)
            }
            var unit: [Int32] = []
            for t in tokens.ranges.indices {
                unit.removeAll(keepingCapacity: true)
                for values in byAnnotator { unit.append(values[t]) }
                alpha.add(values: unit)
            }
        }
        self.items = items
        self.annotators = annotatorNames.count
        self.spans = spans
        self.exact = exact
        self.overlap = overlap
        let known = Set(labels)
        let order = labels.filter { labelExact[$0] != nil } + labelExact.keys.filter { !known.contains($0) }.sorted()
        perLabel = order.map { ($0, labelExact[$0] ?? SpanMatchCount(), labelOverlap[$0] ?? SpanMatchCount()) }
        self.pairs = pairs.values.sorted { ($0.a, $0.b) < ($1.a, $1.b) }
        tokenAlpha = alpha.alpha
        tokens = alpha.units
    }
}
