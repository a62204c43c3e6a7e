import Foundation
import MeowCore

/// An item handed to an annotator.
public struct ClaimedItem: Sendable, Equatable {
    public typealias Kind = ItemKind
    public var id: String
    public var text: String
    /// Metadata as a JSON object text.
    public var metadata: String?
    public var expiresAt: Date
    public var kind: Kind = .item
    /// A model's proposed answer, shown pre-selected (queue items only).
    public var suggestion: Suggestion?
}

/// The queue's hot statements, in one place: the store runs them, and meow-bench's raw C-API
/// reference loop prepares these same texts, so the reference does exactly the store's
/// statement work and cannot drift from it.
public enum QueueSQL {
    /// The first item with room that the annotator has neither answered nor skipped, from their
    /// cursor on. Binds: project id, cursor qkey, annotator. Columns: id, external_id, text,
    /// metadata, qkey. The partial index `item_open` holds only items with room.
    public static let nextOpenItem = """
        SELECT i.id, i.external_id, i.text, i.metadata, i.qkey FROM item i INDEXED BY item_open
        WHERE i.project_id = ?1 AND i.taken < i.need AND i.qkey >= ?2
          AND NOT EXISTS (SELECT 1 FROM annotation a WHERE a.item_id = i.id AND a.annotator = ?3)
          AND NOT EXISTS (SELECT 1 FROM skip s WHERE s.item_id = i.id AND s.annotator = ?3)
        ORDER BY i.qkey LIMIT 1
        """
    /// The same on PostgreSQL: its planner picks the partial index itself, and the row is
    /// locked as it is taken (`SKIP LOCKED`: a row another transaction holds is passed over,
    /// never waited for). Writers are serialized per workspace (see `PostgresConnection.write`),
    /// so this is the same item SQLite would hand out.
    public static let nextOpenItemPostgres = """
        SELECT i.id, i.external_id, i.text, i.metadata, i.qkey FROM item i
        WHERE i.project_id = ?1 AND i.taken < i.need AND i.qkey >= ?2
          AND NOT EXISTS (SELECT 1 FROM annotation a WHERE a.item_id = i.id AND a.annotator = ?3)
          AND NOT EXISTS (SELECT 1 FROM skip s WHERE s.item_id = i.id AND s.annotator = ?3)
        ORDER BY i.qkey LIMIT 1 FOR UPDATE OF i SKIP LOCKED
        """
    /// meow's own pick: `nextOpenItem` from the annotator's cursor row, with the suggestion the
    /// item shows (its newest), in one statement: one round trip on a server instead of three.
    /// Binds: project id, annotator. Columns: id, external_id, text, metadata, qkey, model,
    /// label, score (the last three NULL without a suggestion).
    public static let nextOpenItemFromCursor = pickFromCursor(sqlite: true)
    /// The same on PostgreSQL (see `nextOpenItemPostgres`).
    public static let nextOpenItemFromCursorPostgres = pickFromCursor(sqlite: false)
    private static func pickFromCursor(sqlite: Bool) -> String {
        """
        SELECT i.id, i.external_id, i.text, i.metadata, i.qkey, s.model, s.label, s.score FROM item i\(sqlite ? " INDEXED BY item_open" : "")
        LEFT JOIN suggestion s ON s.id = (SELECT max(x.id) FROM suggestion x WHERE x.item_id = i.id)
        WHERE i.project_id = ?1 AND i.taken < i.need
          AND i.qkey >= coalesce((SELECT q.qkey FROM queue_cursor q WHERE q.project_id = ?1 AND q.annotator = ?2), 0)
          AND NOT EXISTS (SELECT 1 FROM annotation a WHERE a.item_id = i.id AND a.annotator = ?2)
          AND NOT EXISTS (SELECT 1 FROM skip k WHERE k.item_id = i.id AND k.annotator = ?2)
        ORDER BY i.qkey LIMIT 1\(sqlite ? "" : " FOR UPDATE OF i SKIP LOCKED")
        """
    }
    /// A claim on PostgreSQL in one statement (one round trip instead of three): the pick of
    /// `nextOpenItemFromCursorPostgres`, the annotator's cursor moved to it, and the claim,
    /// through data-modifying `WITH` clauses. Binds: project id, annotator, claimed at, expires
    /// at (Unix seconds), guideline version. Columns as the pick's.
    public static let claimFromCursorPostgres = """
        WITH pick AS (\(pickFromCursor(sqlite: false))),
        cursor_moved AS (
            INSERT INTO queue_cursor(project_id, annotator, qkey) SELECT ?1, ?2, qkey FROM pick
            ON CONFLICT(project_id, annotator) DO UPDATE SET qkey = excluded.qkey),
        claimed AS (
            INSERT INTO claim(item_id, project_id, annotator, claimed_at, expires_at, guideline_version)
            SELECT id, ?1, ?2, ?3, ?4, ?5 FROM pick)
        SELECT * FROM pick
        """
    /// Binds: item id, project id, annotator, claimed at, expires at (Unix seconds), guideline
    /// version in force (left unbound: NULL, the version in force when the answer comes).
    public static let insertClaim = "INSERT INTO claim(item_id, project_id, annotator, claimed_at, expires_at, guideline_version) VALUES (?, ?, ?, ?, ?, ?)"
    /// Binds: item id, annotator.
    public static let deleteClaim = "DELETE FROM claim WHERE item_id = ? AND annotator = ?"
    /// Binds: item id, project id, annotator, label column, value JSON, comment, unsure (0/1),
    /// unsure note, guideline version, created at (ISO 8601), seconds, review reason.
    public static let insertAnswer = """
        INSERT INTO annotation(item_id, project_id, annotator, label, value, comment, unsure, unsure_note, guideline_version, created_at, seconds, review_reason)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
    /// `insertAnswerNotingSuggestion` that also deletes the annotator's claim on the item, for
    /// PostgreSQL (a data-modifying `WITH`; each table's counting trigger updates the item).
    public static let answerReleasingClaimPostgres = "WITH released AS (DELETE FROM claim WHERE item_id = ?1 AND annotator = ?3)\n" + insertAnswerNotingSuggestion
    /// meow's own answer insert: `insertAnswer` that also notes the suggestion on screen (the
    /// item's newest): the model, and whether the answer is that suggestion unchanged.
    public static let insertAnswerNotingSuggestion = """
        INSERT INTO annotation(item_id, project_id, annotator, label, value, comment, unsure, unsure_note, guideline_version, created_at, seconds, review_reason, suggestion, accepted)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,
                (SELECT s.model FROM suggestion s WHERE s.item_id = ?1 ORDER BY s.id DESC LIMIT 1),
                (SELECT CASE WHEN s.label = ?4 THEN 1 ELSE 0 END FROM suggestion s WHERE s.item_id = ?1 ORDER BY s.id DESC LIMIT 1))
        """
}

extension Workspace {
    /// Claims the next item for `annotator`, or returns the item they already hold. The claim
    /// is a lease: unanswered after `lease` seconds, the item returns to the queue. Returns nil
    /// when nothing is left for this annotator.
    public func claimNext(project name: String, annotator: String, lease: Double? = nil, now: Date = Date()) throws -> ClaimedItem? {
        try withQueueProject(name) { project in try claimNext(project, annotator: annotator, lease: lease, now: now) }
    }

    /// Runs a queue write (a claim, an answer) with the project as read last time, when there
    /// is one: on a server that saves a round trip per action. It is safe because each of them
    /// checks inside its transaction that the project's guideline version is still the newest
    /// (a project's settings change only with a new version) and throws `guidelineChanged`
    /// otherwise, before anything is written; then the project is read again and the write
    /// runs once more, as it would have with a fresh read.
    func withQueueProject<T>(_ name: String, _ body: (Project) throws -> T) throws -> T {
        do {
            return try body(projectCache[name] ?? project(name))
        } catch StoreError.guidelineChanged {
            projectCache[name] = nil
            return try body(project(name))
        }
    }

    func claimNext(_ project: Project, annotator: String, lease: Double? = nil, now: Date = Date()) throws -> ClaimedItem? {
        try db.writeConcurrent { tx in try claimNext(project, annotator: annotator, lease: lease, now: now, in: tx) }
    }

    /// The claim itself, inside the caller's write transaction; a queue item comes with the
    /// suggestion it shows.
    private func claimNext(_ project: Project, annotator: String, lease: Double?, now: Date, in tx: WriteTransaction) throws -> ClaimedItem? {
        let t = now.timeIntervalSince1970
        let expires = t + (lease ?? project.leaseSeconds)
        let admission = try checkAdmission(project, annotator, in: tx, leasesAt: t)
        if admission.leasesExpired { try reapExpiredClaims(projectID: project.id, now: t, in: tx) }
        // A member already: no insert (a write per claim, and a round trip on a server).
        if !admission.known { try ensureMember(project, annotator, in: tx) }
        if let q = try nextQualificationItem(project, annotator, in: tx) { return q }
        // Gold checks are held only while the guideline asks for them.
        if project.guideline.enforcement.gold != nil, let g = try heldGoldCheck(project, annotator) { return g }
        // Already holding one: the same item again, with a fresh lease.
        if let heldID = admission.heldItemID,
           let held = try db.row("SELECT id, external_id, text, metadata FROM item WHERE id = ?", .int(heldID)) {
            try db.run("UPDATE claim SET expires_at = ?, guideline_version = ? WHERE item_id = ? AND annotator = ?",
                       .double(expires), .int(Int64(project.guidelineVersion)), .int(heldID), .text(annotator))
            return try withSuggestion(project, ClaimedItem(id: try held.text("external_id"), text: try held.text("text"), metadata: try held.string("metadata"),
                                                           expiresAt: Date(timeIntervalSince1970: expires)))
        }
        if let gold = project.guideline.enforcement.gold, try isGoldTurn(project, annotator, checks: gold),
           let g = try claimGoldCheck(project, annotator, now: t, in: tx) {
            return g
        }
        // The partial index item_open holds only items with room; the cursor skips the
        // ones this annotator already passed.
        let found: Row
        if db.backend == .sqlite {
            guard let row = try db.row(QueueSQL.nextOpenItemFromCursor, .int(project.id), .text(annotator)) else { return nil }
            try db.run("""
                INSERT INTO queue_cursor(project_id, annotator, qkey) VALUES (?, ?, ?)
                ON CONFLICT(project_id, annotator) DO UPDATE SET qkey = excluded.qkey
                """, .int(project.id), .text(annotator), .int(row.int("qkey")))
            try db.run(QueueSQL.insertClaim, .int(row.int("id")), .int(project.id), .text(annotator), .double(t), .double(expires), .int(Int64(project.guidelineVersion)))
            found = row
        } else {
            guard let row = try db.row(QueueSQL.claimFromCursorPostgres, .int(project.id), .text(annotator), .double(t), .double(expires),
                                       .int(Int64(project.guidelineVersion))) else { return nil }
            found = row
        }
        var item = ClaimedItem(id: try found.text("external_id"), text: try found.text("text"), metadata: try found.string("metadata"), expiresAt: Date(timeIntervalSince1970: expires))
        if let model = try found.string("model"), let value = AnswerValue(column: try found.text("label"), task: project.guideline.task) {
            item.suggestion = Suggestion(model: model, value: value, score: try found.optionalDouble("score"))
        }
        return item
    }

    /// Records an answer and claims the next item in one write transaction (issue 16.2): one
    /// lock and one commit per answer instead of two. The answer follows `submit`'s rules and
    /// the claim `claimNext`'s, unchanged; a claim that is refused (a guideline update to
    /// acknowledge, a pause after failed gold checks) or finds nothing leaves the answer
    /// recorded: the claim runs in a savepoint that is rolled back alone.
    public func submitAndClaimNext(project name: String, annotator: String, item externalID: String, answer: Answer,
                                   lease: Double? = nil, now: Date = Date()) throws -> (outcome: SubmitOutcome, next: Result<ClaimedItem?, any Error>) {
        try withQueueProject(name) { current in try db.writeConcurrent { tx in
            let outcome = try record(current, annotator: annotator, item: externalID, answer: answer, in: tx)
            try db.execute("SAVEPOINT claim_next")
            do {
                let next = try claimNext(current, annotator: annotator, lease: lease, now: now, in: tx)
                try db.execute("RELEASE claim_next")
                return (outcome, .success(next))
            } catch {
                try db.execute("ROLLBACK TO claim_next")
                try db.execute("RELEASE claim_next")
                return (outcome, .failure(error))
            }
        } }
    }

    /// Removes leases that ran out, so their items have room again.
    private func reapExpiredClaims(projectID: Int64, now: Double, in tx: WriteTransaction) throws {
        let expired = try db.rows("SELECT c.item_id, i.qkey FROM claim c JOIN item i ON i.id = c.item_id WHERE c.project_id = ? AND c.expires_at <= ?",
                                  .int(projectID), .double(now))
        guard !expired.isEmpty else { return }
        try db.run("DELETE FROM claim WHERE project_id = ? AND expires_at <= ?", .int(projectID), .double(now))
        for r in expired { try lowerCursors(projectID: projectID, to: r.int("qkey"), in: tx) }
    }

    /// An item before some annotators' cursors regained room: move those cursors back.
    private func lowerCursors(projectID: Int64, to qkey: Int64, in tx: WriteTransaction) throws {
        try db.run("UPDATE queue_cursor SET qkey = ?2 WHERE project_id = ?1 AND qkey > ?2", .int(projectID), .int(qkey))
    }

    /// Gives one held item back to the queue: the lease goes and cursors behind it move back.
    private func releaseClaim(projectID: Int64, itemID: Int64, qkey: Int64, annotator: String, in tx: WriteTransaction) throws {
        try db.run("DELETE FROM claim WHERE item_id = ? AND annotator = ?", .int(itemID), .text(annotator))
        try lowerCursors(projectID: projectID, to: qkey, in: tx)
    }

    /// Gives every item the annotator holds in the project back to the queue (quitting the
    /// screen, an undo, a pause).
    func releaseClaims(projectID: Int64, annotator: String, in tx: WriteTransaction) throws {
        let held = try db.rows("SELECT c.item_id, i.qkey FROM claim c JOIN item i ON i.id = c.item_id WHERE c.project_id = ? AND c.annotator = ?",
                               .int(projectID), .text(annotator))
        try db.run("DELETE FROM claim WHERE project_id = ? AND annotator = ?", .int(projectID), .text(annotator))
        for r in held { try lowerCursors(projectID: projectID, to: r.int("qkey"), in: tx) }
    }

    private func heldItem(project: Project, annotator: String, item externalID: String) throws -> (id: Int64, qkey: Int64) {
        // One statement: the item, whether it is answered already, whether it is held.
        guard let item = try db.row("""
            SELECT i.id, i.qkey,
                   CASE WHEN EXISTS (SELECT 1 FROM annotation a WHERE a.item_id = i.id AND a.annotator = ?3) THEN 1 ELSE 0 END AS answered,
                   CASE WHEN EXISTS (SELECT 1 FROM claim c WHERE c.item_id = i.id AND c.annotator = ?3) THEN 1 ELSE 0 END AS held
            FROM item i WHERE i.project_id = ?1 AND i.external_id = ?2
            """, .int(project.id), .text(externalID), .text(annotator)) else {
            throw StoreError.unknownItem(project: project.name, item: externalID)
        }
        if try item.int("answered") != 0 { throw StoreError.alreadyLabeled(item: externalID, annotator: annotator) }
        guard try item.int("held") != 0 else { throw StoreError.notClaimed(item: externalID, annotator: annotator) }
        return (try item.int("id"), try item.int("qkey"))
    }

    /// The text an answer's spans refer to: the queue item's, or the gold item's an annotator
    /// holds under that id (a disguised check or a qualification item). Empty when neither.
    private func answerText(_ p: Project, annotator: String, item externalID: String) throws -> String {
        if let row = try db.row("SELECT text FROM item WHERE project_id = ? AND external_id = ?", .int(p.id), .text(externalID)) {
            return try row.text("text")
        }
        if let row = try db.row("""
            SELECT g.text FROM gold_claim c JOIN gold_item g ON g.id = c.gold_id
            WHERE c.project_id = ? AND c.annotator = ? AND c.disguised = ?
            """, .int(p.id), .text(annotator), .text(externalID)) {
            return try row.text("text")
        }
        let row = try db.row("""
            SELECT text FROM gold_item WHERE project_id = ? AND purpose = 'qualification' AND external_id = ?
            ORDER BY guideline_version DESC LIMIT 1
            """, .int(p.id), .text(externalID))
        return try row?.text("text") ?? ""
    }

    /// Records an answer for an item the annotator holds, under the current guideline version.
    /// When a newer version arrived while the item was on screen and the annotator has not
    /// acknowledged it yet, the answer counts under the version the item was served under,
    /// which they had acknowledged and worked from (the next claim asks for the new one).
    /// Qualification items and gold checks are always answered under the current version. The
    /// answer is checked against that version's schema first; the claim is released.
    @discardableResult
    public func submit(project name: String, annotator: String, item externalID: String, answer: Answer) throws -> SubmitOutcome {
        try withQueueProject(name) { current in
            try db.writeConcurrent { tx in try record(current, annotator: annotator, item: externalID, answer: answer, in: tx) }
        }
    }

    /// The answer itself, inside the caller's write transaction.
    private func record(_ current: Project, annotator: String, item externalID: String, answer: Answer, in tx: WriteTransaction) throws -> SubmitOutcome {
        let (newest, member, target) = try answerTarget(current, annotator: annotator, item: externalID)
        // The project as read before this transaction (or kept from the last action) must
        // carry the newest guideline: the caller reads it again otherwise.
        if newest != current.guidelineVersion { throw StoreError.guidelineChanged(project: current.name) }
        let servedUnder = target?.servedUnder
        let project = try servedUnder.map { try self.project(current, atVersion: $0) } ?? current
        let value: AnswerValue
        let text = project.guideline.task == .spans ? try answerText(project, annotator: annotator, item: externalID) : ""
        do { value = try project.guideline.validate(answer.value, comment: answer.comment, text: text) }
        catch { throw StoreError.invalidAnswer(item: externalID, reason: "\(error)") }
        let policy = project.guideline.enforcement.unsure
        if answer.unsure && policy == .forbid { throw StoreError.unsureForbidden }
        _ = try admit(project, annotator, state: member.state, pauseReason: member.pauseReason, newest: newest,
                      ackedNewest: member.ackedNewest, ackedCurrent: member.ackedServedUnder, servedUnderEarlierVersion: servedUnder != nil)
        if let outcome = try submitGold(project, annotator, externalID, given: value.labelColumn, seconds: answer.seconds, in: tx) { return outcome }
        try checkQualified(project, annotator)
        guard let item = target else { throw StoreError.unknownItem(project: project.name, item: externalID) }
        if item.answered { throw StoreError.alreadyLabeled(item: externalID, annotator: annotator) }
        guard item.held else { throw StoreError.notClaimed(item: externalID, annotator: annotator) }
        // On a server the claim goes in the answer's statement (one round trip instead of two).
        if db.backend == .sqlite { try db.run(QueueSQL.deleteClaim, .int(item.id), .text(annotator)) }
        try db.run(db.backend == .sqlite ? QueueSQL.insertAnswerNotingSuggestion : QueueSQL.answerReleasingClaimPostgres, .int(item.id), .int(project.id), .text(annotator), .text(value.labelColumn), .text(value.json),
                   .of(answer.comment.flatMap { $0.isEmpty ? nil : $0 }), .int(answer.unsure ? 1 : 0),
                   .of(answer.unsureNote.flatMap { $0.isEmpty ? nil : $0 }),
                   .int(Int64(project.guidelineVersion)), .text(Workspace.now()), answer.seconds.map { .double($0) } ?? .null,
                   answer.unsure && policy == .review ? .text("unsure") : .null)
        try extendOverlapIfDisputed(current, itemID: item.id, qkey: item.qkey, in: tx)
        return .recorded
    }

    /// The newest guideline version, the member's admission state (see `admit`), and the queue
    /// item an answer is for, in one statement (one round trip on a server): whether the
    /// annotator answered it already, whether they hold it, and the version it was served under
    /// when a newer version was recorded since and they have not acknowledged it (nil
    /// otherwise: served under the newest, the newest acknowledged, or a claim from before
    /// claims recorded the version). The item is nil when no queue item has this id (a gold
    /// check's disguised id, or an unknown one).
    private func answerTarget(_ p: Project, annotator: String, item externalID: String) throws
        -> (newest: Int, member: (state: String?, pauseReason: String?, ackedNewest: Bool, ackedServedUnder: Bool),
            item: (id: Int64, qkey: Int64, answered: Bool, held: Bool, servedUnder: Int?)?) {
        guard let r = try db.row("""
            SELECT n.newest, m.state, m.pause_reason, i.id, i.qkey,
                   CASE WHEN EXISTS (SELECT 1 FROM acknowledgement k WHERE k.project_id = ?1 AND k.annotator = ?3 AND k.guideline_version = n.newest) THEN 1 ELSE 0 END AS acked_newest,
                   CASE WHEN EXISTS (SELECT 1 FROM acknowledgement k WHERE k.project_id = ?1 AND k.annotator = ?3 AND k.guideline_version = c.guideline_version) THEN 1 ELSE 0 END AS acked_served,
                   CASE WHEN EXISTS (SELECT 1 FROM annotation a WHERE a.item_id = i.id AND a.annotator = ?3) THEN 1 ELSE 0 END AS answered,
                   CASE WHEN c.item_id IS NULL THEN 0 ELSE 1 END AS held, c.guideline_version AS claim_version
            FROM (SELECT coalesce(max(version), 0) AS newest FROM guideline_version WHERE project_id = ?1) n
            LEFT JOIN member m ON m.project_id = ?1 AND m.name = ?3
            LEFT JOIN item i ON i.project_id = ?1 AND i.external_id = ?2
            LEFT JOIN claim c ON c.item_id = i.id AND c.annotator = ?3
            """, .int(p.id), .text(externalID), .text(annotator)) else { throw StoreError.unknownProject(p.name, known: try projectNames()) }
        let newest = Int(try r.int("newest"))
        let member = (state: try r.string("state"), pauseReason: try r.string("pause_reason"),
                      ackedNewest: try r.int("acked_newest") != 0, ackedServedUnder: try r.int("acked_served") != 0)
        guard let id = try r.optionalInt("id") else { return (newest, member, nil) }
        let servedUnder = try r.optionalInt("claim_version").map { Int($0) }.flatMap { $0 < newest && !member.ackedNewest ? $0 : nil }
        return (newest, member, (id, try r.int("qkey"), try r.int("answered") != 0, try r.int("held") != 0, servedUnder))
    }

    /// Adaptive overlap: when an item has all the answers it needs but no label has a majority,
    /// it asks for one more annotator (up to the guideline's `max_overlap`).
    func extendOverlapIfDisputed(_ p: Project, itemID: Int64, qkey: Int64, in tx: WriteTransaction) throws {
        guard p.guideline.maxOverlap > p.overlap,
              let r = try db.row("SELECT done_count, need FROM item WHERE id = ?", .int(itemID)),
              try r.int("done_count") >= r.int("need"), try r.int("need") < Int64(p.guideline.maxOverlap) else { return }
        let labels = try db.rows("SELECT label FROM annotation WHERE item_id = ?", .int(itemID)).map { try $0.text("label") }
        guard !hasStrictMajority(labels) else { return }
        try db.run("UPDATE item SET need = need + 1 WHERE id = ?", .int(itemID))
        try db.run("UPDATE project SET answers_needed = answers_needed + 1 WHERE id = ?", .int(p.id))
        try lowerCursors(projectID: p.id, to: qkey, in: tx)
    }

    /// Gives a held item back without answering; it goes to others and never back to this annotator.
    public func skip(project name: String, annotator: String, item externalID: String) throws {
        let project = try project(name)
        try db.writeConcurrent { tx in
            // A gold check is skipped like any item (no answer, nothing revealed): its claim goes.
            if try db.run("DELETE FROM gold_claim WHERE project_id = ? AND annotator = ? AND disguised = ?", .int(project.id), .text(annotator), .text(externalID)) > 0 {
                return
            }
            let item = try heldItem(project: project, annotator: annotator, item: externalID)
            try db.run("INSERT INTO skip(item_id, annotator, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING", .int(item.id), .text(annotator), .text(Workspace.now()))
            try releaseClaim(projectID: project.id, itemID: item.id, qkey: item.qkey, annotator: annotator, in: tx)
        }
    }

    /// Gives a held item back to the queue, for anyone including this annotator.
    public func release(project name: String, annotator: String, item externalID: String) throws {
        let project = try project(name)
        try db.writeConcurrent { tx in
            let item = try heldItem(project: project, annotator: annotator, item: externalID)
            try releaseClaim(projectID: project.id, itemID: item.id, qkey: item.qkey, annotator: annotator, in: tx)
        }
    }

    /// Whether the annotator has an answer from the queue that `undoLast` could take back.
    public func hasUndoableAnswer(project name: String, annotator: String) throws -> Bool {
        let p = try project(name)
        return try db.scalarInt("SELECT 1 FROM annotation WHERE project_id = ? AND annotator = ? AND source = 'queue' LIMIT 1", .int(p.id), .text(annotator)) != nil
    }

    /// Releases every claim the annotator holds in the project (on quitting the screen).
    public func releaseAll(project name: String, annotator: String) throws {
        let project = try project(name)
        try db.writeConcurrent { tx in try releaseClaims(projectID: project.id, annotator: annotator, in: tx) }
    }

    /// Takes back the annotator's most recent answer: the annotation is deleted and the item is
    /// claimed for them again (any other claim they hold is released), so a new answer replaces it.
    public func undoLast(project name: String, annotator: String, lease: Double? = nil, now: Date = Date()) throws -> ClaimedItem {
        let project = try project(name)
        let t = now.timeIntervalSince1970
        return try db.writeConcurrent { tx in
            try checkAdmission(project, annotator, in: tx)
            try checkQualified(project, annotator)
            guard let last = try db.row("""
                SELECT a.id AS answer_id, i.id AS item_id, i.external_id, i.text, i.metadata, i.qkey FROM annotation a JOIN item i ON i.id = a.item_id
                WHERE a.project_id = ? AND a.annotator = ? AND a.source = 'queue' ORDER BY a.id DESC LIMIT 1
                """, .int(project.id), .text(annotator)) else {
                throw StoreError.nothingToUndo(annotator: annotator)
            }
            try releaseClaims(projectID: project.id, annotator: annotator, in: tx)
            if let a = try db.row("SELECT label, comment, unsure, guideline_version, created_at FROM annotation WHERE id = ?", .int(last.int("answer_id"))) {
                let old = "{\"label\":\(JSONText.quoted(try a.text("label"))),\"comment\":\(try a.string("comment").map(JSONText.quoted) ?? "null"),\"unsure\":\(try a.int("unsure") != 0),\"guideline_version\":\(try a.int("guideline_version")),\"created_at\":\(JSONText.quoted(try a.text("created_at")))}"
                try recordHistory(projectID: project.id, itemID: last.int("item_id"), subject: .answer, annotator: annotator, old: old, new: nil,
                                  action: "undo", actor: annotator, reason: "taken back by the annotator (undo)", in: tx)
            }
            try db.run("DELETE FROM annotation WHERE id = ?", .int(last.int("answer_id")))
            let expires = t + (lease ?? project.leaseSeconds)
            try db.run(QueueSQL.insertClaim, .int(last.int("item_id")), .int(project.id), .text(annotator), .double(t), .double(expires),
                       .int(Int64(project.guidelineVersion)))
            let again = ClaimedItem(id: try last.text("external_id"), text: try last.text("text"), metadata: try last.string("metadata"), expiresAt: Date(timeIntervalSince1970: expires))
            return try withSuggestion(project, again) ?? again
        }
    }
}
