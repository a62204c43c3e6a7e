import CSQLite
import Foundation
import MeowCore

/// The one database type: a workspace file holding any number of projects. Commands and the
/// labeling screen go through its intent-named methods; no SQL leaves MeowStore.
public final class Workspace {
    let db: any SQLDatabase
    public let path: String
    var projectCache: [String: Project] = [:]
    /// Per project, `PRAGMA data_version` and the newest guideline version when last looked
    /// (`newerGuideline`): until another connection commits, the version cannot have changed.
    var guidelineWatch: [String: (dataVersion: Int64, version: Int)] = [:]
    /// Agreement reads answers in two halves at once when their ids span at least this many
    /// (`agreementRatings`); tests lower it to exercise both ways on small workspaces.
    var parallelAgreementFrom: Int64 = 200_000
    /// How many agreement reads were done in two halves (tests check the path ran).
    var agreementReadsInHalves = 0
    /// From how many answers agreement keeps a project's answers in `agreement_snapshot`
    /// (below it a read is a few milliseconds anyway); tests lower it.
    var agreementSnapshotFrom = 50_000
    /// Tests turn snapshots off to compare with a read of every answer.
    var agreementSnapshots = true
    /// How many agreement reads started from a snapshot, and how many snapshots were written.
    var agreementSnapshotReads = 0
    var agreementSnapshotWrites = 0
    /// From how many rows an import builds the item's keys after loading instead of keeping
    /// them row by row, when the load is also at least as big as the rest of the table (tests
    /// lower it to run that path on small files).
    var bulkImportFrom = 100_000
    /// How many PostgreSQL bulk imports were loaded in one pass, without judging rows one by
    /// one (tests check which path ran).
    var bulkLoadsInOnePass = 0
    /// The write transaction `importItemsAndAnnotations` holds open around both imports.
    var openImport: WriteTransaction?

    /// A write transaction of its own, or the one a combined import holds open.
    func writeJoiningOpen<T>(_ body: (WriteTransaction) throws -> T) throws -> T {
        if let tx = openImport { return try body(tx) }
        return try db.write(body)
    }

    /// Opens (and, with `create`, creates) a workspace, applying pending migrations.
    /// Refuses files that are not SQLite, SQLite files of other applications, and files
    /// written by a newer meow — before changing anything in them: a file is identified
    /// (application id, tables) first, and only meow's own workspace, or an empty one that
    /// `create` asked for, is switched to WAL and migrated.
    public init(path: String, create: Bool = false) throws {
        self.path = path
        try WorkspaceFile.checkBeforeOpening(path, create: create)
        do {
            db = try Connection(path: path, create: create)
        } catch let e as SQLiteError {
            if e.code & 0xff == SQLITE_NOTADB { throw StoreError.notSQLite(path: path) }
            throw WorkspaceFile.explain(e, path: path)
        }
        do {
            try retryingBusy { try identify(create: create) }
            try retryingBusy { try configure() }
            try retryingBusy { try migrate() }
        } catch let e as SQLiteError where e.code & 0xff == SQLITE_NOTADB {
            throw StoreError.notSQLite(path: path)
        } catch let e as SQLiteError where [SQLITE_READONLY, SQLITE_CANTOPEN, SQLITE_FULL, SQLITE_IOERR].contains(e.code & 0xff) {
            throw WorkspaceFile.explain(e, path: path)
        } catch let e as SQLiteError {
            // Anything else while opening or upgrading: say which file, without the SQL.
            throw StoreError.cannotOpen(path: path, reason: "SQLite refused to open or upgrade it: \(e.message)")
        }
    }

    /// Opens (with `create`, creates) a workspace in a PostgreSQL database: the same tables and
    /// rules as a file, migrated in step. With `create`, a database that does not exist yet is
    /// created (when the user may), so `meow init --db postgresql://...` is one step.
    public convenience init(postgres url: String, create: Bool = false) throws {
        try self.init(postgres: url, create: create, deferSchema: false)
    }

