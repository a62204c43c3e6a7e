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
        try db.execute("PRAGMA temp_store = MEMORY")
        // Foreign keys are checked by construction here (the item ids come from this project's
        // items, the project and guideline version are the project's own): three index
        // lookups per row saved. The pragma applies to this connection only, and only outside
        // a transaction, so it is switched around the write.
        try db.execute("PRAGMA foreign_keys = OFF")
        defer { try? db.execute("PRAGMA foreign_keys = ON") }
        let createdAt = Workspace.now()
        // A second connection can read beside this one's write transaction only in WAL mode.
        let walMode = (try db.row("PRAGMA journal_mode")?.string("journal_mode"))??.lowercased() == "wal"
        try db.write { tx in
            let setAside = try setAsideImportTriggers(in: tx)
            // `+` keeps the planner on the frozen records: on the project's items it walked every
            // item (50 ms for a million) to find the few frozen ones.
            let frozenItems = Set(try db.rows("""
                SELECT f.item_id FROM frozen_record f JOIN item i ON i.id = f.item_id WHERE +i.project_id = ?
                """, .int(p.id)).map { try $0.int("item_id") })
            let lastBefore = try db.scalarInt("SELECT coalesce(max(id), 0) FROM annotation") ?? 0
            // Opened inside the write transaction, so its snapshot has every item this one sees.
            let itemReader = walMode && self.path != ":memory:" ? try? Connection(path: self.path, readOnly: true, create: false) : nil
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
            try updateCountersAfterImport(project: p.id, in: tx)
            try restoreImportTriggers(setAside, in: tx)
        }
        return summary
    }

    /// A label column from the file, checked against the guideline.
    fileprivate enum CheckedLabel: Sendable {
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

    /// What `annotation_counts_insert` does per row, for every answer the import inserted at
    /// once: each item's done count grows by its new answers, and the project's progress by
    /// the answers that went to items still short of their need. The new answers per item are
    /// counted while inserting (`AnswerWriter`, into the temporary table `meow_import_counts`):
    /// grouping the new rows afterwards read them twice more (0.5 s for a million).
    private func updateCountersAfterImport(project: Int64, in tx: WriteTransaction) throws {
        try db.run("""
            UPDATE project SET answers_done = answers_done + (
                SELECT coalesce(sum(min(i.done_count + t.c, i.need) - min(i.done_count, i.need)), 0)
                FROM temp.meow_import_counts t JOIN item i ON i.id = t.item_id)
            WHERE id = ?1
            """, .int(project))
        try db.run("""
            UPDATE item SET done_count = done_count + t.c
            FROM temp.meow_import_counts t
            WHERE item.id = t.item_id
            """)
        try db.execute("DROP TABLE temp.meow_import_counts")
    }
}

/// One row of the file, checked, with its item's row id (-1: not looked up, the writer does).
struct PreparedAnswer: Sendable {
    var item: String
    var itemID: Int64
    var annotator: String
    var joined: String
    var json: String
    var line: Int
}

/// What the reading thread hands over: checked rows in file order, or the problem that ends
/// the file (after every row before it).
enum AnswerBatch: Sendable {
    case answers([PreparedAnswer])
    case failure(any Error & Sendable)
}

/// Reads, checks and resolves the rows of an import file on a second thread, a few batches
/// ahead of the writer: the per-row work that is not SQLite's write (parsing, name and label
/// checks, one item look-up per run of rows on the same item) runs beside the inserts. At most
/// `capacity` batches wait, so memory does not grow with the file.
final class AnswerFeed: @unchecked Sendable {
    static let batchRows = 2048
    private let capacity = 4
    private let condition = NSCondition()
    private var queue: [AnswerBatch] = []
    private var finished = false
    private var stopped = false
    private var running = false
    private let done = DispatchSemaphore(value: 0)
    // Used by the reading thread only, once started.
    private let rows: LongFormatRowReader
    private let path: String
    private let project: Project
    private let itemReader: Connection?

