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
    /// The answer is of another kind than the task's (a rating for a spans task, …).
    case wrongKind(task: Guideline.Task)
    case spanOutsideText(Span, length: Int)
    case emptySpan(Span)
    case spanOffTokens(Span)
    case overlappingSpans(Span, Span)
    case duplicateSpan(Span)
    case ratingOffScale(Int, scale: [Int])
    case choiceNotAllowed(String, allowed: [String])
    /// Text that is not an answer of the task's kind at all (`3.0` for a rating, `0-5` for spans).
    case unreadable(String, task: Guideline.Task, scale: [Int])

    public var description: String {
        switch self {
        case .unknownLabel(let l, let known): return "unknown label '\(l)' (the guideline's labels: \(known.joined(separator: ", ")))"
        case .noLabel: return "no label given"
        case .tooManyLabels(let g, let m): return m == 1 ? "this is a single-label task: give exactly one label (got \(g))" : "at most \(m) labels per item (got \(g))"
        case .tooFewLabels(let g, let m): return "at least \(m) labels per item (got \(g))"
        case .duplicateLabel(let l): return "label '\(l)' given twice"
        case .excluded(let a, let b): return "labels '\(a)' and '\(b)' exclude each other"
        case .commentRequired(let l): return "label '\(l)' requires a comment saying why"
        case .wrongKind(let task): return "this is a \(task.rawValue) task: " + Self.kindHint(task)
        case .spanOutsideText(let s, let n): return "span \(s.column) is outside the text (\(n) characters: offsets 0 to \(n))"
        case .emptySpan(let s): return "span \(s.column) is empty (end must be after start)"
        case .spanOffTokens(let s): return "span \(s.column) does not start and end on word boundaries (the guideline snaps spans to tokens)"
        case .overlappingSpans(let a, let b): return "spans \(a.column) and \(b.column) overlap, which the guideline does not allow"
        case .duplicateSpan(let s): return "span \(s.column) given twice"
        case .ratingOffScale(let n, let scale): return "rating \(n) is not on the scale (\(scale.map(String.init).joined(separator: ", ")))"
        case .unreadable(let text, let task, let scale):
            switch task {
            case .rate: return "'\(text)' is not a point of the scale (\(scale.map(String.init).joined(separator: ", ")))"
            case .spans: return "'\(text)' is not spans written START:END:LABEL, separated by commas"
            case .compare: return "'\(text)' is not a choice (a, b, tie, both-bad)"
            case .classify, .multilabel: return "'\(text)' is not a label answer"
            }
        case .choiceNotAllowed(let c, let allowed): return "choice '\(c)' is not allowed (the guideline's choices: \(allowed.joined(separator: ", ")))"
        }
    }
}

extension AnswerError {
    static func kindHint(_ task: Guideline.Task) -> String {
        switch task {
        case .classify, .multilabel: return "answer with labels"
        case .spans: return "answer with spans (START:END:LABEL) or none"
        case .rate: return "answer with a rating"
        case .compare: return "answer with a choice (a, b, tie, both-bad)"
        }
    }
}

extension Guideline {
    /// The answer a label-column text holds for this task (as files and reviewers write it),
    /// refused with a message naming the text when it is none.
    public func answer(column text: String) throws(AnswerError) -> AnswerValue {
        guard let value = AnswerValue(column: text, task: task) else {
            throw .unreadable(TerminalText.safeInline(String(text.prefix(80))), task: task, scale: scale)
        }
        return value
    }

    /// Checks any answer against the schema and returns its canonical form (labels in
    /// guideline order, spans in text order). `text` is the item's text, which spans are
    /// checked against (offsets in code points).
    public func validate(_ value: AnswerValue, comment: String?, text: String) throws(AnswerError) -> AnswerValue {
        switch (task, value) {
        case (.classify, .labels(let l)), (.multilabel, .labels(let l)):
            return .labels(try validate(labels: l, comment: comment))
        case (.spans, .spans(let spans)):
            return .spans(try validate(spans: spans, comment: comment, text: text))
        case (.rate, .rating(let n)):
            guard scale.contains(n) else { throw .ratingOffScale(n, scale: scale) }
            return value
        case (.compare, .choice(let c, _)):
            guard label(c.rawValue) != nil else { throw .choiceNotAllowed(c.rawValue, allowed: labels.map(\.value)) }
            return value
        default:
            throw .wrongKind(task: task)
        }
    }

    /// Spans: known labels, inside the text, not empty, not twice, on token boundaries and
    /// not overlapping when the guideline says so, a comment where a label requires one.
    public func validate(spans given: [Span], comment: String?, text: String) throws(AnswerError) -> [Span] {
        let tokens = TextTokens(text)
        let spans = given.sorted()
        for s in spans {
            guard let l = label(s.label) else { throw .unknownLabel(s.label, known: labels.map(\.value)) }
            guard s.start < s.end else { throw .emptySpan(s) }
            guard s.start >= 0, s.end <= tokens.length else { throw .spanOutsideText(s, length: tokens.length) }
            if spanRules.snapToTokens, !tokens.isOnBoundaries(start: s.start, end: s.end) { throw .spanOffTokens(s) }
            if l.requiresComment, (comment ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { throw .commentRequired(s.label) }
        }
        for (a, b) in zip(spans, spans.dropFirst()) {
            if a == b { throw .duplicateSpan(b) }
        }
        if !spanRules.allowOverlap {
            // Sorted by start: a span overlapping any earlier one overlaps the one reaching furthest.
            var furthest: Span?
            for s in spans {
                if let f = furthest, f.overlaps(s) { throw .overlappingSpans(f, s) }
                if furthest.map({ s.end > $0.end }) ?? true { furthest = s }
            }
        }
        return spans
    }

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
            for ex in label(l)?.excludes ?? [] where seen.contains(ex) { throw .excluded(l, ex) }
        }
        let hasComment = !(comment ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
        for l in given where label(l)?.requiresComment == true && !hasComment { throw .commentRequired(l) }
        return labels.map(\.value).filter(seen.contains)
    }
}
