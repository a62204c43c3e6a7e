import Foundation
import MeowCore

extension Workspace {
    /// The project's answers as agreement input: one rating per (item, annotator), optionally
    /// only those made under one guideline version or by some annotators. For single-label
    /// tasks the label values are the guideline's `number:`s, else the labels themselves when all
    /// are numeric, else their positions in the guideline's order (an ordinal scale, no numbers).
    public func agreementRatings(project name: String, guidelineVersion: Int? = nil, annotators: [String]? = nil) throws -> Ratings {
        let p = try project(name)
        let order = p.guideline.labels.map(\.value)
        var builder = RatingsBuilder(labels: order)
        if p.guideline.task == .classify {
            let numbers = p.guideline.labels.compactMap(\.number)
            if numbers.count == order.count {
                builder.labelValues = numbers
            } else if let values = Ratings.numericValues(of: order) {
                builder.labelValues = values
            } else {
                builder.labelValues = order.indices.map(Double.init)
                builder.labelValueKind = .order
            }
        }
        let allowed = annotators.map(Set.init)
        let renames = try labelRenames(project: name)
        try db.read {
            // No join with item: the statistics need item identity, not names, so items are
            // named by their row id (the join alone cost a B-tree lookup per answer).
            var sql = "SELECT item_id, annotator, label FROM annotation WHERE +project_id = ?"  // a table scan beats 1M index-then-row lookups
            var args: [SQLValue] = [.int(p.id)]
            if let v = guidelineVersion { sql += " AND guideline_version = ?"; args.append(.int(Int64(v))) }
            let s = try db.statement(sql)
            try s.bind(args)
            var itemCodes: [Int64: Int32] = [:]
            var annotatorCodes: [String: Int32] = [:]
            var labelCodes: [String: Int32] = [:]
            let cItem = try s.column("item_id"), cAnnotator = try s.column("annotator"), cLabel = try s.column("label")
            while try s.step() {
                let annotator = try s.text(cAnnotator)
                if let allowed, !allowed.contains(annotator) { continue }
                let itemID = try s.integer(cItem)
                let itemCode: Int32
                if let c = itemCodes[itemID] { itemCode = c } else { itemCode = builder.internItem(String(itemID)); itemCodes[itemID] = itemCode }
                let annotatorCode: Int32
                if let c = annotatorCodes[annotator] { annotatorCode = c } else { annotatorCode = builder.internAnnotator(annotator); annotatorCodes[annotator] = annotatorCode }
                let raw = try s.text(cLabel)
                let labelCode: Int32
                if let c = labelCodes[raw] { labelCode = c } else {
                    let label = renames.isEmpty ? raw : raw.split(separator: ",").map { renames[String($0)] ?? String($0) }.joined(separator: ",")
                    labelCode = builder.internLabel(label); labelCodes[raw] = labelCode
                }
                builder.append(itemCode: itemCode, annotatorCode: annotatorCode, labelCode: labelCode)
            }
        }
        if builder.labels.count > order.count { builder.labelValues = nil } // multi-label combinations have no order
        return builder.build()
    }

    /// Guideline versions of a project with how many answers each holds.
    public func guidelineVersions(project name: String) throws -> [(version: Int, hash: String, createdAt: String, annotations: Int)] {
        let p = try project(name)
        return try db.rows("""
            SELECT g.version, g.content_hash, g.created_at, (SELECT count(*) FROM annotation a WHERE a.project_id = g.project_id AND a.guideline_version = g.version) AS answers
            FROM guideline_version g WHERE g.project_id = ? ORDER BY g.version
            """, .int(p.id)).map { (Int(try $0.int("version")), try $0.text("content_hash"), try $0.text("created_at"), Int(try $0.int("answers"))) }
    }
}
