import Foundation

/// The exact expected score of a random guesser on a given test set.
///
/// Why exact: the usual "chance level" F1_k = 2 p_k g_k / (p_k + g_k) is the F1 of the
/// expected confusion matrix, not the expected F1. F1 is a ratio, and on a small test set the
/// two differ: on gold (A, A, B) a fair coin has expected macro-F1 209/480 = 0.435, where the
/// expected-counts formula says 0.486. A baseline that overstates chance makes a weak model
/// look weaker than it is, and on a small set by a lot.
///
/// The guesser answers each of the N items independently, label k with probability g_k.
/// With N_k items of gold label k:
///
///     TP_k ~ Binomial(N_k, g_k),  FP_k ~ Binomial(N - N_k, g_k), independent,
///     F1_k = 2 TP_k / (N_k + TP_k + FP_k).
///
/// The predicted count S = TP_k + FP_k is Binomial(N, g_k), and given S = s, TP_k is
/// hypergeometric (s draws from N items of which N_k are k), so E[TP_k | S = s] = s N_k / N.
/// Hence, exactly,
///
///     E[F1_k] = sum over s = 0...N of  C(N, s) g_k^s (1 - g_k)^(N - s) * 2 s N_k / (N (N_k + s)),
///
/// N + 1 terms per label: exact for any N, no simulation needed. Macro-F1 averages over the
/// labels with N_k > 0 (`ConfusionCounts`), a set fixed by the test set, so by linearity
/// E[macro-F1] = mean of E[F1_k]. Expected accuracy is sum_k (N_k / N) g_k.
/// Verified in `RandomGuessTests` against hand computation (N = 3) and against brute-force
/// enumeration of every possible guess vector (N = 3 and N = 10).
public enum RandomGuess {
    /// How the expectation was computed, as the reports say it.
    public static let method = "exact"

    /// Expected accuracy and macro-F1 of the guesser `guess` (probabilities over the same q
    /// labels, summing to 1) on items whose gold labels have counts `goldCounts`; nil without items.
    public static func expectedScore(goldCounts: [Int], guess: [Double]) -> ScoreCard? {
        let n = goldCounts.reduce(0, +)
        guard n > 0, guess.count == goldCounts.count else { return nil }
        var accuracy = 0.0, f1Sum = 0.0, counted = 0
        for k in goldCounts.indices where goldCounts[k] > 0 {
            accuracy += Double(goldCounts[k]) / Double(n) * guess[k]
            f1Sum += expectedF1(items: n, gold: goldCounts[k], guess: guess[k])
            counted += 1
        }
        return ScoreCard(accuracy: accuracy, macroF1: f1Sum / Double(counted))
    }

    /// E[F1_k] for a label with `gold` = N_k > 0 of `items` = N items, guessed with
    /// probability `guess` = g_k (formula in the type's documentation).
    public static func expectedF1(items n: Int, gold nk: Int, guess g: Double) -> Double {
        guard n > 0, nk > 0, g > 0 else { return 0 }
        if g >= 1 { return 2 * Double(nk) / Double(nk + n) }
        let logG = log(g), log1mG = log1p(-g)
        let logNFactorial = logFactorial(n)
        var sum = 0.0
        for s in 1...n {
            let logP = logNFactorial - logFactorial(s) - logFactorial(n - s)
                + Double(s) * logG + Double(n - s) * log1mG
            if logP < -745 { continue } // below the smallest double: contributes nothing
            sum += exp(logP) * 2 * Double(s) * Double(nk) / (Double(n) * Double(nk + s))
        }
        return sum
    }

    /// log(n!) = lgamma(n + 1) (C's lgamma: relative error near 1e-15).
    private static func logFactorial(_ n: Int) -> Double {
        let x: Double = lgamma(Double(n) + 1)
        return x
    }
}
