import Foundation
import Testing
import MeowCore

@Suite struct ModelEvaluationTests {
    static let labels = ["pos", "neg", "other"]
    static let final = ["h1": "pos", "h2": "pos", "h3": "neg", "h4": "neg", "h5": "other", "h6": "neg"]
    static let texts = ["h1": "I love it", "h2": "Great value", "h3": "Bad, awful thing",
                        "h4": "I love how bad it is", "h5": "It is a chair", "h6": "gloves are ok"]
    /// a, b, c on h1...h6: (pos pos pos) (pos pos neg) (neg neg neg) (neg pos neg) (other x3) (neg neg other).
    static let answers: [LabelVote] = {
        let rows = [("h1", "pos", "pos", "pos"), ("h2", "pos", "pos", "neg"), ("h3", "neg", "neg", "neg"),
                    ("h4", "neg", "pos", "neg"), ("h5", "other", "other", "other"), ("h6", "neg", "neg", "other")]
        return rows.flatMap { r in [LabelVote(item: r.0, annotator: "a", label: r.1), LabelVote(item: r.0, annotator: "b", label: r.2),
                                    LabelVote(item: r.0, annotator: "c", label: r.3)] }
    }()
    static let rules = """
        default: other
        rules:
          - label: pos
            keywords: [love, great]
          - label: neg
            regex: "(?i)\\\\b(bad|awful)\\\\b"
        """
    /// h1 pos, h2 neg, h3 neg, h4 neg, h5 pos; h6 has no prediction.
    static let predictions = [("h1", "pos"), ("h2", "neg"), ("h3", "neg"), ("h4", "neg"), ("h5", "pos")]
        .enumerated().map { Prediction(item: $1.0, label: $1.1, line: $0 + 1) }

    /// By hand. Confusion (rows final, columns prediction, then none):
    ///
    ///              pos  neg  other  none
    ///     pos        1    1      0     0
    ///     neg        0    2      0     1     (h6: no prediction, scored as wrong)
    ///     other      1    0      0     0
    ///
    /// accuracy 3/6. pos: precision 1/2, recall 1/2, F1 2(1)/(2 + 2) = 1/2. neg: precision 2/3,
    /// recall 2/3, F1 4/6. other: precision undefined (never predicted), recall 0, F1 0.
    /// macro-F1 (1/2 + 2/3 + 0) / 3 = 7/18 = 0.3889 (scikit-learn 1.9.1, the missing prediction
    /// as a label outside `labels`: 0.38888888888888884).
    ///
    /// Baselines: uniform random, exact: accuracy 1/3, macro-F1 13250/45927 = 0.28850; label
    /// prior: accuracy 14/36 = 0.3889, macro-F1 1182127/3919104 = 0.30163 (Python fractions);
    /// always 'neg': 1/2 and 2(3)/(3 + 6)/3 = 2/9; heuristic: 4/6 and 59/90
    /// (`HeuristicRulesTests`); human leave-one-out (a tie of the other two split evenly):
    /// a on h2, h4, h6 ties: cells (ref, answer) pos,pos 3/2; neg,pos 1/2; neg,neg 2; pos,neg
    /// 1/2; other,other 1; other,neg 1/2: accuracy 9/2 / 6 = 3/4, F1 3/4, 8/11, 4/5: 167/220.
    /// b: 2/3 and (2/3 + 3/5 + 4/5)/3 = 31/45. c: 7/12 and (4/7 + 6/11 + 2/3)/3 = 412/693.
    /// Mean 2/3 and 28309/41580 (Python fractions).
    @Test func sixItemsByHand() throws {
        let rules = try HeuristicRules.parse(Self.rules, file: "rules.yaml", labels: Self.labels)
        let r = try evaluatePredictions(file: "p.jsonl", predictions: Self.predictions, final: Self.final, labels: Self.labels,
                                        answers: Self.answers, heuristic: rules, texts: Self.texts, bootstrap: 200, seed: 5)
        #expect(r.items == 6 && r.predicted == 5 && r.missing == ["h6"] && r.leftOut == 0)
        #expect(r.scoredLabels == Self.labels)
        #expect(abs((r.accuracy.value ?? -1) - 0.5) < 1e-15)
        #expect(abs((r.macroF1.value ?? -1) - 7.0 / 18) < 1e-15)
        #expect(r.perLabel.map(\.support) == [2, 3, 1] && r.perLabel.map(\.predicted) == [2, 3, 0])
        #expect(r.perLabel.map(\.precision.value) == [0.5, 2.0 / 3, nil])
        #expect(r.perLabel.map(\.recall.value) == [0.5, 2.0 / 3, 0])
        #expect(r.perLabel.map(\.f1.value) == [0.5, 2.0 / 3, 0])
        #expect(r.confusion.count(gold: 0, predicted: 1) == 1 && r.confusion.count(gold: 1, predicted: nil) == 1
                && r.confusion.count(gold: 2, predicted: 0) == 1 && r.confusion.correct == 3)

