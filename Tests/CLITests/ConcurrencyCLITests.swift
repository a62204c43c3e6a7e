import Foundation
import Testing

@Suite("meow CLI: many annotators at once")
struct ConcurrencyCLITests {
    /// 8 processes loop `meow next` / `meow submit` over 500 items with overlap 3: every item
    /// ends with exactly 3 labels, no (item, annotator) twice, nothing lost, no "locked" error.
    @Test func eightConcurrentAnnotatorsFillEveryItemExactlyToOverlap() throws {
        let dir = try TempDir()
        _ = try dir.write("g.md", testGuideline.replacingOccurrences(of: "overlap: 2", with: "overlap: 3"))
        #expect(try Meow.run(["init", "p", "--guideline", "g.md"], in: dir.path).status == 0)
        _ = try dir.write("items.txt", (1...500).map { "item number \($0)" }.joined(separator: "\n"))
        #expect(try Meow.run(["import", "p", "items.txt"], in: dir.path).stdout.contains("imported 500 items"))

        for w in 0..<8 { try ack("w\(w)", in: dir.path) }
        let script = """
        set -u
        n=0
        while true; do
          out=$("$MEOW" next p --as "$WHO" --json); rc=$?
          if [ $rc -eq 3 ]; then break; fi
          if [ $rc -ne 0 ]; then echo "next failed rc=$rc" >&2; exit 1; fi
          id=${out#*\\"item\\":\\"}; id=${id%%\\"*}
          "$MEOW" submit p --as "$WHO" --item "$id" --label pos || { echo "submit failed for $id" >&2; exit 1; }
          n=$((n+1))
        done
        echo $n
        """
        _ = try dir.write("worker.sh", script)
        var workers: [(Process, Pipe, Pipe)] = []
        for w in 0..<8 {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/bash")
            p.arguments = [dir.path + "/worker.sh"]
            p.currentDirectoryURL = URL(fileURLWithPath: dir.path)
            var env = ProcessInfo.processInfo.environment
            env["MEOW"] = Meow.binary
            env["WHO"] = "w\(w)"
            env["MEOW_DB"] = nil
            p.environment = env
            let out = Pipe(), err = Pipe()
            p.standardOutput = out
            p.standardError = err
            try p.run()
            workers.append((p, out, err))
        }
        var total = 0
        for (p, out, err) in workers {
            let o = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            let e = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            #expect(p.terminationStatus == 0, "worker failed: \(e)")
            #expect(!e.contains("locked"), "\(e)")
            total += Int(o.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
        }
        let db = dir.path + "/meow.sqlite"
        #expect(total == 1500)
        #expect(try sqlite(db, "SELECT count(*) FROM annotation") == "1500")
        #expect(try sqlite(db, "SELECT count(*) FROM (SELECT item_id FROM annotation GROUP BY item_id HAVING count(*) = 3)") == "500")
        #expect(try sqlite(db, "SELECT count(*) FROM (SELECT item_id, annotator FROM annotation GROUP BY 1, 2 HAVING count(*) > 1)") == "0")
        #expect(try sqlite(db, "SELECT count(*) FROM claim") == "0")
    }
}
