import Foundation

extension AgreementReport {
    /// The report for a person: the coefficients with how to read them, the
    /// per-label table, the pairwise matrix, the most confused label pairs and
    /// the reason for every undefined value.
    ///
    /// Why readings next to numbers: a bare "0.71" means little; the published
    /// bands (Krippendorff 2004 for alpha, Landis & Koch 1977 for kappas) say
    /// whether the data can be relied on.
    /// `labelSections: false` leaves out the per-label table and the confused pairs: for span
    /// answers every distinct set of spans is a "label", and those tables would list them all.
    public func text(labelSections: Bool = true) -> String {
        var out: [String] = []
        let single = ratedItems - items
        var summary = "Agreement on \(items) item\(items == 1 ? "" : "s") with 2 or more annotations "
            + "(\(annotators) annotator\(annotators == 1 ? "" : "s"), \(annotations) annotation\(annotations == 1 ? "" : "s") compared)"
        if single > 0 { summary += "; \(single) item\(single == 1 ? "" : "s") with a single annotation not compared" }
        out.append(summary)
        if let warning = smallSampleWarning { out.append("warning: " + warning) }
        out.append("")

        // Coefficients.
        var rows: [[String]] = [["Coefficient", "Value", "Reading"]]
        func row(_ name: String, _ value: Double?, _ key: String, _ reading: (Double) -> String) {
            if let value {
                rows.append([name, Self.number(value), reading(value)])
            } else {
                rows.append([name, "—", "undefined: " + (undefinedReasons[key]?.description ?? "not computed")])
            }
        }
        row("Percent agreement", percentAgreement, "percent_agreement") { _ in "agreeing pairs, not corrected for chance" }
        for (level, value) in [(MeasurementLevel.nominal, alphaNominal), (.ordinal, alphaOrdinal), (.interval, alphaInterval), (.ratio, alphaRatio)] {
            row("Krippendorff's alpha, \(level.rawValue)", value, "krippendorff_alpha.\(level.rawValue)", Self.alphaReading)
            // An interval only under a defined alpha: the row above already says why not.
            guard value != nil, bootstrapSamples > 0 else { continue }
            if let ci = alphaIntervals[level] {
                rows.append(["  95% bootstrap interval", "",
                             Self.number(ci.lower) + " to " + Self.number(ci.upper)
                                + " (\(ci.samples) of \(ci.requested) resamples of items, seed \(bootstrapSeed))"])
            } else if let reason = undefinedReasons["bootstrap.alpha_\(level.rawValue)"] {
                rows.append(["  95% bootstrap interval", "", "undefined: \(reason)"])
            }
        }
        row("Fleiss' kappa", fleissKappa, "fleiss_kappa", Self.kappaReading)
        row("Gwet's AC1", gwetAC1, "gwet_ac1", Self.kappaReading)
        row("Cohen's kappa", cohenKappa, "cohen_kappa", Self.kappaReading)
        row("Weighted kappa, linear", linearWeightedKappa, "weighted_kappa.linear", Self.kappaReading)
        row("Weighted kappa, quadratic", quadraticWeightedKappa, "weighted_kappa.quadratic", Self.kappaReading)
        out += Self.table(rows, rightAligned: [1])
        out.append("")
        out.append("How to read:")
        out.append("  Krippendorff's alpha: >= 0.800 reliable; 0.667-0.800 tentative conclusions only; < 0.667 unreliable.")
        out.append("  Kappas and AC1 (Landis & Koch): < 0 poor; 0 to 0.20 slight; above 0.20 to 0.40 fair;")
        out.append("  above 0.40 to 0.60 moderate; above 0.60 to 0.80 substantial; above 0.80 almost perfect.")
        out.append("")

        // Per label.
        var labelNotes: [String] = []
        if labelSections {
        out.append("Per label (annotations on pairable items):")
        var labelRows: [[String]] = [["Label", "Count", "Specific agreement"]]
        for label in perLabel {
            labelRows.append([Self.short(label.label), String(label.count), label.specificAgreement.map(Self.number) ?? "—"])
            if label.specificAgreement == nil {
                labelNotes.append("  \(Self.short(label.label)): specific agreement undefined: \(UndefinedReason.labelNotOnPairableItems)")
            }
        }
        out += Self.table(labelRows, rightAligned: [1, 2]).map { "  " + $0 }
        out.append("")
        }

        // Pairwise.
        out += pairwiseSection()
        out.append("")

        // Confusions.
        if !labelSections {
            // Nothing: whole answers are not labels here.
        } else if confusions.isEmpty {
            out.append("Most confused label pairs (clarify the guideline where these labels meet):")
            out.append("  none: no item received two different labels")
        } else {
            out.append("Most confused label pairs (clarify the guideline where these labels meet):")
            var confusionRows: [[String]] = [["Labels", "Weight", "Items"]]
            for c in confusions.prefix(5) {
                confusionRows.append([Self.short(c.first) + " / " + Self.short(c.second),
                                      String(format: "%.1f", c.weight), String(c.items)])
            }
            out += Self.table(confusionRows, rightAligned: [1, 2]).map { "  " + $0 }
            out.append("  (weight: disagreeing annotation pairs, each item's pairs weighted 1/(annotations - 1))")
        }

        // Undefined values not already explained in the coefficient table.
        var notes = labelNotes
        for pair in pairwise where pair.cohenKappa == nil {
            notes.append("  pairwise \(pair.a) / \(pair.b): Cohen's kappa undefined: \(pair.cohenKappaUndefined ?? .notFinite)")
        }
        if !notes.isEmpty {
            out.append("")
            out.append("Other undefined values:")
            if notes.count > 40 {
                out += notes.prefix(40)
                out.append("  … and \(notes.count - 40) more")
            } else {
                out += notes
            }
        }
        return out.joined(separator: "\n") + "\n"
    }

