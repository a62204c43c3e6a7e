import Foundation
import MeowCore

/// Roles in a project. Anyone may annotate; admins and reviewers are named.
public enum Role: String, Sendable, CaseIterable {
    case admin, reviewer, annotator
}

/// The result of a finished qualification round, with what to learn from each miss.
public struct QualificationResult: Sendable, Equatable {
    public struct Miss: Sendable, Equatable {
        public var itemText: String
        public var given: String
        public var correct: String
        public var explanation: String
        /// The guideline's definitions of the correct labels.
        public var definition: String
    }
    public var attempt: Int
    public var correct: Int
    public var total: Int
    public var passMark: Double
    public var passed: Bool
    public var misses: [Miss]

    public var score: Double { total > 0 ? Double(correct) / Double(total) : 0 }
}

/// What a submit led to, beyond recording the answer.
public enum SubmitOutcome: Sendable, Equatable {
    case recorded
    /// A qualification answer; the result once the round is complete.
    case qualification(answered: Int, total: Int, result: QualificationResult?)
}

/// Where an annotator's qualification round stands (the `qualification.state` column).
enum QualificationState: String {
    case inProgress = "in_progress", passed, failed
}

/// Whether a member may work (the `member.state` column).
enum MemberState: String {
    case active, paused
}

extension Workspace {
    // MARK: Roles

    public func role(of name: String, inProject project: String) throws -> Role {
        try role(of: name, in: try self.project(project))
    }

    func role(of name: String, in p: Project) throws -> Role {
        let r = try db.row("SELECT role FROM member WHERE project_id = ? AND name = ?", .int(p.id), .text(name))
        return try r.flatMap { Role(rawValue: try $0.text("role")) } ?? .annotator
    }

    /// Refuses `action` unless `user` is an admin of the project.
    func requireAdmin(_ user: String, project p: Project, to action: String) throws {
        guard try role(of: user, in: p) == .admin else {
            let admins = try db.rows("SELECT name FROM member WHERE project_id = ? AND role = 'admin' ORDER BY name", .int(p.id)).map { try $0.text("name") }
            throw StoreError.notAllowed(user: user, action: action, admins: admins)
        }
    }

    /// Sets a member's role (admins only). The last admin cannot step down.
    public func setRole(project name: String, member: String, role: Role, by user: String) throws {
        let p = try project(name)
        try requireAdmin(user, project: p, to: "change roles")
        try db.write { tx in
            if role != .admin, try self.role(of: member, in: p) == .admin,
               (try db.scalarInt("SELECT count(*) FROM member WHERE project_id = ? AND role = 'admin'", .int(p.id)) ?? 0) <= 1 {
                throw StoreError.lastAdmin(member)
            }
            try db.run("""
                INSERT INTO member(project_id, name, role) VALUES (?, ?, ?)
                ON CONFLICT(project_id, name) DO UPDATE SET role = excluded.role
                """, .int(p.id), .text(member), .text(role.rawValue))
        }
    }

    func ensureMember(_ p: Project, _ name: String, in tx: WriteTransaction) throws {
        try db.run("INSERT INTO member(project_id, name) VALUES (?, ?) ON CONFLICT DO NOTHING", .int(p.id), .text(name))
    }

    // MARK: Acknowledgement

    public func hasAcknowledged(project name: String, annotator: String, version: Int? = nil) throws -> Bool {
        try hasAcknowledged(try project(name), annotator: annotator, version: version)
    }

    func hasAcknowledged(_ p: Project, annotator: String, version: Int? = nil) throws -> Bool {
        try db.scalarInt("SELECT 1 FROM acknowledgement WHERE project_id = ? AND annotator = ? AND guideline_version = ?",
                         .int(p.id), .text(annotator), .int(Int64(version ?? p.guidelineVersion))) != nil
    }

