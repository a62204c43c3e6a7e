import Foundation
import MeowCore

/// `importItems` on PostgreSQL. Row by row, each item is a network round trip (1M items take
/// minutes); here the parsed items stream through COPY into a staging table and the rules the
/// row-by-row path applies one line at a time are applied to the whole file in a few
/// statements, in the same transaction:
///
/// - A staged row is *contested* when its id or text is already in the project or appears on
///   another line of the file. Uncontested rows (all of them in a fresh import) are inserted
///   without any per-row conflict handling: `ON CONFLICT` costs twice the index work.
/// - Contested rows are replayed in line order into a scratch table with the same two unique
///   keys as `item`, seeded with the project's rows they collide with: `ON CONFLICT DO NOTHING`
///   there keeps exactly the rows the row-by-row path would have inserted (the first
///   occurrence in file order wins). The others are classified as that path classifies them:
///   the id taken (by the project or an earlier line) with the same text, already present;
///   with another text, invalid; the id free, a duplicate text.
/// - Then one `INSERT INTO item ... SELECT ... ORDER BY line` of the rows kept.
extension Workspace {
    func importItemsByCopy(project: Project, reader: ItemReader, skipInvalid: Bool,
                           progress: ((Int) -> Void)?) throws -> ImportSummary {
        guard let pg = db as? PostgresConnection else {
            throw PostgresError(message: "the COPY import needs a PostgreSQL workspace")
        }
        var summary = ImportSummary()
        try writeJoiningOpen { _ in
            defer { try? pg.execute(StagingSQL.drop) }
            try pg.execute(StagingSQL.drop + StagingSQL.create)
            // As the row-by-row path: the queue sequence continues from the highest item id,
            // one step per item stored (the INSERT numbers the kept rows in file order).
            let seq = (try db.scalarInt("SELECT coalesce(max(id), 0) FROM item") ?? 0) + 1
            var parseSkips: [ImportError] = []
            var stopped: Error?
            var lastProgress = 0
            let items = ItemPrefetcher(reader: reader, skipInvalid: skipInvalid)
            defer { items.cancel() }
            let staged = try pg.copyIn(sql: StagingSQL.copy) { rows in
                while true {
                    let prepared: PreparedItem
                    do {
                        guard let next = try items.next() else { break }
                        summary.read += 1
                        switch next {
                        case .skipped(let e):
                            parseSkips.append(e)
                            continue
                        case .item(let p): prepared = p
                        }
                    } catch {
                        // Thrown after the lines before it are judged: an earlier line may
                        // fail first, as it would row by row.
                        stopped = error
                        break
                    }
                    let item = prepared.item
                    try rows.beginRow(fields: 6)
                    rows.int64(Int64(item.line))
                    rows.text(prepared.id)
                    rows.text(item.text)
                    rows.bytes(prepared.hash)
                    if let m = item.metadata { rows.text(m) } else { rows.null() }
                    rows.int64(Int64(item.priority))
                    if let progress, items.bytesRead - lastProgress > 4 << 20 {
                        lastProgress = items.bytesRead
                        progress(items.bytesRead)
                    }
                }
            }
            guard staged > 0 else {
                if let stopped { throw stopped }
                summary.skipped = parseSkips
                return
            }
            // A bulk load (issue 16.1): the unique keys and plain indexes of `item` are dropped
            // and built again after, by one sort each, in this transaction (a failure rolls both
            // back). Kept, they cost twice the load: the text-hash key takes each row at a random
            // place. The foreign key to the project stays, though checked row by row: dropping
            // it would lock the project table against every reader until the commit, and a
            // reader that holds it while waiting for `item` would deadlock with the import.
            let others = try pg.scalarInt("SELECT count(*) FROM item") ?? 0
            func isBulk(_ rows: Int) -> Bool { stopped == nil && rows >= bulkImportFrom && Int64(rows) >= others }
            var deferred: DeferredItemKeys?
            var inserted: Row?, loaded = false
            // Into a project with no items yet (a first load), a complete file is loaded as if no
            // row were contested: the keys' builds then check the whole table at once. Only when
            // one fails (23505) is the load undone and every row judged, as below.
            if isBulk(staged), try pg.scalarInt("SELECT 1 FROM item WHERE project_id = ? LIMIT 1", .int(project.id)) == nil {
                deferred = try DeferredItemKeys.drop(pg)
                try pg.execute("SAVEPOINT meow_bulk_load")
                do {
                    inserted = try pg.row(StagingSQL.insertAll, .int(project.id), .int(Int64(project.overlap)), .int(seq))
                    try deferred?.restore(pg)
                    try pg.execute("RELEASE SAVEPOINT meow_bulk_load")
                    summary.skipped = parseSkips
                    loaded = true
                    bulkLoadsInOnePass += 1
                } catch let e as PostgresError where e.sqlstate == "23505" {
                    try pg.execute("ROLLBACK TO SAVEPOINT meow_bulk_load")
                }
            }
            if !loaded {
                let contested = try resolveContested(pg, project: project)
                let invalid = contested ? try countBlocked(pg, into: &summary, file: reader.path, skipInvalid: skipInvalid) : []
                if !skipInvalid, let first = invalid.first { throw first }
                if let stopped { throw stopped }
                // The two kinds of skipped lines, in file order as the row-by-row path reports them.
                summary.skipped = (parseSkips + invalid).inFileOrder()
                // Judged with the keys in place, unless a failed first pass dropped them; the rows
                // kept decide whether loading them is a bulk load.
                let blocked = contested ? Int(try pg.scalarInt("SELECT count(*) FROM pg_temp.meow_import_blocked") ?? 0) : 0
                if deferred == nil, isBulk(staged - blocked) { deferred = try DeferredItemKeys.drop(pg) }
                inserted = try pg.row(contested ? StagingSQL.insertKept : StagingSQL.insertAll, .int(project.id), .int(Int64(project.overlap)), .int(seq))
                try deferred?.restore(pg)
            }
            summary.inserted = Int(try inserted?.int("n") ?? 0)
            try db.run("UPDATE project SET answers_needed = answers_needed + ? WHERE id = ?", .int(Int64(summary.inserted * project.overlap)), .int(project.id))
            // Higher-priority items sort before annotators' cursors: move the cursors back.
            if let lowest = try inserted?.optionalInt("lowest") {
                try db.run("UPDATE queue_cursor SET qkey = ?2 WHERE project_id = ?1 AND qkey > ?2", .int(project.id), .int(lowest))
            }
        }
        return summary
    }

