import Foundation

/// The agreement a task type adds to `AgreementReport`: span F1 and token alpha for `spans`,
/// position bias for `compare`, per-label alpha for `multilabel`. (Ratings need nothing more:
/// their scale points are numbers, so ordinal and interval alpha and weighted kappa apply.)
///
/// JSON, beside the report's own fields: `spans` {`items`, `annotators`, `spans`,
/// `exact` and `overlap` {`f1`, `matched`, `spans`}, `per_label` {LABEL: {`spans`, `exact_f1`,
/// `overlap_f1`}}, `pairwise` [{`a`, `b`, `items`, `exact_f1`, `overlap_f1`}], `token_alpha`,
/// `tokens`} (and the report's `per_label` is then empty: a whole set of spans is not a label);
/// `comparison` {`position_bias` {`decisive`, `preferred_first`, `not_counted`,
/// `rate`}}; `multilabel` {`per_label` {LABEL: {`alpha`, `answers`}}, `mean_alpha`}.
public struct TaskAgreement: Sendable {
    public var spans: SpanAgreement?
    public var positionBias: PositionBias?
    public var multiLabel: MultiLabelAgreement?
    /// Model suggestions against people, when the project has suggestions (`model_agreement`).
    public var model: ModelAgreement?

    public init(spans: SpanAgreement? = nil, positionBias: PositionBias? = nil, multiLabel: MultiLabelAgreement? = nil) {
        self.spans = spans; self.positionBias = positionBias; self.multiLabel = multiLabel
    }

