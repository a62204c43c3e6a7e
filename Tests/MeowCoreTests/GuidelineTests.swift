import Foundation
import Testing
@testable import MeowCore

@Suite("Guideline parsing and validation")
struct GuidelineTests {
    static let multilabel = """
    ---
    name: tox
    title: Toxicity
    task: multilabel
    overlap: 2
    show: [thread]
    min_labels: 1
    max_labels: 2
    lease_minutes: 5
    labels:
      - value: insult
        hotkey: i
        definition: Insults a person.
        examples: ["you idiot"]
        counter_examples: ["this idea is dumb"]
      - value: threat
        hotkey: t
        definition: Threatens harm.
        examples: ["I know where you live"]
      - value: other
        hotkey: o
        definition: Something else.
        requires_comment: true
      - value: none
        hotkey: n
        definition: Nothing toxic.
        excludes: [insult, threat, other]
    ---

    # Toxicity
    Read the comment.
    """

    @Test func parsesEveryField() throws {
        let g = try Guideline.parse(Self.multilabel)
        #expect(g.name == "tox")
        #expect(g.title == "Toxicity")
        #expect(g.task == .multilabel)
        #expect(g.overlap == 2)
        #expect(g.show == ["thread"])
        #expect(g.minLabels == 1 && g.maxLabels == 2)
        #expect(g.leaseMinutes == 5)
        #expect(g.labels.map(\.value) == ["insult", "threat", "other", "none"])
        #expect(g.labels[0].hotkey == "i")
        #expect(g.labels[0].counterExamples == ["this idea is dumb"])
        #expect(g.labels[2].requiresComment)
        #expect(g.labels[3].excludes == ["insult", "threat", "other"])
        #expect(g.body.hasPrefix("# Toxicity"))
        #expect(g.contentHash == SHA256.hex(Self.multilabel))
    }

    @Test func answersAreCheckedAgainstTheSchema() throws {
        let g = try Guideline.parse(Self.multilabel)
        #expect(try g.validate(labels: ["threat", "insult"], comment: nil) == ["insult", "threat"])
        #expect(throws: AnswerError.unknownLabel("rude", known: ["insult", "threat", "other", "none"])) { try g.validate(labels: ["rude"], comment: nil) }
        #expect(throws: AnswerError.tooManyLabels(given: 3, max: 2)) { try g.validate(labels: ["insult", "threat", "other"], comment: "x") }
        #expect(throws: AnswerError.noLabel) { try g.validate(labels: [], comment: nil) }
        #expect(throws: AnswerError.excluded("none", "insult")) { try g.validate(labels: ["none", "insult"], comment: nil) }
        #expect(throws: AnswerError.commentRequired("other")) { try g.validate(labels: ["other"], comment: "  ") }
        #expect(throws: AnswerError.duplicateLabel("insult")) { try g.validate(labels: ["insult", "insult"], comment: nil) }
    }

    @Test func classifyTakesExactlyOneLabel() throws {
        let text = Self.multilabel.replacingOccurrences(of: "task: multilabel", with: "task: classify")
            .replacingOccurrences(of: "min_labels: 1\n", with: "").replacingOccurrences(of: "max_labels: 2\n", with: "")
            .replacingOccurrences(of: "    excludes: [insult, threat, other]\n", with: "")
        let g = try Guideline.parse(text)
        #expect(throws: AnswerError.tooManyLabels(given: 2, max: 1)) { try g.validate(labels: ["insult", "threat"], comment: nil) }
    }

    func problems(_ text: String) -> [GuidelineProblem] {
        do { _ = try Guideline.parse(text); return [] } catch let e as GuidelineError { return e.problems } catch { return [] }
    }

    @Test func missingFrontMatterAndUnknownKeys() {
        #expect(problems("# just markdown\n").first?.message.contains("first line must be '---'") == true)
        #expect(problems("---\nname: x\n").first?.message.contains("not closed") == true)
        let p = problems("---\nname: x\ntask: classify\nlables: []\nlabels:\n  - {value: a, definition: A}\n  - {value: b, definition: B, colour: red}\n---\n")
        #expect(p.contains { $0.line == 4 && $0.message.hasPrefix("unknown key 'lables'") })
        #expect(p.contains { $0.line == 7 && $0.message.hasPrefix("unknown label key 'colour'") })
    }

