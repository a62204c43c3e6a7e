extension Ratings {
    /// Observed agreement: the share of agreeing annotation pairs within items,
    /// averaged over pairable items (items with r_i >= 2):
    ///
    ///     pa = (1/n') * sum_i sum_k n_ik(n_ik - 1) / (r_i(r_i - 1))
    ///
    /// Not corrected for chance; it is the p_a of Fleiss' kappa and Gwet's AC1
    /// (Gwet, K. L. (2014). Handbook of Inter-Rater Reliability, 4th ed., ch. 2).
    /// Why report it at all: it is the number people understand first, and the
    /// gap between it and a chance-corrected coefficient shows how much of the
    /// agreement chance alone would give. `nil` when no item is pairable.
    public func percentAgreement() -> Double? {
        AgreementTable(self).percentAgreement().value
    }
}

extension AgreementTable {
    func percentAgreement() -> AgreementEstimate {
        guard pairableItems > 0 else { return .undefined(.noPairableItems) }
        return .finite(agreementSum / Double(pairableItems))
    }
}
