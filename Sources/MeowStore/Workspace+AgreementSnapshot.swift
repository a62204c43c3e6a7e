import Foundation
import MeowCore

/// What `answersFromSnapshot` read: the snapshot's answers and those added since.
struct SnapshotRead {
    var state: AnswerScanState
    /// The read transaction's own stamp, for renewing the snapshot.
    var stamp: AnswersStamp
    /// Answers that came from the snapshot, and answers read after it.
    var cached: Int
    var added: Int
}

extension Workspace {
    /// The labels agreement codes a guideline's answers with, in its order, under today's
    /// names (a renamed label's old answers count as the new name).
    static func codedLabelOrder(_ guideline: Guideline, renames: [String: String]) -> [String] {
        guideline.labels.map { renames[$0.value] ?? $0.value }
    }

    /// What a snapshot's label codes depend on besides the answers: the labels in order and
    /// the renames applied as answers are read. A snapshot made under others is not used (a
    /// guideline update that renames or reorders labels changes the codes). Each name is
    /// written with its length, so no two setups read the same.
    /// The project itself is named too (its name and creation time), so that a project
    /// deleted by hand and made again under the same row id does not take the old one's.
    func snapshotSetup(project: Int64, order: [String], renames: [String: String]) throws -> String {
        func field(_ s: String) -> String { "\(s.utf8.count):\(s)" }
        let identity = try db.row("SELECT name, created_at FROM project WHERE id = ?", .int(project))
        return "setup 2; project " + field(try identity?.text("name") ?? "") + field(try identity?.text("created_at") ?? "")
            + "; order " + order.map(field).joined()
            + "; renames " + renames.sorted { $0.key < $1.key }.map { field($0.key) + field($0.value) }.joined()
    }

    /// The newest id among the project's answers up to `newest` (0 when it has none): a walk
    /// back over the row ids from `newest`, which stops at the project's first answer.
    static func newestAnswer(_ db: any SQLDatabase, project: Int64, upTo newest: Int64) throws -> Int64 {
        try db.scalarInt("SELECT id FROM annotation WHERE +project_id = ? AND id <= ? ORDER BY id DESC LIMIT 1", .int(project), .int(newest)) ?? 0
    }

    /// The project's answers from its agreement snapshot plus the answers added after it, in
    /// one read transaction; nil when there is no snapshot that holds.
    ///
    /// Why it is sound: the snapshot holds the project's answers up to its own newest one,
    /// id `newest_answer`, which it keeps while the snapshot holds: every delete or change of
    /// one of the project's answers counts in `project.answers_rewritten` (triggers), and a
    /// snapshot taken under another count is not used. A new answer gets an id above the
    /// largest in the file, which is at least `newest_answer` while that answer is there; so
    /// the project's answers not in the snapshot are exactly those with higher ids (unless
    /// the largest id is 2^63 - 1, after which SQLite picks ids at random: then no snapshot
    /// is used or kept). The newest id in the whole file would not do: another project's
    /// newest answer can be taken back and its id given again to an answer of this one.
    func answersFromSnapshot(_ file: Connection, scan: AnswerScan, builder: RatingsBuilder, setup: String) throws -> SnapshotRead? {
        try file.read {
            guard let found = try usableSnapshot(file, project: scan.project, setup: setup) else { return nil }
            var snapshot = found.0
            let row = found.1
            snapshot.builder.labelValues = builder.labelValues
            snapshot.builder.labelValueKind = builder.labelValueKind
            var state = AnswerScanState(scan: scan, builder: snapshot.builder)
            state.itemRowIDs = snapshot.itemRowIDs
            let cached = state.builder.count
            let after = try row.int("snapshot_newest"), newest = try row.int("newest")
            // No answer since: nothing to look up or read.
            if newest > after {
                state.itemCodes = ItemCodes(rowIDs: scan.itemRowIDs)
                for (code, id) in snapshot.itemRowIDs.enumerated() { state.itemCodes[id] = Int32(code) }
                // Room for the answers after it (at most as many as ids were given since): the
                // columns were read at their exact size, and growing them copies every answer.
                state.builder.reserveCapacity(Int(min(newest - after, Int64(cached))))
                // `+`: the rowid range, not the project's index.
                try file.scanAnswers("WHERE +project_id = ? AND id > ?", [.int(scan.project), .int(after)], into: &state)
            }
            let stamp = AnswersStamp(newest: newest, changes: try row.int("changes"), rewritten: try row.int("rewritten_now"),
                                     projectNewest: state.builder.count > cached ? try Self.newestAnswer(file, project: scan.project, upTo: newest) : after)
            return SnapshotRead(state: state, stamp: stamp, cached: cached, added: state.builder.count - cached)
        }
    }

