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
    /// Speed (issue 13.7): one statement per row, which looks the item up and inserts in one
    /// step (`INSERT … SELECT … ON CONFLICT DO NOTHING RETURNING`), with label and name checks
    /// done once per distinct value. The per-row trigger that keeps the progress counters is
    /// set aside for the transaction and the counters are updated once at the end, per item;
    /// the frozen-set trigger's check is done against the frozen item ids. Both triggers are
    /// recreated from their stored text before the commit, in the same transaction, so a failure
    /// or a kill leaves the schema and every row exactly as before. A row that inserts nothing
    /// takes the slow path, which says why in the words the row-by-row import used.
    public func importAnnotations(project name: String, path: String, format: LongFormat? = nil, by user: String) throws -> AnnotationImportSummary {
        let p = try project(name)
        try requireAdmin(user, project: p, to: "import answers in other annotators' names")
        var summary = AnnotationImportSummary()
        let rows: LongFormatRowReader
        do { rows = try LongFormatRowReader(path: path, format: format) } catch { throw error.importError }
        /// A problem in the file is an `ImportError`, as every other problem a row can have here.
        func nextRow() throws(ImportError) -> LongFormatRow? {
            do { return try rows.next() } catch { throw error.importError }
        }
        // Undo journals stay in memory instead of a temp file.
        try db.execute("PRAGMA temp_store = MEMORY")
        // Foreign keys are checked by construction here (the item ids come from this project's
        // items, the project and guideline version are the project's own): three index
        // lookups per row saved. The pragma applies to this connection only, and only outside
        // a transaction, so it is switched around the write.
        try db.execute("PRAGMA foreign_keys = OFF")
        defer { try? db.execute("PRAGMA foreign_keys = ON") }
        var validNames = Set<String>()   // each name is checked once, not once per row
        var checkedLabels: [String: CheckedLabel] = [:]  // each distinct label text checked once
        let createdAt = Workspace.now()
        try db.write { tx in
            let setAside = try setAsideImportTriggers(in: tx)
            let frozenItems = Set(try db.rows("""
                SELECT f.item_id FROM frozen_record f JOIN item i ON i.id = f.item_id WHERE i.project_id = ?
                """, .int(p.id)).map { try $0.int("item_id") })
            let lastBefore = try db.scalarInt("SELECT coalesce(max(id), 0) FROM annotation") ?? 0
            // One single-row INSERT per answer: SQLite needs no statement journal for it (an
            // INSERT … SELECT, which may write many rows, copies every page it touches into one).
            let insert = try db.statement("""
                INSERT INTO annotation(item_id, project_id, annotator, label, value, guideline_version, created_at, source, imported_by)
                VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'import', ?8) ON CONFLICT(item_id, annotator) DO NOTHING
                """)
            for (value, index) in [(SQLValue.int(p.id), 2), (.int(Int64(p.guidelineVersion)), 6), (.text(createdAt), 7), (.text(user), 8)] {
                try insert.bind(value, at: Int32(index))
            }
            var itemIDs: [String: Int64] = [:]  // the items this file names, looked up once each
            let spanTask = p.guideline.task == .spans
            var lastText: (item: String, text: String)?
            func checkSpans(_ label: String, item: String, line: Int) throws -> CheckedLabel {
                let text: String
                if let last = lastText, last.item == item { text = last.text } else {
                    guard let row = try db.row("SELECT text FROM item WHERE project_id = ? AND external_id = ?", .int(p.id), .text(item)) else {
                        throw ImportError(file: path, line: line, message: "no item '\(item)' in project '\(p.name)' (import the items first)")
                    }
                    text = try row.text("text")
                    lastText = (item, text)
                }
                do {
                    // "-": no spans (a long-format file has no empty labels).
                    guard let parsed = AnswerValue(column: label == "-" ? "" : label, task: .spans) else { throw AnswerError.wrongKind(task: .spans) }
                    let value = try p.guideline.validate(parsed, comment: "imported", text: text)
                    return .valid(column: value.labelColumn, json: value.json)
                } catch {
                    return .invalid("\(error)")
                }
            }
            while let row = try nextRow() {
                let (item, annotator, label, line) = (row.item, row.annotator, row.label, row.line)
                summary.read += 1
                if !validNames.contains(annotator) {
                    if let problem = AnnotatorName.problem(annotator) {
                        throw ImportError(file: path, line: line, message: "annotator '\(TerminalText.safeInline(String(annotator.prefix(80))))': \(problem)")
                    }
                    validNames.insert(annotator)
                }
                let answer: CheckedLabel
                if spanTask {
                    // Spans are checked against their item's text (offsets, token edges): per row.
                    answer = try checkSpans(label, item: item, line: line)
                } else if let known = checkedLabels[label] { answer = known } else {
                    do {
                        guard let parsed = AnswerValue(column: label, task: p.guideline.task) else {
                            throw AnswerError.wrongKind(task: p.guideline.task)
                        }
                        let value = try p.guideline.validate(parsed, comment: "imported", text: "")
                        answer = .valid(column: value.labelColumn, json: value.json)
                    } catch {
                        answer = .invalid("\(error)")
                    }
                    checkedLabels[label] = answer
                }
                guard case .valid(let joined, let json) = answer else {
                    if case .invalid(let message) = answer { throw ImportError(file: path, line: line, message: message) }
                    continue
                }
                let itemID: Int64
                if let known = itemIDs[item] { itemID = known } else {
                    guard let found = try db.scalarInt("SELECT id FROM item WHERE project_id = ? AND external_id = ?", .int(p.id), .text(item)) else {
                        throw ImportError(file: path, line: line, message: "no item '\(item)' in project '\(p.name)' (import the items first)")
                    }
                    itemIDs[item] = found
                    itemID = found
                }
                if frozenItems.contains(itemID) {
                    // As the trigger would, unless the same answer is already there.
                    let same = try db.row("SELECT label FROM annotation WHERE item_id = ? AND annotator = ?", .int(itemID), .text(annotator))
                    if let same, try same.text("label") == joined { summary.alreadyPresent += 1; continue }
                    if same == nil { throw ImportError(file: path, line: line, message: "item '\(item)' is in a frozen test set: it takes no new answers") }
                }
                try insert.bind(.int(itemID), at: 1)
                try insert.bind(.text(annotator), at: 3)
                try insert.bind(.text(joined), at: 4)
                try insert.bind(.text(json), at: 5)
                _ = try insert.step()
                insert.rewind()
                if db.changes == 1 { summary.inserted += 1; continue }
                // Nothing inserted: the annotator already answered this item.
                let existing = try db.row("SELECT label FROM annotation WHERE item_id = ? AND annotator = ?", .int(itemID), .text(annotator))
                if let existing, try existing.text("label") == joined { summary.alreadyPresent += 1; continue }
                throw ImportError(file: path, line: line, message: "\(annotator) already labeled '\(item)' as '\(try existing?.text("label") ?? "?")', not '\(joined)'")
            }
            try updateCountersAfterImport(project: p.id, answersAfter: lastBefore, in: tx)
            try restoreImportTriggers(setAside, in: tx)
        }
        return summary
    }

    /// A label column from the file, checked against the guideline.
    private enum CheckedLabel {
        case valid(column: String, json: String)
        case invalid(String)
    }

    /// The per-row triggers a bulk import replaces with set-based work, as (name, SQL) so
    /// they can be recreated exactly.
    static let triggersSetAsideByImport = ["annotation_counts_insert", "frozen_annotation_insert"]

    private func setAsideImportTriggers(in tx: WriteTransaction) throws -> [(name: String, sql: String)] {
        var kept: [(name: String, sql: String)] = []
        for name in Self.triggersSetAsideByImport {
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

    /// What `annotation_counts_insert` does per row, for every answer after `answersAfter` at
    /// once: each item's done count grows by its new answers, and the project's progress by
    /// the answers that went to items still short of their need.
    private func updateCountersAfterImport(project: Int64, answersAfter last: Int64, in tx: WriteTransaction) throws {
        try db.run("""
            UPDATE project SET answers_done = answers_done + (
                SELECT coalesce(sum(min(i.done_count + t.c, i.need) - min(i.done_count, i.need)), 0)
                FROM (SELECT item_id, count(*) AS c FROM annotation WHERE id > ?1 GROUP BY item_id) t JOIN item i ON i.id = t.item_id)
            WHERE id = ?2
            """, .int(last), .int(project))
        try db.run("""
            UPDATE item SET done_count = done_count + t.c
            FROM (SELECT item_id, count(*) AS c FROM annotation WHERE id > ?1 GROUP BY item_id) t
            WHERE item.id = t.item_id
            """, .int(last))
    }
}
