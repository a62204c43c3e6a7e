import Foundation

/// The state of the Dawid-Skene EM iteration on encoded votes (Dawid & Skene
/// 1979, section 2): item class probabilities T_ik, class priors pi_k and one
/// error-rate matrix theta_a[k][l] per annotator, all in flat arrays.
///
/// Layouts: `posterior[i * q + k]` = T_ik; `theta[(a * q + k) * q + l]` =
/// theta_a[k][l] (row = true label k, column = given label l).
struct DawidSkeneEM {
    let votes: DawidSkeneVotes
    let smoothing: Double
    private(set) var posterior: [Double]
    private(set) var priors: [Double]
    private(set) var theta: [Double]

    var q: Int { votes.labelCount }
    var itemCount: Int { votes.itemNames.count }
    var annotatorCount: Int { votes.annotatorNames.count }

    /// Starts from the soft majority vote, Dawid & Skene's eq. (3.1):
    ///
    ///     T_ik = n_ik / n_i    (n_ik = votes for label k on item i, n_i = all votes on i)
    init(votes: DawidSkeneVotes, smoothing: Double) {
        self.votes = votes
        self.smoothing = smoothing
        let q = votes.labelCount, items = votes.itemNames.count
        var posterior = [Double](repeating: 0, count: items * q)
        for i in 0..<items {
            var total = 0.0
            for c in votes.cellStart[i]..<votes.cellStart[i + 1] {
                posterior[i * q + Int(votes.cellLabel[c])] += votes.cellCount[c]
                total += votes.cellCount[c]
            }
            for k in 0..<q { posterior[i * q + k] /= total }
        }
        self.posterior = posterior
        self.priors = [Double](repeating: 1 / Double(q), count: q)
        self.theta = [Double](repeating: 1 / Double(q), count: votes.annotatorNames.count * q * q)
    }

    /// M-step, Dawid & Skene's eqs. (2.3)-(2.4) with additive smoothing s:
    ///
    ///     pi_k        = (1/I) sum_i T_ik
    ///     theta_a[k][l] = (sum_i T_ik n_ail + s) / (sum_i T_ik n_ai. + q s)
    ///
    /// A row with no evidence at all (denominator 0, possible only when s = 0)
    /// is set to the uniform 1/q.
    mutating func maximize() {
        let q = self.q, items = itemCount, annotators = annotatorCount
        // num[(a * q + l) * q + k] = sum_i T_ik n_ail, contiguous in k.
        var num = [Double](repeating: 0, count: annotators * q * q)
        var prior = [Double](repeating: 0, count: q)
        posterior.withUnsafeBufferPointer { t in
            num.withUnsafeMutableBufferPointer { num in
                votes.cellStart.withUnsafeBufferPointer { cellStart in
                    votes.cellAnnotator.withUnsafeBufferPointer { cellAnnotator in
                        votes.cellLabel.withUnsafeBufferPointer { cellLabel in
                            votes.cellCount.withUnsafeBufferPointer { cellCount in
                                for i in 0..<items {
                                    let row = i * q
                                    for k in 0..<q { prior[k] += t[row + k] }
                                    for c in cellStart[i]..<cellStart[i + 1] {
                                        let base = (Int(cellAnnotator[c]) * q + Int(cellLabel[c])) * q
                                        let n = cellCount[c]
                                        for k in 0..<q { num[base + k] += n * t[row + k] }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        for k in 0..<q { prior[k] /= Double(items) }
        priors = prior

        let s = smoothing
        for a in 0..<annotators {
            for k in 0..<q {
                var den = 0.0
                for l in 0..<q { den += num[(a * q + l) * q + k] }
                let d = den + Double(q) * s
                for l in 0..<q {
                    theta[(a * q + k) * q + l] = d > 0 ? (num[(a * q + l) * q + k] + s) / d : 1 / Double(q)
                }
            }
        }
    }

    /// E-step, Dawid & Skene's eq. (2.5), in log space:
    ///
    ///     log T_ik = log pi_k + sum_a sum_l n_ail log theta_a[k][l] - log Z_i
    ///
    /// with Z_i by log-sum-exp (shifting by the row maximum before exp), so a
    /// long item with many votes cannot underflow. An item for which every
    /// class has probability 0 (possible only with smoothing 0) keeps its
    /// previous row. Returns max_ik |T_ik(new) - T_ik(old)|.
    mutating func expect() -> Double {
        let q = self.q, items = itemCount, annotators = annotatorCount
        // logTheta[(a * q + l) * q + k] = log theta_a[k][l], contiguous in k.
        var logTheta = [Double](repeating: 0, count: annotators * q * q)
        for a in 0..<annotators {
            for k in 0..<q {
                for l in 0..<q { logTheta[(a * q + l) * q + k] = log(theta[(a * q + k) * q + l]) }
            }
        }
        let logPrior = priors.map { log($0) }
        var delta = 0.0
        var acc = [Double](repeating: 0, count: q)
        posterior.withUnsafeMutableBufferPointer { t in
            logTheta.withUnsafeBufferPointer { logTheta in
                acc.withUnsafeMutableBufferPointer { acc in
                    votes.cellStart.withUnsafeBufferPointer { cellStart in
                        votes.cellAnnotator.withUnsafeBufferPointer { cellAnnotator in
                            votes.cellLabel.withUnsafeBufferPointer { cellLabel in
                                votes.cellCount.withUnsafeBufferPointer { cellCount in
                                    for i in 0..<items {
                                        for k in 0..<q { acc[k] = logPrior[k] }
                                        for c in cellStart[i]..<cellStart[i + 1] {
                                            let base = (Int(cellAnnotator[c]) * q + Int(cellLabel[c])) * q
                                            let n = cellCount[c]
                                            for k in 0..<q { acc[k] += n * logTheta[base + k] }
                                        }
                                        var m = -Double.infinity
                                        for k in 0..<q where acc[k] > m { m = acc[k] }
                                        guard m > -Double.infinity else { continue }
                                        var sum = 0.0
                                        for k in 0..<q {
                                            let e = exp(acc[k] - m)
                                            acc[k] = e
                                            sum += e
                                        }
                                        let row = i * q
                                        for k in 0..<q {
                                            let value = acc[k] / sum
                                            delta = max(delta, abs(value - t[row + k]))
                                            t[row + k] = value
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return delta
    }
}
