import Foundation
import Testing

/// `meow report` through the binary: the page, the JSON, the output file rules, an empty project.
@Suite("meow report")
struct ReportCLITests {
    /// A label made of markup: the page must show it as text.
    static let hostile = "<script>x</script>"
    static let guideline = """
    ---
    name: t
    task: classify
    overlap: 2
    labels:
      - value: "\(hostile)"
        hotkey: p
        definition: Markup as a label.
      - value: neg
        hotkey: n
        definition: Negative.
    ---
    Label it. When unsure, flag it.
    """

    let dir: TempDir
    init() throws {
        dir = try TempDir()
        _ = try dir.write("g.md", Self.guideline)
        _ = try dir.write("items.jsonl", (1...6).map { #"{"id":"i\#($0)","text":"item number \#($0)"}"# }.joined(separator: "\n"))
        #expect(try Meow.run(["init", "p", "--guideline", "g.md"], in: dir.path).status == 0)
        #expect(try Meow.run(["import", "p", "items.jsonl"], in: dir.path).status == 0)
    }

    /// Two annotators on items 1-5 (agreeing on 1-3), one on item 6.
    func answer() throws {
        var rows = ["item,annotator,label"]
        for i in 1...5 { rows += ["i\(i),ann,\"\(Self.hostile)\"", "i\(i),bob,\(i <= 3 ? "\"\(Self.hostile)\"" : "neg")"] }
        rows.append("i6,ann,neg")
        _ = try dir.write("answers.csv", rows.joined(separator: "\n"))
        let r = try Meow.run(["import-annotations", "p", "answers.csv"], in: dir.path)
        #expect(r.status == 0, "\(r.stderr)")
    }

    static func json(_ r: MeowRun) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "\(r.stdout)\(r.stderr)")
    }

    @Test func thePageAndTheJSONShowTheSameProject() throws {
        try answer()
        #expect(try Meow.run(["consensus", "p"], in: dir.path).status == 0)
        let f = try Meow.run(["freeze", "p", "--name", "test-1", "--size", "2"], in: dir.path)
        #expect(f.status == 0, "\(f.stderr)")

        let r = try Meow.run(["report", "p", "--html", "r.html"], in: dir.path)
        #expect(r.status == 0 && r.stdout.isEmpty, "\(r.stderr)")
        let html = try String(contentsOfFile: dir.path + "/r.html", encoding: .utf8)
        #expect(html.hasPrefix("<!doctype html>") && html.hasSuffix("</html>\n"))
        #expect(!html.contains("<script") && html.contains("&lt;script&gt;x&lt;/script&gt;"))
        #expect(!html.contains("http://") && !html.contains("https://"))
        for heading in ["Progress over time", "Throughput per annotator", "Agreement by guideline version", "Label distribution",
                        "Confusion between annotators", "Consensus", "Frozen test sets"] {
            #expect(html.contains("<h2>\(heading)</h2>"))
        }
        #expect(html.contains("test-1") && html.contains("No gold checks or qualification answers yet."))

        let j = try Self.json(try Meow.run(["report", "p", "--json"], in: dir.path))
        #expect(j["project"] as? String == "p" && j["items"] as? Int == 6 && j["answers"] as? Int == 11)
        let labels = try #require(j["labels"] as? [[String: Any]])
        #expect(labels.map { $0["label"] as? String } == [Self.hostile, "neg"] && labels.map { $0["count"] as? Int } == [8, 3])
        let versions = try #require(j["agreement_by_version"] as? [[String: Any]])
        #expect(versions.count == 1 && versions[0]["pairable_items"] as? Int == 5)
        #expect(versions[0]["krippendorff_alpha_nominal"] is Double)
        let people = try #require(j["annotators"] as? [[String: Any]])
        #expect(people.map { $0["name"] as? String } == ["ann", "bob"])
        #expect(people.allSatisfy { $0["items_per_hour"] is NSNull && $0["gold_accuracy"] is NSNull })
        let confusion = try #require(j["confusion"] as? [String: Any])
        #expect(confusion["pairs"] as? Int == 5 && confusion["counts"] as? [[Int]] == [[3, 2], [2, 0]])
        // Items 1-5 complete: 1-3 agree (final), 4-5 tie (disputed); item 6 waits for an answer.
        #expect(j["consensus"] as? [String: Int] == ["final": 3, "disputed": 2, "pending": 1])
        let sets = try #require(j["frozen_sets"] as? [[String: Any]])
        #expect(sets.count == 1 && sets[0]["name"] as? String == "test-1" && sets[0]["size"] as? Int == 2)
        #expect((sets[0]["set_hash"] as? String)?.count == 64)

        // `--html -` is the page on standard output.
        let piped = try Meow.run(["report", "p", "--html", "-"], in: dir.path)
        let stamps = (try #require(Self.generated(html)), try #require(Self.generated(piped.stdout)))
        #expect(piped.status == 0 && piped.stdout == html.replacingOccurrences(of: stamps.0, with: stamps.1))
    }

    /// The "Generated …" line, which differs between two runs.
    static func generated(_ html: String) -> String? {
        guard let start = html.range(of: "Generated "), let end = html.range(of: ".</span>", range: start.upperBound..<html.endIndex) else { return nil }
        return String(html[start.lowerBound..<end.upperBound])
    }

    @Test func theWorkspaceIsNeverTheOutputAndAFormatIsRequired() throws {
        try answer()
        let before = try Data(contentsOf: URL(fileURLWithPath: dir.path + "/meow.sqlite"))
        let refused = try Meow.run(["report", "p", "--html", "meow.sqlite"], in: dir.path)
        #expect(refused.status == 1 && refused.stderr.contains("meow.sqlite"), "\(refused.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir.path + "/meow.sqlite")) == before)
        let none = try Meow.run(["report", "p"], in: dir.path)
        #expect(none.status == 64 && none.stderr.contains("--html FILE, --json"))
        let both = try Meow.run(["report", "p", "--html", "-", "--json"], in: dir.path)
        #expect(both.status == 64)
        let unknown = try Meow.run(["report", "nope", "--json"], in: dir.path)
        #expect(unknown.status == 1 && unknown.stdout.isEmpty)
        // A refused write leaves an existing report as it was.
        _ = try dir.write("old.html", "old")
        #expect(try Meow.run(["report", "nope", "--html", "old.html"], in: dir.path).status == 1)
        #expect(try String(contentsOfFile: dir.path + "/old.html", encoding: .utf8) == "old")
    }

    @Test func aProjectWithoutAnswersGetsMessagesAndNulls() throws {
        let r = try Meow.run(["report", "p", "--html", "empty.html", "--json"], in: dir.path)
        #expect(r.status == 0, "\(r.stderr)")
        let j = try Self.json(r)
        #expect(j["answers"] as? Int == 0 && (j["progress"] as? [String: Any])?["buckets"] as? [Any] != nil)
        #expect(((j["progress"] as? [String: Any])?["buckets"] as? [Any])?.isEmpty == true)
        #expect((j["agreement_by_version"] as? [Any])?.isEmpty == true && (j["labels"] as? [Any])?.isEmpty == true)
        #expect(j["consensus"] as? [String: Int] == ["final": 0, "disputed": 0, "pending": 6])
        let html = try String(contentsOfFile: dir.path + "/empty.html", encoding: .utf8)
        #expect(html.contains("No answers yet.") && html.contains("No item has two or more answers yet."))
        // The only chart: the six items waiting, in the consensus bar.
        #expect(html.components(separatedBy: "<svg").count == 2 && html.contains("pending 6"))
    }
}
