/// Reference points for a frozen label set: what chance, the majority class
/// and the humans themselves score against the final labels. A model that
/// does not beat `majorityClass` has learned nothing; one near `humanMean` is
/// as good as the labels can show.
public struct BaselineReport: Sendable, Equatable, Codable {
    /// N, the items with a final label from `labels`.
    public var items: Int
    /// The guideline's labels: the label set of the chance baselines' macro-F1.
    public var labels: [String]
    /// Expected score of guessing uniformly at random (g_k = 1/q).
    public var uniformRandom: ScoreCard
    /// Expected score of guessing by the gold label prior (g_k = p_k).
    public var priorRandom: ScoreCard
    /// Score of always answering `majorityLabel`.
    public var majorityClass: ScoreCard
    /// The most frequent final label (ties broken by label order).
    public var majorityLabel: String
    /// Every annotator with at least one scored answer, sorted by name.
    public var annotators: [AnnotatorScore]
    /// Unweighted mean over `annotators` of accuracy and of macro-F1 (the
    /// latter over annotators whose macro-F1 is defined); `nil` without annotators.
    public var humanMean: ScoreCard?

    public init(
        items: Int, labels: [String], uniformRandom: ScoreCard, priorRandom: ScoreCard,
        majorityClass: ScoreCard, majorityLabel: String, annotators: [AnnotatorScore], humanMean: ScoreCard?
    ) {
        self.items = items
        self.labels = labels
        self.uniformRandom = uniformRandom
        self.priorRandom = priorRandom
        self.majorityClass = majorityClass
        self.majorityLabel = majorityLabel
        self.annotators = annotators
        self.humanMean = humanMean
    }
}
