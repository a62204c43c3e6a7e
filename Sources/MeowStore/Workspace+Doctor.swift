import CSQLite
import Foundation
import MeowCore

/// What `meow doctor` found. `problems` make it exit non-zero; `notes` are facts worth knowing.
public struct DoctorReport: Sendable {
    public var checks: [String] = []
    public var problems: [String] = []
    public var notes: [String] = []
    public var ok: Bool { problems.isEmpty }
}

extension Workspace {
    /// Checks the whole workspace: SQLite's integrity and foreign keys, every frozen set
    /// against its hashes and items, the protection triggers, leases, and the progress
    /// counters the triggers keep.
    public func doctor(now: Date = Date()) throws -> DoctorReport {
        var r = DoctorReport()
        let present: Set<String>
        switch db.backend {
        case .sqlite:
            let integrity = try db.rows("PRAGMA integrity_check").map { try $0.text("integrity_check") }
            if integrity == ["ok"] { r.checks.append("integrity_check: ok") }
            else { r.problems += integrity.prefix(20).map { "integrity_check: \($0)" } }

            let fk = try db.rows("PRAGMA foreign_key_check")
            if fk.isEmpty { r.checks.append("foreign keys: ok") }
            else { r.problems.append("foreign keys: \(fk.count) rows point at rows that do not exist (first in table \(try fk[0].text("table")))") }
            present = Set(try db.rows("SELECT name FROM sqlite_schema WHERE type = 'trigger'").map { try $0.text("name") })
        case .postgresql:
            // Pages and foreign keys are the server's to guard (it enforces every key on every
            // write); a trigger someone disabled protects nothing, so it counts as missing.
            r.notes.append("storage integrity is the PostgreSQL server's (its checksums, backups and amcheck); foreign keys are enforced on every write")
            present = Set(try db.rows("""
                SELECT t.tgname AS name FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
                WHERE NOT t.tgisinternal AND t.tgenabled <> 'D' AND c.relnamespace = current_schema()::regnamespace
                """).map { try $0.text("name") })
            let noTruncate = PostgresSchema.truncateTriggers.filter { !present.contains($0) }
            if !noTruncate.isEmpty { r.problems.append("protection against TRUNCATE missing: \(noTruncate.joined(separator: ", "))") }
            // A trigger is only as good as the function it calls.
            let bodies = Dictionary(try db.rows("""
                SELECT p.proname::text AS name, p.prosrc AS body FROM pg_proc p
                WHERE p.pronamespace = current_schema()::regnamespace AND p.proname LIKE 'meow_refuse%'
                """).map { (try $0.text("name"), try $0.text("body")) }, uniquingKeysWith: { a, _ in a })
            let replaced = PostgresSchema.functions.keys.sorted().filter { bodies[$0] != PostgresSchema.functions[$0] }
            if replaced.isEmpty { r.checks.append("protection functions: all \(PostgresSchema.functions.count) as meow wrote them") }
            else { r.problems.append("protection functions changed or missing (frozen data and history are unguarded): \(replaced.joined(separator: ", "))") }
        }
        let missing = Schema.protectionTriggers.filter { !present.contains($0) }
        if missing.isEmpty { r.checks.append("protection triggers: all \(Schema.protectionTriggers.count) present") }
        else { r.problems.append("protection triggers missing (someone dropped them; frozen data and history are unguarded): \(missing.joined(separator: ", "))") }
        let missingCounters = Schema.countingTriggers.filter { !present.contains($0) }
        if missingCounters.isEmpty { r.checks.append("counting triggers: all \(Schema.countingTriggers.count) present") }
        else { r.problems.append("counting triggers missing (progress counts stop following the answers and leases): \(missingCounters.joined(separator: ", "))") }
        let missingSnapshot = Schema.snapshotTriggers.filter { !present.contains($0) }
        if missingSnapshot.isEmpty { r.checks.append("agreement snapshot triggers: both present") }
        else { r.problems.append("agreement snapshot triggers missing (`meow agreement` would not notice an answer taken back or changed): \(missingSnapshot.joined(separator: ", "))") }

        for name in try projectNames() {
            let p = try project(name)
            for set in try frozenSetNames(p) {
                let audit = try auditFrozenSet(project: name, set: set)
                if audit.ok { r.checks.append("\(name): frozen set '\(set)' matches its hashes (set SHA-256 \(audit.recomputedSetHash))") }
                else { r.problems += audit.problems.map { "\(name): frozen set '\(set)': \($0)" } }
            }
            let t = now.timeIntervalSince1970
            let orphaned = try db.scalarInt("""
                SELECT count(*) FROM claim c JOIN item i ON i.id = c.item_id
                WHERE c.project_id = ? AND (i.project_id != c.project_id
                   OR EXISTS (SELECT 1 FROM annotation a WHERE a.item_id = c.item_id AND a.annotator = c.annotator)
                   OR EXISTS (SELECT 1 FROM frozen_record f WHERE f.item_id = c.item_id))
                """, .int(p.id)) ?? 0
            if orphaned > 0 { r.problems.append("\(name): \(orphaned) leases on items their holder already answered, of another project, or frozen") }
            let expired = try db.scalarInt("SELECT count(*) FROM claim WHERE project_id = ? AND expires_at <= ?", .int(p.id), .double(t)) ?? 0
            if expired > 0 { r.notes.append("\(name): \(expired) expired leases (their items go back to the queue on the next claim)") }

            // One snapshot for every count: an answer committed between two of these reads
            // would otherwise look like drift.
            let drift: [String] = try db.read {
                let doneDrift = try db.scalarInt("""
                    SELECT count(*) FROM item i WHERE i.project_id = ?
                      AND i.done_count != (SELECT count(*) FROM annotation a WHERE a.item_id = i.id)
                    """, .int(p.id)) ?? 0
                let claimDrift = try db.scalarInt("""
                    SELECT count(*) FROM item i WHERE i.project_id = ?
                      AND i.claim_count != (SELECT count(*) FROM claim c WHERE c.item_id = i.id)
                    """, .int(p.id)) ?? 0
                let totals = try db.row("""
                    SELECT answers_needed, \(db.answersDone) AS answers_done,
                           (SELECT coalesce(sum(need), 0) FROM item WHERE project_id = ?1) AS items_needed,
                           (SELECT coalesce(sum(CASE WHEN done_count < need THEN done_count ELSE need END), 0) FROM item WHERE project_id = ?1) AS items_done
                    FROM project WHERE id = ?1
                    """, .int(p.id))
                // Each annotator's answers against the tally, both ways (one pass over the answers).
                var counted: [String: Int64] = [:], tallied: [String: Int64] = [:]
                for r in try db.rows("SELECT annotator, count(*) AS n FROM annotation WHERE project_id = ? GROUP BY annotator", .int(p.id)) {
                    counted[try r.text("annotator")] = try r.int("n")
                }
                for r in try db.rows("SELECT annotator, answers FROM annotator_tally WHERE project_id = ? AND answers != 0", .int(p.id)) {
                    tallied[try r.text("annotator")] = try r.int("answers")
                }
                let tallyDrift = Set(counted.keys).union(tallied.keys).filter { counted[$0] != tallied[$0] }.count
                var drift: [String] = []
                if doneDrift > 0 { drift.append("\(doneDrift) items whose answer count is off") }
                if tallyDrift > 0 { drift.append("answer tally off for \(tallyDrift) annotator\(tallyDrift == 1 ? "" : "s")") }
                if claimDrift > 0 { drift.append("\(claimDrift) items whose lease count is off") }
                if let totals, try totals.int("answers_needed") != totals.int("items_needed") || totals.int("answers_done") != totals.int("items_done") {
                    drift.append("project progress \(try totals.int("answers_done"))/\(try totals.int("answers_needed")) but the items say \(try totals.int("items_done"))/\(try totals.int("items_needed"))")
                }
                return drift
            }
            if drift.isEmpty { r.checks.append("\(name): counters match the answers and leases") }
            else { r.problems.append("\(name): counter drift: " + drift.joined(separator: "; ")) }
            if try agreementSnapshotDiffers(project: name) {
                r.problems.append("\(name): the agreement snapshot differs from the answers it claims to hold (it is derived: `DELETE FROM agreement_snapshot` in sqlite3 loses nothing, and the next `meow agreement` writes it again)")
            }
        }
        return r
    }