    @Test func taskTypeErrors() {
        #expect(problems("---\nname: x\ntask: ranking\nlabels: [{value: a, definition: A}, {value: b, definition: B}]\n---\n")
            .contains { $0.line == 3 && $0.message == "unknown task type 'ranking' (expected classify, multilabel, spans, rate or compare)" })
        #expect(problems("---\nname: x\nlabels: [{value: a, definition: A}, {value: b, definition: B}]\n---\n")
            .contains { $0.message.hasPrefix("missing 'task'") })
    }

    @Test func labelErrors() {
        let p = problems("""
        ---
        name: x
        task: multilabel
        min_labels: 3
        max_labels: 2
        labels:
          - value: a
            hotkey: ab
            definition: A
          - value: b
            hotkey: "1"
            definition: B
            excludes: [zz]
        ---
        """)
        #expect(p.contains { $0.line == 8 && $0.message.contains("must be a single character") })
        #expect(p.contains { $0.line == 11 && $0.message.contains("is a key the labeling screen uses") })
        #expect(p.contains { $0.line == 13 && $0.message == "label 'b' excludes unknown label 'zz'" })
        #expect(p.contains { $0.message == "min_labels (3) is greater than max_labels (2)" })
    }

    @Test func warningsDoNotStopParsing() throws {
        var warnings: [GuidelineProblem] = []
        _ = try Guideline.parse("---\nname: x\ntask: classify\nlabels: [{value: a, definition: A}, {value: b, definition: B}]\n---\n", warnings: &warnings)
        #expect(warnings.contains { $0.message == "label 'a' has no examples" })
        #expect(warnings.contains { $0.message.contains("body is empty") })
    }

    @Test func qualificationRoundSizeIsAPositiveWholeNumberWithinThePool() throws {
        func guideline(_ round: String, items: String = "[{id: q1, text: t1, label: a}, {id: q2, text: t2, label: b}, {id: q3, text: t3, label: a}]") -> String {
            "---\nname: x\ntask: classify\nqualification:\n  items: \(items)\n  round_size: \(round)\nlabels: [{value: a, definition: A}, {value: b, definition: B}]\n---\nBody\n"
        }
        #expect(try Guideline.parse(guideline("2")).enforcement.qualification?.roundSize == 2)
        for bad in ["0", "-1", "1.5", "two"] {
            #expect(problems(guideline(bad)).contains { $0.line == 6 && $0.message == "round_size must be a whole number of items from 1 to 1000" }, "\(bad)")
        }
        #expect(problems(guideline("4")).contains { $0.line == 6 && $0.message == "round_size 4 is larger than the pool: the qualification lists 3 items" })
        // A file's pool is known only once it is read: the check points at round_size in the guideline.
        let q = try #require(try Guideline.parse(guideline("8", items: "q.jsonl")).enforcement.qualification)
        #expect(q.roundSize == 8)
        #expect(throws: Never.self) { try q.checkRoundSize(poolSize: 8, guidelineFile: "g.md") }
        do {
            try q.checkRoundSize(poolSize: 6, guidelineFile: "g.md")
            Issue.record("a round of 8 from a pool of 6 must be refused")
        } catch let e as GuidelineError {
            #expect(e.description == "g.md:6:15: error: round_size 8 is larger than the pool: q.jsonl holds 6 items")
        }
    }

    @Test func crlfAndBOMAreAccepted() throws {
        let text = "\u{FEFF}" + Self.multilabel.replacingOccurrences(of: "\n", with: "\r\n")
        let g = try Guideline.parse(text)
        #expect(g.labels.count == 4)
    }

    /// A change of `number:` alone is a change (it moves interval and ratio agreement), and
    /// changes recorded by an older meow (no `numbersChanged` field) still read.
    @Test func numberChangesAreRecorded() throws {
        let old = try Guideline.parse(Self.multilabel)
        var labels = old.labels
        for i in labels.indices { labels[i].number = Double(i + 1) }
        var new = old
        new.labels = labels
        let c = GuidelineChanges.between(old, new)
        #expect(c.numbersChanged == old.labels.map(\.value) && !c.isEmpty)
        #expect(c.summary.contains { $0.hasPrefix("numbers changed: ") })
        let legacy = #"{"added":["x"],"removed":[],"renamed":[{"from":"a","to":"b"}],"definitionsChanged":[],"bodyChanged":false}"#
        let decoded = try JSONDecoder().decode(GuidelineChanges.self, from: Data(legacy.utf8))
        #expect(decoded.added == ["x"] && decoded.renamed == [.init(from: "a", to: "b")] && decoded.numbersChanged.isEmpty)
    }
}
