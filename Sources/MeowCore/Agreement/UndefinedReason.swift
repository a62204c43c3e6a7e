/// Why a coefficient has no value.
///
/// Why not NaN: a coefficient that is 0/0 is not a number to average, plot or
/// compare against a threshold; the statistics return `nil` and the report
/// says which of these reasons applied, so the reader knows what to fix.
public enum UndefinedReason: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// No item has two or more annotations, so nothing can be compared.
    case noPairableItems
    /// Chance disagreement is zero: every pairable annotation has the same
    /// label (or value), so agreement cannot be told apart from chance.
    case noExpectedDisagreement
    /// Fewer than two distinct labels were used anywhere in the input.
    case fewerThanTwoLabels
    /// The metric needs numeric or ordered labels and the labels have no values.
    case noLabelValues
    /// Some answers use labels that are not on the scale (removed from the guideline since).
    case labelsOffScale([String])
    /// Ratio alpha needs numbers with a true zero; the labels have only an order.
    case noLabelNumbers
    /// Ratio alpha needs values on a scale with a true zero (none below it).
    case negativeValuesForRatio
    /// Cohen's kappa needs exactly two annotators; the input has this many.
    case notTwoAnnotators(Int)
    /// The two annotators labeled no item in common.
    case noSharedItems
    /// The bootstrap needs at least two pairable items to resample.
    case fewerThanTwoPairableItems
    /// The label never appears on a pairable item.
    case labelNotOnPairableItems
    /// The statistic was undefined in every bootstrap sample.
    case undefinedInEverySample
    /// The arithmetic did not give a finite number (should not happen).
    case notFinite

    public var description: String {
        switch self {
        case .noPairableItems: return "no pairable items (no item has 2 or more annotations)"
        case .noExpectedDisagreement: return "no expected disagreement (every pairable annotation has the same label or value)"
        case .fewerThanTwoLabels: return "fewer than 2 distinct labels in the input"
        case .noLabelValues: return "labels have no numeric values or order (give numeric labels or a label order)"
        case .labelsOffScale(let names):
            return "answers use \(names.count == 1 ? "a label" : "labels") no longer in the guideline (\(names.prefix(5).map { "\"\($0)\"" }.joined(separator: ", "))), which has no place in its order; measure one guideline version with --guideline-version N"
        case .noLabelNumbers: return "labels have an order but no numbers, so their ratios mean nothing (give numbers with --values a=1,b=2,… or `number:` per label in the guideline)"
        case .negativeValuesForRatio: return "a ratio scale has no values below zero, and some labels have negative numbers (use interval alpha)"
        case .notTwoAnnotators(let n): return "needs exactly 2 annotators, the input has \(n)"
        case .noSharedItems: return "the two annotators share no item"
        case .fewerThanTwoPairableItems: return "fewer than 2 pairable items to resample"
        case .labelNotOnPairableItems: return "the label is not used on any pairable item"
        case .undefinedInEverySample: return "undefined in every bootstrap sample"
        case .notFinite: return "the computation did not give a finite number"
        }
    }
}