    /// Copies the workspace to `path` as one consistent snapshot (SQLite's `VACUUM INTO`),
    /// while annotators keep working: the copy holds every answer committed before it began.
    /// The copy is written beside the target, checked with `integrity_check`, synced, and
    /// only then renamed into place. Returns the copy's size in bytes.
    public func backup(to path: String) throws -> Int {
        guard db.backend == .sqlite else {
            throw StoreError.backupRefused(path: path, reason: "this workspace lives on a PostgreSQL server: back it up with pg_dump, or copy it to a file with `meow migrate --from \(self.path) --to sqlite:FILE`")
        }
        var st = stat()
        if lstat(path, &st) == 0 {
            throw StoreError.backupRefused(path: path, reason: "it already exists; a backup never overwrites a file (choose a new name)")
        }
        let dir = WorkspaceFile.directory(of: path)
        var dst = stat()
        guard stat(dir, &dst) == 0, dst.st_mode & S_IFMT == S_IFDIR else {
            throw StoreError.backupRefused(path: path, reason: "the directory \(dir) does not exist")
        }
        // The copy gets the workspace's permissions (a 0600 workspace gives a 0600 backup): the
        // temporary is created empty with that mode (O_EXCL: never through someone's symlink),
        // and VACUUM INTO fills an empty file.
        var wst = stat()
        let mode: mode_t = stat(self.path, &wst) == 0 ? wst.st_mode & 0o666 : 0o600
        OutputFile.removeStaleTemporaries(of: path)   // a backup killed half-way left its copy
        let tmp = path + ".tmp-\(getpid())"
        unlink(tmp)
        let created = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard created >= 0 else {
            throw StoreError.backupRefused(path: path, reason: "cannot create a file in \(dir): \(WorkspaceFile.cause(errno))")
        }
        _ = fchmod(created, mode)
        close(created)
        // A name SQLite would read as a URI ("file:x") is made a plain path first.
        let sqlitePath = tmp.hasPrefix("/") ? tmp : "./" + tmp
        do {
            try db.run("VACUUM INTO ?", .text(sqlitePath))
        } catch let e as SQLiteError {
            unlink(tmp)
            if e.code & 0xff == SQLITE_FULL { throw StoreError.backupRefused(path: path, reason: "the disk is full") }
            throw StoreError.backupRefused(path: path, reason: "SQLite could not write the copy: \(e.message)")
        }
        do {
            let copy = try Connection(path: sqlitePath, readOnly: true, create: false)
            let result = try copy.rows("PRAGMA integrity_check").map { try $0.text("integrity_check") }
            guard result == ["ok"] else {
                throw StoreError.backupRefused(path: path, reason: "the copy failed its integrity check: \(result.prefix(3).joined(separator: "; "))")
            }
        } catch {
            unlink(tmp)
            throw error
        }
        let fd = open(tmp, O_RDONLY | O_CLOEXEC)
        if fd >= 0 { fsync(fd); close(fd) }
        guard link(tmp, path) == 0 else {
            // link(2) never replaces: a file that appeared meanwhile is kept.
            let e = errno
            unlink(tmp)
            throw StoreError.backupRefused(path: path, reason: "cannot put the copy in place: \(WorkspaceFile.cause(e))")
        }
        unlink(tmp)
        stat(path, &st)
        return Int(st.st_size)
    }
}
