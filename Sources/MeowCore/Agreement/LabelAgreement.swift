/// How often one label is used and how consistently annotators agree on it.
///
/// Why: an overall coefficient hides that one label may be clear and another
/// ambiguous; specific agreement per label points at the label to clarify.
public struct LabelAgreement: Sendable, Equatable {
    /// The label name.
    public let label: String
    /// count_k = sum over pairable items of n_ik.
    public let count: Int
    /// Specific (positive) agreement, `nil` when the label is not used on a pairable item.
    public let specificAgreement: Double?

    public init(label: String, count: Int, specificAgreement: Double?) {
        self.label = label
        self.count = count
        self.specificAgreement = specificAgreement
    }
}

extension Ratings {
    /// Per label, over pairable items (r_i >= 2):
    ///
    ///     count_k              = sum_i n_ik
    ///     specific agreement_k = sum_i n_ik(n_ik - 1) / sum_i n_ik(r_i - 1)
    ///
    /// i.e. of all the pairs one annotation with label k forms with the other
    /// annotations on its item, the share where the other also says k.
    /// Reference: Uebersax, J. S. (1982). A design-independent method for
    /// measuring the reliability of psychiatric diagnosis. Journal of
    /// Psychiatric Research 17(4), 335-342 (specific agreement for many raters).
    /// One entry per label in code order.
    public func perLabelAgreement() -> [LabelAgreement] {
        AgreementTable(self).perLabelAgreement()
    }
}

extension AgreementTable {
    func perLabelAgreement() -> [LabelAgreement] {
        (0..<labelCount).map { k in
            let denominator = possiblePairs[k]
            return LabelAgreement(
                label: labelNames[k], count: pairableCount[k],
                specificAgreement: denominator > 0 ? Double(agreeingPairs[k]) / Double(denominator) : nil)
        }
    }
}
