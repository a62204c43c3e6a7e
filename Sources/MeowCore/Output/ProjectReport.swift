import Foundation

/// Everything `meow report` shows about a project, as plain data: the store fills it, the
/// HTML page and the JSON output both render it, so the two never disagree. Undefined numbers
/// (an accuracy without checks, alpha without pairable items) are nil, encoded as `null`:
/// never NaN, which JSON cannot carry and a chart cannot draw.
public struct ProjectReport: Sendable, Equatable {
    public var project: String
    public var task: String
    public var guidelineVersion: Int
    /// When the report was made (ISO 8601, UTC).
    public var generatedAt: String
    public var items: Int
    public var answers: Int
    public var progress: Progress
    public var annotators: [Annotator]
    public var agreementByVersion: [VersionAgreement]
    public var labels: [LabelCount]
    public var confusion: Confusion
    public var consensus: ConsensusState
    public var frozenSets: [FrozenSetSummary]

    public init(project: String, task: String, guidelineVersion: Int, generatedAt: String, items: Int, answers: Int,
                progress: Progress, annotators: [Annotator], agreementByVersion: [VersionAgreement], labels: [LabelCount],
                confusion: Confusion, consensus: ConsensusState, frozenSets: [FrozenSetSummary]) {
        self.project = project; self.task = task; self.guidelineVersion = guidelineVersion; self.generatedAt = generatedAt
        self.items = items; self.answers = answers; self.progress = progress; self.annotators = annotators
        self.agreementByVersion = agreementByVersion; self.labels = labels; self.confusion = confusion
        self.consensus = consensus; self.frozenSets = frozenSets
    }

    /// Answers over time, one bucket per hour or per day.
    public struct Progress: Sendable, Equatable {
        public enum Granularity: String, Sendable, Codable { case hour, day }
        public struct Bucket: Sendable, Equatable {
            /// The bucket's start: `2026-11-30` for a day, `2026-11-30T14` for an hour (UTC).
            public var start: String
            public var answers: Int
            /// Answers up to the end of this bucket.
            public var cumulative: Int
            public init(start: String, answers: Int, cumulative: Int) { self.start = start; self.answers = answers; self.cumulative = cumulative }
        }
        public var granularity: Granularity
        public var buckets: [Bucket]
        public init(granularity: Granularity, buckets: [Bucket]) { self.granularity = granularity; self.buckets = buckets }
    }

    /// One annotator's output and accuracy.
    public struct Annotator: Sendable, Equatable {
        public var name: String
        public var answers: Int
        /// Answers with a measured time (the labeling screen measures; imported answers have none).
        public var timedAnswers: Int
        /// Sum of the measured seconds.
        public var activeSeconds: Double
        /// Timed answers per hour of measured time; nil without timed answers.
        public var itemsPerHour: Double?
        /// Gold checks answered (unannounced items with a known answer) and how many were right.
        public var goldChecks: Int
        public var goldCorrect: Int
        public var goldAccuracy: Double? { goldChecks > 0 ? Double(goldCorrect) / Double(goldChecks) : nil }
        /// The latest qualification round: state (`passed`, `failed`, `in_progress`), score.
        public var qualification: Qualification?
        public init(name: String, answers: Int, timedAnswers: Int, activeSeconds: Double, goldChecks: Int, goldCorrect: Int, qualification: Qualification?) {
            self.name = name; self.answers = answers; self.timedAnswers = timedAnswers; self.activeSeconds = activeSeconds
            self.itemsPerHour = timedAnswers > 0 && activeSeconds > 0 ? Double(timedAnswers) * 3600 / activeSeconds : nil
            self.goldChecks = goldChecks; self.goldCorrect = goldCorrect; self.qualification = qualification
        }
    }

    public struct Qualification: Sendable, Equatable {
        public var state: String
        public var round: Int
        public var correct: Int
        public var total: Int
        public var accuracy: Double? { total > 0 ? Double(correct) / Double(total) : nil }
        public init(state: String, round: Int, correct: Int, total: Int) { self.state = state; self.round = round; self.correct = correct; self.total = total }
    }

