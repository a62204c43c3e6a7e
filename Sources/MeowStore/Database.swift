import Foundation

/// Which database a workspace lives in. SQL that differs between the two is chosen by this,
/// inside MeowStore only.
public enum Backend: String, Sendable, CaseIterable {
    case sqlite, postgresql
}

/// What the workspace asks of a database connection: SQLite (`Connection`) and PostgreSQL
/// (`PostgresConnection`) both answer it, so `Workspace`'s rules are written once. SQL is
/// written with `?` placeholders in the subset both accept (upserts with `ON CONFLICT`,
/// `RETURNING`); the few places that differ ask `backend`.
protocol SQLDatabase: AnyObject {
    var backend: Backend { get }
    /// The file path or the URL without its password: what messages name.
    var location: String { get }
    /// How long a writer waits for another before giving up with a clear error.
    var lockWaitLimit: TimeInterval { get set }
    func execute(_ sql: String) throws
    /// A prepared statement, reset and with bindings cleared.
    func statement(_ sql: String) throws -> any SQLStatement
    /// A statement whose rows are read in chunks, for loops over a whole table (exports, the
    /// agreement read): SQLite steps through rows anyway; a server would otherwise send them all.
    func streaming(_ sql: String) throws -> any SQLStatement
    /// Rows changed by the last INSERT, UPDATE or DELETE.
    var changes: Int { get }
    /// One write transaction at a time per workspace, retried within `lockWaitLimit`.
    func write<T>(_ body: (WriteTransaction) throws -> T) throws -> T
    /// A queue write (claim, answer, skip, release) that may run beside other queue writes
    /// where the backend allows (PostgreSQL); SQLite has one writer, so it is `write`.
    func writeConcurrent<T>(_ body: (WriteTransaction) throws -> T) throws -> T
    /// A consistent snapshot across several queries.
    func read<T>(_ body: () throws -> T) throws -> T
}

/// A prepared statement: bind, then step through the rows.
protocol SQLStatement: AnyObject {
    func bind(_ values: [SQLValue]) throws
    func bind(_ value: SQLValue, at index: Int32) throws
    /// Binds UTF-8 bytes as text without building a String first (import hot paths).
    func bindText(_ bytes: UnsafeRawBufferPointer, at index: Int32) throws
    /// As `bindText`, where the bytes stay valid until the statement has run.
    func bindTextUnretained(_ bytes: UnsafeRawBufferPointer, at index: Int32) throws
    func bindBlob(_ bytes: [UInt8], at index: Int32) throws
    /// Ready to run again with the same bindings.
    func rewind()
    /// Steps once: true when a row is available.
    func step() throws -> Bool
    func runToEnd() throws
    func isNull(_ i: Int32) -> Bool
    func int64(_ i: Int32) -> Int64
    func double(_ i: Int32) -> Double
    func string(_ i: Int32) -> String?
    /// The column's UTF-8 bytes, valid until the next step.
    func withTextBytes<T>(_ i: Int32, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T
    func row() -> Row
    func column(_ name: String) throws -> Int32
    /// A NOT NULL text column: NULL is an error naming the column.
    func text(_ i: Int32) throws -> String
    /// A NOT NULL integer column.
    func integer(_ i: Int32) throws -> Int64
}

extension SQLDatabase {
    @discardableResult
    func run(_ sql: String, _ values: SQLValue...) throws -> Int {
        try run(sql, values: values)
    }

    @discardableResult
    func run(_ sql: String, values: [SQLValue]) throws -> Int {
        let s = try statement(sql)
        try s.bind(values)
        try s.runToEnd()
        return changes
    }

    func rows(_ sql: String, _ values: SQLValue...) throws -> [Row] {
        try rows(sql, values: values)
    }

    func rows(_ sql: String, values: [SQLValue]) throws -> [Row] {
        let s = try statement(sql)
        try s.bind(values)
        var out: [Row] = []
        while try s.step() { out.append(s.row()) }
        return out
    }

    func row(_ sql: String, _ values: SQLValue...) throws -> Row? {
        try row(sql, values: values)
    }

    func row(_ sql: String, values: [SQLValue]) throws -> Row? {
        let s = try statement(sql)
        try s.bind(values)
        defer { s.rewind() }
        return try s.step() ? s.row() : nil
    }

    func scalarInt(_ sql: String, _ values: SQLValue...) throws -> Int64? {
        let s = try statement(sql)
        try s.bind(values)
        defer { s.rewind() }
        guard try s.step() else { return nil }
        return s.isNull(0) ? nil : s.int64(0)
    }

    /// Runs an INSERT ... RETURNING id and gives the new row's id.
    func insertReturningID(_ sql: String, _ values: SQLValue...) throws -> Int64 {
        let s = try statement(sql + " RETURNING id")
        try s.bind(values)
        guard try s.step() else { throw SQLiteError(code: 0, message: "the insert returned no id", sql: sql) }
        let id = s.int64(0)
        try s.runToEnd()
        return id
    }
}

/// The few expressions the two dialects spell differently.
extension SQLDatabase {
    /// The team's progress of the project row in scope (`project.answers_done`, plus the
    /// per-connection counters a server keeps, see PostgresSchema's `meow_progress`).
    var answersDone: String {
        backend == .sqlite ? "project.answers_done"
            : "(project.answers_done + coalesce((SELECT sum(g.done) FROM meow_progress g WHERE g.project_id = project.id), 0))"
    }

    /// Statements that set `project.answers_done` outright: on a server the per-connection
    /// counters are folded away first (under the exclusive workspace lock, so none is moving).
    func resetProgressCounters(project: Int64) throws {
        if backend == .postgresql { try run("DELETE FROM meow_progress WHERE project_id = ?", .int(project)) }
    }

    /// Where temporary tables live: `temp` in SQLite, `pg_temp` in PostgreSQL.
    var tempSchema: String { backend == .sqlite ? "temp" : "pg_temp" }

    /// The value at a JSON path (`path` is SQL: a bound `?` or a quoted literal such as
    /// `'$.a'`) in a text column holding JSON, as text; NULL where the path is absent.
    func jsonText(_ column: String, path: String) -> String {
        switch backend {
        case .sqlite: return "CAST(json_extract(\(column), \(path)) AS TEXT)"
        case .postgresql: return "(jsonb_path_query_first(\(column)::jsonb, CAST(\(path) AS jsonpath)) #>> '{}')"
        }
    }
}
