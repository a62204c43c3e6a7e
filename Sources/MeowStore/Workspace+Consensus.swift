import Foundation
import MeowCore

/// What `meow consensus` did.
public struct ConsensusSummary: Sendable {
    public var method: String
    public var items: Int
    public var resolved: Int
    /// Ties left for review.
    public var disputed: Int
    /// Reviewer decisions left as they were.
    public var keptReviewerDecisions: Int
    /// Dawid-Skene's estimate of each annotator's accuracy (model method only).
    public var annotatorAccuracy: [(annotator: String, accuracy: Double)]
    /// The least confident items, for a first look.
    public var leastConfident: [(item: String, label: String?, confidence: Double)]
}

/// An item waiting for a reviewer, with everything they need to decide.
public struct ReviewItem: Sendable, Equatable {
    public struct Answer: Sendable, Equatable {
        public var annotator: String
        public var label: String
        public var comment: String?
        public var unsureNote: String?
        public var unsure: Bool
        public var reviewReason: String?
    }
    public var id: String
    public var text: String
    public var metadata: String?
    public var answers: [Answer]
    /// The consensus so far (nil label: a tie).
    public var suggested: String?
    public var confidence: Double
    public var method: String
}

extension Workspace {
    /// The answers of complete items (every needed answer given), excluding frozen items, as
    /// (item, annotator, label) with renamed labels followed.
    func completeAnswers(_ p: Project) throws -> [(item: String, annotator: String, label: String)] {
        let renames = try labelRenames(project: p.name)
        return try db.rows("""
            SELECT i.external_id, a.annotator, a.label FROM annotation a JOIN item i ON i.id = a.item_id
            WHERE a.project_id = ? AND i.done_count >= i.need
              AND NOT EXISTS (SELECT 1 FROM frozen_record f WHERE f.item_id = i.id)
            ORDER BY i.id, a.annotator
            """, .int(p.id)).map { r in
            let label = AnswerValue.labels(AnswerValue.labels(inColumn: try r.text("label")).map { renames[$0] ?? $0 }).labelColumn
            return (try r.text("external_id"), try r.text("annotator"), label)
        }
    }

    /// Stores consensus results; reviewer decisions and frozen items are left alone. A final
    /// label that changes keeps its previous value in the history.
    func storeConsensus(_ p: Project, _ results: [Consensus], method: String, actor: String, action: String, in tx: WriteTransaction) throws -> (kept: Int, stored: Int) {
        var kept = 0, stored = 0
        let now = Workspace.now()
        for c in results {
            guard let itemID = try db.scalarInt("SELECT id FROM item WHERE project_id = ? AND external_id = ?", .int(p.id), .text(c.item)) else { continue }
            let old = try finalLabelValue(itemID: itemID)
            if old?.decision == "reviewer" { kept += 1; continue }
            if let old, old.label != c.label || old.decision != c.decision?.rawValue || old.method != method {
                try recordHistory(projectID: p.id, itemID: itemID, subject: .finalLabel, annotator: nil, old: old.json,
                                  new: FinalLabelValue(label: c.label, decision: c.decision?.rawValue, method: method, decidedBy: nil, note: nil).json,
                                  action: action, actor: actor, reason: "\(method) consensus", in: tx)
            }
            try db.run("""
                INSERT INTO final_label(item_id, project_id, label, value, decision, method, confidence, decided_by, note, decided_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)
                ON CONFLICT(item_id) DO UPDATE SET label = excluded.label, value = excluded.value, decision = excluded.decision, method = excluded.method,
                    confidence = excluded.confidence, decided_by = NULL, note = excluded.note, decided_at = excluded.decided_at
                """, .int(itemID), .int(p.id), .of(c.label), .of(c.label.map { Self.valueJSON(column: $0, task: p.guideline.task) }), .of(c.decision?.rawValue), .text(method), .double(c.confidence),
                       c.tied.isEmpty ? .of(c.reason) : .text("tie: " + c.tied.joined(separator: ", ")), .text(now))
            stored += 1
        }
        return (kept, stored)
    }