    /// Agreement among the answers made under one guideline version.
    public struct VersionAgreement: Sendable, Equatable {
        public var version: Int
        public var answers: Int
        /// Items with two or more answers under this version (the ones alpha compares).
        public var pairableItems: Int
        public var alphaNominal: Double?
        public var percentAgreement: Double?
        public init(version: Int, answers: Int, pairableItems: Int, alphaNominal: Double?, percentAgreement: Double?) {
            self.version = version; self.answers = answers; self.pairableItems = pairableItems
            self.alphaNominal = alphaNominal.flatMap { $0.isFinite ? $0 : nil }
            self.percentAgreement = percentAgreement.flatMap { $0.isFinite ? $0 : nil }
        }
    }

    public struct LabelCount: Sendable, Equatable {
        public var label: String
        public var count: Int
        public init(label: String, count: Int) { self.label = label; self.count = count }
    }

    /// Pairs of answers to one item by two annotators: `counts[r][c]` is how many pairs had one
    /// answer `labels[r]` and the other `labels[c]` (symmetric; each pair counted once, so the
    /// diagonal holds the agreeing pairs and an off-diagonal pair appears in both its cells).
    public struct Confusion: Sendable, Equatable {
        public var labels: [String]
        public var counts: [[Int]]
        /// Items with two or more answers.
        public var items: Int
        public var pairs: Int
        public init(labels: [String], counts: [[Int]], items: Int, pairs: Int) { self.labels = labels; self.counts = counts; self.items = items; self.pairs = pairs }
    }

    /// Where the items stand in reconciliation: a final label, a tie waiting for review, or no
    /// consensus run over them yet.
    public struct ConsensusState: Sendable, Equatable {
        public var final: Int
        public var disputed: Int
        public var pending: Int
        public init(final: Int, disputed: Int, pending: Int) { self.final = final; self.disputed = disputed; self.pending = pending }
    }

    public struct FrozenSetSummary: Sendable, Equatable {
        public var name: String
        public var size: Int
        public var setHash: String
        public var createdAt: String
        public var createdBy: String
        public init(name: String, size: Int, setHash: String, createdAt: String, createdBy: String) {
            self.name = name; self.size = size; self.setHash = setHash; self.createdAt = createdAt; self.createdBy = createdBy
        }
    }
}

// MARK: - Building the parts from raw counts (pure, so the store only counts)

extension ProjectReport.Progress {
    /// Buckets from answer counts per hour (`YYYY-MM-DDTHH` keys, as the first 13 characters
    /// of an ISO 8601 time): hourly when the answers span three days or less, else daily. Empty
    /// hours or days between the first and the last are filled with zeros so the chart's x axis
    /// is time, unless that would make more than `maxBuckets` buckets.
    public static func make(perHour: [(hour: String, answers: Int)], maxBuckets: Int = 4000) -> Self {
        let sorted = perHour.filter { $0.answers > 0 }.sorted { $0.hour < $1.hour }
        guard let first = sorted.first, let last = sorted.last else { return Self(granularity: .hour, buckets: []) }
        let span = hoursBetween(first.hour, last.hour)
        let granularity: Granularity = (span.map { $0 <= 72 } ?? false) ? .hour : .day
        var counts: [(String, Int)] = []
        for (hour, n) in sorted {
            let key = granularity == .hour ? hour : String(hour.prefix(10))
            if let i = counts.indices.last, counts[i].0 == key { counts[i].1 += n } else { counts.append((key, n)) }
        }
        if let keys = allKeys(from: counts[0].0, to: counts[counts.count - 1].0, granularity: granularity, limit: maxBuckets) {
            let byKey = Dictionary(counts, uniquingKeysWith: +)
            counts = keys.map { ($0, byKey[$0] ?? 0) }
        }
        var total = 0
        return Self(granularity: granularity, buckets: counts.map { key, n in
            total += n
            return Bucket(start: key, answers: n, cumulative: total)
        })
    }