    /// The project's snapshot with its stamp when agreement may use it (same count of
    /// changes, same setup, ids still given in order, a blob that reads whole), else nil.
    /// Inside the caller's read transaction; doctor checks the same snapshot agreement uses.
    private func usableSnapshot(_ file: Connection, project: Int64, setup: String) throws -> (AgreementSnapshot, Row)? {
        guard let row = try file.row("""
            SELECT s.newest_answer AS snapshot_newest, s.rewritten, s.setup, s.answers, p.answers_rewritten AS rewritten_now,
                   coalesce((SELECT max(id) FROM history), 0) AS changes, coalesce((SELECT max(id) FROM annotation), 0) AS newest
            FROM agreement_snapshot s JOIN project p ON p.id = s.project_id WHERE s.project_id = ?
            """, .int(project)),
              try row.int("rewritten") == row.int("rewritten_now"), try row.text("setup") == setup,
              try row.int("snapshot_newest") >= 0,
              // At the largest id SQLite gives new rows random ids, not higher ones.
              try row.int("newest") < Int64.max,
              let snapshot = try storedSnapshot(file, project: project), try Int64(snapshot.builder.count) == row.int("answers")
        else { return nil }
        return (snapshot, row)
    }

    /// The project's snapshot as stored, or nil when there is none or it is damaged. The
    /// statement is finished before this returns (a scan cannot start while one is mid-way),
    /// and not cached (it would keep the blob's pages in reach).
    private func storedSnapshot(_ file: Connection, project: Int64) throws -> AgreementSnapshot? {
        let blob = try Statement(connection: file, sql: "SELECT data FROM agreement_snapshot WHERE project_id = ?")
        defer { blob.reset() }
        try blob.bind([.int(project)])
        guard try blob.step() else { return nil }
        return blob.withBlobBytes(0, AgreementSnapshot.decode)
    }

    /// Keeps `state` (all of the project's answers as of `stamp`) as its agreement snapshot.
    /// Best effort: a workspace that is read-only, full or busy with a writer for more than a
    /// moment keeps its old snapshot (or none), and the command's output is the same.
    func saveAgreementSnapshot(_ file: Connection, stamp: AnswersStamp, setup: String, state: AnswerScanState) {
        // At the largest id SQLite gives new rows random ids: "the answers after it" would
        // not be the answers added since.
        guard stamp.newest < Int64.max else { return }
        let data = AgreementSnapshot.encode(state.builder, itemRowIDs: state.itemRowIDs)
        let wait = file.lockWaitLimit
        file.lockWaitLimit = 0.2
        defer { file.lockWaitLimit = wait }
        do {
            let saved = try file.write { _ in
                // Not over one of the same answers or newer (another reader's): the count of
                // changes only grows, and the answers only grow under one count.
                let save = try Statement(connection: file, sql: """
                    INSERT INTO agreement_snapshot(project_id, newest_answer, rewritten, setup, answers, data) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (project_id) DO UPDATE SET newest_answer = excluded.newest_answer, rewritten = excluded.rewritten,
                        setup = excluded.setup, answers = excluded.answers, data = excluded.data
                    WHERE excluded.rewritten > agreement_snapshot.rewritten OR agreement_snapshot.setup <> excluded.setup
                       OR (excluded.rewritten = agreement_snapshot.rewritten AND excluded.answers > agreement_snapshot.answers)
                    """)
                try save.bind([.int(state.scan.project), .int(stamp.projectNewest), .int(stamp.rewritten), .text(setup), .int(Int64(state.builder.count))])
                try save.bindBlob(data, at: 6)
                try save.runToEnd()
                return file.changes
            }
            agreementSnapshotWrites += saved
        } catch {
            // Nothing to tell: the snapshot only saves time, and the answers were read whole.
        }
    }
}

extension Workspace {
    /// For `meow doctor`: whether the project's agreement snapshot, when it is one agreement
    /// would use, holds exactly the project's answers up to its newest one, as a read of them
    /// gives. False when it does, or when there is none in use.
    func agreementSnapshotDiffers(project name: String) throws -> Bool {
        guard let file = db as? Connection else { return false }
        let p = try project(name)
        let renames = try labelRenames(project: name)
        let order = Self.codedLabelOrder(p.guideline, renames: renames)
        let setup = try snapshotSetup(project: p.id, order: order, renames: renames)
        return try file.read {
            // One agreement would not use (damaged, retired): nothing to report.
            guard let (snapshot, row) = try usableSnapshot(file, project: p.id, setup: setup) else { return false }
            var state = AnswerScanState(scan: AnswerScan(project: p.id, guidelineVersion: nil, annotators: nil, renames: renames),
                                        builder: RatingsBuilder(labels: order))
            try file.scanAnswers("WHERE +project_id = ? AND id <= ?", [.int(p.id), .int(try row.int("snapshot_newest"))], into: &state)
            let (a, b) = (snapshot.builder, state.builder)
            return !(a.labels == b.labels && a.annotators == b.annotators && a.items == b.items && a.codedAnswers == b.codedAnswers)
        }
    }
}