    init(rows: LongFormatRowReader, path: String, project: Project, itemReader: Connection?) {
        self.rows = rows
        self.path = path
        self.project = project
        self.itemReader = itemReader
    }

    func start() {
        running = true
        Thread.detachNewThread { [self] in
            Thread.current.name = "meow-import-feed"
            produce()
            done.signal()
        }
    }

    /// Ends the reading thread (if still running) and waits for it; safe to call twice.
    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
        if running {
            done.wait()
            running = false
        }
    }

    /// The next batch, nil after the last.
    func next() -> AnswerBatch? {
        condition.lock()
        defer { condition.unlock() }
        while queue.isEmpty && !finished { condition.wait() }
        if queue.isEmpty { return nil }
        let batch = queue.removeFirst()
        condition.broadcast()
        return batch
    }

    /// False once the writer has stopped listening.
    private func put(_ batch: AnswerBatch) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while queue.count >= capacity && !stopped { condition.wait() }
        if stopped { return false }
        queue.append(batch)
        condition.broadcast()
        return true
    }

    private func finish() {
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    private func produce() {
        defer { finish() }
        do {
            if let itemReader {
                try itemReader.read { try produceRows(itemReader) }
            } else {
                try produceRows(nil)
            }
        } catch {
            _ = put(.failure(error))
        }
    }

    private func produceRows(_ itemReader: Connection?) throws {
        var batch: [PreparedAnswer] = []
        batch.reserveCapacity(Self.batchRows)
        var checks = RowChecks()
        do {
            while let answer = try nextAnswer(&checks, itemReader) {
                batch.append(answer)
                if batch.count == Self.batchRows {
                    if !put(.answers(batch)) { return }
                    batch.removeAll(keepingCapacity: true)
                }
            }
        } catch {
            // Whatever ends the file comes after the rows before it.
            if batch.isEmpty || put(.answers(batch)) { throw error }
            return
        }
        if !batch.isEmpty { _ = put(.answers(batch)) }
    }

    /// What the checks remember between rows.
    private struct RowChecks {
        var validNames = Set<String>()   // each name is checked once, not once per row
        var checkedLabels: [String: Workspace.CheckedLabel] = [:]  // each distinct label text checked once
        var lastItem = "", lastItemID: Int64 = -1  // rows of one item usually come together
    }

    /// The next row, checked, or nil at the end of the file.
    private func nextAnswer(_ checks: inout RowChecks, _ itemReader: Connection?) throws -> PreparedAnswer? {
        while true {
            let next: LongFormatRow?
            do { next = try rows.next() } catch { throw error.importError }
            guard let row = next else { return nil }
            let (item, annotator, label, line) = (row.item, row.annotator, row.label, row.line)
            if !checks.validNames.contains(annotator) {
                if let problem = AnnotatorName.problem(annotator) {
                    throw ImportError(file: path, line: line, message: "annotator '\(TerminalText.safeInline(String(annotator.prefix(80))))': \(problem)")
                }
                checks.validNames.insert(annotator)
            }
            let answer: Workspace.CheckedLabel
            if project.guideline.task == .spans {
                // "-": no spans (a long-format file has no empty labels). The writer checks the
                // spans against their item's text.
                answer = .valid(column: label == "-" ? "" : label, json: "")
            } else if let known = checks.checkedLabels[label] { answer = known } else {
                do {
                    let parsed = try project.guideline.answer(column: label)
                    let value = try project.guideline.validate(parsed, comment: "imported", text: "")
                    answer = .valid(column: value.labelColumn, json: value.json)
                } catch {
                    answer = .invalid("\(error)")
                }
                checks.checkedLabels[label] = answer
            }
            guard case .valid(let joined, let json) = answer else {
                if case .invalid(let message) = answer { throw ImportError(file: path, line: line, message: message) }
                continue
            }
            var itemID: Int64 = -1
            if let itemReader {
                if item == checks.lastItem && checks.lastItemID >= 0 { itemID = checks.lastItemID } else {
                    guard let found = try itemReader.scalarInt("SELECT id FROM item WHERE project_id = ? AND external_id = ?", .int(project.id), .text(item)) else {
                        throw ImportError(file: path, line: line, message: "no item '\(item)' in project '\(project.name)' (import the items first)")
                    }
                    (checks.lastItem, checks.lastItemID) = (item, found)
                    itemID = found
                }
            }
            return PreparedAnswer(item: item, itemID: itemID, annotator: annotator, joined: joined, json: json, line: line)
        }
    }
}

