import Foundation
import MeowCore

public struct AnnotationImportSummary: Sendable, Equatable {
    public var read = 0
    public var inserted = 0
    public var alreadyPresent = 0
}

extension Workspace {
    /// Imports existing labels (long format: item, annotator, label) in one transaction. Each
    /// label is checked against the guideline; items must already be in the project. A label
    /// that differs from one the annotator already gave the item is an error, not an overwrite.
    /// Answers in other people's names: an admin action, and each row records who loaded it.
    ///
    /// The file is read by `LongFormatRowReader`, the reader behind `meow agreement --input`:
    /// both accept and refuse the same files with the same messages. `format` nil: from the
    /// extension, else from the first byte (`{` is JSONL). A row repeating an answer already
    /// stored (from this file or before) with the same label counts as already present.
    ///
    /// Speed (issue 13.7): the file is read, checked and its item names looked up on a second
    /// thread (`AnswerFeed`, with its own read-only connection: the items are committed and
    /// this transaction holds the write lock, so it sees exactly the items this one does), a
    /// bounded number of batches ahead of this thread, which only inserts: many rows per
    /// INSERT, their text bound without copies. Label and name checks are done once per
    /// distinct value. The per-row trigger that keeps the progress counters is set aside for
    /// the transaction and the counters are updated once at the end, per item; the frozen-set
    /// trigger's check is done against the frozen item ids. Both triggers are recreated from
    /// their stored text before the commit, in the same transaction, so a failure or a kill
    /// leaves the schema and every row exactly as before. A batch that inserts fewer rows than
    /// it holds is sorted out row by row, in the words the row-by-row import used; the first
    /// problem in file order is the one reported, as when every row was handled in turn.
    public func importAnnotations(project name: String, path: String, format: LongFormat? = nil, by user: String) throws -> AnnotationImportSummary {
        let p = try project(name)
        try requireAdmin(user, project: p, to: "import answers in other annotators' names")
        var summary = AnnotationImportSummary()
        let rows: LongFormatRowReader
        do { rows = try LongFormatRowReader(path: path, format: format) } catch { throw error.importError }
        // Undo journals stay in memory instead of a temp file.
        let sqlite = db.backend == .sqlite
        if sqlite { try db.execute("PRAGMA temp_store = MEMORY") }
        // Foreign keys are checked by construction here (the item ids come from this project's
        // items, the project and guideline version are the project's own): three index
        // lookups per row saved. So are the CHECKs: the value is the JSON the guideline's
        // validation wrote, `unsure` and `accepted` keep their defaults (the `json_valid` per
        // row was 8% of the import). The pragmas apply to this connection only, and foreign
        // keys only outside a transaction, so they are switched around the write.
        if sqlite { try db.execute("PRAGMA foreign_keys = OFF; PRAGMA ignore_check_constraints = ON") }
        defer { if sqlite { try? db.execute("PRAGMA foreign_keys = ON; PRAGMA ignore_check_constraints = OFF") } }
        let createdAt = Workspace.now()
        // A second connection can read beside this one's write transaction only in WAL mode.
        let walMode = try sqlite && (db.row("PRAGMA journal_mode")?.string("journal_mode"))??.lowercased() == "wal"
        try writeJoiningOpen { tx in
            let setAside = try setAsideImportTriggers(in: tx)
            // `+` keeps the planner on the frozen records: on the project's items it walked every
            // item (50 ms for a million) to find the few frozen ones.
            let frozenItems = Set(try db.rows("""
                SELECT f.item_id FROM frozen_record f JOIN item i ON i.id = f.item_id WHERE +i.project_id = ?
                """, .int(p.id)).map { try $0.int("item_id") })
            let lastBefore = try db.scalarInt("SELECT coalesce(max(id), 0) FROM annotation") ?? 0
            // Opened inside the write transaction, so its snapshot has every item this one sees.
            // Not inside a combined import: another connection cannot see its uncommitted items.
            let itemReader = walMode && self.path != ":memory:" && openImport == nil ? try? Connection(path: self.path, readOnly: true, create: false) : nil
            let feed = AnswerFeed(rows: rows, path: path, project: p, itemReader: itemReader)
            feed.start()
            defer { feed.stop() }
            var writer = try AnswerWriter(db: db, path: path, project: p, createdAt: createdAt, user: user, lastID: lastBefore)
            var itemIDs: [String: Int64] = [:]  // without a second connection: the items this file names, looked up once each
            let spanTask = p.guideline.task == .spans
            var lastText: (itemID: Int64, text: String)?
            while let batch = feed.next() {
                let answers: [PreparedAnswer]
                switch batch {
                case .answers(let list): answers = list
                case .failure(let error):
                    // The rows before the problem come first: one of them may have its own.
                    try writer.flush(&summary)
                    throw error
                }
                for var answer in answers {
                    summary.read += 1
                    if answer.itemID < 0 {
                        if let known = itemIDs[answer.item] { answer.itemID = known } else {
                            guard let found = try db.scalarInt("SELECT id FROM item WHERE project_id = ? AND external_id = ?", .int(p.id), .text(answer.item)) else {
                                try writer.flush(&summary)
                                throw ImportError(file: path, line: answer.line, message: "no item '\(answer.item)' in project '\(p.name)' (import the items first)")
                            }
                            itemIDs[answer.item] = found
                            answer.itemID = found
                        }
                    }
                    if spanTask {
                        // Spans are checked against their item's text (offsets, token edges): per row.
                        let text: String
                        if let last = lastText, last.itemID == answer.itemID { text = last.text } else {
                            text = try db.row("SELECT text FROM item WHERE id = ?", .int(answer.itemID))?.text("text") ?? ""
                            lastText = (answer.itemID, text)
                        }
                        do {
                            let parsed = try p.guideline.answer(column: answer.joined)
                            let value = try p.guideline.validate(parsed, comment: "imported", text: text)
                            (answer.joined, answer.json) = (value.labelColumn, value.json)
                        } catch {
                            try writer.flush(&summary)
                            throw ImportError(file: path, line: answer.line, message: "\(error)")
                        }
                    }
                    if frozenItems.contains(answer.itemID) {
                        try writer.flush(&summary)
                        // As the trigger would, unless the same answer is already there.
                        let same = try db.row("SELECT label FROM annotation WHERE item_id = ? AND annotator = ?", .int(answer.itemID), .text(answer.annotator))
                        if let same, try same.text("label") == answer.joined { summary.alreadyPresent += 1; continue }
                        if same == nil { throw ImportError(file: path, line: answer.line, message: "item '\(answer.item)' is in a frozen test set: it takes no new answers") }
                    }
                    try writer.add(answer, &summary)
                }
            }
            try writer.finish(&summary)
            feed.stop() // its read transaction ends before the commit, so the checkpoint after it is not held back
            try updateCountersAfterImport(project: p.id, answersByAnnotator: writer.answersByAnnotator, in: tx)
            try restoreImportTriggers(setAside, in: tx)
        }
        return summary
    }

