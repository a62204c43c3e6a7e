import Foundation
import Testing

/// The README's "A first session", run as a new user types it: every command line of the
/// block, in order, in a fresh folder holding the shipped Guidelines/ and Samples/.
@Suite("README: a first session, literally")
struct ReadmeFirstSessionTests {
    /// The command lines of the first shell block after "## A first session".
    static func firstSessionCommands() throws -> [String] {
        let readme = try String(contentsOfFile: Meow.repoRoot + "/README.md", encoding: .utf8)
        guard let section = readme.range(of: "## A first session"),
              let open = readme.range(of: "```sh\n", range: section.upperBound..<readme.endIndex),
              let close = readme.range(of: "```", range: open.upperBound..<readme.endIndex) else {
            Issue.record("README has no first-session block")
            return []
        }
        return readme[open.upperBound..<close.lowerBound].split(separator: "\n").map { line in
            // Strip the trailing comment (commands here hold no '#').
            String(line.split(separator: "#", maxSplits: 1).first ?? "").trimmingCharacters(in: .whitespaces)
        }.filter { !$0.isEmpty }
    }

    @Test func everyCommandDoesWhatItSays() throws {
        let commands = try Self.firstSessionCommands()
        #expect(commands.count >= 10)
        let dir = try TempDir()
        for folder in ["Guidelines", "Samples"] {
            try FileManager.default.copyItem(atPath: Meow.repoRoot + "/" + folder, toPath: dir.path + "/" + folder)
        }
        var ran: [String] = []
        for line in commands {
            // The build line is what `swift test` already did.
            if line.hasPrefix("swift build") { continue }
            #expect(line.hasPrefix("meow "), "\(line)")
            let args = line.dropFirst(5).split(separator: " ").map(String.init)
            // A person takes longer than the guideline's min_seconds between reading and answering.
            if args.first == "submit" { Thread.sleep(forTimeInterval: 1.6) }
            let r = try Meow.run(args, in: dir.path)
            #expect(r.status == 0, "`\(line)` exited \(r.status): \(r.stderr)")
            ran.append(args.first ?? "")
        }
        #expect(ran.contains("next") && ran.contains("submit") && ran.contains("export"))
        // What the comments promise.
        let db = dir.path + "/meow.sqlite"
        let labels = try String(contentsOfFile: dir.path + "/labels.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(labels.count > 150)
        #expect(String(labels.count) == (try sqlite(db, "SELECT count(*) FROM final_label WHERE label IS NOT NULL")), "one row per item with a final label")
        let answers = try String(contentsOfFile: dir.path + "/answers.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(answers.count == 600, "every answer: the colleagues' 600 labels")
        #expect(String(answers.count) == (try sqlite(db, "SELECT count(*) FROM annotation")))
        let q = try sqlite(dir.path + "/meow.sqlite", "SELECT count(*) FROM qualification WHERE annotator = 'alice'")
        #expect(q == "1", "alice's first answer was a qualification item")
    }
}
