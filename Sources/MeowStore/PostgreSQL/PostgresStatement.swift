import Foundation

/// A statement on PostgreSQL with the stepping interface of a SQLite statement: the first
/// `step` sends it with its bound values (as text, each with its type) and later steps walk the
/// rows of the one result. Result sets are read whole, so streaming loops over very large
/// tables should page by id on this backend.
final class PostgresStatement: SQLStatement {
    unowned let connection: PostgresConnection
    let sql: String
    private var values: [SQLValue?]
    private var blobs: [Int: [UInt8]] = [:]
    private var result: OpaquePointer?
    private var rowIndex: Int32 = -1
    private var rowCount: Int32 = 0

    /// Read through a cursor, `fetchSize` rows at a time (see `PostgresConnection.streaming`).
    let chunked: Bool
    private var cursor: String?
    private var exhausted = false
    /// Rows per FETCH: big enough that round trips do not matter, small enough to keep memory
    /// flat (tests lower it to cross chunk edges on small data).
    nonisolated(unsafe) static var fetchSize = 10_000

    init(connection: PostgresConnection, sql: String, parameters: Int32, chunked: Bool = false) {
        self.connection = connection
        self.sql = sql
        self.chunked = chunked
        values = Array(repeating: nil, count: Int(parameters))
    }

    deinit { if let result { connection.pq.clear(result) } }

    private var pq: LibPQ { connection.pq }

    func bind(_ values: [SQLValue]) throws {
        for (i, v) in values.enumerated() { try bind(v, at: Int32(i + 1)) }
    }

    func bind(_ value: SQLValue, at index: Int32) throws {
        let i = Int(index) - 1
        guard values.indices.contains(i) else {
            throw PostgresError(message: "parameter \(index) is out of range (the statement has \(values.count))", sql: sql)
        }
        values[i] = value
        blobs[i] = nil
    }

    func bindText(_ bytes: UnsafeRawBufferPointer, at index: Int32) throws {
        try bind(.text(String(decoding: bytes, as: UTF8.self)), at: index)
    }

    func bindTextUnretained(_ bytes: UnsafeRawBufferPointer, at index: Int32) throws {
        try bindText(bytes, at: index)
    }

    func bindBlob(_ bytes: [UInt8], at index: Int32) throws {
        try bind(.null, at: index)
        blobs[Int(index) - 1] = bytes
    }

    func rewind() {
        if let result { pq.clear(result) }
        result = nil
        rowIndex = -1
        rowCount = 0
        if let cursor { try? connection.execute("CLOSE \(cursor)") }
        cursor = nil
        exhausted = false
    }

    /// The next chunk of a cursor's rows in place of the last.
    private func fetch() throws {
        guard let cursor else { return }
        let sql = "FETCH FORWARD \(Self.fetchSize) FROM \(cursor)"
        guard let r = pq.exec(connection.conn, sql) else { throw connection.failure(nil, sql: sql) }
        guard pq.resultStatus(r) == LibPQ.tuplesOK else {
            let e = connection.failure(r, sql: sql)
            pq.clear(r)
            throw e
        }
        if let result { pq.clear(result) }
        result = r
        rowCount = pq.ntuples(r)
        rowIndex = -1
        exhausted = rowCount < Int32(Self.fetchSize)
    }

