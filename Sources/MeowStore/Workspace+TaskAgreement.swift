import Foundation
import MeowCore

extension Workspace {
    /// The agreement sections a project's task adds to `agreementRatings`'s report (spans,
    /// comparisons, multi-label), under the same filters. `ratings` is that report's input
    /// (multi-label agreement splits its label sets).
    public func taskAgreement(project name: String, guidelineVersion: Int? = nil, annotators: [String]? = nil, ratings: Ratings) throws -> TaskAgreement {
        let p = try project(name)
        let guideline = try guidelineVersion.map { try project(p, atVersion: $0).guideline } ?? p.guideline
        switch guideline.task {
        case .classify, .rate:
            return TaskAgreement()
        case .multilabel:
            return TaskAgreement(multiLabel: MultiLabelAgreement(ratings, labels: guideline.labels.map(\.value)))
        case .spans:
            let items = try spanAnswers(projectID: p.id, guidelineVersion: guidelineVersion, annotators: annotators.map(Set.init))
            return TaskAgreement(spans: SpanAgreement(items, labels: guideline.labels.map(\.value)))
        case .compare:
            var bias = PositionBias()
            let only = annotators.map(Set.init)
            var sql = "SELECT annotator, label, json_extract(value, '$.shown_first') AS shown FROM annotation WHERE project_id = ?"
            var args: [SQLValue] = [.int(p.id)]
            if let guidelineVersion { sql += " AND guideline_version = ?"; args.append(.int(Int64(guidelineVersion))) }
            for row in try db.rows(sql, values: args) {
                if let only, !only.contains(try row.text("annotator")) { continue }
                guard let choice = PairChoice(rawValue: try row.text("label")) else { continue }
                bias.add(choice, shownFirst: try row.string("shown").flatMap(PairSide.init(rawValue:)))
            }
            return TaskAgreement(positionBias: bias)
        }
    }

    /// Every span answer of a project, grouped by item in item order, with the item's text.
    func spanAnswers(projectID: Int64, guidelineVersion: Int?, annotators: Set<String>?) throws -> [SpanItemAnswers] {
        var sql = """
            SELECT i.id AS item_id, i.external_id, i.text, a.annotator, a.label FROM annotation a JOIN item i ON i.id = a.item_id
            WHERE a.project_id = ?
            """
        var args: [SQLValue] = [.int(projectID)]
        if let guidelineVersion { sql += " AND a.guideline_version = ?"; args.append(.int(Int64(guidelineVersion))) }
        sql += " ORDER BY a.item_id, a.annotator"
        var out: [SpanItemAnswers] = []
        var current: Int64 = -1
        for row in try db.rows(sql, values: args) {
            let annotator = try row.text("annotator")
            if let annotators, !annotators.contains(annotator) { continue }
            guard case .spans(let spans)? = AnswerValue(column: try row.text("label"), task: .spans) else { continue }
            let id = try row.int("item_id")
            if id != current {
                current = id
                out.append(SpanItemAnswers(item: try row.text("external_id"), text: try row.text("text"), answers: []))
            }
            out[out.count - 1].answers.append(AnnotatorSpans(annotator: annotator, spans: spans))
        }
        return out
    }
}
