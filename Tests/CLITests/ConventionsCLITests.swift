import Foundation
import Testing

/// Issue 15.5 through the binary: --json on the reporting commands, --quiet, completions,
/// the man page, and no progress output when stderr is not a terminal.
@Suite("command-line conventions: --json, --quiet, completions, man page, progress")
struct ConventionsCLITests {
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

    /// Runs meow and parses its standard output as one JSON value.
    func json(_ args: [String], status: Int32 = 0) throws -> Any {
        let r = try Meow.run(args, in: dir.path)
        #expect(r.status == status, "\(args): \(r.stderr)")
        return try JSONSerialization.jsonObject(with: Data(r.stdout.utf8), options: [.fragmentsAllowed])
    }

    @Test func everyReportingCommandPrintsJSON() throws {
        let c = try #require(try json(["consensus", "reviews", "--json"]) as? [String: Any])
        #expect(c["method"] as? String == "majority" && c["items"] as? Int == 200 && c["disputed"] is Int, "\(c)")
        let least = try #require(c["least_confident"] as? [[String: Any]])
        #expect(least.first?["item"] is String && least.first?.keys.contains("label") == true)

        let queue = try #require(try json(["review", "reviews", "--list", "--json"]) as? [[String: Any]])
        #expect(queue.count >= 15 && (queue.first?["answers"] as? [[String: Any]])?.first?["annotator"] is String)
        #expect(queue.contains { $0["suggested"] is NSNull })   // ties: null, not missing
        #expect(try Meow.run(["review", "reviews", "--json"], in: dir.path).status == 64)

        #expect(try Meow.run(["freeze", "reviews", "--name", "test-v1", "--size", "10", "--seed", "3"], in: dir.path).status == 0)
        #expect(try Meow.run(["export", "reviews", "--split", "test", "--out", "test.jsonl"], in: dir.path).status == 0)
        let v = try #require(try json(["verify", "reviews", "test-v1", "test.jsonl", "--json"]) as? [String: Any])
        #expect(v["ok"] as? Bool == true && v["records"] as? Int == 10 && (v["set_hash"] as? String)?.count == 64)
        let lines = try String(contentsOfFile: dir.path + "/test.jsonl", encoding: .utf8).split(separator: "\n")
        _ = try dir.write("short.jsonl", lines.dropFirst().joined(separator: "\n") + "\n")
        let bad = try #require(try json(["verify", "reviews", "test-v1", "short.jsonl", "--json"], status: 1) as? [String: Any])
        #expect(bad["ok"] as? Bool == false && (bad["missing"] as? [String])?.count == 1)

        let changed = try String(contentsOfFile: dir.path + "/sentiment.md", encoding: .utf8)
            .replacingOccurrences(of: "  - value: mixed", with: "  - value: sarcastic\n    hotkey: k\n    definition: Says the opposite.\n    examples: [\"great, broke again\"]\n  - value: mixed")
        _ = try dir.write("sentiment2.md", changed)
        #expect(try Meow.run(["guideline", "update", "reviews", "sentiment2.md"], in: dir.path).status == 0)
        let versions = try #require(try json(["guideline", "versions", "reviews", "--json"]) as? [[String: Any]])
        #expect(versions.map { $0["version"] as? Int } == [1, 2] && versions[0]["changes"] is NSNull)
        #expect((versions[1]["changes"] as? [String: Any])?["added"] as? [String] == ["sarcastic"], "\(versions)")

        // Those that had it already still do.
        #expect((try json(["status", "reviews", "--json"]) as? [String: Any])?["completed"] as? Int == 200)
        #expect((try json(["annotators", "reviews", "--json"]) as? [[String: Any]])?.isEmpty == false)
        #expect((try json(["baselines", "reviews", "--json"]) as? [String: Any])?["frozen_set"] as? String == "test-v1")
    }

    @Test func quietSilencesMessagesButNeverWarningsOrErrors() throws {
        let loud = try Meow.run(["export", "reviews", "--out", "all.jsonl", "--no-test-set"], in: dir.path)
        #expect(loud.stderr.contains("exported ") && loud.stderr.contains("warning: no frozen test set"))
        let quiet = try Meow.run(["export", "reviews", "--out", "all.jsonl", "--no-test-set", "--quiet"], in: dir.path)
        #expect(quiet.status == 0 && !quiet.stderr.contains("exported ") && quiet.stderr.contains("warning: no frozen test set"), "\(quiet.stderr)")
        let q = try Meow.run(["export", "reviews", "--split", "train", "--out", "t.jsonl", "-q"], in: dir.path)
        #expect(q.status == 1 && q.stderr.contains("no frozen test set"), "\(q.stderr)")
        #expect(try Meow.run(["consensus", "reviews", "-q"], in: dir.path).stderr.isEmpty)
        #expect(try Meow.run(["freeze", "reviews", "--name", "t", "--size", "10"], in: dir.path).status == 0)
        let hf = try Meow.run(["export", "reviews", "--format", "hf", "--out", "ds", "-q"], in: dir.path)
        #expect(hf.status == 0 && hf.stderr.isEmpty && hf.stdout.isEmpty, "\(hf.stderr)")
    }

