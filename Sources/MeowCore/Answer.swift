/// What an answer says, whatever the task: labels (one for `classify`, several for
/// `multilabel`), labeled spans of the text, a rating on the guideline's scale, or a choice
/// between two candidates.
public enum AnswerValue: Sendable, Equatable, Hashable {
    /// Labels in guideline order.
    case labels([String])
    /// Spans in text order (`Span.<`); none is a valid answer ("nothing to mark").
    case spans([Span])
    /// A point of the rating scale.
    case rating(Int)
    /// The better candidate in the data's terms, and which candidate was shown first (left
    /// or top) when known, so position bias can be measured.
    case choice(PairChoice, shownFirst: PairSide?)

    /// The labels, for tasks whose answers are labels; empty otherwise.
    public var labels: [String] {
        if case .labels(let l) = self { return l }
        return []
    }

    /// The text of the `label` column that agreement, consensus and exports read: labels
    /// joined by commas; spans as `start:end:label` joined by commas; the rating's digits; the
    /// choice (`a`, `b`, `tie`, `both-bad`). A label value never holds a comma (the guideline
    /// parser refuses one), so the text splits back exactly (`init(column:task:)`). Equal
    /// columns are equal answers, which is what item-level agreement and majority vote compare.
    public var labelColumn: String {
        switch self {
        case .labels(let l): return l.joined(separator: ",")
        case .spans(let spans): return spans.map(\.column).joined(separator: ",")
        case .rating(let n): return String(n)
        case .choice(let c, _): return c.rawValue
        }
    }

    /// The labels of a stored `label` column.
    public static func labels(inColumn text: String) -> [String] {
        text.split(separator: ",", omittingEmptySubsequences: true).map(String.init)
    }

    /// The answer a stored `label` column holds for a task; nil when it is not one.
    /// (`shownFirst` is not in the column; it is in the `value` JSON.)
    public init?(column text: String, task: Guideline.Task) {
        switch task {
        case .classify, .multilabel:
            self = .labels(Self.labels(inColumn: text))
        case .spans:
            var spans: [Span] = []
            for part in text.split(separator: ",", omittingEmptySubsequences: true) {
                guard let span = Span(column: part) else { return nil }
                spans.append(span)
            }
            self = .spans(spans.sorted())
        case .rate:
            guard let n = Int(text) else { return nil }
            self = .rating(n)
        case .compare:
            guard let c = PairChoice(rawValue: text) else { return nil }
            self = .choice(c, shownFirst: nil)
        }
    }

    /// The JSON kept in the `value` column beside the label: `{"labels":[...]}`,
    /// `{"spans":[{"start":0,"end":5,"label":"PER"}]}`, `{"rating":4}`, or
    /// `{"choice":"a","shown_first":"b"}` (`shown_first` left out when unknown).
    public var json: String {
        switch self {
        case .labels(let l): return "{\"labels\":[" + l.map(JSONText.quoted).joined(separator: ",") + "]}"
        case .spans(let spans):
            return "{\"spans\":[" + spans.map { "{\"start\":\($0.start),\"end\":\($0.end),\"label\":" + JSONText.quoted($0.label) + "}" }
                .joined(separator: ",") + "]}"
        case .rating(let n): return "{\"rating\":\(n)}"
        case .choice(let c, let first):
            return "{\"choice\":\"\(c.rawValue)\"" + (first.map { ",\"shown_first\":\"\($0.rawValue)\"" } ?? "") + "}"
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