    /// Computes a final label for every complete item by majority vote (ties left for review)
    /// or by Dawid-Skene (labels weighted by each annotator's estimated confusion matrix).
    public func consensus(project name: String, method: String, by user: String = "consensus") throws -> ConsensusSummary {
        let p = try project(name)
        let answers = try completeAnswers(p)
        var results: [Consensus]
        var accuracy: [(String, Double)] = []
        switch method {
        case "majority":
            results = taskMajority(p, answers.map { ($0.item, $0.label) })
        case "dawid-skene" where p.guideline.task == .spans:
            throw StoreError.methodNotForTask(method: "dawid-skene", task: "spans", why: "it treats an answer as one label; spans are reconciled span by span with --method majority")
        case "dawid-skene":
            let labelOrder = Array(Set(p.guideline.labels.map(\.value) + answers.map(\.label))).sorted { a, b in
                let ia = p.guideline.labels.firstIndex { $0.value == a } ?? Int.max, ib = p.guideline.labels.firstIndex { $0.value == b } ?? Int.max
                return ia != ib ? ia < ib : a < b
            }
            guard let ds = dawidSkene(answers.map { LabelVote(item: $0.item, annotator: $0.annotator, label: $0.label) }, labels: labelOrder) else {
                results = []
                break
            }
            results = modelConsensus(ds, votes: answers.map { (item: $0.item, label: $0.label) })
            accuracy = ds.annotatorAccuracy.map { ($0.key, $0.value) }.sorted { $0.0 < $1.0 }
        default:
            throw StoreError.incompatibleGuideline("unknown consensus method '\(method)' (majority or dawid-skene)")
        }
        let stored = try db.write { tx in
            let r = try storeConsensus(p, results, method: method, actor: user, action: "consensus", in: tx)
            if !accuracy.isEmpty {
                let now = Workspace.now()
                for (a, acc) in accuracy {
                    try db.run("INSERT INTO annotator_estimate(project_id, annotator, accuracy, computed_at) VALUES (?, ?, ?, ?) ON CONFLICT(project_id, annotator) DO UPDATE SET accuracy = excluded.accuracy, computed_at = excluded.computed_at",
                               .int(p.id), .text(a), .double(acc), .text(now))
                }
            }
            return r
        }
        let resolved = results.filter { $0.label != nil }.count
        let least = results.sorted { ($0.confidence, $0.item) < ($1.confidence, $1.item) }.prefix(5).map { ($0.item, $0.label, $0.confidence) }
        return ConsensusSummary(method: method, items: results.count, resolved: resolved, disputed: results.count - resolved,
                                keptReviewerDecisions: stored.kept, annotatorAccuracy: accuracy, leastConfident: Array(least))
    }

    /// The majority method of the project's task: plurality of whole answers (classify,
    /// multi-label, compare: ties go to review), span-level majority, or the median rating.
    func taskMajority(_ p: Project, _ votes: [(item: String, label: String)]) -> [Consensus] {
        switch p.guideline.task {
        case .classify, .multilabel, .compare: return majorityVote(votes)
        case .spans: return spanMajority(votes)
        case .rate: return medianRating(votes, maxSpread: p.guideline.reviewSpread)
        }
    }

    /// The `value` JSON of a final label column for a task.
    static func valueJSON(column: String, task: Guideline.Task) -> String {
        (AnswerValue(column: column, task: task) ?? .labels(AnswerValue.labels(inColumn: column))).json
    }

    // MARK: Review

    /// Items that need a reviewer: ties, low confidence, or answers flagged (unsure, gold
    /// checks); least confident first. Reviewer decisions and frozen items are done.
    public func reviewQueue(project name: String, below threshold: Double = 0.7, limit: Int = 1000) throws -> [ReviewItem] {
        let p = try project(name)
        let rows = try db.rows("""
            SELECT i.id, i.external_id, i.text, i.metadata, f.label, coalesce(f.confidence, 0) AS confidence, coalesce(f.method, '') AS method
            FROM item i LEFT JOIN final_label f ON f.item_id = i.id
            WHERE i.project_id = ?1 AND coalesce(f.decision, '') != 'reviewer'
              AND NOT EXISTS (SELECT 1 FROM frozen_record fr WHERE fr.item_id = i.id)
              AND ((f.item_id IS NOT NULL AND (f.label IS NULL OR f.confidence < ?2))
                   OR EXISTS (SELECT 1 FROM annotation a WHERE a.item_id = i.id AND a.review_reason IS NOT NULL))
            ORDER BY coalesce(f.confidence, 0), i.qkey LIMIT ?3
            """, .int(p.id), .double(threshold), .int(Int64(limit)))
        return try rows.map { r in
            let answers = try db.rows("SELECT annotator, label, comment, unsure_note, unsure, review_reason FROM annotation WHERE item_id = ? ORDER BY annotator", .int(r.int("id"))).map {
                ReviewItem.Answer(annotator: try $0.text("annotator"), label: try $0.text("label"), comment: try $0.string("comment"), unsureNote: try $0.string("unsure_note"), unsure: try $0.int("unsure") != 0, reviewReason: try $0.string("review_reason"))
            }
            return ReviewItem(id: try r.text("external_id"), text: try r.text("text"), metadata: try r.string("metadata"), answers: answers, suggested: try r.string("label"), confidence: try r.double("confidence"), method: try r.text("method"))
        }
    }

