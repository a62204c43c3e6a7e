import Foundation

/// The spans baseline of a frozen set: each annotator's span F1 against the final spans of
/// the items they answered, exact and overlap matching as in `SpanAgreement` (F1 = 2M/(|A|+|F|),
/// micro over items). Optimistic, like "human vs final labels": the annotators helped make the
/// final spans. A model's spans scored the same way are comparable to these numbers.
///
/// JSON: `frozen_set`, `items`, `final_spans`, `annotators` [{`annotator`, `items`,
/// `exact_f1`, `overlap_f1`}], `mean_exact_f1`, `mean_overlap_f1` (means over annotators with
/// a defined F1; `null` when undefined).
public struct SpanBaselines: Sendable, Encodable {
    public struct Annotator: Sendable {
        public var annotator: String
        public var items: Int
        public var exact: SpanMatchCount
        public var overlap: SpanMatchCount
    }
    public var frozenSet: String?
    public var items: Int
    public var finalSpans: Int
    public var annotators: [Annotator]
    public var meanExactF1: Double? { Self.mean(annotators.compactMap(\.exact.f1)) }
    public var meanOverlapF1: Double? { Self.mean(annotators.compactMap(\.overlap.f1)) }

    static func mean(_ v: [Double]) -> Double? { v.isEmpty ? nil : v.reduce(0, +) / Double(v.count) }

    /// `final`: item → final spans; `answers`: each item's answers.
    public init(final: [String: [Span]], answers: [String: [AnnotatorSpans]]) {
        var by: [String: Annotator] = [:]
        for (item, gold) in final {
            for a in answers[item] ?? [] {
                var row = by[a.annotator] ?? Annotator(annotator: a.annotator, items: 0, exact: SpanMatchCount(), overlap: SpanMatchCount())
                row.items += 1
                let size = a.spans.count + gold.count
                row.exact += SpanMatchCount(matched: SpanAgreement.matches(a.spans, gold, matching: .exact).values.reduce(0, +), spans: size)
                row.overlap += SpanMatchCount(matched: SpanAgreement.matches(a.spans, gold, matching: .overlap).values.reduce(0, +), spans: size)
                by[a.annotator] = row
            }
        }
        items = final.count
        finalSpans = final.values.reduce(0) { $0 + $1.count }
        annotators = by.values.sorted { $0.annotator < $1.annotator }
    }

    private enum Keys: String, CodingKey {
        case frozenSet = "frozen_set", items, finalSpans = "final_spans", annotators
        case meanExactF1 = "mean_exact_f1", meanOverlapF1 = "mean_overlap_f1"
    }
    private enum RowKeys: String, CodingKey { case annotator, items, exactF1 = "exact_f1", overlapF1 = "overlap_f1" }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encodeOrNull(frozenSet, forKey: .frozenSet)
        try c.encode(items, forKey: .items)
        try c.encode(finalSpans, forKey: .finalSpans)
        var rows = c.nestedUnkeyedContainer(forKey: .annotators)
        for a in annotators {
            var r = rows.nestedContainer(keyedBy: RowKeys.self)
            try r.encode(a.annotator, forKey: .annotator)
            try r.encode(a.items, forKey: .items)
            try r.encodeOrNull(a.exact.f1, forKey: .exactF1)
            try r.encodeOrNull(a.overlap.f1, forKey: .overlapF1)
        }
        try c.encodeOrNull(meanExactF1, forKey: .meanExactF1)
        try c.encodeOrNull(meanOverlapF1, forKey: .meanOverlapF1)
    }

    public func text() -> String {
        func n(_ v: Double?) -> String { v.map { String(format: "%.3f", $0) } ?? "—" }
        var out = ["Span baselines on '\(frozenSet ?? "?")' (\(items) items, \(finalSpans) final spans) — span F1 against the final spans",
                   "                                      exact F1  overlap F1",
                   "human vs final spans (optimistic)".padding(toLength: 38, withPad: " ", startingAt: 0) + n(meanExactF1).padding(toLength: 10, withPad: " ", startingAt: 0) + n(meanOverlapF1)]
        for a in annotators {
            out.append("  \(a.annotator) (\(a.items) items)".padding(toLength: 38, withPad: " ", startingAt: 0) + n(a.exact.f1).padding(toLength: 10, withPad: " ", startingAt: 0) + n(a.overlap.f1))
        }
        out.append("(no spans on either side of an item adds nothing: F1 counts spans; an annotator with no spans where the final has none is left undefined)")
        return out.joined(separator: "\n")
    }
}
