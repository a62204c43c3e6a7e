import Foundation

extension ProjectReport {
    /// The report as one self-contained HTML page (inline CSS and SVG, no script, nothing
    /// fetched), in the agreement report's style. Every string from the workspace (project,
    /// annotator, label and set names) is escaped; a section without data says so instead of
    /// drawing an empty chart; undefined numbers show as "—".
    public func html() -> String {
        let title = "Report — \(project)"
        var h = """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>\(esc(title))</title>
        <style>\(HTMLText.baseStyle)
        .empty{color:#777;font-style:italic}.legend span{display:inline-block;width:12px;height:12px;margin:0 4px 0 14px;vertical-align:middle}
        svg{display:block;margin:.5em 0}</style></head><body>
        <h1>\(esc(title))</h1>
        <p>\(esc(task)) task, guideline v\(guidelineVersion): \(items) items, \(answers) answers by \(annotators.filter { $0.answers > 0 }.count) annotators. <span class="muted">Generated \(esc(generatedAt)).</span></p>

        """
        h += progressSection() + annotatorSection() + goldSection() + agreementSection() + labelSection()
            + confusionSection() + consensusSection() + frozenSection()
        h += "</body></html>\n"
        return h
    }

    private func esc(_ s: String) -> String { HTMLText.escape(s) }

    private static func empty(_ message: String) -> String { "<p class=\"empty\">\(HTMLText.escape(message))</p>\n" }

