/// How often annotators prefer the candidate they were shown first (left or top).
///
/// Only decisive answers count (`a` or `b` better, with the side shown first recorded): a tie
/// or "both bad" prefers no position. Without position bias the rate is near 0.5, since each
/// annotator sees each item's sides in a random order (Zheng et al. 2023, "Judging
/// LLM-as-a-judge", measure the same "position consistency" for model judges).
public struct PositionBias: Sendable, Equatable {
    /// Decisive answers with the side shown first known.
    public private(set) var decisive = 0
    /// Of those, answers preferring the side shown first.
    public private(set) var preferredFirst = 0
    /// Answers that could not count: ties, both bad, or no side recorded.
    public private(set) var notCounted = 0

    public init() {}

    public mutating func add(_ choice: PairChoice, shownFirst: PairSide?) {
        guard let first = shownFirst, choice == .a || choice == .b else { notCounted += 1; return }
        decisive += 1
        if choice.rawValue == first.rawValue { preferredFirst += 1 }
    }

    /// preferredFirst / decisive; nil without decisive answers.
    public var rate: Double? { decisive > 0 ? Double(preferredFirst) / Double(decisive) : nil }
}
