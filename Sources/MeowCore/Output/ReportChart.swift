import Foundation

/// The inline SVG charts of `meow report`: drawn from numbers only, every label escaped,
/// never a NaN coordinate (undefined values draw no bar and print "—").
enum ReportChart {
    private static func esc(_ s: String) -> String { HTMLText.escape(s) }
    private static func n(_ v: Double) -> String { String(format: "%.1f", v.isFinite ? v : 0) }

    /// Bars per bucket (left scale) and the running total as a line (right scale).
    static func progress(_ p: ProjectReport.Progress) -> String {
        let width = 960.0, height = 280.0, left = 56.0, right = 64.0, top = 16.0, bottom = 56.0
        let plotW = width - left - right, plotH = height - top - bottom
        let buckets = p.buckets
        let most = Double(buckets.map(\.answers).max() ?? 0), total = Double(buckets.last?.cumulative ?? 0)
        let step = plotW / Double(max(1, buckets.count))
        var s = "<svg width=\"\(Int(width))\" height=\"\(Int(height))\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"Answers over time\">"
        s += "<line x1=\"\(n(left))\" y1=\"\(n(top + plotH))\" x2=\"\(n(left + plotW))\" y2=\"\(n(top + plotH))\" stroke=\"#999\"/>"
        for (i, b) in buckets.enumerated() {
            let hgt = most > 0 ? plotH * Double(b.answers) / most : 0
            let x = left + Double(i) * step
            s += "<rect x=\"\(n(x + step * 0.1))\" y=\"\(n(top + plotH - hgt))\" width=\"\(n(max(1, step * 0.8)))\" height=\"\(n(hgt))\" fill=\"#9cc3e6\">"
                + "<title>\(esc(b.start)): \(b.answers) answers, \(b.cumulative) in total</title></rect>"
        }
        let points = buckets.enumerated().map { i, b in
            "\(n(left + (Double(i) + 0.5) * step)),\(n(top + plotH - (total > 0 ? plotH * Double(b.cumulative) / total : 0)))"
        }
        if points.count > 1 {
            s += "<polyline points=\"\(points.joined(separator: " "))\" fill=\"none\" stroke=\"#1f5fa8\" stroke-width=\"2\"/>"
        }
        if let last = points.last {
            let xy = last.split(separator: ",")
            s += "<circle cx=\"\(xy[0])\" cy=\"\(xy[xy.count - 1])\" r=\"3\" fill=\"#1f5fa8\"/>"
        }
        // Scales: left for answers per bucket, right for the total.
        s += "<text x=\"\(n(left - 6))\" y=\"\(n(top + 4))\" text-anchor=\"end\">\(Int(most))</text>"
        s += "<text x=\"\(n(left - 6))\" y=\"\(n(top + plotH + 4))\" text-anchor=\"end\">0</text>"
        s += "<text x=\"\(n(left + plotW + 6))\" y=\"\(n(top + 4))\" fill=\"#1f5fa8\">\(Int(total))</text>"
        s += "<text x=\"\(n(left + plotW + 6))\" y=\"\(n(top + plotH + 4))\" fill=\"#1f5fa8\">0</text>"
        // Up to five dates along the bottom.
        let ticks = buckets.count <= 5 ? Array(buckets.indices) : (0..<5).map { $0 * (buckets.count - 1) / 4 }
        for i in Set(ticks).sorted() {
            let x = left + (Double(i) + 0.5) * step
            s += "<text x=\"\(n(x))\" y=\"\(n(top + plotH + 18))\" text-anchor=\"middle\">\(esc(label(buckets[i].start, p.granularity)))</text>"
        }
        return s + "</svg>"
    }

    /// `2026-11-30T14` → `2026-11-30 14:00`.
    private static func label(_ start: String, _ g: ProjectReport.Progress.Granularity) -> String {
        g == .hour && start.count == 13 ? start.replacingOccurrences(of: "T", with: " ") + ":00" : start
    }

    /// Horizontal bars on a scale from `low` (zero or below) to `high`; a nil value draws no
    /// bar and shows its text ("—").
    static func bars(_ rows: [(label: String, value: Double?, text: String)], low: Double, high: Double, color: String) -> String {
        let labelW = 170.0, barW = 420.0, rowH = 22.0
        let lo = min(0, low.isFinite ? low : 0), hi = max(lo + 1e-9, high.isFinite ? high : 0)
        let zero = labelW + barW * (0 - lo) / (hi - lo)
        let height = rowH * Double(rows.count) + 8
        var s = "<svg width=\"\(Int(labelW + barW + 150))\" height=\"\(Int(height))\" role=\"img\">"
        s += "<line x1=\"\(n(zero))\" y1=\"0\" x2=\"\(n(zero))\" y2=\"\(n(height - 4))\" stroke=\"#999\"/>"
        for (i, r) in rows.enumerated() {
            let y = Double(i) * rowH + 4
            s += "<text x=\"\(n(labelW - 8))\" y=\"\(n(y + 14))\" text-anchor=\"end\">\(esc(String(r.label.prefix(24))))</text>"
            var end = zero
            if let v = r.value, v.isFinite {
                let x = labelW + barW * (max(lo, min(hi, v)) - lo) / (hi - lo)
                s += "<rect x=\"\(n(min(zero, x)))\" y=\"\(n(y + 2))\" width=\"\(n(max(1, abs(x - zero))))\" height=\"\(n(rowH - 6))\" fill=\"\(v < 0 ? "#d9675b" : color)\">"
                    + "<title>\(esc(r.label)): \(esc(r.text))</title></rect>"
                end = max(zero, x)
            }
            s += "<text x=\"\(n(end + 6))\" y=\"\(n(y + 14))\">\(esc(r.text))</text>"
        }
        return s + "</svg>"
    }

    /// One bar split into parts in proportion (the consensus state).
    static func stacked(_ parts: [(name: String, count: Int, color: String)]) -> String {
        let width = 600.0, total = Double(parts.reduce(0) { $0 + $1.count })
        var s = "<svg width=\"\(Int(width))\" height=\"40\" role=\"img\">"
        var x = 0.0
        for p in parts where p.count > 0 && total > 0 {
            let w = width * Double(p.count) / total
            s += "<rect x=\"\(n(x))\" y=\"4\" width=\"\(n(w))\" height=\"28\" fill=\"\(p.color)\"><title>\(esc(p.name)): \(p.count)</title></rect>"
            if w > 30 { s += "<text x=\"\(n(x + w / 2))\" y=\"22\" text-anchor=\"middle\">\(p.count)</text>" }
            x += w
        }
        return s + "</svg>"
    }
}
