import Foundation
import Testing
import Yams

/// The Python that reads exports back: `$MEOW_PYTHON`, else `/usr/bin/python3`. Tests that need
/// a package it lacks are skipped, and say which (CI installs none of them).
enum Python {
    static let path = ProcessInfo.processInfo.environment["MEOW_PYTHON"] ?? "/usr/bin/python3"

    static func has(_ module: String) -> Bool {
        guard FileManager.default.isExecutableFile(atPath: path) else { return false }
        return (try? run("import \(module)", args: []))?.status == 0
    }

    static func run(_ script: String, args: [String], in dir: String = NSTemporaryDirectory()) throws -> (status: Int32, output: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = ["-c", script] + args
        p.currentDirectoryURL = URL(fileURLWithPath: dir)
        var env = ProcessInfo.processInfo.environment
        env["HF_DATASETS_OFFLINE"] = "1"; env["HF_HUB_OFFLINE"] = "1"
        env["HF_HOME"] = dir + "/.hf"   // its cache stays in the test's folder
        p.environment = env
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    static let json = has("json") && has("yaml")
    static let pandas = has("pandas")
    static let datasets = has("datasets")
    static let spacy = has("spacy")
}

@Suite("meow export --format hf and --format spacy, read back by their consumers")
struct TrainingExportCLITests {
    let dir: TempDir
    init() throws {
        dir = try TempDir()
        for (project, guideline, items, answers) in [("reviews", "sentiment", "reviews", "review-annotations"),
                                                     ("ents", "entities", "news", "news-annotations")] {
            #expect(try Meow.run(["init", project, "--guideline", Meow.repoRoot + "/Guidelines/\(guideline).md"], in: dir.path).status == 0)
            #expect(try Meow.run(["import", project, Meow.repoRoot + "/Samples/\(items).jsonl"], in: dir.path).status == 0)
            #expect(try Meow.run(["import-annotations", project, Meow.repoRoot + "/Samples/\(answers).jsonl"], in: dir.path).status == 0)
            #expect(try Meow.run(["consensus", project], in: dir.path).status == 0)
        }
    }

    func export(_ args: [String]) throws -> MeowRun {
        let r = try Meow.run(["export"] + args, in: dir.path)
        #expect(r.status == 0, "\(r.stderr)")
        return r
    }

    func freeze() throws {
        #expect(try Meow.run(["freeze", "reviews", "--name", "test-v1", "--fraction", "0.2", "--seed", "7", "--stratify"], in: dir.path).status == 0)
        #expect(try Meow.run(["freeze", "ents", "--name", "t1", "--size", "3", "--seed", "1"], in: dir.path).status == 0)
    }

