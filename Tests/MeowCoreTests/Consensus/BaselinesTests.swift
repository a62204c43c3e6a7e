import Foundation
import Testing
import MeowCore

@Suite struct BaselinesTests {
    /// Ten items, gold A A A A A B B B C C, so p = (0.5, 0.3, 0.2), q = 3.
    static let final: [String: String] = {
        var final: [String: String] = [:]
        for (i, label) in "AAAAABBBCC".enumerated() { final["i\(i + 1)"] = String(label) }
        final["odd"] = "Z"  // not a guideline label: left out
        return final
    }()

    /// ann1 answers all ten: A A A A B B B C C A.
    /// ann2 answers i1...i5: A A B A A.
    /// ann3 answers i6...i10: C B B C C, plus a "skip" and a vote on an item
    /// without a final label (both ignored).
    static let answers: [LabelVote] = {
        var votes: [LabelVote] = []
        for (i, label) in "AAAABBBCCA".enumerated() { votes.append(LabelVote(item: "i\(i + 1)", annotator: "ann1", label: String(label))) }
        for (i, label) in "AABAA".enumerated() { votes.append(LabelVote(item: "i\(i + 1)", annotator: "ann2", label: String(label))) }
        for (i, label) in "CBBCC".enumerated() { votes.append(LabelVote(item: "i\(i + 6)", annotator: "ann3", label: String(label))) }
        votes.append(LabelVote(item: "i6", annotator: "ann3", label: "skip"))
        votes.append(LabelVote(item: "nowhere", annotator: "ann3", label: "A"))
        votes.append(LabelVote(item: "nowhere", annotator: "ghost", label: "A"))
        return votes
    }()

    /// By hand, gold counts (5, 3, 2), N = 10:
    ///
    /// uniform, g = 1/3: accuracy 1/3; macro-F1, the exact expectation (`RandomGuess`, checked
    ///   with Python's fractions and by brute force over all 3^10 guesses with scikit-learn):
    ///   54021302/177324147 = 0.30465 (the F1 of the expected counts would say 0.32186).
    /// prior, g = (0.5, 0.3, 0.2): accuracy 0.25 + 0.09 + 0.04 = 0.38; macro-F1
    ///   56733220497809/180180000000000 = 0.31487 (expected counts: 1/3).
    /// majority A: accuracy 0.5; F1_A = 2(5)/(5 + 10) = 2/3, F1_B = F1_C = 0; macro = 2/9.
    ///
    /// Against the final labels, macro-F1 over the gold labels of each annotator's items:
    /// ann1: 7/10 correct. A: TP 4, N 5, P 5: 8/10. B: TP 2, N 3, P 3: 4/6. C: TP 1, N 2, P 2:
    ///   2/4. macro = (0.8 + 2/3 + 0.5) / 3 = 59/90.
    /// ann2 (gold A A A A A): 4/5. A: TP 4, N 5, P 4: 8/9; B is not a gold label here. macro = 8/9.
    /// ann3 (gold B B B C C): 4/5. B: TP 2, N 3, P 2: 4/5. C: TP 2, N 2, P 3: 4/5. macro = 0.8.
    /// mean: accuracy (0.7 + 0.8 + 0.8) / 3 = 23/30; macro-F1 (59/90 + 8/9 + 0.8) / 3 = 211/270.
    /// scikit-learn 1.9.1 f1_score(average="macro", labels=sorted(set(y_true))) gives
    /// 0.6555555555555556, 0.8888888888888888, 0.8 for the three.
    @Test func tenItemsByHand() throws {
        let report = try #require(baselines(final: Self.final, labels: ["A", "B", "C"], answers: Self.answers))
        #expect(report.items == 10)
        #expect(report.labels == ["A", "B", "C"])
        #expect(report.scoredLabels == ["A", "B", "C"])
        #expect(report.randomMethod == "exact")
        #expect(abs(report.uniformRandom.accuracy - 1.0 / 3) < 1e-12)
        #expect(abs((report.uniformRandom.macroF1 ?? 0) - 54021302.0 / 177324147) < 1e-12)
        #expect(abs(report.priorRandom.accuracy - 0.38) < 1e-12)
        #expect(abs((report.priorRandom.macroF1 ?? 0) - 56733220497809.0 / 180180000000000) < 1e-12)
        #expect(report.majorityLabels == ["A"])
        #expect(abs(report.majorityClass.accuracy - 0.5) < 1e-12)
        #expect(abs((report.majorityClass.macroF1 ?? 0) - 2.0 / 9) < 1e-12)

        let human = report.humanAgainstFinal
        #expect(human.annotators.map(\.annotator) == ["ann1", "ann2", "ann3"])
        #expect(human.annotators.map(\.items) == [10, 5, 5])
        let expected: [(accuracy: Double, f1: Double)] = [(0.7, 0.6555555555555556), (0.8, 0.8888888888888888), (0.8, 0.8)]
        for (score, want) in zip(human.annotators, expected) {
            #expect(abs(score.accuracy - want.accuracy) < 1e-12)
            #expect(abs((score.macroF1 ?? 0) - want.f1) < 1e-12)
        }
        let mean = try #require(human.mean)
        #expect(abs(mean.accuracy - 23.0 / 30) < 1e-12)
        #expect(abs((mean.macroF1 ?? 0) - 211.0 / 270) < 1e-12)
        // Two answers per item: each one's leave-one-out label is the other answer.
        #expect(report.humanLeaveOneOut.leftOut == 0)
        #expect(report.humanLeaveOneOut.annotators.map(\.items) == [10, 5, 5])
    }

