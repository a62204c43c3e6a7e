/// Annotations in long format, stored as parallel arrays of small integer codes.
///
/// Why codes instead of strings: agreement statistics only compare labels for
/// equality (or by their numeric value), and a million annotations stored as
/// `Int32` triples take 12 MB instead of three million strings. Names live once
/// in `labels`, `annotators` and `items`; the code of a name is its index there.
///
/// One entry `i` means: annotator `annotator[i]` gave label `label[i]` to item
/// `item[i]`. Use `RatingsBuilder` to make one from strings; the builder keeps
/// only the last label when an annotator labels the same item twice, and the
/// statistics apply the same rule to `Ratings` built by hand.
public struct Ratings: Sendable, Equatable {
    /// Label names; the index is the label code.
    public var labels: [String]
    /// Annotator names; the index is the annotator code.
    public var annotators: [String]
    /// Item names; the index is the item code.
    public var items: [String]
    /// Item code of each annotation.
    public var item: [Int32] { didSet { grouped = nil } }
    /// Annotator code of each annotation.
    public var annotator: [Int32] { didSet { grouped = nil } }
    /// Label code of each annotation.
    public var label: [Int32]
    /// Numeric value of each label code, needed by the ordinal, interval and
    /// ratio metrics and by weighted kappa; `nil` for unordered (nominal) labels.
    public var labelValues: [Double]?
    /// The annotations grouped by item, when `RatingsBuilder.build()` already grouped them
    /// (it must, to find repeats): `AgreementTable` then does not group a million rows again.
    /// Dropped whenever `item` or `annotator` change.
    var grouped: GroupedRatings?
    /// Whether `labelValues` are measurements or only positions in an order (ratio alpha
    /// needs measurements); see `LabelValueKind`.
    public var labelValueKind: LabelValueKind
    /// Labels used by some answer that have no place on the scale (a label since removed from
    /// the guideline): why `labelValues` is nil, for the reason the report gives.
    public var labelsOffScale: [String] = []

    /// Makes ratings from codes. The three code arrays must have the same length,
    /// every code must index its name array, and `labelValues`, when given, must
    /// have one finite value per label (a programming error otherwise).
    public init(
        labels: [String], annotators: [String], items: [String],
        item: [Int32], annotator: [Int32], label: [Int32],
        labelValues: [Double]? = nil, labelValueKind: LabelValueKind = .numbers
    ) {
        precondition(item.count == annotator.count && item.count == label.count,
                     "Ratings: item, annotator and label must have the same length")
        if let values = labelValues {
            precondition(values.count == labels.count, "Ratings: one value per label")
            precondition(values.allSatisfy(\.isFinite), "Ratings: label values must be finite")
        }
        precondition(item.allSatisfy { $0 >= 0 && Int($0) < items.count }, "Ratings: item code out of range")
        precondition(annotator.allSatisfy { $0 >= 0 && Int($0) < annotators.count }, "Ratings: annotator code out of range")
        precondition(label.allSatisfy { $0 >= 0 && Int($0) < labels.count }, "Ratings: label code out of range")
        self.labels = labels
        self.annotators = annotators
        self.items = items
        self.item = item
        self.annotator = annotator
        self.label = label
        self.labelValues = labelValues
        self.labelValueKind = labelValueKind
    }

    /// Equal data, whatever the caches hold.
    public static func == (lhs: Ratings, rhs: Ratings) -> Bool {
        lhs.labels == rhs.labels && lhs.annotators == rhs.annotators && lhs.items == rhs.items
            && lhs.item == rhs.item && lhs.annotator == rhs.annotator && lhs.label == rhs.label
            && lhs.labelValues == rhs.labelValues && lhs.labelValueKind == rhs.labelValueKind
            && lhs.labelsOffScale == rhs.labelsOffScale
    }

    /// Number of annotations (entries), duplicates included.
    public var count: Int { item.count }

    /// The values of `labels` when every one of them is a plain finite decimal
    /// number ("3", "-0.5", "1e3"), else `nil`. Why the stricter check than
    /// `Double(_:)`: that also accepts "nan", "inf" and hexadecimal "0x1p3",
    /// which are labels, not measurements.
    public static func numericValues(of labels: [String]) -> [Double]? {
        guard !labels.isEmpty else { return nil }
        var values: [Double] = []
        values.reserveCapacity(labels.count)
        for name in labels {
            guard !name.isEmpty,
                  name.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2B || $0 == 0x2D || $0 == 0x2E || $0 == 0x45 || $0 == 0x65 }),
                  let value = Double(name), value.isFinite
            else { return nil }
            values.append(value)
        }
        return values
    }
}

extension Ratings {
    /// Two labels whose `values` are equal ("1" and "1.0", "2" and "02"), if any.
    public static func sameNumber(_ labels: [String], _ values: [Double]) -> (String, String)? {
        var first: [Double: String] = [:]
        for (name, value) in zip(labels, values) {
            if let other = first.updateValue(name, forKey: value) { return (other, name) }
        }
        return nil
    }
}

/// A grouping computed once and shared by copies of the same `Ratings` (derived data: two
/// ratings are equal whatever their caches hold; see `==`).
final class GroupedRatings: Sendable {
    let grouping: AgreementGrouping
    init(_ grouping: AgreementGrouping) { self.grouping = grouping }
}