    /// With `deferSchema`, an empty database is left without meow's tables: the caller
    /// (`meow migrate`) creates them in the same transaction as the copy, so a failed copy
    /// leaves no empty workspace behind (PostgreSQL's DDL is transactional).
    init(postgres url: String, create: Bool, deferSchema: Bool) throws {
        let pg: PostgresConnection
        do {
            pg = try PostgresConnection(url: url)
        } catch let e as PostgresError where e.sqlstate == "3D000" && create {
            try PostgresConnection.createDatabase(url: url)
            pg = try PostgresConnection(url: url)
        } catch let e as PostgresError {
            throw StoreError.cannotOpen(path: PostgresConnection.redacted(url), reason: e.sqlstate == "3D000"
                ? "the database does not exist (create it with createdb, or run `meow init` with this --db)" : e.message)
        }
        db = pg
        path = pg.location
        do {
            if create { try pg.createSchemaIfNeeded() }
            try identifyServer(create: create)
            let empty = try db.scalarInt("SELECT CASE WHEN to_regclass('meow_workspace') IS NULL THEN 1 ELSE 0 END") == 1
            if !(deferSchema && empty) { try migrateServer() }
        } catch let e as PostgresError {
            throw StoreError.cannotOpen(path: path, reason: "PostgreSQL refused to open or upgrade it: \(e.message)")
        }
    }

    /// The server twin of `identify`: meow's own database, an empty one `create` may fill, or
    /// another application's (refused untouched).
    private func identifyServer(create: Bool) throws {
        if try db.scalarInt("SELECT CASE WHEN to_regclass('meow_workspace') IS NULL THEN 0 ELSE 1 END") == 1 {
            let appID = try db.scalarInt("SELECT application_id FROM meow_workspace LIMIT 1") ?? 0
            if appID == Int64(Schema.applicationID) { return }
            throw StoreError.foreignDatabase(path: path)
        }
        let tables = try db.scalarInt("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()") ?? 0
        if tables > 0 { throw StoreError.foreignDatabase(path: path) }
        if !create { throw StoreError.noWorkspace(path: path) }
    }

    /// The server schema's migrations from `current` on, inside the caller's write.
    func applyServerMigrations(from current: Int, in tx: WriteTransaction) throws {
        for (_, sql) in PostgresSchema.migrations.dropFirst(current) { try db.execute(sql) }
        try db.execute("DELETE FROM meow_workspace")
        try db.run("INSERT INTO meow_workspace(application_id, schema_version) VALUES (?, ?)", .int(Int64(Schema.applicationID)), .int(Int64(Schema.version)))
    }

    private func migrateServer() throws {
        func version() throws -> Int {
            guard try db.scalarInt("SELECT CASE WHEN to_regclass('meow_workspace') IS NULL THEN 0 ELSE 1 END") == 1 else { return 0 }
            return Int(try db.scalarInt("SELECT schema_version FROM meow_workspace LIMIT 1") ?? 0)
        }
        let found = try version()
        if found > Schema.version { throw StoreError.newerSchema(path: path, found: found, supported: Schema.version) }
        guard found < Schema.version else { return }
        try db.write { tx in
            // Re-read inside the write lock: another process may have migrated meanwhile.
            let current = try version()
            guard current < Schema.version else { return }
            try applyServerMigrations(from: current, in: tx)
        }
    }

    /// Reads only: is this meow's workspace, an empty file `create` may fill, or something else?
    private func identify(create: Bool) throws {
        let appID = Int32(truncatingIfNeeded: try db.scalarInt("PRAGMA application_id") ?? 0)
        if appID == Schema.applicationID { return }
        let tables = try db.scalarInt("SELECT count(*) FROM sqlite_schema") ?? 0
        if appID != 0 || tables > 0 { throw StoreError.foreignDatabase(path: path) }
        if !create { throw StoreError.emptyFile(path: path) }
    }