    /// A guideline label D that never occurs in gold: uniform random still predicts it
    /// (g_D = 1/4), which costs recall on the other labels, but D is not averaged (it is not
    /// a gold label). uniform: accuracy 1/4; macro-F1 1146063089/4498391040 = 0.25477 (Python
    /// fractions, same formula). Prior random and majority never predict D: unchanged.
    @Test func unusedGuidelineLabel() throws {
        let report = try #require(baselines(final: Self.final, labels: ["A", "B", "C", "D"], answers: Self.answers))
        #expect(report.scoredLabels == ["A", "B", "C"])
        #expect(abs(report.uniformRandom.accuracy - 0.25) < 1e-12)
        #expect(abs((report.uniformRandom.macroF1 ?? 0) - 1146063089.0 / 4498391040) < 1e-12)
        #expect(abs((report.priorRandom.macroF1 ?? 0) - 56733220497809.0 / 180180000000000) < 1e-12)
        #expect(abs((report.majorityClass.macroF1 ?? 0) - 2.0 / 9) < 1e-12)
        // Annotators never answered D, so their scores do not change.
        let three = try #require(baselines(final: Self.final, labels: ["A", "B", "C"], answers: Self.answers))
        #expect(report.humanAgainstFinal == three.humanAgainstFinal)
        #expect(report.humanLeaveOneOut == three.humanLeaveOneOut)
    }

    @Test func majorityTiesAreAllShown() throws {
        let final = ["a": "y", "b": "x", "c": "y", "d": "x", "e": "z"]
        let report = try #require(baselines(final: final, labels: ["y", "x", "z"], answers: []))
        #expect(report.majorityLabels == ["y", "x"])
        // Either tied label scores the same: accuracy 2/5, F1 = 2(2)/(2 + 5) = 4/7 for it, 0 for
        // the two others; macro = 4/21.
        #expect(abs(report.majorityClass.accuracy - 0.4) < 1e-12)
        #expect(abs((report.majorityClass.macroF1 ?? 0) - 4.0 / 21) < 1e-12)
        #expect(report.text().contains("always 'y'") && report.text().contains("tied with 'x' (same score)"))
        #expect(report.humanLeaveOneOut.annotators.isEmpty && report.humanLeaveOneOut.mean == nil)
        let swapped = try #require(baselines(final: final, labels: ["x", "y", "z"], answers: []))
        #expect(swapped.majorityLabels == ["x", "y"])
    }

