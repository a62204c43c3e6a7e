import Foundation
import Testing
import MeowCore

@Suite struct HumanAnswersTests {
    /// Labels A, B; three annotators:
    ///
    ///     item  final  a  b  c
    ///     i1    A      A  A  B
    ///     i2    A      A  B  A
    ///     i3    B      B  B  B
    ///     i4    B      A  B  -    (settled by a reviewer)
    ///     i5    A      A  -  -
    ///
    /// Leave-one-out labels (majority of the others; a tie or nobody else: left out):
    /// a: i1 (b A, c B) tie, i2 (B, A) tie, i3 B, i4 B, i5 none -> scored i3 (B: right), i4 (B:
    ///    wrong, said A); 3 left out. accuracy 1/2; gold {B}: F1_B = 2(1)/(2 + 1) = 2/3.
    /// b: i1 (A, B) tie, i2 (A, A) A, i3 B, i4 (a A) A -> i2 wrong, i3 right, i4 wrong; 1 left
    ///    out. accuracy 1/3; gold {A, B}: F1_A = 0 (N 2, P 0), F1_B = 2(1)/(1 + 3) = 1/2: 1/4.
    /// c: i1 (A, A) A, i2 (A, B) tie, i3 B -> i1 wrong, i3 right; 1 left out. accuracy 1/2;
    ///    gold {A, B}: F1_A = 0, F1_B = 2(1)/(1 + 2) = 2/3: 1/3.
    /// Human baseline: accuracy (1/2 + 1/3 + 1/2)/3 = 4/9 = 0.444, macro-F1 (2/3 + 1/4 + 1/3)/3
    /// = 5/12 = 0.417; 5 answers left out.
    ///
    /// Against the final labels (the old, optimistic number): a 4/5, macro (6/7 + 2/3)/2 =
    /// 16/21; b 3/4, (2/3 + 4/5)/2 = 11/15; c 2/3, (2/3 + 2/3)/2 = 2/3; mean accuracy 133/180 =
    /// 0.739, macro-F1 227/315 = 0.721.
    static let final = ["i1": "A", "i2": "A", "i3": "B", "i4": "B", "i5": "A"]
    static let votes: [LabelVote] = [
        ("i1", "a", "A"), ("i1", "b", "A"), ("i1", "c", "B"),
        ("i2", "a", "A"), ("i2", "b", "B"), ("i2", "c", "A"),
        ("i3", "a", "B"), ("i3", "b", "B"), ("i3", "c", "B"),
        ("i4", "a", "A"), ("i4", "b", "B"),
        ("i5", "a", "A"),
    ].map { LabelVote(item: $0.0, annotator: $0.1, label: $0.2) }

    @Test func leaveOneOutByHand() throws {
        let report = try #require(baselines(final: Self.final, labels: ["A", "B"], answers: Self.votes))
        let loo = report.humanLeaveOneOut
        #expect(loo.annotators.map(\.annotator) == ["a", "b", "c"])
        #expect(loo.annotators.map(\.items) == [2, 3, 2])
        #expect(loo.annotators.map(\.leftOut) == [3, 1, 1])
        #expect(loo.leftOut == 5)
        let want: [(Double, Double)] = [(1.0 / 2, 2.0 / 3), (1.0 / 3, 1.0 / 4), (1.0 / 2, 1.0 / 3)]
        for (score, w) in zip(loo.annotators, want) {
            #expect(abs(score.accuracy - w.0) < 1e-15)
            #expect(abs((score.macroF1 ?? -1) - w.1) < 1e-15)
        }
        let mean = try #require(loo.mean)
        #expect(abs(mean.accuracy - 4.0 / 9) < 1e-15)
        #expect(abs((mean.macroF1 ?? -1) - 5.0 / 12) < 1e-15)

        let old = report.humanAgainstFinal
        #expect(old.annotators.map(\.items) == [5, 4, 3])
        #expect(old.leftOut == nil && old.annotators.allSatisfy { $0.leftOut == nil })
        let oldMean = try #require(old.mean)
        #expect(abs(oldMean.accuracy - 133.0 / 180) < 1e-15)
        #expect(abs((oldMean.macroF1 ?? -1) - 227.0 / 315) < 1e-15)
    }

    /// Seeded random data: each annotator's leave-one-out confusion equals the one built from
    /// `majorityVote` (the consensus rule) run on the other annotators' answers, item by item.
    @Test(arguments: [UInt64(1), 2, 3])
    func leaveOneOutIsMajorityVoteWithoutTheAnnotator(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let labels = ["x", "y", "z"]
        let names = ["p", "q", "r", "s"]
        var votes: [LabelVote] = []
        var items: [String] = []
        var gold: [Int] = []
        for i in 0..<60 {
            let item = "t\(i)"
            items.append(item)
            gold.append(Int(rng.next(below: 3)))
            for name in names where rng.next(below: 4) > 0 {
                votes.append(LabelVote(item: item, annotator: name, label: labels[Int(rng.next(below: 3))]))
            }
        }
        let human = HumanAnswers(items: items, gold: gold, labels: labels, votes: votes)
        let loo = human.againstLeaveOneOut()
        for (a, name) in human.annotators.enumerated() {
            var want = ConfusionCounts(labelCount: 3)
            var leftOut = 0
            for item in items {
                guard let mine = votes.first(where: { $0.item == item && $0.annotator == name }) else { continue }
                let others = votes.filter { $0.item == item && $0.annotator != name }.map { (item: $0.item, label: $0.label) }
                guard let label = majorityVote(others).first?.label, let k = labels.firstIndex(of: label) else { leftOut += 1; continue }
                want.add(gold: k, predicted: labels.firstIndex(of: mine.label))
            }
            #expect(loo[a] == want, "annotator \(name)")
            #expect(human.leftOut[a] == leftOut)
        }
    }
}