    private struct Key: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(_ s: String) { stringValue = s }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Adds the sections to the object the encoder is already writing (the report's).
    public func encode(into encoder: any Encoder) throws {
        var top = encoder.container(keyedBy: Key.self)
        if let s = spans {
            var o = top.nestedContainer(keyedBy: Key.self, forKey: Key("spans"))
            try o.encode(s.items, forKey: Key("items"))
            try o.encode(s.annotators, forKey: Key("annotators"))
            try o.encode(s.spans, forKey: Key("spans"))
            for (name, count) in [("exact", s.exact), ("overlap", s.overlap)] {
                var m = o.nestedContainer(keyedBy: Key.self, forKey: Key(name))
                try m.encodeOrNull(count.f1, forKey: Key("f1"))
                try m.encode(count.matched, forKey: Key("matched"))
                try m.encode(count.spans, forKey: Key("spans"))
            }
            var labels = o.nestedContainer(keyedBy: Key.self, forKey: Key("per_label"))
            for row in s.perLabel {
                var l = labels.nestedContainer(keyedBy: Key.self, forKey: Key(row.label))
                try l.encode(row.exact.spans, forKey: Key("spans"))
                try l.encodeOrNull(row.exact.f1, forKey: Key("exact_f1"))
                try l.encodeOrNull(row.overlap.f1, forKey: Key("overlap_f1"))
            }
            var pairs = o.nestedUnkeyedContainer(forKey: Key("pairwise"))
            for p in s.pairs {
                var e = pairs.nestedContainer(keyedBy: Key.self)
                try e.encode(p.a, forKey: Key("a"))
                try e.encode(p.b, forKey: Key("b"))
                try e.encode(p.items, forKey: Key("items"))
                try e.encodeOrNull(p.exact.f1, forKey: Key("exact_f1"))
                try e.encodeOrNull(p.overlap.f1, forKey: Key("overlap_f1"))
            }
            try o.encodeOrNull(s.tokenAlpha, forKey: Key("token_alpha"))
            try o.encode(s.tokens, forKey: Key("tokens"))
        }
        if let b = positionBias {
            var o = top.nestedContainer(keyedBy: Key.self, forKey: Key("comparison"))
            var p = o.nestedContainer(keyedBy: Key.self, forKey: Key("position_bias"))
            try p.encode(b.decisive, forKey: Key("decisive"))
            try p.encode(b.preferredFirst, forKey: Key("preferred_first"))
            try p.encode(b.notCounted, forKey: Key("not_counted"))
            try p.encodeOrNull(b.rate, forKey: Key("rate"))
        }
        if let m = multiLabel {
            var o = top.nestedContainer(keyedBy: Key.self, forKey: Key("multilabel"))
            var labels = o.nestedContainer(keyedBy: Key.self, forKey: Key("per_label"))
            for row in m.perLabel {
                var l = labels.nestedContainer(keyedBy: Key.self, forKey: Key(row.label))
                try l.encodeOrNull(row.alpha, forKey: Key("alpha"))
                try l.encode(row.answers, forKey: Key("answers"))
            }
            try o.encodeOrNull(m.meanAlpha, forKey: Key("mean_alpha"))
        }
        if let model { try top.encode(model, forKey: Key("model_agreement")) }
    }

    /// The sections for a person, to print after the report's text.
    public func text() -> String {
        func n(_ v: Double?) -> String { v.map { String(format: "%.3f", $0) } ?? "— (undefined)" }
        var out: [String] = []
        if let s = spans {
            out.append("Spans: \(s.items) item\(s.items == 1 ? "" : "s") compared, \(s.spans) spans, \(s.annotators) annotators")
            out.append("  span F1, exact match (same start, end, label):   \(n(s.exact.f1))  (\(s.exact.matched) matched of \(s.exact.spans) spans in pairs)")
            out.append("  span F1, overlap match (same label, shared text): \(n(s.overlap.f1))  (\(s.overlap.matched) matched)")
            if s.exact.spans == 0 { out.append("  undefined: no annotator marked a span on a compared item") }
            out.append("  Krippendorff's alpha over tokens (nominal, label or none): \(n(s.tokenAlpha)) on \(s.tokens) tokens")
            // Columns: names padded to the longest; numbers right-aligned under their headings.
            func row(_ cells: [String], _ widths: [Int]) -> String {
                "    " + zip(cells, widths).enumerated().map { i, cw in
                    let pad = String(repeating: " ", count: max(0, cw.1 - cw.0.count))
                    return i == 0 ? cw.0 + pad : pad + cw.0
                }.joined(separator: "  ")
            }
            func table(_ header: [String], _ rows: [[String]]) {
                let widths = header.indices.map { c in ([header] + rows).map { $0[c].count }.max() ?? 0 }
                out.append(row(header, widths))
                for r in rows { out.append(row(r, widths)) }
            }
            if !s.perLabel.isEmpty {
                out.append("  per label (spans counted once per pair of annotators who both answered the item):")
                table(["label", "spans in pairs", "exact F1", "overlap F1"],
                      s.perLabel.map { [$0.label, String($0.exact.spans), n($0.exact.f1), n($0.overlap.f1)] })
            }
            if !s.pairs.isEmpty {
                out.append("  per pair of annotators:")
                table(["pair", "items", "exact F1", "overlap F1"],
                      s.pairs.map { ["\($0.a) / \($0.b)", String($0.items), n($0.exact.f1), n($0.overlap.f1)] })
            }
        }
        if let b = positionBias {
            let rate = b.rate.map { String(format: "rate %.3f; about 0.5 without bias", $0) } ?? "rate undefined: no decisive answer with its side recorded"
            out.append("Position bias: the side shown first was preferred in \(b.preferredFirst) of \(b.decisive) decisive answers (\(rate)); \(b.notCounted) ties, both-bad or answers without a recorded side not counted")
        }
        if let m = multiLabel {
            out.append("Per-label agreement (each label a yes/no decision per item, nominal alpha):")
            for row in m.perLabel { out.append("  \(row.label): \(n(row.alpha)) (\(row.answers) answers hold it)") }
            out.append("  mean over defined labels: \(n(m.meanAlpha))")
        }
        if let model { out.append(model.text()) }
        return out.joined(separator: "\n")
    }
}

extension TaskAgreement {
    /// The sections for the HTML report: the text form, escaped, under a heading (empty when
    /// the task adds nothing).
    public func htmlSection() -> String {
        let t = text()
        guard !t.isEmpty else { return "" }
        let escaped = t.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
        return "<h2>Task agreement</h2>\n<pre>" + escaped + "</pre>\n"
    }
}

/// The report and the task's sections as one JSON object.
public struct AgreementOutput: Encodable, Sendable {
    public let report: AgreementReport
    public let task: TaskAgreement
    public init(report: AgreementReport, task: TaskAgreement) { self.report = report; self.task = task }
    public func encode(to encoder: any Encoder) throws {
        var report = report
        // Whole span sets are not labels: `per_label` would list every distinct answer.
        report.omitsPerLabel = task.spans != nil
        try report.encode(to: encoder)
        try task.encode(into: encoder)
    }
}
