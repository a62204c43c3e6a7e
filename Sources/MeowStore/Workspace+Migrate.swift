import Foundation

/// What `meow migrate` copied, table by table, and the frozen sets it checked on the copy.
public struct MigrationReport: Sendable {
    public var rows: [(table: String, rows: Int)] = []
    /// Each frozen set's hash as the copy recomputes it from its records.
    public var frozenSets: [(project: String, set: String, hash: String)] = []
    public var total: Int { rows.reduce(0) { $0 + $1.rows } }
}

extension Workspace {
    /// Every table, parents before children. Frozen sets and their records come last: the
    /// copy's own triggers refuse answers and labels for items already frozen.
    static let migrationTables = [
        "project", "guideline_version", "member", "acknowledgement", "item", "gold_item", "gold_answer", "gold_claim",
        "qualification", "queue_cursor", "skip", "claim", "annotation", "suggestion", "final_label", "annotator_estimate", "history",
        "frozen_set", "frozen_record",
    ]
    /// Tables whose `id` the copy keeps, so a PostgreSQL identity continues after the highest.
    static let tablesWithIDs = ["project", "item", "gold_item", "gold_answer", "annotation", "suggestion", "history", "frozen_set"]

    /// Copies this workspace, whole, into `target`, which must be an empty workspace (no
    /// projects) at the same schema version: one read snapshot here, one write transaction
    /// there, so the copy has everything or nothing. Ids, texts, hashes, guideline versions,
    /// acknowledgements, gold results, final labels with their provenance, history and frozen
    /// sets are copied as they are. The progress counters are not copied: the target's own
    /// triggers count them again as the answers and leases arrive, so the copy proves they add
    /// up. Every frozen set is then audited on the copy.
    public func copyEverything(to target: Workspace) throws -> MigrationReport {
        let deferred = target.db.backend == .postgresql && target.schemaVersion == 0
        guard deferred || schemaVersion == target.schemaVersion else {
            throw StoreError.cannotOpen(path: target.path, reason: "its schema is version \(target.schemaVersion), this workspace's \(schemaVersion)")
        }
        var report = MigrationReport()
        try db.read {
            try target.db.write { tx in
                // A new server workspace gets its tables here, with the copy: all or nothing.
                if deferred {
                    let now = Int(try target.db.scalarInt("SELECT CASE WHEN to_regclass('meow_workspace') IS NULL THEN 0 ELSE 1 END") ?? 0)
                    if now == 0 { try target.applyServerMigrations(from: 0, in: tx) }
                }
                // Inside the target's write lock: a second migrate into the same place waits
                // here, then finds the projects the first one copied.
                if try !target.projectNames().isEmpty {
                    throw StoreError.cannotOpen(path: target.path, reason: "it already holds projects; migrate copies into an empty workspace only")
                }
                for table in Self.migrationTables {
                    report.rows.append((table, try copyTable(table, to: target.db)))
                }
                if target.db.backend == .postgresql {
                    for table in Self.tablesWithIDs {
                        try target.db.execute("SELECT setval(pg_get_serial_sequence('\(table)', 'id'), coalesce((SELECT max(id) FROM \(table)), 0) + 1, false)")
                    }
                }
                // Audited before the commit: a copy whose frozen sets fail leaves nothing.
                target.projectCache.removeAll()
                for name in try target.projectNames() {
                    let p = try target.project(name)
                    for set in try target.frozenSetNames(p) {
                        let audit = try target.auditFrozenSet(p, set: set)
                        guard audit.ok else { throw StoreError.frozenSetAltered(set, problems: audit.problems.map { "on the copy: " + $0 }) }
                        report.frozenSets.append((name, set, audit.recomputedSetHash))
                    }
                }
            }
        }
        target.projectCache.removeAll()
        return report
    }

    /// One table, row by row, with its columns as the source names them; the counters the
    /// target's triggers keep start at zero. Binary columns travel as hex.
    private func copyTable(_ table: String, to target: any SQLDatabase) throws -> Int {
        let counters: [String: [String: String]] = [
            "project": ["answers_done": "0"],
            "item": ["done_count": "0", "claim_count": "0"],
        ]
        let columns = try columnNames(table)
        let copied = columns.filter { $0 != "taken" }   // generated from the counters
        let select = copied.map { column -> String in
            if table == "item" && column == "text_hash" {
                return (db.backend == .sqlite ? "hex(text_hash)" : "upper(encode(text_hash, 'hex'))") + " AS text_hash"
            }
            return counters[table]?[column].map { "\($0) AS \(column)" } ?? column
        }
        let source = try db.statement("SELECT \(select.joined(separator: ", ")) FROM \(table)")
        let insert = try target.statement("INSERT INTO \(table)(\(copied.joined(separator: ", "))) VALUES (\(copied.map { _ in "?" }.joined(separator: ", ")))")
        let hashColumn = table == "item" ? copied.firstIndex(of: "text_hash") : nil
        var n = 0
        while try source.step() {
            let row = source.row()
            insert.rewind()
            for (i, value) in row.values.enumerated() {
                if i == hashColumn, case .text(let hex) = value {
                    try insert.bindBlob(Self.bytes(hex: hex), at: Int32(i + 1))
                } else {
                    try insert.bind(value, at: Int32(i + 1))
                }
            }
            try insert.runToEnd()
            n += 1
        }
        return n
    }

    /// The table's columns, in order, as this backend's catalog lists them.
    private func columnNames(_ table: String) throws -> [String] {
        switch db.backend {
        case .sqlite:
            return try db.rows("SELECT name FROM pragma_table_info(?) ORDER BY cid", .text(table)).map { try $0.text("name") }
        case .postgresql:
            return try db.rows("""
                SELECT column_name::text AS name FROM information_schema.columns
                WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position
                """, .text(table)).map { try $0.text("name") }
        }
    }

    static func bytes(hex: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(hex.utf8.count / 2)
        var high: UInt8?
        for c in hex.utf8 {
            let v: UInt8
            switch c {
            case 48...57: v = c - 48
            case 65...70: v = c - 55
            case 97...102: v = c - 87
            default: continue
            }
            if let h = high { out.append(h << 4 | v); high = nil } else { high = v }
        }
        return out
    }
}

extension WorkspaceLocation {
    /// `meow migrate`: copies the workspace at `source` into a new one at `destination` (a file
    /// that does not exist yet, or a PostgreSQL database or schema without a workspace). On any
    /// failure nothing is left at the destination: a new file is removed, and on a server the
    /// tables are created in the copy's own transaction, so they roll back with it.
    public static func migrate(from source: String, to destination: String) throws -> MigrationReport {
        let from = try open(source) as? Workspace
        guard let from else { throw StoreError.cannotOpen(path: display(source), reason: "not a workspace this meow can copy") }
        let newFile = !isServer(destination)
        if newFile, FileManager.default.fileExists(atPath: filePath(destination)) {
            throw StoreError.cannotOpen(path: filePath(destination), reason: "it already exists; migrate writes a new workspace file (choose a new name)")
        }
        if source == destination || (!newFile && from.path == PostgresConnection.redacted(destination)) || (newFile && from.path == filePath(destination)) {
            throw StoreError.cannotOpen(path: display(destination), reason: "it is the workspace being copied")
        }
        do {
            let to = newFile ? try open(destination, create: true) as? Workspace : try Workspace(postgres: destination, create: true, deferSchema: true)
            guard let to else { throw StoreError.cannotOpen(path: display(destination), reason: "not a workspace this meow can write") }
            return try from.copyEverything(to: to)
        } catch {
            if newFile {
                let path = filePath(destination)
                for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) }
            }
            throw error
        }
    }
}