    /// Records that the annotator read a guideline version: `version`, the one a screen showed
    /// (a newer one may have arrived since), or the current one.
    public func acknowledge(project name: String, annotator: String, version: Int? = nil) throws {
        let p = try project(name)
        let v = version ?? p.guidelineVersion
        try db.write { tx in
            guard try db.scalarInt("SELECT 1 FROM guideline_version WHERE project_id = ? AND version = ?", .int(p.id), .int(Int64(v))) != nil else {
                throw StoreError.unknownGuidelineVersion(project: p.name, version: v)
            }
            try ensureMember(p, annotator, in: tx)
            try db.run("INSERT INTO acknowledgement(project_id, annotator, guideline_version, acknowledged_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                       .int(p.id), .text(annotator), .int(Int64(v)), .text(Workspace.now()))
        }
    }

    // MARK: Gold items

    /// Stores the gold items of a guideline version (called when a version is recorded).
    func storeGold(_ p: (id: Int64, version: Int), qualification: [GoldItem], checks: [GoldItem]) throws {
        for (purpose, items) in [("qualification", qualification), ("check", checks)] {
            for g in items {
                try db.run("""
                    INSERT INTO gold_item(project_id, guideline_version, purpose, external_id, text, label, explanation)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """, .int(p.id), .int(Int64(p.version)), .text(purpose), .text(g.id), .text(g.text), .text(g.label), .text(g.explanation))
            }
        }
    }

    // MARK: Admission: what stands between an annotator and the next item

    /// What `checkAdmission` found: see there.
    struct Admission {
        var known: Bool
        var leasesExpired = false
        var heldItemID: Int64?
    }

    /// Checks, in order: paused by gold checks, acknowledgement of the current version (or, for
    /// an answer to an item served under an earlier version, of that version, which is `p`'s).
    /// Throws the reason an annotator may not work yet.
    /// Returns whether the annotator is already a member (a claim then need not add them), and,
    /// given the claim's time `leasesAt`, what the claim needs next from the same statement (one
    /// round trip on a server instead of three): whether any lease in the project ran out, and
    /// the item this annotator holds on a live lease.
    @discardableResult
    func checkAdmission(_ p: Project, _ annotator: String, in tx: WriteTransaction, servedUnderEarlierVersion: Bool = false,
                        leasesAt now: Double? = nil) throws -> Admission {
        // The member's state, the newest version (read inside the caller's transaction: an
        // update may have landed between reading the project and taking the write lock), and
        // which of the two versions they acknowledged.
        let leases = now == nil ? "" : """
            ,
                   CASE WHEN EXISTS (SELECT 1 FROM claim c WHERE c.project_id = ?1 AND c.expires_at <= ?4) THEN 1 ELSE 0 END AS expired,
                   (SELECT c.item_id FROM claim c WHERE c.project_id = ?1 AND c.annotator = ?2 AND c.expires_at > ?4 ORDER BY c.claimed_at LIMIT 1) AS held
            """
        var binds: [SQLValue] = [.int(p.id), .text(annotator), .int(Int64(p.guidelineVersion))]
        if let now { binds.append(.double(now)) }
        guard let r = try db.row("""
            SELECT m.state, m.pause_reason, n.newest,
                   CASE WHEN EXISTS (SELECT 1 FROM acknowledgement a WHERE a.project_id = ?1 AND a.annotator = ?2 AND a.guideline_version = n.newest) THEN 1 ELSE 0 END AS acked_newest,
                   CASE WHEN EXISTS (SELECT 1 FROM acknowledgement a WHERE a.project_id = ?1 AND a.annotator = ?2 AND a.guideline_version = ?3) THEN 1 ELSE 0 END AS acked_current\(leases)
            FROM (SELECT coalesce(max(version), ?3) AS newest FROM guideline_version WHERE project_id = ?1) n
            LEFT JOIN member m ON m.project_id = ?1 AND m.name = ?2
            """, values: binds) else {
            throw StoreError.unknownProject(p.name, known: try projectNames())
        }
        let known = try admit(p, annotator, state: try r.string("state"), pauseReason: try r.string("pause_reason"),
                              newest: Int(try r.int("newest")), ackedNewest: try r.int("acked_newest") != 0,
                              ackedCurrent: try r.int("acked_current") != 0, servedUnderEarlierVersion: servedUnderEarlierVersion)
        guard now != nil else { return Admission(known: known) }
        return Admission(known: known, leasesExpired: try r.int("expired") != 0, heldItemID: try r.optionalInt("held"))
    }

    /// The admission rules on the member's row, wherever it was read: paused, then the
    /// acknowledgement needed. Returns whether the annotator is a member already.
    func admit(_ p: Project, _ annotator: String, state: String?, pauseReason: String?, newest: Int,
               ackedNewest: Bool, ackedCurrent: Bool, servedUnderEarlierVersion: Bool) throws -> Bool {
        if MemberState(rawValue: state ?? "") == .paused {
            throw StoreError.paused(annotator: annotator, reason: pauseReason ?? "")
        }
        if servedUnderEarlierVersion {
            if !ackedCurrent { throw StoreError.acknowledgementNeeded(annotator: annotator, project: p.name, version: p.guidelineVersion) }
            return state != nil
        }
        if !ackedNewest { throw StoreError.acknowledgementNeeded(annotator: annotator, project: p.name, version: newest) }
        if newest != p.guidelineVersion { throw StoreError.guidelineChanged(project: p.name) }
        return state != nil
    }

    /// The annotator's qualification state for the current guideline version.
    func qualificationState(_ p: Project, _ annotator: String) throws -> (attempt: Int, state: QualificationState)? {
        guard p.guideline.enforcement.qualification != nil else { return nil }
        guard let r = try db.row("SELECT attempt, state FROM qualification WHERE project_id = ? AND annotator = ? AND guideline_version = ? ORDER BY attempt DESC LIMIT 1",
                                 .int(p.id), .text(annotator), .int(Int64(p.guidelineVersion))) else { return nil }
        guard let state = QualificationState(rawValue: try r.text("state")) else {
            throw SQLiteError(code: 0, message: "unknown qualification state '\(try r.text("state"))' for \(annotator)", sql: nil)
        }
        return (Int(try r.int("attempt")), state)
    }

    /// Serves the next qualification item when the annotator has not passed yet; nil when
    /// qualified (or no qualification is configured). Throws when the last round failed.
    func nextQualificationItem(_ p: Project, _ annotator: String, in tx: WriteTransaction) throws -> ClaimedItem? {
        guard p.guideline.enforcement.qualification != nil else { return nil }
        let attempt: Int
        switch try qualificationState(p, annotator) {
        case (_, .passed)?: return nil
        case (let failed, .failed)?: throw StoreError.qualificationFailed(try qualificationResult(p, annotator, attempt: failed))
        case (let current, .inProgress)?: attempt = current
        case nil:
            // Attempts are numbered across guideline versions (the key has no version in it).
            attempt = try nextAttempt(p, annotator)
            try db.run("INSERT INTO qualification(project_id, annotator, attempt, guideline_version, state) VALUES (?, ?, ?, ?, 'in_progress')",
                       .int(p.id), .text(annotator), .int(Int64(attempt)), .int(Int64(p.guidelineVersion)))
        }
        let round = try qualificationRound(p, annotator, attempt: attempt)
        let answered = Set(try db.rows("SELECT gold_id FROM gold_answer WHERE project_id = ? AND annotator = ? AND attempt = ?",
                                       .int(p.id), .text(annotator), .int(Int64(attempt))).map { try $0.int("gold_id") })
        guard let next = round.first(where: { !answered.contains($0.id) }) else { return nil }
        return ClaimedItem(id: next.externalID, text: next.text, metadata: nil, expiresAt: .distantFuture,
                           kind: .qualification(index: answered.count + 1, total: round.count))
    }

    /// The items of an annotator's qualification round, in pool order: `round_size` of the
    /// current version's pool, drawn by `QualificationRound` from which items earlier rounds
    /// (of any version, matched by id) served them.
    func qualificationRound(_ p: Project, _ annotator: String, attempt: Int) throws -> [(id: Int64, externalID: String, label: String, text: String)] {
        let pool = try db.rows("SELECT id, external_id, label, text FROM gold_item WHERE project_id = ? AND guideline_version = ? AND purpose = 'qualification' ORDER BY id",
                               .int(p.id), .int(Int64(p.guidelineVersion))).map {
            (id: try $0.int("id"), externalID: try $0.text("external_id"), label: try $0.text("label"), text: try $0.text("text"))
        }
        guard let size = p.guideline.enforcement.qualification?.roundSize, size < pool.count else { return pool }
        var lastServed: [String: Int] = [:]
        for r in try db.rows("""
            SELECT g.external_id, max(a.attempt) AS last FROM gold_answer a JOIN gold_item g ON g.id = a.gold_id
            WHERE a.project_id = ? AND a.annotator = ? AND a.attempt > 0 AND a.attempt < ? AND g.purpose = 'qualification' GROUP BY g.external_id
            """, .int(p.id), .text(annotator), .int(Int64(attempt))) {
            lastServed[try r.text("external_id")] = Int(try r.int("last"))
        }
        let chosen = Set(QualificationRound.draw(pool: pool.map(\.externalID), roundSize: size, lastServed: lastServed))
        return pool.filter { chosen.contains($0.externalID) }
    }

    func nextAttempt(_ p: Project, _ annotator: String) throws -> Int {
        Int(try db.scalarInt("SELECT coalesce(max(attempt), 0) + 1 FROM qualification WHERE project_id = ? AND annotator = ?", .int(p.id), .text(annotator)) ?? 1)
    }

    /// Refuses real work from an annotator who has not passed the current qualification.
    func checkQualified(_ p: Project, _ annotator: String) throws {
        guard p.guideline.enforcement.qualification != nil else { return }
        let st = try qualificationState(p, annotator)
        if st?.state == .passed { return }
        if let st, st.state == .failed { throw StoreError.qualificationFailed(try qualificationResult(p, annotator, attempt: st.attempt)) }
        throw StoreError.notQualified(annotator: annotator)
    }

    func qualificationResult(_ p: Project, _ annotator: String, attempt: Int) throws -> QualificationResult {
        let rows = try db.rows("""
            SELECT g.text, a.label AS given, g.label AS expected, g.explanation, a.correct FROM gold_answer a JOIN gold_item g ON g.id = a.gold_id
            WHERE a.project_id = ? AND a.annotator = ? AND a.attempt = ? AND g.purpose = 'qualification' ORDER BY g.id
            """, .int(p.id), .text(annotator), .int(Int64(attempt)))
        let misses = try rows.filter { try $0.int("correct") == 0 }.map { r in
            QualificationResult.Miss(itemText: try r.text("text"), given: try r.text("given"), correct: try r.text("expected"), explanation: try r.text("explanation"),
                                     definition: AnswerValue.labels(inColumn: try r.text("expected")).compactMap { p.guideline.label(String($0)).map { "\($0.value): \($0.definition)" } }.joined(separator: "\n"))
        }
        let correct = rows.count - misses.count
        let rule = p.guideline.enforcement.qualification
        return QualificationResult(attempt: attempt, correct: correct, total: rows.count, passMark: rule?.passMark ?? 1,
                                   passed: rule?.passed(correct: correct, total: rows.count) ?? false, misses: misses)
    }

    /// After reviewing a failed round, start a new one.
    public func retryQualification(project name: String, annotator: String) throws {
        let p = try project(name)
        try db.write { tx in
            guard let st = try qualificationState(p, annotator), st.state == .failed else {
                throw StoreError.nothingToRetry(annotator: annotator)
            }
            try db.run("INSERT INTO qualification(project_id, annotator, attempt, guideline_version, state) VALUES (?, ?, ?, ?, 'in_progress')",
                       .int(p.id), .text(annotator), .int(Int64(try nextAttempt(p, annotator))), .int(Int64(p.guidelineVersion)))
        }
    }

    /// The latest qualification round of the annotator, finished or not.
    public func qualificationStatus(project name: String, annotator: String) throws -> QualificationResult? {
        let p = try project(name)
        guard let st = try qualificationState(p, annotator), st.state != .inProgress else { return nil }
        return try qualificationResult(p, annotator, attempt: st.attempt)
    }

    // MARK: Gold checks in the stream

    /// Whether the next item served to an annotator is a gold check (`GoldChecks.isGoldTurn`).
    func isGoldTurn(_ p: Project, _ annotator: String, checks: Enforcement.GoldChecks) throws -> Bool {
        let served = (try db.scalarInt("SELECT count(*) FROM gold_answer WHERE project_id = ? AND annotator = ? AND attempt = 0", .int(p.id), .text(annotator)) ?? 0)
            + (try db.scalarInt("SELECT count(*) FROM annotation WHERE project_id = ? AND annotator = ? AND source = 'queue'", .int(p.id), .text(annotator)) ?? 0)
        return checks.isGoldTurn(project: p.name, annotator: annotator, served: Int(served))
    }

    /// Picks a check item (the one this annotator answered least often, then the oldest) and
    /// claims it under a disguised id.
    func claimGoldCheck(_ p: Project, _ annotator: String, now: Double, in tx: WriteTransaction) throws -> ClaimedItem? {
        guard let r = try db.row("""
            SELECT g.id, g.external_id, g.text FROM gold_item g
            WHERE g.project_id = ? AND g.guideline_version = ? AND g.purpose = 'check'
            ORDER BY (SELECT count(*) FROM gold_answer a WHERE a.gold_id = g.id AND a.annotator = ?), g.id LIMIT 1
            """, .int(p.id), .int(Int64(p.guidelineVersion)), .text(annotator)) else { return nil }
        let disguised = try disguisedID(p, goldKey: r.text("external_id"))
        try db.run("""
            INSERT INTO gold_claim(project_id, annotator, gold_id, disguised, claimed_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT(project_id, annotator) DO UPDATE SET gold_id = excluded.gold_id, disguised = excluded.disguised, claimed_at = excluded.claimed_at
            """,
                   .int(p.id), .text(annotator), .int(r.int("id")), .text(disguised), .double(now))
        return ClaimedItem(id: disguised, text: try r.text("text"), metadata: nil, expiresAt: Date(timeIntervalSince1970: now + p.leaseSeconds))
    }

    /// An id for a gold check that looks like the project's own: shaped like a real item id
    /// ("r0137" -> another letter prefix and as many digits), not used by any real item; the
    /// content-hash form ("t" + 16 hex) when the project's ids have no such shape.
    func disguisedID(_ p: Project, goldKey: String) throws -> String {
        let hash = SHA256.hex("gold\u{0}\(p.name)\u{0}\(goldKey)")
        let fallback = "t" + String(hash.prefix(16))
        guard let sample = try db.row("SELECT external_id FROM item WHERE project_id = ? ORDER BY id DESC LIMIT 1", .int(p.id))?.text("external_id") else { return fallback }
        let prefix = String(sample.prefix { !$0.isNumber })
        let digits = sample.dropFirst(prefix.count)
        guard !digits.isEmpty, digits.count <= 12, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return fallback }
        // Digits derived from the hash; step on while a real item has that id.
        var n = UInt64(hash.prefix(15), radix: 16) ?? 0
        let modulus = (0..<digits.count).reduce(UInt64(1)) { a, _ in a * 10 }
        for _ in 0..<50 {
            let body = String(n % modulus)
            let candidate = prefix + String(repeating: "0", count: digits.count - body.count) + body
            if try db.scalarInt("SELECT 1 FROM item WHERE project_id = ? AND external_id = ?", .int(p.id), .text(candidate)) == nil { return candidate }
            n = n &* 6364136223846793005 &+ 1442695040888963407
        }
        return fallback
    }