        let names = r.baselines.map(\.name)
        #expect(names == ["uniform_random", "prior_random", "majority_class", "heuristic", "human_leave_one_out"])
        let want: [(Double, Double)] = [(1.0 / 3, 13250.0 / 45927), (14.0 / 36, 1182127.0 / 3919104), (0.5, 2.0 / 9),
                                        (4.0 / 6, 59.0 / 90), (2.0 / 3, 28309.0 / 41580)]
        for (b, w) in zip(r.baselines, want) {
            #expect(abs(b.score.accuracy - w.0) < 1e-12, "\(b.name)")
            #expect(abs((b.score.macroF1 ?? -1) - w.1) < 1e-12, "\(b.name)")
            #expect(abs((b.accuracyDifference.value ?? -9) - (0.5 - w.0)) < 1e-12)
            #expect(abs((b.macroF1Difference.value ?? -9) - (7.0 / 18 - w.1)) < 1e-12)
            #expect(b.accuracyDifference.samples > 150 && (b.accuracyDifference.modelBetter.map { (0...1).contains($0) } ?? false))
        }
        // Every interval is a proper range.
        for e in [r.accuracy, r.macroF1] + r.perLabel.flatMap({ [$0.recall, $0.f1] }) {
            let low = try #require(e.low), high = try #require(e.high)
            #expect(low <= high && low >= 0 && high <= 1)
        }
    }

    /// Predictions equal to the heuristic's: the paired difference is 0 on every resample, so
    /// the model is never "better" and the interval is [0, 0]. A perfect model is never worse
    /// than always answering the majority label.
    @Test func pairedBootstrapIsPaired() throws {
        let rules = try HeuristicRules.parse(Self.rules, file: "rules.yaml", labels: Self.labels)
        let same = Self.final.keys.sorted().enumerated().map { Prediction(item: $1, label: rules.label(for: Self.texts[$1] ?? "").label, line: $0 + 1) }
        let r = try evaluatePredictions(file: "p", predictions: same, final: Self.final, labels: Self.labels, answers: Self.answers,
                                        heuristic: rules, texts: Self.texts, bootstrap: 300, seed: 1)
        let h = try #require(r.baselines.first { $0.name == "heuristic" })
        #expect(h.accuracyDifference.value == 0 && h.accuracyDifference.low == 0 && h.accuracyDifference.high == 0)
        #expect(h.accuracyDifference.modelBetter == 0 && h.macroF1Difference.modelBetter == 0)

        let perfect = Self.final.keys.sorted().enumerated().map { Prediction(item: $1, label: Self.final[$1] ?? "", line: $0 + 1) }
        let p = try evaluatePredictions(file: "p", predictions: perfect, final: Self.final, labels: Self.labels, answers: [],
                                        bootstrap: 300, seed: 1)
        let m = try #require(p.baselines.first { $0.name == "majority_class" })
        // Ties happen (a resample of 'neg' items only: (1/2)^6, about 5 in 300), losses never.
        #expect((m.accuracyDifference.low ?? -1) > 0 && (m.accuracyDifference.modelBetter ?? 0) > 0.95)
        #expect(p.macroF1.value == 1 && p.macroF1.low == 1 && p.macroF1.high == 1)
        #expect(!p.baselines.contains { $0.name == "human_leave_one_out" || $0.name == "heuristic" })
    }

    /// 200 items, 160 right: the percentile interval of accuracy is close to the normal one,
    /// 0.8 +- 1.96 sqrt(0.8 x 0.2 / 200) = 0.745...0.855. The same seed gives the same report.
    @Test func bootstrapIntervalIsSaneAndSeeded() throws {
        var final: [String: String] = [:]
        var predictions: [Prediction] = []
        for i in 0..<200 {
            let item = String(format: "i%03d", i)
            final[item] = i % 2 == 0 ? "pos" : "neg"
            let right = i % 5 != 0
            predictions.append(Prediction(item: item, label: right ? (final[item] ?? "") : (i % 2 == 0 ? "neg" : "pos"), line: i + 1))
        }
        let r = try evaluatePredictions(file: "p", predictions: predictions, final: final, labels: Self.labels, answers: [],
                                        bootstrap: 2000, seed: 9)
        #expect(r.accuracy.value == 0.8)
        #expect(abs((r.accuracy.low ?? 0) - 0.745) < 0.015 && abs((r.accuracy.high ?? 0) - 0.855) < 0.015, "\(r.accuracy)")
        #expect(r.scoredLabels == ["pos", "neg"])
        let again = try evaluatePredictions(file: "p", predictions: predictions, final: final, labels: Self.labels, answers: [],
                                            bootstrap: 2000, seed: 9)
        #expect(again == r)
        let other = try evaluatePredictions(file: "p", predictions: predictions, final: final, labels: Self.labels, answers: [],
                                            bootstrap: 2000, seed: 10)
        #expect(other.accuracy != r.accuracy)
        let none = try evaluatePredictions(file: "p", predictions: predictions, final: final, labels: Self.labels, answers: [], bootstrap: 0)
        #expect(none.accuracy.low == nil && none.baselines.allSatisfy { $0.accuracyDifference.modelBetter == nil })
    }

    @Test func refusesItemsOutsideTheSetAndUnknownLabels() {
        let bad = Self.predictions + [Prediction(item: "zz9", label: "pos", line: 6), Prediction(item: "h6", label: "meh", line: 7),
                                      Prediction(item: "zz8", label: "pos", line: 8)]
        do {
            _ = try evaluatePredictions(file: "p.jsonl", predictions: bad, final: Self.final, labels: Self.labels, answers: [])
            Issue.record("expected a refusal")
        } catch {
            #expect(error.description.contains("p.jsonl: 2 predictions are for items outside the frozen set: 'zz9' (line 6), 'zz8' (line 8)"), "\(error)")
            #expect(error.description.contains("p.jsonl: label not in the guideline: 'meh' (line 7)"), "\(error)")
        }
    }

    @Test func jsonNamesEveryFieldAndWritesNull() throws {
        var r = try evaluatePredictions(file: "p.jsonl", predictions: Self.predictions, final: Self.final, labels: Self.labels,
                                        answers: Self.answers, bootstrap: 0)
        r.frozenSet = "t1"
        let object = try #require(try JSONSerialization.jsonObject(with: JSONEncoder().encode(r)) as? [String: Any])
        #expect(Set(object.keys) == ["frozen_set", "set_hash", "predictions_file", "items", "predicted", "missing", "missing_items",
                                     "left_out", "labels", "f1_labels", "accuracy", "macro_f1", "per_label", "confusion",
                                     "bootstrap", "baselines"])
        #expect(object["set_hash"] is NSNull && object["missing"] as? Int == 1 && object["missing_items"] as? [String] == ["h6"])
        #expect((object["accuracy"] as? [String: Any])?["low"] is NSNull)
        let other = try #require((object["per_label"] as? [[String: Any]])?.last)
        #expect((other["precision"] as? [String: Any])?["value"] is NSNull)
        let confusion = try #require(object["confusion"] as? [String: Any])
        #expect(confusion["counts"] as? [[Int]] == [[1, 1, 0], [0, 2, 0], [1, 0, 0]])
        #expect(confusion["unpredicted"] as? [Int] == [0, 1, 0])
        let first = try #require((object["baselines"] as? [[String: Any]])?.first)
        #expect(Set(first.keys) == ["name", "accuracy", "macro_f1", "accuracy_difference", "macro_f1_difference"])
        #expect((first["accuracy_difference"] as? [String: Any])?["model_better"] is NSNull)
    }

    @Test func textAndHTMLSayWhatWasScored() throws {
        let r = try evaluatePredictions(file: "p.jsonl", predictions: Self.predictions, final: Self.final, labels: Self.labels,
                                        answers: Self.answers, bootstrap: 50, seed: 1)
        let text = r.text()
        #expect(text.contains("predictions for 5 of 6 items; 1 without a prediction, scored as wrong: h6"))
        #expect(text.contains("(none)") && text.contains("always 'neg'") && text.contains("paired bootstrap: 50 resamples"))
        let html = r.html(title: "T <1>")
        #expect(html.contains("<title>T &lt;1&gt;</title>") && html.contains("<code>h6</code>") && !html.contains("<script"))
        // Labels are data: escaped in the page.
        let odd = try evaluatePredictions(file: "p", predictions: [Prediction(item: "a", label: "<b>", line: 1)],
                                          final: ["a": "<b>", "b": "x&y"], labels: ["<b>", "x&y"], answers: [], bootstrap: 0)
        #expect(odd.html(title: "t").contains("<th>&lt;b&gt;</th>") && odd.html(title: "t").contains("x&amp;y"))
    }
}
