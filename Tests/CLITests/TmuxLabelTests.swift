import Foundation
import Testing

/// Drives the real `meow label` in a real terminal (tmux), as an annotator would.
final class Tmux {
    let session = "meow-test-\(UUID().uuidString.prefix(8))"
    /// Each terminal runs on its own tmux server: a shared server shuts down when its last
    /// session ends, and a test starting a session at that moment saw "no server running".
    var socket: String { session }

    init(command: String, width: Int = 100, height: Int = 30, env: [String: String] = [:]) throws {
        let exports = env.map { "export \($0.key)=\($0.value); " }.joined()
        // The first tmux call starts the server, which must not inherit a pipe we read to its end.
        try Tmux.tmux(detached: true, ["-L", socket, "-f", "/dev/null", "new-session", "-d", "-s", session, "-x", "\(width)", "-y", "\(height)",
                       "\(exports)\(command); echo \"[exit $?]\"; sleep 60"])
    }

    deinit { try? Tmux.tmux(["-L", socket, "kill-server"]) }

    /// A tmux command on this terminal's server.
    @discardableResult
    func run(_ args: [String]) throws -> String { try Tmux.tmux(["-L", socket] + args) }

    /// Runs a tmux command through `system()`. Foundation's `Process` watches a descriptor the
    /// child inherits to learn it exited; the tmux server daemon keeps that descriptor open, so
    /// `waitUntilExit` would hang on the call that starts the server.
    @discardableResult
    static func tmux(detached: Bool = false, _ args: [String]) throws -> String {
        let out = NSTemporaryDirectory() + "meow-tmux-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: out) }
        let quoted = (["tmux"] + args).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        let status = system(quoted + " </dev/null >" + out + " 2>&1")
        let text = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        if status != 0 && !detached && !args.contains("kill-session") && !args.contains("kill-server") {
            throw TmuxError(message: "tmux \(args.joined(separator: " ")) failed: \(text)")
        }
        return text
    }

    func screen() throws -> String { try run(["capture-pane", "-p", "-t", session]) }

    func send(_ keys: String...) throws { try run(["send-keys", "-t", session] + keys) }

    /// Waits until the screen contains `text`; fails the test with the screen when it does not.
    @discardableResult
    func waitFor(_ text: String, timeout: Double = 10, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while Date() < deadline {
            last = try screen()
            if last.contains(text) { return last }
            Thread.sleep(forTimeInterval: 0.05)
        }
        Issue.record("timed out waiting for \"\(text)\"; the screen was:\n\(last)", sourceLocation: sourceLocation)
        return last
    }
}

struct TmuxError: Error { var message: String }

