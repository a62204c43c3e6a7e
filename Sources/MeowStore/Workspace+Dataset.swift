import Foundation
import MeowCore

/// What a dataset export wrote and what it kept out.
public struct ExportReport: Sendable {
    public var split: Split
    public var rows = 0
    public var items = 0
    public var frozenSet: FrozenSet?
    /// Items kept out of training because they are in a frozen test set.
    public var excludedFrozen = 0
    /// Items kept out because their normalized text equals a frozen item's.
    public var excludedSameText = 0
    /// Items kept out because they share a frozen item's group.
    public var excludedSameGroup = 0
    /// Items without a final label (not exported).
    public var withoutFinalLabel = 0
    public var nearDuplicates: [NearDuplicate] = []
    public var warnings: [String] = []
}

extension Workspace {
    /// Exports a split (admins only), one row per item with its final label (or, `raw`, every
    /// answer), in queue order. Training data is refused while the project has no frozen test
    /// set, unless `allowNoTestSet`; it never contains a frozen item, an item whose normalized
    /// text equals a frozen item's, or one sharing a frozen item's group.
    public func exportDataset(project name: String, split: Split, frozen: String?, raw: Bool, format: ExportFormat,
                              allowNoTestSet: Bool, nearDuplicateThreshold: Double? = nil, expectedSetHash: String? = nil, by user: String,
                              sink: (inout [UInt8]) throws -> Void) throws -> ExportReport {
        let p = try project(name)
        try requireAdmin(user, project: p, to: "export")
        var report = ExportReport(split: split)
        let set = try frozenSet(project: name, named: frozen)
        report.frozenSet = set
        if set == nil {
            if split == .test || (split == .train && !allowNoTestSet) { throw StoreError.noTestSet(project: name) }
            report.warnings.append("no frozen test set yet: nothing in this export is held out for testing")
        }
        // A test export serves the frozen records only while they still are what was frozen.
        if split == .test, let set {
            let audit = try auditFrozenSet(project: name, set: set.name, expected: expectedSetHash)
            if !audit.ok { throw StoreError.frozenSetAltered(set.name, problems: audit.problems) }
        }
        return try db.read {
            // What the frozen sets hold: items, normalized texts and groups (small: test-set sized).
            var frozenItems = Set<Int64>()
            for r in try db.rows("SELECT DISTINCT f.item_id FROM frozen_record f JOIN frozen_set s ON s.id = f.set_id WHERE s.project_id = ?", .int(p.id)) { frozenItems.insert(r.int(0)) }
            var frozenNorms = Set<String>()
            for r in try db.rows("SELECT f.record FROM frozen_record f JOIN frozen_set s ON s.id = f.set_id WHERE s.project_id = ?", .int(p.id)) {
                if let obj = try? JSONSerialization.jsonObject(with: Data(r.text(0).utf8)) as? [String: Any], let t = obj["text"] as? String {
                    frozenNorms.insert(TextNormalizer.normalize(t))
                }
            }
            // Group values come from SQL (the expression freeze used), so numbers, booleans and
            // nested values compare exactly as they were frozen.
            var groupRules: [(path: String, values: Set<String>)] = []
            for s in try db.rows("SELECT id, rule FROM frozen_set WHERE project_id = ?", .int(p.id)) {
                guard let rule = try? JSONDecoder().decode(FreezeRule.self, from: Data(s.text(1).utf8)), let field = rule.groupBy else { continue }
                let values = Set(try db.rows("SELECT group_value FROM frozen_record WHERE set_id = ? AND group_value IS NOT NULL", .int(s.int(0))).map { $0.text(0) })
                groupRules.append((Workspace.groupPath(field), values))
            }
            let groupColumns = groupRules.map { _ in ", CAST(json_extract(i.metadata, ?) AS TEXT)" }.joined()
            let groupArgs: [SQLValue] = groupRules.map { .text($0.path) }
            var testIDs = Set<Int64>()
            if let set {
                let setID = try db.scalarInt("SELECT id FROM frozen_set WHERE project_id = ? AND name = ?", .int(p.id), .text(set.name))!
                for r in try db.rows("SELECT item_id FROM frozen_record WHERE set_id = ?", .int(setID)) { testIDs.insert(r.int(0)) }
            }

            var out: [UInt8] = []
            out.reserveCapacity(1 << 20)
            func flush(force: Bool = false) throws { if out.count > (force ? 0 : 1 << 20) { try sink(&out); out.removeAll(keepingCapacity: true) } }
            if format == .csv {
                let header = raw ? "item,text,annotator,label,comment,unsure,created_at,guideline_version,split\n"
                    : (split == .test ? "item,text,label,decision,content_hash,guideline_version\n" : "item,text,label,decision,confidence,split\n")
                out.append(contentsOf: Array(header.utf8))
            }
            var trainNear: [(id: String, text: String)] = []
            var testNear: [(id: String, text: String)] = []

            // The test split: exactly the frozen records, byte for byte.
            if split == .test, let set {
                let setID = try db.scalarInt("SELECT id FROM frozen_set WHERE project_id = ? AND name = ?", .int(p.id), .text(set.name))!
                for r in try db.rows("SELECT external_id, record, item_id FROM frozen_record WHERE set_id = ? ORDER BY external_id", .int(setID)) where !raw {
                    report.items += 1
                    if format == .jsonl {
                        out.append(contentsOf: Array(r.text(1).utf8)); out.append(0x0A); report.rows += 1
                    } else {
                        let obj = (try? JSONSerialization.jsonObject(with: Data(r.text(1).utf8)) as? [String: Any]) ?? [:]
                        let fields = [r.text(0), obj["text"] as? String ?? "", obj["label"] as? String ?? "", obj["decision"] as? String ?? "",
                                      obj["content_hash"] as? String ?? "", String(obj["guideline_version"] as? Int ?? 0)]
                        CSVText.appendRow(fields, to: &out); report.rows += 1
                    }
                    try flush()
                }
                if !raw {
                    try flush(force: true)
                    return report
                }
            }

            let rule = LeakageRule(frozenItems: frozenItems, testItems: testIDs, frozenTexts: frozenNorms, frozenGroups: groupRules.map(\.values))
            // Which side of the split an item falls on (the core's rule), counting what is kept out.
            func side(_ id: Int64, _ text: String, _ groups: [String?], _ label: String?) -> String? {
                let placement = rule.place(item: id, text: text, groups: groups, hasFinalLabel: label != nil, split: split, raw: raw)
                let rowSplit = LeakageRule.rowSplit(placement, in: split)
                switch placement {
                case .withoutFinalLabel: report.withoutFinalLabel += 1
                case .frozen, .test: if split == .train { report.excludedFrozen += 1 }
                case .sameTextAsFrozen: if split == .train { report.excludedSameText += 1 }
                case .sameGroupAsFrozen: if split == .train { report.excludedSameGroup += 1 }
                case .train, .notInSplit: break
                }
                if rowSplit != nil { report.items += 1 }
                return rowSplit
            }

            if raw {
                // Every answer in one streaming pass (a query per item was a quarter of the time).
                let s = try db.statement("""
                    SELECT i.id, i.external_id, i.text, i.metadata, f.label, a.annotator, a.label, a.comment, a.unsure, a.created_at, a.guideline_version\(groupColumns)
                    FROM annotation a JOIN item i ON i.id = a.item_id LEFT JOIN final_label f ON f.item_id = i.id
                    WHERE a.project_id = ? ORDER BY i.qkey, a.annotator
                    """)
                try s.bind(groupArgs + [.int(p.id)])
                var current: Int64 = -1
                var currentSide: String?
                while try s.step() {
                    let id = s.int64(0)
                    if id != current {
                        current = id
                        let groups = groupRules.indices.map { k in s.isNull(Int32(11 + k)) ? nil : s.string(Int32(11 + k)) }
                        currentSide = side(id, s.string(2) ?? "", groups, s.isNull(4) ? nil : s.string(4))
                    }
                    guard let rowSplit = currentSide else { continue }
                    let ext = s.string(1) ?? "", text = s.string(2) ?? ""
                    if format == .jsonl {
                        var line = "{\"item\":\(JSONText.quoted(ext)),\"text\":\(JSONText.quoted(text)),\"annotator\":\(JSONText.quoted(s.string(5) ?? "")),\"label\":\(JSONText.quoted(s.string(6) ?? ""))"
                        line += ",\"comment\":\(s.isNull(7) ? "null" : JSONText.quoted(s.string(7) ?? "")),\"unsure\":\(s.int64(8) != 0),\"created_at\":\(JSONText.quoted(s.string(9) ?? "")),\"guideline_version\":\(s.int64(10)),\"split\":\(JSONText.quoted(rowSplit))"
                        if !s.isNull(3), let m = s.string(3) { line += ",\"metadata\":" + m }
                        out.append(contentsOf: Array((line + "}\n").utf8))
                    } else {
                        CSVText.appendRow([ext, text, s.string(5) ?? "", s.string(6) ?? "", s.isNull(7) ? "" : (s.string(7) ?? ""), s.int64(8) != 0 ? "true" : "false",
                                           s.string(9) ?? "", String(s.int64(10)), rowSplit], to: &out)
                    }
                    report.rows += 1
                    try flush()
                }
                try flush(force: true)
                return report
            }

            // Train and all: every item with a final label, in queue order.
            let s = try db.statement("""
                SELECT i.id, i.external_id, i.text, i.metadata, f.label, f.decision, f.confidence\(groupColumns)
                FROM item i LEFT JOIN final_label f ON f.item_id = i.id
                WHERE i.project_id = ? ORDER BY i.qkey
                """)
            try s.bind(groupArgs + [.int(p.id)])
            while try s.step() {
                let id = s.int64(0), ext = s.string(1) ?? "", text = s.string(2) ?? ""
                let metadata = s.isNull(3) ? nil : s.string(3), label = s.isNull(4) ? nil : s.string(4)
                let groups = groupRules.indices.map { k in s.isNull(Int32(7 + k)) ? nil : s.string(Int32(7 + k)) }
                guard let rowSplit = side(id, text, groups, label), let label else { continue }
                if nearDuplicateThreshold != nil, rowSplit == "train" { trainNear.append((ext, text)) }
                let decision = s.isNull(5) ? nil : s.string(5), confidence = s.double(6)
                if format == .jsonl {
                    var line = "{\"item\":" + JSONText.quoted(ext) + ",\"text\":" + JSONText.quoted(text) + ",\"label\":" + JSONText.quoted(label)
                    line += ",\"decision\":" + (decision.map(JSONText.quoted) ?? "null") + ",\"confidence\":" + String(confidence)
                    if split == .all { line += ",\"split\":" + JSONText.quoted(rowSplit) }
                    if let metadata { line += ",\"metadata\":" + metadata }
                    out.append(contentsOf: Array((line + "}\n").utf8)); report.rows += 1
                } else {
                    CSVText.appendRow([ext, text, label, decision ?? "", String(confidence), rowSplit], to: &out); report.rows += 1
                }
                try flush()
            }
            try flush(force: true)
            if let threshold = nearDuplicateThreshold, !frozenItems.isEmpty {
                for r in try db.rows("SELECT i.external_id, i.text FROM item i WHERE i.project_id = ? AND i.id IN (SELECT item_id FROM frozen_record)", .int(p.id)) {
                    testNear.append((r.text(0), r.text(1)))
                }
                report.nearDuplicates = MeowCore.nearDuplicates(train: trainNear, test: testNear, threshold: threshold)
            }
            return report
        }
    }
}

extension CSVText {
    static func appendRow(_ fields: [String], to out: inout [UInt8]) {
        for (i, f) in fields.enumerated() {
            if i > 0 { out.append(0x2C) }
            var s = f
            s.withUTF8 { appendField(UnsafeRawBufferPointer($0), to: &out) }
        }
        out.append(0x0A)
    }
}
