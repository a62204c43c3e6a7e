import Foundation
import Testing

/// `meow import-annotations` on Label Studio and Prodigy exports (issue 15.1), through the
/// binary. The fixtures (Fixtures/foreign, with the formats' sources in its README) hold the
/// same 18 labels as a long-format file, so every route must give the same agreement.
@Suite("meow import-annotations from Label Studio and Prodigy")
struct ForeignImportCLITests {
    static let fixtures = Meow.repoRoot + "/Tests/CLITests/Fixtures/foreign/"

    func run(_ args: [String], _ dir: TempDir) throws -> MeowRun { try Meow.run(args, in: dir.path) }

    func initProject(_ name: String, _ guideline: String, _ dir: TempDir) throws {
        let r = try run(["init", name, "--guideline", Self.fixtures + guideline], dir)
        #expect(r.status == 0, "\(r.stderr)")
    }

    func alpha(_ project: String, _ dir: TempDir) throws -> [String: Any] {
        let r = try run(["agreement", project, "--json"], dir)
        #expect(r.status == 0, "\(r.stderr)")
        let j = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        return try #require(j["krippendorff_alpha"] as? [String: Any])
    }

    func count(_ sql: String, _ dir: TempDir) throws -> String { try sqlite(dir.path + "/meow.sqlite", sql) }

