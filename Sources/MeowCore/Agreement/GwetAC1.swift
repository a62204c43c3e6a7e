extension Ratings {
    /// Gwet's AC1, a chance-corrected agreement whose chance term does not
    /// collapse when one label dominates (the "kappa paradox"):
    ///
    ///     pi_k = (1/n) * sum over all rated items i of n_ik / r_i
    ///     pe   = sum_k pi_k(1 - pi_k) / (q - 1)
    ///     AC1  = (pa - pe) / (1 - pe)       with pa = `percentAgreement()`
    ///
    /// q = distinct labels used in the input. Reference: Gwet, K. L. (2008).
    /// Computing inter-rater reliability and its variance in the presence of
    /// high agreement. British Journal of Mathematical and Statistical
    /// Psychology 61, 29-48; Handbook of Inter-Rater Reliability (2014), §2.5.
    /// Why: labeling data is often skewed (most items "ok"), where kappa and
    /// alpha look low although annotators agree. `nil` when q < 2 or no item
    /// is pairable.
    public func gwetAC1() -> Double? {
        AgreementTable(self).gwetAC1().value
    }
}

extension AgreementTable {
    func gwetAC1() -> AgreementEstimate {
        guard pairableItems > 0 else { return .undefined(.noPairableItems) }
        let q = labelsObserved
        guard q >= 2 else { return .undefined(.fewerThanTwoLabels) }
        let pa = agreementSum / Double(pairableItems)
        let pe = prevalence.reduce(0) { $0 + $1 * (1 - $1) } / Double(q - 1)
        guard pe < 1 else { return .undefined(.noExpectedDisagreement) }
        return .finite((pa - pe) / (1 - pe))
    }
}
