/// A bootstrap percentile interval for Krippendorff's alpha.
///
/// Why an interval: on a few hundred items alpha moves by several hundredths
/// from sample to sample; the interval says whether "0.78" is reliably above
/// the 0.667 or 0.800 thresholds or only by luck.
public struct AlphaInterval: Sendable, Equatable {
    /// Lower end (2.5th percentile of the bootstrap alphas).
    public let lower: Double
    /// Upper end (97.5th percentile).
    public let upper: Double
    /// Coverage, 0.95.
    public let confidence: Double
    /// Bootstrap samples in which alpha was defined (the percentiles use these).
    public let samples: Int
    /// Bootstrap samples drawn.
    public let requested: Int

    public init(lower: Double, upper: Double, confidence: Double, samples: Int, requested: Int) {
        self.lower = lower
        self.upper = upper
        self.confidence = confidence
        self.samples = samples
        self.requested = requested
    }
}

extension Ratings {
    /// 95% percentile bootstrap interval of Krippendorff's alpha
    /// (`krippendorffAlpha(level:)`): draw the n' pairable items with
    /// replacement `samples` times, compute alpha on each resample, and take
    /// the 2.5th and 97.5th percentiles (linear interpolation between order
    /// statistics, R's type 7) of the alphas that are defined. Reference:
    /// Efron, B. & Tibshirani, R. (1993). An Introduction to the Bootstrap,
    /// ch. 13; resampling units as in Hayes, A. F. & Krippendorff, K. (2007).
    /// Answering the call for a standard reliability measure for coding data.
    /// Communication Methods and Measures 1(1), 77-89.
    ///
    /// Draws come from `SplitMix64(seed:)`, so the same input, `samples` and
    /// `seed` give the same interval on every platform. `nil` with fewer than
    /// two pairable items, when the level needs values that are missing, or
    /// when alpha is undefined in every resample.
    public func bootstrapAlpha(level: MeasurementLevel = .nominal, samples: Int = 1000, seed: UInt64 = 0) -> AlphaInterval? {
        guard case .success(let interval) = AgreementTable(self).bootstrapAlpha(level: level, samples: samples, seed: seed) else { return nil }
        return interval
    }
}

extension AgreementTable {
    /// Pairable units grouped into patterns: units with the same label counts
    /// are interchangeable in alpha, so a resample only needs how many times
    /// each pattern was drawn. Typical data has few patterns (4 annotators and
    /// 5 labels give at most 70), which makes each resample O(n' + patterns)
    /// instead of O(n' × cells).
    private struct UnitPatterns {
        /// Pattern of each pairable unit.
        var patternOf: [Int32] = []
        /// Cells (label, count) of each pattern, sorted by label.
        var start: [Int] = [0]
        var label: [Int32] = []
        var count: [Int32] = []
        /// Annotations per pattern (m_u).
        var size: [Int] = []

        init(_ table: AgreementTable) {
            var index: [[Int32]: Int32] = [:]
            var key: [Int32] = []
            for g in 0..<table.ratedItems where table.ratings(of: g) >= 2 {
                key.removeAll(keepingCapacity: true)
                for c in table.cellStart[g]..<table.cellStart[g + 1] {
                    // insertion sort of (label, count) pairs by label
                    var at = key.count
                    key.append(0); key.append(0)
                    while at > 0 && key[at - 2] > table.cellLabel[c] {
                        key[at] = key[at - 2]; key[at + 1] = key[at - 1]
                        at -= 2
                    }
                    key[at] = table.cellLabel[c]; key[at + 1] = table.cellCount[c]
                }
                if let p = index[key] {
                    patternOf.append(p)
                    continue
                }
                let p = Int32(size.count)
                index[key] = p
                patternOf.append(p)
                var m = 0
                for i in stride(from: 0, to: key.count, by: 2) {
                    label.append(key[i]); count.append(key[i + 1])
                    m += Int(key[i + 1])
                }
                start.append(label.count)
                size.append(m)
            }
        }
    }

