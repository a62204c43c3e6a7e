import Foundation
import Testing
import Yams
@testable import MeowCore

/// The Hugging Face card and rows, and the spaCy rows, without a workspace.
@Suite("training exports: Hugging Face card and rows, spaCy rows")
struct TrainingExportTests {
    static let guideline = """
    ---
    name: yn
    title: "Yes or no: a \\"tricky\\" title"
    task: classify
    overlap: 2
    labels:
      - {value: "yes", hotkey: y, definition: "Agrees.", examples: ["sure"]}
      - {value: "no", hotkey: n, definition: "Disagrees.", examples: ["nope"]}
      - {value: "1.0", hotkey: o, definition: "A number-like label.", examples: ["x"]}
    ---
    Body.
    """

    func card(_ g: Guideline, splits: [HuggingFaceCard.SplitFile], frozen: HuggingFaceCard.FrozenFacts?) -> HuggingFaceCard {
        HuggingFaceCard(project: "p", guideline: g, guidelineVersion: 3, splits: splits, classNames: g.labels.map(\.value) + ["old"],
                        frozen: frozen, exportedAt: "2026-12-01T00:00:00Z", exportedBy: "alice", keptOut: (5, 1, 0))
    }

    /// The front matter of a rendered card, parsed back by Yams.
    func frontMatter(_ md: String) throws -> [String: Any] {
        #expect(md.hasPrefix("---\n"))
        let end = try #require(md.range(of: "\n---\n", range: md.index(md.startIndex, offsetBy: 4)..<md.endIndex))
        let yaml = String(md[md.index(md.startIndex, offsetBy: 4)..<end.lowerBound])
        return try #require(try Yams.load(yaml: yaml) as? [String: Any])
    }

    @Test func theCardsYAMLParsesWithSplitsFeaturesAndMeowFacts() throws {
        let g = try Guideline.parse(Self.guideline)
        let splits = [HuggingFaceCard.SplitFile(name: "train", path: "train.jsonl", rows: 12, bytes: 900, sha256: "ab"),
                      HuggingFaceCard.SplitFile(name: "test", path: "test.jsonl", rows: 4, bytes: 300, sha256: "cd")]
        let facts = HuggingFaceCard.FrozenFacts(name: "test-v1", setHash: "ff", items: 4, krippendorffAlpha: 0.5, percentAgreement: nil)
        let fm = try frontMatter(try card(g, splits: splits, frozen: facts).render())
        #expect(fm["pretty_name"] as? String == "Yes or no: a \"tricky\" title")
        let config = try #require((fm["configs"] as? [[String: Any]])?.first)
        let files = try #require(config["data_files"] as? [[String: Any]])
        #expect(files.map { $0["split"] as? String } == ["train", "test"] && files.map { $0["path"] as? String } == ["train.jsonl", "test.jsonl"])
        let info = try #require(fm["dataset_info"] as? [String: Any])
        let sizes = try #require(info["splits"] as? [[String: Any]])
        #expect(sizes.map { $0["num_examples"] as? Int } == [12, 4] && sizes.map { $0["num_bytes"] as? Int } == [900, 300])
        let features = try #require(info["features"] as? [[String: Any]])
        #expect(features.map { $0["name"] as? String } == ["item", "text", "label"])
        // Label names stay strings in any YAML reader ("yes" is not a boolean, "1.0" not a number).
        let names = try #require((((features[2]["dtype"] as? [String: Any])?["class_label"] as? [String: Any])?["names"]) as? [String: Any])
        #expect(names["0"] as? String == "yes" && names["2"] as? String == "1.0" && names["3"] as? String == "old" && names.count == 4)
        let meow = try #require(fm["meow"] as? [String: Any])
        #expect(meow["guideline_version"] as? Int == 3 && meow["guideline_sha256"] as? String == g.contentHash)
        let frozen = try #require(meow["frozen_set"] as? [String: Any])
        #expect(frozen["name"] as? String == "test-v1" && frozen["set_sha256"] as? String == "ff" && frozen["krippendorff_alpha"] as? Double == 0.5)
        #expect(frozen.keys.contains("percent_agreement") && !(frozen["percent_agreement"] is Double))
        #expect((meow["kept_out_of_train"] as? [String: Any])?["frozen"] as? Int == 5)
    }