    /// The blocked rows' counts into `summary`; returns the invalid ones (ids taken with another
    /// text), all of them with `skipInvalid`, else the first.
    private func countBlocked(_ pg: PostgresConnection, into summary: inout ImportSummary, file: String,
                              skipInvalid: Bool) throws -> [ImportError] {
        for row in try pg.rows("SELECT kind, count(*) AS n FROM pg_temp.meow_import_blocked GROUP BY kind") {
            let n = Int(try row.int("n"))
            switch try row.int("kind") {
            case BlockedKind.duplicateText: summary.duplicateText = n
            case BlockedKind.alreadyPresent: summary.alreadyPresent = n
            default: break
            }
        }
        let limit = skipInvalid ? "" : " LIMIT 1"
        return try pg.rows("SELECT line, external_id FROM pg_temp.meow_import_blocked WHERE kind = ? ORDER BY line" + limit, .int(BlockedKind.invalid)).map {
            ImportError(file: file, line: Int(try $0.int("line")),
                        message: "id '\(try $0.text("external_id"))' is already in the project with a different text")
        }
    }

    /// Finds the staged rows that share an id or a text with the project or with another line,
    /// and decides them (`meow_import_blocked`: the rows not inserted, with why). False when
    /// there are none, the common case of new items.
    private func resolveContested(_ pg: PostgresConnection, project: Project) throws -> Bool {
        let p = SQLValue.int(project.id)
        try pg.run("""
            CREATE TEMP TABLE meow_import_contested ON COMMIT DROP AS
            SELECT s.line FROM pg_temp.meow_import_items s
             WHERE EXISTS (SELECT 1 FROM item i WHERE i.project_id = ?1 AND i.external_id = s.external_id)
            UNION SELECT s.line FROM pg_temp.meow_import_items s
             WHERE EXISTS (SELECT 1 FROM item i WHERE i.project_id = ?1 AND i.text_hash = s.text_hash)
            UNION SELECT line FROM pg_temp.meow_import_items WHERE external_id IN
                (SELECT external_id FROM pg_temp.meow_import_items GROUP BY external_id HAVING count(*) > 1)
            UNION SELECT line FROM pg_temp.meow_import_items WHERE text_hash IN
                (SELECT text_hash FROM pg_temp.meow_import_items GROUP BY text_hash HAVING count(*) > 1)
            """, p)
        guard pg.changes > 0 else { return false }
        try pg.execute("""
            CREATE TEMP TABLE meow_import_seen (
                external_id text NOT NULL UNIQUE, text_hash bytea NOT NULL UNIQUE, line bigint
            ) ON COMMIT DROP;
            CREATE TEMP VIEW meow_import_contested_rows AS
                SELECT s.* FROM pg_temp.meow_import_items s JOIN pg_temp.meow_import_contested c USING (line);
            """)
        // The project's rows these collide with (line NULL: already there), then the contested
        // lines in file order: a line whose id or text is taken by then is held back.
        try pg.run("""
            INSERT INTO pg_temp.meow_import_seen(external_id, text_hash, line)
            SELECT i.external_id, i.text_hash, NULL::bigint FROM item i
             WHERE i.project_id = ?1 AND i.external_id IN (SELECT external_id FROM pg_temp.meow_import_contested_rows)
            UNION SELECT i.external_id, i.text_hash, NULL::bigint FROM item i
             WHERE i.project_id = ?1 AND i.text_hash IN (SELECT text_hash FROM pg_temp.meow_import_contested_rows)
            """, p)
        try pg.execute("""
            INSERT INTO pg_temp.meow_import_seen(external_id, text_hash, line)
            SELECT external_id, text_hash, line FROM pg_temp.meow_import_contested_rows ORDER BY line
            ON CONFLICT DO NOTHING;
            CREATE INDEX ON pg_temp.meow_import_seen(line);
            """)
        // A held-back line finds its id where the row-by-row lookup would have: in the project
        // or on an earlier line that was kept.
        try pg.execute("""
            CREATE TEMP TABLE meow_import_blocked ON COMMIT DROP AS
            SELECT b.line, b.external_id,
                   CASE WHEN m.external_id IS NULL THEN \(BlockedKind.duplicateText)
                        WHEN m.text_hash = b.text_hash THEN \(BlockedKind.alreadyPresent)
                        ELSE \(BlockedKind.invalid) END AS kind
              FROM pg_temp.meow_import_contested_rows b
              LEFT JOIN pg_temp.meow_import_seen m ON m.external_id = b.external_id AND (m.line IS NULL OR m.line < b.line)
             WHERE NOT EXISTS (SELECT 1 FROM pg_temp.meow_import_seen w WHERE w.line = b.line);
            CREATE INDEX ON pg_temp.meow_import_blocked(line);
            """)
        return true
    }
}

