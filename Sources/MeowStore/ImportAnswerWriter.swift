import Foundation
import MeowCore

/// Inserts checked answers many rows per statement, inside the import's transaction.
///
/// Why: one INSERT per row spent most of its time starting the statement (opening three
/// cursors, the transaction check, binding copies of the text); one statement for `rows` rows
/// starts once, and its text is bound from one buffer without copies. A multi-row INSERT keeps
/// a statement journal (it may stop halfway on a CHECK), in memory here and only for the pages
/// one batch touches.
struct AnswerWriter {
    static let rows = 128
    private let db: any SQLDatabase
    private let path: String
    private let constants: [(SQLValue, Int32)]
    private let many: any SQLStatement
    private let one: any SQLStatement
    private var pending: [PreparedAnswer] = []
    private var text: [UInt8] = []
    /// The highest answer id before the pending rows were inserted: rows above it are new.
    private var lastID: Int64

    /// New answers per item, counted as they are inserted: the item of the current run of rows
    /// and its count, and runs waiting to be added to `meow_import_counts`.
    private var runItem: Int64 = -1
    private var runCount = 0
    private var runs: [(item: Int64, count: Int)] = []
    /// Where each item's run is in `runs`: an item appears once per multi-row statement
    /// (PostgreSQL refuses an upsert that touches a row twice; a file sorted by annotator
    /// brings each item back every few rows).
    private var runIndex: [Int64: Int] = [:]
    private let addRuns: any SQLStatement
    /// New answers per annotator, for `annotator_tally` (its trigger is set aside with the
    /// item counters').
    private(set) var answersByAnnotator: [String: Int] = [:]

    init(db: any SQLDatabase, path: String, project p: Project, createdAt: String, user: String, lastID: Int64) throws {
        self.db = db
        self.path = path
        self.lastID = lastID
        // In memory (temp_store), gone with the transaction if it fails.
        try db.execute("""
            DROP TABLE IF EXISTS \(db.tempSchema).meow_import_counts;
            CREATE TEMP TABLE meow_import_counts(item_id INTEGER PRIMARY KEY, c INTEGER NOT NULL);
            """)
        addRuns = try db.statement("INSERT INTO \(db.tempSchema).meow_import_counts(item_id, c) VALUES "
            + (0..<Self.rows).map { "(?\(2 * $0 + 1), ?\(2 * $0 + 2))" }.joined(separator: ", ")
            + " ON CONFLICT(item_id) DO UPDATE SET c = meow_import_counts.c + excluded.c")
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
            lastID = try db.scalarInt("SELECT coalesce(max(id), 0) FROM annotation") ?? lastID
            for answer in pending { try count(answer) }
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
                    try count(answer)
                    continue
                }
                if try existing.text("label") == answer.joined { summary.alreadyPresent += 1; continue }
            }
            throw ImportError(file: path, line: answer.line, message: "\(answer.annotator) already labeled '\(answer.item)' as '\(try existing?.text("label") ?? "?")', not '\(answer.joined)'")
        }
        if inserted > 0 { lastID = try db.scalarInt("SELECT coalesce(max(id), 0) FROM annotation") ?? lastID }
        pending.removeAll(keepingCapacity: true)
    }

    /// Inserts what is pending and counts the last run: every answer is in, and counted.
    mutating func finish(_ summary: inout AnnotationImportSummary) throws {
        try flush(&summary)
        try pushRun()
        runCount = 0
        try addPendingRuns()
    }

    /// One more answer inserted. Rows of an item usually come together: one run.
    private mutating func count(_ answer: PreparedAnswer) throws {
        answersByAnnotator[answer.annotator, default: 0] += 1
        let item = answer.itemID
        if item == runItem { runCount += 1; return }
        try pushRun()
        runItem = item
        runCount = 1
    }

    /// The current run into `runs`, added to the same item's run when it is already there.
    private mutating func pushRun() throws {
        guard runCount > 0 else { return }
        if let k = runIndex[runItem] { runs[k].count += runCount; return }
        runIndex[runItem] = runs.count
        runs.append((runItem, runCount))
        if runs.count == Self.rows { try addPendingRuns() }
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
                try db.run("INSERT INTO \(db.tempSchema).meow_import_counts(item_id, c) VALUES (?1, ?2) ON CONFLICT(item_id) DO UPDATE SET c = meow_import_counts.c + excluded.c",
                           .int(run.item), .int(Int64(run.count)))
            }
        }
        runs.removeAll(keepingCapacity: true)
        runIndex.removeAll(keepingCapacity: true)
    }

    /// One multi-row INSERT of every pending row; returns the rows inserted.
    private mutating func insertAll(_ statement: any SQLStatement) throws -> Int {
        try bind(statement, pending)
        _ = try statement.step()
        statement.rewind()
        return db.changes
    }

    /// Binds the constants and `answers` (parameters from ?5 on, four per row). The text is
    /// copied into one buffer first and bound from there without copies: it stays unchanged
    /// until the next bind, after the statement has run.
    private mutating func bind(_ statement: any SQLStatement, _ answers: [PreparedAnswer]) throws {
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