    /// Sends the statement with its values: text for everything, with the type the value has
    /// (bigint, double precision, text, bytea), so `? IS NULL` and comparisons are typed.
    private func run() throws {
        var types: [UInt32] = []
        var texts: [UnsafeMutablePointer<CChar>?] = []
        defer { for t in texts { free(t) } }
        for (i, v) in values.enumerated() {
            if let blob = blobs[i] {
                types.append(17)
                texts.append(strdup("\\x" + blob.map { String(format: "%02x", $0) }.joined()))
                continue
            }
            switch v ?? .null {
            case .null: types.append(0); texts.append(nil)
            case .int(let n): types.append(20); texts.append(strdup(String(n)))
            case .double(let d): types.append(701); texts.append(strdup(d.isFinite ? "\(d)" : (d.isNaN ? "NaN" : (d > 0 ? "Infinity" : "-Infinity"))))
            case .text(let s): types.append(25); texts.append(strdup(s))
            }
        }
        if chunked {
            // A cursor is declared with the values bound (not prepared: DECLARE is not a plan).
            let name = connection.nextCursorName()
            let declare = "DECLARE \(name) NO SCROLL CURSOR FOR " + sql
            let r: OpaquePointer? = texts.withUnsafeBufferPointer { tp in
                types.withUnsafeBufferPointer { ty in
                    tp.baseAddress.map { base in
                        base.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: texts.count) { params in
                            pq.execParams(connection.conn, declare, Int32(texts.count), ty.baseAddress, params, nil, nil, 0)
                        }
                    } ?? pq.execParams(connection.conn, declare, 0, nil, nil, nil, nil, 0)
                }
            }
            guard let r else { throw connection.failure(nil, sql: declare) }
            defer { pq.clear(r) }
            guard pq.resultStatus(r) == LibPQ.commandOK else { throw connection.failure(r, sql: declare) }
            cursor = name
            try fetch()
            return
        }
        let name = try connection.prepared(sql, types: types)
        let r: OpaquePointer? = texts.withUnsafeBufferPointer { tp in
            tp.baseAddress.map { base in
                base.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: texts.count) { params in
                    pq.execPrepared(connection.conn, name, Int32(texts.count), params, nil, nil, 0)
                }
            } ?? pq.execPrepared(connection.conn, name, 0, nil, nil, nil, 0)
        }
        guard let r else { throw connection.failure(nil, sql: sql) }
        let st = pq.resultStatus(r)
        guard st == LibPQ.commandOK || st == LibPQ.tuplesOK else {
            let e = connection.failure(r, sql: sql)
            pq.clear(r)
            throw e
        }
        connection.noteChanges(r)
        result = r
        rowCount = pq.ntuples(r)
        rowIndex = -1
    }

    func step() throws -> Bool {
        if result == nil { try run() }
        rowIndex += 1
        if rowIndex < rowCount { return true }
        guard chunked, cursor != nil, !exhausted else { return false }
        try fetch()
        rowIndex = 0
        return rowCount > 0
    }

    func runToEnd() throws {
        if result == nil { try run() }
        rewind()
    }

    private func value(_ i: Int32) -> UnsafePointer<CChar>? {
        guard let result, rowIndex >= 0, rowIndex < rowCount else { return nil }
        if pq.getisnull(result, rowIndex, i) != 0 { return nil }
        return pq.getvalue(result, rowIndex, i)
    }

    private func type(_ i: Int32) -> UInt32 { result.map { pq.ftype($0, i) } ?? 0 }

    func isNull(_ i: Int32) -> Bool { value(i) == nil }

    func int64(_ i: Int32) -> Int64 {
        guard let p = value(i) else { return 0 }
        if type(i) == 16 { return p.pointee == CChar(UInt8(ascii: "t")) ? 1 : 0 }
        return strtoll(p, nil, 10)
    }

    func double(_ i: Int32) -> Double {
        guard let p = value(i) else { return 0 }
        return strtod(p, nil)
    }

    func string(_ i: Int32) -> String? {
        guard let p = value(i) else { return nil }
        if type(i) == 16 { return p.pointee == CChar(UInt8(ascii: "t")) ? "1" : "0" }
        return String(cString: p)
    }

    func withTextBytes<T>(_ i: Int32, _ body: (UnsafeRawBufferPointer) throws -> T) rethrows -> T {
        guard let result, let p = value(i) else { return try body(UnsafeRawBufferPointer(start: nil, count: 0)) }
        return try body(UnsafeRawBufferPointer(start: p, count: Int(pq.getlength(result, rowIndex, i))))
    }

    var columnCount: Int32 { result.map { pq.nfields($0) } ?? 0 }

    private lazy var columnNames: [String] = (0..<columnCount).map { i in result.flatMap { pq.fname($0, i) }.map { String(cString: $0) } ?? "" }

    /// Typed as SQLite would type them: integers and booleans as integers, floating point as
    /// reals, a numeric as an integer when it is whole (`sum` of bigints is a numeric).
    func row() -> Row {
        var out: [SQLValue] = []
        for i in 0..<columnCount {
            guard let p = value(i) else { out.append(.null); continue }
            switch type(i) {
            case 20, 21, 23, 26: out.append(.int(strtoll(p, nil, 10)))
            case 16: out.append(.int(p.pointee == CChar(UInt8(ascii: "t")) ? 1 : 0))
            case 700, 701: out.append(.double(strtod(p, nil)))
            case 1700:
                let s = String(cString: p)
                if let n = Int64(s) { out.append(.int(n)) } else { out.append(.double(Double(s) ?? .nan)) }
            default: out.append(.text(String(cString: p)))
            }
        }
        return Row(values: out, names: columnNames, sql: sql)
    }

    func column(_ name: String) throws -> Int32 {
        if result == nil { try run(); rowIndex = -1 }
        guard let i = columnNames.firstIndex(of: name) else {
            throw PostgresError(message: "no column '\(name)' in the result (columns: \(columnNames.joined(separator: ", ")))", sql: sql)
        }
        return Int32(i)
    }

    func text(_ i: Int32) throws -> String {
        guard let v = string(i) else { throw PostgresError(message: "column \(columnNames[Int(i)]) is NULL, expected text", sql: sql) }
        return v
    }

    func integer(_ i: Int32) throws -> Int64 {
        guard value(i) != nil, [20, 21, 23, 26, 16, 1700].contains(type(i)) else {
            throw PostgresError(message: "column \(columnNames[Int(i)]) is not an integer", sql: sql)
        }
        return int64(i)
    }
}
