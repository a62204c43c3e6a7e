import Foundation
import MeowCore

/// Where a project stands.
public struct ProjectStatus: Sendable, Codable, Equatable {
    public struct AnnotatorCount: Sendable, Codable, Equatable {
        public var annotator: String
        public var annotations: Int
        public var skipped: Int
        public var holding: Int
    }
    public var project: String
    public var guidelineVersion: Int
    public var overlap: Int
    public var items: Int
    /// Items with all the answers they need.
    public var completed: Int
    /// Items with some answers or a live claim, not yet complete.
    public var inProgress: Int
    public var annotations: Int
    public var annotators: [AnnotatorCount]
}

extension Workspace {
    public func status(project name: String, now: Date = Date()) throws -> ProjectStatus {
        let p = try project(name)
        let t = now.timeIntervalSince1970
        return try db.read {
            let totals = try db.row("""
                SELECT count(*) AS items,
                       coalesce(sum(CASE WHEN done_count >= need THEN 1 ELSE 0 END), 0) AS completed,
                       coalesce(sum(CASE WHEN done_count < need AND (done_count > 0 OR EXISTS (SELECT 1 FROM claim c WHERE c.item_id = item.id AND c.expires_at > ?2)) THEN 1 ELSE 0 END), 0) AS in_progress
                FROM item WHERE project_id = ?1
                """, .int(p.id), .double(t)) ?? Row(values: [.int(0), .int(0), .int(0)], names: ["items", "completed", "in_progress"])
            var counts: [String: ProjectStatus.AnnotatorCount] = [:]
            func entry(_ a: String) -> ProjectStatus.AnnotatorCount { counts[a] ?? .init(annotator: a, annotations: 0, skipped: 0, holding: 0) }
            // The tally the answer triggers keep: one row per annotator, not a count of answers.
            for r in try db.rows("SELECT annotator, answers AS n FROM annotator_tally WHERE project_id = ? AND answers > 0", .int(p.id)) {
                var e = entry(try r.text("annotator")); e.annotations = Int(try r.int("n")); counts[e.annotator] = e
            }
            for r in try db.rows("SELECT s.annotator, count(*) AS n FROM skip s JOIN item i ON i.id = s.item_id WHERE i.project_id = ? GROUP BY s.annotator", .int(p.id)) {
                var e = entry(try r.text("annotator")); e.skipped = Int(try r.int("n")); counts[e.annotator] = e
            }
            for r in try db.rows("SELECT annotator, count(*) AS n FROM claim WHERE project_id = ? AND expires_at > ? GROUP BY annotator", .int(p.id), .double(t)) {
                var e = entry(try r.text("annotator")); e.holding = Int(try r.int("n")); counts[e.annotator] = e
            }
            let annotations = try db.scalarInt("SELECT coalesce(sum(answers), 0) FROM annotator_tally WHERE project_id = ?", .int(p.id)) ?? 0
            return ProjectStatus(project: p.name, guidelineVersion: p.guidelineVersion, overlap: p.overlap,
                                 items: Int(try totals.int("items")), completed: Int(try totals.int("completed")), inProgress: Int(try totals.int("in_progress")),
                                 annotations: Int(annotations),
                                 annotators: counts.values.sorted { $0.annotator < $1.annotator })
        }
    }

    /// How many items the annotator has answered, and how many answers the project still needs
    /// in total (for progress bars).
    public func progress(project name: String, annotator: String, countMine: Bool = true) throws -> (mine: Int, teamDone: Int, teamTotal: Int) {
        try progress(try project(name), annotator: annotator, countMine: countMine)
    }

    func progress(_ p: Project, annotator: String, countMine: Bool = true) throws -> (mine: Int, teamDone: Int, teamTotal: Int) {
        let mine = countMine ? (try db.scalarInt("SELECT answers FROM annotator_tally WHERE project_id = ? AND annotator = ?", .int(p.id), .text(annotator)) ?? 0) : 0
        guard let r = try db.row("SELECT \(db.answersDone) AS answers_done, answers_needed FROM project WHERE id = ?", .int(p.id)) else {
            throw StoreError.unknownProject(p.name, known: try projectNames())
        }
        return (Int(mine), Int(try r.int("answers_done")), Int(try r.int("answers_needed")))
    }
}
