import Foundation
import Testing
import MeowTestSupport
@testable import MeowStore

/// `copyIn` against a real server: values arrive as written, server errors keep their
/// SQLSTATE, and a failed or cancelled COPY leaves the connection usable.
@Suite("PostgreSQL COPY", .enabled(if: TestBackend.serverURL != nil, "MEOW_TEST_POSTGRES is not set"))
struct PostgresCopyTests {
    let c: PostgresConnection

    init() throws {
        c = try PostgresConnection(url: try #require(TestBackend.serverURL))
        try c.execute("CREATE TEMP TABLE t (n bigint CHECK (n >= 0), s text, b bytea)")
    }

    @Test func valuesArriveAsWritten() throws {
        let texts = ["tab\t", "nl\n", "\\N", "\\.", "🐈‍⬛", ""]
        let n = try c.copyIn(sql: "COPY t(n, s, b) FROM STDIN (FORMAT binary)") { rows in
            for (i, s) in texts.enumerated() {
                try rows.beginRow(fields: 3)
                rows.int64(Int64(i) << 33)
                rows.text(s)
                rows.bytes([0, 0xFF, UInt8(i)])
            }
            try rows.beginRow(fields: 3)
            rows.int64(Int64.max)
            rows.null()
            rows.null()
        }
        #expect(n == texts.count + 1)
        let back = try c.rows("SELECT n, s, encode(b, 'hex') AS h FROM t ORDER BY n")
        #expect(try back.map { try $0.int("n") } == texts.indices.map { Int64($0) << 33 } + [Int64.max])
        #expect(try back.dropLast().map { Array(try $0.text("s").utf8) } == texts.map { Array($0.utf8) })
        #expect(try back.first?.text("h") == "00ff00")
        #expect(try back.last?.string("s") == nil)
    }

    @Test func aServerErrorKeepsItsSQLStateAndTheConnectionWorksAfter() throws {
        try c.execute("BEGIN")
        #expect { try c.copyIn(sql: "COPY t(n) FROM STDIN (FORMAT binary)") { rows in
            // Enough rows that the server fails while the client is still sending.
            for i in 0..<200_000 { try rows.beginRow(fields: 1); rows.int64(i == 10 ? -1 : Int64(i)) }
        } } throws: { ($0 as? PostgresError)?.sqlstate == "23514" }
        try c.execute("ROLLBACK")
        #expect(try c.scalarInt("SELECT count(*) FROM t") == 0)
        #expect { try c.copyIn(sql: "COPY nowhere FROM STDIN (FORMAT binary)") { _ in } } throws: { ($0 as? PostgresError)?.sqlstate == "42P01" }
        #expect(try c.scalarInt("SELECT 1") == 1)
    }

    @Test func aThrowingProducerCancelsTheCopy() throws {
        struct Stop: Error {}
        try c.execute("BEGIN")
        #expect(throws: Stop.self) {
            try c.copyIn(sql: "COPY t(n) FROM STDIN (FORMAT binary)") { rows in
                try rows.beginRow(fields: 1); rows.int64(1)
                throw Stop()
            }
        }
        try c.execute("ROLLBACK")
        #expect(try c.scalarInt("SELECT count(*) FROM t") == 0)
    }
}
