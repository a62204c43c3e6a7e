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
    /// `conll`: spans widened to whole tokens (their edges were inside a token).
    public var widenedSpans = 0
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
        // The task formats hold final values only, of their own task.
        if format == .conll || format == .pairs {
            let needs: Guideline.Task = format == .conll ? .spans : .compare
            if p.guideline.task != needs {
                throw StoreError.incompatibleGuideline("--format \(format.rawValue) is for \(needs.rawValue) projects; '\(name)' is a \(p.guideline.task.rawValue) project")
            }
            if raw { throw StoreError.incompatibleGuideline("--format \(format.rawValue) writes final values; --raw exports every answer as jsonl or csv") }
        }
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
        return try withoutActuallyEscaping(sink) { sink in try db.read {
            let frozen = try loadFrozenSide(p, testSet: set)
            var out = ExportBuffer(format: format, sink: sink)
            out.header(raw ? "item,text,annotator,label,comment,unsure,created_at,guideline_version,split"
                           : (split == .test ? "item,text,label,decision,content_hash,guideline_version" : "item,text,label,decision,confidence,split"))

            // The test split: exactly the frozen records, byte for byte.
            if split == .test, let set, !raw {
                try writeTestRecords(p, set: set, to: &out, report: &report)
                try out.flush(force: true)
                return report
            }

            if raw {
                try writeAnswers(p, frozen: frozen, split: split, to: &out, report: &report)
            } else {
                let trainNear = try writeItems(p, frozen: frozen, split: split, keepTrainTexts: nearDuplicateThreshold != nil,
                                               to: &out, report: &report)
                if let threshold = nearDuplicateThreshold, !frozen.rule.frozenItems.isEmpty {
                    let testNear = try db.rows("SELECT i.external_id, i.text FROM item i WHERE i.project_id = ? AND i.id IN (SELECT item_id FROM frozen_record)", .int(p.id))
                        .map { (id: try $0.text("external_id"), text: try $0.text("text")) }
                    report.nearDuplicates = MeowCore.nearDuplicates(train: trainNear, test: testNear, threshold: threshold)
                }
            }
            try out.flush(force: true)
            return report
        } }
    }

    /// What the frozen sets hold, loaded for the leakage rule: items, normalized texts and
    /// group values (small: test-set sized), and the SQL expressions that read an item's groups.
    struct FrozenSide {
        var rule: LeakageRule
        /// `jsonText(i.metadata, ?)` per group rule, and its bound paths.
        var groupColumns: String
        var groupArgs: [SQLValue]
    }

    func loadFrozenSide(_ p: Project, testSet: FrozenSet?) throws -> FrozenSide {
        let frozenItems = Set(try db.rows("SELECT DISTINCT f.item_id FROM frozen_record f JOIN frozen_set s ON s.id = f.set_id WHERE s.project_id = ?", .int(p.id)).map { try $0.int("item_id") })
        var frozenNorms = Set<String>()
        for r in try db.rows("SELECT f.record FROM frozen_record f JOIN frozen_set s ON s.id = f.set_id WHERE s.project_id = ?", .int(p.id)) {
            if let obj = try? JSONSerialization.jsonObject(with: Data(r.text("record").utf8)) as? [String: Any], let t = obj["text"] as? String {
                frozenNorms.insert(TextNormalizer.normalize(t))
            }
        }
        // Group values come from SQL (the expression freeze used), so numbers, booleans and
        // nested values compare exactly as they were frozen.
        var groupRules: [(path: String, values: Set<String>)] = []
        for s in try db.rows("SELECT id, rule FROM frozen_set WHERE project_id = ?", .int(p.id)) {
            guard let rule = try? JSONDecoder().decode(FreezeRule.self, from: Data(s.text("rule").utf8)), let field = rule.groupBy else { continue }
            let values = Set(try db.rows("SELECT group_value FROM frozen_record WHERE set_id = ? AND group_value IS NOT NULL", .int(s.int("id"))).map { try $0.text("group_value") })
            groupRules.append((Workspace.groupPath(field), values))
        }
        var testIDs = Set<Int64>()
        if let testSet {
            guard let setID = try db.scalarInt("SELECT id FROM frozen_set WHERE project_id = ? AND name = ?", .int(p.id), .text(testSet.name)) else {
                throw StoreError.unknownFrozenSet(testSet.name, known: try frozenSetNames(p))
            }
            for r in try db.rows("SELECT item_id FROM frozen_record WHERE set_id = ?", .int(setID)) { testIDs.insert(try r.int("item_id")) }
        }
        return FrozenSide(rule: LeakageRule(frozenItems: frozenItems, testItems: testIDs, frozenTexts: frozenNorms, frozenGroups: groupRules.map(\.values)),
                          groupColumns: groupRules.indices.map { ", \(db.jsonText("i.metadata", path: "?")) AS group_\($0)" }.joined(),
                          groupArgs: groupRules.map { .text($0.path) })
    }

    /// The frozen records of the test set, as stored (JSONL: byte for byte).
    func writeTestRecords(_ p: Project, set: FrozenSet, to out: inout ExportBuffer, report: inout ExportReport) throws {
        guard let setID = try db.scalarInt("SELECT id FROM frozen_set WHERE project_id = ? AND name = ?", .int(p.id), .text(set.name)) else {
            throw StoreError.unknownFrozenSet(set.name, known: try frozenSetNames(p))
        }
        for r in try db.rows("SELECT external_id, record, item_id FROM frozen_record WHERE set_id = ? ORDER BY external_id", .int(setID)) {
            report.items += 1
            if out.format == .jsonl {
                out.bytes.append(contentsOf: Array(try r.text("record").utf8)); out.bytes.append(0x0A)
            } else if out.format == .conll || out.format == .pairs {
                let obj = (try? JSONSerialization.jsonObject(with: Data(r.text("record").utf8)) as? [String: Any]) ?? [:]
                let text = obj["text"] as? String ?? "", label = obj["label"] as? String ?? ""
                guard let line = Self.taskLine(out.format, item: try r.text("external_id"), text: text, label: label, widened: &report.widenedSpans) else { continue }
                out.bytes.append(contentsOf: Array(line.utf8))
            } else {
                let obj = (try? JSONSerialization.jsonObject(with: Data(r.text("record").utf8)) as? [String: Any]) ?? [:]
                CSVText.appendRow([try r.text("external_id"), obj["text"] as? String ?? "", obj["label"] as? String ?? "", obj["decision"] as? String ?? "",
                                   obj["content_hash"] as? String ?? "", String(obj["guideline_version"] as? Int ?? 0)], to: &out.bytes)
            }
            report.rows += 1
            try out.flush()
        }
    }

    /// Every answer, in one streaming pass (a query per item was a quarter of the time).
    func writeAnswers(_ p: Project, frozen: FrozenSide, split: Split, to out: inout ExportBuffer, report: inout ExportReport) throws {
        let s = try db.streaming("""
            SELECT i.id, i.external_id, i.text, i.metadata, f.label AS final_label, a.annotator, a.label, a.value, a.comment, a.unsure, a.created_at,
                   a.guideline_version\(frozen.groupColumns)
            FROM annotation a JOIN item i ON i.id = a.item_id LEFT JOIN final_label f ON f.item_id = i.id
            WHERE a.project_id = ? ORDER BY i.qkey, a.annotator
            """)
        try s.bind(frozen.groupArgs + [.int(p.id)])
        let cID = try s.column("id"), cExt = try s.column("external_id"), cText = try s.column("text"), cMeta = try s.column("metadata")
        let cFinal = try s.column("final_label"), cAnnotator = try s.column("annotator"), cLabel = try s.column("label"), cValue = try s.column("value")
        let task = p.guideline.task
        let cComment = try s.column("comment"), cUnsure = try s.column("unsure"), cCreated = try s.column("created_at"), cVersion = try s.column("guideline_version")
        let cGroups = try frozen.rule.frozenGroups.indices.map { try s.column("group_\($0)") }
        var current: Int64 = -1
        var currentSide: String?
        while try s.step() {
            let id = try s.integer(cID)
            if id != current {
                current = id
                let groups = cGroups.map { s.string($0) }
                currentSide = report.place(id, text: try s.text(cText), groups: groups, hasFinalLabel: !s.isNull(cFinal), rule: frozen.rule, split: split, raw: true)
            }
            guard let rowSplit = currentSide else { continue }
            let ext = try s.text(cExt), text = try s.text(cText)
            let annotator = try s.text(cAnnotator), label = try s.text(cLabel), comment = s.string(cComment)
            let unsure = try s.integer(cUnsure) != 0, created = try s.text(cCreated), version = try s.integer(cVersion)
            if out.format == .jsonl {
                var line = "{\"item\":\(JSONText.quoted(ext)),\"text\":\(JSONText.quoted(text)),\"annotator\":\(JSONText.quoted(annotator)),\"label\":\(JSONText.quoted(label))"
                line += TaskExport.jsonFields(task: task, column: label, valueJSON: s.string(cValue), text: text)
                line += ",\"comment\":\(comment.map(JSONText.quoted) ?? "null"),\"unsure\":\(unsure),\"created_at\":\(JSONText.quoted(created)),\"guideline_version\":\(version),\"split\":\(JSONText.quoted(rowSplit))"
                if let m = s.string(cMeta) { line += ",\"metadata\":" + JSONText.escapingC1(m) }
                out.bytes.append(contentsOf: Array((line + "}\n").utf8))
            } else {
                CSVText.appendRow([ext, text, annotator, label, comment ?? "", unsure ? "true" : "false", created, String(version), rowSplit], to: &out.bytes)
            }
            report.rows += 1
            try out.flush()
        }
    }

    /// Train and all: every item with a final label, in queue order. Returns the train items'
    /// texts when asked (for the near-duplicate report).
    func writeItems(_ p: Project, frozen: FrozenSide, split: Split, keepTrainTexts: Bool, to out: inout ExportBuffer,
                    report: inout ExportReport) throws -> [(id: String, text: String)] {
        var trainTexts: [(id: String, text: String)] = []
        let s = try db.streaming("""
            SELECT i.id, i.external_id, i.text, i.metadata, f.label, f.decision, f.confidence\(frozen.groupColumns)
            FROM item i LEFT JOIN final_label f ON f.item_id = i.id
            WHERE i.project_id = ? ORDER BY i.qkey
            """)
        try s.bind(frozen.groupArgs + [.int(p.id)])
        let cID = try s.column("id"), cExt = try s.column("external_id"), cText = try s.column("text"), cMeta = try s.column("metadata")
        let cLabel = try s.column("label"), cDecision = try s.column("decision"), cConfidence = try s.column("confidence")
        let cGroups = try frozen.rule.frozenGroups.indices.map { try s.column("group_\($0)") }
        while try s.step() {
            let id = try s.integer(cID), ext = try s.text(cExt), text = try s.text(cText)
            let metadata = s.string(cMeta), label = s.string(cLabel)
            let groups = cGroups.map { s.string($0) }
            guard let rowSplit = report.place(id, text: text, groups: groups, hasFinalLabel: label != nil, rule: frozen.rule, split: split, raw: false),
                  let label else { continue }
            if keepTrainTexts, rowSplit == "train" { trainTexts.append((ext, text)) }
            let decision = s.string(cDecision), confidence = s.double(cConfidence)
            if out.format == .jsonl {
                var line = "{\"item\":" + JSONText.quoted(ext) + ",\"text\":" + JSONText.quoted(text) + ",\"label\":" + JSONText.quoted(label)
                line += TaskExport.jsonFields(task: p.guideline.task, column: label, text: text)
                line += ",\"decision\":" + (decision.map(JSONText.quoted) ?? "null") + ",\"confidence\":" + String(confidence)
                if split == .all { line += ",\"split\":" + JSONText.quoted(rowSplit) }
                if let metadata { line += ",\"metadata\":" + JSONText.escapingC1(metadata) }
                out.bytes.append(contentsOf: Array((line + "}\n").utf8))
            } else if out.format == .conll || out.format == .pairs {
                guard let line = Self.taskLine(out.format, item: ext, text: text, label: label, widened: &report.widenedSpans) else { continue }
                out.bytes.append(contentsOf: Array(line.utf8))
            } else {
                CSVText.appendRow([ext, text, label, decision ?? "", String(confidence), rowSplit], to: &out.bytes)
            }
            report.rows += 1
            try out.flush()
        }
        return trainTexts
    }
}

