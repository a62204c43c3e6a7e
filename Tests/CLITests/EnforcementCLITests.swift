import Foundation
import Testing

@Suite("meow CLI: guideline enforcement")
struct EnforcementCLITests {
    let dir: TempDir
    init() throws {
        dir = try TempDir()
        _ = try dir.write("g.md", """
        ---
        name: t
        task: classify
        overlap: 2
        unsure: forbid
        qualification:
          items: qual.jsonl
          pass_mark: 1
        labels:
          - {value: good, hotkey: g, definition: The writer likes it., examples: [lovely]}
          - {value: bad, hotkey: b, definition: The writer dislikes it., examples: [awful]}
        ---
        # T
        When unsure, pick the closer label.
        """)
        _ = try dir.write("qual.jsonl", """
        {"id":"q1","text":"lovely","label":"good","explanation":"Praise is good."}
        {"id":"q2","text":"awful","label":"bad","explanation":"Complaints are bad."}
        """)
        _ = try dir.write("items.txt", "one\ntwo\nthree\n")
        #expect(try Meow.run(["init", "p", "--guideline", "g.md"], in: dir.path, env: ["USER": "boss"]).status == 0)
        #expect(try Meow.run(["import", "p", "items.txt"], in: dir.path).status == 0)
    }

    @Test func nextSaysWhatToDoFirstWithExitStatus4() throws {
        let r = try Meow.run(["next", "p", "--as", "ann"], in: dir.path)
        #expect(r.status == 4)
        #expect(r.stderr.contains("has not acknowledged guideline v1"), "\(r.stderr)")
        try ack("ann", in: dir.path)
        let q = try Meow.run(["next", "p", "--as", "ann", "--json"], in: dir.path)
        #expect(q.stdout.contains(#""qualification":{"index":1,"total":2}"#), "\(q.stdout)")
    }

    @Test func aFailedQualificationTeachesAndBlocksUntilRetried() throws {
        try ack("ann", in: dir.path)
        _ = try Meow.run(["next", "p", "--as", "ann"], in: dir.path)
        #expect(try Meow.run(["submit", "p", "--as", "ann", "--item", "q1", "--label", "bad"], in: dir.path).stdout.contains("qualification: 1/2 answered"))
        _ = try Meow.run(["next", "p", "--as", "ann"], in: dir.path)
        let done = try Meow.run(["submit", "p", "--as", "ann", "--item", "q2", "--label", "bad"], in: dir.path)
        #expect(done.stdout.contains("1/2 correct") && done.stdout.contains("not passed"))
        #expect(done.stdout.contains("right: good") && done.stdout.contains("why:  Praise is good.") && done.stdout.contains("definition: good: The writer likes it."))
        let blocked = try Meow.run(["next", "p", "--as", "ann"], in: dir.path)
        #expect(blocked.status == 4 && blocked.stderr.contains("qualification failed"))
        #expect(try Meow.run(["qualification", "p", "--as", "ann"], in: dir.path).stdout.contains("why:  Praise is good."))
        #expect(try Meow.run(["qualification", "p", "--as", "ann", "--retry"], in: dir.path).status == 0)
        for (id, label) in [("q1", "good"), ("q2", "bad")] {
            _ = try Meow.run(["next", "p", "--as", "ann"], in: dir.path)
            _ = try Meow.run(["submit", "p", "--as", "ann", "--item", id, "--label", label], in: dir.path)
        }
        #expect(try Meow.run(["next", "p", "--as", "ann"], in: dir.path).stdout.contains("one"))
        let unsure = try Meow.run(["submit", "p", "--as", "ann", "--item", "t\(String(try sqlite(dir.path + "/meow.sqlite", "SELECT external_id FROM item WHERE text='one'").dropFirst()))", "--label", "good", "--unsure"], in: dir.path)
        #expect(unsure.status != 0 && unsure.stderr.contains("does not allow unsure"))
        let list = try Meow.run(["annotators", "p"], in: dir.path)
        #expect(list.stdout.contains("ann") && list.stdout.contains("qualification passed (round 2)"), "\(list.stdout)")
    }

    @Test func adminWorkIsForAdmins() throws {
        let export = try Meow.run(["export", "p", "--out", "x.jsonl"], in: dir.path, env: ["USER": "mallory"])
        #expect(export.status != 0 && export.stderr.contains("mallory may not export") && export.stderr.contains("(boss)"))
        #expect(try Meow.run(["export", "p", "--out", "x.jsonl"], in: dir.path, env: ["USER": "boss"]).status == 0)
        #expect(try Meow.run(["annotators", "role", "p", "mallory", "admin"], in: dir.path, env: ["USER": "mallory"]).status != 0)
        #expect(try Meow.run(["annotators", "role", "p", "mallory", "reviewer"], in: dir.path, env: ["USER": "boss"]).status == 0)
    }

