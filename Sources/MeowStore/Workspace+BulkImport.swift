import CSQLite
import Foundation
import MeowCore

/// A large import into a file (issue 16.1). Once an import passes `bulkImportFrom` rows and is
/// at least as big as the rest of the table, the item's indexes are dropped and every further
/// row goes straight in; at the end the indexes are built again by one sort each, inside the
/// import's transaction, so a failure still leaves nothing behind.
///
/// Without its unique keys the table cannot hold a row back as it arrives, so the rows loaded
/// this way are judged at the end with the row-by-row path's rules: when building a unique key
/// fails, the rows that share an id or a text with an earlier row are replayed in file order,
/// each against the rows kept before it: the id taken with the same text, already present;
/// with another text, invalid; the text taken, a duplicate. Those rows are deleted. Nothing is
/// judged twice, and a fresh import of new items (the common case) only pays for the sorts.
struct BulkLoad {
    /// The id of the first row loaded without indexes; rows from here on are the bulk rows, in
    /// file order (ids are given in sequence while nothing is deleted).
    let firstID: Int64
    /// The file line of each bulk row as runs of consecutive lines, so a file without blank or
    /// skipped lines needs one entry: memory grows with irregular lines, not with rows.
    private var lineRuns: [(row: Int, line: Int)] = []
    private var rows = 0

    init(startingIn db: any SQLDatabase) throws {
        firstID = (try db.scalarInt("SELECT coalesce(max(id), 0) FROM item") ?? 0) + 1
        // IF EXISTS: an index someone dropped by hand is simply built again at the end.
        try db.execute("DROP INDEX IF EXISTS item_external; DROP INDEX IF EXISTS item_text; DROP INDEX IF EXISTS item_open")
    }

    mutating func added(line: Int) {
        if let last = lineRuns.last, last.line + (rows - last.row) == line {} else { lineRuns.append((rows, line)) }
        rows += 1
    }

    /// The file line of the row with this id.
    func line(of id: Int64) -> Int {
        let row = Int(id - firstID)
        var lo = 0, hi = lineRuns.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineRuns[mid].row <= row { lo = mid } else { hi = mid - 1 }
        }
        guard !lineRuns.isEmpty else { return 0 }
        return lineRuns[lo].line + (row - lineRuns[lo].row)
    }

    /// Judges the bulk rows if they need it and builds the indexes again.
    func finish(_ db: any SQLDatabase, project: Project, file: String, skipInvalid: Bool, summary: inout ImportSummary) throws {
        // SQLite's sorter may use a second thread for the index builds, and sorts in runs the
        // size of the page cache: with 4 MiB the three builds took 1.4 s at 21 MB of memory,
        // with the import's 32 MiB 2.3 s at 77 MB (1M items; the caller restores the cache).
        let threads = try db.scalarInt("PRAGMA threads") ?? 0
        try db.execute("PRAGMA threads = 2; PRAGMA cache_size = -4096")
        defer { try? db.execute("PRAGMA threads = \(threads)") }
        do {
            try db.execute(Schema.itemIndexes[0])
            try db.execute(Schema.itemIndexes[1])
        } catch let e as SQLiteError where e.code & 0xff == SQLITE_CONSTRAINT {
            try judgeContested(db, project: project, file: file, skipInvalid: skipInvalid, summary: &summary)
            try db.execute("DROP INDEX IF EXISTS item_external; DROP INDEX IF EXISTS item_text")
            try db.execute(Schema.itemIndexes[0])
            try db.execute(Schema.itemIndexes[1])
        }
        try db.execute(Schema.itemIndexes[2])
    }

    /// Replays the bulk rows that share an id or a text with an earlier row, in file order.
    private func judgeContested(_ db: any SQLDatabase, project: Project, file: String, skipInvalid: Bool, summary: inout ImportSummary) throws {
        // Plain indexes to find the earlier rows by; the unique ones replace them after.
        try db.execute("DROP INDEX IF EXISTS item_external; DROP INDEX IF EXISTS item_text")
        try db.execute("CREATE INDEX item_external ON item(project_id, external_id); CREATE INDEX item_text ON item(project_id, text_hash)")
        let p = SQLValue.int(project.id)
        // A row with no earlier row sharing its id or text when loading ended keeps it: rows are
        // only ever deleted from here on.
        var contested: [Int64] = []
        for row in try db.rows("""
            SELECT i.id FROM item i WHERE i.id >= ?2 AND (
                EXISTS (SELECT 1 FROM item j WHERE j.project_id = ?1 AND j.external_id = i.external_id AND j.id < i.id)
             OR EXISTS (SELECT 1 FROM item j WHERE j.project_id = ?1 AND j.text_hash = i.text_hash AND j.id < i.id))
            ORDER BY i.id
            """, p, .int(firstID)) {
            contested.append(try row.int("id"))
        }
        let sameID = try db.statement("""
            SELECT j.text AS earlier, i.text AS text, i.external_id AS external_id FROM item i
              JOIN item j ON j.project_id = ?1 AND j.external_id = i.external_id AND j.id < i.id
             WHERE i.id = ?2 LIMIT 1
            """)
        let sameText = try db.statement("""
            SELECT 1 FROM item i JOIN item j ON j.project_id = ?1 AND j.text_hash = i.text_hash AND j.id < i.id
             WHERE i.id = ?2 LIMIT 1
            """)
        let delete = try db.statement("DELETE FROM item WHERE id = ?")
        // A statement left on a row would keep the table busy for the index builds after.
        defer { sameID.rewind(); sameText.rewind() }
        for id in contested {
            sameID.rewind()
            try sameID.bind([p, .int(id)])
            if try sameID.step() {
                // As row by row: Swift's string equality decides "the same text".
                let earlier = try sameID.text(0), text = try sameID.text(1), external = try sameID.text(2)
                if earlier == text { summary.alreadyPresent += 1 }
                else {
                    let e = ImportError(file: file, line: line(of: id), message: "id '\(external)' is already in the project with a different text")
                    if skipInvalid { summary.skipped.append(e) } else { throw e }
                }
            } else {
                sameText.rewind()
                try sameText.bind([p, .int(id)])
                guard try sameText.step() else { continue }
                summary.duplicateText += 1
            }
            delete.rewind()
            try delete.bind([.int(id)])
            try delete.runToEnd()
            summary.inserted -= 1
        }
    }
}
