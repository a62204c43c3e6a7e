import Foundation
import MeowCore

/// A frozen test set as stored: its manifest and records.
public struct FrozenSet: Sendable {
    public var name: String
    public var createdAt: String
    public var createdBy: String
    public var setHash: String
    /// The manifest JSON (also written beside every test export).
    public var manifest: String
    public var count: Int
    public var rule: FreezeRule
}

extension Workspace {
    /// Freezes a test set (admins only): picks items with final labels by `rule`, snapshots each
    /// record with its SHA-256, and stores the set. From then on the database refuses any change
    /// to those records, items, answers and final labels, and the queue never serves them.
    public func freeze(project name: String, setName: String, rule: FreezeRule, by user: String) throws -> FrozenSet {
        let p = try project(name)
        try requireAdmin(user, project: p, to: "freeze a test set")
        guard !setName.isEmpty, setName.allSatisfy({ $0.isLetter || $0.isNumber || "-_.".contains($0) }) else {
            throw StoreError.incompatibleGuideline("a frozen set's name may use letters, digits, '-', '_' and '.'")
        }
        if try db.scalarInt("SELECT 1 FROM frozen_set WHERE project_id = ? AND name = ?", .int(p.id), .text(setName)) != nil {
            throw StoreError.frozenSetExists(setName)
        }
        return try db.write { tx in
            // Candidates: items with a resolved final label.
            var groupSQL = "NULL"
            var args: [SQLValue] = [.int(p.id)]
            if let field = rule.groupBy {
                // The same expression the exports use: any JSON value, as text.
                groupSQL = db.jsonText("i.metadata", path: "?")
                args.insert(.text(Workspace.groupPath(field)), at: 0)
            }
            let rows = try db.rows("""
                SELECT i.id, i.external_id, i.text, i.metadata, f.label, f.decision, \(groupSQL) AS group_value,
                       (SELECT count(*) FROM annotation a WHERE a.item_id = i.id) AS answers,
                       (SELECT count(*) FROM annotation a WHERE a.item_id = i.id AND a.label = f.label) AS agreeing
                FROM item i JOIN final_label f ON f.item_id = i.id
                WHERE i.project_id = ? AND f.label IS NOT NULL
                """, values: args)
            var byID: [String: Row] = [:]
            var candidates: [FreezeCandidate] = []
            for r in rows {
                let total = try r.int("answers"), agree = try r.int("agreeing")
                let group: String? = rule.groupBy == nil ? nil : (try r.string("group_value") ?? "")
                candidates.append(FreezeCandidate(item: try r.text("external_id"), label: try r.text("label"), group: group == "" ? nil : group,
                                                  agreement: total > 0 ? Double(agree) / Double(total) : 0))
                byID[try r.text("external_id")] = r
            }
            let picked: [String]
            do { picked = try selectTestSet(candidates, rule: rule) }
            catch { throw StoreError.freezeRefused("\(error)") }
            guard !picked.isEmpty else { throw StoreError.freezeRefused("the rule selects no item (size 0)") }

            var hashes: [String: String] = [:]
            var labelCounts: [String: Int] = [:]
            var builder = RatingsBuilder()
            var records: [(Int64, String, String, String, String, String?)] = []
            for id in picked {
                guard let r = byID[id] else { continue }
                let itemID = try r.int("id")
                let answers = try db.rows("SELECT annotator, label, comment, guideline_version FROM annotation WHERE item_id = ? ORDER BY annotator", .int(itemID))
                for a in answers { builder.append(item: id, annotator: try a.text("annotator"), label: try a.text("label")) }
                let group = rule.groupBy == nil ? nil : try r.string("group_value")
                let record = FrozenRecord(item: id, text: try r.text("text"), label: try r.text("label"), decision: try r.string("decision") ?? "majority",
                                          answers: try answers.map { .init(annotator: try $0.text("annotator"), label: try $0.text("label"), comment: try $0.string("comment"), guidelineVersion: Int(try $0.int("guideline_version"))) },
                                          guidelineVersion: p.guidelineVersion, group: group, metadata: try r.string("metadata"))
                hashes[id] = record.hash
                labelCounts[record.label, default: 0] += 1
                records.append((itemID, id, record.json, record.hash, SHA256.hex(TextNormalizer.normalize(record.text)), group))
            }
            let setHash = frozenSetHash(hashes)
            let ratings = builder.build()
            let manifest = FreezeManifest(name: setName, project: p.name, createdAt: Workspace.now(), createdBy: user, rule: rule,
                                          guidelineVersion: p.guidelineVersion, count: picked.count, labelCounts: labelCounts,
                                          percentAgreement: ratings.percentAgreement(), krippendorffAlpha: ratings.krippendorffAlpha(level: .nominal),
                                          recordHashes: hashes, setHash: setHash)
            let manifestJSON = try manifest.json()
            let ruleJSON = String(decoding: try JSONEncoder().encode(rule), as: UTF8.self)
            let setID = try db.insertReturningID("INSERT INTO frozen_set(project_id, name, created_at, created_by, rule, set_hash, manifest) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       .int(p.id), .text(setName), .text(manifest.createdAt), .text(user), .text(ruleJSON), .text(setHash), .text(manifestJSON))
            for (itemID, ext, json, hash, norm, group) in records {
                // Out of the queue for good: no open room, no live claims.
                try db.run("DELETE FROM claim WHERE item_id = ?", .int(itemID))
                try db.run("UPDATE item SET need = done_count WHERE id = ? AND need > done_count", .int(itemID))
                try db.run("INSERT INTO frozen_record(set_id, item_id, external_id, record, record_hash, norm_hash, group_value) VALUES (?, ?, ?, ?, ?, ?, ?)",
                           .int(setID), .int(itemID), .text(ext), .text(json), .text(hash), .text(norm), .of(group))
            }
            try db.resetProgressCounters(project: p.id)
            try db.run("""
                UPDATE project SET answers_needed = (SELECT coalesce(sum(need), 0) FROM item WHERE project_id = ?1),
                                   answers_done = (SELECT coalesce(sum(CASE WHEN done_count < need THEN done_count ELSE need END), 0) FROM item WHERE project_id = ?1) WHERE id = ?1
                """, .int(p.id))
            return FrozenSet(name: setName, createdAt: manifest.createdAt, createdBy: user, setHash: setHash, manifest: manifestJSON, count: picked.count, rule: rule)
        }
    }

    /// A frozen set by name, or the newest when `name` is nil.
    public func frozenSet(project name: String, named setName: String?) throws -> FrozenSet? {
        let p = try project(name)
        let r: Row?
        if let setName {
            r = try db.row("SELECT name, created_at, created_by, set_hash, manifest, rule, (SELECT count(*) FROM frozen_record WHERE set_id = frozen_set.id) AS records FROM frozen_set WHERE project_id = ? AND name = ?", .int(p.id), .text(setName))
            if r == nil { throw StoreError.unknownFrozenSet(setName, known: try frozenSetNames(p)) }
        } else {
            r = try db.row("SELECT name, created_at, created_by, set_hash, manifest, rule, (SELECT count(*) FROM frozen_record WHERE set_id = frozen_set.id) AS records FROM frozen_set WHERE project_id = ? ORDER BY id DESC LIMIT 1", .int(p.id))
        }
        guard let r else { return nil }
        let rule = (try? JSONDecoder().decode(FreezeRule.self, from: Data(r.text("rule").utf8))) ?? FreezeRule()
        return FrozenSet(name: try r.text("name"), createdAt: try r.text("created_at"), createdBy: try r.text("created_by"), setHash: try r.text("set_hash"), manifest: try r.text("manifest"), count: Int(try r.int("records")), rule: rule)
    }

    /// The JSON path of a `--group-by` field.
    static func groupPath(_ field: String) -> String { "$.\"" + field.replacingOccurrences(of: "\"", with: "") + "\"" }

    func frozenSetNames(_ p: Project) throws -> [String] {
        try db.rows("SELECT name FROM frozen_set WHERE project_id = ? ORDER BY id", .int(p.id)).map { try $0.text("name") }
    }

    /// The record hashes of a frozen set, by item.
    public func frozenRecordHashes(project name: String, set setName: String) throws -> [String: String] {
        let p = try project(name)
        guard let setID = try db.scalarInt("SELECT id FROM frozen_set WHERE project_id = ? AND name = ?", .int(p.id), .text(setName)) else {
            throw StoreError.unknownFrozenSet(setName, known: try frozenSetNames(p))
        }
        var out: [String: String] = [:]
        for r in try db.rows("SELECT external_id, record_hash FROM frozen_record WHERE set_id = ?", .int(setID)) { out[try r.text("external_id")] = try r.text("record_hash") }
        return out
    }

    /// The records of a frozen set (text and final label as frozen, and every answer), for
    /// baselines and evaluations.
    public func frozenRecords(project name: String, set setName: String) throws -> [(item: String, label: String, text: String, answers: [(annotator: String, label: String)])] {
        let p = try project(name)
        guard let setID = try db.scalarInt("SELECT id FROM frozen_set WHERE project_id = ? AND name = ?", .int(p.id), .text(setName)) else {
            throw StoreError.unknownFrozenSet(setName, known: try frozenSetNames(p))
        }
        return try db.rows("SELECT record FROM frozen_record WHERE set_id = ? ORDER BY external_id", .int(setID)).compactMap { r in
            guard let obj = try? JSONSerialization.jsonObject(with: Data(r.text("record").utf8)) as? [String: Any],
                  let item = obj["item"] as? String, let label = obj["label"] as? String,
                  let text = obj["text"] as? String else { return nil }
            let answers = (obj["annotations"] as? [[String: Any]] ?? []).compactMap { a -> (String, String)? in
                guard let who = a["annotator"] as? String, let l = a["label"] as? String else { return nil }
                return (who, l)
            }
            return (item, label, text, answers)
        }
    }
}

/// The manifest written with a frozen set and beside each test export.
public struct FreezeManifest: Sendable, Codable {
    public var name: String
    public var project: String
    public var createdAt: String
    public var createdBy: String
    public var rule: FreezeRule
    public var guidelineVersion: Int
    public var count: Int
    public var labelCounts: [String: Int]
    public var percentAgreement: Double?
    public var krippendorffAlpha: Double?
    public var recordHashes: [String: String]
    public var setHash: String