extension Workspace {
    /// An item's final value in a task format: its CoNLL lines, or its preference pair (nil:
    /// not a decisive choice, left out of a pairs export).
    static func taskLine(_ format: ExportFormat, item: String, text: String, label: String, widened: inout Int) -> String? {
        switch format {
        case .conll:
            guard case .spans(let spans)? = AnswerValue(column: label, task: .spans) else { return nil }
            widened += TaskExport.widened(text: text, spans: spans)
            return TaskExport.conll(text: text, spans: spans)
        case .pairs: return TaskExport.pair(item: item, text: text, choice: label)
        case .jsonl, .csv: return nil
        }
    }
}

/// Export bytes gathered into blocks of about a megabyte before they go to the sink.
struct ExportBuffer {
    let format: ExportFormat
    let sink: (inout [UInt8]) throws -> Void
    var bytes: [UInt8] = []

    init(format: ExportFormat, sink: @escaping (inout [UInt8]) throws -> Void) {
        self.format = format
        self.sink = sink
        bytes.reserveCapacity(1 << 20)
    }

    /// The CSV header (JSONL has none).
    mutating func header(_ columns: String) {
        if format == .csv { bytes.append(contentsOf: Array((columns + "\n").utf8)) }
    }

    mutating func flush(force: Bool = false) throws {
        if bytes.count > (force ? 0 : 1 << 20) { try sink(&bytes); bytes.removeAll(keepingCapacity: true) }
    }
}

extension ExportReport {
    /// Places an item with the core's leakage rule, counts what that keeps out, and returns the
    /// row's split column (nil: not in this export).
    mutating func place(_ id: Int64, text: String, groups: [String?], hasFinalLabel: Bool, rule: LeakageRule, split: Split, raw: Bool) -> String? {
        let placement = rule.place(item: id, text: text, groups: groups, hasFinalLabel: hasFinalLabel, split: split, raw: raw)
        count(placement, in: split)
        return LeakageRule.rowSplit(placement, in: split)
    }

    /// Counts what an item's placement keeps out of an export of `split`.
    mutating func count(_ placement: LeakageRule.Placement, in split: Split) {
        switch placement {
        case .withoutFinalLabel: withoutFinalLabel += 1
        case .frozen, .test: if split == .train { excludedFrozen += 1 }
        case .sameTextAsFrozen: if split == .train { excludedSameText += 1 }
        case .sameGroupAsFrozen: if split == .train { excludedSameGroup += 1 }
        case .train, .notInSplit: break
        }
        if LeakageRule.rowSplit(placement, in: split) != nil { items += 1 }
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
