import Testing
import MeowCore

@Suite struct DawidSkeneTests {
    /// 500 items with true labels uniform over 5 labels; annotators g1...g4
    /// answer correctly with probability 0.9 (else a uniformly chosen wrong
    /// label); "bad" answers uniformly at random (expected accuracy 0.2).
    /// Every annotator labels every item.
    static func plantedData(seed: UInt64) -> (votes: [LabelVote], truth: [String: String], labels: [String]) {
        let labels = ["l0", "l1", "l2", "l3", "l4"]
        var rng = SplitMix64(seed: seed)
        var votes: [LabelVote] = []
        var truth: [String: String] = [:]
        for i in 0..<500 {
            let item = "item\(1000 + i)"
            let t = Int(rng.next(below: 5))
            truth[item] = labels[t]
            for g in 1...4 {
                var answer = t
                if rng.next(below: 10) == 0 { answer = (t + 1 + Int(rng.next(below: 4))) % 5 }
                votes.append(LabelVote(item: item, annotator: "g\(g)", label: labels[answer]))
            }
            votes.append(LabelVote(item: item, annotator: "bad", label: labels[Int(rng.next(below: 5))]))
        }
        return (votes, truth, labels)
    }

    /// Plain majority vote, ties broken by label order.
    static func majority(_ votes: [LabelVote], labels: [String]) -> [String: String] {
        var counts: [String: [Int]] = [:]
        for vote in votes {
            guard let k = labels.firstIndex(of: vote.label) else { continue }
            counts[vote.item, default: [Int](repeating: 0, count: labels.count)][k] += 1
        }
        return counts.mapValues { row in
            var best = 0
            for k in row.indices where row[k] > row[best] { best = k }
            return labels[best]
        }
    }