    func heldGoldCheck(_ p: Project, _ annotator: String) throws -> ClaimedItem? {
        guard let r = try db.row("SELECT c.disguised, g.text, c.claimed_at FROM gold_claim c JOIN gold_item g ON g.id = c.gold_id WHERE c.project_id = ? AND c.annotator = ?",
                                 .int(p.id), .text(annotator)) else { return nil }
        return ClaimedItem(id: try r.text("disguised"), text: try r.text("text"), metadata: nil, expiresAt: Date(timeIntervalSince1970: try r.double("claimed_at") + p.leaseSeconds))
    }

    /// Records a gold-check answer and pauses the annotator when their rolling accuracy falls
    /// below the threshold; their answers since the last passing check are flagged for review.
    func recordGoldCheck(_ p: Project, _ annotator: String, goldID: Int64, expected: String, given: String, seconds: Double?, in tx: WriteTransaction) throws {
        guard let gold = p.guideline.enforcement.gold else { return }
        let correct = given == expected
        try db.run("DELETE FROM gold_claim WHERE project_id = ? AND annotator = ?", .int(p.id), .text(annotator))
        try db.run("INSERT INTO gold_answer(project_id, annotator, gold_id, attempt, label, correct, seconds, created_at) VALUES (?, ?, ?, 0, ?, ?, ?, ?)",
                   .int(p.id), .text(annotator), .int(goldID), .text(given), .int(correct ? 1 : 0), seconds.map { .double($0) } ?? .null, .text(Workspace.now()))
        try ensureMember(p, annotator, in: tx)
        let from = try db.scalarInt("SELECT checks_from FROM member WHERE project_id = ? AND name = ?", .int(p.id), .text(annotator)) ?? 0
        let recent = try db.rows("SELECT correct FROM gold_answer WHERE project_id = ? AND annotator = ? AND attempt = 0 AND id > ? ORDER BY id DESC LIMIT ?",
                                 .int(p.id), .text(annotator), .int(from), .int(Int64(gold.window)))
        switch gold.verdict(recent: try recent.map { try $0.int("correct") != 0 }) {
        case .pause(let reason):
            let through = try db.scalarInt("SELECT passed_through FROM member WHERE project_id = ? AND name = ?", .int(p.id), .text(annotator)) ?? 0
            try db.run("UPDATE member SET state = 'paused', pause_reason = ? WHERE project_id = ? AND name = ?", .text(reason), .int(p.id), .text(annotator))
            try db.run("UPDATE annotation SET review_reason = coalesce(review_reason, 'gold checks') WHERE project_id = ? AND annotator = ? AND source = 'queue' AND id > ?",
                       .int(p.id), .text(annotator), .int(through))
            // Held claims go back to the queue for others.
            try releaseClaims(projectID: p.id, annotator: annotator, in: tx)
        case .clean:
            // Answers up to here are trusted; a later pause flags only what came after.
            let last = try db.scalarInt("SELECT coalesce(max(id), 0) FROM annotation WHERE project_id = ? AND annotator = ? AND source = 'queue'", .int(p.id), .text(annotator)) ?? 0
            try db.run("UPDATE member SET passed_through = ? WHERE project_id = ? AND name = ?", .int(last), .int(p.id), .text(annotator))
        case .carryOn:
            break
        }
    }