    @Test func labelStudioAndProdigyReproduceTheLongFormatAgreement() throws {
        let dir = try TempDir()
        for p in ["long", "ls", "prodigy"] { try initProject(p, "sentiment.md", dir) }
        #expect(try run(["import", "long", Self.fixtures + "sentiment-items.jsonl"], dir).status == 0)
        #expect(try run(["import-annotations", "long", Self.fixtures + "sentiment-long.jsonl"], dir).status == 0)

        let ls = try run(["import-annotations", "ls", Self.fixtures + "label-studio-sentiment.json"], dir)
        #expect(ls.status == 0, "\(ls.stderr)")
        #expect(ls.stdout.contains("items: 6 new"))
        #expect(ls.stdout.contains("answers: 18 new"))
        #expect(ls.stdout.contains("alice@example.org, carol@example.org, ls-2"))
        #expect(ls.stdout.contains("not imported: 1 answer cancelled in Label Studio"))
        #expect(ls.stdout.contains("kept as item metadata: data.source, meta"))
        #expect(ls.stdout.contains("annotations[].lead_time"))
        #expect(ls.stdout.contains("predictions"))

        let pr = try run(["import-annotations", "prodigy", Self.fixtures + "prodigy-sentiment.jsonl", "--prodigy-dataset", "sentiment"], dir)
        #expect(pr.status == 0, "\(pr.stderr)")
        #expect(pr.stdout.contains("answers: 18 new"))
        #expect(pr.stdout.contains("(alice, bob, carol)"))
        #expect(pr.stdout.contains("1 answer ignored in Prodigy"))
        #expect(pr.stdout.contains("1 answer rejected in Prodigy"))
        #expect(pr.stdout.contains("kept as item metadata: _task_hash, meta"))

        let expected = try alpha("long", dir)
        for p in ["ls", "prodigy"] {
            let got = try alpha(p, dir)
            for level in ["nominal", "ordinal", "interval"] {
                let e = try #require(expected[level] as? Double), g = try #require(got[level] as? Double)
                #expect(abs(e - g) < 1e-12, "\(p) \(level): \(g) vs \(e)")
            }
        }
        // Item ids: Label Studio task ids, Prodigy input hashes; metadata kept as JSON.
        let project = "(SELECT id FROM project WHERE name = 'ls')"
        #expect(try count("SELECT group_concat(external_id, ' ') FROM (SELECT external_id FROM item WHERE project_id = \(project) ORDER BY id)", dir) == "1 2 3 4 5 6")
        #expect(try count("SELECT metadata FROM item WHERE project_id = \(project) AND external_id = '1'", dir) == #"{"meta":{"batch":"b1"},"source":"shop-1"}"#)
        #expect(try count("SELECT external_id FROM item WHERE project_id = (SELECT id FROM project WHERE name = 'prodigy') AND text LIKE 'Battery%'", dir) == "-1002")

        // Re-importing finds the same items and answers.
        let again = try run(["import-annotations", "ls", Self.fixtures + "label-studio-sentiment.json", "--from", "label-studio"], dir)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("items: 0 new, 6 already present; answers: 0 new, 18 already present"))
    }

    @Test func unknownLabelsAreRefusedWithTheirListAndNothingIsWritten() throws {
        let dir = try TempDir()
        try initProject("p", "sentiment.md", dir)
        let r = try run(["import-annotations", "p", Self.fixtures + "label-studio-unknown-labels.json"], dir)
        #expect(r.status != 0)
        #expect(r.stderr.contains("labels not in the guideline: 'Mixed' (2 answers, first at task 1), 'sarcasm' (1 answer, first at task 3)"), "\(r.stderr)")
        #expect(r.stderr.contains("pos, neg, neutral"))
        #expect(try count("SELECT count(*) FROM item", dir) == "0")
        #expect(try count("SELECT count(*) FROM annotation", dir) == "0")
    }

    /// Label Studio counts span offsets in UTF-16 code units: the 🎉 before the names is two
    /// of them and one code point, so "Angela Merkel" at 3..16 there is 2..15 in meow.
    @Test func labelStudioUTF16SpanOffsetsBecomeCodePoints() throws {
        let dir = try TempDir()
        try initProject("ents", "entities.md", dir)
        let r = try run(["import-annotations", "ents", Self.fixtures + "label-studio-entities.json"], dir)
        #expect(r.status == 0, "\(r.stderr)")
        let labels = try count("SELECT group_concat(annotator || '=' || label, ' ') FROM (SELECT annotator, label FROM annotation ORDER BY id)", dir)
        #expect(labels == "alice@example.org=2:15:PER,24:29:LOC ls-2=2:15:PER alice@example.org=")
        let export = try run(["export", "ents", "--raw", "--out", "raw.jsonl"], dir)
        #expect(export.status == 0, "\(export.stderr)")
        let raw = try String(contentsOfFile: dir.path + "/raw.jsonl", encoding: .utf8)
        #expect(raw.contains(#"{"start":2,"end":15,"label":"PER","text":"Angela Merkel"}"#))
        #expect(raw.contains(#"{"start":24,"end":29,"label":"LOC","text":"Paris"}"#))
    }

    @Test func anUnparseableProdigyLineNamesTheFileAndLine() throws {
        let dir = try TempDir()
        try initProject("p", "sentiment.md", dir)
        let file = Self.fixtures + "prodigy-broken.jsonl"
        let r = try run(["import-annotations", "p", file], dir)
        #expect(r.status != 0)
        #expect(r.stderr.contains("\(file):3: invalid JSON at column 19"), "\(r.stderr)")
        #expect(try count("SELECT count(*) FROM item", dir) == "0")
        // A long-format layout given explicitly reads the file as before.
        let long = try run(["import-annotations", "p", file, "--format", "jsonl"], dir)
        #expect(long.stderr.contains("\(file):1: missing \"item\""), "\(long.stderr)")
    }

    /// The store can still refuse when the project has items: an item's text under another id.
    /// The rehearsal on a snapshot catches it, so not even the other items go in.
    @Test func aTextAlreadyInTheProjectUnderAnotherIdImportsNothing() throws {
        let dir = try TempDir()
        try initProject("p", "sentiment.md", dir)
        _ = try dir.write("one.jsonl", #"{"id":"x1","text":"Great phone, love it."}"# + "\n")
        #expect(try run(["import", "p", "one.jsonl"], dir).status == 0)
        let r = try run(["import-annotations", "p", Self.fixtures + "label-studio-sentiment.json"], dir)
        #expect(r.status != 0)
        #expect(r.stderr.contains("1 item has a text the project already holds under another id"), "\(r.stderr)")
        #expect(try count("SELECT count(*) FROM item", dir) == "1")
        #expect(try count("SELECT count(*) FROM annotation", dir) == "0")
    }

    @Test func anAnswerDifferentFromAStoredOneImportsNothing() throws {
        let dir = try TempDir()
        try initProject("p", "sentiment.md", dir)
        #expect(try run(["import", "p", Self.fixtures + "sentiment-items.jsonl"], dir).status == 0)
        _ = try dir.write("one.jsonl", #"{"item":"6","annotator":"ls-2","label":"neg"}"# + "\n")
        #expect(try run(["import-annotations", "p", "one.jsonl"], dir).status == 0)
        let r = try run(["import-annotations", "p", Self.fixtures + "label-studio-sentiment.json"], dir)
        #expect(r.status != 0)
        #expect(r.stderr.contains("task 6 (id 6): ls-2 already labeled '6' as 'neg', not 'pos'"), "\(r.stderr)")
        #expect(try count("SELECT count(*) FROM annotation", dir) == "1")
    }

    @Test func onlyAnAdminImportsOtherPeoplesAnswers() throws {
        let dir = try TempDir()
        try initProject("p", "sentiment.md", dir)
        let r = try Meow.run(["import-annotations", "p", Self.fixtures + "prodigy-sentiment.jsonl"], in: dir.path, env: ["USER": "mallory"])
        #expect(r.status != 0)
        #expect(r.stderr.contains("only an admin of 'p'"), "\(r.stderr)")
        #expect(try count("SELECT count(*) FROM item", dir) == "0")
    }
}