    /// A reviewer sets the final label (reviewers and admins only), with an optional note.
    public func decide(project name: String, item externalID: String, label: String, note: String?, by reviewer: String) throws {
        let p = try project(name)
        let role = try self.role(of: reviewer, in: p)
        guard role == .reviewer || role == .admin else {
            throw StoreError.notAllowed(user: reviewer, action: "review", admins: try db.rows("SELECT name FROM member WHERE project_id = ? AND role IN ('admin', 'reviewer') ORDER BY name", .int(p.id)).map { try $0.text("name") })
        }
        try db.write { tx in
            guard let item = try db.row("SELECT id, text FROM item WHERE project_id = ? AND external_id = ?", .int(p.id), .text(externalID)) else {
                throw StoreError.unknownItem(project: name, item: externalID)
            }
            let itemID = try item.int("id")
            // Any task's answer: a label set, spans (checked against the text), a rating, a choice.
            let decided: AnswerValue
            do {
                let parsed = try p.guideline.answer(column: label)
                decided = try p.guideline.validate(parsed, comment: note ?? "review", text: try item.text("text"))
            } catch { throw StoreError.invalidAnswer(item: externalID, reason: "\(error)") }
            let old = try finalLabelValue(itemID: itemID)
            try recordHistory(projectID: p.id, itemID: itemID, subject: .finalLabel, annotator: nil, old: old?.json,
                              new: FinalLabelValue(label: decided.labelColumn, decision: "reviewer", method: "review", decidedBy: reviewer, note: note).json,
                              action: "review", actor: reviewer, reason: note, in: tx)
            try db.run("""
                INSERT INTO final_label(item_id, project_id, label, value, decision, method, confidence, decided_by, note, decided_at)
                VALUES (?, ?, ?, ?, 'reviewer', 'review', 1.0, ?, ?, ?)
                ON CONFLICT(item_id) DO UPDATE SET label = excluded.label, value = excluded.value, decision = 'reviewer', method = 'review', confidence = 1.0,
                    decided_by = excluded.decided_by, note = excluded.note, decided_at = excluded.decided_at
                """, .int(itemID), .int(p.id), .text(decided.labelColumn), .text(decided.json), .text(reviewer), .of(note.flatMap { $0.isEmpty ? nil : $0 }), .text(Workspace.now()))
        }
    }

    /// Takes back a reviewer's decision: the item goes back to its majority vote (and the queue).
    public func undoDecision(project name: String, item externalID: String, by user: String = "reviewer") throws {
        let p = try project(name)
        try db.write { tx in
            guard let itemID = try db.scalarInt("SELECT id FROM item WHERE project_id = ? AND external_id = ?", .int(p.id), .text(externalID)) else {
                throw StoreError.unknownItem(project: name, item: externalID)
            }
            if let old = try finalLabelValue(itemID: itemID), old.decision == "reviewer" {
                try recordHistory(projectID: p.id, itemID: itemID, subject: .finalLabel, annotator: nil, old: old.json, new: nil,
                                  action: "review-undo", actor: user, reason: "the reviewer took the decision back", in: tx)
            }
            try db.run("DELETE FROM final_label WHERE item_id = ? AND decision = 'reviewer'", .int(itemID))
            let votes = try db.rows("SELECT label FROM annotation WHERE item_id = ?", .int(itemID)).map { (externalID, try $0.text("label")) }
            _ = try storeConsensus(p, taskMajority(p, votes), method: "majority", actor: user, action: "review-undo", in: tx)
        }
    }

    /// Final labels with who decided and how.
    public func finalLabels(project name: String) throws -> [(item: String, label: String?, decision: String?, method: String, confidence: Double, decidedBy: String?, note: String?)] {
        let p = try project(name)
        return try db.rows("""
            SELECT i.external_id, f.label, f.decision, f.method, f.confidence, f.decided_by, f.note FROM final_label f JOIN item i ON i.id = f.item_id
            WHERE f.project_id = ? ORDER BY i.qkey
            """, .int(p.id)).map { (try $0.text("external_id"), try $0.string("label"), try $0.string("decision"), try $0.text("method"), try $0.double("confidence"), try $0.string("decided_by"), try $0.string("note")) }
    }
}
