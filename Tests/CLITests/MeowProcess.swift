import Foundation
import Testing

/// Runs the built `meow` binary in a temporary folder, as a user would.
struct MeowRun {
    var status: Int32
    var stdout: String
    var stderr: String
}

enum Meow {
    /// The `meow` executable next to the test bundle (`swift test` builds the whole package).
    static let binary: String = {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("meow").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            dir = dir.deletingLastPathComponent()
        }
        // Fallback: the package's debug build folder.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/meow").path
    }()

    static let repoRoot: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    @discardableResult
    static func run(_ args: [String], in dir: String, env: [String: String] = [:], stdin: String? = nil) throws -> MeowRun {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: dir)
        var environment = ProcessInfo.processInfo.environment
        environment["MEOW_DB"] = nil
        for (k, v) in env { environment[k] = v }
        p.environment = environment
        // Output goes to files, so a large output can never block the child.
        let base = NSTemporaryDirectory() + "meow-out-" + UUID().uuidString
        FileManager.default.createFile(atPath: base + ".out", contents: nil)
        FileManager.default.createFile(atPath: base + ".err", contents: nil)
        defer { try? FileManager.default.removeItem(atPath: base + ".out"); try? FileManager.default.removeItem(atPath: base + ".err") }
        p.standardOutput = FileHandle(forWritingAtPath: base + ".out")
        p.standardError = FileHandle(forWritingAtPath: base + ".err")
        let input = Pipe()
        p.standardInput = input
        try p.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try? input.fileHandleForWriting.close()
        p.waitUntilExit()
        let outData = FileManager.default.contents(atPath: base + ".out") ?? Data()
        let errData = FileManager.default.contents(atPath: base + ".err") ?? Data()
        return MeowRun(status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self), stderr: String(decoding: errData, as: UTF8.self))
    }
}

/// A temporary folder removed when the test ends.
final class TempDir {
    let path: String
    init() throws {
        path = NSTemporaryDirectory() + "meow-test-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
    func write(_ name: String, _ content: String) throws -> String {
        let p = path + "/" + name
        try Data(content.utf8).write(to: URL(fileURLWithPath: p))
        return p
    }
    func write(_ name: String, bytes: [UInt8]) throws -> String {
        let p = path + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: p))
        return p
    }
}

/// A small classify guideline used by CLI tests.
let testGuideline = """
---
name: test-sentiment
title: Test sentiment
task: classify
overlap: 2
labels:
  - value: pos
    hotkey: p
    definition: Positive.
    examples: ["great"]
  - value: neg
    hotkey: n
    definition: Negative.
    examples: ["awful"]
  - value: other
    hotkey: o
    definition: Neither; say why.
    examples: ["it is a chair"]
    requires_comment: true
---
# Test guideline
Label the sentiment.
"""

func sqlite(_ db: String, _ sql: String) throws -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
    p.arguments = ["-cmd", ".timeout 10000", db, sql]   // wait out a writer instead of failing
    let out = Pipe()
    p.standardOutput = out
    p.standardError = Pipe()
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}

/// Acknowledges the project's guideline for an annotator (as scripts do with `meow ack`).
func ack(_ who: String, project: String = "p", in dir: String) throws {
    let r = try Meow.run(["ack", project, "--as", who], in: dir)
    #expect(r.status == 0, "\(r.stderr)")
}

/// `count` annotators at once (w0, w1, ...), each a shell loop of `meow next` / `meow submit`
/// on project `p` until the queue ends (exit 3), in `dir`, on the workspace `db` (nil: the
/// folder's meow.sqlite). Returns each worker's answer count, exit status and stderr.
func runAnnotatorLoops(_ count: Int, in dir: TempDir, db: String? = nil) throws -> [(answers: Int, status: Int32, stderr: String)] {
    let script = """
    set -u
    n=0
    while true; do
      out=$("$MEOW" next p --as "$WHO" --json); rc=$?
      if [ $rc -eq 3 ]; then break; fi
      if [ $rc -ne 0 ]; then echo "next failed rc=$rc" >&2; exit 1; fi
      id=${out#*\\"item\\":\\"}; id=${id%%\\"*}
      "$MEOW" submit p --as "$WHO" --item "$id" --label pos >/dev/null || { echo "submit failed for $id" >&2; exit 1; }
      n=$((n+1))
    done
    echo $n
    """
    _ = try dir.write("worker.sh", script)
    var workers: [(Process, Pipe, Pipe)] = []
    for w in 0..<count {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = [dir.path + "/worker.sh"]
        p.currentDirectoryURL = URL(fileURLWithPath: dir.path)
        var env = ProcessInfo.processInfo.environment
        env["MEOW"] = Meow.binary
        env["WHO"] = "w\(w)"
        env["MEOW_DB"] = db
        p.environment = env
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        workers.append((p, out, err))
    }
    return workers.map { p, out, err in
        let o = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let e = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return (Int(o.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0, p.terminationStatus, e)
    }
}