/// Inserts checked answers many rows per statement, inside the import's transaction.
///
/// Why: one INSERT per row spent most of its time starting the statement (opening three
/// cursors, the transaction check, binding copies of the text); one statement for `rows` rows
/// starts once, and its text is bound from one buffer without copies. A multi-row INSERT keeps
/// a statement journal (it may stop halfway on a CHECK), in memory here and only for the pages
/// one batch touches.
struct AnswerWriter {
    static let rows = 128
    private let db: Connection
    private let path: String
    private let constants: [(SQLValue, Int32)]
    private let many: Statement
    private let one: Statement
    private var pending: [PreparedAnswer] = []
    private var text: [UInt8] = []
    /// The highest answer id before the pending rows were inserted: rows above it are new.
    private var lastID: Int64

    /// New answers per item, counted as they are inserted: the item of the current run of rows
    /// and its count, and runs waiting to be added to `meow_import_counts`.
    private var runItem: Int64 = -1
    private var runCount = 0
    private var runs: [(item: Int64, count: Int)] = []
    private let addRuns: Statement

    init(db: Connection, path: String, project p: Project, createdAt: String, user: String, lastID: Int64) throws {
        self.db = db
        self.path = path
        self.lastID = lastID
        // In memory (temp_store), gone with the transaction if it fails.
        try db.execute("""
            DROP TABLE IF EXISTS temp.meow_import_counts;
            CREATE TEMP TABLE meow_import_counts(item_id INTEGER PRIMARY KEY, c INTEGER NOT NULL);
            """)
        addRuns = try db.statement("INSERT INTO temp.meow_import_counts(item_id, c) VALUES "
            + (0..<Self.rows).map { "(?\(2 * $0 + 1), ?\(2 * $0 + 2))" }.joined(separator: ", ")
            + " ON CONFLICT(item_id) DO UPDATE SET c = c + excluded.c")
        runs.reserveCapacity(Self.rows)
        constants = [(.int(p.id), 1), (.int(Int64(p.guidelineVersion)), 2), (.text(createdAt), 3), (.text(user), 4)]
        func values(_ k: Int) -> String {
            let b = 5 + 4 * k
            return "(?\(b), ?1, ?\(b + 1), ?\(b + 2), ?\(b + 3), ?2, ?3, 'import', ?4)"
        }
        let insert = "INSERT INTO annotation(item_id, project_id, annotator, label, value, guideline_version, created_at, source, imported_by) VALUES "
        let conflict = " ON CONFLICT(item_id, annotator) DO NOTHING"
        many = try db.statement(insert + (0..<Self.rows).map(values).joined(separator: ", ") + conflict)
        one = try db.statement(insert + values(0) + conflict)
        pending.reserveCapacity(Self.rows)
    }

    mutating func add(_ answer: PreparedAnswer, _ summary: inout AnnotationImportSummary) throws {
        pending.append(answer)
        if pending.count == Self.rows { try flush(&summary) }
    }

