import CSQLite
import Foundation
import MeowCore
import MeowStore

// The claim + submit loop, run in worker processes (`meow-bench worker claim ...`) so that
// 1 and 4 processes are measured the same way. Two implementations on copies of the same
// 1M-item workspace:
//   meow — Workspace.claimNext + Workspace.submit through the library;
//   raw  — the minimal loop a careful engineer would write on the C API with the same schema.

/// A bare sqlite3 handle for the reference loop and for checks.
final class RawDB {
    let db: OpaquePointer

    init(path: String, readOnly: Bool = false) throws {
        var h: OpaquePointer?
        let flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &h, flags, nil)
        guard rc == SQLITE_OK, let h else { throw BenchFailure("cannot open \(path): \(rc)") }
        db = h
    }

    deinit { sqlite3_close_v2(db) }

    var message: String { String(cString: sqlite3_errmsg(db)) }

    /// Runs SQL; returns the SQLite result code (no throw, so callers can retry on BUSY).
    @discardableResult
    func execRC(_ sql: String) -> Int32 { sqlite3_exec(db, sql, nil, nil, nil) }

    func exec(_ sql: String) throws {
        let rc = execRC(sql)
        if rc != SQLITE_OK { throw BenchFailure("SQLite \(rc): \(message) in \(sql)") }
    }

    func prepare(_ sql: String) throws -> OpaquePointer {
        var s: OpaquePointer?
        let rc = sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &s, nil)
        guard rc == SQLITE_OK, let s else { throw BenchFailure("prepare \(rc): \(message) in \(sql)") }
        return s
    }

    func scalar(_ sql: String) throws -> Int64 {
        let s = try prepare(sql)
        defer { sqlite3_finalize(s) }
        guard sqlite3_step(s) == SQLITE_ROW else { throw BenchFailure("no row: \(sql)") }
        return sqlite3_column_int64(s, 0)
    }
}

struct ClaimWorkerOptions {
    var impl = "meow"
    var db = ""
    var annotator = "w1"
    var startAt = 0.0
    var seconds = 5.0
    var latencies = ""
}

enum ClaimWorker {
    /// `meow-bench worker claim --impl meow|raw --db P --annotator A --start-at T --seconds D --latencies FILE`
    /// Prints `cycles=N empty=0|1`; writes claim and submit latencies (seconds, Float64) to
    /// FILE.claim and FILE.submit.
    static func main(_ args: [String]) throws {
        var o = ClaimWorkerOptions()
        var i = 0
        func value() throws -> String {
            i += 1
            guard i < args.count else { throw BenchFailure("worker: missing value for \(args[i - 1])") }
            return args[i]
        }
        while i < args.count {
            switch args[i] {
            case "--impl": o.impl = try value()
            case "--db": o.db = try value()
            case "--annotator": o.annotator = try value()
            case "--start-at": o.startAt = Double(try value()) ?? 0
            case "--seconds": o.seconds = Double(try value()) ?? 5
            case "--latencies": o.latencies = try value()
            default: throw BenchFailure("worker: unknown option \(args[i])")
            }
            i += 1
        }
        var claims: [Double] = []
        var submits: [Double] = []
        claims.reserveCapacity(200_000)
        submits.reserveCapacity(200_000)
        let cycles: Int
        var empty = false
        switch o.impl {
        case "meow": (cycles, empty) = try runMeow(o, &claims, &submits)
        case "raw": (cycles, empty) = try runRaw(o, &claims, &submits)
        case "pg-raw": (cycles, empty) = try runRawPostgres(o, &claims, &submits)
        default: throw BenchFailure("worker: --impl meow|raw|pg-raw")
        }
        if !o.latencies.isEmpty {
            try writeDoubles(claims, to: o.latencies + ".claim")
            try writeDoubles(submits, to: o.latencies + ".submit")
        }
        say("cycles=\(cycles) empty=\(empty ? 1 : 0)")
    }

