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
        var total = 0
        for w in try runAnnotatorLoops(8, in: dir) {
            #expect(w.status == 0, "worker failed: \(w.stderr)")
            #expect(!w.stderr.contains("locked"), "\(w.stderr)")
            total += w.answers
        }
        let db = dir.path + "/meow.sqlite"
        #expect(total == 1500)
        #expect(try sqlite(db, "SELECT count(*) FROM annotation") == "1500")
        #expect(try sqlite(db, "SELECT count(*) FROM (SELECT item_id FROM annotation GROUP BY item_id HAVING count(*) = 3)") == "500")
        #expect(try sqlite(db, "SELECT count(*) FROM (SELECT item_id, annotator FROM annotation GROUP BY 1, 2 HAVING count(*) > 1)") == "0")
        #expect(try sqlite(db, "SELECT count(*) FROM claim") == "0")
    }
}
