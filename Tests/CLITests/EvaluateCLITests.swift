import Foundation
import MeowCore
import Testing

/// `meow baselines --heuristic` and `meow evaluate` on a frozen set small enough to score by hand.
@Suite("meow baselines --heuristic, meow evaluate")
struct EvaluateCLITests {
    static let guideline = """
        ---
        name: small
        title: Small
        task: classify
        overlap: 3
        labels:
          - value: pos
            hotkey: p
            definition: Positive.
            examples: ["great"]
          - value: neg
            hotkey: n
            definition: Negative.
            examples: ["awful"]
          - value: other
            hotkey: o
            definition: Neither.
            examples: ["a chair"]
        ---
        # Small
        Label the sentiment.
        """

    /// Six items; the final labels (majority of a, b, c) are pos, pos, neg, neg, other, neg.
    static let items = [
        ("h1", "I love it"), ("h2", "Great value"), ("h3", "Bad, awful thing"),
        ("h4", "I love how bad it is"), ("h5", "It is a chair"), ("h6", "gloves are ok"),
    ]
    static let answers = [
        ("h1", "pos", "pos", "pos"), ("h2", "pos", "pos", "neg"), ("h3", "neg", "neg", "neg"),
        ("h4", "neg", "pos", "neg"), ("h5", "other", "other", "other"), ("h6", "neg", "neg", "other"),
    ]
    static let rules = """
        default: other
        rules:
          - label: pos
            keywords: [love, great]
          - label: neg
            regex: "(?i)\\\\b(bad|awful)\\\\b"
        """

    let dir: TempDir
    var db: String { dir.path + "/meow.sqlite" }

    init() throws {
        dir = try TempDir()
        _ = try dir.write("g.md", Self.guideline)
        #expect(try Meow.run(["init", "p", "--guideline", "g.md"], in: dir.path).status == 0)
        _ = try dir.write("items.jsonl", Self.items.map { #"{"id":"\#($0.0)","text":"\#($0.1)"}"# }.joined(separator: "\n") + "\n")
        #expect(try Meow.run(["import", "p", "items.jsonl"], in: dir.path).status == 0)
        var rows = ["item,annotator,label"]
        for (item, a, b, c) in Self.answers { rows += ["\(item),a,\(a)", "\(item),b,\(b)", "\(item),c,\(c)"] }
        _ = try dir.write("answers.csv", rows.joined(separator: "\n") + "\n")
        let imported = try Meow.run(["import-annotations", "p", "answers.csv"], in: dir.path)
        #expect(imported.status == 0, "\(imported.stderr)")
        #expect(try Meow.run(["consensus", "p"], in: dir.path).status == 0)
        let f = try Meow.run(["freeze", "p", "--name", "t1", "--size", "6", "--seed", "1"], in: dir.path)
        #expect(f.status == 0, "\(f.stderr)")
        _ = try dir.write("rules.yaml", Self.rules)
    }

    func json(_ r: MeowRun) throws -> [String: Any] {
        #expect(r.status == 0, "\(r.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    }

    /// The heuristic by hand (as in `HeuristicRulesTests.heuristicBaselineByHand`): pos, pos,
    /// neg, pos, other, other against pos, pos, neg, neg, other, neg: accuracy 4/6, macro-F1
    /// (4/5 + 1/2 + 2/3) / 3 = 59/90.
    @Test func heuristicBaselineThroughTheBinary() throws {
        let j = try json(Meow.run(["baselines", "p", "--frozen", "t1", "--heuristic", "rules.yaml", "--json"], in: dir.path))
        let h = try #require(j["heuristic"] as? [String: Any])
        #expect(abs((h["accuracy"] as? Double ?? -1) - 4.0 / 6) < 1e-12)
        #expect(abs((h["macro_f1"] as? Double ?? -1) - 59.0 / 90) < 1e-12)
        #expect(h["file"] as? String == "rules.yaml" && h["defaulted"] as? Int == 2)
        let text = try Meow.run(["baselines", "p", "--heuristic", "rules.yaml"], in: dir.path)
        #expect(text.status == 0 && text.stdout.contains("heuristic (rules.yaml)") && text.stdout.contains("4 of 6 items matched a rule"), "\(text.stdout)")

        _ = try dir.write("bad.yaml", "default: other\nrules:\n  - label: pos\n    keywords: [a]\n  - label: nope\n    regex: \"(x\"\n")
        let bad = try Meow.run(["baselines", "p", "--heuristic", "bad.yaml"], in: dir.path)
        #expect(bad.status == 1 && bad.stdout.isEmpty)
        #expect(bad.stderr.contains("bad.yaml:5: unknown label 'nope'") && bad.stderr.contains("bad.yaml:6: invalid regex"), "\(bad.stderr)")
        let missing = try Meow.run(["baselines", "p", "--heuristic", "nowhere.yaml"], in: dir.path)
        #expect(missing.status == 1 && missing.stderr.contains("nowhere.yaml"))
    }
}