    // Explicit keys: a key strategy would also rewrite item ids and labels used as dictionary keys.
    enum CodingKeys: String, CodingKey {
        case name, project, rule, count
        case createdAt = "created_at", createdBy = "created_by", guidelineVersion = "guideline_version"
        case labelCounts = "label_counts", percentAgreement = "percent_agreement", krippendorffAlpha = "krippendorff_alpha"
        case recordHashes = "record_hashes", setHash = "set_hash"
    }

    public static func decode(_ json: String) -> FreezeManifest? {
        try? JSONDecoder().decode(FreezeManifest.self, from: Data(json.utf8))
    }

    func json() throws -> String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .prettyPrinted]
        return String(decoding: try enc.encode(self), as: UTF8.self)
    }
}

extension Workspace {
    /// Checks a frozen set against its own hashes, its manifest and the items as they are now
    /// (see `FrozenSetAudit`); `expected` is a set hash recorded outside the workspace.
    public func auditFrozenSet(project name: String, set setName: String, expected: String? = nil) throws -> FrozenSetAudit {
        let p = try project(name)
        return try db.read { try auditFrozenSet(p, set: setName, expected: expected) }
    }

    /// The audit inside the caller's transaction (a migration checks its copy before commit).
    func auditFrozenSet(_ p: Project, set setName: String, expected: String? = nil) throws -> FrozenSetAudit {
        do {
            guard let s = try db.row("SELECT id, set_hash, manifest FROM frozen_set WHERE project_id = ? AND name = ?", .int(p.id), .text(setName)) else {
                throw StoreError.unknownFrozenSet(setName, known: try frozenSetNames(p))
            }
            let rows = try db.rows("""
                SELECT f.external_id, f.record, f.record_hash, i.text FROM frozen_record f LEFT JOIN item i ON i.id = f.item_id
                WHERE f.set_id = ? ORDER BY f.external_id
                """, .int(s.int("id")))
            let records = try rows.map { r in
                FrozenSetAudit.Record(item: try r.text("external_id"), record: try r.text("record"), storedHash: try r.text("record_hash"), currentItemTextHash: try r.string("text").map { SHA256.hex($0) })
            }
            return FrozenSetAudit.check(setName: setName, records: records, storedSetHash: try s.text("set_hash"),
                                        manifestHashes: FreezeManifest.decode(try s.text("manifest"))?.recordHashes,
                                        contentHashOf: { record in
                                            (try? JSONSerialization.jsonObject(with: Data(record.utf8)) as? [String: Any])?["content_hash"] as? String
                                        }, expected: expected)
        }
    }

    /// The names of a project's frozen sets, oldest first.
    public func frozenSetNames(project name: String) throws -> [String] {
        try frozenSetNames(try project(name))
    }
}
