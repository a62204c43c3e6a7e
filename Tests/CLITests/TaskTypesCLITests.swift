import Foundation
import Testing

/// Issue 12 through the binary: spans, rate and compare projects from import to a verified
/// frozen set, on the shipped guidelines and samples.
@Suite("spans, rate and compare: import, agreement, consensus, export, freeze")
struct TaskTypesCLITests {
    let dir: TempDir
    init() throws {
        dir = try TempDir()
        for (project, guideline, items, answers) in [("ents", "entities", "news", "news-annotations"),
                                                     ("helpful", "helpfulness", "answers", "answer-ratings"),
                                                     ("prefs", "preferences", "preferences", "preference-annotations")] {
            let i = try Meow.run(["init", project, "--guideline", Meow.repoRoot + "/Guidelines/\(guideline).md"], in: dir.path)
            #expect(i.status == 0, "\(i.stderr)")
            let m = try Meow.run(["import", project, Meow.repoRoot + "/Samples/\(items).jsonl"], in: dir.path)
            #expect(m.status == 0, "\(m.stderr)")
            let a = try Meow.run(["import-annotations", project, Meow.repoRoot + "/Samples/\(answers).jsonl"], in: dir.path)
            #expect(a.status == 0 && a.stdout.contains("imported 30 annotations") || a.stdout.contains("imported 36 annotations"), "\(a.stdout)\(a.stderr)")
        }
    }