    @Test func guidelineUpdateReportsWhatChanged() throws {
        let v2 = try String(contentsOfFile: dir.path + "/g.md", encoding: .utf8)
            .replacingOccurrences(of: "{value: good, hotkey: g,", with: "{value: positive, renamed_from: good, hotkey: g,")
            .replacingOccurrences(of: "The writer dislikes it.", with: "The writer dislikes the thing.")
        _ = try dir.write("g2.md", v2)
        // The qualification file still says "good": the new version is refused, naming the line.
        let stale = try Meow.run(["guideline", "update", "p", "g2.md"], in: dir.path, env: ["USER": "boss"])
        #expect(stale.status != 0 && stale.stderr.contains("qual.jsonl:1: unknown label 'good'"), "\(stale.stderr)")
        _ = try dir.write("qual.jsonl", (try String(contentsOfFile: dir.path + "/qual.jsonl", encoding: .utf8)).replacingOccurrences(of: "\"good\"", with: "\"positive\""))
        let denied = try Meow.run(["guideline", "update", "p", "g2.md"], in: dir.path, env: ["USER": "ann"])
        #expect(denied.status != 0 && denied.stderr.contains("may not update the guideline"))
        let r = try Meow.run(["guideline", "update", "p", "g2.md"], in: dir.path, env: ["USER": "boss"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("recorded guideline v2") && r.stdout.contains("renamed: good -> positive") && r.stdout.contains("definitions changed: bad"))
        #expect(try Meow.run(["guideline", "versions", "p"], in: dir.path).stdout.contains("v2: 0 answers — renamed: good -> positive"))
    }

    @Test func aRoundSizeLargerThanThePoolFileIsRefusedNamingTheLine() throws {
        let g = try String(contentsOfFile: dir.path + "/g.md", encoding: .utf8)
        _ = try dir.write("big.md", g.replacingOccurrences(of: "  pass_mark: 1\n", with: "  pass_mark: 1\n  round_size: 3\n"))
        for args in [["guideline", "check", "big.md"], ["init", "q", "--guideline", "big.md"]] {
            let r = try Meow.run(args, in: dir.path)
            #expect(r.status == 1 && r.stderr.contains("big.md:9:15: error: round_size 3 is larger than the pool: qual.jsonl holds 2 items"), "\(args): \(r.stderr)")
        }
        _ = try dir.write("fits.md", g.replacingOccurrences(of: "  pass_mark: 1\n", with: "  pass_mark: 1\n  round_size: 1\n"))
        let ok = try Meow.run(["init", "q", "--guideline", "fits.md"], in: dir.path)
        #expect(ok.status == 0 && ok.stdout.contains("qualification: 2 items, 1 per round"), "\(ok.stdout)\(ok.stderr)")
    }

    @Test func lintWarnsAboutMissingUnsureGuidance() throws {
        _ = try dir.write("lint.md", "---\nname: x\ntask: classify\nlabels: [{value: a, definition: A, examples: [x]}, {value: b, definition: B, examples: [y]}]\n---\nJust label it.\n")
        let r = try Meow.run(["guideline", "check", "lint.md"], in: dir.path)
        #expect(r.status == 0 && r.stdout.contains("warning: the body has no guidance for when annotators are unsure"))
        _ = try dir.write("badgold.md", "---\nname: x\ntask: classify\ngold: {items: nothere.jsonl}\nlabels: [{value: a, definition: A}, {value: b, definition: B}]\n---\nWhen unsure, skip.\n")
        let g = try Meow.run(["guideline", "check", "badgold.md"], in: dir.path)
        #expect(g.status != 0 && g.stderr.contains("nothere.jsonl"))
    }

    /// The shipped sentiment guideline: a careless annotator who answers "positive" to
    /// everything passes nothing but is stopped by the hidden gold checks.
    @Test func aCarelessAnnotatorIsPausedByGoldChecksOnTheShippedGuideline() throws {
        let d = try TempDir()
        for f in ["sentiment.md", "sentiment-qualification.jsonl", "sentiment-gold.jsonl"] {
            try FileManager.default.copyItem(atPath: Meow.repoRoot + "/Guidelines/" + f, toPath: d.path + "/" + f)
        }
        // Skip the qualification round for this test: a guideline without it, same gold checks.
        let g = try String(contentsOfFile: d.path + "/sentiment.md", encoding: .utf8)
            .replacingOccurrences(of: "qualification:\n  items: sentiment-qualification.jsonl\n  pass_mark: 0.8\n", with: "")
        _ = try d.write("sentiment.md", g)
        #expect(try Meow.run(["init", "reviews", "--guideline", "sentiment.md"], in: d.path).status == 0)
        #expect(try Meow.run(["import", "reviews", Meow.repoRoot + "/Samples/reviews.jsonl"], in: d.path).status == 0)
        try ack("lazy", project: "reviews", in: d.path)
        _ = try d.write("lazy.sh", """
        n=0
        while [ $n -lt 150 ]; do
          out=$("$MEOW" next reviews --as lazy --json); rc=$?
          if [ $rc -ne 0 ]; then echo "stopped rc=$rc after $n"; exit 0; fi
          id=${out#*\\"item\\":\\"}; id=${id%%\\"*}
          "$MEOW" submit reviews --as lazy --item "$id" --label positive || exit 1
          n=$((n+1))
        done
        echo "never stopped"
        """)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = [d.path + "/lazy.sh"]
        p.currentDirectoryURL = URL(fileURLWithPath: d.path)
        var env = ProcessInfo.processInfo.environment
        env["MEOW"] = Meow.binary
        env["MEOW_DB"] = nil
        p.environment = env
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(text.hasPrefix("stopped rc=4"), "\(text)")
        let list = try Meow.run(["annotators", "reviews"], in: d.path)
        #expect(list.stdout.contains("paused (gold-check accuracy"), "\(list.stdout)")
        let db = d.path + "/meow.sqlite"
        #expect(try sqlite(db, "SELECT count(*) FROM annotation WHERE review_reason = 'gold checks'") != "0")
        let reinstate = try Meow.run(["annotators", "reinstate", "reviews", "lazy"], in: d.path)
        #expect(reinstate.status == 0)
        #expect(try Meow.run(["next", "reviews", "--as", "lazy"], in: d.path).status == 0)
    }
}
