import CSQLite
import Foundation

/// A SQLite error with the code, SQLite's message and the statement that failed.
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    public var code: Int32
    public var message: String
    public var sql: String?
    public var description: String {
        "SQLite error \(code): \(message)" + (sql.map { " — in: \($0.prefix(200))" } ?? "")
    }
    var isBusy: Bool { code & 0xff == SQLITE_BUSY || code & 0xff == SQLITE_LOCKED }
}

/// Proof that a write transaction is open: only `write` (SQLite or PostgreSQL) makes one and hands it to
/// its body, so a helper that must run inside a transaction takes one and cannot be called
/// outside it (as GRDB's `write { db in }` hands its body the database).
public struct WriteTransaction {
    init() {}
}

/// A thin wrapper over one sqlite3 connection: prepared-statement cache, typed binds,
/// and write transactions that retry lock waits within a bound.
///
/// Chosen over GRDB after measuring on this machine (STACK.md): about 1.6x the claim
/// throughput, a faster bulk insert, and no extra minute of build; the store needs only
/// a few dozen statements, all hand-written SQL behind `Workspace`.
public final class Connection {
    let handle: OpaquePointer
    private var cache: [String: Statement] = [:]
    public let path: String

    /// Process-wide SQLite settings, made once before the first connection opens.
    private static let configured: Bool = meow_sqlite_skip_memory_statistics() == SQLITE_OK

    public init(path: String, readOnly: Bool = false, create: Bool = true) throws {
        _ = Self.configured
        var db: OpaquePointer?
        var flags = readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE
        if create && !readOnly { flags |= SQLITE_OPEN_CREATE }
        flags |= SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &db, flags, nil)
        guard rc == SQLITE_OK, let db else {
            let msg = db.map { String(cString: sqlite3_errmsg($0)) } ?? "cannot open"
            if let db { sqlite3_close_v2(db) }
            throw SQLiteError(code: rc, message: msg, sql: nil)
        }
        handle = db
        self.path = path
        sqlite3_extended_result_codes(db, 1)
        // Short per-attempt wait; `write` retries with jitter on top of it, because SQLite's
        // busy handler is not fair between processes. (A finer-grained handler polling every
        // 50-150 µs was measured: 4-process claim throughput fell from 8.0k/s to 2.5k/s.)
        sqlite3_busy_timeout(db, 50)
    }

    deinit {
        cache.removeAll()
        sqlite3_close_v2(handle)
    }

    var errorMessage: String { String(cString: sqlite3_errmsg(handle)) }

    /// Runs one or more statements without results.
    public func execute(_ sql: String) throws {
        var err: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &err)
        if rc != SQLITE_OK {
            let msg = err.map { String(cString: $0) } ?? errorMessage
            sqlite3_free(err)
            throw SQLiteError(code: rc, message: msg, sql: sql)
        }
    }

    /// A cached prepared statement, reset and with bindings cleared.
    public func prepared(_ sql: String) throws -> Statement {
        if let s = cache[sql] {
            s.reset()
            return s
        }
        let s = try Statement(connection: self, sql: sql)
        cache[sql] = s
        return s
    }

    public var changes: Int { Int(sqlite3_changes(handle)) }
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    // MARK: Convenience

    @discardableResult
    public func run(_ sql: String, _ values: SQLValue...) throws -> Int {
        let s = try prepared(sql)
        try s.bind(values)
        try s.runToEnd()
        return changes
    }

    public func rows(_ sql: String, _ values: SQLValue...) throws -> [Row] {
        try rows(sql, values: values)
    }

    public func rows(_ sql: String, values: [SQLValue]) throws -> [Row] {
        let s = try prepared(sql)
        try s.bind(values)
        var out: [Row] = []
        while try s.step() { out.append(s.row()) }
        return out
    }

    public func row(_ sql: String, _ values: SQLValue...) throws -> Row? {
        let s = try prepared(sql)
        try s.bind(values)
        defer { s.reset() }
        return try s.step() ? s.row() : nil
    }

    public func scalarInt(_ sql: String, _ values: SQLValue...) throws -> Int64? {
        let s = try prepared(sql)
        try s.bind(values)
        defer { s.reset() }
        guard try s.step() else { return nil }
        return s.isNull(0) ? nil : s.int64(0)
    }

    // MARK: Transactions

    /// How long a writer keeps retrying a locked database before giving up with a clear error.
    public var lockWaitLimit: TimeInterval = 30

    /// Runs `body` in a `BEGIN IMMEDIATE` transaction, retrying lock waits (with jittered
    /// backoff) up to `lockWaitLimit`, so users never see "database is locked" under normal load.
    public func write<T>(_ body: (WriteTransaction) throws -> T) throws -> T {
        let start = Date()
        var delay: UInt32 = 1_000
        while true {
            do {
                try execute("BEGIN IMMEDIATE")
                break
            } catch let e as SQLiteError where [SQLITE_READONLY, SQLITE_CANTOPEN].contains(e.code & 0xff) {
                throw WorkspaceFile.explain(e, path: path)
            } catch let e as SQLiteError where e.isBusy {
                if Date().timeIntervalSince(start) > lockWaitLimit {
                    throw StoreError.busy(path: path, seconds: lockWaitLimit)
                }
                usleep(UInt32.random(in: delay / 2...delay))
                delay = min(delay * 2, 50_000)
            }
        }
        do {
            let result = try body(WriteTransaction())
            try commitRetrying(start: start)
            return result
        } catch let e as SQLiteError where [SQLITE_READONLY, SQLITE_FULL, SQLITE_CANTOPEN].contains(e.code & 0xff) {
            try? execute("ROLLBACK")
            throw WorkspaceFile.explain(e, path: path)
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    private func commitRetrying(start: Date) throws {
        while true {
            do { try execute("COMMIT"); return }
            catch let e as SQLiteError where e.isBusy {
                if Date().timeIntervalSince(start) > lockWaitLimit { throw StoreError.busy(path: path, seconds: lockWaitLimit) }
                usleep(2_000)
            }
        }
    }

    /// A read transaction (a consistent snapshot across several queries).
    public func read<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN DEFERRED")
        defer { try? execute("COMMIT") }
        return try body()
    }
}

extension Connection: SQLDatabase {
    var backend: Backend { .sqlite }
    var location: String { path }
    func statement(_ sql: String) throws -> any SQLStatement { try prepared(sql) }
    func streaming(_ sql: String) throws -> any SQLStatement { try prepared(sql) }
    func writeConcurrent<T>(_ body: (WriteTransaction) throws -> T) throws -> T { try write(body) }
}

extension Statement: SQLStatement {}