    /// 60 items, 4 labels, 3 annotators of different accuracy and coverage
    /// (numpy default_rng(7), script below). Gold: one digit per item r00...r59,
    /// the label index. Votes "IIAL": item number, annotator number, label index.
    /// Expected values: scikit-learn 1.9.1 accuracy_score and
    /// f1_score(y, p, average="macro", labels=[labels present in y]) (here the same as over
    /// the labels present in y or p: no annotator answered a label absent from their items' gold).
    @Test func annotatorsMatchScikitLearn() throws {
        let labels = ["neg", "neu", "pos", "mixed"]
        let goldDigits = "122002022100011132130010011311100010002002121201120100002031"
        let voteTable = [
            "0011;0112;0212;0310;0410;0512;0610;0712;0813;0911;1010;1112;1210;1311;1411;",
            "1511;1613;1712;1811;1910;2010;2110;2211;2310;2412;2511;2611;2713;2811;2911;",
            "3011;3110;3210;3310;3411;3510;3610;3711;3812;3911;4010;4112;4211;4312;4411;",
            "4512;4610;4711;4811;4912;5010;5111;5210;5310;5410;5510;5612;5711;5813;5911;",
            "0021;0122;0222;0320;0422;0522;0721;0822;0921;1321;1421;1522;1621;1723;1923;",
            "2023;2120;2421;2621;2723;2823;2921;3022;3120;3220;3320;3421;3520;3620;3720;",
            "3822;3920;4020;4122;4221;4322;4423;4522;4621;4821;4922;5020;5121;5222;5320;",
            "5421;5720;5823;5923;0132;0232;0530;0632;0832;1133;1331;1531;1733;1833;2030;",
            "2130;2230;2331;2631;2733;2833;2930;3031;3233;3631;3832;3933;4033;4131;4332;",
            "4532;4631;5430;5633;5732;5831",
        ].joined()
        var final: [String: String] = [:]
        for (i, digit) in goldDigits.enumerated() {
            final["r" + (i < 10 ? "0" : "") + String(i)] = labels[Int(String(digit)) ?? 0]
        }
        let votes = voteTable.split(separator: ";").map { entry in
            let c = Array(entry)
            return LabelVote(item: "r" + String(c[0...1]), annotator: "u" + String(c[2]), label: labels[Int(String(c[3])) ?? 0])
        }
        let report = try #require(baselines(final: final, labels: labels, answers: votes)).humanAgainstFinal
        let expected: [(String, Int, Double, Double)] = [
            ("u1", 60, 0.8833333333333333, 0.8565986214209969),
            ("u2", 49, 0.7142857142857143, 0.6822916666666666),
            ("u3", 32, 0.4375, 0.4131016042780749),
        ]
        #expect(report.annotators.count == 3)
        for (score, want) in zip(report.annotators, expected) {
            #expect(score.annotator == want.0)
            #expect(score.items == want.1)
            #expect(abs(score.accuracy - want.2) < 1e-12)
            #expect(abs((score.macroF1 ?? 0) - want.3) < 1e-12)
        }
    }

    @Test func undefinedInputsGiveNil() {
        #expect(baselines(final: [:], labels: ["a"], answers: []) == nil)
        #expect(baselines(final: ["i": "a"], labels: [], answers: []) == nil)
        #expect(baselines(final: ["i": "a"], labels: ["a", "a"], answers: []) == nil)
        #expect(baselines(final: ["i": "z"], labels: ["a", "b"], answers: []) == nil)
    }

    /// The documented JSON: snake_case keys, undefined values as null (never dropped, never NaN).
    @Test func jsonNamesEveryFieldAndWritesNull() throws {
        var report = try #require(baselines(final: ["i1": "A", "i2": "B"], labels: ["A", "B"], answers: []))
        report.frozenSet = "t1"
        let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(report)) as? [String: Any]
        let top = try #require(object)
        #expect(Set(top.keys) == ["frozen_set", "items", "labels", "f1_labels", "random_method", "uniform_random",
                                  "prior_random", "majority_class", "heuristic", "human"])
        #expect((top["majority_class"] as? [String: Any])?["labels"] as? [String] == ["A", "B"])
        let human = try #require(top["human"] as? [String: Any])
        let loo = try #require(human["leave_one_out"] as? [String: Any])
        #expect(loo["accuracy"] is NSNull && loo["macro_f1"] is NSNull && loo["left_out"] as? Int == 0)
        #expect((human["against_final_labels"] as? [String: Any])?["accuracy"] is NSNull)
        #expect((top["uniform_random"] as? [String: Any])?["macro_f1"] as? Double != nil)
    }
}

// The scikit-learn cross-check (python 3.11, numpy 2.4, scikit-learn 1.9.1):
//
//     rng = np.random.default_rng(7)
//     L = ["neg", "neu", "pos", "mixed"]
//     items = [f"r{i:02d}" for i in range(60)]
//     g = {i: L[rng.choice(4, p=[0.4, 0.3, 0.2, 0.1])] for i in items}
//     rows = []
//     for a, acc, cover in [("u1", 0.85, 1.0), ("u2", 0.6, 0.8), ("u3", 0.4, 0.5)]:
//         for i in items:
//             if rng.random() < cover:
//                 lab = g[i] if rng.random() < acc else L[rng.integers(4)]
//                 rows.append((i, a, lab))
//     for a in ["u1", "u2", "u3"]:
//         y = [g[i] for i, aa, l in rows if aa == a]; p = [l for i, aa, l in rows if aa == a]
//         labs = [l for l in L if l in set(y)]
//         print(a, len(y), accuracy_score(y, p), f1_score(y, p, average="macro", labels=labs))
