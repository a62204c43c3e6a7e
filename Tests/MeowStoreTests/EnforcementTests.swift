import Foundation
import Testing
import MeowCore
import MeowTestSupport
@testable import MeowStore

/// The guideline's rules, enforced by the store for every client.
@Suite("Guideline enforcement in the store")
struct EnforcementTests {
    let dir: String
    let ws: Workspace

    static func guideline(_ extra: String = "", labels: String? = nil) -> Guideline {
        try! Guideline.parse("""
        ---
        name: t
        task: classify
        overlap: 2
        \(extra)
        labels:
        \(labels ?? "  - {value: good, hotkey: g, definition: Good.}\n  - {value: bad, hotkey: b, definition: Bad.}")
        ---
        Body. When unsure, flag it.
        """)
    }

    static let qualification = [
        GoldItem(id: "q1", text: "lovely", label: "good", explanation: "praise"),
        GoldItem(id: "q2", text: "awful", label: "bad", explanation: "complaint"),
        GoldItem(id: "q3", text: "superb", label: "good", explanation: "praise"),
    ]
    static let checks = [
        GoldItem(id: "c1", text: "wonderful", label: "good", explanation: ""),
        GoldItem(id: "c2", text: "terrible", label: "bad", explanation: ""),
    ]

    let backend: TestBackend

    init(_ backend: TestBackend = .sqlite) throws {
        self.backend = backend
        dir = NSTemporaryDirectory() + "meow-enf-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        ws = try backend.freshWorkspace(dir: dir)
    }

    func project(_ g: Guideline, qualification: [GoldItem] = [], checks: [GoldItem] = [], items: Int = 30) throws {
        try ws.createProject("p", guideline: g, by: "admin", qualification: qualification, goldChecks: checks)
        let file = dir + "/items.txt"
        try (1...items).map { "real item \($0)" }.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        _ = try ws.importItems(project: "p", reader: ItemReader(path: file, format: .text), skipInvalid: false)
    }

    @Test(arguments: TestBackend.available) static func nothingIsServedOrAcceptedBeforeAcknowledgement(_ backend: TestBackend) throws { try Self(backend).nothingIsServedOrAcceptedBeforeAcknowledgement() }

