import Foundation

/// What ordered statistics may assume about label values.
///
/// Why two kinds: ordinal alpha needs only an order; interval alpha and weighted kappa need
/// distances, which an order gives only by assuming equal steps (positions 0, 1, 2, …); ratio
/// alpha needs a true zero, which positions do not have. So ratio alpha is undefined for
/// labels known only by their order, and defined for numbers (numeric labels, `--values`, or
/// `number:` per label in a guideline).
public enum LabelValueKind: String, Sendable, Equatable, Codable {
    /// The values are measurements: numeric labels or numbers given per label.
    case numbers
    /// The values are positions in a given order (0, 1, 2, …): no distances, no zero.
    case order
}

/// The labels of an ordered scale with the value of each, as `meow agreement` builds it from
/// `--order` and `--values`.
///
/// Rules (issue 13.2): numeric labels are used as numbers whatever `--order` says, so an order
/// that lists them out of ascending order is an error; `--values a=1,b=2` gives each label a
/// number (and, with `--order`, must not contradict it); an order of non-numeric labels alone
/// gives positions. Labels on the scale that nobody used still belong to it: they widen the
/// weighted-kappa range as in scikit-learn's `cohen_kappa_score(labels=...)`.
public struct LabelScale: Sendable, Equatable {
    /// Labels in scale order (ascending value).
    public let labels: [String]
    /// Value of each label in `labels`.
    public let values: [Double]
    public let kind: LabelValueKind

    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public let description: String
    }

    /// The scale from `--order` (labels in order) and `--values` (label, number pairs);
    /// nil when neither is given.
    public static func make(order: [String]?, values: [(label: String, value: Double)]?) throws(Problem) -> LabelScale? {
        if let order {
            var seen = Set<String>()
            for name in order where !seen.insert(name).inserted {
                throw Problem(description: "--order lists \"\(name)\" twice")
            }
        }
        var byLabel: [String: Double] = [:]
        if let values {
            for (name, value) in values {
                guard value.isFinite else { throw Problem(description: "--values: the number of \"\(name)\" is not finite") }
                if byLabel.updateValue(value, forKey: name) != nil { throw Problem(description: "--values gives \"\(name)\" twice") }
                // A numeric label is its own number (issue 13.2); another would silently reorder
                // or rescale it.
                if let own = Ratings.numericValues(of: [name])?.first, own != value {
                    throw Problem(description: "--values gives \"\(name)\" the number \(Self.number(value)), but numeric labels are their own numbers; leave them out of --values")
                }
            }
        }
        switch (order, values) {
        case (nil, nil):
            return nil
        case (nil, let values?):
            let sorted = values.enumerated().sorted { ($0.element.value, $0.offset) < ($1.element.value, $1.offset) }.map(\.element)
            return LabelScale(labels: sorted.map(\.label), values: sorted.map(\.value), kind: .numbers)
        case (let order?, nil):
            if let numbers = Ratings.numericValues(of: order) {
                if let (a, b) = Ratings.sameNumber(order, numbers) {
                    throw Problem(description: "--order lists \"\(a)\" and \"\(b)\", the same number written two ways; write each value one way")
                }
                for i in 1..<numbers.count where numbers[i] <= numbers[i - 1] {
                    throw Problem(description: "--order lists \"\(order[i - 1])\" before \"\(order[i])\", but numeric labels are used as numbers; list them in ascending order or leave --order out")
                }
                return LabelScale(labels: order, values: numbers, kind: .numbers)
            }
            return LabelScale(labels: order, values: order.indices.map(Double.init), kind: .order)
        case (let order?, _?):
            let missing = order.filter { byLabel[$0] == nil }
            if !missing.isEmpty { throw Problem(description: "--values gives no number to \(Self.list(missing)) of --order") }
            let extra = Set(byLabel.keys).subtracting(order)
            if !extra.isEmpty { throw Problem(description: "--values names \(Self.list(extra.sorted())), which --order leaves out") }
            let numbers = order.compactMap { byLabel[$0] }
            for i in 1..<numbers.count where numbers[i] < numbers[i - 1] {
                throw Problem(description: "--values gives \"\(order[i])\" (\(numbers[i])) a smaller number than \"\(order[i - 1])\" (\(numbers[i - 1])), which --order puts before it")
            }
            return LabelScale(labels: order, values: numbers, kind: .numbers)
        }
    }

    /// `a=1,b=2.5` as (label, number) pairs. A label may contain `=`; the number is after
    /// the last one.
    public static func parseValues(_ text: String) throws(Problem) -> [(label: String, value: Double)] {
        var pairs: [(label: String, value: Double)] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let entry = part.trimmingCharacters(in: .whitespaces)
            guard let eq = entry.lastIndex(of: "="), eq != entry.startIndex else {
                throw Problem(description: "--values: \"\(entry)\" is not LABEL=NUMBER")
            }
            let name = String(entry[..<eq]).trimmingCharacters(in: .whitespaces)
            let number = String(entry[entry.index(after: eq)...]).trimmingCharacters(in: .whitespaces)
            guard let value = Ratings.numericValues(of: [number])?.first else {
                throw Problem(description: "--values: \"\(number)\" (for \"\(name)\") is not a number")
            }
            pairs.append((name, value))
        }
        return pairs
    }

    /// 2 rather than 2.0; other numbers as Swift prints them.
    static func number(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(v)
    }

    static func list(_ names: [String]) -> String {
        names.prefix(5).map { "\"\($0)\"" }.joined(separator: ", ") + (names.count > 5 ? " and \(names.count - 5) more" : "")
    }
}

extension Ratings {
    /// These ratings with the numbers of `scale` as label values (`meow agreement PROJECT
    /// --values`): every label must get a number, and every name in the scale must be a label,
    /// so a typo is an error rather than a silently ignored value.
    public func withValues(of scale: LabelScale) throws(LabelScale.Problem) -> Ratings {
        var number: [String: Double] = [:]
        for (name, value) in zip(scale.labels, scale.values) { number[name] = value }
        let missing = labels.filter { number[$0] == nil }
        if !missing.isEmpty { throw LabelScale.Problem(description: "--values gives no number to \(LabelScale.list(missing))") }
        let known = Set(labels)
        let unknown = scale.labels.filter { !known.contains($0) }
        if !unknown.isEmpty { throw LabelScale.Problem(description: "--values names \(LabelScale.list(unknown)), not labels of this project") }
        var copy = self
        copy.labelValues = labels.map { number[$0] ?? 0 }
        copy.labelValueKind = scale.kind
        return copy
    }
}
