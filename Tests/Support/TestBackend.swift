import Foundation
import MeowStore

/// The store's tests run on both backends: SQLite always, PostgreSQL when `MEOW_TEST_POSTGRES`
/// names a server (`.ci/run` starts a throwaway one; README "Tests on PostgreSQL"). Each
/// PostgreSQL workspace gets its own schema in that database, so tests run in parallel
/// without seeing each other.
public enum TestBackend: String, CaseIterable, Sendable {
    case sqlite, postgresql

    /// The server the PostgreSQL runs use, if any.
    public static let serverURL: String? = ProcessInfo.processInfo.environment["MEOW_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }

    /// The backends to run on here: PostgreSQL only when a server was given.
    public static let available: [TestBackend] = serverURL == nil ? [.sqlite] : [.sqlite, .postgresql]

    /// A new, empty workspace on this backend (`name` tells two in one test apart).
    public func freshWorkspace(dir: String, name: String = "w") throws -> Workspace {
        switch self {
        case .sqlite:
            return try Workspace(path: dir + "/\(name).sqlite", create: true)
        case .postgresql:
            return try Workspace(postgres: try Self.freshSchemaURL(), create: true)
        }
    }

    /// A second handle on the same workspace: another connection, as another process has.
    public func reopen(_ ws: Workspace) throws -> Workspace {
        switch self {
        case .sqlite: return try Workspace(path: ws.path)
        case .postgresql: return try Workspace(postgres: ws.path)
        }
    }

    /// A URL whose connections work in a new schema of the test database (`meow init` and
    /// `Workspace(postgres:create:)` create it).
    public static func freshSchemaURL() throws -> String {
        guard let base = serverURL else { throw PostgresError(message: "MEOW_TEST_POSTGRES is not set") }
        let schema = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        return base + (base.contains("?") ? "&" : "?") + "options=-csearch_path%3D\(schema)"
    }
}
