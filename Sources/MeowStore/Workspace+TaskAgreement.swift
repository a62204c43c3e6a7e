import Foundation
import MeowCore

extension Workspace {
    /// The agreement sections a project's task adds to `agreementRatings`'s report (spans,
    /// comparisons, multi-label), under the same filters. `ratings` is that report's input
    /// (multi-label agreement splits its label sets).
    public func taskAgreement(project name: String, guidelineVersion: Int? = nil, annotators: [String]? = nil, ratings: Ratings) throws -> TaskAgreement {
        let p = try project(name)
        var task = try taskSections(p, guidelineVersion: guidelineVersion, annotators: annotators, ratings: ratings)
        task.model = try modelAgreement(p, guidelineVersion: guidelineVersion, annotators: annotators.map(Set.init))
        return task
    }

    private func taskSections(_ p: Project, guidelineVersion: Int?, annotators: [String]?, ratings: Ratings) throws -> TaskAgreement {
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
            var sql = "SELECT annotator, label, \(db.jsonText("value", path: "'$.shown_first'")) AS shown FROM annotation WHERE project_id = ?"
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
    /// One statement stepped row by row, each label column parsed from its bytes, label names
    /// shared (reading 300,000 answers as rows and strings was most of `meow agreement`).
    func spanAnswers(projectID: Int64, guidelineVersion: Int?, annotators: Set<String>?) throws -> [SpanItemAnswers] {
        var sql = """
            SELECT a.item_id, i.external_id, i.text, a.annotator, a.label FROM annotation a JOIN item i ON i.id = a.item_id
            WHERE a.project_id = ?
            """
        var args: [SQLValue] = [.int(projectID)]
        if let guidelineVersion { sql += " AND a.guideline_version = ?"; args.append(.int(Int64(guidelineVersion))) }
        sql += " ORDER BY a.item_id"
        let s = try db.streaming(sql)
        try s.bind(args)
        let cItem = try s.column("item_id"), cExt = try s.column("external_id"), cText = try s.column("text")
        let cAnnotator = try s.column("annotator"), cLabel = try s.column("label")
        var out: [SpanItemAnswers] = []
        var current: Int64 = -1
        var labels = SpanLabelNames()
        var names = SpanLabelNames()  // annotator names: a few, made once each
        while try s.step() {
            let annotator = s.withTextBytes(cAnnotator) { names.name($0) }
            if let annotators, !annotators.contains(annotator) { continue }
            guard let spans = s.withTextBytes(cLabel, { labels.spans(in: $0) }) else { continue }
            let id = try s.integer(cItem)
            if id != current {
                current = id
                out.append(SpanItemAnswers(item: try s.text(cExt), text: try s.text(cText), answers: []))
            }
            out[out.count - 1].answers.append(AnnotatorSpans(annotator: annotator, spans: spans))
        }
        return out
    }
}

/// Parses label columns (`start:end:label,…`) from bytes, making each label's `String` once.
struct SpanLabelNames {
    private var known: [(bytes: [UInt8], name: String)] = []
    private var lastHit: Int?

    /// The string of these bytes, made once for the first 256 distinct ones.
    mutating func name(_ bytes: UnsafeRawBufferPointer) -> String {
        // Most recent first: rows come grouped, so the last name found is usually the next.
        if let last = lastHit, known[last].bytes.count == bytes.count, known[last].bytes.elementsEqual(bytes) { return known[last].name }
        for (i, k) in known.enumerated() where k.bytes.count == bytes.count && k.bytes.elementsEqual(bytes) { lastHit = i; return k.name }
        let name = String(decoding: bytes, as: UTF8.self)
        if known.count < 256 { known.append((Array(bytes), name)) }
        return name
    }

    /// The spans in canonical order; nil when the column is not a spans column.
    mutating func spans(in column: UnsafeRawBufferPointer) -> [Span]? {
        var spans: [Span] = []
        var i = 0
        let n = column.count
        while i < n {
            var numbers = [0, 0]
            for k in 0..<2 {
                let start = i
                while i < n, column[i] >= 0x30, column[i] <= 0x39 { numbers[k] = numbers[k] &* 10 &+ Int(column[i] - 0x30); i += 1 }
                guard i > start, i - start <= 12, i < n, column[i] == 0x3A else { return nil }
                i += 1
            }
            let labelStart = i
            while i < n, column[i] != 0x2C { i += 1 }
            guard i > labelStart else { return nil }
            spans.append(Span(start: numbers[0], end: numbers[1], label: name(UnsafeRawBufferPointer(rebasing: column[labelStart..<i]))))
            i += 1  // the comma
        }
        return spans.isSorted ? spans : spans.sorted()
    }
}
