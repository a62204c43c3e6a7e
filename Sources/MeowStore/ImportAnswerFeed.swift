import Foundation
import MeowCore

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
    private let itemReader: (any SQLDatabase)?

    init(rows: LongFormatRowReader, path: String, project: Project, itemReader: (any SQLDatabase)?) {
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

    private func produceRows(_ itemReader: (any SQLDatabase)?) throws {
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
    private func nextAnswer(_ checks: inout RowChecks, _ itemReader: (any SQLDatabase)?) throws -> PreparedAnswer? {
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
