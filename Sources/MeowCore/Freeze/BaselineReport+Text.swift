import Foundation

extension BaselineReport {
    /// The report for a person: one row per baseline with accuracy and macro-F1, the
    /// annotators under the two human baselines, and what each number is.
    public func text() -> String {
        var out: [String] = []
        let name = frozenSet.map { " on '\($0)'" } ?? ""
        out.append("Baselines\(name) (\(items) items) — the numbers a model has to beat")
        out.append("macro-F1 averages over the labels in the final labels: \(scoredLabels.joined(separator: ", "))")
        out.append(Self.row("", "accuracy", "macro-F1"))
        out.append(Self.row("random guess (uniform)", uniformRandom) + "  expected value, \(randomMethod)")
        out.append(Self.row("random guess (label prior)", priorRandom) + "  expected value, \(randomMethod)")
        let majorityName = "always '\(majorityLabels.first ?? "")'"
        out.append(Self.row(majorityName, majorityClass)
                   + (majorityLabels.count > 1 ? "  tied with " + majorityLabels.dropFirst().map { "'\($0)'" }.joined(separator: ", ") + " (same score)" : ""))
        if let h = heuristic {
            out.append(Self.row("heuristic" + (h.file.map { " (\(($0 as NSString).lastPathComponent))" } ?? ""), h.score)
                       + "  \(items - h.defaulted) of \(items) items matched a rule")
        }
        out.append(Self.human("human, leave-one-out (mean)", humanLeaveOneOut))
        for a in humanLeaveOneOut.annotators {
            var notes = ["\(a.items) items"]
            if let n = a.splitTies, n > 0 { notes.append("\(n) split ties") }
            if let n = a.leftOut, n > 0 { notes.append("\(n) left out") }
            out.append(Self.row("  \(a.annotator) (" + notes.joined(separator: ", ") + ")", a.accuracy, a.macroF1))
        }
        out.append(Self.human("human vs final labels (optimistic)", humanAgainstFinal))
        for a in humanAgainstFinal.annotators {
            out.append(Self.row("  \(a.annotator) (\(a.items) items)", a.accuracy, a.macroF1))
        }
        out.append("")
        out.append("Random guesses: the exact expected accuracy and macro-F1 over all guesses on these items.")
        out.append("Leave-one-out: each answer against the majority of the other annotators' answers on the item;")
        out.append("when the others tie, the answer counts an equal share against each tied label (\(humanLeaveOneOut.splitTies ?? 0) answers);")
        out.append("\(humanLeaveOneOut.leftOut ?? 0) answers were left out because nobody else answered the item.")
        out.append("Vs final labels: against labels the annotator helped make, so higher than it should be.")
        return out.joined(separator: "\n")
    }

    private static func human(_ name: String, _ h: HumanBaseline) -> String {
        guard let mean = h.mean else { return row(name, "—", "—") + "  no scored answers" }
        return row(name, mean.accuracy, mean.macroF1)
    }

    static func row(_ name: String, _ s: ScoreCard) -> String { row(name, s.accuracy, s.macroF1) }

    static func row(_ name: String, _ accuracy: Double, _ f1: Double?) -> String {
        row(name, String(format: "%.3f", accuracy), f1.map { String(format: "%.3f", $0) } ?? "—")
    }

    static func row(_ name: String, _ a: String, _ b: String) -> String {
        let label = name.count >= 38 ? name + " " : name.padding(toLength: 38, withPad: " ", startingAt: 0)
        return label + Self.aligned(a, 8) + "  " + Self.aligned(b, 8)
    }

    /// Right-aligned in `width` columns.
    static func aligned(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : String(repeating: " ", count: width - s.count) + s
    }
}
