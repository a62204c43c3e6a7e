extension Ratings {
    /// Cohen's kappa for an input with exactly two annotators, over the items
    /// both of them labeled:
    ///
    ///     kappa = (po - pe) / (1 - pe),   pe = sum_k p_a(k) p_b(k)
    ///
    /// po = share of shared items with the same label, p_a, p_b = each
    /// annotator's own label shares on those items. Reference: Cohen, J. (1960).
    /// A coefficient of agreement for nominal scales. Educational and
    /// Psychological Measurement 20(1), 37-46. Why: with two annotators it is
    /// the coefficient most readers know; unlike Fleiss' kappa it lets each
    /// annotator have their own label habits. `nil` unless there are exactly
    /// two annotators sharing an item, or when pe = 1.
    public func cohenKappa() -> Double? {
        AgreementTable(self).cohenKappa().value
    }

    /// Weighted Cohen's kappa (Cohen, J. (1968). Weighted kappa. Psychological
    /// Bulletin 70(4), 213-220) for exactly two annotators on shared items:
    ///
    ///     kappa_w = 1 - sum_ij w_ij o_ij / sum_ij w_ij e_ij
    ///
    /// o_ij = share of shared items labeled i by the first annotator and j by
    /// the second, e_ij = p_a(i) p_b(j), and disagreement weights |x_i-x_j|/R
    /// (linear) or ((x_i-x_j)/R)² (quadratic), where x are the label values
    /// (`labelValues`: the same numbers interval alpha uses, or positions for
    /// labels known only by their order) and R is the range of the values of
    /// every label on the scale, used or not. With evenly spaced values (a 1-5
    /// scale, an order) this is scikit-learn's `cohen_kappa_score(labels=scale)`;
    /// for uneven numbers (1, 2, 10) the weights follow the numbers, as interval
    /// alpha does, where scikit-learn would use positions. `nil` without values,
    /// unless exactly two annotators share an item, or when the expected
    /// disagreement is 0.
    public func weightedCohenKappa(weights: KappaWeighting) -> Double? {
        AgreementTable(self).weightedCohenKappa(weights: weights).value
    }
}

/// The shared-item counts of two annotators, the input of Cohen's kappa.
struct AnnotatorPairCounts: Sendable {
    var items = 0
    var agreements = 0
    /// Per label: annotations of the first / second annotator on shared items.
    var first: [Int]
    var second: [Int]
    /// (first label, second label) per shared item.
    var pairs: [(Int32, Int32)] = []

    init(labelCount: Int) {
        first = [Int](repeating: 0, count: labelCount)
        second = [Int](repeating: 0, count: labelCount)
    }

    /// kappa = (n * agreements - sum_k a_k b_k) / (n² - sum_k a_k b_k), in
    /// integers so that pe = 1 is detected exactly.
    func kappa() -> AgreementEstimate {
        guard items > 0 else { return .undefined(.noSharedItems) }
        var chance = 0
        for k in first.indices where first[k] > 0 { chance += first[k] * second[k] }
        let denominator = items * items - chance
        guard denominator > 0 else { return .undefined(.noExpectedDisagreement) }
        return .finite(Double(items * agreements - chance) / Double(denominator))
    }

    var percentAgreement: Double { Double(agreements) / Double(items) }
}

extension AgreementTable {
    /// The two annotator codes when exactly two annotators have annotations.
    struct Pair: Sendable { let first: Int, second: Int }

    func onlyTwoAnnotators() -> AgreementOutcome<Pair> {
        guard annotatorsObserved == 2 else { return .failure(.notTwoAnnotators(annotatorsObserved)) }
        var seen = [Bool](repeating: false, count: annotatorCount)
        for a in annotatorOf { seen[Int(a)] = true }
        let codes = seen.indices.filter { seen[$0] }
        return .success(Pair(first: codes[0], second: codes[1]))
    }

    /// Shared-item counts of annotators `a` and `b`.
    func pairCounts(_ a: Int, _ b: Int) -> AnnotatorPairCounts {
        var counts = AnnotatorPairCounts(labelCount: labelCount)
        for g in 0..<ratedItems {
            var la = -1, lb = -1
            for p in groupStart[g]..<groupStart[g + 1] {
                let who = Int(annotatorOf[p])
                if who == a { la = Int(labelOf[p]) } else if who == b { lb = Int(labelOf[p]) }
            }
            if la < 0 || lb < 0 { continue }
            counts.items += 1
            if la == lb { counts.agreements += 1 }
            counts.first[la] += 1
            counts.second[lb] += 1
            counts.pairs.append((Int32(la), Int32(lb)))
        }
        return counts
    }

    func cohenKappa() -> AgreementEstimate {
        switch onlyTwoAnnotators() {
        case .failure(let reason): return .undefined(reason)
        case .success(let pair): return pairCounts(pair.first, pair.second).kappa()
        }
    }

    func weightedCohenKappa(weights: KappaWeighting) -> AgreementEstimate {
        let (a, b): (Int, Int)
        switch onlyTwoAnnotators() {
        case .failure(let reason): return .undefined(reason)
        case .success(let pair): (a, b) = (pair.first, pair.second)
        }
        guard let values = labelValues else { return .undefined(noValuesReason) }
        guard let low = values.min(), let high = values.max(), high > low else { return .undefined(.fewerThanTwoLabels) }
        let range = high - low
        func weight(_ i: Int, _ j: Int) -> Double { weights.weight(distance: abs(values[i] - values[j]) / range) }
        let counts = pairCounts(a, b)
        guard counts.items > 0 else { return .undefined(.noSharedItems) }
        var observed = 0.0
        for (i, j) in counts.pairs { observed += weight(Int(i), Int(j)) }
        observed /= Double(counts.items)
        let usedA = counts.first.indices.filter { counts.first[$0] > 0 }
        let usedB = counts.second.indices.filter { counts.second[$0] > 0 }
        var expected = 0.0
        for i in usedA {
            for j in usedB {
                expected += Double(counts.first[i]) * Double(counts.second[j]) * weight(i, j)
            }
        }
        expected /= Double(counts.items) * Double(counts.items)
        guard expected > 0 else { return .undefined(.noExpectedDisagreement) }
        return .finite(1 - observed / expected)
    }
}
