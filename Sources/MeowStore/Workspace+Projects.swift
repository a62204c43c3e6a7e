import Foundation
import MeowCore

/// A project as commands see it: its settings and the guideline version in force.
public struct Project: Sendable {
    public var id: Int64
    public var name: String
    public var overlap: Int
    public var leaseSeconds: Double
    public var guidelineVersion: Int
    public var guideline: Guideline
    public var createdBy: String
}

extension Workspace {
    /// Creates a project with its guideline as version 1; `user` becomes its first admin.
    /// Gold items (qualification and checks) are stored with the version.
    @discardableResult
    public func createProject(_ name: String, guideline: Guideline, by user: String,
                              qualification: [GoldItem] = [], goldChecks: [GoldItem] = []) throws -> Project {
        try db.write { tx in
            if try db.scalarInt("SELECT id FROM project WHERE name = ?", .text(name)) != nil {
                throw StoreError.projectExists(name)
            }
            let now = Workspace.now()
            let id = try db.insertReturningID("INSERT INTO project(name, overlap, lease_seconds, created_at, created_by) VALUES (?, ?, ?, ?, ?)",
                       .text(name), .int(Int64(guideline.overlap)), .double((guideline.leaseMinutes ?? 10) * 60), .text(now), .text(user))
            try db.run("INSERT INTO guideline_version(project_id, version, content_hash, source, created_at, created_by) VALUES (?, 1, ?, ?, ?, ?)",
                       .int(id), .text(guideline.contentHash), .text(guideline.source), .text(now), .text(user))
            try db.run("INSERT INTO member(project_id, name, role) VALUES (?, ?, 'admin')", .int(id), .text(user))
            try storeGold((id, 1), qualification: qualification, checks: goldChecks)
        }
        return try project(name)
    }

    /// Looks a project up by name, with its current guideline parsed. The parsed guideline is
    /// cached per version: the hot path (claim, submit) pays one indexed lookup, not a YAML parse.
    public func project(_ name: String) throws -> Project {
        guard let r = try db.row("""
            SELECT p.id, p.name, p.overlap, p.lease_seconds, g.version, p.created_by
            FROM project p JOIN guideline_version g ON g.project_id = p.id
            WHERE p.name = ? ORDER BY g.version DESC LIMIT 1
            """, .text(name)) else {
            throw StoreError.unknownProject(name, known: try projectNames())
        }
        let version = Int(try r.int("version"))
        if let cached = projectCache[name], try cached.id == r.int("id"), cached.guidelineVersion == version {
            return cached
        }
        let guideline = try guideline(projectID: try r.int("id"), name: name, version: version)
        let p = Project(id: try r.int("id"), name: try r.text("name"), overlap: Int(try r.int("overlap")), leaseSeconds: try r.double("lease_seconds"),
                        guidelineVersion: version, guideline: guideline, createdBy: try r.text("created_by"))
        projectCache[name] = p
        return p
    }

    /// The project with an earlier guideline version in force (answering an item served under
    /// it). Rare: parsed each time, not cached.
    func project(_ current: Project, atVersion version: Int) throws -> Project {
        guard version != current.guidelineVersion else { return current }
        var p = current
        p.guidelineVersion = version
        p.guideline = try guideline(projectID: current.id, name: current.name, version: version)
        return p
    }

    private func guideline(projectID: Int64, name: String, version: Int) throws -> Guideline {
        guard let row = try db.row("SELECT source FROM guideline_version WHERE project_id = ? AND version = ?", .int(projectID), .int(Int64(version))) else {
            throw StoreError.unknownGuidelineVersion(project: name, version: version)
        }
        return try Guideline.parse(try row.text("source"), file: "guideline of \(name) v\(version)")
    }

    public func projectNames() throws -> [String] {
        try db.rows("SELECT name FROM project ORDER BY name").map { try $0.text("name") }
    }
}
