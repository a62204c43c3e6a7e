/// Nominal Krippendorff's alpha from per-unit value counts, for units that are not items:
/// the tokens of span answers, and the yes/no decisions of a multi-label answer per label.
///
/// Each unit u contributes its value counts n_uc (m_u = Σ_c n_uc, only units with m_u >= 2
/// are pairable). Coincidences o_ck = Σ_u n_uc (n_uk − [c = k]) / (m_u − 1), n_c = Σ_k o_ck,
/// n = Σ_c n_c; nominal alpha = 1 − (n − 1) · Σ_{c≠k} o_ck / Σ_{c≠k} n_c n_k
/// (Krippendorff 2011, "Computing Krippendorff's Alpha-Reliability", section C). The same
/// definition as `Ratings.krippendorffAlpha(level: .nominal)`, fed counts directly so that
/// millions of token units need no item names.
public struct NominalUnitAlpha: Sendable {
    /// o_cc summed over c: the coincidences of agreeing pairs.
    private var agreeing = 0.0
    /// n_c per value code.
    private var marginals: [Double] = []
    /// Pairable units seen.
    public private(set) var units = 0
    /// Values on pairable units (n before the coincidence weighting: Σ m_u).
    public private(set) var values = 0

    public init() {}

    /// Adds one unit by its value counts (index = value code). Units with fewer than two
    /// values cannot be paired and are ignored, as alpha does.
    public mutating func add(counts: [Int]) {
        let m = counts.reduce(0, +)
        guard m >= 2 else { return }
        units += 1
        values += m
        if marginals.count < counts.count { marginals += Array(repeating: 0, count: counts.count - marginals.count) }
        let scale = 1.0 / Double(m - 1)
        for (c, n) in counts.enumerated() where n > 0 {
            // Row c of the coincidence matrix sums to n_uc (m_u − 1) / (m_u − 1) = n_uc.
            marginals[c] += Double(n)
            agreeing += Double(n * (n - 1)) * scale
        }
    }

    /// Adds one unit by its values (codes in any order), without allocating: equal pairs are
    /// counted directly (Σ_c n_uc (n_uc − 1) = the ordered pairs of equal values).
    public mutating func add(values: UnsafeBufferPointer<Int32>) {
        let m = values.count
        guard m >= 2 else { return }
        units += 1
        self.values += m
        var equalPairs = 0
        for i in 0..<m {
            let v = Int(values[i])
            if v >= marginals.count { marginals += Array(repeating: 0, count: v + 1 - marginals.count) }
            marginals[v] += 1
            for j in (i + 1)..<m where values[j] == values[i] { equalPairs += 2 }
        }
        agreeing += Double(equalPairs) / Double(m - 1)
    }

    /// Adds one unit by its values (codes in any order).
    public mutating func add(values: [Int32]) {
        values.withUnsafeBufferPointer { add(values: $0) }
    }

    /// Adds the counts of units seen by another accumulator whose value `c` is this one's
    /// `recode[c]` (the codes of two halves counted apart).
    mutating func merge(_ other: NominalUnitAlpha, recode: [Int32]) {
        units += other.units
        values += other.values
        agreeing += other.agreeing
        for (c, n) in other.marginals.enumerated() where n > 0 {
            let mine = Int(recode[c])
            if mine >= marginals.count { marginals += Array(repeating: 0, count: mine + 1 - marginals.count) }
            marginals[mine] += n
        }
    }

    /// Alpha; nil without pairable units or when every value is the same (no expected
    /// disagreement).
    public var alpha: Double? {
        let n = marginals.reduce(0, +)
        guard units > 0, n > 1 else { return nil }
        let observedDisagreement = n - agreeing                    // Σ_{c≠k} o_ck
        let expected = n * n - marginals.reduce(0) { $0 + $1 * $1 } // Σ_{c≠k} n_c n_k
        guard expected > 0 else { return nil }
        return 1 - (n - 1) * observedDisagreement / expected
    }
}
