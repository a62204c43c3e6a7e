import Foundation
import Testing

@Suite("meow CLI: init, import, queue, status, export")
struct QueueCLITests {
    let dir: TempDir
    init() throws {
        dir = try TempDir()
        _ = try dir.write("g.md", testGuideline)
        let r = try Meow.run(["init", "p", "--guideline", "g.md"], in: dir.path)
        #expect(r.status == 0, "\(r.stderr)")
        for who in ["ann", "bo", "a", "b"] { try ack(who, in: dir.path) }
    }

    func importLines(_ content: String, name: String = "items.jsonl") throws -> MeowRun {
        _ = try dir.write(name, content)
        return try Meow.run(["import", "p", name], in: dir.path)
    }

    @Test func importJSONLKeepsIdsMetadataAndReportsDuplicates() throws {
        let r = try importLines("""
        {"id": "a", "text": "first", "source": "web", "n": 3}
        {"id": "b", "text": "second"}
        {"text": "third"}
        {"id": "d", "text": "first"}
        """)
        #expect(r.status == 0)
        #expect(r.stdout.contains("imported 3 items"))
        #expect(r.stdout.contains("1 duplicate texts"))
        let next = try Meow.run(["next", "p", "--as", "ann", "--json"], in: dir.path)
        #expect(next.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == #"{"item":"a","text":"first","source":"web","n":3}"#)
        // Re-importing the same file adds nothing.
        let again = try Meow.run(["import", "p", "items.jsonl"], in: dir.path)
        #expect(again.stdout.contains("imported 0 items"))
        #expect(again.stdout.contains("3 already present"))
        #expect(try sqlite(dir.path + "/meow.sqlite", "SELECT count(*) FROM item") == "3")
        // An item without an id got a stable one from its text hash.
        let ids = try sqlite(dir.path + "/meow.sqlite", "SELECT external_id FROM item ORDER BY id")
        #expect(ids.split(separator: "\n").last?.hasPrefix("t") == true)
        #expect(ids.split(separator: "\n").last?.count == 17)
    }