    /// A label column from the file, checked against the guideline.
    enum CheckedLabel: Sendable {
        case valid(column: String, json: String)
        case invalid(String)
    }

    /// The per-row triggers a bulk import replaces with set-based work, as (name, SQL) so
    /// they can be recreated exactly.
    static let triggersSetAsideByImport = ["annotation_counts_insert", "frozen_annotation_insert"]

    private func setAsideImportTriggers(in tx: WriteTransaction) throws -> [(name: String, sql: String)] {
        var kept: [(name: String, sql: String)] = []
        for name in Self.triggersSetAsideByImport {
            if db.backend == .postgresql {
                // Disabled inside the transaction: a failure or a kill rolls it back enabled.
                guard try db.scalarInt("SELECT count(*) FROM pg_trigger WHERE tgname = ? AND tgrelid = 'annotation'::regclass", .text(name)) == 1 else { continue }
                try db.execute("ALTER TABLE annotation DISABLE TRIGGER \(name)")
                kept.append((name, "ALTER TABLE annotation ENABLE TRIGGER \(name)"))
                continue
            }
            // A missing trigger (a damaged workspace `meow doctor` reports) is not recreated here.
            guard let row = try db.row("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", .text(name)) else { continue }
            kept.append((name, try row.text("sql")))
            try db.execute("DROP TRIGGER \(name)")
        }
        return kept
    }

