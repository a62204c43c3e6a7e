import Foundation

/// The two candidates of a `compare` item, with the prompt they answer.
///
/// Stored as the item's text in one canonical JSON form (`text`), so that the text hash, the
/// duplicate check and the frozen set's hash cover the prompt and both candidates.
public struct ComparePair: Sendable, Equatable {
    public var prompt: String?
    public var a: String
    public var b: String

    public init(prompt: String?, a: String, b: String) {
        self.prompt = prompt; self.a = a; self.b = b
    }

    /// `{"prompt":…,"a":…,"b":…}` with the keys in this order (prompt left out when absent).
    public var text: String {
        var fields: [String] = []
        if let prompt { fields.append("\"prompt\":" + JSONText.quoted(prompt)) }
        fields.append("\"a\":" + JSONText.quoted(a))
        fields.append("\"b\":" + JSONText.quoted(b))
        return "{" + fields.joined(separator: ",") + "}"
    }

    /// The pair stored in an item text; nil when the text is not one.
    public init?(text: String) {
        guard text.hasPrefix("{"),
              let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
              let a = object["a"] as? String, let b = object["b"] as? String else { return nil }
        self.init(prompt: object["prompt"] as? String, a: a, b: b)
    }

    /// The candidate on one side.
    public func candidate(_ side: PairSide) -> String { side == .a ? a : b }
}

/// One of the two candidates, by its name in the data (never by where it was shown).
public enum PairSide: String, Sendable, Equatable, CaseIterable {
    case a, b
    public var other: PairSide { self == .a ? .b : .a }
}

/// A comparison answer, in the data's terms: candidate `a` better, `b` better, a tie, or both
/// bad. The screen shows the candidates in a random order and translates back, so a choice
/// never depends on where a candidate was shown.
public enum PairChoice: String, Sendable, Equatable, CaseIterable {
    case a, b, tie
    case bothBad = "both-bad"

    /// The choice for "the side shown first is better" etc., given which candidate was shown
    /// first: the unswapping every recorded comparison goes through.
    public static func from(shown position: PairPosition, shownFirst: PairSide) -> PairChoice {
        switch position {
        case .first: return shownFirst == .a ? .a : .b
        case .second: return shownFirst == .a ? .b : .a
        case .tie: return .tie
        case .bothBad: return .bothBad
        }
    }
}

/// An answer as the annotator saw it: the first (left or top) side better, the second, tie,
/// both bad.
public enum PairPosition: Sendable, Equatable {
    case first, second, tie, bothBad
}
