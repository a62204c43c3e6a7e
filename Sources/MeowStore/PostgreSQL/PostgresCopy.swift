import Foundation

/// Rows for `COPY ... FROM STDIN (FORMAT binary)`, encoded as they are written and sent in
/// chunks: memory stays one chunk whatever the row count. Binary format needs no escaping
/// (tabs, newlines and backslashes in text go as they are) and sends integers and bytea as
/// bytes, not digits and hex.
final class PostgresCopyWriter {
    private var buffer: [UInt8] = []
    private let send: ([UInt8]) throws -> Void
    /// Rows written so far.
    private(set) var rows = 0
    /// Bytes per `PQputCopyData` call: large enough that the call cost vanishes.
    static let chunk = 256 << 10

    init(send: @escaping ([UInt8]) throws -> Void) {
        self.send = send
        buffer.reserveCapacity(Self.chunk + 4096)
        // Signature, flags (no OIDs), header extension length.
        buffer.append(contentsOf: Array("PGCOPY\n".utf8) + [0xFF, 0x0D, 0x0A, 0x00])
        append32(0)
        append32(0)
    }

    /// Starts a row of `fields` values; write exactly that many before the next row.
    func beginRow(fields: Int) throws {
        if buffer.count >= Self.chunk { try flush() }
        append16(UInt16(truncatingIfNeeded: fields))
        rows += 1
    }

    func int64(_ v: Int64) {
        append32(8)
        let u = UInt64(bitPattern: v)
        for shift in stride(from: 56, through: 0, by: -8) { buffer.append(UInt8(truncatingIfNeeded: u >> UInt64(shift))) }
    }

    /// A text value: its UTF-8 bytes as they are (the server checks the encoding).
    func text(_ s: String) {
        let utf8 = s.utf8
        append32(UInt32(utf8.count))
        buffer.append(contentsOf: utf8)
    }

    func bytes(_ b: [UInt8]) {
        append32(UInt32(b.count))
        buffer.append(contentsOf: b)
    }

    func null() { append32(UInt32(bitPattern: -1)) }

    /// The trailer and whatever is still buffered.
    func finish() throws {
        append16(0xFFFF)
        try flush()
    }

    private func flush() throws {
        guard !buffer.isEmpty else { return }
        try send(buffer)
        buffer.removeAll(keepingCapacity: true)
    }

    private func append16(_ v: UInt16) {
        buffer.append(UInt8(truncatingIfNeeded: v >> 8)); buffer.append(UInt8(truncatingIfNeeded: v))
    }

    private func append32(_ v: UInt32) {
        buffer.append(UInt8(truncatingIfNeeded: v >> 24)); buffer.append(UInt8(truncatingIfNeeded: v >> 16))
        buffer.append(UInt8(truncatingIfNeeded: v >> 8)); buffer.append(UInt8(truncatingIfNeeded: v))
    }
}

extension PostgresConnection {
    /// Runs `sql` (a `COPY ... FROM STDIN (FORMAT binary)`) and streams the rows `rows` writes:
    /// one round trip per chunk instead of one per row. Returns the rows the server stored.
    /// A server error (bad encoding, a constraint) is thrown with its SQLSTATE; when `rows`
    /// throws, the COPY is cancelled (the transaction is then aborted) and its error rethrown.
    @discardableResult
    func copyIn(sql: String, rows: (PostgresCopyWriter) throws -> Void) throws -> Int {
        guard let r = sql.withCString({ pq.exec(conn, $0) }) else { throw failure(nil, sql: sql) }
        guard pq.resultStatus(r) == LibPQ.copyIn else {
            let e = failure(r, sql: sql)
            pq.clear(r)
            throw e
        }
        pq.clear(r)
        let writer = PostgresCopyWriter { [self] chunk in
            let sent = chunk.withUnsafeBufferPointer { b in
                b.baseAddress.map { base in
                    base.withMemoryRebound(to: CChar.self, capacity: b.count) { pq.putCopyData(conn, $0, Int32(b.count)) }
                } ?? 1
            }
            // -1: the connection failed, or the server already ended the COPY with an error.
            if sent != 1 { throw copyResult(sql: sql) ?? failure(nil, sql: sql) }
        }
        do {
            try rows(writer)
            try writer.finish()
        } catch {
            _ = pq.putCopyEnd(conn, "cancelled by meow")
            _ = copyResult(sql: sql)
            throw error
        }
        guard pq.putCopyEnd(conn, nil) == 1 else { throw copyResult(sql: sql) ?? failure(nil, sql: sql) }
        if let e = copyResult(sql: sql) { throw e }
        return changes
    }

    /// Reads the results that end a COPY (libpq needs all of them read before the next
    /// command): the first error, or nil when it succeeded.
    private func copyResult(sql: String) -> PostgresError? {
        var error: PostgresError?
        while let r = pq.getResult(conn) {
            let st = pq.resultStatus(r)
            if st == LibPQ.commandOK { noteChanges(r) }
            else if st == LibPQ.copyIn {
                // Still copying (a send failed on the client side): end it so the results come.
                _ = pq.putCopyEnd(conn, "cancelled by meow")
            } else if error == nil {
                error = failure(r, sql: sql)
            }
            pq.clear(r)
        }
        return error
    }
}
