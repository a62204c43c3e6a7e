import Foundation
import MeowCore
import Testing

/// Runs a bash command line (pipes, redirections) with `meow` on the PATH as the built binary.
func shell(_ command: String, in dir: String, env: [String: String] = [:]) throws -> MeowRun {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/bash")
    p.arguments = ["-c", command]
    p.currentDirectoryURL = URL(fileURLWithPath: dir)
    var environment = ProcessInfo.processInfo.environment
    environment["MEOW_DB"] = nil
    environment["MEOW"] = Meow.binary
    for (k, v) in env { environment[k] = v }
    p.environment = environment
    // Output goes to files, so a large output can never block the child.
    let base = NSTemporaryDirectory() + "meow-sh-" + UUID().uuidString
    FileManager.default.createFile(atPath: base + ".out", contents: nil)
    FileManager.default.createFile(atPath: base + ".err", contents: nil)
    defer { try? FileManager.default.removeItem(atPath: base + ".out"); try? FileManager.default.removeItem(atPath: base + ".err") }
    p.standardOutput = FileHandle(forWritingAtPath: base + ".out")
    p.standardError = FileHandle(forWritingAtPath: base + ".err")
    p.standardInput = FileHandle.nullDevice
    try p.run()
    p.waitUntilExit()
    let o = FileManager.default.contents(atPath: base + ".out") ?? Data()
    let e = FileManager.default.contents(atPath: base + ".err") ?? Data()
    return MeowRun(status: p.terminationStatus, stdout: String(decoding: o, as: UTF8.self), stderr: String(decoding: e, as: UTF8.self))
}

/// Escape sequences a hostile item, name or label might carry: each must reach the user's
/// terminal as visible text, never as the control it is.
let hostileStrings: [String] = [
    "\u{1B}]0;pwned title\u{07}",            // OSC 0: window title
    "\u{1B}]2;title\u{1B}\\",                // OSC 2 with ST
    "\u{1B}]8;;https://evil.example\u{1B}\\click\u{1B}]8;;\u{1B}\\",  // OSC 8 hyperlink
    "\u{1B}]52;c;aGVsbG8=\u{07}",            // OSC 52: clipboard write
    "\u{1B}[2J\u{1B}[H",                      // CSI: clear screen
    "\u{9B}31mred",                           // 8-bit C1 CSI
    "\u{1B}P1$r\u{1B}\\",                     // DCS
    "\u{90}dcs",                              // 8-bit DCS
    "safe\u{08}\u{08}\u{08}\u{08}evil",        // BS overwrite
    "ok\rFAKE",                               // CR overwrite
    "abc\u{202E}txt.exe",                     // bidi override
    "x\u{2066}y\u{2069}",                     // bidi isolates
]

/// True when `s` holds a byte or character that would act on a terminal.
func hasTerminalControl(_ s: String) -> Bool {
    s.unicodeScalars.contains { v in
        (v.value < 0x20 && v != "\n" && v != "\t") || (0x7F...0x9F).contains(v.value)
            || (0x202A...0x202E).contains(v.value) || (0x2066...0x2069).contains(v.value)
    }
}

private let simpleGuideline = """
---
name: t
title: T
task: classify
overlap: 2
labels:
  - {value: pos, hotkey: p, definition: Positive., examples: [great]}
  - {value: neg, hotkey: n, definition: Negative., examples: [awful]}
---
# T
Label it.
"""

