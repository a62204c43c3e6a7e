/// Every agreement statistic of one set of ratings, computed once.
///
/// Why one report: the coefficients share the same per-item counts, so they
/// are computed from one `AgreementTable` pass instead of regrouping the input for
/// each; the JSON form is what `meow` prints and scripts read, the `text()`
/// form is what a person reads.
///
/// The JSON has exactly these top-level fields: `items`, `annotators`,
/// `annotations` (what alpha used: items with 2 or more answers and their answers),
/// `items_total`, `annotations_total`, `items_single_rated` (single-rated items count in
/// Fleiss' and AC1's category shares), `percent_agreement`, `krippendorff_alpha`
/// {`nominal`, `ordinal`, `interval`, `ratio`}, `weighted_kappa` {`linear`, `quadratic`}
/// (two annotators), `fleiss_kappa`, `gwet_ac1`, `cohen_kappa`, `pairwise`, `per_label`,
/// and with a bootstrap `bootstrap` {`samples`, `seed`, and `alpha_nominal`, `alpha_ordinal`,
/// `alpha_interval`, `alpha_ratio`, each {`low`, `high`} or `null` where alpha is undefined};
/// undefined values are `null`, never omitted. Confusions and the reasons for undefined
/// values are for Swift callers and the text report.
public struct AgreementReport: Sendable, Encodable {
    /// n': pairable items (items with 2 or more annotations).
    public let items: Int
    /// n: items with at least one annotation.
    public let ratedItems: Int
    /// Distinct annotators with at least one annotation in the input.
    public let annotators: Int
    /// Annotations on pairable items (sum of r_i over pairable items).
    public let annotations: Int
    /// Every annotation in the input (single-rated items included).
    public let annotationsTotal: Int
    /// See `Ratings.percentAgreement()`.
    public let percentAgreement: Double?
    /// Krippendorff's alpha per level; see `Ratings.krippendorffAlpha(level:)`.
    public let alphaNominal: Double?
    public let alphaOrdinal: Double?
    public let alphaInterval: Double?
    public let alphaRatio: Double?
    /// See `Ratings.fleissKappa()`.
    public let fleissKappa: Double?
    /// See `Ratings.gwetAC1()`.
    public let gwetAC1: Double?
    /// See `Ratings.cohenKappa()` (exactly two annotators only).
    public let cohenKappa: Double?
    /// See `Ratings.weightedCohenKappa(weights:)`.
    public let linearWeightedKappa: Double?
    public let quadraticWeightedKappa: Double?
    /// See `Ratings.pairwiseAgreement()`.
    public let pairwise: [PairwiseAgreement]
    /// See `Ratings.perLabelAgreement()`.
    public let perLabel: [LabelAgreement]
    /// See `Ratings.labelConfusions()`.
    public let confusions: [LabelConfusion]
    /// Bootstrap 95% intervals of alpha at each level where alpha is defined; see
    /// `Ratings.bootstrapAlpha(level:samples:seed:)`. The same resamples (seed) for every level.
    public let alphaIntervals: [MeasurementLevel: AlphaInterval]
    /// The nominal one of `alphaIntervals`.
    public var alphaNominalInterval: AlphaInterval? { alphaIntervals[.nominal] }
    /// Bootstrap samples requested and the seed used.
    public let bootstrapSamples: Int
    public let bootstrapSeed: UInt64
    /// Why a value is `nil`, keyed by the value's name as in the JSON
    /// (`"krippendorff_alpha.ordinal"`, `"cohen_kappa"`, ...; the extras are
    /// `"krippendorff_alpha.ratio"`, `"weighted_kappa.linear"`,
    /// `"weighted_kappa.quadratic"`, `"bootstrap.alpha_nominal"`, `"bootstrap.alpha_ordinal"`, …).
    public let undefinedReasons: [String: UndefinedReason]
    /// Writes `per_label` as an empty object: for span answers (issue 12) every distinct set
    /// of spans is a "label"; `spans.per_label` has the span labels instead.
    public var omitsPerLabel = false

