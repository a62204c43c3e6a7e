import Foundation

/// `meow report --json`: the same data as the HTML page. Written by hand rather than
/// synthesized because the synthesized encoder leaves nil fields out; here every documented
/// key is always present, with `null` for an undefined number.
extension ProjectReport: Encodable {
    enum Keys: String, CodingKey {
        case project, task, guidelineVersion = "guideline_version", generatedAt = "generated_at", items, answers
        case progress, annotators, agreementByVersion = "agreement_by_version", labels, confusion, consensus
        case frozenSets = "frozen_sets"
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(project, forKey: .project)
        try c.encode(task, forKey: .task)
        try c.encode(guidelineVersion, forKey: .guidelineVersion)
        try c.encode(generatedAt, forKey: .generatedAt)
        try c.encode(items, forKey: .items)
        try c.encode(answers, forKey: .answers)
        try c.encode(progress, forKey: .progress)
        try c.encode(annotators, forKey: .annotators)
        try c.encode(agreementByVersion, forKey: .agreementByVersion)
        try c.encode(labels, forKey: .labels)
        try c.encode(confusion, forKey: .confusion)
        try c.encode(consensus, forKey: .consensus)
        try c.encode(frozenSets, forKey: .frozenSets)
    }
}

/// A number that may be undefined, encoded as `null` then (and for a non-finite value, which
/// JSON cannot hold).
private func jsonNumber(_ v: Double?) -> Double? { v.flatMap { $0.isFinite ? $0 : nil } }

extension ProjectReport.Progress: Encodable {
    enum Keys: String, CodingKey { case granularity, buckets }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(granularity, forKey: .granularity)
        try c.encode(buckets, forKey: .buckets)
    }
}

extension ProjectReport.Progress.Bucket: Encodable {
    enum Keys: String, CodingKey { case start, answers, cumulative }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(start, forKey: .start)
        try c.encode(answers, forKey: .answers)
        try c.encode(cumulative, forKey: .cumulative)
    }
}

extension ProjectReport.Annotator: Encodable {
    enum Keys: String, CodingKey {
        case name, answers, timedAnswers = "timed_answers", activeSeconds = "active_seconds", itemsPerHour = "items_per_hour"
        case goldChecks = "gold_checks", goldCorrect = "gold_correct", goldAccuracy = "gold_accuracy", qualification
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(name, forKey: .name)
        try c.encode(answers, forKey: .answers)
        try c.encode(timedAnswers, forKey: .timedAnswers)
        try c.encode(jsonNumber(activeSeconds) ?? 0, forKey: .activeSeconds)
        try c.encode(jsonNumber(itemsPerHour), forKey: .itemsPerHour)
        try c.encode(goldChecks, forKey: .goldChecks)
        try c.encode(goldCorrect, forKey: .goldCorrect)
        try c.encode(jsonNumber(goldAccuracy), forKey: .goldAccuracy)
        try c.encode(qualification, forKey: .qualification)
    }
}

extension ProjectReport.Qualification: Encodable {
    enum Keys: String, CodingKey { case state, round, correct, total, accuracy }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(state, forKey: .state)
        try c.encode(round, forKey: .round)
        try c.encode(correct, forKey: .correct)
        try c.encode(total, forKey: .total)
        try c.encode(jsonNumber(accuracy), forKey: .accuracy)
    }
}

extension ProjectReport.VersionAgreement: Encodable {
    enum Keys: String, CodingKey {
        case version, answers, pairableItems = "pairable_items", alphaNominal = "krippendorff_alpha_nominal", percentAgreement = "percent_agreement"
    }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(version, forKey: .version)
        try c.encode(answers, forKey: .answers)
        try c.encode(pairableItems, forKey: .pairableItems)
        try c.encode(jsonNumber(alphaNominal), forKey: .alphaNominal)
        try c.encode(jsonNumber(percentAgreement), forKey: .percentAgreement)
    }
}

extension ProjectReport.LabelCount: Encodable {
    enum Keys: String, CodingKey { case label, count }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(label, forKey: .label)
        try c.encode(count, forKey: .count)
    }
}

extension ProjectReport.Confusion: Encodable {
    enum Keys: String, CodingKey { case labels, counts, items, pairs }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(labels, forKey: .labels)
        try c.encode(counts, forKey: .counts)
        try c.encode(items, forKey: .items)
        try c.encode(pairs, forKey: .pairs)
    }
}

extension ProjectReport.ConsensusState: Encodable {
    enum Keys: String, CodingKey { case final, disputed, pending }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(final, forKey: .final)
        try c.encode(disputed, forKey: .disputed)
        try c.encode(pending, forKey: .pending)
    }
}

extension ProjectReport.FrozenSetSummary: Encodable {
    enum Keys: String, CodingKey { case name, size, setHash = "set_hash", createdAt = "created_at", createdBy = "created_by" }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(name, forKey: .name)
        try c.encode(size, forKey: .size)
        try c.encode(setHash, forKey: .setHash)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(createdBy, forKey: .createdBy)
    }
}
