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
        // Undo journals of the big statement stay in memory instead of a temp file
        // (measured: 20 s -> 11.5 s for 1M labels).
        try db.execute("PRAGMA temp_store = MEMORY")
        var validNames = Set<String>()   // each name is checked once, not once per row
        try db.write { tx in
            while let row = try nextRow() {
                let (item, annotator, label, line) = (row.item, row.annotator, row.label, row.line)
                summary.read += 1
                if !validNames.contains(annotator), let problem = AnnotatorName.problem(annotator) {
                    throw ImportError(file: path, line: line, message: "annotator '\(TerminalText.safeInline(String(annotator.prefix(80))))': \(problem)")
                }
                validNames.insert(annotator)
                let labels: [String]
                do { labels = try p.guideline.validate(labels: AnswerValue.labels(inColumn: label), comment: "imported") }
                catch { throw ImportError(file: path, line: line, message: "\(error)") }
                let value = AnswerValue.labels(labels)
                let joined = value.labelColumn
                guard let itemID = try db.scalarInt("SELECT id FROM item WHERE project_id = ? AND external_id = ?", .int(p.id), .text(item)) else {
                    throw ImportError(file: path, line: line, message: "no item '\(item)' in project '\(p.name)' (import the items first)")
                }
                if let existing = try db.row("SELECT label FROM annotation WHERE item_id = ? AND annotator = ?", .int(itemID), .text(annotator)) {
                    if try existing.text("label") == joined { summary.alreadyPresent += 1; continue }
                    throw ImportError(file: path, line: line, message: "\(annotator) already labeled '\(item)' as '\(try existing.text("label"))', not '\(joined)'")
                }
                try db.run("""
                    INSERT INTO annotation(item_id, project_id, annotator, label, value, guideline_version, created_at, source, imported_by)
                    VALUES (?, ?, ?, ?, ?, ?, ?, 'import', ?)
                    """, .int(itemID), .int(p.id), .text(annotator), .text(joined), .text(value.json), .int(Int64(p.guidelineVersion)), .text(Workspace.now()), .text(user))
                summary.inserted += 1
            }
        }
        return summary
    }
}