    /// "—" for an undefined number.
    private static func format(_ v: Double?, _ f: String) -> String { v.map { String(format: f, $0) } ?? "—" }
    private static func percent(_ v: Double?) -> String { v.map { String(format: "%.1f%%", $0 * 100) } ?? "—" }
    private static func duration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds > 0 else { return "—" }
        let s = Int(seconds.rounded())
        return s >= 3600 ? String(format: "%dh %02dm", s / 3600, s % 3600 / 60) : String(format: "%dm %02ds", s / 60, s % 60)
    }

    // MARK: Sections

    private func progressSection() -> String {
        var h = "<h2>Progress over time</h2>\n"
        guard !progress.buckets.isEmpty else { return h + Self.empty("No answers yet.") }
        h += "<p class=\"muted\">Answers per \(progress.granularity.rawValue) (bars, left scale) and in total (line, right scale), UTC.</p>\n"
        return h + ReportChart.progress(progress) + "\n"
    }

    private func annotatorSection() -> String {
        var h = "<h2>Throughput per annotator</h2>\n"
        let working = annotators.filter { $0.answers > 0 }
        guard !working.isEmpty else { return h + Self.empty("No answers yet.") }
        h += "<p class=\"muted\">Items per hour count the answers with a measured time (the labeling screen measures; imported and scripted answers have none) over the time measured.</p>\n"
        h += "<table><tr><th>Annotator</th><th>Answers</th><th>Timed</th><th>Active time</th><th>Items/hour</th></tr>\n"
        for a in working {
            h += "<tr><td>\(esc(a.name))</td><td class=\"n\">\(a.answers)</td><td class=\"n\">\(a.timedAnswers)</td><td class=\"n\">\(Self.duration(a.activeSeconds))</td><td class=\"n\">\(Self.format(a.itemsPerHour, "%.1f"))</td></tr>\n"
        }
        h += "</table>\n"
        let top = Double(working.map(\.answers).max() ?? 0)
        h += ReportChart.bars(working.map { ($0.name, Double($0.answers), String($0.answers)) }, low: 0, high: top, color: "#5b8fc9")
        if working.contains(where: { $0.itemsPerHour != nil }) {
            let fastest = working.compactMap(\.itemsPerHour).max() ?? 0
            h += "<p class=\"muted\">Items per hour of active time:</p>\n"
            h += ReportChart.bars(working.map { ($0.name, $0.itemsPerHour, Self.format($0.itemsPerHour, "%.1f")) }, low: 0, high: fastest, color: "#7aa66b")
        }
        return h + "\n"
    }

    private func goldSection() -> String {
        var h = "<h2>Gold accuracy per annotator</h2>\n"
        let tested = annotators.filter { $0.goldChecks > 0 || $0.qualification != nil }
        guard !tested.isEmpty else { return h + Self.empty("No gold checks or qualification answers yet.") }
        h += "<table><tr><th>Annotator</th><th>Gold checks</th><th>Correct</th><th>Accuracy</th><th>Qualification</th></tr>\n"
        for a in tested {
            let q = a.qualification.map { "\($0.state.replacingOccurrences(of: "_", with: " ")), round \($0.round)" + ($0.total > 0 ? ": \($0.correct)/\($0.total)" : "") } ?? "—"
            h += "<tr><td>\(esc(a.name))</td><td class=\"n\">\(a.goldChecks)</td><td class=\"n\">\(a.goldCorrect)</td><td class=\"n\">\(Self.percent(a.goldAccuracy))</td><td>\(esc(q))</td></tr>\n"
        }
        h += "</table>\n"
        if tested.contains(where: { $0.goldAccuracy != nil }) {
            h += ReportChart.bars(tested.map { ($0.name, $0.goldAccuracy, Self.percent($0.goldAccuracy)) }, low: 0, high: 1, color: "#c9a23f")
        }
        return h + "\n"
    }

    private func agreementSection() -> String {
        var h = "<h2>Agreement by guideline version</h2>\n"
        guard !agreementByVersion.isEmpty else { return h + Self.empty("No answers yet.") }
        h += "<p class=\"muted\">Krippendorff's alpha (nominal) over the answers made under each version: &ge; 0.800 reliable, 0.667&ndash;0.800 tentative, &lt; 0.667 unreliable.</p>\n"
        h += "<table><tr><th>Version</th><th>Answers</th><th>Items compared</th><th>Alpha (nominal)</th><th>Percent agreement</th></tr>\n"
        for v in agreementByVersion {
            h += "<tr><td>v\(v.version)</td><td class=\"n\">\(v.answers)</td><td class=\"n\">\(v.pairableItems)</td><td class=\"n\">\(Self.format(v.alphaNominal, "%.3f"))</td><td class=\"n\">\(Self.percent(v.percentAgreement))</td></tr>\n"
        }
        h += "</table>\n"
        if agreementByVersion.contains(where: { $0.alphaNominal != nil }) {
            let low = min(0, agreementByVersion.compactMap(\.alphaNominal).min() ?? 0)
            h += ReportChart.bars(agreementByVersion.map { ("v\($0.version)", $0.alphaNominal, Self.format($0.alphaNominal, "%.3f")) }, low: low, high: 1, color: "#8a6fc2")
        } else {
            h += Self.empty("Alpha needs items with two or more answers under one version.")
        }
        return h + "\n"
    }

    private func labelSection() -> String {
        var h = "<h2>Label distribution</h2>\n"
        guard !labels.isEmpty else { return h + Self.empty("No answers yet.") }
        let total = labels.reduce(0) { $0 + $1.count }
        let top = Double(labels.map(\.count).max() ?? 0)
        h += ReportChart.bars(labels.map { l in
            (l.label, Double(l.count), "\(l.count) (" + Self.percent(total > 0 ? Double(l.count) / Double(total) : nil) + ")")
        }, low: 0, high: top, color: "#5b8fc9")
        return h + "\n"
    }

    /// At most this many labels in the heat map (the most frequent); the JSON has them all.
    static let confusionLimit = 30

    private func confusionSection() -> String {
        var h = "<h2>Confusion between annotators</h2>\n"
        if task == Guideline.Task.spans.rawValue { return h + Self.empty("Not drawn for span tasks: an answer holds several spans; meow agreement compares them by overlap.") }
        guard confusion.pairs > 0, !confusion.labels.isEmpty else { return h + Self.empty("No item has two or more answers yet.") }
        h += "<p class=\"muted\">Pairs of answers to the same item by two annotators (\(confusion.pairs) pairs on \(confusion.items) items): the diagonal counts agreeing pairs, an off-diagonal cell pairs where one said the row's label and the other the column's.</p>\n"
        var keep = Array(confusion.labels.indices)
        if keep.count > Self.confusionLimit {
            let weight = confusion.counts.map { $0.reduce(0, +) }
            keep = Array(keep.sorted { weight[$0] > weight[$1] }.prefix(Self.confusionLimit)).sorted()
            h += "<p class=\"muted\">The \(Self.confusionLimit) most frequent of \(confusion.labels.count) labels (the JSON output has all).</p>\n"
        }
        let names = keep.map { confusion.labels[$0] }
        let top = Double(keep.flatMap { r in keep.map { confusion.counts[r][$0] } }.max() ?? 0)
        h += HTMLText.heatMap(rows: names, cols: names) { r, c in
            let v = confusion.counts[keep[r]][keep[c]]
            return (top > 0 ? Double(v) / top : 0, v == 0 ? "" : String(v))
        }
        return h + "\n"
    }

    private func consensusSection() -> String {
        var h = "<h2>Consensus</h2>\n"
        let total = consensus.final + consensus.disputed + consensus.pending
        guard total > 0 else { return h + Self.empty("No items yet.") }
        let parts: [(String, Int, String)] = [("final", consensus.final, "#4a9d5b"), ("disputed", consensus.disputed, "#e0873a"), ("pending", consensus.pending, "#bbbbbb")]
        h += "<p class=\"legend\">" + parts.map { "<span style=\"background:\($0.2)\"></span>\($0.0) \($0.1)" }.joined() + "</p>\n"
        h += ReportChart.stacked(parts) + "\n"
        h += "<p class=\"muted\">Final: a label decided by consensus or a reviewer. Disputed: a tie waiting for review. Pending: no final label yet (the item still needs answers, or <code>meow consensus</code> has not run since it was completed).</p>\n"
        return h
    }

    private func frozenSection() -> String {
        var h = "<h2>Frozen test sets</h2>\n"
        guard !frozenSets.isEmpty else { return h + Self.empty("No frozen test set yet.") }
        h += "<table><tr><th>Name</th><th>Items</th><th>Set hash</th><th>Created</th><th>By</th></tr>\n"
        for s in frozenSets {
            h += "<tr><td>\(esc(s.name))</td><td class=\"n\">\(s.size)</td><td><code>\(esc(s.setHash))</code></td><td>\(esc(s.createdAt))</td><td>\(esc(s.createdBy))</td></tr>\n"
        }
        return h + "</table>\n"
    }
}