    /// Inserts the pending rows and sorts out any that inserted nothing.
    mutating func flush(_ summary: inout AnnotationImportSummary) throws {
        if pending.isEmpty { return }
        let statement = pending.count == Self.rows ? many : one
        var inserted = 0
        if statement === many {
            inserted = try insertAll(many)
        } else {
            for answer in pending {
                try bind(one, [answer])
                _ = try one.step()
                one.rewind()
                inserted += db.changes
            }
        }
        if inserted == pending.count {
            summary.inserted += inserted
            lastID = db.lastInsertRowID
            for answer in pending { try count(answer.itemID) }
            pending.removeAll(keepingCapacity: true)
            return
        }
        // Some rows inserted nothing: an answer already there (before, or earlier in the
        // batch). New rows have ids above `lastID`; the first row of a pair inserted it.
        var claimed = Set<Int64>()
        for answer in pending {
            let existing = try db.row("SELECT id, label FROM annotation WHERE item_id = ? AND annotator = ?", .int(answer.itemID), .text(answer.annotator))
            if let existing {
                let id = try existing.int("id")
                if id > lastID && !claimed.contains(id) {
                    claimed.insert(id)
                    summary.inserted += 1
                    try count(answer.itemID)
                    continue
                }
                if try existing.text("label") == answer.joined { summary.alreadyPresent += 1; continue }
            }
            throw ImportError(file: path, line: answer.line, message: "\(answer.annotator) already labeled '\(answer.item)' as '\(try existing?.text("label") ?? "?")', not '\(answer.joined)'")
        }
        if inserted > 0 { lastID = db.lastInsertRowID }
        pending.removeAll(keepingCapacity: true)
    }

    /// Inserts what is pending and counts the last run: every answer is in, and counted.
    mutating func finish(_ summary: inout AnnotationImportSummary) throws {
        try flush(&summary)
        if runCount > 0 { runs.append((runItem, runCount)) }
        runCount = 0
        try addPendingRuns()
    }

    /// One more answer inserted for `item`. Rows of an item usually come together: one run.
    private mutating func count(_ item: Int64) throws {
        if item == runItem { runCount += 1; return }
        if runCount > 0 {
            runs.append((runItem, runCount))
            if runs.count == Self.rows { try addPendingRuns() }
        }
        runItem = item
        runCount = 1
    }

    private mutating func addPendingRuns() throws {
        if runs.count == Self.rows {
            for (k, run) in runs.enumerated() {
                try addRuns.bind(.int(run.item), at: Int32(2 * k + 1))
                try addRuns.bind(.int(Int64(run.count)), at: Int32(2 * k + 2))
            }
            _ = try addRuns.step()
            addRuns.rewind()
        } else {
            for run in runs {
                try db.run("INSERT INTO temp.meow_import_counts(item_id, c) VALUES (?1, ?2) ON CONFLICT(item_id) DO UPDATE SET c = c + excluded.c",
                           .int(run.item), .int(Int64(run.count)))
            }
        }
        runs.removeAll(keepingCapacity: true)
    }

    /// One multi-row INSERT of every pending row; returns the rows inserted.
    private mutating func insertAll(_ statement: Statement) throws -> Int {
        try bind(statement, pending)
        _ = try statement.step()
        statement.rewind()
        return db.changes
    }

    /// Binds the constants and `answers` (parameters from ?5 on, four per row). The text is
    /// copied into one buffer first and bound from there without copies: it stays unchanged
    /// until the next bind, after the statement has run.
    private mutating func bind(_ statement: Statement, _ answers: [PreparedAnswer]) throws {
        for (value, index) in constants { try statement.bind(value, at: index) }
        text.removeAll(keepingCapacity: true)
        var ends: [Int] = []
        ends.reserveCapacity(answers.count * 3)
        for answer in answers {
            text.append(contentsOf: answer.annotator.utf8); ends.append(text.count)
            text.append(contentsOf: answer.joined.utf8); ends.append(text.count)
            text.append(contentsOf: answer.json.utf8); ends.append(text.count)
        }
        try text.withUnsafeBytes { bytes in
            var start = 0
            for (k, answer) in answers.enumerated() {
                let b = Int32(5 + 4 * k)
                try statement.bind(.int(answer.itemID), at: b)
                for j in 0..<3 {
                    let end = ends[3 * k + j]
                    try statement.bindTextUnretained(UnsafeRawBufferPointer(rebasing: bytes[start..<end]), at: b + 1 + Int32(j))
                    start = end
                }
            }
        }
    }
}
