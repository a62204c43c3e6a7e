/// One annotator scored against the final labels on the items they labeled.
public struct AnnotatorScore: Sendable, Equatable, Codable {
    public var annotator: String
    /// Answers scored: votes with a guideline label on items that have a
    /// final label (one per item unless the annotator answered an item twice;
    /// then each answer counts).
    public var items: Int
    public var accuracy: Double
    /// Macro-F1 over the labels present in the final labels or the
    /// annotator's answers on those items.
    public var macroF1: Double?

    public init(annotator: String, items: Int, accuracy: Double, macroF1: Double?) {
        self.annotator = annotator
        self.items = items
        self.accuracy = accuracy
        self.macroF1 = macroF1
    }
}
