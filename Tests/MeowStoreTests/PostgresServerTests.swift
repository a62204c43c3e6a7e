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
