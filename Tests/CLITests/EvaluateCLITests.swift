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

    /// As `ModelEvaluationTests.sixItemsByHand`: predictions pos, neg, neg, neg, pos and none
    /// for h6 against pos, pos, neg, neg, other, neg: accuracy 3/6, macro-F1 (1/2 + 2/3 + 0) / 3
    /// = 7/18; against always 'neg' (1/2, 2/9): +0 and +1/6; against the heuristic (4/6,
    /// 59/90): -1/6 and -4/15.
    @Test func evaluateByHandThroughTheBinary() throws {
        _ = try dir.write("preds.jsonl", [("h1", "pos"), ("h2", "neg"), ("h3", "neg"), ("h4", "neg"), ("h5", "pos")]
            .map { #"{"item":"\#($0.0)","label":"\#($0.1)","score":0.5}"# }.joined(separator: "\n") + "\n")
        _ = try dir.write("preds.csv", "item,label\nh1,pos\nh2,neg\nh3,neg\nh4,neg\nh5,pos\n")
        for file in ["preds.jsonl", "preds.csv"] {
            let j = try json(Meow.run(["evaluate", "p", "--frozen", "t1", "--predictions", file, "--heuristic", "rules.yaml",
                                       "--bootstrap", "200", "--seed", "3", "--json"], in: dir.path))
            #expect(abs(((j["accuracy"] as? [String: Any])?["value"] as? Double ?? -1) - 0.5) < 1e-12)
            #expect(abs(((j["macro_f1"] as? [String: Any])?["value"] as? Double ?? -1) - 7.0 / 18) < 1e-12)
            #expect(j["missing"] as? Int == 1 && j["missing_items"] as? [String] == ["h6"] && j["frozen_set"] as? String == "t1")
            #expect((j["set_hash"] as? String)?.count == 64)
            #expect((j["bootstrap"] as? [String: Any])?["samples"] as? Int == 200)
            let baselines = try #require(j["baselines"] as? [[String: Any]])
            #expect(baselines.compactMap { $0["name"] as? String } == ["uniform_random", "prior_random", "majority_class", "heuristic", "human_leave_one_out"])
            func difference(_ name: String, _ key: String) -> Double? {
                (baselines.first { $0["name"] as? String == name }?[key] as? [String: Any])?["value"] as? Double
            }
            #expect(abs((difference("majority_class", "accuracy_difference") ?? -9) - 0) < 1e-12)
            #expect(abs((difference("majority_class", "macro_f1_difference") ?? -9) - 1.0 / 6) < 1e-12)
            #expect(abs((difference("heuristic", "accuracy_difference") ?? -9) + 1.0 / 6) < 1e-12)
            #expect(abs((difference("heuristic", "macro_f1_difference") ?? -9) + 4.0 / 15) < 1e-12)
        }
        let text = try Meow.run(["evaluate", "p", "--predictions", "preds.jsonl", "--html", "report.html"], in: dir.path)
        #expect(text.status == 0 && text.stdout.contains("1 without a prediction, scored as wrong: h6") && text.stdout.contains("always 'neg'"), "\(text.stdout)\(text.stderr)")
        let html = try String(contentsOfFile: dir.path + "/report.html", encoding: .utf8)
        #expect(html.hasPrefix("<!doctype html>") && html.contains("Against the baselines") && !html.contains("<script"))

        // The workspace is never an output.
        let before = try Data(contentsOf: URL(fileURLWithPath: db))
        let refused = try Meow.run(["evaluate", "p", "--predictions", "preds.jsonl", "--html", "meow.sqlite"], in: dir.path)
        #expect(refused.status != 0 && refused.stderr.contains("workspace"), "\(refused.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: db)) == before)
    }

    @Test func refusesPredictionsOutsideTheSetUnknownLabelsAndBadLines() throws {
        _ = try dir.write("outside.csv", "item,label\nh1,pos\nzz1,pos\nh2,meh\n")
        let o = try Meow.run(["evaluate", "p", "--predictions", "outside.csv"], in: dir.path)
        #expect(o.status == 1 && o.stdout.isEmpty)
        #expect(o.stderr.contains("outside.csv: 1 prediction is for items outside the frozen set: 'zz1' (line 3)"), "\(o.stderr)")
        #expect(o.stderr.contains("label not in the guideline: 'meh' (line 4)"), "\(o.stderr)")
        _ = try dir.write("broken.jsonl", "{\"item\":\"h1\",\"label\":\"pos\"}\n{\"item\":\"h2\"}\n")
        let b = try Meow.run(["evaluate", "p", "--predictions", "broken.jsonl"], in: dir.path)
        #expect(b.status == 1 && b.stderr.contains("broken.jsonl:2: missing \"label\""), "\(b.stderr)")

        // Escape sequences in ids and labels reach the terminal as visible text only.
        _ = try dir.write("hostile-items.jsonl", hostileStrings.map { "{\"item\":\(JSONText.quoted($0)),\"label\":\"pos\"}" }.joined(separator: "\n"))
        let h = try Meow.run(["evaluate", "p", "--predictions", "hostile-items.jsonl"], in: dir.path)
        #expect(h.status == 1 && h.stderr.contains("12 predictions are for items outside") && h.stderr.contains("\\x1b"), "\(h.stderr)")
        #expect(!hasTerminalControl(h.stdout + h.stderr), "\(h.stderr.debugDescription)")
        for half in [0, 6] {
            let lines = (0..<6).map { "{\"item\":\"h\($0 + 1)\",\"label\":\(JSONText.quoted(hostileStrings[half + $0]))}" }
            _ = try dir.write("hostile-labels.jsonl", lines.joined(separator: "\n"))
            let l = try Meow.run(["evaluate", "p", "--predictions", "hostile-labels.jsonl"], in: dir.path)
            #expect(l.status == 1 && l.stderr.contains("labels not in the guideline"), "\(l.stderr)")
            #expect(!hasTerminalControl(l.stdout + l.stderr), "\(l.stderr.debugDescription)")
        }
    }

    /// Someone drops the trigger and rewrites a frozen record together with its hash: evaluate
    /// and baselines refuse, naming the set.
    @Test func refusesATamperedFrozenSet() throws {
        _ = try dir.write("preds.csv", "item,label\nh1,pos\n")
        #expect(try Meow.run(["evaluate", "p", "--predictions", "preds.csv"], in: dir.path).status == 0)
        let item = try sqlite(db, "SELECT item_id FROM frozen_record LIMIT 1")
        let record = try sqlite(db, "SELECT record FROM frozen_record WHERE item_id = \(item)")
        let forged = record.replacingOccurrences(of: "\"label\":\"", with: "\"label\":\"x")
        _ = try sqlite(db, "DROP TRIGGER frozen_record_immutable; UPDATE frozen_record SET record = '\(forged)', record_hash = '\(SHA256.hex(forged))' WHERE item_id = \(item);")
        #expect(try sqlite(db, "SELECT record FROM frozen_record WHERE item_id = \(item)") == forged)
        let e = try Meow.run(["evaluate", "p", "--frozen", "t1", "--predictions", "preds.csv"], in: dir.path)
        #expect(e.status == 1 && e.stdout.isEmpty, "\(e.stdout)")
        #expect(e.stderr.contains("frozen set 't1' was altered") && e.stderr.contains("set hash recomputed"), "\(e.stderr)")
        let b = try Meow.run(["baselines", "p"], in: dir.path)
        #expect(b.status == 1 && b.stderr.contains("frozen set 't1' was altered"), "\(b.stderr)")
    }

    @Test func expectedSetHashIsChecked() throws {
        _ = try dir.write("preds.csv", "item,label\nh1,pos\n")
        let wrong = try Meow.run(["evaluate", "p", "--predictions", "preds.csv", "--expect", String(repeating: "0", count: 64)], in: dir.path)
        #expect(wrong.status == 1 && wrong.stderr.contains("differs from the expected"), "\(wrong.stderr)")
        let hash = try sqlite(db, "SELECT set_hash FROM frozen_set")
        #expect(try Meow.run(["evaluate", "p", "--predictions", "preds.csv", "--expect", hash], in: dir.path).status == 0)
    }
}
