/// What an answer says, whatever the task. Today labels (one for `classify`, several for
/// `multilabel`); spans, a rating and a pairwise choice are the cases the next task types add.
public enum AnswerValue: Sendable, Equatable, Hashable {
    /// Labels in guideline order.
    case labels([String])

    /// The labels, for tasks whose answers are labels.
    public var labels: [String] {
        switch self { case .labels(let l): return l }
    }

    /// The text of the `label` column that agreement, consensus and exports read: labels
    /// joined by commas. A label value never holds a comma (the guideline parser refuses one),
    /// so the text splits back exactly; this pair is the only place that joins or splits it.
    public var labelColumn: String { labels.joined(separator: ",") }

    /// The labels of a stored `label` column.
    public static func labels(inColumn text: String) -> [String] {
        text.split(separator: ",", omittingEmptySubsequences: true).map(String.init)
    }

    /// The JSON kept in the `value` column beside the label: `{"labels":[...]}` for labels,
    /// the form later answer kinds extend with their own key.
    public var json: String {
        switch self {
        case .labels(let l): return "{\"labels\":[" + l.map(JSONText.quoted).joined(separator: ",") + "]}"
        }
    }
}

/// One annotator's answer to one item, as the screen builds it and the store records it.
public struct Answer: Sendable, Equatable {
    public var value: AnswerValue
    public var comment: String?
    public var unsure: Bool
    /// Why the annotator is unsure (optional).
    public var unsureNote: String?
    /// Seconds the annotator spent on the item, when known (the labeling screen knows).
    public var seconds: Double?

    public var labels: [String] { value.labels }

    public init(labels: [String], comment: String? = nil, unsure: Bool = false, unsureNote: String? = nil, seconds: Double? = nil) {
        self.init(value: .labels(labels), comment: comment, unsure: unsure, unsureNote: unsureNote, seconds: seconds)
    }

    public init(value: AnswerValue, comment: String? = nil, unsure: Bool = false, unsureNote: String? = nil, seconds: Double? = nil) {
        self.value = value; self.comment = comment; self.unsure = unsure; self.unsureNote = unsureNote; self.seconds = seconds
    }
}
