import Foundation
import MeowStore

/// The reference for the PostgreSQL rows: libpq used directly (the same library meow loads),
/// prepared statements, text parameters, no library around it.
final class RawPG {
    let pq: LibPQ
    let conn: OpaquePointer

    init(_ url: String) throws {
        let lib: LibPQ
        switch LibPQ.shared {
        case .success(let l): lib = l
        case .failure(let e): throw BenchFailure("\(e)")
        }
        pq = lib
        guard let c = url.withCString({ lib.connectdb($0) }), lib.status(c) == 0 else {
            throw BenchFailure("raw libpq: cannot connect to \(url)")
        }
        conn = c
        _ = lib.setNoticeProcessor(c, { _, _ in }, nil)
    }

    deinit { pq.finish(conn) }

    var message: String { pq.errorMessage(conn).map { String(cString: $0) } ?? "" }

    /// Runs SQL without parameters; returns the first column of the first row, if any.
    @discardableResult
    func exec(_ sql: String) throws -> String? {
        guard let r = pq.exec(conn, sql) else { throw BenchFailure("raw libpq: \(message)") }
        defer { pq.clear(r) }
        let st = pq.resultStatus(r)
        guard st == LibPQ.commandOK || st == LibPQ.tuplesOK else { throw BenchFailure("raw libpq: \(sql.prefix(80)): \(message)") }
        return pq.ntuples(r) > 0 ? pq.getvalue(r, 0, 0).map { String(cString: $0) } : nil
    }

    func prepare(_ name: String, _ sql: String, types: [UInt32]) throws {
        guard let r = types.withUnsafeBufferPointer({ pq.prepare(conn, name, sql, Int32(types.count), $0.baseAddress) }) else {
            throw BenchFailure("raw libpq prepare: \(message)")
        }
        defer { pq.clear(r) }
        guard pq.resultStatus(r) == LibPQ.commandOK else { throw BenchFailure("raw libpq prepare \(name): \(message)") }
    }

    /// Runs a prepared statement; returns the rows' columns as text (only what the caller asks).
    func run(_ name: String, _ params: [String?], columns: Int = 0) throws -> (rows: [[String]], changed: Int) {
        var copies = params.map { $0.flatMap { strdup($0) } }
        defer { for c in copies { free(c) } }
        let r: OpaquePointer? = copies.withUnsafeMutableBufferPointer { buf in
            buf.baseAddress.map { base in
                base.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: buf.count) { p in
                    pq.execPrepared(conn, name, Int32(buf.count), p, nil, nil, 0)
                }
            } ?? pq.execPrepared(conn, name, 0, nil, nil, nil, 0)
        }
        guard let r else { throw BenchFailure("raw libpq: \(message)") }
        defer { pq.clear(r) }
        let st = pq.resultStatus(r)
        guard st == LibPQ.commandOK || st == LibPQ.tuplesOK else { throw BenchFailure("raw libpq \(name): \(message)") }
        var rows: [[String]] = []
        if columns > 0 {
            for i in 0..<pq.ntuples(r) {
                rows.append((0..<Int32(columns)).map { c in pq.getvalue(r, i, c).map { String(cString: $0) } ?? "" })
            }
        }
        let changed = pq.cmdTuples(r).flatMap { Int(String(cString: $0)) } ?? 0
        return (rows, changed)
    }
}

extension ClaimWorker {
    /// The PostgreSQL reference loop: the idiomatic queue on a server, with the store's own
    /// statement texts (QueueSQL): BEGIN, pick the next open item (`FOR UPDATE SKIP LOCKED`),
    /// INSERT the claim, COMMIT; then BEGIN, DELETE the claim, INSERT the answer, COMMIT. No
    /// workspace-wide lock (concurrent claimers skip each other's rows), no cursor row, no lease
    /// reaping, no admission checks: what meow adds on top is what the ratio measures.
    static func runRawPostgres(_ o: ClaimWorkerOptions, _ claims: inout [Double], _ submits: inout [Double]) throws -> (Int, Bool) {
        let db = try RawPG(o.db)
        guard let projectID = try db.exec("SELECT id FROM project WHERE name = '\(BenchData.project)'"),
              let version = try db.exec("SELECT max(version) FROM guideline_version WHERE project_id = \(projectID)") else {
            throw BenchFailure("raw libpq: no bench project")
        }
        try db.prepare("pick", numbered(QueueSQL.nextOpenItemPostgres), types: [20, 20, 25])
        try db.prepare("claim", numbered(QueueSQL.insertClaim), types: [20, 20, 25, 701, 701, 20])
        try db.prepare("unclaim", numbered(QueueSQL.deleteClaim), types: [20, 25])
        try db.prepare("answer", numbered(QueueSQL.insertAnswer), types: [20, 20, 25, 25, 25, 25, 20, 25, 20, 25, 701, 25])
        let lease = 600.0
        var cursor: Int64 = -1
        var labelIndex = Int(o.annotator.utf8.last ?? 0) % BenchData.labels.count

        func claim() throws -> String? {
            try db.exec("BEGIN")
            let picked = try db.run("pick", [projectID, String(cursor), o.annotator], columns: 5).rows
            guard let row = picked.first else { try db.exec("COMMIT"); return nil }
            cursor = Int64(row[4]) ?? cursor
            let t = wallSeconds()
            _ = try db.run("claim", [row[0], projectID, o.annotator, String(t), String(t + lease), nil])
            try db.exec("COMMIT")
            return row[0]
        }
        func submit(_ id: String) throws {
            labelIndex = (labelIndex + 1) % BenchData.labels.count
            let label = BenchData.labels[labelIndex]
            try db.exec("BEGIN")
            guard try db.run("unclaim", [id, o.annotator]).changed == 1 else { throw BenchFailure("raw libpq: claim not held") }
            _ = try db.run("answer", [id, projectID, o.annotator, label, "{\"labels\":[\"\(label)\"]}", nil, "0", nil, version,
                                      ISO8601Bench.now(), nil, nil])
            try db.exec("COMMIT")
        }
        return try measure(o, &claims, &submits, claim: claim, submit: submit)
    }

    /// `?` and `?N` placeholders as PostgreSQL's `$N`.
    static func numbered(_ sql: String) -> String {
        var out = "", n = 0
        var chars = Array(sql)[...]
        while let c = chars.popFirst() {
            guard c == "?" else { out.append(c); continue }
            var digits = ""
            while let d = chars.first, d.isASCII, d.isNumber { digits.append(d); chars.removeFirst() }
            if digits.isEmpty { n += 1; digits = String(n) }
            out += "$" + digits
        }
        return out
    }
}

/// UTC ISO 8601 with milliseconds, as the store writes `created_at`.
enum ISO8601Bench {
    static func now() -> String {
        var t = time(nil)
        var tmv = tm()
        gmtime_r(&t, &tmv)
        var buf = [CChar](repeating: 0, count: 32)
        let n = strftime(&buf, buf.count, "%Y-%m-%dT%H:%M:%S.000Z", &tmv)
        return String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