    /// Computes everything. `bootstrapSamples` = 0 skips the bootstrap.
    public init(_ ratings: Ratings, bootstrapSamples: Int = 1000, seed: UInt64 = 0) {
        // The pairwise pass needs only the grouping: it runs beside the cells and everything
        // computed from them.
        let groups = AgreementTable(groupsOf: ratings)
        let (pairs, (table, estimates, labels, confusions)) = concurrently({ groups.pairwiseAgreement() }, {
            var table = groups
            table.addCells()
            return (table, [
                "percent_agreement": table.percentAgreement(),
                "krippendorff_alpha.nominal": table.krippendorffAlpha(level: .nominal),
                "krippendorff_alpha.ordinal": table.krippendorffAlpha(level: .ordinal),
                "krippendorff_alpha.interval": table.krippendorffAlpha(level: .interval),
                "krippendorff_alpha.ratio": table.krippendorffAlpha(level: .ratio),
                "fleiss_kappa": table.fleissKappa(),
                "gwet_ac1": table.gwetAC1(),
                "cohen_kappa": table.cohenKappa(),
                "weighted_kappa.linear": table.weightedCohenKappa(weights: .linear),
                "weighted_kappa.quadratic": table.weightedCohenKappa(weights: .quadratic),
            ] as [String: AgreementEstimate], table.perLabelAgreement(), table.labelConfusions())
        })
        var reasons: [String: UndefinedReason] = [:]
        items = table.pairableItems
        ratedItems = table.ratedItems
        annotators = table.annotatorsObserved
        annotations = table.pairableAnnotations
        annotationsTotal = ratings.count
        func take(_ name: String) -> Double? {
            guard let estimate = estimates[name] else { return nil }
            if let reason = estimate.reason { reasons[name] = reason }
            return estimate.value
        }
        percentAgreement = take("percent_agreement")
        alphaNominal = take("krippendorff_alpha.nominal")
        alphaOrdinal = take("krippendorff_alpha.ordinal")
        alphaInterval = take("krippendorff_alpha.interval")
        alphaRatio = take("krippendorff_alpha.ratio")
        fleissKappa = take("fleiss_kappa")
        gwetAC1 = take("gwet_ac1")
        cohenKappa = take("cohen_kappa")
        linearWeightedKappa = take("weighted_kappa.linear")
        quadraticWeightedKappa = take("weighted_kappa.quadratic")
        pairwise = pairs
        perLabel = labels
        self.confusions = confusions
        self.bootstrapSamples = bootstrapSamples
        bootstrapSeed = seed
        var intervals: [MeasurementLevel: AlphaInterval] = [:]
        if bootstrapSamples > 0 {
            let points: [MeasurementLevel: Double?] = [.nominal: alphaNominal, .ordinal: alphaOrdinal, .interval: alphaInterval, .ratio: alphaRatio]
            for level in MeasurementLevel.allCases {
                let key = "bootstrap.alpha_\(level.rawValue)"
                guard points[level] ?? nil != nil else {
                    if let why = reasons["krippendorff_alpha.\(level.rawValue)"] { reasons[key] = why }
                    continue
                }
                let outcome = table.bootstrapAlpha(level: level, samples: bootstrapSamples, seed: seed)
                if let interval = outcome.value { intervals[level] = interval }
                if let reason = outcome.reason { reasons[key] = reason }
            }
        }
        alphaIntervals = intervals
        undefinedReasons = reasons
    }

    private enum Keys: String, CodingKey {
        case items, annotators, annotations
        case itemsTotal = "items_total", annotationsTotal = "annotations_total", itemsSingleRated = "items_single_rated"
        case weightedKappa = "weighted_kappa", bootstrap
        case percentAgreement = "percent_agreement"
        case krippendorffAlpha = "krippendorff_alpha"
        case fleissKappa = "fleiss_kappa"
        case gwetAC1 = "gwet_ac1"
        case cohenKappa = "cohen_kappa"
        case pairwise
        case perLabel = "per_label"
    }

