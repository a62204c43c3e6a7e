import CSQLite

/// A value bound to or read from SQL.
public enum SQLValue: Sendable, Equatable {
    case null
    case int(Int64)
    case double(Double)
    case text(String)

    public static func of(_ s: String?) -> SQLValue { s.map { .text($0) } ?? .null }
    public static func of(_ i: Int?) -> SQLValue { i.map { .int(Int64($0)) } ?? .null }
}

extension SQLValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral {
    public init(stringLiteral v: String) { self = .text(v) }
    public init(integerLiteral v: Int64) { self = .int(v) }
    public init(floatLiteral v: Double) { self = .double(v) }
}

/// A row copied out of a statement.
public struct Row: Sendable {
    public var values: [SQLValue]
    public subscript(i: Int) -> SQLValue { values[i] }
    public func int(_ i: Int) -> Int64 { if case .int(let v) = values[i] { return v }; if case .double(let d) = values[i] { return Int64(d) }; return 0 }
    public func double(_ i: Int) -> Double { if case .double(let v) = values[i] { return v }; if case .int(let v) = values[i] { return Double(v) }; return 0 }
    public func string(_ i: Int) -> String? { if case .text(let v) = values[i] { return v }; if case .int(let v) = values[i] { return String(v) }; return nil }
    public func text(_ i: Int) -> String { string(i) ?? "" }
}

public final class Statement {
    let stmt: OpaquePointer
    unowned let connection: Connection
    let sql: String

    init(connection: Connection, sql: String) throws {
        var s: OpaquePointer?
        let rc = sqlite3_prepare_v3(connection.handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &s, nil)
        guard rc == SQLITE_OK, let s else { throw SQLiteError(code: rc, message: connection.errorMessage, sql: sql) }
        stmt = s
        self.connection = connection
        self.sql = sql
    }

    deinit { sqlite3_finalize(stmt) }

    func reset() {
        sqlite3_reset(stmt)
        sqlite3_clear_bindings(stmt)
    }

    public func bind(_ values: [SQLValue]) throws {
        for (i, v) in values.enumerated() { try bind(v, at: Int32(i + 1)) }
    }

    public func bind(_ value: SQLValue, at index: Int32) throws {
        let rc: Int32
        switch value {
        case .null: rc = sqlite3_bind_null(stmt, index)
        case .int(let v): rc = sqlite3_bind_int64(stmt, index, v)
        case .double(let v): rc = sqlite3_bind_double(stmt, index, v)
        // Bound with its byte length: a NUL inside the text is kept, never a cut.
        case .text(let v): rc = sqlite3_bind_text(stmt, index, v, Int32(v.utf8.count), meow_sqlite_transient())
        }
        guard rc == SQLITE_OK else { throw SQLiteError(code: rc, message: connection.errorMessage, sql: sql) }
    }

    /// Binds UTF-8 bytes as TEXT without building a String (the import hot path).
    public func bindText(_ bytes: UnsafeRawBufferPointer, at index: Int32) throws {
        let rc = sqlite3_bind_text(stmt, index, bytes.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(bytes.count), meow_sqlite_transient())
        guard rc == SQLITE_OK else { throw SQLiteError(code: rc, message: connection.errorMessage, sql: sql) }
    }

    public func bindBlob(_ bytes: [UInt8], at index: Int32) throws {
        let rc = bytes.withUnsafeBytes { sqlite3_bind_blob(stmt, index, $0.baseAddress, Int32($0.count), meow_sqlite_transient()) }
        guard rc == SQLITE_OK else { throw SQLiteError(code: rc, message: connection.errorMessage, sql: sql) }
    }

    /// Steps once: true when a row is available.
    public func step() throws -> Bool {
        let rc = sqlite3_step(stmt)
        if rc == SQLITE_ROW { return true }
        if rc == SQLITE_DONE { return false }
        let err = SQLiteError(code: rc, message: connection.errorMessage, sql: sql)
        sqlite3_reset(stmt)
        throw err
    }

    public func runToEnd() throws {
        while try step() {}
        sqlite3_reset(stmt)
    }

    public var columnCount: Int32 { sqlite3_column_count(stmt) }
    public func isNull(_ i: Int32) -> Bool { sqlite3_column_type(stmt, i) == SQLITE_NULL }
    public func int64(_ i: Int32) -> Int64 { sqlite3_column_int64(stmt, i) }
    public func double(_ i: Int32) -> Double { sqlite3_column_double(stmt, i) }
    public func string(_ i: Int32) -> String? {
        guard let p = sqlite3_column_text(stmt, i) else { return nil }
        let n = Int(sqlite3_column_bytes(stmt, i))
        return String(decoding: UnsafeRawBufferPointer(start: p, count: n), as: UTF8.self)
    }
    /// The column's UTF-8 bytes, valid until the next step (export hot path).
    public func withTextBytes<T>(_ i: Int32, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        let p = sqlite3_column_text(stmt, i)
        let n = Int(sqlite3_column_bytes(stmt, i))
        return try body(UnsafeRawBufferPointer(start: p, count: n))
    }

    public func row() -> Row {
        var values: [SQLValue] = []
        for i in 0..<columnCount {
            switch sqlite3_column_type(stmt, i) {
            case SQLITE_INTEGER: values.append(.int(int64(i)))
            case SQLITE_FLOAT: values.append(.double(double(i)))
            case SQLITE_NULL: values.append(.null)
            default: values.append(.text(string(i) ?? ""))
            }
        }
        return Row(values: values)
    }
}
