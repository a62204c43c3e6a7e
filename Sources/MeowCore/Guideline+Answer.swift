import Foundation

/// Why an answer was refused, naming the rule. One place for the CLI and the labeling screen.
public enum AnswerError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownLabel(String, known: [String])
    case noLabel
    case tooManyLabels(given: Int, max: Int)
    case tooFewLabels(given: Int, min: Int)
    case duplicateLabel(String)
    case excluded(String, String)
    case commentRequired(String)

    public var description: String {
        switch self {
        case .unknownLabel(let l, let known): return "unknown label '\(l)' (the guideline's labels: \(known.joined(separator: ", ")))"
        case .noLabel: return "no label given"
        case .tooManyLabels(let g, let m): return m == 1 ? "this is a single-label task: give exactly one label (got \(g))" : "at most \(m) labels per item (got \(g))"
        case .tooFewLabels(let g, let m): return "at least \(m) labels per item (got \(g))"
        case .duplicateLabel(let l): return "label '\(l)' given twice"
        case .excluded(let a, let b): return "labels '\(a)' and '\(b)' exclude each other"
        case .commentRequired(let l): return "label '\(l)' requires a comment saying why"
        }
    }
}

extension Guideline {
    /// Checks an answer against the schema: labels exist, counts, exclusions, required comments.
    /// Returns the labels in guideline order (so stored answers are canonical).
    public func validate(labels given: [String], comment: String?) throws(AnswerError) -> [String] {
        guard !given.isEmpty else { throw .noLabel }
        var seen = Set<String>()
        for l in given {
            guard label(l) != nil else { throw .unknownLabel(l, known: labels.map(\.value)) }
            guard seen.insert(l).inserted else { throw .duplicateLabel(l) }
        }
        if given.count > maxLabels { throw .tooManyLabels(given: given.count, max: maxLabels) }
        if given.count < minLabels { throw .tooFewLabels(given: given.count, min: minLabels) }
        for l in given {
            for ex in label(l)!.excludes where seen.contains(ex) { throw .excluded(l, ex) }
        }
        let hasComment = !(comment ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        for l in given where label(l)!.requiresComment && !hasComment { throw .commentRequired(l) }
        return labels.map(\.value).filter(seen.contains)
    }
}
