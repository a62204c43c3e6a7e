import Foundation

extension EvaluationReport {
    /// A self-contained HTML report (inline CSS, no scripts, nothing fetched), in the style of
    /// the agreement report: coverage, the scores with their intervals, per-label scores, the
    /// confusion matrix as a shaded table, and the baselines with the paired comparison.
    public func html(title: String) -> String {
        let boot = bootstrapSamples > 0
        var h = """
        <!doctype html><html lang="en"><head><meta charset="utf-8"><title>\(esc(title))</title>
        <style>body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}
        td,th{padding:3px 10px;border-bottom:1px solid #ddd;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
        h2{margin-top:2em}.muted{color:#777}</style></head><body>
        <h1>\(esc(title))</h1>
        """
        h += "<p>Predictions from <code>\(esc(predictionsFile))</code>"
            + (frozenSet.map { " on frozen set <strong>\(esc($0))</strong>" } ?? "")
            + (setHash.map { " (set hash <code>\(esc($0))</code>)" } ?? "") + ": \(items) items, \(predicted) with a prediction.</p>"
        if !missing.isEmpty {
            h += "<p><strong>\(missing.count) without a prediction</strong>, scored as wrong: "
                + missing.prefix(50).map { "<code>\(esc($0))</code>" }.joined(separator: ", ") + (missing.count > 50 ? ", …" : "") + "</p>"
        }
        if leftOut > 0 { h += "<p>\(leftOut) frozen items not scored: their final label is not a label of the current guideline.</p>" }
        h += "<p class=muted>Macro-F1 averages over the labels in the final labels: \(esc(scoredLabels.joined(separator: ", "))).</p>"

        h += "<h2>Scores</h2><table><tr><th></th><th>Value</th><th>\(boot ? "95% bootstrap interval (\(bootstrapSamples) resamples, seed \(seed))" : "")</th></tr>"
        for (name, e) in [("Accuracy", accuracy), ("Macro-F1", macroF1)] {
            h += "<tr><td>\(name)</td><td class=n>\(Self.number(e.value))</td><td class=n>\(esc(Self.interval(e)))</td></tr>"
        }
        h += "</table>"

        h += "<h2>Per label</h2><table><tr><th>Label</th><th>Support</th><th>Predicted</th><th>Precision</th><th>Recall</th><th>F1</th></tr>"
        for l in perLabel {
            h += "<tr><td>\(esc(l.label))</td><td class=n>\(l.support)</td><td class=n>\(l.predicted)</td>"
                + "<td class=n>\(esc(Self.withInterval(l.precision)))</td><td class=n>\(esc(Self.withInterval(l.recall)))</td>"
                + "<td class=n>\(esc(Self.withInterval(l.f1)))</td></tr>"
        }
        h += "</table>"

        h += "<h2>Confusion</h2><p class=muted>Rows: final label; columns: prediction. The diagonal is right.</p><table><tr><th></th>"
        let q = confusion.labelCount
        let hasMissing = confusion.unpredicted > 0
        for l in labels { h += "<th>\(esc(l))</th>" }
        if hasMissing { h += "<th>(none)</th>" }
        h += "</tr>"
        for g in 0..<q {
            let row = confusion.goldCount(g)
            h += "<tr><th>\(esc(labels[g]))</th>"
            for p in Array(0..<q).map(Optional.some) + (hasMissing ? [nil] : []) {
                let n = confusion.count(gold: g, predicted: p)
                let t = row > 0 ? Double(n) / Double(row) : 0
                let shade = p == g ? "rgb(\(Int(255 - 150 * t)),\(Int(255 - 60 * t)),\(Int(255 - 150 * t)))"
                                   : "rgb(255,\(Int(255 - 150 * t)),\(Int(255 - 150 * t)))"
                h += "<td class=n style=\"background:\(shade)\">\(n)</td>"
            }
            h += "</tr>"
        }
        h += "</table>"

        h += "<h2>Against the baselines</h2>"
        h += "<p class=muted>" + (boot ? "Paired bootstrap: each resample scores the model and the baseline on the same items. " : "")
            + "Random guesses: exact expected values (on each resample, a fresh guess per item). Human: each annotator against the "
            + "majority of the others (leave-one-out), averaged.</p>"
        h += "<table><tr><th>Baseline</th><th>Accuracy</th><th>Model &minus; baseline</th>\(boot ? "<th>Model better</th>" : "")"
            + "<th>Macro-F1</th><th>Model &minus; baseline</th>\(boot ? "<th>Model better</th>" : "")</tr>"
        for b in baselines {
            h += "<tr><td>\(esc(b.title))</td>"
            for (value, d) in [(b.score.accuracy as Double?, b.accuracyDifference), (b.score.macroF1, b.macroF1Difference)] {
                h += "<td class=n>\(Self.number(value))</td><td class=n>\(esc(Self.signed(d.value)))"
                    + (d.low != nil ? " [\(esc(Self.signed(d.low))), \(esc(Self.signed(d.high)))]" : "") + "</td>"
                if boot { h += "<td class=n>\(d.modelBetter.map { String(format: "%.1f%%", $0 * 100) } ?? "—")</td>" }
            }
            h += "</tr>"
        }
        h += "</table></body></html>\n"
        return h
    }

    private func esc(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