    /// Lifts a gold-check pause (admins only). Earlier misses no longer count.
    public func reinstate(project name: String, annotator: String, by user: String) throws {
        let p = try project(name)
        try requireAdmin(user, project: p, to: "reinstate annotators")
        try db.write { tx in
            guard try db.scalarInt("SELECT 1 FROM member WHERE project_id = ? AND name = ? AND state = 'paused'", .int(p.id), .text(annotator)) != nil else {
                throw StoreError.notPaused(annotator)
            }
            let lastGold = try db.scalarInt("SELECT coalesce(max(id), 0) FROM gold_answer") ?? 0
            let last = try db.scalarInt("SELECT coalesce(max(id), 0) FROM annotation WHERE project_id = ? AND annotator = ? AND source = 'queue'", .int(p.id), .text(annotator)) ?? 0
            try db.run("UPDATE member SET state = 'active', pause_reason = NULL, checks_from = ?, passed_through = ? WHERE project_id = ? AND name = ?",
                       .int(lastGold), .int(last), .int(p.id), .text(annotator))
        }
    }

    /// Counts an answer the labeling screen refused as faster than `min_seconds`.
    public func recordTooFast(project name: String, annotator: String) throws {
        let p = try project(name)
        try db.write { tx in
            try ensureMember(p, annotator, in: tx)
            try db.run("UPDATE member SET too_fast = too_fast + 1 WHERE project_id = ? AND name = ?", .int(p.id), .text(annotator))
        }
    }

