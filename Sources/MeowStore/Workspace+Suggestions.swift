import Foundation
import MeowCore

/// A model's proposed answer for an item, as the queue hands it out beside the item.
public struct Suggestion: Sendable, Equatable {
    public var model: String
    public var value: AnswerValue
    public var score: Double?
    public init(model: String, value: AnswerValue, score: Double?) { self.model = model; self.value = value; self.score = score }
}

/// What `meow suggest` stored.
public struct SuggestionLoad: Sendable, Equatable {
    public var rows = 0
    /// Suggestions new for their item and model, and those that replaced an earlier one.
    public var added = 0
    public var replaced = 0
    public var models: [String] = []
    /// Items of a frozen test set among them: stored, never shown (the queue never serves them).
    public var frozenItems = 0
    /// The order the queue was rearranged into, if any.
    public var order: QueueOrder?
}

extension Workspace {
    /// Stores a model's suggestions (admins only), one current suggestion per item and model:
    /// loading the same model again replaces its suggestion for those items. Everything is
    /// checked first, in one transaction: items the project lacks and labels the guideline
    /// lacks are refused all together with their lines, any other invalid answer with its
    /// line; nothing is written then. The queue is then arranged in `order` (else the
    /// guideline's `order:` when it is not import order).
    public func loadSuggestions(project name: String, rows: [SuggestionRow], file: String, order: QueueOrder?, by user: String) throws -> SuggestionLoad {
        let p = try project(name)
        try requireAdmin(user, project: p, to: "load model suggestions")
        let g = p.guideline
        guard [.classify, .multilabel, .spans].contains(g.task) else {
            throw ImportError(file: file, line: nil, message: "project '\(name)' is a \(g.task.rawValue) project; suggestions are for classify, multilabel and spans projects")
        }
        return try db.write { tx in
            var load = SuggestionLoad(rows: rows.count)
            var unknownItems: [(String, Int)] = []
            var unknownLabels: [String: (count: Int, line: Int)] = [:]
            var checked: [(itemID: Int64, row: SuggestionRow, value: AnswerValue)] = []
            let find = try db.statement("SELECT id, text FROM item WHERE project_id = ? AND external_id = ?")
            for r in rows {
                let given: [String]
                switch r.value {
                case .labels(let l): given = l
                case .spans(let s): given = s.map(\.label)
                default: given = []
                }
                for l in given where g.label(l) == nil { unknownLabels[l, default: (0, r.line)].count += 1 }
                try find.bind([.int(p.id), .text(r.item)])
                guard try find.step() else { unknownItems.append((r.item, r.line)); find.rewind(); continue }
                let row = find.row()
                find.rewind()
                guard unknownLabels.isEmpty else { continue }
                if g.task == .spans, case .labels = r.value { throw ImportError(file: file, line: r.line, message: "a spans project takes \"spans\", not labels") }
                if g.task != .spans, case .spans = r.value { throw ImportError(file: file, line: r.line, message: "a \(g.task.rawValue) project takes \"label\" or \"labels\", not spans") }
                do {
                    let value = try g.validate(r.value, comment: "suggested", text: try row.text("text"))
                    checked.append((try row.int("id"), r, value))
                } catch {
                    throw ImportError(file: file, line: r.line, message: "item \"\(TerminalText.safeInline(r.item))\": \(error)")
                }
            }
            var problems: [String] = []
            if !unknownItems.isEmpty {
                let list = unknownItems.prefix(10).map { "'\(TerminalText.safeInline($0.0))' (line \($0.1))" }.joined(separator: ", ")
                problems.append("\(unknownItems.count) item\(unknownItems.count == 1 ? "" : "s") not in project '\(name)': \(list)\(unknownItems.count > 10 ? ", …" : "")")
            }
            if !unknownLabels.isEmpty {
                let list = unknownLabels.sorted { $0.value.line < $1.value.line }.map {
                    "'\(TerminalText.safeInline($0.key))' (\($0.value.count) suggestion\($0.value.count == 1 ? "" : "s"), first on line \($0.value.line))"
                }.joined(separator: ", ")
                problems.append("labels not in the guideline: \(list) (the guideline has \(g.labels.map(\.value).joined(separator: ", ")))")
            }
            if !problems.isEmpty { throw ImportError(file: file, line: nil, message: problems.joined(separator: "; ") + "; nothing was loaded") }

            let remove = try db.statement("DELETE FROM suggestion WHERE item_id = ? AND model = ?")
            let insert = try db.statement("""
                INSERT INTO suggestion(project_id, item_id, model, label, value, score, loaded_at, loaded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
            let frozen = try db.statement("SELECT 1 FROM frozen_record WHERE item_id = ?")
            let now = Workspace.now()
            var models = Set<String>()
            for c in checked {
                try remove.bind([.int(c.itemID), .text(c.row.model)])
                try remove.runToEnd()
                if db.changes > 0 { load.replaced += 1 } else { load.added += 1 }
                try insert.bind([.int(p.id), .int(c.itemID), .text(c.row.model), .text(c.value.labelColumn), .text(c.value.json),
                                 c.row.score.map { .double($0) } ?? .null, .text(now), .text(user)])
                try insert.runToEnd()
                try frozen.bind([.int(c.itemID)])
                if try frozen.step() { load.frozenItems += 1 }
                frozen.rewind()
                models.insert(c.row.model)
            }
            load.models = models.sorted()
            if let arrange = order ?? (g.order == .imported ? nil : g.order) {
                try reorderQueue(p, arrange, in: tx)
                load.order = arrange
            }
            return load
        }
    }

    /// Rearranges the queue (admins only); returns how many items it holds.
    @discardableResult
    public func reorderQueue(project name: String, order: QueueOrder, by user: String) throws -> Int {
        let p = try project(name)
        try requireAdmin(user, project: p, to: "change the queue order")
        return try db.write { tx in try reorderQueue(p, order, in: tx) }
    }

    /// Writes the order into the queue keys: import order gives every item back its key from
    /// its priority and id (ids grow with imports, as import keys do); other orders number the
    /// items 1, 2, … within their priority, below any key a later import gives (those come
    /// from the highest id). Every cursor goes back to the start, since the items before it
    /// are no longer the ones it passed.
    @discardableResult
    func reorderQueue(_ p: Project, _ order: QueueOrder, in tx: WriteTransaction) throws -> Int {
        let entries = try db.rows("""
            SELECT i.id, i.external_id, i.priority,
                   (SELECT s.score FROM suggestion s WHERE s.item_id = i.id ORDER BY s.id DESC LIMIT 1) AS score
            FROM item i WHERE i.project_id = ?
            """, .int(p.id)).map { r in
                QueueOrder.Entry(id: try r.int("id"), externalID: try r.text("external_id"), priority: Int(try r.int("priority")),
                                 score: try r.optionalDouble("score"))
            }
        let update = try db.statement("UPDATE item SET qkey = ? WHERE id = ?")
        for (rank, e) in order.arrange(entries).enumerated() {
            let seq = order == .imported ? e.id : Int64(rank + 1)
            try update.bind([.int(QueueKey.make(priority: e.priority, seq: seq)), .int(e.id)])
            try update.runToEnd()
        }
        try db.run("UPDATE queue_cursor SET qkey = 0 WHERE project_id = ?", .int(p.id))
        return entries.count
    }

    /// The suggestion an item shows: the one loaded last, when several models suggested one.
    public func suggestion(project name: String, item externalID: String) throws -> Suggestion? {
        let p = try project(name)
        return try suggestion(p, item: externalID)
    }

    func suggestion(_ p: Project, item externalID: String) throws -> Suggestion? {
        guard let r = try db.row("""
            SELECT s.model, s.label, s.score FROM suggestion s JOIN item i ON i.id = s.item_id
            WHERE i.project_id = ? AND i.external_id = ? ORDER BY s.id DESC LIMIT 1
            """, .int(p.id), .text(externalID)),
              let value = AnswerValue(column: try r.text("label"), task: p.guideline.task) else { return nil }
        return Suggestion(model: try r.text("model"), value: value, score: try r.optionalDouble("score"))
    }

    /// A claimed queue item with the suggestion it shows (qualification items and gold checks
    /// never show one).
    func withSuggestion(_ p: Project, _ item: ClaimedItem?) throws -> ClaimedItem? {
        guard var item, item.kind == .item else { return item }
        item.suggestion = try suggestion(p, item: item.id)
        return item
    }

    /// Model against people for `meow agreement`; nil when the project has no suggestions.
    func modelAgreement(_ p: Project, guidelineVersion: Int?, annotators: Set<String>?) throws -> ModelAgreement? {
        var suggestions: [String: [String: String]] = [:]
        for r in try db.rows("SELECT i.external_id, s.model, s.label FROM suggestion s JOIN item i ON i.id = s.item_id WHERE s.project_id = ?", .int(p.id)) {
            suggestions[try r.text("model"), default: [:]][try r.text("external_id")] = try r.text("label")
        }
        guard !suggestions.isEmpty else { return nil }
        var sql = """
            SELECT i.external_id, a.annotator, a.label, a.suggestion, a.accepted FROM annotation a JOIN item i ON i.id = a.item_id
            WHERE a.project_id = ?
            """
        var args: [SQLValue] = [.int(p.id)]
        if let guidelineVersion { sql += " AND a.guideline_version = ?"; args.append(.int(Int64(guidelineVersion))) }
        let answers = try db.rows(sql, values: args).compactMap { r -> ModelAgreement.Answer? in
            let who = try r.text("annotator")
            if let annotators, !annotators.contains(who) { return nil }
            return .init(item: try r.text("external_id"), annotator: who, label: try r.text("label"),
                         suggestion: try r.string("suggestion"), accepted: try r.optionalInt("accepted") == 1)
        }
        var finals: [String: String] = [:]
        for r in try db.rows("SELECT i.external_id, f.label FROM final_label f JOIN item i ON i.id = f.item_id WHERE f.project_id = ? AND f.label IS NOT NULL", .int(p.id)) {
            finals[try r.text("external_id")] = try r.text("label")
        }
        return ModelAgreement(suggestions: suggestions, answers: answers, finals: finals)
    }
}

extension Row {
    /// A nullable REAL column.
    func optionalDouble(_ name: String) throws -> Double? {
        let i = try index(of: name)
        if case .null = values[i] { return nil }
        return try double(i)
    }
}
