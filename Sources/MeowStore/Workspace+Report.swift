import Foundation
import MeowCore

extension Workspace {
    /// What `meow report` shows: the store only counts (per hour, per annotator, per label,
    /// per consensus state) and reads the ratings agreement reads; turning counts into buckets,
    /// alphas and the confusion matrix is MeowCore's (`ProjectReport`), so it is tested without
    /// a database and is the same on SQLite and PostgreSQL.
    public func projectReport(project name: String, now: Date = Date()) throws -> ProjectReport {
        let p = try project(name)
        let renames = try labelRenames(project: name)
        let counts = try db.read { try reportCounts(p) }

        // Agreement per version from the ratings agreement itself reads (renames followed).
        var versions: [ProjectReport.VersionAgreement] = []
        var onlyVersion: Ratings?
        for (version, _) in counts.answersPerVersion {
            let ratings = try agreementRatings(project: name, guidelineVersion: version)
            versions.append(.make(version: version, ratings: ratings))
            if counts.answersPerVersion.count == 1 { onlyVersion = ratings }
        }
        // Spans have no label per answer to confuse; `meow agreement` measures them by overlap.
        // With one version its ratings are all the answers: not read twice.
        let confusion = p.guideline.task == .spans || counts.answers == 0
            ? ProjectReport.Confusion(labels: [], counts: [], items: 0, pairs: 0)
            : .make(try onlyVersion ?? agreementRatings(project: name))

        let names = Set(counts.perAnnotator.keys).union(counts.gold.keys).union(counts.qualification.keys).sorted()
        let annotators = names.map { n in
            let work = counts.perAnnotator[n] ?? (0, 0, 0)
            let gold = counts.gold[n] ?? (0, 0)
            return ProjectReport.Annotator(name: n, answers: work.answers, timedAnswers: work.timed, activeSeconds: work.seconds,
                                           goldChecks: gold.checks, goldCorrect: gold.correct, qualification: counts.qualification[n])
        }
        return ProjectReport(
            project: p.name, task: p.guideline.task.rawValue, guidelineVersion: p.guidelineVersion,
            generatedAt: ISO8601.string(now), items: counts.items, answers: counts.answers,
            progress: .make(perHour: counts.perHour), annotators: annotators, agreementByVersion: versions,
            labels: ProjectReport.LabelCount.make(columns: counts.labelColumns, task: p.guideline.task,
                                                  order: p.guideline.labels.map(\.value), renames: renames),
            confusion: confusion,
            consensus: .init(final: counts.final, disputed: counts.decided - counts.final, pending: counts.items - counts.decided),
            frozenSets: counts.frozenSets)
    }

    /// The report's counts, read in one snapshot.
    private struct ReportCounts {
        var items = 0, answers = 0, decided = 0, final = 0
        var perHour: [(hour: String, answers: Int)] = []
        var answersPerVersion: [(version: Int, answers: Int)] = []
        var perAnnotator: [String: (answers: Int, timed: Int, seconds: Double)] = [:]
        var gold: [String: (checks: Int, correct: Int)] = [:]
        var qualification: [String: ProjectReport.Qualification] = [:]
        var labelColumns: [(column: String, count: Int)] = []
        var frozenSets: [ProjectReport.FrozenSetSummary] = []
    }

    private func reportCounts(_ p: Project) throws -> ReportCounts {
        let id = SQLValue.int(p.id)
        var c = ReportCounts()
        c.items = Int(try db.scalarInt("SELECT count(*) FROM item WHERE project_id = ?", id) ?? 0)
        c.answers = Int(try db.scalarInt("SELECT coalesce(sum(answers), 0) FROM annotator_tally WHERE project_id = ?", id) ?? 0)
        // created_at is ISO 8601 UTC: its first 13 characters name the hour.
        c.perHour = try db.rows("""
            SELECT substr(created_at, 1, 13) AS hour, count(*) AS n FROM annotation WHERE project_id = ?
            GROUP BY substr(created_at, 1, 13) ORDER BY substr(created_at, 1, 13)
            """, id).map { (try $0.text("hour"), Int(try $0.int("n"))) }
        c.answersPerVersion = try db.rows("""
            SELECT guideline_version AS version, count(*) AS n FROM annotation WHERE project_id = ?
            GROUP BY guideline_version ORDER BY guideline_version
            """, id).map { (Int(try $0.int("version")), Int(try $0.int("n"))) }
        // Answers from the tally the answer triggers keep; times from queue answers (imports
        // carry none), over their index.
        for r in try db.rows("SELECT annotator, answers FROM annotator_tally WHERE project_id = ? AND answers > 0", id) {
            c.perAnnotator[try r.text("annotator")] = (Int(try r.int("answers")), 0, 0)
        }
        for r in try db.rows("""
            SELECT annotator, count(seconds) AS timed, coalesce(sum(seconds), 0) AS secs
            FROM annotation WHERE project_id = ? AND source = 'queue' GROUP BY annotator
            """, id) {
            let a = try r.text("annotator")
            c.perAnnotator[a] = (c.perAnnotator[a]?.0 ?? 0, Int(try r.int("timed")), try r.double("secs"))
        }
        // Gold checks are the unannounced ones (attempt 0); qualification rounds count apart.
        for r in try db.rows("""
            SELECT a.annotator, count(*) AS n, count(CASE WHEN a.correct = 1 THEN 1 END) AS ok
            FROM gold_answer a JOIN gold_item g ON g.id = a.gold_id
            WHERE a.project_id = ? AND a.attempt = 0 AND g.purpose = 'check' GROUP BY a.annotator
            """, id) {
            c.gold[try r.text("annotator")] = (Int(try r.int("n")), Int(try r.int("ok")))
        }
        // The latest round of each annotator (rows in round order: the last one stays).
        for r in try db.rows("SELECT annotator, attempt, state, correct, total FROM qualification WHERE project_id = ? ORDER BY annotator, attempt", id) {
            c.qualification[try r.text("annotator")] = .init(state: try r.text("state"), round: Int(try r.int("attempt")),
                                                             correct: Int(try r.int("correct")), total: Int(try r.int("total")))
        }
        c.labelColumns = try db.rows("SELECT label, count(*) AS n FROM annotation WHERE project_id = ? GROUP BY label", id)
            .map { (try $0.text("label"), Int(try $0.int("n"))) }
        // A final label with a NULL label is a tie waiting for review.
        if let r = try db.row("""
            SELECT count(f.item_id) AS decided, count(f.label) AS final
            FROM item i LEFT JOIN final_label f ON f.item_id = i.id WHERE i.project_id = ?
            """, id) {
            c.decided = Int(try r.int("decided"))
            c.final = Int(try r.int("final"))
        }
        c.frozenSets = try db.rows("""
            SELECT s.name, s.set_hash, s.created_at, s.created_by, (SELECT count(*) FROM frozen_record r WHERE r.set_id = s.id) AS size
            FROM frozen_set s WHERE s.project_id = ? ORDER BY s.created_at, s.id
            """, id).map {
            .init(name: try $0.text("name"), size: Int(try $0.int("size")), setHash: try $0.text("set_hash"),
                  createdAt: try $0.text("created_at"), createdBy: try $0.text("created_by"))
        }
        return c
    }
}
