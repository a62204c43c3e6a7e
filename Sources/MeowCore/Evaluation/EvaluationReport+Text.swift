import Foundation

extension EvaluationReport {
    /// The report for a person: coverage, the model's scores with intervals, per-label scores,
    /// the confusion matrix, and each baseline with the paired-bootstrap comparison.
    public func text() -> String {
        var out: [String] = []
        let set = frozenSet.map { " on frozen set '\($0)'" } ?? ""
        let hash = setHash.map { ", set hash \($0.prefix(12))…" } ?? ""
        out.append("Evaluation of \(predictionsFile)\(set) (\(items) items\(hash))")
        if missing.isEmpty {
            out.append("predictions for all \(items) items")
        } else {
            out.append("predictions for \(predicted) of \(items) items; \(missing.count) without a prediction, scored as wrong: "
                       + missing.prefix(10).joined(separator: ", ") + (missing.count > 10 ? ", … (all in --json)" : ""))
        }
        if leftOut > 0 { out.append("\(leftOut) frozen items not scored: their final label is not a label of the current guideline") }
        out.append("macro-F1 averages over the labels in the final labels: \(scoredLabels.joined(separator: ", "))")
        out.append("")

        let boot = bootstrapSamples > 0
        out.append(Self.cells(["", "value", boot ? "95% interval" : ""], [10, 7, 16]))
        out.append(Self.cells(["accuracy", Self.number(accuracy.value), Self.interval(accuracy)], [10, 7, 16]))
        out.append(Self.cells(["macro-F1", Self.number(macroF1.value), Self.interval(macroF1)], [10, 7, 16]))
        out.append("")

        let labelWidth = max(8, (labels.map(\.count).max() ?? 0) + 2)
        let widths = [labelWidth, 8, 10, 22, 22, 22]
        out.append(Self.cells(["label", "support", "predicted", "precision", "recall", "F1"], widths))
        for l in perLabel {
            out.append(Self.cells([l.label, "\(l.support)", "\(l.predicted)", Self.withInterval(l.precision),
                                   Self.withInterval(l.recall), Self.withInterval(l.f1)], widths))
        }
        out.append("")

        out.append("confusion (rows: final label, columns: prediction)")
        let q = confusion.labelCount
        let hasMissing = confusion.unpredicted > 0
        let column = max(6, (labels.map(\.count).max() ?? 0) + 2)
        var header = "".padding(toLength: labelWidth, withPad: " ", startingAt: 0)
        for l in labels { header += Self.aligned(l, column) }
        if hasMissing { header += Self.aligned("(none)", column) }
        out.append(header)
        for g in 0..<q {
            var row = labels[g].padding(toLength: labelWidth, withPad: " ", startingAt: 0)
            for p in 0..<q { row += Self.aligned("\(confusion.count(gold: g, predicted: p))", column) }
            if hasMissing { row += Self.aligned("\(confusion.count(gold: g, predicted: nil))", column) }
            out.append(row)
        }
        out.append("")

        out.append("against the baselines" + (boot ? " (paired bootstrap: \(bootstrapSamples) resamples of the items, seed \(seed))" : ""))
        let nameWidth = max(28, (baselines.map(\.title.count).max() ?? 0) + 2)
        let bw = [nameWidth, 9, 22, 14]
        for (metric, pick) in [("accuracy", { (b: BaselineComparison) in (b.score.accuracy as Double?, b.accuracyDifference) }),
                               ("macro-F1", { (b: BaselineComparison) in (b.score.macroF1, b.macroF1Difference) })] {
            out.append(Self.cells([metric, "baseline", "model - baseline", boot ? "model better" : ""], bw))
            for b in baselines {
                let (value, d) = pick(b)
                let diff = Self.signed(d.value) + (d.low != nil ? " [\(Self.signed(d.low)), \(Self.signed(d.high))]" : "")
                let better = d.modelBetter.map { String(format: "%.1f%%", $0 * 100) } ?? ""
                out.append(Self.cells([b.title, Self.number(value), diff, better], bw))
            }
        }
        out.append("")
        out.append("Random guesses: exact expected values; on each resample a fresh guess per item. Human: each annotator")
        out.append("against the majority of the others (leave-one-out), averaged. \"model better\": the share of resamples")
        out.append("in which the model scored strictly higher than the baseline on the same items.")
        return out.map(\.trimmingTrailingSpaces).joined(separator: "\n")
    }

    static func number(_ v: Double?) -> String { v.map { String(format: "%.3f", $0) } ?? "—" }

    static func signed(_ v: Double?) -> String { v.map { String(format: "%+.3f", $0) } ?? "—" }

    static func interval(_ e: Estimate) -> String {
        guard let low = e.low, let high = e.high else { return "" }
        return number(low) + " to " + number(high)
    }

    static func withInterval(_ e: Estimate) -> String {
        guard let value = e.value else { return "—" }
        guard let low = e.low, let high = e.high else { return number(value) }
        return number(value) + " [" + number(low) + ", " + number(high) + "]"
    }

    /// Left-aligned first cell, the others right-aligned, in the given widths.
    static func cells(_ values: [String], _ widths: [Int]) -> String {
        var s = ""
        for (i, v) in values.enumerated() {
            let w = i < widths.count ? widths[i] : 10
            s += i == 0 ? (v.count >= w ? v + " " : v.padding(toLength: w, withPad: " ", startingAt: 0)) : aligned(v, w)
        }
        return s
    }

    /// Right-aligned in `width` columns (with a space before, at least).
    static func aligned(_ s: String, _ width: Int) -> String {
        s.count >= width ? " " + s : String(repeating: " ", count: width - s.count) + s
    }
}