    private func restoreImportTriggers(_ kept: [(name: String, sql: String)], in tx: WriteTransaction) throws {
        for trigger in kept { try db.execute(trigger.sql) }
    }

    /// What `annotation_counts_insert` does per row, for every answer the import inserted at
    /// once: each annotator's tally and each item's done count grow by their new answers, and
    /// the project's progress by the answers that went to items still short of their need. The new answers per item are
    /// counted while inserting (`AnswerWriter`, into the temporary table `meow_import_counts`):
    /// grouping the new rows afterwards read them twice more (0.5 s for a million).
    private func updateCountersAfterImport(project: Int64, answersByAnnotator: [String: Int], in tx: WriteTransaction) throws {
        for (annotator, n) in answersByAnnotator.sorted(by: { $0.key < $1.key }) {
            try db.run("""
                INSERT INTO annotator_tally(project_id, annotator, answers) VALUES (?, ?, ?)
                ON CONFLICT (project_id, annotator) DO UPDATE SET answers = annotator_tally.answers + excluded.answers
                """, .int(project), .text(annotator), .int(Int64(n)))
        }
        try db.run("""
            UPDATE project SET answers_done = answers_done + (
                SELECT coalesce(sum(CASE WHEN i.done_count + t.c < i.need THEN i.done_count + t.c ELSE i.need END
                                  - CASE WHEN i.done_count < i.need THEN i.done_count ELSE i.need END), 0)
                FROM \(db.tempSchema).meow_import_counts t JOIN item i ON i.id = t.item_id)
            WHERE id = ?1
            """, .int(project))
        // SQLite's planner, without statistics on the temporary table, walks every item of the
        // workspace for the join form and probes the counts (0.77 s for a million items, a
        // quarter of them answered); the IN form visits only the answered items by row id
        // (0.45 s). PostgreSQL plans the join itself.
        try db.run(db.backend == .sqlite ? """
            UPDATE item SET done_count = done_count + (SELECT t.c FROM temp.meow_import_counts t WHERE t.item_id = item.id)
            WHERE id IN (SELECT item_id FROM temp.meow_import_counts)
            """ : """
            UPDATE item SET done_count = done_count + t.c
            FROM \(db.tempSchema).meow_import_counts t
            WHERE item.id = t.item_id
            """)
        try db.execute("DROP TABLE \(db.tempSchema).meow_import_counts")
    }
}

extension Workspace {
    /// Items and their answers in one transaction (a project brought over from another tool):
    /// a refused answer leaves no new item behind. `check` sees the item summary before the
    /// answers go in and may refuse it (throwing rolls both back).
    public func importItemsAndAnnotations(project name: String, items reader: ItemReader, answersPath: String, format: LongFormat?,
                                          by user: String, check: (ImportSummary) throws -> Void) throws -> (items: ImportSummary, answers: AnnotationImportSummary) {
        let p = try project(name)
        try requireAdmin(user, project: p, to: "import answers in other annotators' names")
        return try db.write { tx in
            openImport = tx
            defer { openImport = nil }
            let items = try importItems(project: name, reader: reader, skipInvalid: false)
            try check(items)
            let answers = try importAnnotations(project: name, path: answersPath, format: format, by: user)
            return (items, answers)
        }
    }
}