    @Test func importCSVAndTextWithBOMAndCRLF() throws {
        _ = try dir.write("items.csv", "\u{FEFF}id,text,lang\r\nx1,\"Hello, world\",en\r\nx2,\"She said \"\"hi\"\"\nover two lines\",en\r\n")
        let r = try Meow.run(["import", "p", "items.csv"], in: dir.path)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("imported 2 items"))
        let texts = try sqlite(dir.path + "/meow.sqlite", "SELECT text || '|' || metadata FROM item ORDER BY id")
        #expect(texts == "Hello, world|{\"lang\":\"en\"}\nShe said \"hi\"\nover two lines|{\"lang\":\"en\"}")
        _ = try dir.write("lines.txt", "\u{FEFF}one\r\n\r\ntwo\r\nthree")
        let t = try Meow.run(["import", "p", "lines.txt"], in: dir.path)
        #expect(t.stdout.contains("imported 3 items"))
        #expect(try sqlite(dir.path + "/meow.sqlite", "SELECT group_concat(text, ',') FROM item WHERE metadata IS NULL") == "one,two,three")
    }

    @Test(arguments: [
        ("{\"id\":\"a\",\"text\":\"ok\"}\n{\"id\":\"b\",\"text\":\"ok2\"\n", "items.jsonl:2: invalid JSON"),
        ("{\"id\":\"a\",\"text\":\"ok\"}\n{\"id\":\"b\"}\n", "items.jsonl:2: missing \"text\""),
        ("{\"id\":\"a\",\"text\":\"ok\"}\n{\"id\":\"b\",\"text\":7}\n", "items.jsonl:2: \"text\" must be a string"),
        ("{\"id\":\"a\",\"text\":\"ok\"}\n\n[1,2]\n", "items.jsonl:3: invalid JSON"),
    ])
    func malformedJSONLImportsNothing(content: String, message: String) throws {
        let r = try importLines(content)
        #expect(r.status != 0)
        #expect(r.stderr.contains(message), "\(r.stderr)")
        #expect(try sqlite(dir.path + "/meow.sqlite", "SELECT count(*) FROM item") == "0")
    }

    @Test func invalidUTF8IsNamedByLine() throws {
        _ = try dir.write("bad.jsonl", bytes: Array("{\"text\":\"ok\"}\n{\"text\":\"bad ".utf8) + [0xC3, 0x28] + Array("\"}\n".utf8))
        let r = try Meow.run(["import", "p", "bad.jsonl"], in: dir.path)
        #expect(r.status != 0)
        #expect(r.stderr.contains("bad.jsonl:2:") && r.stderr.contains("UTF-8"), "\(r.stderr)")
        #expect(try sqlite(dir.path + "/meow.sqlite", "SELECT count(*) FROM item") == "0")
    }

    @Test func malformedCSVAndSkipInvalid() throws {
        _ = try dir.write("items.csv", "id,text\na,fine\nb,\"unclosed\nc,also fine\n")
        let r = try Meow.run(["import", "p", "items.csv"], in: dir.path)
        #expect(r.status != 0)
        #expect(r.stderr.contains("items.csv:3:"), "\(r.stderr)")
        _ = try dir.write("nohdr.csv", "id,body\na,fine\n")
        let h = try Meow.run(["import", "p", "nohdr.csv"], in: dir.path)
        #expect(h.stderr.contains("no 'text' column"))
        let s = try importLines("{\"text\":\"one\"}\nnot json\n{\"text\":\"three\"}\n", name: "mixed.jsonl")
        #expect(s.status != 0)
        let skip = try Meow.run(["import", "p", "mixed.jsonl", "--skip-invalid"], in: dir.path)
        #expect(skip.status == 0)
        #expect(skip.stdout.contains("imported 2 items"))
        #expect(skip.stderr.contains("skipped mixed.jsonl:2: invalid JSON"))
    }

    @Test func nextSubmitSkipReleaseFollowTheQueueRules() throws {
        _ = try importLines((1...3).map { #"{"id":"i\#($0)","text":"text \#($0)"}"# }.joined(separator: "\n"))
        let first = try Meow.run(["next", "p", "--as", "ann"], in: dir.path)
        #expect(first.stdout.hasPrefix("item: i1"))
        // Asking again while holding returns the same item.
        #expect(try Meow.run(["next", "p", "--as", "ann"], in: dir.path).stdout.hasPrefix("item: i1"))
        // Unknown label and required comment are refused with the rule named.
        let bad = try Meow.run(["submit", "p", "--as", "ann", "--item", "i1", "--label", "meh"], in: dir.path)
        #expect(bad.status != 0 && bad.stderr.contains("unknown label 'meh'"))
        let noComment = try Meow.run(["submit", "p", "--as", "ann", "--item", "i1", "--label", "other"], in: dir.path)
        #expect(noComment.status != 0 && noComment.stderr.contains("requires a comment"))
        // Submitting an item not held is refused.
        let notHeld = try Meow.run(["submit", "p", "--as", "ann", "--item", "i2", "--label", "pos"], in: dir.path)
        #expect(notHeld.status != 0 && notHeld.stderr.contains("does not hold item 'i2'"))
        #expect(try Meow.run(["submit", "p", "--as", "ann", "--item", "i1", "--label", "pos"], in: dir.path).status == 0)
        // Nobody labels the same item twice.
        #expect(try Meow.run(["next", "p", "--as", "ann"], in: dir.path).stdout.hasPrefix("item: i2"))
        // Skip: i2 goes to others, never back to ann.
        #expect(try Meow.run(["skip", "p", "--as", "ann", "--item", "i2"], in: dir.path).status == 0)
        #expect(try Meow.run(["next", "p", "--as", "ann"], in: dir.path).stdout.hasPrefix("item: i3"))
        // Release: i3 goes back for anyone, ann included.
        #expect(try Meow.run(["release", "p", "--as", "ann", "--item", "i3"], in: dir.path).status == 0)
        #expect(try Meow.run(["next", "p", "--as", "ann"], in: dir.path).stdout.hasPrefix("item: i3"))
        #expect(try Meow.run(["submit", "p", "--as", "ann", "--item", "i3", "--label", "other", "--comment", "a chair"], in: dir.path).status == 0)
        // Nothing left for ann: no output, exit 3.
        let empty = try Meow.run(["next", "p", "--as", "ann"], in: dir.path)
        #expect(empty.status == 3)
        #expect(empty.stdout.isEmpty)
        // Another annotator gets i1 (overlap 2), then i2.
        #expect(try Meow.run(["next", "p", "--as", "bo"], in: dir.path).stdout.hasPrefix("item: i1"))
        let status = try Meow.run(["status", "p", "--json"], in: dir.path)
        #expect(status.stdout.contains(#""annotations":2"#))
        #expect(status.stdout.contains(#"{"annotations":2,"annotator":"ann","holding":0,"skipped":1}"#), "\(status.stdout)")
    }

    /// `submit --next`: the answer and the next claim in one step, printed as `next` prints
    /// it; with nothing left, the answer is still recorded and the exit status is next's 3.
    @Test func submitNextAnswersAndHandsOverTheNextItem() throws {
        _ = try importLines(#"{"id": "a", "text": "first"}"# + "\n" + #"{"id": "b", "text": "second"}"# + "\n")
        #expect(try Meow.run(["next", "p", "--as", "ann"], in: dir.path).stdout.contains("item: a"))
        let r = try Meow.run(["submit", "p", "--as", "ann", "--item", "a", "--label", "pos", "--next", "--json"], in: dir.path)
        #expect(r.status == 0 && r.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == #"{"item":"b","text":"second"}"#, "\(r.stdout)\(r.stderr)")
        let last = try Meow.run(["submit", "p", "--as", "ann", "--item", "b", "--label", "neg", "--next"], in: dir.path)
        #expect(last.status == 3, "\(last.stderr)")
        #expect(try sqlite(dir.path + "/meow.sqlite", "SELECT group_concat(label, ' ') FROM (SELECT label FROM annotation WHERE annotator = 'ann' ORDER BY id)") == "pos neg")
        let lone = try Meow.run(["submit", "p", "--as", "bo", "--item", "a", "--label", "pos", "--json"], in: dir.path)
        #expect(lone.status != 0 && lone.stderr.contains("--json goes with --next"), "\(lone.stderr)")
    }

    @Test func priorityComesBeforeImportOrder() throws {
        _ = try importLines("""
        {"id":"low","text":"a"}
        {"id":"high","text":"b","priority":5}
        {"id":"mid","text":"c","priority":1}
        """)
        var order: [String] = []
        for _ in 0..<3 {
            let n = try Meow.run(["next", "p", "--as", "ann", "--json"], in: dir.path)
            let id = String(n.stdout.split(separator: "\"")[3])
            order.append(id)
            #expect(try Meow.run(["submit", "p", "--as", "ann", "--item", id, "--label", "pos"], in: dir.path).status == 0)
        }
        #expect(order == ["high", "mid", "low"])
    }

    @Test func anExpiredLeaseReturnsTheItemToTheQueue() throws {
        _ = try importLines(#"{"id":"only","text":"x"}"#)
        let g = try dir.write("g1.md", testGuideline.replacingOccurrences(of: "overlap: 2", with: "overlap: 1"))
        _ = try Meow.run(["init", "solo", "--guideline", g], in: dir.path)
        _ = try Meow.run(["import", "solo", "items.jsonl"], in: dir.path)
        for who in ["a", "b"] { try ack(who, project: "solo", in: dir.path) }
        #expect(try Meow.run(["next", "solo", "--as", "a", "--lease", "1"], in: dir.path).stdout.hasPrefix("item: only"))
        // While a holds it, b gets nothing (overlap 1).
        #expect(try Meow.run(["next", "solo", "--as", "b"], in: dir.path).status == 3)
        Thread.sleep(forTimeInterval: 1.3)
        #expect(try Meow.run(["next", "solo", "--as", "b"], in: dir.path).stdout.hasPrefix("item: only"))
        // a's lease is gone: a may no longer submit.
        let late = try Meow.run(["submit", "solo", "--as", "a", "--item", "only", "--label", "pos"], in: dir.path)
        #expect(late.status != 0 && late.stderr.contains("does not hold"))
    }

    @Test func exportWritesEveryAnnotationAsJSONLAndCSV() throws {
        _ = try importLines(#"{"id":"q1","text":"say \"hi\", ok","src":"x"}"#)
        for who in ["a", "b"] {
            _ = try Meow.run(["next", "p", "--as", who], in: dir.path)
            _ = try Meow.run(["submit", "p", "--as", who, "--item", "q1", "--label", who == "a" ? "pos" : "neg", "--comment", "c,\(who)"], in: dir.path)
        }
        #expect(try Meow.run(["export", "p", "--raw", "--out", "out.jsonl"], in: dir.path).status == 0)
        let lines = try String(contentsOfFile: dir.path + "/out.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2)
        let obj = try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as! [String: Any]
        #expect(obj["item"] as? String == "q1")
        #expect(obj["text"] as? String == "say \"hi\", ok")
        #expect(obj["annotator"] as? String == "a")
        #expect(obj["label"] as? String == "pos")
        #expect(obj["comment"] as? String == "c,a")
        #expect(obj["guideline_version"] as? Int == 1)
        #expect((obj["metadata"] as? [String: Any])?["src"] as? String == "x")
        #expect(try Meow.run(["export", "p", "--raw", "--out", "out.csv"], in: dir.path).status == 0)
        let csv = try String(contentsOfFile: dir.path + "/out.csv", encoding: .utf8)
        #expect(csv.hasPrefix("item,text,annotator,label,comment,unsure,created_at,guideline_version,split\nq1,\"say \"\"hi\"\", ok\",a,pos,\"c,a\",false,"))
    }

    @Test func importAnnotationsValidatesLabelsAndItems() throws {
        _ = try importLines(#"{"id":"q1","text":"one"}"# + "\n" + #"{"id":"q2","text":"two"}"#)
        _ = try dir.write("ann.csv", "item,annotator,label\nq1,a,pos\nq2,a,neg\nq1,b,pos\n")
        let ok = try Meow.run(["import-annotations", "p", "ann.csv"], in: dir.path)
        #expect(ok.status == 0 && ok.stdout.contains("imported 3 annotations"), "\(ok.stderr)")
        _ = try dir.write("bad.jsonl", #"{"item":"q2","annotator":"b","label":"pos"}"# + "\n" + #"{"item":"q2","annotator":"c","label":"happy"}"#)
        let bad = try Meow.run(["import-annotations", "p", "bad.jsonl"], in: dir.path)
        #expect(bad.status != 0 && bad.stderr.contains("bad.jsonl:2: unknown label 'happy'"), "\(bad.stderr)")
        _ = try dir.write("missing.jsonl", #"{"item":"zz","annotator":"b","label":"pos"}"#)
        let missing = try Meow.run(["import-annotations", "p", "missing.jsonl"], in: dir.path)
        #expect(missing.stderr.contains("no item 'zz'"))
        #expect(try sqlite(dir.path + "/meow.sqlite", "SELECT count(*) FROM annotation") == "3")
    }

    @Test func unknownProjectAndMissingWorkspaceAreClearErrors() throws {
        let r = try Meow.run(["next", "nope", "--as", "a"], in: dir.path)
        #expect(r.status != 0 && r.stderr.contains("no project 'nope'") && r.stderr.contains("projects: p"))
        let w = try Meow.run(["status", "p", "--db", "elsewhere.sqlite"], in: dir.path)
        #expect(w.status != 0 && w.stderr.contains("no workspace at elsewhere.sqlite"))
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/elsewhere.sqlite"))
        // MEOW_DB picks the workspace.
        let env = try Meow.run(["status", "p"], in: "/", env: ["MEOW_DB": dir.path + "/meow.sqlite"])
        #expect(env.status == 0 && env.stdout.contains("project p"))
    }

    @Test func foreignAndNonSQLiteFilesAreRefusedUntouched() throws {
        _ = try dir.write("notes.sqlite", "this is not a database, just text that is long enough to not be empty\n")
        let r = try Meow.run(["status", "p", "--db", "notes.sqlite"], in: dir.path)
        #expect(r.status != 0 && r.stderr.contains("is not a SQLite database"), "\(r.stderr)")
        _ = try sqlite(dir.path + "/other.sqlite", "CREATE TABLE customers(id INTEGER);")
        let f = try Meow.run(["init", "x", "--guideline", "g.md", "--db", "other.sqlite"], in: dir.path)
        #expect(f.status != 0 && f.stderr.contains("not a meow workspace"))
        #expect(try sqlite(dir.path + "/other.sqlite", "SELECT group_concat(name) FROM sqlite_schema") == "customers")
    }

    @Test func aNewerWorkspaceIsRefusedByAnOlderBinary() throws {
        _ = try sqlite(dir.path + "/meow.sqlite", "PRAGMA user_version = 99;")
        let r = try Meow.run(["status", "p"], in: dir.path)
        #expect(r.status != 0 && r.stderr.contains("newer meow (schema version 99"))
    }
}

@Suite("meow next --json and item metadata")
struct NextMetadataTests {
    /// Metadata travels with the item, but never overrules what meow writes itself: an item
    /// whose metadata holds "item" or "suggestion" keys is still handed out under its own id.
    @Test func metadataNeverOverrulesTheItemOrTheSuggestion() throws {
        let dir = try TempDir()
        _ = try dir.write("g.md", testGuideline)
        #expect(try Meow.run(["init", "p", "--guideline", "g.md"], in: dir.path).status == 0)
        _ = try dir.write("items.jsonl", #"{"id":"a1","text":"hello","item":"EVIL","suggestion":{"model":"fake"},"src":"x"}"# + "\n")
        #expect(try Meow.run(["import", "p", "items.jsonl"], in: dir.path).status == 0)
        try ack("u", in: dir.path)
        let r = try Meow.run(["next", "p", "--as", "u", "--json"], in: dir.path)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(object["item"] as? String == "a1" && object["suggestion"] == nil && object["src"] as? String == "x", "\(r.stdout)")
        #expect(r.stdout.components(separatedBy: "\"item\"").count == 2, "one item key: \(r.stdout)")
    }
}