    func lines(_ path: String) throws -> [[String: Any]] {
        try String(contentsOfFile: dir.path + "/" + path, encoding: .utf8).split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    func card(_ folder: String) throws -> [String: Any] {
        let md = try String(contentsOfFile: dir.path + "/" + folder + "/README.md", encoding: .utf8)
        let parts = md.components(separatedBy: "---\n")
        #expect(md.hasPrefix("---\n") && parts.count >= 3)
        return try #require(try Yams.load(yaml: parts[1]) as? [String: Any])
    }

    @Test func theFolderHoldsBothSplitsAndACardWhoseCountsMatch() throws {
        try freeze()
        let r = try export(["reviews", "--format", "hf", "--out", "ds"])
        #expect(r.stdout.isEmpty && r.stderr.contains("exported 148 train and 37 test rows"), "\(r.stderr)")
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: dir.path + "/ds")) == ["README.md", "train.jsonl", "test.jsonl"])
        let train = try lines("ds/train.jsonl"), test = try lines("ds/test.jsonl")
        let fm = try card("ds")
        let splits = try #require((fm["dataset_info"] as? [String: Any])?["splits"] as? [[String: Any]])
        #expect(splits.map { $0["name"] as? String } == ["train", "test"] && splits.map { $0["num_examples"] as? Int } == [train.count, test.count])
        let files = try #require(((fm["configs"] as? [[String: Any]])?.first?["data_files"]) as? [[String: Any]])
        #expect(files.map { $0["path"] as? String } == ["train.jsonl", "test.jsonl"])
        // The test split is the frozen set, and no frozen item is in train.
        let frozen = try #require((fm["meow"] as? [String: Any])?["frozen_set"] as? [String: Any])
        #expect(frozen["name"] as? String == "test-v1" && frozen["items"] as? Int == 37 && frozen["krippendorff_alpha"] is Double)
        let testItems = Set(test.compactMap { $0["item"] as? String })
        #expect(testItems.count == 37 && !train.contains { testItems.contains($0["item"] as? String ?? "") })
        #expect(Set(train.map { Array($0.keys).sorted() }.map { $0.joined(separator: ",") }) == ["item,label,text"])
        #expect(!(try FileManager.default.contentsOfDirectory(atPath: dir.path).contains { $0.contains(".partial-") }))
    }

    @Test func anExistingFolderIsReplacedOnlyWithForceAndOnlyWhenItHoldsAnExport() throws {
        try freeze()
        _ = try export(["reviews", "--format", "hf", "--out", "ds"])
        let before = try String(contentsOfFile: dir.path + "/ds/train.jsonl", encoding: .utf8)
        let refused = try Meow.run(["export", "reviews", "--format", "hf", "--out", "ds"], in: dir.path)
        #expect(refused.status == 1 && refused.stderr.contains("not empty; --force"), "\(refused.stderr)")
        #expect(try String(contentsOfFile: dir.path + "/ds/train.jsonl", encoding: .utf8) == before)
        _ = try export(["reviews", "--format", "hf", "--out", "ds", "--force"])
        // A folder holding anything else is never wiped, --force or not.
        _ = try dir.write("ds/notes.txt", "mine")
        let foreign = try Meow.run(["export", "reviews", "--format", "hf", "--out", "ds", "--force"], in: dir.path)
        #expect(foreign.status == 1 && foreign.stderr.contains("'notes.txt'"), "\(foreign.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.path + "/ds/notes.txt"))
        // Nor a database that merely has an export's name.
        try FileManager.default.removeItem(atPath: dir.path + "/ds/notes.txt")
        try FileManager.default.copyItem(atPath: dir.path + "/meow.sqlite", toPath: dir.path + "/ds/other.jsonl")
        let database = try Meow.run(["export", "reviews", "--format", "hf", "--out", "ds", "--force"], in: dir.path)
        #expect(database.status == 1 && database.stderr.contains("a SQLite database"), "\(database.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.path + "/ds/other.jsonl"))
        let home = try Meow.run(["export", "reviews", "--format", "hf", "--out", ".", "--force"], in: dir.path)
        #expect(home.status == 1 && FileManager.default.fileExists(atPath: dir.path + "/meow.sqlite"))
        #expect(try Meow.run(["export", "reviews", "--format", "hf", "--split", "test", "--out", "x"], in: dir.path).status == 64)
        #expect(!(try FileManager.default.contentsOfDirectory(atPath: dir.path)).contains { $0.contains(".partial-") || $0 == "x" })
    }

    @Test func withoutAFrozenSetOnlyTrainAndTheCardSaysSo() throws {
        let refused = try Meow.run(["export", "reviews", "--format", "hf", "--out", "ds"], in: dir.path)
        #expect(refused.status == 1 && refused.stderr.contains("no frozen test set") && !FileManager.default.fileExists(atPath: dir.path + "/ds"))
        let r = try export(["reviews", "--format", "hf", "--out", "ds", "--no-test-set"])
        #expect(r.stderr.contains("warning: no frozen test set"))
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: dir.path + "/ds")) == ["README.md", "train.jsonl"])
        #expect(try String(contentsOfFile: dir.path + "/ds/README.md", encoding: .utf8).contains("No test set was frozen"))
    }

    @Test func spansExportAsSpacyJSONLAndAsADatasetWithSpanLists() throws {
        try freeze()
        _ = try export(["ents", "--format", "spacy", "--out", "e.jsonl"])
        let rows = try lines("e.jsonl")
        let n01 = try #require(rows.first { $0["item"] as? String == "n01" })
        #expect(Set(n01.keys) == ["item", "text", "spans"])
        #expect((n01["spans"] as? [[String: Any]])?.first.map { [$0["start"] as? Int, $0["end"] as? Int] } == [0, 13])
        #expect(try Meow.run(["export", "reviews", "--format", "spacy", "--out", "x.jsonl"], in: dir.path).stderr.contains("for spans projects"))
        _ = try export(["ents", "--format", "hf", "--out", "ents-ds"])
        let features = try #require((try card("ents-ds")["dataset_info"] as? [String: Any])?["features"] as? [[String: Any]])
        #expect(features.last?["name"] as? String == "spans" && features.last?["list"] is [Any])
    }
}