    /// Opening races with other processes' writes and checkpoints: retry lock waits within the
    /// same bound as writes, so that opening never fails with "database is locked".
    private func retryingBusy(_ body: () throws -> Void) throws {
        let start = Date()
        var delay: UInt32 = 1_000
        while true {
            do { return try body() }
            catch let e as SQLiteError where e.isBusy {
                if Date().timeIntervalSince(start) > db.lockWaitLimit { throw StoreError.busy(path: path, seconds: db.lockWaitLimit) }
                usleep(UInt32.random(in: delay / 2...delay))
                delay = min(delay * 2, 50_000)
            }
        }
    }

    private func configure() throws {
        // WAL lets annotators read while one writes; NORMAL is durable across process
        // crashes (kill -9) in WAL mode, and only a power loss can drop the last commits.
        // Switching needs a lock: only ask when the file is not in WAL mode yet.
        let current = try db.row("PRAGMA journal_mode")?.string("journal_mode") ?? ""
        let mode = current.lowercased() == "wal" ? current : (try db.row("PRAGMA journal_mode = WAL")?.string("journal_mode") ?? "")
        if mode.lowercased() != "wal" && path != ":memory:" {
            throw SQLiteError(code: 0, message: "could not switch \(path) to WAL mode (got \(mode))", sql: nil)
        }
        try db.execute("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;")
    }

    private func migrate() throws {
        let version = Int(try db.scalarInt("PRAGMA user_version") ?? 0)
        if version > Schema.version {
            throw StoreError.newerSchema(path: path, found: version, supported: Schema.version)
        }
        guard version < Schema.version else { return }
        let rebuilding = Schema.migrations.dropFirst(version).contains { Schema.rebuildsTables.contains($0.name) }
        if rebuilding { try db.execute("PRAGMA foreign_keys = OFF") }
        defer { if rebuilding { try? db.execute("PRAGMA foreign_keys = ON") } }
        try db.write { tx in
            // Re-read inside the write lock: another process may have migrated meanwhile.
            let current = Int(try db.scalarInt("PRAGMA user_version") ?? 0)
            let pending = Schema.migrations.dropFirst(current)
            for (_, sql) in pending { try db.execute(sql) }
            // Checked only when a rebuild ran here (another process may have done it meanwhile).
            if rebuilding, pending.contains(where: { Schema.rebuildsTables.contains($0.name) }),
               let broken = try db.row("PRAGMA foreign_key_check") {
                throw SQLiteError(code: SQLITE_CONSTRAINT, message: "the upgrade found a row in \((try broken.string("table")) ?? "a table") that points at a missing row; the file is left as it was", sql: nil)
            }
            try db.execute("PRAGMA application_id = \(Schema.applicationID); PRAGMA user_version = \(Schema.version)")
        }
    }

    /// The schema version of this file (number of migrations applied).
    public var schemaVersion: Int {
        let sql = db.backend == .sqlite ? "PRAGMA user_version" : "SELECT schema_version FROM meow_workspace LIMIT 1"
        return Int(((try? db.scalarInt(sql)) ?? nil) ?? 0)
    }
    public var backend: Backend { db.backend }
    public static var supportedSchemaVersion: Int { Schema.version }

    static func now() -> String { ISO8601.string(Date()) }
}

/// ISO 8601 UTC timestamps with milliseconds, formatted without Foundation's slow formatter.
enum ISO8601 {
    static func string(_ date: Date) -> String {
        var t = time_t(date.timeIntervalSince1970)
        var tmv = tm()
        gmtime_r(&t, &tmv)
        let ms = Int((date.timeIntervalSince1970 - Double(t)) * 1000)
        func pad(_ v: Int32, _ n: Int) -> String { let s = String(v); return String(repeating: "0", count: max(0, n - s.count)) + s }
        return "\(pad(tmv.tm_year + 1900, 4))-\(pad(tmv.tm_mon + 1, 2))-\(pad(tmv.tm_mday, 2))T\(pad(tmv.tm_hour, 2)):\(pad(tmv.tm_min, 2)):\(pad(tmv.tm_sec, 2)).\(pad(Int32(max(0, min(999, ms))), 3))Z"
    }
}