    private enum AlphaKeys: String, CodingKey { case nominal, ordinal, interval, ratio }
    private enum WeightedKeys: String, CodingKey { case linear, quadratic }
    private enum BootstrapKeys: String, CodingKey {
        case samples, seed
        case nominal = "alpha_nominal", ordinal = "alpha_ordinal", interval = "alpha_interval", ratio = "alpha_ratio"
    }
    private enum RangeKeys: String, CodingKey { case low, high }

    private enum PairKeys: String, CodingKey {
        case a, b, items
        case cohenKappa = "cohen_kappa"
        case percentAgreement = "percent_agreement"
    }

    private enum LabelKeys: String, CodingKey {
        case count
        case specificAgreement = "specific_agreement"
    }

    private struct NameKey: CodingKey {
        let stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    /// Writes exactly the documented fields; `nil` becomes JSON `null`
    /// (synthesized `Encodable` would drop the key instead).
    public func encode(to encoder: any Encoder) throws {
        var top = encoder.container(keyedBy: Keys.self)
        try top.encode(items, forKey: .items)
        try top.encode(annotators, forKey: .annotators)
        try top.encode(annotations, forKey: .annotations)
        try top.encode(ratedItems, forKey: .itemsTotal)
        try top.encode(annotationsTotal, forKey: .annotationsTotal)
        try top.encode(ratedItems - items, forKey: .itemsSingleRated)
        try top.encodeOrNull(percentAgreement, forKey: .percentAgreement)
        var alpha = top.nestedContainer(keyedBy: AlphaKeys.self, forKey: .krippendorffAlpha)
        try alpha.encodeOrNull(alphaNominal, forKey: .nominal)
        try alpha.encodeOrNull(alphaOrdinal, forKey: .ordinal)
        try alpha.encodeOrNull(alphaInterval, forKey: .interval)
        try alpha.encodeOrNull(alphaRatio, forKey: .ratio)
        var weighted = top.nestedContainer(keyedBy: WeightedKeys.self, forKey: .weightedKappa)
        try weighted.encodeOrNull(linearWeightedKappa, forKey: .linear)
        try weighted.encodeOrNull(quadraticWeightedKappa, forKey: .quadratic)
        if bootstrapSamples > 0 {
            var boot = top.nestedContainer(keyedBy: BootstrapKeys.self, forKey: .bootstrap)
            try boot.encode(bootstrapSamples, forKey: .samples)
            try boot.encode(bootstrapSeed, forKey: .seed)
            for (level, key) in [(MeasurementLevel.nominal, BootstrapKeys.nominal), (.ordinal, .ordinal), (.interval, .interval), (.ratio, .ratio)] {
                if let interval = alphaIntervals[level] {
                    var range = boot.nestedContainer(keyedBy: RangeKeys.self, forKey: key)
                    try range.encode(interval.lower, forKey: .low)
                    try range.encode(interval.upper, forKey: .high)
                } else {
                    try boot.encodeNil(forKey: key)
                }
            }
        }
        try top.encodeOrNull(fleissKappa, forKey: .fleissKappa)
        try top.encodeOrNull(gwetAC1, forKey: .gwetAC1)
        try top.encodeOrNull(cohenKappa, forKey: .cohenKappa)
        var pairs = top.nestedUnkeyedContainer(forKey: .pairwise)
        for pair in pairwise {
            var entry = pairs.nestedContainer(keyedBy: PairKeys.self)
            try entry.encode(pair.a, forKey: .a)
            try entry.encode(pair.b, forKey: .b)
            try entry.encode(pair.items, forKey: .items)
            try entry.encodeOrNull(pair.cohenKappa, forKey: .cohenKappa)
            try entry.encode(pair.percentAgreement, forKey: .percentAgreement)
        }
        var labels = top.nestedContainer(keyedBy: NameKey.self, forKey: .perLabel)
        for label in perLabel where !omitsPerLabel {
            var entry = labels.nestedContainer(keyedBy: LabelKeys.self, forKey: NameKey(stringValue: label.label))
            try entry.encode(label.count, forKey: .count)
            try entry.encodeOrNull(label.specificAgreement, forKey: .specificAgreement)
        }
    }
}