    private static let utc: Calendar = {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0) ?? c.timeZone
        return c
    }()

    /// `YYYY-MM-DD` or `YYYY-MM-DDTHH` as a date; nil for anything else (a hand-edited row).
    static func date(_ key: String) -> Date? {
        let parts = key.split(whereSeparator: { $0 == "-" || $0 == "T" }).map { Int($0) }
        guard parts.count == 3 || parts.count == 4, parts.allSatisfy({ $0 != nil }) else { return nil }
        let p = parts.compactMap { $0 }
        return utc.date(from: DateComponents(year: p[0], month: p[1], day: p[2], hour: p.count == 4 ? p[3] : 0))
    }

    static func hoursBetween(_ a: String, _ b: String) -> Int? {
        guard let da = date(a), let db = date(b) else { return nil }
        return Int(db.timeIntervalSince(da) / 3600)
    }

    /// Every hour or day from `first` to `last`, or nil when that is too many or a key is not a date.
    static func allKeys(from first: String, to last: String, granularity: Granularity, limit: Int) -> [String]? {
        guard let start = date(first), let end = date(last), end >= start else { return nil }
        let step: Double = granularity == .hour ? 3600 : 86400
        let n = Int((end.timeIntervalSince(start) / step).rounded()) + 1
        guard n <= limit else { return nil }
        return (0..<n).map { i in
            let c = utc.dateComponents([.year, .month, .day, .hour], from: start.addingTimeInterval(Double(i) * step))
            let day = String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
            return granularity == .hour ? day + String(format: "T%02d", c.hour ?? 0) : day
        }
    }
}

extension ProjectReport.Confusion {
    /// The co-occurrence of labels between annotators of one item, over items with two or more
    /// ratings. Labels in the ratings' order (the guideline's), used ones only.
    public static func make(_ r: Ratings) -> Self {
        var byItem: [Int32: [Int32]] = [:]
        for i in 0..<r.count { byItem[r.item[i], default: []].append(r.label[i]) }
        let q = r.labels.count
        var m = Array(repeating: Array(repeating: 0, count: q), count: q)
        var items = 0, pairs = 0
        for labels in byItem.values where labels.count >= 2 {
            items += 1
            for x in 0..<labels.count {
                for y in (x + 1)..<labels.count {
                    let a = Int(labels[x]), b = Int(labels[y])
                    m[a][b] += 1
                    if a != b { m[b][a] += 1 }
                    pairs += 1
                }
            }
        }
        let used = (0..<q).filter { c in m[c].contains { $0 > 0 } }
        return Self(labels: used.map { r.labels[$0] }, counts: used.map { c in used.map { m[c][$0] } }, items: items, pairs: pairs)
    }
}

extension ProjectReport.VersionAgreement {
    /// Nominal alpha and percent agreement over one version's ratings.
    public static func make(version: Int, ratings: Ratings) -> Self {
        var perItem: [Int32: Int] = [:]
        for i in ratings.item { perItem[i, default: 0] += 1 }
        return Self(version: version, answers: ratings.count, pairableItems: perItem.values.filter { $0 >= 2 }.count,
                    alphaNominal: ratings.krippendorffAlpha(level: .nominal), percentAgreement: ratings.percentAgreement())
    }
}

extension ProjectReport.LabelCount {
    /// Counts of the labels in stored answers (`label` column text with its count): a
    /// multi-label answer counts once for each label, a spans answer once for each span's label,
    /// a rating or a choice as its value. Labels renamed in a later guideline version count
    /// under their new name (`renames`). The guideline's labels come first, in its order.
    public static func make(columns: [(column: String, count: Int)], task: Guideline.Task, order: [String],
                            renames: [String: String] = [:]) -> [Self] {
        var counts: [String: Int] = [:]
        for (column, n) in columns {
            let parts: [String]
            switch AnswerValue(column: column, task: task) {
            case .labels(let l)?: parts = l
            case .spans(let s)?: parts = s.map(\.label)
            case .rating(let v)?: parts = [String(v)]
            case .choice(let c, _)?: parts = [c.rawValue]
            case nil: parts = [column]
            }
            for p in parts { counts[renames[p] ?? p, default: 0] += n }
        }
        let rank = Dictionary(order.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        return counts.map { Self(label: $0.key, count: $0.value) }.sorted {
            switch (rank[$0.label], rank[$1.label]) {
            case let (a?, b?): return a < b
            case (_?, nil): return true
            case (nil, _?): return false
            case (nil, nil): return $0.count != $1.count ? $0.count > $1.count : $0.label < $1.label
            }
        }
    }
}
