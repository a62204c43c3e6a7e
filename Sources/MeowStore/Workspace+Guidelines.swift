import Foundation
import MeowCore

/// A guideline version newer than the one a screen shows.
public struct NewerGuideline: Sendable {
    /// The project at its newest version.
    public var project: Project
    /// What changed in each version after the one shown, oldest first (nil: not recorded).
    public var changes: [(version: Int, changes: GuidelineChanges?)]
}

/// What `meow guideline update` recorded.
public struct GuidelineUpdate: Sendable {
    public var version: Int
    public var changes: GuidelineChanges
    /// Answers whose label the new version removed: they stay, reported as stale.
    public var staleAnnotations: Int
}

extension Workspace {
    /// Records a new guideline version (admins only): its text, hash and what changed in the
    /// label set. Renamed labels (`renamed_from`) carry their answers along; removed ones leave
    /// stale answers, which are reported, never deleted. Everyone must acknowledge it again.
    public func updateGuideline(project name: String, guideline new: Guideline, by user: String,
                                qualification: [GoldItem] = [], goldChecks: [GoldItem] = []) throws -> GuidelineUpdate {
        let p = try project(name)
        try requireAdmin(user, project: p, to: "update the guideline")
        guard new.task == p.guideline.task else {
            throw StoreError.incompatibleGuideline("the task type cannot change from \(p.guideline.task.rawValue) to \(new.task.rawValue); start a new project")
        }
        if new.contentHash == p.guideline.contentHash { throw StoreError.incompatibleGuideline("this file is already version \(p.guidelineVersion)") }
        let changes = GuidelineChanges.between(p.guideline, new)
        let version = p.guidelineVersion + 1
        let json = String(decoding: try JSONEncoder().encode(changes), as: UTF8.self)
        try db.write { tx in
            try db.run("INSERT INTO guideline_version(project_id, version, content_hash, source, created_at, created_by, changes) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       .int(p.id), .int(Int64(version)), .text(new.contentHash), .text(new.source), .text(Workspace.now()), .text(user), .text(json))
            try storeGold((p.id, version), qualification: qualification, checks: goldChecks)
            if new.overlap != p.overlap || (new.leaseMinutes ?? 10) * 60 != p.leaseSeconds {
                try db.run("UPDATE project SET overlap = ?, lease_seconds = ? WHERE id = ?", .int(Int64(new.overlap)), .double((new.leaseMinutes ?? 10) * 60), .int(p.id))
                try db.run("UPDATE item SET need = ?1 + CASE WHEN need > ?2 THEN need - ?2 ELSE 0 END WHERE project_id = ?3 AND NOT EXISTS (SELECT 1 FROM frozen_record f WHERE f.item_id = item.id)",
                           .int(Int64(new.overlap)), .int(Int64(p.overlap)), .int(p.id))
                // Items may have room again below annotators' cursors: search from the start.
                try db.run("UPDATE queue_cursor SET qkey = 0 WHERE project_id = ?", .int(p.id))
                try db.resetProgressCounters(project: p.id)
                try db.run("""
                    UPDATE project SET answers_needed = (SELECT coalesce(sum(need), 0) FROM item WHERE project_id = ?1),
                                       answers_done = (SELECT coalesce(sum(CASE WHEN done_count < need THEN done_count ELSE need END), 0) FROM item WHERE project_id = ?1) WHERE id = ?1
                    """, .int(p.id))
            }
        }
        projectCache[name] = nil
        guidelineWatch[name] = nil   // this connection's own commit does not change data_version
        return GuidelineUpdate(version: version, changes: changes, staleAnnotations: try staleAnnotations(project: name))
    }

    /// The project at its newest version when that is newer than `shown`. `PRAGMA data_version`
    /// changes only when another connection commits: while it stays, the newest version is the
    /// one seen last time, and nothing else is read.
    public func newerGuideline(project name: String, than shown: Int) throws -> NewerGuideline? {
        // PostgreSQL has no commit counter per connection: the project row is read each time.
        let dataVersion = db.backend == .sqlite ? try db.scalarInt("PRAGMA data_version") ?? 0 : -1
        if dataVersion >= 0, let seen = guidelineWatch[name], seen.dataVersion == dataVersion, seen.version <= shown { return nil }
        let p = try project(name)
        guidelineWatch[name] = (dataVersion, p.guidelineVersion)
        guard p.guidelineVersion > shown else { return nil }
        let changes = try db.rows("SELECT version, changes FROM guideline_version WHERE project_id = ? AND version > ? ORDER BY version",
                                  .int(p.id), .int(Int64(shown))).map { r in
            (version: Int(try r.int("version")), changes: try r.string("changes").flatMap { try? JSONDecoder().decode(GuidelineChanges.self, from: Data($0.utf8)) })
        }
        return NewerGuideline(project: p, changes: changes)
    }

    /// Answers with a label the current guideline no longer has (renamed labels are not stale).
    public func staleAnnotations(project name: String) throws -> Int {
        let p = try project(name)
        let current = Set(p.guideline.labels.map(\.value))
        let renames = try labelRenames(project: name)
        var stale = 0
        for r in try db.rows("SELECT label, count(*) AS n FROM annotation WHERE project_id = ? GROUP BY label", .int(p.id)) {
            if AnswerValue.labels(inColumn: try r.text("label")).contains(where: { !current.contains(renames[$0] ?? $0) }) { stale += Int(try r.int("n")) }
        }
        return stale
    }

    /// Old label value -> its current value, following renames across all versions.
    public func labelRenames(project name: String) throws -> [String: String] {
        var map: [String: String] = [:]
        let p = try project(name)
        // Only the recorded changes: counting answers per version here cost a full scan and a
        // sort of the answers on every agreement run.
        let changes = try db.rows("SELECT changes FROM guideline_version WHERE project_id = ? ORDER BY version", .int(p.id)).map {
            try $0.string("changes").flatMap { try? JSONDecoder().decode(GuidelineChanges.self, from: Data($0.utf8)) }
        }
        for change in changes {
            for r in change?.renamed ?? [] {
                for (k, val) in map where val == r.from { map[k] = r.to }
                map[r.from] = r.to
            }
        }
        return map
    }

    /// Answers per guideline version.
    public func annotationsPerVersion(project name: String) throws -> [(version: Int, annotations: Int, changes: GuidelineChanges?)] {
        let p = try project(name)
        return try db.rows("""
            SELECT g.version, coalesce(c.n, 0) AS answers, g.changes FROM guideline_version g
            LEFT JOIN (SELECT guideline_version AS v, count(*) AS n FROM annotation WHERE +project_id = ?1 GROUP BY guideline_version) c ON c.v = g.version
            WHERE g.project_id = ?1 ORDER BY g.version
            """, .int(p.id)).map { r in
            (Int(try r.int("version")), Int(try r.int("answers")), try r.string("changes").flatMap { try? JSONDecoder().decode(GuidelineChanges.self, from: Data($0.utf8)) })
        }
    }
}