    /// Routes a submit for an item that is not a queue item: a held gold check or a
    /// qualification item. Returns nil when `externalID` is neither.
    func submitGold(_ p: Project, _ annotator: String, _ externalID: String, given: String, seconds: Double?, in tx: WriteTransaction) throws -> SubmitOutcome? {
        // Checks are held only under a guideline (the one the item was served under) that asks for them.
        if p.guideline.enforcement.gold != nil, let g = try db.row("SELECT c.gold_id, g.label FROM gold_claim c JOIN gold_item g ON g.id = c.gold_id WHERE c.project_id = ? AND c.annotator = ? AND c.disguised = ?",
                              .int(p.id), .text(annotator), .text(externalID)) {
            try recordGoldCheck(p, annotator, goldID: g.int("gold_id"), expected: g.text("label"), given: given, seconds: seconds, in: tx)
            return .recorded
        }
        guard let st = try qualificationState(p, annotator), st.state == .inProgress else { return nil }
        let round = try qualificationRound(p, annotator, attempt: st.attempt)
        guard let g = round.first(where: { $0.externalID == externalID }) else { return nil }
        if try db.scalarInt("SELECT 1 FROM gold_answer WHERE project_id = ? AND annotator = ? AND attempt = ? AND gold_id = ?",
                            .int(p.id), .text(annotator), .int(Int64(st.attempt)), .int(g.id)) != nil {
            throw StoreError.alreadyLabeled(item: externalID, annotator: annotator)
        }
        try db.run("INSERT INTO gold_answer(project_id, annotator, gold_id, attempt, label, correct, seconds, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                   .int(p.id), .text(annotator), .int(g.id), .int(Int64(st.attempt)), .text(given), .int(given == g.label ? 1 : 0),
                   seconds.map { .double($0) } ?? .null, .text(Workspace.now()))
        let total = round.count
        let answered = Int(try db.scalarInt("SELECT count(*) FROM gold_answer WHERE project_id = ? AND annotator = ? AND attempt = ?",
                                            .int(p.id), .text(annotator), .int(Int64(st.attempt))) ?? 0)
        guard answered >= total else { return .qualification(answered: answered, total: total, result: nil) }
        let result = try qualificationResult(p, annotator, attempt: st.attempt)
        try db.run("UPDATE qualification SET state = ?, correct = ?, total = ?, finished_at = ? WHERE project_id = ? AND annotator = ? AND attempt = ?",
                   .text((result.passed ? QualificationState.passed : .failed).rawValue), .int(Int64(result.correct)), .int(Int64(result.total)), .text(Workspace.now()),
                   .int(p.id), .text(annotator), .int(Int64(st.attempt)))
        return .qualification(answered: answered, total: total, result: result)
    }
}