    func bootstrapAlpha(level: MeasurementLevel, samples: Int, seed: UInt64) -> AgreementOutcome<AlphaInterval> {
        guard samples > 0 else { return .failure(.undefinedInEverySample) }
        guard pairableItems >= 2 else { return .failure(.fewerThanTwoPairableItems) }
        if level == .ratio, labelValues != nil, labelValueKind == .order { return .failure(.noLabelNumbers) }
        if level == .ratio, let values = labelValues, values.contains(where: { $0 < 0 }) { return .failure(.negativeValuesForRatio) }
        guard let fullMetric = AlphaMetric(level: level, values: labelValues, marginals: pairableCount) else {
            return .failure(noValuesReason)
        }
        let patterns = UnitPatterns(self)
        let P = patterns.size.count
        // For levels whose δ² does not depend on the marginals, each pattern's
        // observed disagreement is fixed.
        let fixed = level != .ordinal
        let disagreement: [Double] = fixed ? (0..<P).map { p in
            fullMetric.unitDisagreement(cellLabel: patterns.label, cellCount: patterns.count,
                                        from: patterns.start[p], to: patterns.start[p + 1], annotations: patterns.size[p])
        } : []
        let n = patterns.patternOf.count
        var rng = SplitMix64(seed: seed)
        var drawn = [Int](repeating: 0, count: P)
        var marginals = [Int](repeating: 0, count: labelCount)
        var alphas: [Double] = []
        alphas.reserveCapacity(samples)
        for _ in 0..<samples {
            // n' draws with replacement, counted per pattern.
            patterns.patternOf.withUnsafeBufferPointer { patternOf in
                drawn.withUnsafeMutableBufferPointer { drawn in
                    let bound = UInt64(n)
                    for _ in 0..<n { drawn[Int(patternOf[Int(rng.next(below: bound))])] += 1 }
                }
            }
            for k in marginals.indices { marginals[k] = 0 }
            var total = 0
            var observed = 0.0
            for p in 0..<P where drawn[p] > 0 {
                let w = drawn[p]
                total += w * patterns.size[p]
                for c in patterns.start[p]..<patterns.start[p + 1] { marginals[Int(patterns.label[c])] += w * Int(patterns.count[c]) }
                if fixed { observed += Double(w) * disagreement[p] }
            }
            let metric = fixed ? fullMetric : (AlphaMetric(level: level, values: labelValues, marginals: marginals) ?? fullMetric)
            if !fixed {
                for p in 0..<P where drawn[p] > 0 {
                    observed += Double(drawn[p]) * metric.unitDisagreement(
                        cellLabel: patterns.label, cellCount: patterns.count,
                        from: patterns.start[p], to: patterns.start[p + 1], annotations: patterns.size[p])
                }
            }
            for p in 0..<P { drawn[p] = 0 }
            let expected = metric.expectedDisagreement(marginals: marginals)
            guard expected > 0 else { continue }
            let alpha = 1 - Double(total - 1) * observed / expected
            if alpha.isFinite { alphas.append(alpha) }
        }
        guard !alphas.isEmpty else { return .failure(.undefinedInEverySample) }
        alphas.sort()
        return .success(AlphaInterval(
            lower: Self.quantile(alphas, 0.025), upper: Self.quantile(alphas, 0.975),
            confidence: 0.95, samples: alphas.count, requested: samples))
    }

    /// Quantile of sorted values, linear interpolation (R type 7).
    static func quantile(_ sorted: [Double], _ p: Double) -> Double {
        let h = Double(sorted.count - 1) * p
        let lo = Int(h.rounded(.down))
        let hi = min(lo + 1, sorted.count - 1)
        return sorted[lo] + (h - Double(lo)) * (sorted[hi] - sorted[lo])
    }
}