    func nothingIsServedOrAcceptedBeforeAcknowledgement() throws {
        try project(Self.guideline())
        #expect(throws: StoreError.acknowledgementNeeded(annotator: "ann", project: "p", version: 1)) {
            try ws.claimNext(project: "p", annotator: "ann")
        }
        try ws.acknowledge(project: "p", annotator: "ann")
        let item = try #require(try ws.claimNext(project: "p", annotator: "ann"))
        // A new version arrives while the item is on ann's screen.
        _ = try ws.updateGuideline(project: "p", guideline: Self.guideline("min_seconds: 2"), by: "admin")
        // The item was served under v1, which ann read: the answer counts, under v1...
        try ws.submit(project: "p", annotator: "ann", item: item.id, answer: Answer(labels: ["good"]))
        #expect(try ws.db.scalarInt("SELECT guideline_version FROM annotation") == 1)
        // ...and nothing more is served before v2 is acknowledged.
        #expect(throws: StoreError.acknowledgementNeeded(annotator: "ann", project: "p", version: 2)) {
            try ws.claimNext(project: "p", annotator: "ann")
        }
        try ws.acknowledge(project: "p", annotator: "ann")
        let next = try #require(try ws.claimNext(project: "p", annotator: "ann"))
        try ws.submit(project: "p", annotator: "ann", item: next.id, answer: Answer(labels: ["bad"]))
        #expect(try ws.db.scalarInt("SELECT guideline_version FROM annotation WHERE label = 'bad'") == 2)
        #expect(try ws.db.scalarInt("SELECT count(*) FROM acknowledgement WHERE annotator = 'ann'") == 2)
    }

    @Test(arguments: TestBackend.available) static func anItemServedAgainAfterAnUpdateIsAnsweredUnderTheNewVersion(_ backend: TestBackend) throws { try Self(backend).anItemServedAgainAfterAnUpdateIsAnsweredUnderTheNewVersion() }

    func anItemServedAgainAfterAnUpdateIsAnsweredUnderTheNewVersion() throws {
        try project(Self.guideline())
        try ws.acknowledge(project: "p", annotator: "ann")
        let item = try #require(try ws.claimNext(project: "p", annotator: "ann"))
        _ = try ws.updateGuideline(project: "p", guideline: Self.guideline("min_seconds: 2"), by: "admin")
        try ws.acknowledge(project: "p", annotator: "ann")
        // Asked again, ann sees the same item, now under v2: the answer is recorded under v2.
        #expect(try ws.claimNext(project: "p", annotator: "ann")?.id == item.id)
        try ws.submit(project: "p", annotator: "ann", item: item.id, answer: Answer(labels: ["good"]))
        #expect(try ws.db.scalarInt("SELECT guideline_version FROM annotation") == 2)
    }

    @Test(arguments: TestBackend.available) static func anAnswerInFlightIsCheckedAgainstTheVersionItWasServedUnder(_ backend: TestBackend) throws { try Self(backend).anAnswerInFlightIsCheckedAgainstTheVersionItWasServedUnder() }

    func anAnswerInFlightIsCheckedAgainstTheVersionItWasServedUnder() throws {
        try project(Self.guideline())
        try ws.acknowledge(project: "p", annotator: "ann")
        let item = try #require(try ws.claimNext(project: "p", annotator: "ann"))
        // v2 renames good to fine and adds meh.
        _ = try ws.updateGuideline(project: "p", guideline: Self.guideline(labels: """
              - {value: fine, renamed_from: good, hotkey: g, definition: Good.}
              - {value: bad, hotkey: b, definition: Bad.}
              - {value: meh, hotkey: m, definition: Neither.}
            """), by: "admin")
        #expect(throws: StoreError.self) { try ws.submit(project: "p", annotator: "ann", item: item.id, answer: Answer(labels: ["meh"])) }
        try ws.submit(project: "p", annotator: "ann", item: item.id, answer: Answer(labels: ["good"]))
        #expect(try ws.db.scalarInt("SELECT guideline_version FROM annotation WHERE label = 'good'") == 1)
    }

    /// An annotator's workspace keeps the project between actions (a round trip saved on a
    /// server). A guideline update made through another connection must still take effect on
    /// the next action: nothing is served before it is acknowledged, and then answers are
    /// checked and recorded under it, never under the kept old version.
    @Test(arguments: TestBackend.available) static func anUpdateFromAnotherConnectionTakesEffectOnTheNextAction(_ backend: TestBackend) throws { try Self(backend).anUpdateFromAnotherConnectionTakesEffectOnTheNextAction() }

    func anUpdateFromAnotherConnectionTakesEffectOnTheNextAction() throws {
        try project(Self.guideline())
        let ann = try backend.reopen(ws)
        try ann.acknowledge(project: "p", annotator: "ann")
        let first = try #require(try ann.claimNext(project: "p", annotator: "ann"))
        // Elsewhere: the admin adds a label, and ann acknowledges it in another window.
        _ = try ws.updateGuideline(project: "p", guideline: Self.guideline(labels: """
              - {value: good, hotkey: g, definition: Good.}
              - {value: bad, hotkey: b, definition: Bad.}
              - {value: meh, hotkey: m, definition: Neither.}
            """), by: "admin")
        try ws.acknowledge(project: "p", annotator: "ann")
        // ann's next answer uses the new label: checked and recorded under v2.
        try ann.submit(project: "p", annotator: "ann", item: first.id, answer: Answer(labels: ["meh"]))
        #expect(try ws.db.scalarInt("SELECT guideline_version FROM annotation WHERE label = 'meh'") == 2)
        // Again with a claim first: v3 arrives and is acknowledged elsewhere; the next claim
        // and answer (one transaction) go under v3.
        let second = try #require(try ann.claimNext(project: "p", annotator: "ann"))
        _ = try ws.updateGuideline(project: "p", guideline: Self.guideline(labels: """
              - {value: good, hotkey: g, definition: Good.}
              - {value: bad, hotkey: b, definition: Bad.}
              - {value: meh, hotkey: m, definition: Neither.}
              - {value: odd, hotkey: o, definition: Strange.}
            """), by: "admin")
        try ws.acknowledge(project: "p", annotator: "ann")
        let (outcome, after) = try ann.submitAndClaimNext(project: "p", annotator: "ann", item: second.id, answer: Answer(labels: ["odd"]))
        #expect(outcome == .recorded)
        #expect(try ws.db.scalarInt("SELECT guideline_version FROM annotation WHERE label = 'odd'") == 3)
        let third = try #require(try after.get())
        // And a claim alone after v4, acknowledged elsewhere: served under v4.
        try ann.submit(project: "p", annotator: "ann", item: third.id, answer: Answer(labels: ["odd"]))
        _ = try ws.updateGuideline(project: "p", guideline: Self.guideline("min_seconds: 0", labels: """
              - {value: good, hotkey: g, definition: Good.}
              - {value: odd, hotkey: o, definition: Strange.}
            """), by: "admin")
        try ws.acknowledge(project: "p", annotator: "ann")
        let fourth = try #require(try ann.claimNext(project: "p", annotator: "ann"))
        #expect(try ws.db.scalarInt("SELECT guideline_version FROM claim WHERE item_id = (SELECT id FROM item WHERE external_id = ?)", .text(fourth.id)) == 4)
    }

    @Test(arguments: TestBackend.available) static func aScreenLearnsOfANewerGuidelineFromAnotherProcessCheaply(_ backend: TestBackend) throws { try Self(backend).aScreenLearnsOfANewerGuidelineFromAnotherProcessCheaply() }

    func aScreenLearnsOfANewerGuidelineFromAnotherProcessCheaply() throws {
        try project(Self.guideline())
        #expect(try ws.newerGuideline(project: "p", than: 1) == nil)
        // Another process (its own connection) records v2.
        let other = try backend.reopen(ws)
        _ = try other.updateGuideline(project: "p", guideline: Self.guideline(labels: """
              - {value: good, hotkey: g, definition: Really good.}
              - {value: bad, hotkey: b, definition: Bad.}
              - {value: meh, hotkey: m, definition: Neither.}
            """), by: "admin")
        let newer = try #require(try ws.newerGuideline(project: "p", than: 1))
        #expect(newer.project.guidelineVersion == 2 && newer.project.guideline.labels.map(\.value) == ["good", "bad", "meh"])
        #expect(newer.changes.map(\.version) == [2])
        #expect(newer.changes.first?.changes?.added == ["meh"] && newer.changes.first?.changes?.definitionsChanged == ["good"])
        #expect(try ws.newerGuideline(project: "p", than: 2) == nil)
        // This connection's own update is seen too (data_version does not change for it).
        _ = try ws.updateGuideline(project: "p", guideline: Self.guideline("min_seconds: 1"), by: "admin")
        #expect(try ws.newerGuideline(project: "p", than: 2)?.project.guidelineVersion == 3)
        // A screen acknowledges the version it showed, not whatever is newest by then.
        try ws.acknowledge(project: "p", annotator: "ann", version: 2)
        #expect(try ws.hasAcknowledged(project: "p", annotator: "ann", version: 2))
        #expect(!(try ws.hasAcknowledged(project: "p", annotator: "ann")))
        #expect(throws: StoreError.unknownGuidelineVersion(project: "p", version: 9)) { try ws.acknowledge(project: "p", annotator: "ann", version: 9) }
    }

    @Test(arguments: TestBackend.available) static func qualificationComesFirstTeachesOnFailureAndCanBeRetried(_ backend: TestBackend) throws { try Self(backend).qualificationComesFirstTeachesOnFailureAndCanBeRetried() }

    func qualificationComesFirstTeachesOnFailureAndCanBeRetried() throws {
        try project(Self.guideline("qualification: {items: q.jsonl, pass_mark: 0.66}"), qualification: Self.qualification)
        try ws.acknowledge(project: "p", annotator: "ann")
        func answerRound(_ labels: [String]) throws -> QualificationResult? {
            var result: QualificationResult?
            for (i, label) in labels.enumerated() {
                let item = try #require(try ws.claimNext(project: "p", annotator: "ann"))
                #expect(item.kind == .qualification(index: i + 1, total: 3))
                if case .qualification(_, _, let r) = try ws.submit(project: "p", annotator: "ann", item: item.id, answer: Answer(labels: [label])) { result = r }
            }
            return result
        }
        let failed = try #require(try answerRound(["bad", "good", "good"]))
        #expect(!failed.passed && failed.correct == 1 && failed.total == 3)
        #expect(failed.misses.map(\.itemText) == ["lovely", "awful"])
        #expect(failed.misses[0].explanation == "praise" && failed.misses[0].definition == "good: Good.")
        // Below the pass mark: no real items, and the reason carries the misses.
        #expect(throws: StoreError.qualificationFailed(failed)) { try ws.claimNext(project: "p", annotator: "ann") }
        try ws.retryQualification(project: "p", annotator: "ann")
        let passed = try #require(try answerRound(["good", "bad", "bad"]))
        #expect(passed.passed && passed.attempt == 2)
        #expect(try ws.claimNext(project: "p", annotator: "ann")?.text == "real item 1")
        // Qualification answers are not annotations.
        #expect(try ws.db.scalarInt("SELECT count(*) FROM annotation") == 0)
    }

    @Test(arguments: TestBackend.available) static func aRetryDrawsItemsNotSeenYetWhenThePoolIsLargerThanARound(_ backend: TestBackend) throws { try Self(backend).aRetryDrawsItemsNotSeenYetWhenThePoolIsLargerThanARound() }

    func aRetryDrawsItemsNotSeenYetWhenThePoolIsLargerThanARound() throws {
        let pool = (1...6).map { GoldItem(id: "q\($0)", text: "qualification text \($0)", label: "good", explanation: "") }
        try project(Self.guideline("qualification: {items: q.jsonl, pass_mark: 1, round_size: 3}"), qualification: pool)
        try ws.acknowledge(project: "p", annotator: "ann")
        /// Answers a whole round wrongly; returns the ids it served.
        func failRound() throws -> [String] {
            var served: [String] = []
            for i in 1...3 {
                let item = try #require(try ws.claimNext(project: "p", annotator: "ann"))
                #expect(item.kind == .qualification(index: i, total: 3))
                served.append(item.id)
                let outcome = try ws.submit(project: "p", annotator: "ann", item: item.id, answer: Answer(labels: ["bad"]))
                if i == 3, case .qualification(_, let total, let result) = outcome { #expect(total == 3 && result?.passed == false && result?.total == 3) }
            }
            return served
        }
        #expect(try failRound() == ["q1", "q2", "q3"])
        try ws.retryQualification(project: "p", annotator: "ann")
        #expect(try failRound() == ["q4", "q5", "q6"])
        // Every item seen once: the ones seen longest ago come back.
        try ws.retryQualification(project: "p", annotator: "ann")
        #expect(try failRound() == ["q1", "q2", "q3"])
        // An item of the pool outside the current round is not taken as a qualification answer.
        try ws.retryQualification(project: "p", annotator: "ann")
        #expect(throws: StoreError.notQualified(annotator: "ann")) {
            try ws.submit(project: "p", annotator: "ann", item: "q1", answer: Answer(labels: ["good"]))
        }
    }

    @Test(arguments: TestBackend.available) static func aGuidelineUpdateStartsANewQualificationRoundInsteadOfFailing(_ backend: TestBackend) throws { try Self(backend).aGuidelineUpdateStartsANewQualificationRoundInsteadOfFailing() }

    func aGuidelineUpdateStartsANewQualificationRoundInsteadOfFailing() throws {
        let g1 = Self.guideline("qualification: {items: q.jsonl, pass_mark: 0.66}")
        try project(g1, qualification: Self.qualification)
        try ws.acknowledge(project: "p", annotator: "ann")
        for label in ["good", "bad", "good"] {
            let item = try #require(try ws.claimNext(project: "p", annotator: "ann"))
            try ws.submit(project: "p", annotator: "ann", item: item.id, answer: Answer(labels: [label]))
        }
        #expect(try ws.claimNext(project: "p", annotator: "ann")?.kind == .item)
        let g2 = Self.guideline("qualification: {items: q.jsonl, pass_mark: 0.66}\nmin_seconds: 1")
        _ = try ws.updateGuideline(project: "p", guideline: g2, by: "admin", qualification: Self.qualification)
        try ws.acknowledge(project: "p", annotator: "ann")
        // Acknowledged again, the next item is a qualification one: v2 is qualified for anew.
        let next = try #require(try ws.claimNext(project: "p", annotator: "ann"))
        #expect(next.kind == .qualification(index: 1, total: 3))
        #expect(try ws.db.scalarInt("SELECT max(attempt) FROM qualification WHERE annotator = 'ann'") == 2)
    }

    @Test(arguments: TestBackend.available) static func goldChecksPauseACarelessAnnotatorAndFlagTheirAnswers(_ backend: TestBackend) throws { try Self(backend).goldChecksPauseACarelessAnnotatorAndFlagTheirAnswers() }

    func goldChecksPauseACarelessAnnotatorAndFlagTheirAnswers() throws {
        // Every other item is gold; 2 misses in the last 4 checks pause (min_accuracy 0.75).
        try project(Self.guideline("gold: {items: g.jsonl, rate: 0.5, window: 4, min_accuracy: 0.75}"), checks: Self.checks, items: 60)
        try ws.acknowledge(project: "p", annotator: "careless")
        var served = 0, gold = 0
        var paused = false
        while served < 60 {
            let item: ClaimedItem
            do { item = try #require(try ws.claimNext(project: "p", annotator: "careless")) }
            catch let e as StoreError { if case .paused = e { paused = true; break }; throw e }
            served += 1
            let isGold = item.text == "wonderful" || item.text == "terrible"
            if isGold { gold += 1 }
            // Answers "good" to everything: right on half the gold.
            try ws.submit(project: "p", annotator: "careless", item: item.id, answer: Answer(labels: ["good"]))
        }
        #expect(paused)
        #expect(gold >= 2)
        // Gold items look like any item (disguised ids), and never become annotations.
        #expect(try ws.db.scalarInt("SELECT count(*) FROM annotation") == Int64(served - gold))
        #expect(try ws.db.scalarInt("SELECT count(*) FROM gold_answer WHERE attempt = 0") == Int64(gold))
        // Their answers since the last passing check wait for review.
        #expect(try ws.db.scalarInt("SELECT count(*) FROM annotation WHERE review_reason = 'gold checks'")! > 0)
        let report = try #require(try ws.annotators(project: "p").first { $0.name == "careless" })
        #expect(report.state == "paused" && report.goldAccuracy! < 0.75)
        // Only an admin lifts the pause.
        #expect(throws: StoreError.self) { try ws.reinstate(project: "p", annotator: "careless", by: "careless") }
        try ws.reinstate(project: "p", annotator: "careless", by: "admin")
        #expect(try ws.claimNext(project: "p", annotator: "careless") != nil)
    }

    @Test(arguments: TestBackend.available) static func goldChecksWearIdsShapedLikeTheProjectsOwn(_ backend: TestBackend) throws { try Self(backend).goldChecksWearIdsShapedLikeTheProjectsOwn() }

    func goldChecksWearIdsShapedLikeTheProjectsOwn() throws {
        try ws.createProject("p", guideline: Self.guideline("gold: {items: g.jsonl, rate: 0.5, window: 50, min_accuracy: 0}"), by: "admin", goldChecks: Self.checks)
        let file = dir + "/r.jsonl"
        try (1...30).map { #"{"id":"r\#(String(format: "%04d", $0))","text":"review \#($0)"}"# }.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        _ = try ws.importItems(project: "p", reader: ItemReader(path: file, format: .jsonl), skipInvalid: false)
        try ws.acknowledge(project: "p", annotator: "a")
        var goldIDs: [String] = []
        for _ in 0..<20 {
            guard let item = try ws.claimNext(project: "p", annotator: "a") else { break }
            if ["wonderful", "terrible"].contains(item.text) { goldIDs.append(item.id) }
            try ws.submit(project: "p", annotator: "a", item: item.id, answer: Answer(labels: ["good"]))
        }
        #expect(!goldIDs.isEmpty)
        for id in goldIDs {
            #expect(id.count == 5 && id.hasPrefix("r") && id.dropFirst().allSatisfy(\.isNumber), "\(id)")
            #expect(try ws.db.scalarInt("SELECT 1 FROM item WHERE external_id = ?", .text(id)) == nil)
        }
    }

    @Test(arguments: TestBackend.available) static func unsurePolicies(_ backend: TestBackend) throws { try Self(backend).unsurePolicies() }

    func unsurePolicies() throws {
        try project(Self.guideline("unsure: forbid"))
        try ws.acknowledge(project: "p", annotator: "a")
        let item = try #require(try ws.claimNext(project: "p", annotator: "a"))
        #expect(throws: StoreError.unsureForbidden) {
            try ws.submit(project: "p", annotator: "a", item: item.id, answer: Answer(labels: ["good"], unsure: true))
        }
        _ = try ws.updateGuideline(project: "p", guideline: Self.guideline("unsure: review"), by: "admin")
        try ws.acknowledge(project: "p", annotator: "a")
        try ws.submit(project: "p", annotator: "a", item: item.id, answer: Answer(labels: ["good"], unsure: true, unsureNote: "sarcasm?"))
        #expect(try ws.db.row("SELECT review_reason, unsure_note FROM annotation")?.values == [.text("unsure"), .text("sarcasm?")])
    }

    @Test(arguments: TestBackend.available) static func guidelineUpdatesRecordChangesAndStaleAnswers(_ backend: TestBackend) throws { try Self(backend).guidelineUpdatesRecordChangesAndStaleAnswers() }

    func guidelineUpdatesRecordChangesAndStaleAnswers() throws {
        try project(Self.guideline(labels: "  - {value: good, hotkey: g, definition: Good.}\n  - {value: bad, hotkey: b, definition: Bad.}\n  - {value: meh, hotkey: m, definition: Meh.}"))
        for who in ["a", "b"] { try ws.acknowledge(project: "p", annotator: who) }
        for (who, label) in [("a", "meh"), ("b", "good")] {
            let item = try #require(try ws.claimNext(project: "p", annotator: who))
            try ws.submit(project: "p", annotator: who, item: item.id, answer: Answer(labels: [label]))
        }
        let v2 = Self.guideline(labels: """
          - {value: positive, renamed_from: good, hotkey: g, definition: Good.}
          - {value: bad, hotkey: b, definition: Clearly bad.}
          - {value: unclear, hotkey: u2, definition: Cannot tell.}
        """.replacingOccurrences(of: "u2", with: "x"))
        #expect(throws: StoreError.self) { try ws.updateGuideline(project: "p", guideline: v2, by: "a") }
        let u = try ws.updateGuideline(project: "p", guideline: v2, by: "admin")
        #expect(u.version == 2)
        #expect(u.changes.added == ["unclear"] && u.changes.removed == ["meh"])
        #expect(u.changes.renamed == [.init(from: "good", to: "positive")])
        #expect(u.changes.definitionsChanged == ["bad"])
        #expect(u.staleAnnotations == 1)   // a's "meh"; b's "good" follows the rename
        #expect(try ws.annotationsPerVersion(project: "p").map(\.annotations) == [2, 0])
        // Agreement sees the renamed label under its new name.
        #expect(try ws.agreementRatings(project: "p").labels.contains("positive"))
    }

    @Test(arguments: TestBackend.available) static func rolesGuardAdminWork(_ backend: TestBackend) throws { try Self(backend).rolesGuardAdminWork() }

    func rolesGuardAdminWork() throws {
        try project(Self.guideline())
        #expect(try ws.role(of: "admin", in: ws.project("p")) == .admin)
        #expect(throws: StoreError.self) { try ws.setRole(project: "p", member: "eve", role: .admin, by: "eve") }
        try ws.setRole(project: "p", member: "rita", role: .reviewer, by: "admin")
        #expect(try ws.role(of: "rita", in: ws.project("p")) == .reviewer)
        #expect(throws: StoreError.lastAdmin("admin")) { try ws.setRole(project: "p", member: "admin", role: .annotator, by: "admin") }
    }
}
