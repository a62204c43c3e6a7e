import Foundation
import Testing
import MeowCore

@Suite struct RandomGuessTests {
    /// Gold (A, A, B), a fair coin between A and B. S, the number of items guessed k, is
    /// Binomial(3, 1/2): P(S = 0...3) = 1/8, 3/8, 3/8, 1/8, and E[TP_k | S = s] = s N_k / 3.
    ///
    /// E[F1_A] = sum_s P(s) 2 (2s/3) / (2 + s) = 3/8 (4/9) + 3/8 (2/3) + 1/8 (4/5) = 31/60
    /// E[F1_B] = sum_s P(s) 2 (s/3) / (1 + s)  = 3/8 (1/3) + 3/8 (4/9) + 1/8 (1/2) = 17/48
    /// E[macro-F1] = (31/60 + 17/48) / 2 = 209/480 = 0.43542
    ///
    /// The F1 of the expected counts says (4/7 + 2/5) / 2 = 17/35 = 0.48571: 0.05 too high.
    /// Brute force over the 8 guesses with scikit-learn 1.9.1 (f1_score(average="macro",
    /// labels=["A", "B"]) weighted by probability) gives 0.4354166666666666.
    @Test func threeItemsByHand() throws {
        #expect(abs(RandomGuess.expectedF1(items: 3, gold: 2, guess: 0.5) - 31.0 / 60) < 1e-15)
        #expect(abs(RandomGuess.expectedF1(items: 3, gold: 1, guess: 0.5) - 17.0 / 48) < 1e-15)
        let uniform = try #require(RandomGuess.expectedScore(goldCounts: [2, 1], guess: [0.5, 0.5]))
        #expect(abs(uniform.accuracy - 0.5) < 1e-15)
        #expect(abs((uniform.macroF1 ?? 0) - 209.0 / 480) < 1e-15)
        // The label prior, g = (2/3, 1/3): E[F1_A] = 256/405, E[F1_B] = 43/162, macro 727/1620
        // = 0.44877; accuracy 4/9 + 1/9 = 5/9 (scikit-learn brute force: 0.4487654320987654).
        let prior = try #require(RandomGuess.expectedScore(goldCounts: [2, 1], guess: [2.0 / 3, 1.0 / 3]))
        #expect(abs(prior.accuracy - 5.0 / 9) < 1e-15)
        #expect(abs((prior.macroF1 ?? 0) - 727.0 / 1620) < 1e-14)
    }

    /// Every possible guess vector, weighted by its probability, scored by a separate plain
    /// F1 (no `ConfusionCounts`, no `RandomGuess`): the exact expectation by definition.
    static func bruteForce(gold: [Int], guess: [Double]) -> (accuracy: Double, macroF1: Double) {
        let q = guess.count, n = gold.count
        let present = Set(gold).sorted()
        var accuracy = 0.0, macro = 0.0
        var vector = [Int](repeating: 0, count: n)
        var done = false
        while !done {
            var w = 1.0
            for k in vector { w *= guess[k] }
            if w > 0 {
                var correct = 0
                for i in 0..<n where vector[i] == gold[i] { correct += 1 }
                var f1 = 0.0
                for k in present {
                    var tp = 0, goldK = 0, predK = 0
                    for i in 0..<n {
                        if gold[i] == k { goldK += 1 }
                        if vector[i] == k { predK += 1 }
                        if gold[i] == k && vector[i] == k { tp += 1 }
                    }
                    f1 += 2 * Double(tp) / Double(goldK + predK)
                }
                accuracy += w * Double(correct) / Double(n)
                macro += w * f1 / Double(present.count)
            }
            // Next vector (odometer).
            var i = 0
            while i < n {
                vector[i] += 1
                if vector[i] < q { break }
                vector[i] = 0
                i += 1
            }
            done = i == n
        }
        return (accuracy, macro)
    }

    static let cases: [(gold: [Int], guess: [Double])] = [
        ([0, 0, 1], [0.5, 0.5]),
        ([0, 0, 1], [2.0 / 3, 1.0 / 3]),
        ([0, 1, 2, 2], [0.1, 0.2, 0.7]),
        ([0, 0, 0, 0, 0, 1, 1, 1, 2, 2], [1.0 / 3, 1.0 / 3, 1.0 / 3]),
        ([0, 0, 0, 0, 0, 1, 1, 1, 2, 2], [0.5, 0.3, 0.2]),
        ([0, 0, 0, 0, 0, 1, 1, 1, 2, 2], [0.25, 0.25, 0.25, 0.25]),
        ([0, 0, 0, 1, 1, 1, 1], [0.0, 0.9, 0.1]),
    ]

    @Test(arguments: cases)
    func matchesBruteForceEnumeration(gold: [Int], guess: [Double]) throws {
        var counts = [Int](repeating: 0, count: guess.count)
        for k in gold { counts[k] += 1 }
        let exact = try #require(RandomGuess.expectedScore(goldCounts: counts, guess: guess))
        let brute = Self.bruteForce(gold: gold, guess: guess)
        #expect(abs(exact.accuracy - brute.accuracy) < 1e-12)
        #expect(abs((exact.macroF1 ?? -1) - brute.macroF1) < 1e-12, "\(exact) vs \(brute)")
    }

    /// Guessing a label always or never; no items.
    @Test func edges() {
        #expect(RandomGuess.expectedF1(items: 5, gold: 2, guess: 0) == 0)
        #expect(abs(RandomGuess.expectedF1(items: 5, gold: 2, guess: 1) - 4.0 / 7) < 1e-15)
        #expect(RandomGuess.expectedScore(goldCounts: [0, 0], guess: [0.5, 0.5]) == nil)
        #expect(RandomGuess.expectedScore(goldCounts: [1], guess: [0.5, 0.5]) == nil)
    }

    /// On a large set the exact value approaches the F1 of the expected counts
    /// (2 p g / (p + g)), and stays below it (F1 is concave in the predicted count).
    @Test func largeSetsApproachTheExpectedCountsFormula() {
        let n = 200_000, nk = 50_000
        let g = 0.5, p = Double(nk) / Double(n)
        let exact = RandomGuess.expectedF1(items: n, gold: nk, guess: g)
        let limit = 2 * p * g / (p + g)
        #expect(exact < limit && limit - exact < 1e-4, "\(exact) vs \(limit)")
    }
}
