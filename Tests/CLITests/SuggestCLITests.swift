import Foundation
import Testing

/// `meow suggest`, `meow next --json`'s suggestion, `meow submit --accept-suggestion` and the
/// model fields of `meow agreement --json`, through the binary.
@Suite("meow suggest")
struct SuggestCLITests {
    func project(_ dir: TempDir) throws {
        _ = try dir.write("g.md", testGuideline)
        _ = try dir.write("items.jsonl", (1...4).map { "{\"id\":\"i\($0)\",\"text\":\"review number \($0)\"}" }.joined(separator: "\n"))
        for args in [["init", "p", "--guideline", "g.md"], ["import", "p", "items.jsonl"]] {
            let r = try Meow.run(args, in: dir.path)
            #expect(r.status == 0, "\(r.stderr)")
        }
    }

    @Test func refusalsNameTheLinesAndLoadNothing() throws {
        let dir = try TempDir()
        try project(dir)
        _ = try dir.write("bad.jsonl", """
            {"item":"i1","model":"m","label":"pos"}
            {"item":"ghost","model":"m","label":"pos"}
            {"item":"i2","model":"m","label":"Positive"}
            """)
        let bad = try Meow.run(["suggest", "p", "bad.jsonl"], in: dir.path)
        #expect(bad.status == 1)
        #expect(bad.stderr.contains("bad.jsonl: 1 item not in project 'p': 'ghost' (line 2)"), "\(bad.stderr)")
        #expect(bad.stderr.contains("labels not in the guideline: 'Positive' (1 suggestion, first on line 3)"), "\(bad.stderr)")
        #expect(try sqlite(dir.path + "/meow.sqlite", "SELECT count(*) FROM suggestion") == "0")

        _ = try dir.write("broken.jsonl", "{\"item\":\"i1\",\"model\":\"m\",\"label\":\"pos\"}\n{\"item\":\"i2\",\"label\":\"pos\"}\n")
        let broken = try Meow.run(["suggest", "p", "broken.jsonl"], in: dir.path)
        #expect(broken.status == 1 && broken.stderr.contains("broken.jsonl:2: missing \"model\""), "\(broken.stderr)")

        _ = try dir.write("twice.csv", "item,label,score\ni1,pos,0.5\ni1,neg,0.4\n")
        let twice = try Meow.run(["suggest", "p", "twice.csv", "--model", "m"], in: dir.path)
        #expect(twice.status == 1 && twice.stderr.contains("twice.csv:3: item \"i1\" has a second suggestion from model \"m\""), "\(twice.stderr)")

        let usage = try Meow.run(["suggest", "p", "--seed", "3"], in: dir.path)
        #expect(usage.status == 64)
    }

    @Test func nextShowsTheSuggestionSubmitAcceptsItAndAgreementReportsTheModel() throws {
        let dir = try TempDir()
        try project(dir)
        _ = try dir.write("s.csv", "item,model,label,score\ni1,bert,pos,0.9\ni2,bert,neg,0.1\ni3,bert,pos,0.6\n")
        let load = try Meow.run(["suggest", "p", "s.csv", "--order", "uncertainty"], in: dir.path)
        #expect(load.status == 0 && load.stdout.contains("3 new, 0 replaced"), "\(load.stderr)")
        try ack("alice", in: dir.path)
        try ack("bob", in: dir.path)

        let next = try Meow.run(["next", "p", "--as", "alice", "--json"], in: dir.path)
        let item = try JSONSerialization.jsonObject(with: Data(next.stdout.utf8)) as? [String: Any]
        #expect(item?["item"] as? String == "i2")   // least confident first
        let suggestion = item?["suggestion"] as? [String: Any]
        #expect(suggestion?["model"] as? String == "bert" && suggestion?["label"] as? String == "neg")
        #expect(suggestion?["labels"] as? [String] == ["neg"] && suggestion?["score"] as? Double == 0.1)

        #expect(try Meow.run(["submit", "p", "--as", "alice", "--item", "i2", "--accept-suggestion"], in: dir.path).status == 0)
        for (who, item, label) in [("alice", "i3", "neg"), ("bob", "i2", "neg"), ("bob", "i3", "pos")] {
            #expect(try Meow.run(["next", "p", "--as", who], in: dir.path).stdout.contains("item: \(item)"))
            let r = try Meow.run(["submit", "p", "--as", who, "--item", item, "--label", label], in: dir.path)
            #expect(r.status == 0, "\(r.stderr)")
        }
        #expect(try sqlite(dir.path + "/meow.sqlite", "SELECT group_concat(annotator || ':' || suggestion || ':' || accepted, ' ') FROM (SELECT * FROM annotation ORDER BY id)")
                == "alice:bert:1 alice:bert:0 bob:bert:1 bob:bert:1")
        // An item without a suggestion: --accept-suggestion has nothing to take.
        #expect(try Meow.run(["next", "p", "--as", "alice"], in: dir.path).stdout.contains("item: i1"))
        _ = try Meow.run(["submit", "p", "--as", "alice", "--item", "i1", "--label", "pos"], in: dir.path)
        #expect(try Meow.run(["next", "p", "--as", "alice"], in: dir.path).stdout.contains("item: i4"))
        let none = try Meow.run(["submit", "p", "--as", "alice", "--item", "i4", "--accept-suggestion"], in: dir.path)
        #expect(none.status == 1 && none.stderr.contains("no model suggestion"), "\(none.stderr)")

        _ = try Meow.run(["consensus", "p"], in: dir.path)
        let r = try Meow.run(["agreement", "p", "--json"], in: dir.path)
        #expect(r.status == 0, "\(r.stderr)")
        let j = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        let model = j?["model_agreement"] as? [String: Any]
        let models = model?["models"] as? [[String: Any]]
        #expect(models?.count == 1 && models?.first?["model"] as? String == "bert")
        // Final labels: i2 neg (both), i3 tie (no label); the model got i2 right.
        #expect(models?.first?["final_labels"] as? Int == 1 && models?.first?["accuracy"] as? Double == 1)
        let people = models?.first?["annotators"] as? [[String: Any]]
        #expect(people?.map { $0["annotator"] as? String } == ["alice", "bob"])
        #expect(people?.first?["items"] as? Int == 3 && people?.first?["shown"] as? Int == 3)   // i1 was suggested too
        #expect(people?.first?.keys.contains("blind_kappa") == true)
        let acceptance = model?["acceptance"] as? [String: Any]
        #expect(acceptance?["shown"] as? Int == 5 && acceptance?["accepted"] as? Int == 4 && acceptance?["rate"] as? Double == 0.8)
        let text = try Meow.run(["agreement", "p"], in: dir.path)
        #expect(text.stdout.contains("Suggestions accepted as they were: 4 of 5"), "\(text.stdout)")
    }
}
