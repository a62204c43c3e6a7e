import Foundation
import Testing
import MeowTestSupport
@testable import MeowStore

@Suite("PostgreSQL test server")
struct PostgresTestServer {
    /// Says, in the test output, whether the store's tests also ran on PostgreSQL and why not.
    @Test(.enabled(if: TestBackend.serverURL != nil,
                   "MEOW_TEST_POSTGRES is not set: the store's tests ran on SQLite only (.ci/run starts a server; see README, Tests on PostgreSQL)"))
    func theServerAnswersAndIsRecentEnough() throws {
        let c = try PostgresConnection(url: try #require(TestBackend.serverURL))
        #expect(try c.scalarInt("SELECT current_setting('server_version_num')::int") ?? 0 >= Int64(PostgresConnection.oldestServer))
    }
}

/// The two schemas are two texts, one per dialect, under the same migration names: this holds
/// them to the same tables, columns and protection triggers at the current version.
@Suite("Schemas in step")
struct SchemasInStepTests {
    @Test(.enabled(if: TestBackend.serverURL != nil, "needs MEOW_TEST_POSTGRES"))
    func bothBackendsHaveTheSameTablesColumnsAndTriggers() throws {
        #expect(Schema.migrations.map(\.name) == PostgresSchema.migrations.map(\.name))
        let dir = NSTemporaryDirectory() + "meow-schema-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = try TestBackend.sqlite.freshWorkspace(dir: dir)
        let server = try TestBackend.postgresql.freshWorkspace(dir: dir)
        #expect(file.schemaVersion == server.schemaVersion)
        let fileColumns = Set(try file.db.rows("""
            SELECT m.name || '.' || p.name AS c FROM sqlite_schema m JOIN pragma_table_xinfo(m.name) p
            WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%'
            """).map { try $0.text("c") })
        // The server's own bookkeeping: its schema version row and the progress counters.
        let serverColumns = Set(try server.db.rows("""
            SELECT table_name || '.' || column_name AS c FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name NOT IN ('meow_workspace', 'meow_progress')
            """).map { try $0.text("c") })
        #expect(fileColumns == serverColumns, "only in the file: \(fileColumns.subtracting(serverColumns).sorted()); only on the server: \(serverColumns.subtracting(fileColumns).sorted())")
        let serverTriggers = Set(try server.db.rows("""
            SELECT t.tgname AS name FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
            WHERE NOT t.tgisinternal AND c.relnamespace = current_schema()::regnamespace
            """).map { try $0.text("name") })
        let fileTriggers = Set(try file.db.rows("SELECT name FROM sqlite_schema WHERE type = 'trigger'").map { try $0.text("name") })
        #expect(fileTriggers.isSubset(of: serverTriggers), "missing on the server: \(fileTriggers.subtracting(serverTriggers).sorted())")
        #expect(serverTriggers.subtracting(fileTriggers) == Set(PostgresSchema.truncateTriggers))
    }
}
