import Foundation
import Testing
@testable import MeowStore

/// Reads from a row are typed and loud: a NULL or a value of another type is an error that
/// names the column, never a silent 0 or "".
@Suite("Typed row reads")
struct RowTests {
    @Test func nullAndWrongTypesThrowNamingTheColumn() throws {
        let c = try Connection(path: ":memory:")
        let r = try #require(try c.row("SELECT 1 AS n, 'x' AS s, NULL AS missing, 2.5 AS r"))
        #expect(try r.int(0) == 1 && r.text("s") == "x" && r.double("r") == 2.5 && r.double("n") == 1)
        #expect(try r.string("missing") == nil && r.optionalInt(2) == nil)
        do { _ = try r.text(2); Issue.record("NULL read as text") } catch { #expect("\(error)".contains("missing") && "\(error)".contains("NULL")) }
        do { _ = try r.int("s"); Issue.record("text read as an integer") } catch { #expect("\(error)".contains("(s) is text, expected an integer")) }
        #expect(throws: SQLiteError.self) { try r.text("nope") }
        #expect(throws: SQLiteError.self) { try r.string("n") }
    }
}
