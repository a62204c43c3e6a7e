/// Reference points for a frozen label set: what chance, the majority class, a simple
/// heuristic and the humans themselves score against the final labels. A model that does not
/// beat `majorityClass` has learned nothing; one near the human baseline is as good as the
/// labels can show.
public struct BaselineReport: Sendable, Equatable, Encodable {
    /// The frozen set's name, when the report is about one.
    public var frozenSet: String?
    /// N, the items with a final label from `labels`.
    public var items: Int
    /// The guideline's labels (the uniform guesser picks among all of them).
    public var labels: [String]
    /// The labels macro-F1 averages over: those present in the final labels (`ConfusionCounts`).
    public var scoredLabels: [String]
    /// How the random baselines were computed: "exact" (`RandomGuess`).
    public var randomMethod: String
    /// Expected score of guessing uniformly at random (g_k = 1/q).
    public var uniformRandom: ScoreCard
    /// Expected score of guessing by the gold label prior (g_k = N_k / N).
    public var priorRandom: ScoreCard
    /// Score of always answering a most frequent label.
    public var majorityClass: ScoreCard
    /// The most frequent final labels: more than one when they tie (each scores the same).
    public var majorityLabels: [String]
    /// The rule set's score, when one was given.
    public var heuristic: HeuristicBaseline?
    /// Each annotator against leave-one-out labels: the human baseline.
    public var humanLeaveOneOut: HumanBaseline
    /// Each annotator against the final labels they helped make: optimistic, kept for
    /// comparison with earlier reports.
    public var humanAgainstFinal: HumanBaseline

    public init(frozenSet: String? = nil, items: Int, labels: [String], scoredLabels: [String], randomMethod: String,
                uniformRandom: ScoreCard, priorRandom: ScoreCard, majorityClass: ScoreCard, majorityLabels: [String],
                heuristic: HeuristicBaseline? = nil, humanLeaveOneOut: HumanBaseline, humanAgainstFinal: HumanBaseline) {
        self.frozenSet = frozenSet
        self.items = items
        self.labels = labels
        self.scoredLabels = scoredLabels
        self.randomMethod = randomMethod
        self.uniformRandom = uniformRandom
        self.priorRandom = priorRandom
        self.majorityClass = majorityClass
        self.majorityLabels = majorityLabels
        self.heuristic = heuristic
        self.humanLeaveOneOut = humanLeaveOneOut
        self.humanAgainstFinal = humanAgainstFinal
    }

    enum Keys: String, CodingKey {
        case frozenSet = "frozen_set", items, labels, scoredLabels = "f1_labels", randomMethod = "random_method"
        case uniformRandom = "uniform_random", priorRandom = "prior_random", majorityClass = "majority_class"
        case heuristic, human
    }
    enum MajorityKeys: String, CodingKey { case accuracy, macroF1 = "macro_f1", labels }
    enum HumanKeys: String, CodingKey { case leaveOneOut = "leave_one_out", againstFinal = "against_final_labels" }

    /// The JSON of `meow baselines --json` (documented in the README); undefined values are null.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encodeOrNull(frozenSet, forKey: .frozenSet)
        try c.encode(items, forKey: .items)
        try c.encode(labels, forKey: .labels)
        try c.encode(scoredLabels, forKey: .scoredLabels)
        try c.encode(randomMethod, forKey: .randomMethod)
        try c.encode(uniformRandom, forKey: .uniformRandom)
        try c.encode(priorRandom, forKey: .priorRandom)
        var m = c.nestedContainer(keyedBy: MajorityKeys.self, forKey: .majorityClass)
        try m.encode(majorityClass.accuracy, forKey: .accuracy)
        try m.encodeOrNull(majorityClass.macroF1, forKey: .macroF1)
        try m.encode(majorityLabels, forKey: .labels)
        try c.encodeOrNull(heuristic, forKey: .heuristic)
        var h = c.nestedContainer(keyedBy: HumanKeys.self, forKey: .human)
        try h.encode(humanLeaveOneOut, forKey: .leaveOneOut)
        try h.encode(humanAgainstFinal, forKey: .againstFinal)
    }
}

/// The annotators' scores and their mean, against one kind of reference.
public struct HumanBaseline: Sendable, Equatable, Encodable {
    /// Every annotator with at least one scored answer, sorted by name.
    public var annotators: [AnnotatorScore]
    /// Unweighted mean over `annotators` of accuracy and of macro-F1 (the latter over
    /// annotators whose macro-F1 is defined); nil without annotators.
    public var mean: ScoreCard?
    /// Leave-one-out only: answers left out in all (nobody else answered the item).
    public var leftOut: Int?
    /// Leave-one-out only: answers scored against a tie of the others, split evenly.
    public var splitTies: Int?

    public init(annotators: [AnnotatorScore], mean: ScoreCard?, leftOut: Int? = nil, splitTies: Int? = nil) {
        self.annotators = annotators
        self.mean = mean
        self.leftOut = leftOut
        self.splitTies = splitTies
    }

    enum Keys: String, CodingKey { case accuracy, macroF1 = "macro_f1", leftOut = "left_out", splitTies = "split_ties", annotators }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encodeOrNull(mean?.accuracy, forKey: .accuracy)
        try c.encodeOrNull(mean?.macroF1, forKey: .macroF1)
        if let leftOut { try c.encode(leftOut, forKey: .leftOut) }
        if let splitTies { try c.encode(splitTies, forKey: .splitTies) }
        try c.encode(annotators, forKey: .annotators)
    }
}

/// A rule set's score as a baseline, with how often each rule decided.
public struct HeuristicBaseline: Sendable, Equatable, Encodable {
    /// One rule: its label, its line in the file, and the items it decided.
    public struct RuleUse: Sendable, Equatable, Encodable {
        public var label: String
        public var line: Int
        public var matched: Int
    }
    /// The rules file, when the report is about one.
    public var file: String?
    public var score: ScoreCard
    public var defaultLabel: String
    /// Items no rule matched.
    public var defaulted: Int
    public var rules: [RuleUse]

    public init(file: String? = nil, score: ScoreCard, defaultLabel: String, defaulted: Int, rules: [RuleUse]) {
        self.file = file
        self.score = score
        self.defaultLabel = defaultLabel
        self.defaulted = defaulted
        self.rules = rules
    }

    enum Keys: String, CodingKey { case file, accuracy, macroF1 = "macro_f1", defaultLabel = "default", defaulted, rules }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encodeOrNull(file, forKey: .file)
        try c.encode(score.accuracy, forKey: .accuracy)
        try c.encodeOrNull(score.macroF1, forKey: .macroF1)
        try c.encode(defaultLabel, forKey: .defaultLabel)
        try c.encode(defaulted, forKey: .defaulted)
        try c.encode(rules, forKey: .rules)
    }
}