    @Test(arguments: [UInt64(1), 2, 3])
    func plantedBadAnnotatorIsFound(seed: UInt64) throws {
        let data = Self.plantedData(seed: seed)
        let result = try #require(dawidSkene(data.votes, labels: data.labels))
        #expect(result.items.count == 500)
        #expect(result.converged)

        let dsCorrect = result.items.filter { data.truth[$0.item] == $0.label }.count
        let mv = Self.majority(data.votes, labels: data.labels)
        let mvCorrect = mv.filter { data.truth[$0.key] == $0.value }.count
        #expect(dsCorrect >= mvCorrect)
        #expect(dsCorrect >= 490)

        #expect((result.annotatorAccuracy["bad"] ?? 1) < 0.4)
        for g in 1...4 {
            #expect((result.annotatorAccuracy["g\(g)"] ?? 0) > 0.8)
        }
        // Structural invariants: rows of theta and posteriors sum to 1, priors too.
        #expect(abs(result.priors.reduce(0, +) - 1) < 1e-9)
        for matrix in result.confusion.values {
            for row in matrix { #expect(abs(row.reduce(0, +) - 1) < 1e-9) }
        }
        for item in result.items {
            #expect(abs(item.posterior.values.reduce(0, +) - 1) < 1e-9)
            #expect(item.confidence == item.posterior[item.label])
        }
    }

    /// Two labels, three annotators, all unanimous: x1, x2 "yes"; x3, x4 "no".
    /// Start T = one-hot. M-step (s = 0.01, q = 2): pi = (1/2, 1/2),
    /// theta_a[k][k] = (2 + 0.01) / (2 + 0.02) = 201/202, theta_a[k][other] = 1/202.
    /// E-step for x1: T_yes / T_no = (201/202)^3 / (1/202)^3 = 201^3, so
    /// T_yes = 201^3 / (201^3 + 1) = 8120601/8120602, a change of 1.23e-7 from
    /// the start: below the tolerance 1e-6, so EM stops after one E-step.
    /// Final M-step: theta_a[k][k] = (2 T_yes + 0.01) / 2.02, and the accuracy
    /// sum_k pi_k theta_a[k][k] is the same.
    @Test func unanimousVotesByHand() throws {
        var votes: [LabelVote] = []
        for (item, label) in [("x1", "yes"), ("x2", "yes"), ("x3", "no"), ("x4", "no")] {
            for a in ["ann", "bob", "cy"] { votes.append(LabelVote(item: item, annotator: a, label: label)) }
        }
        let result = try #require(dawidSkene(votes, labels: ["yes", "no"]))
        let t = 8_120_601.0 / 8_120_602.0
        #expect(result.iterations == 1)
        #expect(result.converged)
        #expect(result.items.map(\.item) == ["x1", "x2", "x3", "x4"])
        #expect(result.items.map(\.label) == ["yes", "yes", "no", "no"])
        for item in result.items {
            #expect(abs(item.confidence - t) < 1e-12)
            #expect(item.confidence > 0.9999998)
        }
        #expect(abs(result.priors[0] - 0.5) < 1e-12)
        #expect(abs(result.priors[1] - 0.5) < 1e-12)
        let diagonal = (2 * t + 0.01) / 2.02
        for a in ["ann", "bob", "cy"] {
            #expect(abs((result.annotatorAccuracy[a] ?? 0) - diagonal) < 1e-12)
            let theta = try #require(result.confusion[a])
            #expect(abs(theta[0][0] - diagonal) < 1e-12)
            #expect(abs(theta[1][0] - (1 - diagonal)) < 1e-12)
        }
    }

    @Test func shuffledInputGivesIdenticalOutput() throws {
        let data = Self.plantedData(seed: 7)
        let reference = try #require(dawidSkene(data.votes, labels: data.labels))
        var rng = SplitMix64(seed: 99)
        for _ in 0..<3 {
            var shuffled = data.votes
            for i in stride(from: shuffled.count - 1, to: 0, by: -1) {
                shuffled.swapAt(i, Int(rng.next(below: UInt64(i + 1))))
            }
            let again = try #require(dawidSkene(shuffled, labels: data.labels))
            #expect(again == reference)
        }
    }

    @Test func singleVoteItemsGetAPosterior() throws {
        var votes = Self.plantedData(seed: 11).votes
        votes.append(LabelVote(item: "lonely", annotator: "g1", label: "l3"))
        votes.append(LabelVote(item: "newcomer", annotator: "fresh", label: "l2"))
        let result = try #require(dawidSkene(votes, labels: ["l0", "l1", "l2", "l3", "l4"]))
        let lonely = try #require(result.items.first { $0.item == "lonely" })
        #expect(lonely.label == "l3")
        #expect(lonely.confidence > 0.5)
        #expect(lonely.posterior.count == 5)
        let newcomer = try #require(result.items.first { $0.item == "newcomer" })
        #expect(newcomer.posterior.count == 5)
        #expect(result.annotatorAccuracy["fresh"] != nil)
    }

    @Test func votesWithUnknownLabelsAreIgnored() throws {
        let data = Self.plantedData(seed: 5)
        var noisy = data.votes
        noisy.append(LabelVote(item: "item1000", annotator: "g1", label: "skip"))
        noisy.append(LabelVote(item: "ghost", annotator: "nobody", label: "skip"))
        let clean = try #require(dawidSkene(data.votes, labels: data.labels))
        let withUnknown = try #require(dawidSkene(noisy, labels: data.labels))
        #expect(clean == withUnknown)
        #expect(!withUnknown.items.contains { $0.item == "ghost" })
        #expect(withUnknown.annotatorAccuracy["nobody"] == nil)
    }

    @Test func tiesBreakByLabelOrder() throws {
        // One item, two annotators disagreeing symmetrically: posterior (1/2, 1/2).
        let votes = [
            LabelVote(item: "i", annotator: "a", label: "cat"),
            LabelVote(item: "i", annotator: "b", label: "dog"),
        ]
        let result = try #require(dawidSkene(votes, labels: ["dog", "cat"], maxIterations: 0))
        #expect(result.items[0].label == "dog")
        #expect(result.items[0].confidence == 0.5)
        #expect(result.iterations == 0)
        #expect(!result.converged)
    }

    @Test func undefinedInputsGiveNil() {
        let vote = LabelVote(item: "i", annotator: "a", label: "x")
        #expect(dawidSkene([], labels: ["x", "y"]) == nil)
        #expect(dawidSkene([vote], labels: ["x"]) == nil)
        #expect(dawidSkene([vote], labels: []) == nil)
        #expect(dawidSkene([vote], labels: ["x", "x"]) == nil)
        #expect(dawidSkene([vote], labels: ["y", "z"]) == nil)
        #expect(dawidSkene([vote], labels: ["x", "y"], maxIterations: -1) == nil)
        #expect(dawidSkene([vote], labels: ["x", "y"], smoothing: -1) == nil)
        #expect(dawidSkene([vote], labels: ["x", "y"], smoothing: .nan) == nil)
        #expect(dawidSkene([vote], labels: ["x", "y"], tolerance: .nan) == nil)
    }

    @Test func noNaNWithoutSmoothing() throws {
        // Smoothing 0 gives exact zeros in theta; log(0) must not leak NaN.
        let result = try #require(dawidSkene(Self.plantedData(seed: 13).votes, labels: ["l0", "l1", "l2", "l3", "l4"], smoothing: 0))
        for item in result.items {
            #expect(item.posterior.values.allSatisfy { $0.isFinite })
        }
        #expect(result.annotatorAccuracy.values.allSatisfy { $0.isFinite })
    }
}
