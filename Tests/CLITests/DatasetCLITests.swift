import Foundation
import Testing

/// The whole path from labels to a verified test set, through the binary.
@Suite("meow consensus, review, freeze, export, verify, baselines")
struct DatasetCLITests {
    let dir: TempDir
    init() throws {
        dir = try TempDir()
        let g = try String(contentsOfFile: Meow.repoRoot + "/Guidelines/sentiment.md", encoding: .utf8)
        _ = try dir.write("sentiment.md", g)
        for f in ["sentiment-qualification.jsonl", "sentiment-gold.jsonl"] {
            try FileManager.default.copyItem(atPath: Meow.repoRoot + "/Guidelines/" + f, toPath: dir.path + "/" + f)
        }
        #expect(try Meow.run(["init", "reviews", "--guideline", "sentiment.md"], in: dir.path).status == 0)
        #expect(try Meow.run(["import", "reviews", Meow.repoRoot + "/Samples/reviews.jsonl"], in: dir.path).status == 0)
        #expect(try Meow.run(["import-annotations", "reviews", Meow.repoRoot + "/Samples/review-annotations.jsonl"], in: dir.path).status == 0)
    }

    @Test func fromConsensusToAVerifiedTestSet() throws {
        let c = try Meow.run(["consensus", "reviews"], in: dir.path)
        #expect(c.status == 0 && c.stdout.contains("on 200 complete items"), "\(c.stderr)")
        let refused = try Meow.run(["export", "reviews", "--split", "train", "--out", "train.jsonl"], in: dir.path)
        #expect(refused.status != 0 && refused.stderr.contains("has no frozen test set"))
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/train.jsonl"))
        let f = try Meow.run(["freeze", "reviews", "--name", "test-v1", "--fraction", "0.2", "--seed", "7", "--stratify"], in: dir.path)
        #expect(f.status == 0 && f.stdout.contains("froze 37 items"), "\(f.stdout)\(f.stderr)")
        #expect(try Meow.run(["export", "reviews", "--split", "test", "--out", "test.jsonl"], in: dir.path).status == 0)
        let t = try Meow.run(["export", "reviews", "--split", "train", "--out", "train.jsonl", "--near-duplicates", "0.8"], in: dir.path)
        #expect(t.status == 0 && t.stderr.contains("37 frozen"), "\(t.stderr)")
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.path + "/test.jsonl.manifest.json"))) as! [String: Any]
        #expect((manifest["frozen_set"] as? [String: Any])?["name"] as? String == "test-v1")
        #expect(((manifest["frozen_manifest"] as? [String: Any])?["record_hashes"] as? [String: Any])?.count == 37)

        // verify: untouched passes; one byte, a deleted line, an added line fail.
        let ok = try Meow.run(["verify", "reviews", "test-v1", "test.jsonl"], in: dir.path)
        #expect(ok.status == 0 && ok.stdout.contains("all 37 records"))
        let lines = try String(contentsOfFile: dir.path + "/test.jsonl", encoding: .utf8).split(separator: "\n").map(String.init)
        var changed = lines
        changed[0] = changed[0].replacingOccurrences(of: "\"label\":\"", with: "\"label\":\"X")
        _ = try dir.write("changed.jsonl", changed.joined(separator: "\n") + "\n")
        let c1 = try Meow.run(["verify", "reviews", "test-v1", "changed.jsonl"], in: dir.path)
        #expect(c1.status == 1 && c1.stdout.hasPrefix("changed: "))
        _ = try dir.write("deleted.jsonl", lines.dropLast().joined(separator: "\n") + "\n")
        #expect(try Meow.run(["verify", "reviews", "test-v1", "deleted.jsonl"], in: dir.path).stdout.hasPrefix("missing: "))
        _ = try dir.write("added.jsonl", (lines + [#"{"item":"r0999","text":"new"}"#]).joined(separator: "\n") + "\n")
        #expect(try Meow.run(["verify", "reviews", "test-v1", "added.jsonl"], in: dir.path).stdout.contains("added: r0999"))

        // The frozen set is immutable: a second freeze needs a new name.
        #expect(try Meow.run(["freeze", "reviews", "--name", "test-v1", "--size", "5"], in: dir.path).stderr.contains("already exists"))

        // Baselines: the numbers to beat.
        let b = try Meow.run(["baselines", "reviews", "--frozen", "test-v1"], in: dir.path)
        #expect(b.status == 0 && b.stdout.contains("random guess (uniform)") && b.stdout.contains("human, leave-one-out (mean)") && b.stdout.contains("human vs final labels (optimistic)"), "\(b.stdout)\(b.stderr)")
        // The shipped heuristic for this guideline reads, and is scored beside the others.
        let h = try Meow.run(["baselines", "reviews", "--heuristic", Meow.repoRoot + "/Guidelines/sentiment-heuristic.yaml"], in: dir.path)
        #expect(h.status == 0 && h.stdout.contains("heuristic (sentiment-heuristic.yaml)"), "\(h.stdout)\(h.stderr)")
    }

    @Test func dawidSkeneEstimatesAnnotatorAccuracy() throws {
        let r = try Meow.run(["consensus", "reviews", "--method", "dawid-skene"], in: dir.path)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("estimated accuracy per annotator"))
        // dara is the careless one in the sample data: the model rates her lowest.
        let rows = r.stdout.split(separator: "\n").filter { $0.hasPrefix("  ") && $0.split(separator: " ").count == 2 }
        let acc = Dictionary(uniqueKeysWithValues: rows.map { l in (String(l.split(separator: " ")[0]), Double(l.split(separator: " ")[1])!) })
        #expect(acc["dara"].map { d in acc.values.allSatisfy { $0 >= d } } == true, "\(r.stdout)")
    }
}