@Suite("meow label in tmux", .serialized)
struct TmuxLabelTests {
    let dir: TempDir
    init() throws {
        dir = try TempDir()
        _ = try dir.write("g.md", testGuideline)
        #expect(try Meow.run(["init", "p", "--guideline", "g.md"], in: dir.path).status == 0)
        _ = try dir.write("items.jsonl", (1...6).map { #"{"id":"i\#($0)","text":"text of item \#($0) 日本語 🙂"}"# }.joined(separator: "\n"))
        #expect(try Meow.run(["import", "p", "items.jsonl"], in: dir.path).status == 0)
        try ack("alice", in: dir.path)
    }

    var command: String { "cd \(dir.path) && \(Meow.binary) label p --as alice" }

    @Test func labelSeveralUndoOneQuitAndTheDatabaseHoldsExactlyThat() throws {
        let t = try Tmux(command: command)
        try t.waitFor("item i1")
        try t.send("p"); try t.waitFor("item i2")
        try t.send("n"); try t.waitFor("item i3")
        try t.send("2"); try t.waitFor("item i4")
        try t.send("u"); try t.waitFor("item i3")       // undo: i3 comes back
        try t.send("1"); try t.waitFor("item i4")       // relabel i3 as pos
        try t.send("c"); try t.waitFor("comment:")
        try t.send("-l", "a chair"); try t.send("Enter")
        try t.waitFor("comment added")
        try t.send("o"); try t.waitFor("item i5")
        try t.send("?"); try t.waitFor("end of the guideline")
        try t.send("q"); try t.waitFor("item i5")
        try t.send("q")
        let end = try t.waitFor("[exit 0]")
        #expect(end.contains("alice: 4 answers this session"))
        let rows = try sqlite(dir.path + "/meow.sqlite", """
            SELECT i.external_id || '=' || a.label || coalesce('/' || a.comment, '') FROM annotation a JOIN item i ON i.id = a.item_id ORDER BY i.id
            """)
        #expect(rows == "i1=pos\ni2=neg\ni3=pos\ni4=other/a chair")
        #expect(try sqlite(dir.path + "/meow.sqlite", "SELECT count(*) FROM claim") == "0")
    }

    @Test func aSuggestionIsShownAndAcceptedWithOneKeyAndRecorded() throws {
        _ = try dir.write("s.jsonl", #"{"item":"i1","model":"bert","label":"neg","score":0.62}"# + "\n" + #"{"item":"i2","model":"bert","label":"neg"}"#)
        #expect(try Meow.run(["suggest", "p", "s.jsonl"], in: dir.path).status == 0)
        let t = try Tmux(command: command)
        try t.waitFor("suggested by bert (score 0.62): neg (selected)")
        try t.waitFor("accept suggestion")
        try t.send("Enter"); try t.waitFor("item i2")     // accepted with one key
        try t.send("p"); try t.waitFor("item i3")         // overridden
        try t.send("q")
        try t.waitFor("[exit 0]")
        let rows = try sqlite(dir.path + "/meow.sqlite", """
            SELECT i.external_id || '=' || a.label || '/' || coalesce(a.suggestion, '-') || '/' || coalesce(a.accepted, '-')
            FROM annotation a JOIN item i ON i.id = a.item_id ORDER BY i.id
            """)
        #expect(rows == "i1=neg/bert/1\ni2=pos/bert/0")
    }

    @Test func resizeRedrawsAndATooSmallWindowSaysSo() throws {
        let t = try Tmux(command: command)
        try t.waitFor("item i1")
        // A split pane of 60x16 still labels, with the compact header.
        try t.run(["resize-window", "-t", t.session, "-x", "60", "-y", "16"])
        // The narrow key line (one space between keys) is drawn last: then the whole screen is there.
        let small = try t.waitFor("c comment ? guideline q quit")
        #expect(small.contains("you: 0 labeled · team") && small.contains("item i1"), "\(small)")
        try t.run(["resize-window", "-t", t.session, "-x", "59", "-y", "16"])
        try t.waitFor("Window too small: 59x16")
        #expect(try t.screen().contains("meow needs at least 60x16"))
        try t.send("p")   // ignored while nothing is drawn
        try t.run(["resize-window", "-t", t.session, "-x", "120", "-y", "40"])
        let screen = try t.waitFor("item i1")
        #expect(screen.contains("text of item 1 日本語 🙂"))
        try t.send("q")
        try t.waitFor("[exit 0]")
        #expect(try sqlite(dir.path + "/meow.sqlite", "SELECT count(*) FROM annotation") == "0")
    }

    @Test func killMinus9LosesNothingCommittedAndTheLeaseReturnsTheItem() throws {
        let t = try Tmux(command: command)
        try t.waitFor("item i1")
        try t.send("p"); try t.waitFor("item i2")
        try t.send("n"); try t.waitFor("item i3")
        // The pane runs a shell whose child is meow: kill -9 exactly that process.
        let shell = try t.run(["list-panes", "-t", t.session, "-F", "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let meowPID = try String(contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8).split(separator: " ").first.map(String.init) ?? ""
        #expect(kill(pid_t(meowPID) ?? 0, SIGKILL) == 0)
        try t.waitFor("[exit 137]")
        let db = dir.path + "/meow.sqlite"
        #expect(try sqlite(db, "SELECT group_concat(label) FROM annotation") == "pos,neg")
        // alice still holds i3 until the lease ends; asking again returns it.
        #expect(try Meow.run(["next", "p", "--as", "alice"], in: dir.path).stdout.hasPrefix("item: i3"))
    }

    /// An admin records a new guideline version from another terminal while alice labels: her
    /// answer to the item on screen counts under the version she read, and the new one is shown,
    /// with what changed, before her next item.
    @Test func aGuidelineUpdateMidSessionIsAcknowledgedBeforeTheNextItem() throws {
        let t = try Tmux(command: command)
        try t.waitFor("item i1")
        try t.send("p"); try t.waitFor("item i2")
        let v2 = testGuideline.replacingOccurrences(of: "---\n# Test guideline",
                                                    with: "  - value: mixed\n    hotkey: m\n    definition: Both.\n    examples: [\"good but broke\"]\n---\n# Test guideline")
        _ = try dir.write("g2.md", v2)
        let update = try Meow.run(["guideline", "update", "p", "g2.md"], in: dir.path)
        #expect(update.status == 0 && update.stdout.contains("recorded guideline v2"), "\(update.stderr)")
        try t.send("n")   // the answer to i2, in flight while v2 was recorded
        try t.waitFor("Guideline v2 replaced v1 while you were labeling")
        // The key line is drawn last: once it shows, the whole screen is there.
        let ack = try t.waitFor("acknowledge: I have read it")
        #expect(ack.contains("· added: mixed") && ack.contains("guideline v2: read it to the end") && !ack.contains("item i3"), "\(ack)")
        try t.send("m")   // label keys do nothing until the new version is acknowledged
        try t.send("Enter")
        try t.waitFor("item i3")
        try t.waitFor("[m/4] mixed")
        try t.send("m"); try t.waitFor("item i4")   // the new label answers
        try t.send("q")
        try t.waitFor("[exit 0]")
        let db = dir.path + "/meow.sqlite"
        #expect(try sqlite(db, """
            SELECT i.external_id || '=' || a.label || ' v' || a.guideline_version FROM annotation a JOIN item i ON i.id = a.item_id ORDER BY i.id
            """) == "i1=pos v1\ni2=neg v1\ni3=mixed v2")
        #expect(try sqlite(db, "SELECT group_concat(guideline_version) FROM acknowledgement WHERE annotator = 'alice'") == "1,2")
    }

    @Test func aKillSignalRestoresTheTerminal() throws {
        let t = try Tmux(command: command + "; stty -a | grep -o ' echo ' ; tput cnorm >/dev/null")
        try t.waitFor("item i1")
        let shell = try t.run(["list-panes", "-t", t.session, "-F", "#{pane_pid}"]).trimmingCharacters(in: .whitespacesAndNewlines)
        let meowPID = try String(contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8).split(separator: " ").first.map(String.init) ?? ""
        #expect(kill(pid_t(meowPID) ?? 0, SIGTERM) == 0)
        // Back on the normal screen, with echo on again (curses turned it off).
        let screen = try t.waitFor("[exit 0]")
        #expect(screen.contains("Terminated") && screen.contains(" echo"), "\(screen)")
        #expect(!screen.contains("item i1"))
    }

    @Test func monochromeTerminalsStillWork() throws {
        let t = try Tmux(command: command, env: ["TERM": "vt100", "NO_COLOR": "1"])
        try t.waitFor("item i1")
        try t.send("p"); try t.waitFor("item i2")
        try t.send("q"); try t.waitFor("[exit 0]")
        #expect(try sqlite(dir.path + "/meow.sqlite", "SELECT count(*) FROM annotation") == "1")
    }

    @Test func withoutATerminalLabelSaysWhatToUseInstead() throws {
        let r = try Meow.run(["label", "p", "--as", "alice"], in: dir.path)
        #expect(r.status != 0 && r.stderr.contains("needs a terminal"))
    }
}

@Suite("meow label in tmux: a new annotator on the shipped sentiment guideline")
struct TmuxOnboardingTests {
    @Test func acknowledgementThenQualificationThenRealItems() throws {
        let dir = try TempDir()
        let g = try String(contentsOfFile: Meow.repoRoot + "/Guidelines/sentiment.md", encoding: .utf8)
            .replacingOccurrences(of: "min_seconds: 1.5", with: "min_seconds: 0.1")
        _ = try dir.write("sentiment.md", g)
        for f in ["sentiment-qualification.jsonl", "sentiment-gold.jsonl"] {
            try FileManager.default.copyItem(atPath: Meow.repoRoot + "/Guidelines/" + f, toPath: dir.path + "/" + f)
        }
        #expect(try Meow.run(["init", "reviews", "--guideline", "sentiment.md"], in: dir.path).status == 0)
        #expect(try Meow.run(["import", "reviews", Meow.repoRoot + "/Samples/reviews.jsonl"], in: dir.path).status == 0)
        let t = try Tmux(command: "cd \(dir.path) && \(Meow.binary) label reviews --as newbie")
        try t.waitFor("read it to the end, then press ⏎")
        try t.send("Enter")
        try t.waitFor("scroll to the end of the guideline first")
        try t.send("G")
        try t.waitFor("acknowledge: I have read it")
        try t.send("Enter")
        // Qualification: six announced items; answer every one right.
        let answers = try String(contentsOfFile: dir.path + "/sentiment-qualification.jsonl", encoding: .utf8)
            .split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: String] }
        for (i, a) in answers.enumerated() {
            try t.waitFor("qualification \(i + 1)/\(answers.count)")
            Thread.sleep(forTimeInterval: 0.15)
            try t.send(["positive": "p", "negative": "n", "neutral": "e", "mixed": "m"][a["label"]!]!)
        }
        try t.waitFor("Qualified: 6/6 correct")
        try t.send("Enter")
        try t.waitFor("item r0001")
        try t.send("q")
        try t.waitFor("[exit 0]")
        let db = dir.path + "/meow.sqlite"
        #expect(try sqlite(db, "SELECT annotator || ' v' || guideline_version FROM acknowledgement") == "newbie v1")
        #expect(try sqlite(db, "SELECT state || ' ' || correct || '/' || total FROM qualification") == "passed 6/6")
        #expect(try sqlite(db, "SELECT count(*) FROM annotation") == "0")
    }
}
