/// Consensus labels and annotator error rates by the Dawid-Skene EM algorithm.
///
/// Dawid, A. P., & Skene, A. M. (1979). Maximum Likelihood Estimation of
/// Observer Error-Rates Using the EM Algorithm. Journal of the Royal
/// Statistical Society, Series C (Applied Statistics), 28(1), 20-28.
///
/// Model: item i has a hidden true label k with prior pi_k; annotator a, shown
/// an item of true label k, answers l with probability theta_a[k][l]. Votes are
/// independent given the true label. EM, with T_ik = P(true label of i is k):
///
///     start:  T_ik = n_ik / n_i                                  (soft majority vote, eq. 3.1)
///     M-step: pi_k = (1/I) sum_i T_ik
///             theta_a[k][l] = (sum_i T_ik n_ail + s) / (sum_i T_ik n_ai. + q s)
///     E-step: T_ik ∝ pi_k prod_a prod_l theta_a[k][l]^n_ail      (eq. 2.5, in log space)
///
/// where n_ail counts how often annotator a gave label l to item i (repeated
/// votes count), q = labels.count and s = `smoothing` (additive smoothing of
/// the error rates; s = 0 is the plain maximum-likelihood estimate of the
/// paper). The loop alternates E and M steps and stops when
/// max_ik |T_ik(new) - T_ik(old)| < `tolerance` (`converged`) or after
/// `maxIterations` E-steps; a final M-step makes `priors` and `confusion`
/// those of the returned posteriors. Each item's label is argmax_k T_ik, ties
/// broken by label order. Items with a single vote get a posterior too.
///
/// Deterministic: items and annotators are numbered by name and every sum runs
/// in that order, so the same votes in any order give identical results.
///
/// - Parameters:
///   - votes: the answers. Votes whose label is not in `labels` are ignored
///     (e.g. "skip" or a label retired from the guideline); items and
///     annotators with no remaining vote do not appear in the result.
///   - labels: the label set, in the order used by `priors` and `confusion`.
/// - Returns: `nil` when `labels` has fewer than 2 entries or repeats a name,
///   when no vote has a label from `labels`, or when `maxIterations` < 0,
///   `smoothing` < 0 or not finite, or `tolerance` is NaN.
public func dawidSkene(
    _ votes: [LabelVote], labels: [String], maxIterations: Int = 100,
    tolerance: Double = 1e-6, smoothing: Double = 0.01
) -> DawidSkeneResult? {
    guard labels.count >= 2, maxIterations >= 0, smoothing >= 0, smoothing.isFinite, !tolerance.isNaN,
          let table = DawidSkeneVotes(votes: votes, labels: labels)
    else { return nil }

    var em = DawidSkeneEM(votes: table, smoothing: smoothing)
    em.maximize()
    var iterations = 0
    var converged = false
    while iterations < maxIterations {
        let change = em.expect()
        em.maximize()
        iterations += 1
        if change < tolerance {
            converged = true
            break
        }
    }

    let q = labels.count
    var items: [DawidSkeneResult.ItemPosterior] = []
    items.reserveCapacity(table.itemNames.count)
    for (i, name) in table.itemNames.enumerated() {
        let row = Array(em.posterior[(i * q)..<(i * q + q)])
        var best = 0
        for k in 1..<q where row[k] > row[best] { best = k }
        var posterior: [String: Double] = [:]
        posterior.reserveCapacity(q)
        for k in 0..<q { posterior[labels[k]] = row[k] }
        let tied = (0..<q).filter { row[best] - row[$0] <= 1e-9 }.map { labels[$0] }
        items.append(.init(item: name, label: labels[best], confidence: row[best], posterior: posterior, tied: tied.count > 1 ? tied : []))
    }

    var accuracy: [String: Double] = [:]
    var confusion: [String: [[Double]]] = [:]
    for (a, name) in table.annotatorNames.enumerated() {
        let matrix = (0..<q).map { k in Array(em.theta[((a * q + k) * q)..<((a * q + k) * q + q)]) }
        confusion[name] = matrix
        var expected = 0.0
        for k in 0..<q { expected += em.priors[k] * matrix[k][k] }
        accuracy[name] = expected
    }

    return DawidSkeneResult(
        items: items, annotatorAccuracy: accuracy, confusion: confusion, priors: em.priors,
        labels: labels, iterations: iterations, converged: converged)
}