    @Test func noProgressOutputWhenStderrIsNotATerminal() throws {
        // MEOW_PROGRESS_AFTER=0 would draw at once on a terminal; here stderr is a file.
        let env = ["MEOW_PROGRESS_AFTER": "0"]
        for args in [["export", "reviews", "--out", "a.jsonl", "--no-test-set"], ["agreement", "reviews"],
                     ["import-annotations", "reviews", Meow.repoRoot + "/Samples/review-annotations.jsonl"],
                     ["import", "reviews", Meow.repoRoot + "/Samples/reviews.jsonl"]] {
            let r = try Meow.run(args, in: dir.path, env: env)
            #expect(r.status == 0, "\(args): \(r.stderr)")
            #expect(!r.stderr.contains("\r") && !r.stderr.contains("█") && !r.stderr.contains("\u{1B}["), "\(args): \(r.stderr)")
        }
    }

    @Test func completionScriptsNameTheSubcommands() throws {
        for shell in ["bash", "zsh", "fish"] {
            let r = try Meow.run(["--generate-completion-script", shell], in: dir.path)
            #expect(r.status == 0 && r.stdout.count > 1000, "\(shell): \(r.stderr)")
            for sub in ["import-annotations", "export", "freeze", "baselines", "guideline"] {
                #expect(r.stdout.contains(sub), "\(shell) completions lack \(sub)")
            }
        }
        // bash itself completes `meow ex` to export, and export's --format values.
        guard FileManager.default.isExecutableFile(atPath: "/bin/bash") else { return }
        let script = try Meow.run(["--generate-completion-script", "bash"], in: dir.path).stdout
        _ = try dir.write("meow.bash", script)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["-c", """
            source meow.bash
            COMP_WORDS=(meow ex); COMP_CWORD=1; COMP_LINE='meow ex'; COMP_POINT=7; _meow meow ex meow; echo "1: ${COMPREPLY[*]}"
            COMP_WORDS=(meow export p --format ''); COMP_CWORD=4; COMP_LINE='meow export p --format '; COMP_POINT=23; _meow meow '' --format; echo "2: ${COMPREPLY[*]}"
            """]
        p.currentDirectoryURL = URL(fileURLWithPath: dir.path)
        p.environment = ["PATH": (Meow.binary as NSString).deletingLastPathComponent + ":/usr/bin:/bin"]
        let out = Pipe()
        p.standardOutput = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(text.contains("1: export") && text.contains("hf") && text.contains("spacy"), "\(text)")
    }

    @Test func theManPageHasEverySubcommand() throws {
        let page = try Meow.run(["man"], in: dir.path)
        #expect(page.status == 0 && page.stdout.hasPrefix(".\\\"") && page.stdout.contains(".Dt MEOW 1"))
        // Every command ArgumentParser knows (its own dump of the tree), each with a section.
        let dump = try #require(try JSONSerialization.jsonObject(with: Data(Meow.run(["--experimental-dump-help"], in: dir.path).stdout.utf8)) as? [String: Any])
        var paths: [String] = []
        func walk(_ command: [String: Any], _ path: String) {
            for sub in command["subcommands"] as? [[String: Any]] ?? [] {
                guard let name = sub["commandName"] as? String, name != "help", sub["shouldDisplay"] as? Bool != false else { continue }
                paths.append(path + " " + name)
                walk(sub, path + " " + name)
            }
        }
        walk(try #require(dump["command"] as? [String: Any]), "meow")
        #expect(paths.count > 30 && paths.contains("meow guideline versions") && paths.contains("meow annotators role"))
        for p in paths { #expect(page.stdout.contains(".Ss \(p)\n"), "the man page lacks \(p)") }
        #expect(page.stdout.contains("--format <format>") && !page.stdout.contains(".Ss meow man\n"))
        // `meow man` is hidden from the command list it documents.
        #expect(!(try Meow.run(["--help"], in: dir.path).stdout.contains("\n  man ")))
    }
}
