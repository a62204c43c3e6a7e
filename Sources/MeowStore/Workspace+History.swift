import Foundation
import MeowCore

/// One kept change: the value an answer or final label had before, who changed it and why.
public struct HistoryEntry: Sendable, Equatable {
    public var at: String
    public var subject: String
    public var annotator: String?
    public var oldValue: String?
    public var newValue: String?
    public var action: String
    public var actor: String
    public var reason: String?
}

/// Everything known about one item: its answers now, its final label now, and the history.
public struct ItemHistory: Sendable {
    public var item: String
    public var answers: [(annotator: String, label: String, createdAt: String, source: String, importedBy: String?)]
    public var finalLabel: (label: String?, decision: String?, method: String, decidedBy: String?, decidedAt: String)?
    public var changes: [HistoryEntry]
}

enum HistorySubject: String { case answer, finalLabel = "final_label" }

/// A final label as kept in the history (JSON).
struct FinalLabelValue {
    var label: String?
    var decision: String?
    var method: String
    var decidedBy: String?
    var note: String?
    var json: String {
        "{\"label\":\(label.map(JSONText.quoted) ?? "null"),\"decision\":\(decision.map(JSONText.quoted) ?? "null"),\"method\":\(JSONText.quoted(method))"
            + ",\"decided_by\":\(decidedBy.map(JSONText.quoted) ?? "null"),\"note\":\(note.map(JSONText.quoted) ?? "null")}"
    }
}

extension Workspace {
    /// Appends a history row (inside the caller's write transaction).
    func recordHistory(projectID: Int64, itemID: Int64, subject: HistorySubject, annotator: String?, old: String?, new: String?,
                       action: String, actor: String, reason: String?, in tx: WriteTransaction) throws {
        try db.run("""
            INSERT INTO history(project_id, item_id, subject, annotator, old_value, new_value, action, actor, reason, at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, .int(projectID), .int(itemID), .text(subject.rawValue), .of(annotator), .of(old), .of(new),
                   .text(action), .text(actor), .of(reason), .text(Workspace.now()))
    }

    func finalLabelValue(itemID: Int64) throws -> FinalLabelValue? {
        guard let r = try db.row("SELECT label, decision, method, decided_by, note FROM final_label WHERE item_id = ?", .int(itemID)) else { return nil }
        return FinalLabelValue(label: try r.string("label"), decision: try r.string("decision"), method: try r.text("method"), decidedBy: try r.string("decided_by"), note: try r.string("note"))
    }

    /// An item's answers, final label and the history of changes to them, oldest first.
    public func history(project name: String, item externalID: String) throws -> ItemHistory {
        let p = try project(name)
        guard let itemID = try db.scalarInt("SELECT id FROM item WHERE project_id = ? AND external_id = ?", .int(p.id), .text(externalID)) else {
            throw StoreError.unknownItem(project: name, item: externalID)
        }
        return try db.read {
            let answers = try db.rows("SELECT annotator, label, created_at, source, imported_by FROM annotation WHERE item_id = ? ORDER BY id", .int(itemID))
                .map { (annotator: try $0.text("annotator"), label: try $0.text("label"), createdAt: try $0.text("created_at"), source: try $0.text("source"), importedBy: try $0.string("imported_by")) }
            let f = try db.row("SELECT label, decision, method, decided_by, decided_at FROM final_label WHERE item_id = ?", .int(itemID))
            let changes = try db.rows("SELECT at, subject, annotator, old_value, new_value, action, actor, reason FROM history WHERE item_id = ? ORDER BY id", .int(itemID))
                .map { HistoryEntry(at: try $0.text("at"), subject: try $0.text("subject"), annotator: try $0.string("annotator"), oldValue: try $0.string("old_value"), newValue: try $0.string("new_value"),
                                    action: try $0.text("action"), actor: try $0.text("actor"), reason: try $0.string("reason")) }
            return ItemHistory(item: externalID, answers: answers,
                               finalLabel: try f.map { (label: try $0.string("label"), decision: try $0.string("decision"), method: try $0.text("method"), decidedBy: try $0.string("decided_by"), decidedAt: try $0.text("decided_at")) },
                               changes: changes)
        }
    }
}
