/// One annotator scored on the items they labeled, against the final labels or against
/// leave-one-out labels (`HumanAnswers`).
public struct AnnotatorScore: Sendable, Equatable, Encodable {
    public var annotator: String
    /// Answers scored: votes with a guideline label on items of the set (with a reference
    /// label, for leave-one-out). One per item unless the annotator answered an item twice;
    /// then each answer counts.
    public var items: Int
    public var accuracy: Double
    /// Macro-F1 over the labels present in the references of those items.
    public var macroF1: Double?
    /// Leave-one-out only: answers left out because nobody else answered the item; nil for
    /// scores against the final labels.
    public var leftOut: Int?
    /// Leave-one-out only: answers whose other annotators tied, scored against each tied
    /// label with an equal share; nil for scores against the final labels.
    public var splitTies: Int?

    public init(annotator: String, items: Int, accuracy: Double, macroF1: Double?, leftOut: Int? = nil, splitTies: Int? = nil) {
        self.annotator = annotator
        self.items = items
        self.accuracy = accuracy
        self.macroF1 = macroF1
        self.leftOut = leftOut
        self.splitTies = splitTies
    }

    enum Keys: String, CodingKey {
        case annotator, items, accuracy, macroF1 = "macro_f1", leftOut = "left_out", splitTies = "split_ties"
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(annotator, forKey: .annotator)
        try c.encode(items, forKey: .items)
        try c.encode(accuracy, forKey: .accuracy)
        try c.encodeOrNull(macroF1, forKey: .macroF1)
        if let leftOut { try c.encode(leftOut, forKey: .leftOut) }
        if let splitTies { try c.encode(splitTies, forKey: .splitTies) }
    }
}