    @Test func featuresFollowTheTask() throws {
        let spans = try Guideline.parse(String(contentsOfFile: repoRoot + "/Guidelines/entities.md", encoding: .utf8))
        let fm = try frontMatter(try card(spans, splits: [.init(name: "train", path: "train.jsonl", rows: 1, bytes: 10, sha256: "x")], frozen: nil).render())
        let features = try #require((fm["dataset_info"] as? [String: Any])?["features"] as? [[String: Any]])
        let list = try #require(features.last?["list"] as? [[String: Any]])
        #expect(features.last?["name"] as? String == "spans" && list.map { $0["name"] as? String } == ["start", "end", "label"])
        #expect(fm["task_categories"] as? [String] == ["token-classification"])
        // No frozen set: the key is there, and null.
        #expect(!((fm["meow"] as? [String: Any])?["frozen_set"] is [String: Any]))
    }

    @Test func rowsPerTask() throws {
        let s = TrainingExport.Source(item: "n1", text: "東京で👍🏽 Obama", label: "6:11:PER")
        #expect(TrainingExport.spacyRow(s) == #"{"item":"n1","text":"東京で👍🏽 Obama","spans":[{"start":6,"end":11,"label":"PER"}]}"# + "\n")
        #expect(TrainingExport.huggingFaceRow(task: .multilabel, .init(item: "a", text: "t", label: "x,y")) == #"{"item":"a","text":"t","labels":["x","y"]}"# + "\n")
        #expect(TrainingExport.huggingFaceRow(task: .rate, .init(item: "a", text: "t", label: "4")) == #"{"item":"a","text":"t","rating":4}"# + "\n")
        // Comparisons: the preference pair; a tie is no pair.
        let pair = #"{"prompt":"q","a":"A1","b":"B1"}"#
        #expect(TrainingExport.huggingFaceRow(task: .compare, .init(item: "p", text: pair, label: "b")) == #"{"item":"p","prompt":"q","chosen":"B1","rejected":"A1"}"# + "\n")
        #expect(TrainingExport.huggingFaceRow(task: .compare, .init(item: "p", text: pair, label: "tie")) == nil)
        #expect(TrainingExport.huggingFaceRow(task: .rate, .init(item: "a", text: "t", label: "x")) == nil)
    }

    @Test func linesSurviveAnyChunking() throws {
        let text = Array("{\"a\":1}\n{\"b\":22}\n{\"c\":333}".utf8)
        for cut in 0...text.count {
            var splitter = LineSplitter()
            var lines: [String] = []
            splitter.feed(Array(text[0..<cut])) { lines.append(String(decoding: $0, as: UTF8.self)) }
            splitter.feed(Array(text[cut...])) { lines.append(String(decoding: $0, as: UTF8.self)) }
            splitter.finish { lines.append(String(decoding: $0, as: UTF8.self)) }
            #expect(lines == ["{\"a\":1}", "{\"b\":22}", "{\"c\":333}"], "cut at \(cut)")
        }
    }

    @Test func theManPageHasEveryCommandAndNeutralizesRoffRequests() {
        let page = ManPage(name: "meow", abstract: "A \\ test", date: "December 1, 2026", overview: "Overview.",
                           commands: [.init(path: "meow export", abstract: "Export.", help: ".TH evil\nUSAGE: meow export"),
                                      .init(path: "meow guideline check", abstract: "Check.", help: "'quote")],
                           environment: [("MEOW_DB", "The workspace.")], exitStatus: [("0", "Success.")]).render()
        #expect(page.contains(".Ss meow export\n.Bd -literal\n\\&.TH evil\nUSAGE: meow export\n.Ed\n"))
        #expect(page.contains(".It Cm meow guideline check\n") && page.contains("\\&'quote\n") && page.contains(".Nd A \\e test\n"))
    }
}

private let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent().path
