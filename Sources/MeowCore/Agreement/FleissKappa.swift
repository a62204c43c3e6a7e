extension Ratings {
    /// Fleiss' kappa in Gwet's generalisation to items with different numbers
    /// of annotations (missing data):
    ///
    ///     pi_k  = (1/n) * sum over ALL rated items i of n_ik / r_i
    ///     pe    = sum_k pi_k²
    ///     kappa = (pa - pe) / (1 - pe)      with pa = `percentAgreement()`
    ///
    /// References: Fleiss, J. L. (1971). Measuring nominal scale agreement among
    /// many raters. Psychological Bulletin 76(5), 378-382; Gwet, K. L. (2014).
    /// Handbook of Inter-Rater Reliability, 4th ed., §2.5. When every item has
    /// the same number of annotations this is exactly Fleiss (1971). Why this
    /// form: annotators in a labeling tool skip items, and the generalisation
    /// uses every annotation instead of dropping incomplete items.
    /// `nil` when no item is pairable or only one label is used (pe = 1).
    public func fleissKappa() -> Double? {
        AgreementTable(self).fleissKappa().value
    }
}

extension AgreementTable {
    func fleissKappa() -> AgreementEstimate {
        guard pairableItems > 0 else { return .undefined(.noPairableItems) }
        guard labelsObserved >= 2 else { return .undefined(.noExpectedDisagreement) }
        let pa = agreementSum / Double(pairableItems)
        let pe = prevalence.reduce(0) { $0 + $1 * $1 }
        guard pe < 1 else { return .undefined(.noExpectedDisagreement) }
        return .finite((pa - pe) / (1 - pe))
    }
}