/// The same exports read by Python's own readers, when this machine's Python has them.
@Suite("exports read back by Python")
struct TrainingExportPythonTests {
    let base: TrainingExportCLITests
    init() throws {
        base = try TrainingExportCLITests()
        try base.freeze()
        _ = try base.export(["reviews", "--format", "hf", "--out", "ds"])
        _ = try base.export(["ents", "--format", "spacy", "--out", "e.jsonl"])
    }

    @Test(.enabled(if: Python.json, "needs python3 with json and yaml (PyYAML)"))
    func pythonsJSONAndYAMLReadTheFolder() throws {
        let r = try Python.run("""
            import json, sys, yaml
            card = yaml.safe_load(open(sys.argv[1] + '/README.md').read().split('---\\n')[1])
            for s in card['dataset_info']['splits']:
                rows = [json.loads(l) for l in open(sys.argv[1] + '/' + s['name'] + '.jsonl')]
                assert len(rows) == s['num_examples'], (s, len(rows))
                names = card['dataset_info']['features'][2]['dtype']['class_label']['names']
                assert all(r['label'] in names.values() for r in rows)
            print('ok', [s['num_examples'] for s in card['dataset_info']['splits']])
            """, args: [base.dir.path + "/ds"])
        #expect(r.status == 0 && r.output.contains("ok [148, 37]"), "\(r.output)")
    }

    @Test(.enabled(if: Python.pandas, "needs pandas (not installed for \(Python.path))"))
    func pandasReadsEachSplit() throws {
        let r = try Python.run("""
            import pandas, sys
            for s, n in (('train', 148), ('test', 37)):
                df = pandas.read_json(sys.argv[1] + '/' + s + '.jsonl', lines=True)
                assert list(df.columns) == ['item', 'text', 'label'] and len(df) == n, (s, df.columns, len(df))
            print('ok')
            """, args: [base.dir.path + "/ds"])
        #expect(r.status == 0 && r.output.contains("ok"), "\(r.output)")
    }

    @Test(.enabled(if: Python.datasets, "needs Hugging Face datasets (not installed for \(Python.path))"))
    func datasetsLoadsTheFolderWithClassLabels() throws {
        let r = try Python.run("""
            import datasets, sys
            ds = datasets.load_dataset(sys.argv[1])
            assert ds['train'].num_rows == 148 and ds['test'].num_rows == 37, ds
            assert ds['train'].features['label'].names == ['positive', 'negative', 'neutral', 'mixed']
            print('ok')
            """, args: [base.dir.path + "/ds"], in: base.dir.path)
        #expect(r.status == 0 && r.output.contains("ok"), "\(r.output)")
    }

    @Test(.enabled(if: Python.spacy, "needs spaCy (not installed for \(Python.path))"))
    func spacyTakesEverySpanAsACharSpan() throws {
        let r = try Python.run("""
            import json, spacy, sys
            nlp = spacy.blank('xx')
            n = 0
            for line in open(sys.argv[1]):
                row = json.loads(line)
                doc = nlp.make_doc(row['text'])
                for s in row['spans']:
                    span = doc.char_span(s['start'], s['end'], label=s['label'], alignment_mode='strict')
                    assert span is not None and span.text == row['text'][s['start']:s['end']], (row, s)
                    n += 1
            print('ok', n)
            """, args: [base.dir.path + "/e.jsonl"])
        #expect(r.status == 0 && r.output.contains("ok"), "\(r.output)")
    }
}