/// The keys and indexes of `item` a bulk load builds after its rows are in: the unique keys
/// (external id, text hash) and the plain indexes (the open items). Their definitions are read
/// from the server's catalogue, so the rebuild is the schema the workspace has. The primary key
/// stays (the other tables' foreign keys hang on it), and so does the foreign key to the
/// project (see `importItemsByCopy`): what is dropped here locks `item` alone.
private struct DeferredItemKeys {
    var constraints: [(name: String, definition: String)] = []
    var indexes: [String] = []

    static func drop(_ pg: PostgresConnection) throws -> DeferredItemKeys {
        var keys = DeferredItemKeys()
        for row in try pg.rows("""
            SELECT conname::text AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint
             WHERE conrelid = 'item'::regclass AND contype = 'u' ORDER BY conname
            """) {
            keys.constraints.append((try row.text("name"), try row.text("def")))
        }
        for row in try pg.rows("""
            SELECT pg_get_indexdef(i.indexrelid) AS def, i.indexrelid::regclass::text AS name FROM pg_index i
             WHERE i.indrelid = 'item'::regclass AND NOT i.indisprimary
               AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)
             ORDER BY 2
            """) {
            keys.indexes.append(try row.text("def"))
            try pg.execute("DROP INDEX \(try row.text("name"))")
        }
        for c in keys.constraints { try pg.execute("ALTER TABLE item DROP CONSTRAINT \(Self.quoted(c.name))") }
        return keys
    }

    /// Builds them again; a unique key the rows break fails here and rolls the import back.
    func restore(_ pg: PostgresConnection) throws {
        try pg.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for c in constraints { try pg.execute("ALTER TABLE item ADD CONSTRAINT \(Self.quoted(c.name)) \(c.definition)") }
        for i in indexes { try pg.execute(i) }
    }

    private static func quoted(_ name: String) -> String { "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
}

/// Why a staged line was not inserted.
private enum BlockedKind {
    static let duplicateText: Int64 = 0, alreadyPresent: Int64 = 1, invalid: Int64 = 2
}

/// The staging table and the statements around it. Temporary tables are the session's own,
/// unlogged, and dropped at commit (or with the rollback of a failed import).
private enum StagingSQL {
    static let drop = """
        DROP VIEW IF EXISTS pg_temp.meow_import_contested_rows;
        DROP TABLE IF EXISTS pg_temp.meow_import_items, pg_temp.meow_import_contested,
            pg_temp.meow_import_seen, pg_temp.meow_import_blocked;
        """
    static let create = """
        CREATE TEMP TABLE meow_import_items (
            line bigint NOT NULL, external_id text NOT NULL, text text NOT NULL, text_hash bytea NOT NULL,
            metadata text, priority bigint NOT NULL
        ) ON COMMIT DROP;
        """
    static let copy = "COPY pg_temp.meow_import_items(line, external_id, text, text_hash, metadata, priority) FROM STDIN (FORMAT binary)"
    /// Item ids and queue keys follow file order, as row by row (`QueueKey.make`, in SQL).
    private static func insert(_ filter: String) -> String {
        """
        WITH ins AS (
            INSERT INTO item(project_id, external_id, text, text_hash, metadata, priority, qkey, need)
            SELECT ?1, s.external_id, s.text, s.text_hash, s.metadata, s.priority,
                   ((\(ImportLimits.maxPriority + 1) - s.priority) << 40) | (?3 + row_number() OVER (ORDER BY s.line) - 1), ?2
              FROM pg_temp.meow_import_items s \(filter) ORDER BY s.line
            RETURNING qkey)
        SELECT count(*) AS n, min(qkey) AS lowest FROM ins
        """
    }
    static let insertAll = insert("")
    static let insertKept = insert("WHERE NOT EXISTS (SELECT 1 FROM pg_temp.meow_import_blocked b WHERE b.line = s.line)")
}