    func json(_ args: [String]) throws -> [String: Any] {
        let r = try Meow.run(args, in: dir.path)
        #expect(r.status == 0, "\(r.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    }

    func lines(_ file: String) throws -> [[String: Any]] {
        try String(contentsOfFile: dir.path + "/" + file, encoding: .utf8).split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    @Test func compareItemsImportFromPairsAndRefuseBadLines() throws {
        // The stored text is the pair's canonical JSON; other fields stay metadata.
        let raw = try sqlite(dir.path + "/meow.sqlite", "SELECT text, metadata FROM item WHERE external_id = 'p02'")
        #expect(raw.contains(#"{"prompt":"Translate 'gato' to English.","a":"Dog.","b":"Cat."}"#) && raw.contains(#""model_a":"m-small""#), "\(raw)")
        _ = try dir.write("more.csv", "id,text,a,b,source\nc1,Which is warmer?,Sun,Moon,quiz\nc2,,left,right,quiz\n")
        let csv = try Meow.run(["import", "prefs", "more.csv"], in: dir.path)
        #expect(csv.status == 0 && csv.stdout.contains("imported 2 items"), "\(csv.stderr)")
        #expect(try sqlite(dir.path + "/meow.sqlite", "SELECT text FROM item WHERE external_id = 'c2'").contains(#"{"a":"left","b":"right"}"#))
        _ = try dir.write("bad.jsonl", #"{"id":"x1","prompt":"p","a":"one","b":"two"}"# + "\n" + #"{"id":"x2","prompt":"p","a":"one"}"# + "\n")
        let bad = try Meow.run(["import", "prefs", "bad.jsonl"], in: dir.path)
        #expect(bad.status == 1 && bad.stderr.contains("bad.jsonl:2: missing \"b\""), "\(bad.stderr)")
        #expect(try sqlite(dir.path + "/meow.sqlite", "SELECT count(*) FROM item WHERE external_id = 'x1'").hasPrefix("0"))
        _ = try dir.write("blank.jsonl", #"{"id":"x3","a":"  ","b":"two"}"# + "\n")
        #expect(try Meow.run(["import", "prefs", "blank.jsonl"], in: dir.path).stderr.contains("blank.jsonl:1: \"a\" is empty"))
        _ = try dir.write("plain.txt", "just text\n")
        #expect(try Meow.run(["import", "prefs", "plain.txt"], in: dir.path).stderr.contains("import JSONL or CSV"))
    }

    @Test func spanAnswersImportCheckedAgainstTheirText() throws {
        // n06: "Rain delayed the final in Melbourne for three hours ." (Melbourne = 26..<35).
        for (label, reason) in [("26:99:LOC", "outside"), ("26:30:LOC", "token"), ("26:35:CITY", "CITY"), ("0:4:LOC,0:35:LOC", "overlap")] {
            _ = try dir.write("s.jsonl", #"{"item":"n06","annotator":"dora","label":"\#(label)"}"# + "\n")
            let r = try Meow.run(["import-annotations", "ents", "s.jsonl"], in: dir.path)
            #expect(r.status == 1 && r.stderr.contains("s.jsonl:1:") && r.stderr.lowercased().contains(reason.lowercased()), "\(label): \(r.stderr)")
        }
        _ = try dir.write("ok.jsonl", #"{"item":"n06","annotator":"dora","label":"26:35:LOC"}"# + "\n" + #"{"item":"n08","annotator":"dora","label":"-"}"# + "\n")
        let ok = try Meow.run(["import-annotations", "ents", "ok.jsonl"], in: dir.path)
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(try sqlite(dir.path + "/meow.sqlite", "SELECT value FROM annotation WHERE annotator = 'dora' ORDER BY item_id").contains(#"{"spans":[{"start":26,"end":35,"label":"LOC"}]}"#))
    }

    /// What a script or a file gets wrong is named: a rating that is not a scale point, a
    /// method that does not apply; `next --json` hands a compare item's fields over as fields.
    @Test func refusalsNameTheProblemAndNextGivesThePair() throws {
        _ = try dir.write("r.jsonl", #"{"item":"h01","annotator":"dora","label":"3.0"}"# + "\n")
        let r = try Meow.run(["import-annotations", "helpful", "r.jsonl"], in: dir.path)
        #expect(r.status == 1 && r.stderr.contains("r.jsonl:1: '3.0' is not a point of the scale (1, 2, 3, 4, 5)"), "\(r.stderr)")
        let ds = try Meow.run(["consensus", "ents", "--method", "dawid-skene"], in: dir.path)
        #expect(ds.status != 0 && ds.stderr.contains("--method dawid-skene does not apply to a spans project"), "\(ds.stderr)")
        #expect(try Meow.run(["ack", "prefs", "--as", "erin"], in: dir.path).status == 0)
        let next = try json(["next", "prefs", "--as", "erin", "--json"])
        let text = try #require(next["text"] as? String)
        #expect(text.hasPrefix("{") && next["a"] is String && next["b"] is String && next.keys.contains("prompt"), "\(next)")
        #expect(text.contains(try #require(next["a"] as? String)))
    }

    @Test func agreementPerTask() throws {
        let s = try json(["agreement", "ents", "--json"])
        let spans = try #require(s["spans"] as? [String: Any])
        #expect(spans["items"] as? Int == 12 && spans["annotators"] as? Int == 3)
        #expect((spans["exact"] as? [String: Any])?["matched"] as? Int == 74 && (spans["overlap"] as? [String: Any])?["matched"] as? Int == 76)
        #expect(spans["tokens"] as? Int == 133 && spans["token_alpha"] is Double)
        #expect(((spans["per_label"] as? [String: Any])?["PER"] as? [String: Any])?["exact_f1"] as? Double == 1)
        let text = try Meow.run(["agreement", "ents"], in: dir.path)
        #expect(text.stdout.contains("span F1, exact match") && text.stdout.contains("alice / bob"))
        // Whole span sets are not labels: no per-label table listing every distinct answer.
        #expect((s["per_label"] as? [String: Any])?.isEmpty == true && !text.stdout.contains("Per label (annotations"))
        #expect(try json(["agreement", "helpful", "--json"])["per_label"].map { ($0 as? [String: Any])?.count } == 5)

        // Ratings: ordinal and interval alpha on the scale (krippendorff 0.8: 0.7577097505668935, 0.8201335877862596).
        let r = try json(["agreement", "helpful", "--json"])
        let alpha = try #require(r["krippendorff_alpha"] as? [String: Any])
        #expect(abs((alpha["ordinal"] as? Double ?? 0) - 0.7577097505668935) < 1e-9)
        #expect(abs((alpha["interval"] as? Double ?? 0) - 0.8201335877862596) < 1e-9)
        let two = try json(["agreement", "helpful", "--json", "--annotators", "alice,bob"])
        #expect((two["weighted_kappa"] as? [String: Any])?["quadratic"] is Double)

        // Comparisons: nominal alpha (krippendorff 0.8: 0.5871886120996441) and percent agreement
        // on the choice; position bias from shown_first (set here as the screen records it).
        _ = try sqlite(dir.path + "/meow.sqlite", """
            UPDATE annotation SET value = json_set(value, '$.shown_first', CASE WHEN annotator = 'alice' THEN label ELSE 'b' END)
            WHERE label IN ('a', 'b') AND item_id IN (SELECT id FROM item WHERE external_id LIKE 'p%')
            """)
        let c = try json(["agreement", "prefs", "--json"])
        #expect(abs(((c["krippendorff_alpha"] as? [String: Any])?["nominal"] as? Double ?? 0) - 0.5871886120996441) < 1e-9)
        #expect(abs((c["percent_agreement"] as? Double ?? 0) - 22.0 / 30) < 1e-12)
        let bias = try #require((c["comparison"] as? [String: Any])?["position_bias"] as? [String: Any])
        // Decisive answers: alice 8 (each shown first), bob 7 and chen 9 with b shown first,
        // of which bob chose b 3 times and chen 3 times; 6 ties and both-bads not counted.
        #expect(bias["decisive"] as? Int == 24 && bias["not_counted"] as? Int == 6, "\(bias)")
        #expect(bias["preferred_first"] as? Int == 8 + 3 + 3 && bias["rate"] as? Double == 14.0 / 24, "\(bias)")
    }

    @Test func consensusExportFreezeVerify() throws {
        for p in ["ents", "helpful", "prefs"] { #expect(try Meow.run(["consensus", p], in: dir.path).status == 0) }
        // Spans: n02 has 54:58:LOC by two of three (kept); n08 has chen's lone span (review).
        let final = try sqlite(dir.path + "/meow.sqlite", "SELECT i.external_id, coalesce(f.label, 'NULL'), coalesce(f.note, '') FROM final_label f JOIN item i ON i.id = f.item_id WHERE i.external_id IN ('n02', 'n08', 'h08', 'p04') ORDER BY 1")
        #expect(final.contains("n02|0:5:ORG,28:36:LOC,54:58:LOC|") && final.contains("n08|NULL|spans without a majority: 30:42:ORG"), "\(final)")
        // Ratings 1, 1, 3: spread 2 > review_spread 1; comparisons: tie, tie, a -> tie.
        #expect(final.contains("h08|NULL|ratings 1, 1, 3 spread 2 > review_spread 1") && final.contains("p04|tie|"), "\(final)")

        #expect(try Meow.run(["export", "ents", "--out", "e.jsonl"], in: dir.path).status == 0)
        let n02 = try #require(try lines("e.jsonl").first { $0["item"] as? String == "n02" })
        let spans = try #require(n02["spans"] as? [[String: Any]])
        #expect(spans.map { $0["text"] as? String } == ["Apple", "Shanghai", "Asia"] && spans.last?["start"] as? Int == 54)
        #expect(try Meow.run(["export", "ents", "--raw", "--out", "r.jsonl"], in: dir.path).status == 0)
        let n09 = try lines("r.jsonl").filter { $0["item"] as? String == "n09" }
        #expect(n09.count == 3 && ((n09[0]["spans"] as? [[String: Any]])?.first?["text"] as? String) == "村上春樹")
        #expect(try Meow.run(["export", "ents", "--format", "conll", "--out", "e.conll"], in: dir.path).status == 0)
        let conll = try String(contentsOfFile: dir.path + "/e.conll", encoding: .utf8)
        #expect(conll.hasPrefix("Angela\tB-PER\nMerkel\tI-PER\nmet\tO\n") && conll.contains("\n\nApple\tB-ORG\n") && conll.contains("村\tB-PER\n上\tI-PER\n"))
        #expect(conll.components(separatedBy: "\n\n").filter { !$0.isEmpty }.count == 8)  // 8 items with final spans
        #expect(try Meow.run(["export", "helpful", "--format", "conll", "--out", "x.conll"], in: dir.path).stderr.contains("for spans projects"))

        #expect(try Meow.run(["export", "helpful", "--out", "h.jsonl"], in: dir.path).status == 0)
        #expect(try lines("h.jsonl").first { $0["item"] as? String == "h01" }?["rating"] as? Int == 5)
        #expect(try Meow.run(["export", "prefs", "--format", "pairs", "--out", "pairs.jsonl"], in: dir.path).status == 0)
        let pairs = try lines("pairs.jsonl")
        // Decisive finals only: p04 (tie) and p05 (both bad) are left out.
        #expect(pairs.count == 8 && !pairs.contains { ["p04", "p05"].contains($0["item"] as? String) })
        let p02 = try #require(pairs.first { $0["item"] as? String == "p02" })
        #expect(p02["chosen"] as? String == "Cat." && p02["rejected"] as? String == "Dog." && p02["prompt"] as? String == "Translate 'gato' to English.")

        for p in ["ents", "helpful", "prefs"] {
            let f = try Meow.run(["freeze", p, "--name", "t1", "--size", "3", "--seed", "1"], in: dir.path)
            #expect(f.status == 0, "\(f.stderr)")
            #expect(try Meow.run(["export", p, "--split", "test", "--out", "\(p)-test.jsonl"], in: dir.path).status == 0)
            let v = try Meow.run(["verify", p, "t1", "\(p)-test.jsonl"], in: dir.path)
            #expect(v.status == 0 && v.stdout.contains("all 3 records"), "\(v.stdout)\(v.stderr)")
            let t = try Meow.run(["export", p, "--split", "train", "--out", "\(p)-train.jsonl"], in: dir.path)
            #expect(t.status == 0 && t.stderr.contains("3 frozen"), "\(t.stderr)")
            let test = Set(try lines("\(p)-test.jsonl").compactMap { $0["item"] as? String })
            #expect(try lines("\(p)-train.jsonl").allSatisfy { !test.contains($0["item"] as? String ?? "") })
            let b = try Meow.run(["baselines", p, "--json"], in: dir.path)
            #expect(b.status == 0, "\(p): \(b.stderr)")
        }
        let sb = try json(["baselines", "ents", "--json"])
        #expect((sb["annotators"] as? [[String: Any]])?.count == 3 && sb["mean_exact_f1"] is Double)
        // The test split of a spans project in CoNLL, from the frozen records.
        #expect(try Meow.run(["export", "ents", "--split", "test", "--format", "conll", "--out", "t.conll"], in: dir.path).status == 0)
    }
}

extension TaskTypesCLITests {
    @Test func htmlReportHoldsTheTaskSections() throws {
        let r = try Meow.run(["agreement", "ents", "--html", "a.html"], in: dir.path)
        #expect(r.status == 0, "\(r.stderr)")
        let page = try String(contentsOfFile: dir.path + "/a.html", encoding: .utf8)
        #expect(page.contains("<h2>Task agreement</h2>") && page.contains("span F1, overlap match"))
        #expect(page.range(of: "Task agreement")!.lowerBound < page.range(of: "</body>")!.lowerBound)
    }
}
