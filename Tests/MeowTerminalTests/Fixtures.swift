import Foundation
import MeowCore
@testable import MeowTerminal

enum Fixtures {
    static let classify = try! Guideline.parse("""
    ---
    name: s
    title: Review sentiment
    task: classify
    overlap: 2
    show: [product]
    labels:
      - {value: positive, hotkey: p, definition: Satisfied., examples: ["Love it"], counter_examples: ["Love it... not"]}
      - {value: negative, hotkey: n, definition: Dissatisfied., examples: ["Broke"]}
      - {value: other, hotkey: o, definition: Not a review; say why., requires_comment: true}
    ---
    # Sentiment
    Decide how the reviewer feels about the product.

    ## When unsure
    Flag it with f and write why.
    """)

    /// The classify fixture with a fourth label, as a guideline update would bring it.
    static let classifyV2 = try! Guideline.parse(classify.source.replacingOccurrences(
        of: "---\n# Sentiment", with: "  - {value: mixed, hotkey: m, definition: Both satisfied and not.}\n---\n# Sentiment"))

    static let multilabel = try! Guideline.parse("""
    ---
    name: t
    title: Toxicity
    task: multilabel
    overlap: 2
    min_labels: 1
    max_labels: 2
    labels:
      - {value: insult, hotkey: i, definition: Insult.}
      - {value: threat, hotkey: t, definition: Threat.}
      - {value: profanity, hotkey: p, definition: Swearing.}
      - {value: none, hotkey: n, definition: Nothing toxic., excludes: [insult, threat, profanity]}
    ---
    Body
    """)

    static let spans = try! Guideline.parse("""
    ---
    name: ner
    title: Entities in news
    task: spans
    overlap: 2
    labels:
      - {value: PER, hotkey: p, definition: A person.}
      - {value: LOC, hotkey: l, definition: A place.}
      - {value: ORG, hotkey: o, definition: An organisation.}
    ---
    Mark people, places and organisations.
    """)

    static let spansOverlapping = try! Guideline.parse(spans.source.replacingOccurrences(of: "overlap: 2\n", with: "overlap: 2\nspans: {allow_overlap: true}\n"))

    static let rate = try! Guideline.parse("""
    ---
    name: helpful
    title: Helpfulness
    task: rate
    overlap: 2
    scale:
      - {value: 1, name: Useless, definition: Does not answer the question.}
      - {value: 2, name: Weak, definition: "Answers part of it, with errors."}
      - {value: 3, name: Fair, definition: Answers it with gaps.}
      - {value: 4, name: Good, definition: Answers it correctly.}
      - {value: 5, name: Excellent, definition: "Correct, complete and clear."}
    ---
    Rate how helpful the answer is.
    """)

    static let compare = try! Guideline.parse("""
    ---
    name: prefs
    title: Which answer is better
    task: compare
    overlap: 2
    ---
    Choose the better answer.
    """)

    static let pairText = ComparePair(prompt: "How do I boil an egg?",
                                      a: "Put the egg in boiling water for nine minutes, then cool it in cold water.",
                                      b: "Eggs are a good source of protein.").text

    static let newsText = "Barack Obama visited Berlin with Angela Merkel on Monday."

    static func state(_ g: Guideline = classify, width: Int = 80, height: Int = 24, text: String = "Great kettle, boils fast.") -> LabelingState {
        var s = LabelingState(project: "reviews", annotator: "alice", guideline: g, width: width, height: height, now: Date(timeIntervalSince1970: 0))
        s.apply(.loaded(ScreenItem(id: "r1", text: text, fields: [("product", "Kettle")]), Progress(mine: 3, teamDone: 10, teamTotal: 40), canUndo: true),
                now: Date(timeIntervalSince1970: 100))
        return s
    }
}

extension LabelingState {
    /// Presses a key string; returns all effects in order.
    mutating func press(_ keys: String, now: Date = Date(timeIntervalSince1970: 110)) -> [Effect] {
        Key.sequence(keys).flatMap { handle($0, now: now) }
    }
}