@Suite("Reliability and security (issue 10)")
struct ReliabilityCLITests {
    let dir: TempDir
    init() throws {
        dir = try TempDir()
        _ = try dir.write("g.md", simpleGuideline)
        #expect(try Meow.run(["init", "p", "--guideline", "g.md"], in: dir.path).status == 0)
        let items = (1...30).map { #"{"id":"i\#($0)","text":"item number \#($0) with some words"}"# }.joined(separator: "\n")
        _ = try dir.write("items.jsonl", items)
        #expect(try Meow.run(["import", "p", "items.jsonl"], in: dir.path).status == 0)
        let answers = (1...30).flatMap { i in ["a", "b"].map { "i\(i),\($0),\(i % 3 == 0 ? "neg" : "pos")" } }
        _ = try dir.write("ann.csv", (["item,annotator,label"] + answers).joined(separator: "\n"))
        #expect(try Meow.run(["import-annotations", "p", "ann.csv"], in: dir.path).status == 0)
    }

    var db: String { dir.path + "/meow.sqlite" }
    func answers() throws -> String { try sqlite(db, "SELECT count(*) FROM annotation") }

    // MARK: 1. Exports never destroy the workspace

    @Test func exportsRefuseTheWorkspaceItsCompanionsAndAnySQLiteFile() throws {
        for target in ["meow.sqlite", "./meow.sqlite", dir.path + "/meow.sqlite", "meow.sqlite-wal", "meow.sqlite-shm"] {
            let r = try Meow.run(["export", "p", "--raw", "--out", target], in: dir.path)
            #expect(r.status != 0 && r.stderr.contains("never writes over"), "\(target): \(r.stderr)")
        }
        let html = try Meow.run(["agreement", "p", "--html", "meow.sqlite"], in: dir.path)
        #expect(html.status != 0 && html.stderr.contains("workspace itself"))
        // A symlink and a hard link to the workspace are the workspace too.
        symlink(db, dir.path + "/link.jsonl")
        link(db, dir.path + "/hard.jsonl")
        for target in ["link.jsonl", "hard.jsonl"] {
            #expect(try Meow.run(["export", "p", "--raw", "--out", target], in: dir.path).status != 0, "\(target)")
        }
        _ = try sqlite(dir.path + "/other.db", "CREATE TABLE t(x)")
        let other = try Meow.run(["export", "p", "--raw", "--out", "other.db"], in: dir.path)
        #expect(other.status != 0 && other.stderr.contains("SQLite database"))
        #expect(try sqlite(db, "PRAGMA integrity_check") == "ok")
        #expect(try answers() == "60")
        #expect(try sqlite(dir.path + "/other.db", "SELECT count(*) FROM sqlite_schema") == "1")
    }

    @Test func devicesAreWrittenInPlaceAndTheirErrorsReported() throws {
        let full = try Meow.run(["export", "p", "--raw", "--out", "/dev/full"], in: dir.path)
        #expect(full.status != 0 && full.stderr.contains("No space left"), "\(full.stderr)")
        var st = stat()
        #expect(stat("/dev/full", &st) == 0 && st.st_mode & S_IFMT == S_IFCHR)
        let null = try Meow.run(["export", "p", "--raw", "--out", "/dev/null"], in: dir.path)
        #expect(null.status == 0, "\(null.stderr)")
        #expect(stat("/dev/null", &st) == 0 && st.st_mode & S_IFMT == S_IFCHR)
        #expect(!FileManager.default.fileExists(atPath: "/dev/null.manifest.json"))
        // A FIFO is written, not replaced.
        let fifo = dir.path + "/pipe"
        #expect(mkfifo(fifo, 0o600) == 0)
        let r = try shell("cat pipe > fromfifo.jsonl & \"$MEOW\" export p --raw --out pipe; s=$?; wait; exit $s", in: dir.path)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(stat(fifo, &st) == 0 && st.st_mode & S_IFMT == S_IFIFO)
        #expect(try String(contentsOfFile: dir.path + "/fromfifo.jsonl", encoding: .utf8).split(separator: "\n").count == 60)
    }

    @Test func symlinksAreWrittenThroughAndPermissionsKept() throws {
        _ = try dir.write("real.jsonl", "old\n")
        chmod(dir.path + "/real.jsonl", 0o600)
        symlink("real.jsonl", dir.path + "/alias.jsonl")
        let r = try Meow.run(["export", "p", "--raw", "--out", "alias.jsonl"], in: dir.path)
        #expect(r.status == 0, "\(r.stderr)")
        var st = stat()
        #expect(lstat(dir.path + "/alias.jsonl", &st) == 0 && st.st_mode & S_IFMT == S_IFLNK, "the symlink must stay a symlink")
        #expect(stat(dir.path + "/real.jsonl", &st) == 0 && st.st_mode & 0o777 == 0o600, "the 0600 file stays 0600")
        #expect(try String(contentsOfFile: dir.path + "/real.jsonl", encoding: .utf8).split(separator: "\n").count == 60)
        #expect(FileManager.default.fileExists(atPath: dir.path + "/alias.jsonl.manifest.json"))
    }

    /// The manifest describes the data beside it, or the old pair stays: when the manifest
    /// cannot be written, the data file is not replaced either.
    @Test func dataAndManifestNeverDisagree() throws {
        #expect(try Meow.run(["export", "p", "--raw", "--out", "x.jsonl"], in: dir.path).status == 0)
        let data = try Data(contentsOf: URL(fileURLWithPath: dir.path + "/x.jsonl"))
        let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.path + "/x.jsonl.manifest.json"))) as! [String: Any]
        var h = SHA256()
        h.update(Array(data))
        #expect(manifest["sha256"] as? String == h.finalize().hexString)
        #expect(manifest["rows"] as? Int == 60)

        _ = try dir.write("y.jsonl", "old data\n")
        try FileManager.default.createDirectory(atPath: dir.path + "/y.jsonl.manifest.json", withIntermediateDirectories: false)
        let r = try Meow.run(["export", "p", "--raw", "--out", "y.jsonl"], in: dir.path)
        #expect(r.status != 0 && r.stderr.contains("is a directory"), "\(r.stderr)")
        #expect(try String(contentsOfFile: dir.path + "/y.jsonl", encoding: .utf8) == "old data\n")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    /// Two exports racing to one file: whichever wins, its manifest is the one beside it.
    @Test func racingExportsLeaveAMatchingPair() throws {
        #expect(try Meow.run(["consensus", "p"], in: dir.path).status == 0)
        for round in 0..<6 {
            let r = try shell("\"$MEOW\" export p --raw --out r.jsonl --no-test-set 2>/dev/null & \"$MEOW\" export p --split all --out r.jsonl 2>/dev/null & wait", in: dir.path)
            #expect(r.status == 0)
            let data = try Data(contentsOf: URL(fileURLWithPath: dir.path + "/r.jsonl"))
            let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.path + "/r.jsonl.manifest.json"))) as! [String: Any]
            var h = SHA256()
            h.update(Array(data))
            #expect(manifest["sha256"] as? String == h.finalize().hexString, "round \(round): data and manifest disagree")
        }
    }

    @Test func temporariesOfAKilledExportAreCleanedUp() throws {
        // PID 2^22+1 is above Linux's pid_max: no process can have it.
        _ = try dir.write("z.jsonl.tmp-4194305", "half an export")
        #expect(try Meow.run(["export", "p", "--raw", "--out", "z.jsonl"], in: dir.path).status == 0)
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/z.jsonl.tmp-4194305"))
        #expect(FileManager.default.fileExists(atPath: dir.path + "/z.jsonl"))
    }

    // MARK: 2. Escape sequences never reach the terminal

    @Test func hostileDataIsShownEscapedInEveryHumanReadableOutput() throws {
        var lines: [String] = []
        for (n, s) in hostileStrings.enumerated() {
            let text = JSONText.quoted("text \(n) " + s)
            lines.append("{\"id\":\(JSONText.quoted("h\(n)" + s)),\"text\":\(text),\"note\":\(JSONText.quoted(s))}")
        }
        _ = try dir.write("hostile.jsonl", lines.joined(separator: "\n"))
        let imp = try Meow.run(["import", "p", "hostile.jsonl"], in: dir.path)
        #expect(imp.status == 0, "\(imp.stderr)")
        try ack("eve", in: dir.path)
        // `next` serves the imported items first only after the 30 labeled ones; raise priority instead.
        _ = try sqlite(db, "UPDATE item SET priority = 5")
        var seen = 0
        for _ in 0..<hostileStrings.count {
            let n = try Meow.run(["next", "p", "--as", "eve"], in: dir.path)
            guard n.status == 0 else { break }
            #expect(!hasTerminalControl(n.stdout), "next printed a control: \(n.stdout.debugDescription)")
            let j = try Meow.run(["next", "p", "--as", "eve", "--json"], in: dir.path)
            #expect(!hasTerminalControl(j.stdout), "next --json printed a control: \(j.stdout.debugDescription)")
            #expect((try? JSONSerialization.jsonObject(with: Data(j.stdout.utf8))) != nil, "next --json is still JSON")
            let id = (try JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as! [String: Any])["item"] as! String
            #expect(try Meow.run(["skip", "p", "--as", "eve", "--item", id], in: dir.path).status == 0)
            seen += 1
        }
        #expect(seen >= 10)
        let raw = try Meow.run(["export", "p", "--raw", "--out", "-", "--split", "all"], in: dir.path)
        #expect(!hasTerminalControl(raw.stdout), "the JSONL export carries a raw control")

        // Label values: `agreement --input` and `guideline check`.
        let rows = hostileStrings.enumerated().flatMap { n, s in ["a", "b"].map { "{\"item\":\"x\(n)\",\"annotator\":\"\($0)\",\"label\":\(JSONText.quoted("L" + s))}" } }
        _ = try dir.write("labels.jsonl", rows.joined(separator: "\n"))
        let ag = try Meow.run(["agreement", "--input", "labels.jsonl"], in: dir.path)
        #expect(ag.status == 0, "\(ag.stderr)")
        #expect(!hasTerminalControl(ag.stdout + ag.stderr), "agreement printed a control")
        let agj = try Meow.run(["agreement", "--input", "labels.jsonl", "--json"], in: dir.path)
        #expect(!hasTerminalControl(agj.stdout))
        let g = simpleGuideline.replacingOccurrences(of: "value: neg", with: "value: \"neg\\e]52;c;aGk=\\a\"")
        _ = try dir.write("bad.md", g)
        let check = try Meow.run(["guideline", "check", "bad.md"], in: dir.path)
        #expect(check.status != 0 && check.stderr.contains("control or formatting character"), "\(check.stderr)")
        #expect(check.stderr.contains("bad.md:"))
        #expect(!hasTerminalControl(check.stdout + check.stderr))
        // Errors quoting an id are sanitized too.
        let sub = try Meow.run(["submit", "p", "--as", "eve", "--item", "zz\u{1B}[2J", "--label", "pos"], in: dir.path)
        #expect(sub.status != 0 && !hasTerminalControl(sub.stderr), "\(sub.stderr.debugDescription)")
    }

    // MARK: 3. Write errors are errors; a closed pipe is quiet

    @Test func writeErrorsFailAndAnUnprintedClaimIsReleased() throws {
        for cmd in ["\"$MEOW\" status p > /dev/full", "\"$MEOW\" export p --raw --out - > /dev/full", "\"$MEOW\" agreement p --json > /dev/full"] {
            let r = try shell(cmd, in: dir.path)
            #expect(r.status == 1 && r.stderr.contains("No space left on device"), "\(cmd): \(r.status) \(r.stderr)")
        }
        try ack("dora", in: dir.path)
        _ = try sqlite(db, "UPDATE item SET need = 3")
        let next = try shell("\"$MEOW\" next p --as dora --json > /dev/full", in: dir.path)
        #expect(next.status == 1)
        #expect(try sqlite(db, "SELECT count(*) FROM claim WHERE annotator = 'dora'") == "0", "the claim must be released")
        // A closed pipe ends quietly, as other Unix tools do: an export larger than the pipe's buffer.
        _ = try dir.write("big.jsonl", (1...1500).map { #"{"id":"b\#($0)","text":"a longer item number \#($0) so that the export fills more than one pipe buffer of sixty-four kilobytes"}"# }.joined(separator: "\n"))
        _ = try dir.write("big.csv", (["item,annotator,label"] + (1...1500).map { "b\($0),a,pos" }).joined(separator: "\n"))
        #expect(try Meow.run(["import", "p", "big.jsonl"], in: dir.path).status == 0)
        #expect(try Meow.run(["import-annotations", "p", "big.csv"], in: dir.path).status == 0)
        let head = try shell("\"$MEOW\" export p --raw --split all --out - | head -c 10 > /dev/null; echo \"status ${PIPESTATUS[0]}\"", in: dir.path)
        #expect(!head.stderr.contains("Error") && !head.stderr.lowercased().contains("broken pipe"), "\(head.stderr)")
        #expect(head.stdout.contains("status 141"), "killed by SIGPIPE like other tools: \(head.stdout)")
    }

    // MARK: 4. import-annotations: names checked, admins only, recorded

    @Test func importedAnswersAreCheckedAndAttributed() throws {
        for (n, name) in ["bad name", "x\u{1B}[31m", String(repeating: "n", count: 10_000)].enumerated() {
            _ = try dir.write("bad\(n).jsonl", "{\"item\":\"i1\",\"annotator\":\(JSONText.quoted(name)),\"label\":\"pos\"}\n")
            let r = try Meow.run(["import-annotations", "p", "bad\(n).jsonl"], in: dir.path)
            #expect(r.status != 0 && r.stderr.contains("bad\(n).jsonl:1"), "\(r.stderr.prefix(300))")
            #expect(!hasTerminalControl(r.stderr))
        }
        _ = try dir.write("ok.jsonl", "{\"item\":\"i1\",\"annotator\":\"carol\",\"label\":\"pos\"}\n")
        let notAdmin = try Meow.run(["import-annotations", "p", "ok.jsonl"], in: dir.path, env: ["USER": "mallory"])
        #expect(notAdmin.status != 0 && notAdmin.stderr.contains("admins"), "\(notAdmin.stderr)")
        let who = try sqlite(db, "SELECT created_by FROM project")
        #expect(try Meow.run(["import-annotations", "p", "ok.jsonl"], in: dir.path, env: ["USER": who]).status == 0)
        #expect(try sqlite(db, "SELECT imported_by FROM annotation WHERE annotator = 'carol'") == who)
        let h = try Meow.run(["history", "p", "i1"], in: dir.path)
        #expect(h.status == 0 && h.stdout.contains("carol: pos  (imported by \(who))"), "\(h.stdout)")
    }

    // MARK: 5. NUL is refused, never cut

    @Test func textWithNULIsRefusedWithItsLine() throws {
        _ = try dir.write("nul.jsonl", "{\"id\":\"n1\",\"text\":\"fine\"}\n{\"id\":\"n2\",\"text\":\"hello\\u0000world\"}\n")
        let r = try Meow.run(["import", "p", "nul.jsonl"], in: dir.path)
        #expect(r.status != 0 && r.stderr.contains("nul.jsonl:2") && r.stderr.contains("NUL"), "\(r.stderr)")
        #expect(try sqlite(db, "SELECT count(*) FROM item WHERE external_id IN ('n1', 'n2')") == "0")
        _ = try dir.write("nul.csv", bytes: Array("id,text\nc1,ab".utf8) + [0] + Array("cd\n".utf8))
        let c = try Meow.run(["import", "p", "nul.csv"], in: dir.path)
        #expect(c.status != 0 && c.stderr.contains("nul.csv:2"), "\(c.stderr)")
    }

    // MARK: 6. Frozen-set drift

    @Test func alteredFrozenSetIsRefusedByVerifyAndExport() throws {
        #expect(try Meow.run(["consensus", "p"], in: dir.path).status == 0)
        let f = try Meow.run(["freeze", "p", "--name", "t1", "--size", "5", "--seed", "3"], in: dir.path)
        #expect(f.status == 0 && f.stdout.contains("record this hash outside the workspace"), "\(f.stdout)")
        let setHash = try sqlite(db, "SELECT set_hash FROM frozen_set")
        #expect(f.stdout.contains(setHash))
        #expect(try Meow.run(["export", "p", "--split", "test", "--out", "test.jsonl", "--expect", setHash], in: dir.path).status == 0)
        #expect(try Meow.run(["verify", "p", "t1", "test.jsonl", "--expect", setHash], in: dir.path).status == 0)
        let wrong = try Meow.run(["verify", "p", "t1", "test.jsonl", "--expect", String(repeating: "a", count: 64)], in: dir.path)
        #expect(wrong.status != 0 && wrong.stdout.contains("differs from the expected"))

        // Someone drops the trigger and rewrites one record together with its hash.
        let item = try sqlite(db, "SELECT item_id FROM frozen_record LIMIT 1")
        let record = try sqlite(db, "SELECT record FROM frozen_record WHERE item_id = \(item)")
        let forged = record.replacingOccurrences(of: "\"label\":\"", with: "\"label\":\"x")
        _ = try sqlite(db, "DROP TRIGGER frozen_record_immutable; UPDATE frozen_record SET record = '\(forged)', record_hash = '\(SHA256.hex(forged))' WHERE item_id = \(item);")
        #expect(try sqlite(db, "SELECT record FROM frozen_record WHERE item_id = \(item)") == forged)
        let v = try Meow.run(["verify", "p", "t1", "test.jsonl"], in: dir.path)
        #expect(v.status != 0 && v.stdout.contains("set hash recomputed"), "\(v.stdout)\(v.stderr)")
        let e = try Meow.run(["export", "p", "--split", "test", "--out", "test2.jsonl"], in: dir.path)
        #expect(e.status != 0 && e.stderr.contains("altered"), "\(e.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/test2.jsonl"))
        let d = try Meow.run(["doctor"], in: dir.path)
        #expect(d.status == 1 && d.stdout.contains("frozen_record_immutable") && d.stdout.contains("PROBLEM"), "\(d.stdout)")
        // The frozen item's text hash is protected like its text.
        let th = try shell("sqlite3 meow.sqlite \"UPDATE item SET text_hash = x'00' WHERE id = \(item)\"", in: dir.path)
        #expect(th.status != 0 && th.stderr.contains("frozen test set"))
    }

    // MARK: 7 and 8. Foreign files untouched; errors that say what

    @Test func foreignAndEmptyFilesAreLeftExactlyAsTheyWere() throws {
        _ = try sqlite(dir.path + "/other.sqlite", "CREATE TABLE notes(x); INSERT INTO notes VALUES (1);")
        let before = try Data(contentsOf: URL(fileURLWithPath: dir.path + "/other.sqlite"))
        let r = try Meow.run(["status", "p", "--db", "other.sqlite"], in: dir.path)
        #expect(r.status != 0 && r.stderr.contains("not a meow workspace"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir.path + "/other.sqlite")) == before)
        #expect(try sqlite(dir.path + "/other.sqlite", "PRAGMA journal_mode") == "delete")
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/other.sqlite-wal"))

        _ = try dir.write("empty.sqlite", "")
        let e = try Meow.run(["status", "p", "--db", "empty.sqlite"], in: dir.path)
        #expect(e.status != 0 && e.stderr.contains("empty file"), "\(e.stderr)")
        #expect(try FileManager.default.attributesOfItem(atPath: dir.path + "/empty.sqlite")[.size] as? Int == 0)
        #expect(try Meow.run(["init", "q", "--guideline", "g.md", "--db", "empty.sqlite"], in: dir.path).status == 0, "init may fill an empty file")
    }

    @Test func openErrorsNameThePathAndTheCause() throws {
        try FileManager.default.createDirectory(atPath: dir.path + "/adir", withIntermediateDirectories: false)
        let d = try Meow.run(["status", "p", "--db", "adir"], in: dir.path)
        #expect(d.status != 0 && d.stderr.contains("adir") && d.stderr.contains("is a directory"), "\(d.stderr)")
        let missing = try Meow.run(["init", "p", "--guideline", "g.md", "--db", "no/such/dir/w.sqlite"], in: dir.path)
        #expect(missing.status != 0 && missing.stderr.contains("no/such/dir") && missing.stderr.contains("does not exist"), "\(missing.stderr)")
        #expect(!missing.stderr.contains("SQLite error"))
        // Permissions mean nothing to root: check them as an unprivileged user when we can.
        guard geteuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else { return }
        let ro = try TempDir()
        chmod(ro.path, 0o755)
        try FileManager.default.copyItem(atPath: db, toPath: ro.path + "/w.sqlite")
        chmod(ro.path + "/w.sqlite", 0o644)
        let r = try shell("setpriv --reuid=65534 --regid=65534 --clear-groups \"$MEOW\" status p --db \(ro.path)/w.sqlite", in: "/tmp")
        if r.stderr.contains("Permission denied") && r.stderr.contains("meow") && !r.stderr.contains("workspace") { return }  // binary not reachable
        #expect(r.status != 0 && r.stderr.contains("permission denied") && r.stderr.contains("w.sqlite"), "\(r.stderr)")
        #expect(!r.stderr.contains("SQLite error") && !r.stderr.contains("INSERT") && !r.stderr.contains("PRAGMA"))
    }

    // MARK: 9. Ranges and names

    @Test func absurdSettingsAndBadIdentitiesAreRefused() throws {
        for (setting, expected) in [("overlap: 1000000", "overlap"), ("lease_minutes: 1000000000", "lease_minutes")] {
            _ = try dir.write("r.md", simpleGuideline.replacingOccurrences(of: "overlap: 2", with: setting))
            let r = try Meow.run(["guideline", "check", "r.md"], in: dir.path)
            #expect(r.status != 0 && r.stderr.contains("r.md:") && r.stderr.contains(expected), "\(setting): \(r.stderr)")
        }
        let lease = try Meow.run(["next", "p", "--as", "a", "--lease", "1e12"], in: dir.path)
        #expect(lease.status != 0 && lease.stderr.contains("--lease"))
        for bad in ["has space", "esc\u{1B}[2J", String(repeating: "u", count: 100)] {
            for args in [["next", "p"], ["export", "p", "--out", "e.jsonl"]] {
                let r = try Meow.run(args, in: dir.path, env: ["USER": bad])
                #expect(r.status != 0 && r.stderr.contains("--as"), "\(args): \(r.stderr)")
                #expect(!hasTerminalControl(r.stderr))
            }
        }
        _ = try dir.write("dup.csv", "item,annotator,label\na,x,1\nb,x,2\na,x,2\n")
        let dup = try Meow.run(["agreement", "--input", "dup.csv"], in: dir.path)
        #expect(dup.status != 0 && dup.stderr.contains("dup.csv:4:") && dup.stderr.contains("first on line 2"), "\(dup.stderr)")
    }

    // MARK: Backup, doctor, history

    @Test func backupWhileAnnotatorsWorkHoldsEveryEarlierAnswer() throws {
        for who in ["w1", "w2"] { try ack(who, in: dir.path) }
        _ = try dir.write("more.jsonl", (1...40).map { #"{"id":"m\#($0)","text":"more item \#($0)"}"# }.joined(separator: "\n"))
        #expect(try Meow.run(["import", "p", "more.jsonl"], in: dir.path).status == 0)
        let loop = """
        for w in w1 w2; do (for i in $(seq 1 15); do id=$("$MEOW" next p --as $w --json | sed -E 's/.*"item":"([^"]*)".*/\\1/'); \
        [ -n "$id" ] && "$MEOW" submit p --as $w --item "$id" --label pos; done) & done
        sleep 0.3; before=$(sqlite3 -cmd ".timeout 10000" meow.sqlite "SELECT max(id) FROM annotation"); "$MEOW" backup --out copy.sqlite || exit 9; wait; echo "$before"
        """
        let r = try shell(loop, in: dir.path)
        #expect(r.status == 0, "\(r.stderr)")
        let before = Int(r.stdout.split(separator: "\n").last ?? "") ?? 0
        #expect(before >= 60, "max answer id before the backup, from: \(r.stdout.suffix(300)) \(r.stderr.suffix(300))")
        let copy = dir.path + "/copy.sqlite"
        #expect(try sqlite(copy, "PRAGMA integrity_check") == "ok")
        #expect(try sqlite(copy, "SELECT count(*) FROM annotation WHERE id <= \(before)") == (try sqlite(db, "SELECT count(*) FROM annotation WHERE id <= \(before)")))
        #expect(try Meow.run(["doctor", "--db", "copy.sqlite"], in: dir.path).status == 0)
        let again = try Meow.run(["backup", "--out", "copy.sqlite"], in: dir.path)
        #expect(again.status != 0 && again.stderr.contains("already exists"))
        let self_ = try Meow.run(["backup", "--out", "meow.sqlite"], in: dir.path)
        #expect(self_.status != 0 && self_.stderr.contains("workspace"))
    }

    @Test func doctorIsHealthyThenNamesEachProblem() throws {
        let ok = try Meow.run(["doctor"], in: dir.path)
        #expect(ok.status == 0 && ok.stdout.contains("healthy"), "\(ok.stdout)\(ok.stderr)")
        _ = try sqlite(db, "UPDATE item SET done_count = 9 WHERE external_id = 'i3'")
        let bad = try Meow.run(["doctor", "--json"], in: dir.path)
        #expect(bad.status == 1)
        let j = try JSONSerialization.jsonObject(with: Data(bad.stdout.utf8)) as! [String: Any]
        #expect(j["ok"] as? Bool == false)
        #expect((j["problems"] as? [String])?.contains { $0.contains("counter drift") } == true)
    }
}

/// Fixes from a review of issue 10's work, each tried as it was found.
@Suite("Reliability: review findings")
struct ReliabilityReviewTests {
    let dir: TempDir
    init() throws {
        dir = try TempDir()
        chmod(dir.path, 0o755)
        _ = try dir.write("g.md", simpleGuideline)
        #expect(try Meow.run(["init", "p", "--guideline", "g.md"], in: dir.path).status == 0)
        _ = try dir.write("items.jsonl", (1...5).map { #"{"id":"i\#($0)","text":"item \#($0)"}"# }.joined(separator: "\n"))
        #expect(try Meow.run(["import", "p", "items.jsonl"], in: dir.path).status == 0)
        _ = try dir.write("ann.csv", "item,annotator,label\ni1,a,pos\ni1,b,pos\n")
        #expect(try Meow.run(["import-annotations", "p", "ann.csv"], in: dir.path).status == 0)
    }
    var db: String { dir.path + "/meow.sqlite" }

    @Test func devStdoutAndProcessSubstitutionAreWrittenInPlace() throws {
        let r = try shell("\"$MEOW\" export p --raw --out /dev/stdout | wc -l", in: dir.path)
        #expect(r.status == 0 && r.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "2", "\(r.stdout) \(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: "/dev/stdout.manifest.json"))
        let p = try shell("\"$MEOW\" export p --raw --out >(wc -l > counted.txt); sleep 0.3; cat counted.txt", in: dir.path)
        #expect(p.status == 0 && p.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "2", "\(p.stdout) \(p.stderr)")
    }

    @Test func aBigItemThatCannotBePrintedIsReleased() throws {
        let big = String(repeating: "word ", count: 20_000)
        _ = try dir.write("big.jsonl", #"{"id":"big1","text":"\#(big)","priority":9}"#)
        #expect(try Meow.run(["import", "p", "big.jsonl"], in: dir.path).status == 0)
        try ack("carol", in: dir.path)
        let r = try shell("\"$MEOW\" next p --as carol --json > /dev/full", in: dir.path)
        #expect(r.status == 1)
        #expect(try sqlite(db, "SELECT count(*) FROM claim WHERE annotator = 'carol'") == "0")
    }

    @Test func backupsAndManifestsKeepTheOwnersPermissions() throws {
        chmod(db, 0o600)
        #expect(try Meow.run(["backup", "--out", "bk.sqlite"], in: dir.path).status == 0)
        var st = stat()
        #expect(stat(dir.path + "/bk.sqlite", &st) == 0 && st.st_mode & 0o777 == 0o600, "a 0600 workspace gives a 0600 backup")
        _ = try dir.write("private.jsonl", "old\n")
        chmod(dir.path + "/private.jsonl", 0o600)
        #expect(try Meow.run(["export", "p", "--raw", "--out", "private.jsonl"], in: dir.path).status == 0)
        #expect(stat(dir.path + "/private.jsonl.manifest.json", &st) == 0 && st.st_mode & 0o777 == 0o600, "the manifest takes the data file's mode")
        // A name SQLite would read as a URI is a plain file name here.
        let uri = try Meow.run(["backup", "--out", "file:bk2.sqlite"], in: dir.path)
        #expect(uri.status == 0, "\(uri.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.path + "/file:bk2.sqlite"))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty, "\(leftovers)")
        // A backup killed half-way (its process gone) leaves a copy the next backup removes.
        _ = try dir.write("bk3.sqlite.tmp-4194305", "half a copy")
        #expect(try Meow.run(["backup", "--out", "bk3.sqlite"], in: dir.path).status == 0)
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/bk3.sqlite.tmp-4194305"))
        let again = try Meow.run(["backup", "--out", "bk.sqlite"], in: dir.path)
        #expect(again.status != 0 && again.stderr.contains("cannot back up to bk.sqlite") && !again.stderr.contains("open the workspace"))
    }

    @Test func storedMetadataIsEscapedInExports() throws {
        _ = try sqlite(db, "UPDATE item SET metadata = '{\"k\":\"x' || char(155) || '2J' || char(8238) || 'y\"}' WHERE external_id = 'i1'")
        let r = try Meow.run(["export", "p", "--raw", "--out", "-"], in: dir.path)
        #expect(r.status == 0)
        #expect(!hasTerminalControl(r.stdout), "\(r.stdout.debugDescription)")
        #expect(r.stdout.contains("\\u009b2J\\u202ey"))
    }

    /// Replacing a file needs only the directory's permission; meow still refuses a file the
    /// user could not write, or could not give back to its owner.
    @Test func othersFilesAreNotTakenOver() throws {
        guard geteuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else { return }
        let shared = try TempDir()
        chmod(shared.path, 0o777)
        _ = try shared.write("roots.jsonl", "root's data\n")
        chmod(shared.path + "/roots.jsonl", 0o666)
        let probe = try shell("setpriv --reuid=65534 --regid=65534 --clear-groups \"$MEOW\" --version", in: "/tmp")
        guard probe.status == 0 else { return }   // the binary is not reachable for nobody here
        try FileManager.default.copyItem(atPath: dir.path + "/ann.csv", toPath: shared.path + "/ann.csv")
        chmod(shared.path + "/ann.csv", 0o644)
        let r = try shell("setpriv --reuid=65534 --regid=65534 --clear-groups \"$MEOW\" agreement --input ann.csv --html roots.jsonl", in: shared.path)
        #expect(r.status != 0 && r.stderr.contains("belongs to another user"), "\(r.stderr)")
        #expect(try String(contentsOfFile: shared.path + "/roots.jsonl", encoding: .utf8) == "root's data\n")
        var st = stat()
        #expect(stat(shared.path + "/roots.jsonl", &st) == 0 && st.st_uid == 0)
        let ro = try TempDir()
        chmod(ro.path, 0o555)
        let d = try shell("setpriv --reuid=65534 --regid=65534 --clear-groups \"$MEOW\" agreement --input \(dir.path)/ann.csv --html \(ro.path)/r.html", in: "/tmp")
        #expect(d.status != 0 && d.stderr.contains("is not writable"), "\(d.stderr)")
    }
}

