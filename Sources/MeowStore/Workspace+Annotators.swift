import Foundation
import MeowCore

/// One annotator's standing in a project, for `meow annotators`.
public struct AnnotatorReport: Sendable, Codable, Equatable {
    public var name: String
    public var role: String
    /// active, paused, or what they still have to do (acknowledge, qualify).
    public var state: String
    public var pauseReason: String?
    public var annotations: Int
    public var goldAnswers: Int
    /// Accuracy on gold checks over the rolling window (nil: none yet).
    public var goldAccuracy: Double?
    public var qualification: String?
    /// Median seconds per answered item (from the labeling screen's timing).
    public var medianSeconds: Double?
    public var tooFast: Int
    public var flaggedForReview: Int
}

extension Workspace {
    public func annotators(project name: String) throws -> [AnnotatorReport] {
        let p = try project(name)
        return try db.read {
            var names = Set(try db.rows("SELECT name FROM member WHERE project_id = ?", .int(p.id)).map { try $0.text("name") })
            // Answer counts from the tally the answer triggers keep. Only queue answers are
            // flagged for review or timed (imports carry neither), so those two are counted over
            // the queue answers' index.
            var answers: [String: Int] = [:]
            for r in try db.rows("SELECT annotator, answers FROM annotator_tally WHERE project_id = ? AND answers > 0", .int(p.id)) {
                answers[try r.text("annotator")] = Int(try r.int("answers"))
            }
            names.formUnion(answers.keys)
            var out: [AnnotatorReport] = []
            for n in names.sorted() {
                let m = try db.row("SELECT role, state, pause_reason, checks_from, too_fast FROM member WHERE project_id = ? AND name = ?", .int(p.id), .text(n))
                let role = try m?.text("role") ?? "annotator"
                var state = try m?.text("state") ?? "active"
                let annotations = answers[n] ?? 0
                let flagged = Int(try db.scalarInt("SELECT count(*) FROM annotation WHERE project_id = ? AND annotator = ? AND source = 'queue' AND review_reason IS NOT NULL", .int(p.id), .text(n)) ?? 0)
                var accuracy: Double?
                var goldCount = 0
                if let gold = p.guideline.enforcement.gold {
                    let recent = try db.rows("SELECT correct FROM gold_answer WHERE project_id = ? AND annotator = ? AND attempt = 0 AND id > ? ORDER BY id DESC LIMIT ?",
                                             .int(p.id), .text(n), .int(m?.int("checks_from") ?? 0), .int(Int64(gold.window)))
                    goldCount = Int(try db.scalarInt("SELECT count(*) FROM gold_answer WHERE project_id = ? AND annotator = ? AND attempt = 0", .int(p.id), .text(n)) ?? 0)
                    if !recent.isEmpty { accuracy = Double(try recent.filter { try $0.int("correct") == 1 }.count) / Double(recent.count) }
                }
                var qualification: String?
                if let st = try qualificationState(p, n) {
                    qualification = st.state == .inProgress ? "in progress (round \(st.attempt))" : "\(st.state.rawValue) (round \(st.attempt))"
                    if st.state != .passed, state == "active" { state = "qualifying" }
                } else if p.guideline.enforcement.qualification != nil {
                    qualification = "not started"
                    if state == "active" { state = "qualifying" }
                }
                if state == "active" || state == "qualifying", !(try hasAcknowledged(p, annotator: n)) { state = "must acknowledge v\(p.guidelineVersion)" }
                let secs = try db.rows("SELECT seconds FROM annotation WHERE project_id = ? AND annotator = ? AND source = 'queue' AND seconds IS NOT NULL ORDER BY seconds", .int(p.id), .text(n)).map { try $0.double("seconds") }
                let median: Double? = secs.isEmpty ? nil : (secs.count % 2 == 1 ? secs[secs.count / 2] : (secs[secs.count / 2 - 1] + secs[secs.count / 2]) / 2)
                out.append(AnnotatorReport(name: n, role: role, state: state, pauseReason: try m?.string("pause_reason"), annotations: annotations,
                                           goldAnswers: goldCount, goldAccuracy: accuracy, qualification: qualification,
                                           medianSeconds: median, tooFast: Int(try m?.int("too_fast") ?? 0), flaggedForReview: flagged))
            }
            return out
        }
    }
}
