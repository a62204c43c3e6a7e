extension Ratings {
    /// Krippendorff's alpha, computed from the coincidence matrix as in
    /// Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability.
    /// Annenberg School for Communication, University of Pennsylvania.
    ///
    /// Over pairable items u (m_u >= 2 annotations), each ordered pair of
    /// annotations with values c, k adds 1/(m_u - 1) to the coincidence o_ck;
    /// n_c = sum_k o_ck, n.. = sum_c n_c. Then
    ///
    ///     alpha = 1 - (n.. - 1) * sum_{c,k} o_ck δ²_ck / sum_{c,k} n_c n_k δ²_ck
    ///           = 1 - D_o / D_e
    ///
    /// with δ² by level: nominal 0 / 1; ordinal (sum_{g=c..k} n_g - (n_c + n_k)/2)²
    /// over values in ascending order; interval (v_c - v_k)²; ratio
    /// ((v_c - v_k)/(v_c + v_k))² (taken as 0 when v_c + v_k = 0).
    /// Why alpha: it handles any number of annotators, missing annotations and
    /// every level of measurement with one definition, and has published
    /// reliability thresholds (>= 0.800 reliable, >= 0.667 tentative).
    ///
    /// Ordinal, interval and ratio need `labelValues` (labels with the same
    /// value are the same category for these levels). `nil` when there are no
    /// values for those levels, no pairable item, or no expected disagreement.
    public func krippendorffAlpha(level: MeasurementLevel = .nominal) -> Double? {
        AgreementTable(self).krippendorffAlpha(level: level).value
    }
}

extension AgreementTable {
    func krippendorffAlpha(level: MeasurementLevel) -> AgreementEstimate {
        guard pairableItems > 0 else { return .undefined(.noPairableItems) }
        if level == .ratio, labelValues != nil, labelValueKind == .order { return .undefined(.noLabelNumbers) }
        if level == .ratio, let values = labelValues, values.contains(where: { $0 < 0 }) { return .undefined(.negativeValuesForRatio) }
        guard let metric = AlphaMetric(level: level, values: labelValues, marginals: pairableCount) else {
            return .undefined(noValuesReason)
        }
        let expected = metric.expectedDisagreement(marginals: pairableCount)
        guard expected > 0 else { return .undefined(.noExpectedDisagreement) }
        var observed = 0.0
        if level == .nominal {
            observed = nominalDisagreement
        } else {
            for g in 0..<ratedItems {
                let m = ratings(of: g)
                if m < 2 { continue }
                observed += metric.unitDisagreement(cellLabel: cellLabel, cellCount: cellCount,
                                                    from: cellStart[g], to: cellStart[g + 1], annotations: m)
            }
        }
        let n = Double(pairableAnnotations)
        return .finite(1 - (n - 1) * observed / expected)
    }
}

/// The δ² metric of one level, prepared from the coincidence marginals
/// (ordinal distances depend on them). Shared by alpha and its bootstrap.
struct AlphaMetric: Sendable {
    let level: MeasurementLevel
    /// Per label: the value (interval, ratio) or the mid-rank position
    /// (ordinal); empty for nominal.
    let coordinate: [Double]

    /// nil when the level needs values and there are none.
    init?(level: MeasurementLevel, values: [Double]?, marginals: [Int]) {
        self.level = level
        switch level {
        case .nominal:
            coordinate = []
        case .interval, .ratio:
            guard let values else { return nil }
            coordinate = values
        case .ordinal:
            guard let values else { return nil }
            coordinate = Self.midRanks(values: values, marginals: marginals)
        }
    }

    /// Ordinal δ_ck = sum_{g=c..k} n_g - (n_c + n_k)/2 equals a_k - a_c with the
    /// mid-rank a_g = (sum of n over smaller values) + n_g/2, so ordinal alpha is
    /// interval alpha on mid-ranks. Labels sharing a value share a mid-rank.
    static func midRanks(values: [Double], marginals: [Int]) -> [Double] {
        var byValue: [Double: Int] = [:]
        for (k, v) in values.enumerated() { byValue[v, default: 0] += marginals[k] }
        var below = 0
        var mid: [Double: Double] = [:]
        for (v, n) in byValue.sorted(by: { $0.key < $1.key }) {
            mid[v] = Double(below) + Double(n) / 2
            below += n
        }
        return values.map { mid[$0] ?? 0 }
    }

    @inline(__always)
    func delta2(_ c: Int, _ k: Int) -> Double {
        switch level {
        case .nominal:
            return c == k ? 0 : 1
        case .ordinal, .interval:
            let d = coordinate[c] - coordinate[k]
            return d * d
        case .ratio:
            let s = coordinate[c] + coordinate[k]
            if s == 0 { return 0 }
            let d = (coordinate[c] - coordinate[k]) / s
            return d * d
        }
    }

    /// sum_{c,k} o_ck δ²_ck contributed by one unit: its ordered pairs of
    /// different cells, each weighted 1/(m_u - 1).
    @inline(__always)
    func unitDisagreement(cellLabel: [Int32], cellCount: [Int32], from s: Int, to e: Int, annotations m: Int) -> Double {
        if e - s < 2 { return 0 }
        var sum = 0.0
        for i in s..<(e - 1) {
            let ci = Int(cellLabel[i]), ni = Double(cellCount[i])
            for j in (i + 1)..<e {
                sum += ni * Double(cellCount[j]) * delta2(ci, Int(cellLabel[j]))
            }
        }
        return 2 * sum / Double(m - 1)
    }

    /// D_e numerator: sum_{c,k} n_c n_k δ²_ck. Exactly 0 when fewer than two
    /// distinct labels (values) are used, so callers can test `> 0`.
    func expectedDisagreement(marginals: [Int]) -> Double {
        let used = marginals.indices.filter { marginals[$0] > 0 }
        switch level {
        case .nominal:
            let total = used.reduce(0) { $0 + marginals[$1] }
            let squares = used.reduce(0) { $0 + marginals[$1] * marginals[$1] }
            return Double(total * total - squares)
        case .ordinal, .interval:
            guard Set(used.map { coordinate[$0] }).count >= 2 else { return 0 }
            // sum_{c,k} n_c n_k (x_c - x_k)² = 2 N sum_c n_c (x_c - mean)²
            let total = Double(used.reduce(0) { $0 + marginals[$1] })
            let mean = used.reduce(0.0) { $0 + Double(marginals[$1]) * coordinate[$1] } / total
            let spread = used.reduce(0.0) { acc, c in
                let d = coordinate[c] - mean
                return acc + Double(marginals[c]) * d * d
            }
            return 2 * total * spread
        case .ratio:
            var sum = 0.0
            for a in 0..<used.count {
                let c = used[a]
                for b in (a + 1)..<used.count {
                    let k = used[b]
                    sum += Double(marginals[c]) * Double(marginals[k]) * delta2(c, k)
                }
            }
            return 2 * sum
        }
    }
}