    static func writeDoubles(_ xs: [Double], to path: String) throws {
        try xs.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: path)) }
    }

    static func readDoubles(_ path: String) -> [Double] {
        guard let d = FileManager.default.contents(atPath: path) else { return [] }
        return d.withUnsafeBytes { Array($0.bindMemory(to: Double.self)) }
    }

    static let warmupCycles = 20

    // MARK: meow

    static func runMeow(_ o: ClaimWorkerOptions, _ claims: inout [Double], _ submits: inout [Double]) throws -> (Int, Bool) {
        let ws = WorkspaceLocation.isServer(o.db) ? try Workspace(postgres: o.db) : try Workspace(path: o.db)
        let project = try ws.project(BenchData.project)
        // Annotators acknowledge the guideline version once before their first claim.
        try ws.acknowledge(project: BenchData.project, annotator: o.annotator)
        var labelIndex = Int(o.annotator.utf8.last ?? 0) % BenchData.labels.count
        return try measure(o, &claims, &submits, claim: { try ws.claimNext(project: project.name, annotator: o.annotator) }, submit: { item in
            labelIndex = (labelIndex + 1) % BenchData.labels.count
            try ws.submit(project: BenchData.project, annotator: o.annotator, item: item.id,
                          answer: Answer(labels: [BenchData.labels[labelIndex]]))
        })
    }

    /// Warm-up cycles, then claim + submit cycles until the window closes, each half timed:
    /// (cycles in the window, whether the queue ran out).
    static func measure<Item>(_ o: ClaimWorkerOptions, _ claims: inout [Double], _ submits: inout [Double],
                              claim: () throws -> Item?, submit: (Item) throws -> Void) throws -> (Int, Bool) {
        func cycle(record: Bool) throws -> Bool {
            let t0 = nowNs()
            guard let item = try claim() else { return false }
            let t1 = nowNs()
            try submit(item)
            let t2 = nowNs()
            if record {
                claims.append(Double(t1 - t0) / 1e9)
                submits.append(Double(t2 - t1) / 1e9)
            }
            return true
        }
        for _ in 0..<warmupCycles { _ = try cycle(record: false) }
        sleepUntilWall(o.startAt)
        let end = o.startAt + o.seconds
        var n = 0
        while wallSeconds() < end {
            guard try cycle(record: true) else { return (n, true) }
            n += 1
        }
        return (n, false)
    }

    // MARK: raw reference

    /// Minimal claim/submit on the C API: WAL, synchronous=NORMAL, BEGIN IMMEDIATE, 50 ms busy
    /// timeout plus jittered retry (the same lock policy as meow's Connection), prepared
    /// statements reused. claim = first open item by the partial index `item_open`, not
    /// labeled by me, after the last item I claimed (an in-memory cursor: valid here because
    /// nothing is released or skipped), + INSERT claim. submit = DELETE claim + INSERT annotation.
    /// Foreign keys stay at SQLite's default (off); the schema's triggers fire as in meow.
    static func runRaw(_ o: ClaimWorkerOptions, _ claims: inout [Double], _ submits: inout [Double]) throws -> (Int, Bool) {
        let db = try RawDB(path: o.db)
        sqlite3_busy_timeout(db.db, 50)
        try db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;")
        let projectID = try db.scalar("SELECT id FROM project WHERE name = '\(BenchData.project)'")
        let guidelineVersion = try db.scalar("SELECT max(version) FROM guideline_version WHERE project_id = \(projectID)")
        let lease = 600.0
        // The store's own statement texts (QueueSQL): the reference does the same statement work
        // without the library around it (no cursor row, no lease reaping, no admission checks).
        let pick = try db.prepare(QueueSQL.nextOpenItem)
        let insertClaim = try db.prepare(QueueSQL.insertClaim)
        let deleteClaim = try db.prepare(QueueSQL.deleteClaim)
        let insertAnnotation = try db.prepare(QueueSQL.insertAnswer)
        defer { for s in [pick, insertClaim, deleteClaim, insertAnnotation] { sqlite3_finalize(s) } }
        let annotator = o.annotator
        var cursor: Int64 = -1
        var labelIndex = Int(o.annotator.utf8.last ?? 0) % BenchData.labels.count

        func begin() throws {
            var delay: UInt32 = 1_000
            while true {
                let rc = db.execRC("BEGIN IMMEDIATE")
                if rc == SQLITE_OK { return }
                guard rc & 0xff == SQLITE_BUSY || rc & 0xff == SQLITE_LOCKED else { throw BenchFailure("BEGIN: \(db.message)") }
                usleep(UInt32.random(in: delay / 2...delay))
                delay = min(delay * 2, 50_000)
            }
        }
        func commit() throws {
            while true {
                let rc = db.execRC("COMMIT")
                if rc == SQLITE_OK { return }
                guard rc & 0xff == SQLITE_BUSY else { throw BenchFailure("COMMIT: \(db.message)") }
                usleep(2_000)
            }
        }
        func stepDone(_ s: OpaquePointer) throws {
            let rc = sqlite3_step(s)
            sqlite3_reset(s)
            if rc != SQLITE_DONE { throw BenchFailure("step \(rc): \(db.message)") }
        }
        func nowISO() -> String {
            var t = time(nil)
            var tmv = tm()
            gmtime_r(&t, &tmv)
            var buf = [CChar](repeating: 0, count: 32)
            let n = strftime(&buf, buf.count, "%Y-%m-%dT%H:%M:%S.000Z", &tmv)
            return String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }

        /// Returns the claimed item's rowid, or nil when nothing is left.
        func claim() throws -> Int64? {
            try begin()
            sqlite3_bind_int64(pick, 1, projectID)
            sqlite3_bind_int64(pick, 2, cursor)
            sqlite3_bind_text(pick, 3, annotator, -1, meow_sqlite_transient())
            let rc = sqlite3_step(pick)
            guard rc == SQLITE_ROW else {
                sqlite3_reset(pick)
                try commit()
                if rc == SQLITE_DONE { return nil }
                throw BenchFailure("claim step \(rc): \(db.message)")
            }
            let id = sqlite3_column_int64(pick, 0)
            cursor = sqlite3_column_int64(pick, 4)
            // Read what is shown (id and text), as any client would.
            _ = sqlite3_column_text(pick, 1); _ = sqlite3_column_text(pick, 2)
            sqlite3_reset(pick)
            let t = wallSeconds()
            sqlite3_bind_int64(insertClaim, 1, id)
            sqlite3_bind_int64(insertClaim, 2, projectID)
            sqlite3_bind_text(insertClaim, 3, annotator, -1, meow_sqlite_transient())
            sqlite3_bind_double(insertClaim, 4, t)
            sqlite3_bind_double(insertClaim, 5, t + lease)
            try stepDone(insertClaim)
            try commit()
            return id
        }

        func submit(_ id: Int64) throws {
            labelIndex = (labelIndex + 1) % BenchData.labels.count
            try begin()
            sqlite3_bind_int64(deleteClaim, 1, id)
            sqlite3_bind_text(deleteClaim, 2, annotator, -1, meow_sqlite_transient())
            try stepDone(deleteClaim)
            guard sqlite3_changes(db.db) == 1 else { throw BenchFailure("submit: claim not held") }
            sqlite3_bind_int64(insertAnnotation, 1, id)
            sqlite3_bind_int64(insertAnnotation, 2, projectID)
            sqlite3_bind_text(insertAnnotation, 3, annotator, -1, meow_sqlite_transient())
            sqlite3_bind_text(insertAnnotation, 4, BenchData.labels[labelIndex], -1, meow_sqlite_transient())
            sqlite3_bind_text(insertAnnotation, 5, "{\"labels\":[\"" + BenchData.labels[labelIndex] + "\"]}", -1, meow_sqlite_transient())
            sqlite3_bind_null(insertAnnotation, 6)       // comment
            sqlite3_bind_int64(insertAnnotation, 7, 0)   // unsure
            sqlite3_bind_null(insertAnnotation, 8)       // unsure note
            sqlite3_bind_int64(insertAnnotation, 9, guidelineVersion)
            sqlite3_bind_text(insertAnnotation, 10, nowISO(), -1, meow_sqlite_transient())
            sqlite3_bind_null(insertAnnotation, 11)      // seconds
            sqlite3_bind_null(insertAnnotation, 12)      // review reason
            try stepDone(insertAnnotation)
            try commit()
        }

        return try measure(o, &claims, &submits, claim: claim, submit: submit)
    }
}