@Suite("meow review in tmux")
struct TmuxReviewTests {
    @Test func aReviewerSetsTheFinalLabelOfATieWithOneKey() throws {
        let dir = try TempDir()
        _ = try dir.write("g.md", testGuideline.replacingOccurrences(of: "overlap: 2", with: "overlap: 3"))
        #expect(try Meow.run(["init", "p", "--guideline", "g.md"], in: dir.path).status == 0)
        _ = try dir.write("items.jsonl", #"{"id":"t1","text":"A chair. Comfy, but it wobbles."}"# + "\n" + #"{"id":"t2","text":"Lovely."}"#)
        _ = try Meow.run(["import", "p", "items.jsonl"], in: dir.path)
        _ = try dir.write("a.csv", "item,annotator,label\nt1,ann,pos\nt1,bo,neg\nt1,cy,other\nt2,ann,pos\nt2,bo,pos\nt2,cy,pos\n")
        _ = try Meow.run(["import-annotations", "p", "a.csv"], in: dir.path)
        _ = try Meow.run(["consensus", "p"], in: dir.path)
        #expect(try Meow.run(["annotators", "role", "p", "rita", "reviewer"], in: dir.path).status == 0)
        let t = try Tmux(command: "cd \(dir.path) && \(Meow.binary) review p --as rita")
        let screen = try t.waitFor("review · 1 left")
        #expect(screen.contains("ann: pos") && screen.contains("bo: neg") && screen.contains("Consensus so far: none (a tie)"))
        #expect(screen.contains("neg: Negative."))
        try t.send("c"); try t.send("-l", "wobbles: a defect"); try t.send("Enter")
        try t.send("n")
        try t.waitFor("Nothing left for you")
        try t.send("q")
        try t.waitFor("[exit 0]")
        #expect(try sqlite(dir.path + "/meow.sqlite", "SELECT label || '|' || decision || '|' || decided_by || '|' || note FROM final_label f JOIN item i ON i.id = f.item_id WHERE i.external_id = 't1'")
                == "neg|reviewer|rita|wobbles: a defect")
    }
}