    private func pairwiseSection() -> [String] {
        var out: [String] = []
        if pairwise.isEmpty {
            out.append("Pairwise Cohen's kappa: no two annotators share an item.")
            return out
        }
        var names = Set<String>()
        for p in pairwise { names.insert(p.a); names.insert(p.b) }
        let sorted = names.sorted()
        if sorted.count <= 12 {
            out.append("Pairwise Cohen's kappa (row / column annotator, on the items both labeled; · = no shared item):")
            var byPair: [String: [String: PairwiseAgreement]] = [:]
            for p in pairwise { byPair[p.a, default: [:]][p.b] = p }
            var rows: [[String]] = [[""] + sorted.dropLast().map { Self.short($0, 10) }]
            for (i, a) in sorted.enumerated() where i > 0 {
                var cells = [Self.short(a, 10)]
                for b in sorted.prefix(i) {
                    // stored with the smaller name first
                    let p = byPair[min(a, b)]?[max(a, b)]
                    cells.append(p.map { $0.cohenKappa.map(Self.number) ?? "—" } ?? "·")
                }
                cells += Array(repeating: "", count: sorted.count - 1 - i)
                rows.append(cells)
            }
            out += Self.table(rows, rightAligned: Set(1..<(sorted.count))).map { "  " + $0 }
        } else {
            out.append("Pairwise Cohen's kappa: \(pairwise.count) annotator pairs; the 10 lowest (all pairs are in the JSON):")
            let lowest = pairwise.sorted {
                ($0.cohenKappa ?? .infinity, $0.a, $0.b) < ($1.cohenKappa ?? .infinity, $1.a, $1.b)
            }.prefix(10)
            var rows: [[String]] = [["Pair", "Items", "Kappa", "Agreement"]]
            for p in lowest {
                rows.append([Self.short(p.a, 16) + " / " + Self.short(p.b, 16), String(p.items),
                             p.cohenKappa.map(Self.number) ?? "—", Self.number(p.percentAgreement)])
            }
            out += Self.table(rows, rightAligned: [1, 2, 3]).map { "  " + $0 }
        }
        return out
    }

    /// Below this many items with two or more answers, a coefficient can swing by tenths when
    /// one answer changes: the reports say so next to the numbers.
    public static let smallSampleItems = 10

    /// The warning the text and HTML reports show when too few items were compared.
    public var smallSampleWarning: String? {
        guard items < Self.smallSampleItems else { return nil }
        return "only \(items) item\(items == 1 ? " has" : "s have") 2 or more annotations; with fewer than \(Self.smallSampleItems), every coefficient here can change a lot when a single answer does, so read them as rough indications"
    }

    /// Krippendorff (2004), Content Analysis, 2nd ed., §11.4.4.
    static func alphaReading(_ alpha: Double) -> String {
        if alpha >= 0.800 { return "reliable (>= 0.800)" }
        if alpha >= 0.667 { return "tentative conclusions only (0.667-0.800)" }
        return "unreliable (< 0.667)"
    }

    /// Landis, J. R. & Koch, G. G. (1977). Biometrics 33(1), 159-174.
    static func kappaReading(_ kappa: Double) -> String {
        // Compare at the printed precision so that "0.200" reads as slight.
        let k = (kappa * 1000).rounded() / 1000
        // Bands that meet, so every value has one that names it (0.602 is "above 0.60").
        if k < 0 { return "poor (< 0)" }
        if k <= 0.20 { return "slight (0 to 0.20)" }
        if k <= 0.40 { return "fair (above 0.20 to 0.40)" }
        if k <= 0.60 { return "moderate (above 0.40 to 0.60)" }
        if k <= 0.80 { return "substantial (above 0.60 to 0.80)" }
        return "almost perfect (above 0.80)"
    }

    static func number(_ x: Double) -> String {
        let s = String(format: "%.3f", x)
        return s == "-0.000" ? "0.000" : s
    }

    static func short(_ name: String, _ limit: Int = 24) -> String {
        name.count <= limit ? name : String(name.prefix(limit - 1)) + "…"
    }

    /// Left-aligned columns (right-aligned for the given column indices),
    /// separated by two spaces, with a rule under the header.
    static func table(_ rows: [[String]], rightAligned: Set<Int>) -> [String] {
        let columns = rows.map(\.count).max() ?? 0
        var width = [Int](repeating: 0, count: columns)
        for r in rows { for (i, cell) in r.enumerated() { width[i] = max(width[i], cell.count) } }
        var lines: [String] = []
        for (n, r) in rows.enumerated() {
            var cells: [String] = []
            for i in 0..<columns {
                let cell = i < r.count ? r[i] : ""
                let pad = String(repeating: " ", count: width[i] - cell.count)
                cells.append(rightAligned.contains(i) ? pad + cell : cell + pad)
            }
            lines.append(Self.trimEnd(cells.joined(separator: "  ")))
            if n == 0 { lines.append(width.map { String(repeating: "-", count: $0) }.joined(separator: "  ")) }
        }
        return lines
    }

    private static func trimEnd(_ s: String) -> String {
        var t = Substring(s)
        while t.last == " " { t.removeLast() }
        return String(t)
    }
}
