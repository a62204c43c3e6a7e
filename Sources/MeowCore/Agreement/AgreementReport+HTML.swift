import Foundation

extension AgreementReport {
    /// A self-contained HTML report (inline CSS and SVG, no scripts, nothing fetched): the
    /// coefficients, the pairwise kappa heat map, the label coincidence matrix and each
    /// annotator's agreement with the rest.
    public func html(title: String, ratings: Ratings) -> String {
        var h = """
        <!doctype html><html lang="en"><head><meta charset="utf-8"><title>\(esc(title))</title>
        <style>\(HTMLText.baseStyle)</style></head><body>
        <h1>\(esc(title))</h1>
        <p>\(items) items with two or more annotations, \(annotators) annotators, \(annotations) annotations compared.</p>
        <h2>Coefficients</h2>
        """
        if let warning = smallSampleWarning { h += "<p><strong>Small sample:</strong> \(esc(warning)).</p>" }
        h += "<table><tr><th>Coefficient</th><th>Value</th></tr>"
        let rows: [(String, Double?, String)] = [
            ("Percent agreement", percentAgreement, "percent_agreement"),
            ("Krippendorff's alpha (nominal)", alphaNominal, "krippendorff_alpha.nominal"),
            ("Krippendorff's alpha (ordinal)", alphaOrdinal, "krippendorff_alpha.ordinal"),
            ("Krippendorff's alpha (interval)", alphaInterval, "krippendorff_alpha.interval"),
            ("Krippendorff's alpha (ratio)", alphaRatio, "krippendorff_alpha.ratio"),
            ("Fleiss' kappa", fleissKappa, "fleiss_kappa"), ("Gwet's AC1", gwetAC1, "gwet_ac1"),
            ("Cohen's kappa", cohenKappa, "cohen_kappa"),
            ("Weighted kappa (linear)", linearWeightedKappa, "weighted_kappa.linear"),
            ("Weighted kappa (quadratic)", quadraticWeightedKappa, "weighted_kappa.quadratic"),
        ]
        for (name, v, key) in rows {
            let cell = v.map { String(format: "%.3f", $0) } ?? "<span class=muted>undefined: \(esc(undefinedReasons[key]?.description ?? "not computed"))</span>"
            h += "<tr><td>\(esc(name))</td><td class=n>\(cell)</td></tr>"
        }
        for level in MeasurementLevel.allCases {
            guard let ci = alphaIntervals[level] else { continue }
            h += "<tr><td>95% bootstrap interval of \(level.rawValue) alpha (\(ci.samples) of \(bootstrapSamples) samples, seed \(bootstrapSeed))</td><td class=n>"
                + String(format: "%.3f&ndash;%.3f", ci.lower, ci.upper) + "</td></tr>"
        }
        h += "</table><p class=muted>Krippendorff's alpha: &ge; 0.800 reliable, 0.667&ndash;0.800 tentative, &lt; 0.667 unreliable. Kappas (Landis &amp; Koch): &lt; 0 poor, 0 to 0.20 slight, above 0.20 to 0.40 fair, above 0.40 to 0.60 moderate, above 0.60 to 0.80 substantial, above 0.80 almost perfect.</p>"

        // Pairwise kappa heat map.
        let names = ratings.annotators.sorted()
        var kappa: [String: PairwiseAgreement] = [:]
        for p in pairwise { kappa[p.a + "\u{0}" + p.b] = p; kappa[p.b + "\u{0}" + p.a] = p }
        h += "<h2>Pairwise Cohen's kappa</h2>"
        h += heatMap(rows: names, cols: names) { r, c in
            if r == c { return (nil, "") }
            guard let p = kappa[names[r] + "\u{0}" + names[c]] else { return (nil, "") }
            return (p.cohenKappa, p.cohenKappa.map { String(format: "%.2f", $0) } ?? "—")
        }

        // Label coincidence matrix.
        let (labels, matrix) = coincidences(ratings)
        let maxCell = matrix.flatMap { $0 }.max() ?? 1
        h += "<h2>Label coincidences</h2><p class=muted>How often two annotators of the same item gave these labels (pairs weighted 1/(r&minus;1) as in Krippendorff's alpha). Off-diagonal cells are confusions.</p>"
        h += heatMap(rows: labels, cols: labels) { r, c in
            let v = matrix[r][c]
            return (maxCell > 0 ? v / maxCell : 0, v == 0 ? "" : String(format: v.rounded() == v ? "%.0f" : "%.1f", v))
        }

        // Each annotator against the rest.
        h += "<h2>Each annotator against the rest</h2><table><tr><th>Annotator</th><th>Shared items</th><th>Mean kappa</th><th>Percent agreement</th></tr>"
        for name in names {
            let mine = pairwise.filter { $0.a == name || $0.b == name }
            let n = mine.reduce(0) { $0 + $1.items }
            let withKappa = mine.filter { $0.cohenKappa != nil }
            let kw = withKappa.reduce(0) { $0 + $1.items }
            let meanKappa = kw > 0 ? withKappa.reduce(0.0) { $0 + $1.cohenKappa! * Double($1.items) } / Double(kw) : nil
            let pa = n > 0 ? mine.reduce(0.0) { $0 + $1.percentAgreement * Double($1.items) } / Double(n) : nil
            h += "<tr><td>\(esc(name))</td><td class=n>\(n)</td><td class=n>\(meanKappa.map { String(format: "%.3f", $0) } ?? "—")</td><td class=n>\(pa.map { String(format: "%.1f%%", $0 * 100) } ?? "—")</td></tr>"
        }
        h += "</table></body></html>\n"
        return h
    }

    private func heatMap(rows: [String], cols: [String], cell: (Int, Int) -> (Double?, String)) -> String {
        HTMLText.heatMap(rows: rows, cols: cols, cell: cell)
    }

    /// The coincidence matrix o_ck over pairable items, labels in code order (used ones only).
    private func coincidences(_ r: Ratings) -> ([String], [[Double]]) {
        var byItem: [Int32: [Int32]] = [:]
        for i in 0..<r.count { byItem[r.item[i], default: []].append(r.label[i]) }
        let q = r.labels.count
        var o = Array(repeating: Array(repeating: 0.0, count: q), count: q)
        for labels in byItem.values where labels.count >= 2 {
            var counts: [Int32: Int] = [:]
            for l in labels { counts[l, default: 0] += 1 }
            let m = Double(labels.count - 1)
            for (c, nc) in counts {
                for (k, nk) in counts {
                    o[Int(c)][Int(k)] += Double(c == k ? nc * (nc - 1) : nc * nk) / m
                }
            }
        }
        let used = (0..<q).filter { c in o[c].contains { $0 > 0 } }
        return (used.map { r.labels[$0] }, used.map { c in used.map { o[c][$0] } })
    }

    private func esc(_ s: String) -> String { HTMLText.escape(s) }
}
