import Testing
@testable import MeowCore

/// The rules the store applies, on hand-made cases.
@Suite("Rules: leakage, gold checks, qualification")
struct RulesTests {
    let rule = LeakageRule(frozenItems: [1, 2], testItems: [1], frozenTexts: [TextNormalizer.normalize("The frozen text!")],
                           frozenGroups: [["doc-7"]])

    @Test func trainingNeverGetsTestDataOrItsNeighbours() {
        func train(_ id: Int64, _ text: String = "fresh", group: String? = nil, labeled: Bool = true) -> LeakageRule.Placement {
            rule.place(item: id, text: text, groups: [group], hasFinalLabel: labeled, split: .train, raw: false)
        }
        #expect(train(1) == .test)
        #expect(train(2) == .frozen)
        #expect(train(3, "the FROZEN   text") == .sameTextAsFrozen)
        #expect(train(4, group: "doc-7") == .sameGroupAsFrozen)
        #expect(train(5, group: "doc-8") == .train)
        #expect(train(6, labeled: false) == .withoutFinalLabel)
        for p in [LeakageRule.Placement.test, .frozen, .sameTextAsFrozen, .sameGroupAsFrozen, .withoutFinalLabel] {
            #expect(LeakageRule.rowSplit(p, in: .train) == nil, "\(p) must stay out of training")
        }
        #expect(LeakageRule.rowSplit(.train, in: .train) == "train")
    }

    @Test func allMarksEachRowAndTestHoldsOnlyTheSet() {
        #expect(LeakageRule.rowSplit(rule.place(item: 1, text: "x", groups: [nil], hasFinalLabel: true, split: .all, raw: false), in: .all) == "test")
        #expect(LeakageRule.rowSplit(rule.place(item: 2, text: "x", groups: [nil], hasFinalLabel: true, split: .all, raw: false), in: .all) == "frozen")
        #expect(LeakageRule.rowSplit(.sameGroupAsFrozen, in: .all) == "excluded")
        #expect(rule.place(item: 2, text: "x", groups: [nil], hasFinalLabel: true, split: .test, raw: false) == .notInSplit)
        // Raw exports of everything include answers to items still without a final label.
        #expect(rule.place(item: 9, text: "x", groups: [nil], hasFinalLabel: false, split: .all, raw: true) == .train)
    }

    @Test func goldChecksPauseAsSoonAsTheWindowCannotRecover() {
        let checks = Enforcement.GoldChecks(items: .init(file: nil, inline: []), rate: 0.1, window: 5, minAccuracy: 0.6)
        // 60% over 5 allows 2 misses; a third pauses.
        #expect(checks.verdict(recent: [true, true, true]) == .clean)
        #expect(checks.verdict(recent: [false, true, false, true, true]) == .carryOn)
        if case .pause(let reason) = checks.verdict(recent: [false, false, false]) {
            #expect(reason.contains("0%") && reason.contains("3 checks") && reason.contains("60%"))
        } else { Issue.record("three misses in a window of 5 at 60% must pause") }
        // Only the window counts: old misses beyond it do not.
        #expect(checks.verdict(recent: [true, true, true, true, true, false, false, false]) == .clean)
    }

    @Test func goldTurnsFollowTheRateAndAreReproducible() {
        let checks = Enforcement.GoldChecks(items: .init(file: nil, inline: []), rate: 0.1, window: 5, minAccuracy: 0.6)
        let turns = (0..<10_000).filter { checks.isGoldTurn(project: "p", annotator: "ann", served: $0) }.count
        #expect(abs(Double(turns) / 10_000 - 0.1) < 0.015)
        #expect(checks.isGoldTurn(project: "p", annotator: "ann", served: 17) == checks.isGoldTurn(project: "p", annotator: "ann", served: 17))
    }

    @Test func qualificationPassMark() {
        let q = Enforcement.Qualification(items: .init(file: nil, inline: []), passMark: 0.8)
        #expect(q.passed(correct: 5, total: 6))
        #expect(q.passed(correct: 4, total: 5))
        #expect(!q.passed(correct: 4, total: 6))
        #expect(!q.passed(correct: 0, total: 0))
    }

    @Test func aQualificationRetryDrawsUnseenItemsThenTheLeastRecentlySeen() {
        let pool = ["q1", "q2", "q3", "q4", "q5", "q6", "q7", "q8", "q9", "q10"]
        // No round size, or a round as big as the pool: the whole pool, in its order.
        #expect(QualificationRound.draw(pool: pool, roundSize: nil, lastServed: [:]) == pool)
        #expect(QualificationRound.draw(pool: pool, roundSize: 10, lastServed: ["q1": 1]) == pool)
        // The first round is the head of the pool.
        let first = QualificationRound.draw(pool: pool, roundSize: 4, lastServed: [:])
        #expect(first == ["q1", "q2", "q3", "q4"])
        // A retry takes items not seen yet...
        let seen1 = Dictionary(uniqueKeysWithValues: first.map { ($0, 1) })
        let second = QualificationRound.draw(pool: pool, roundSize: 4, lastServed: seen1)
        #expect(second == ["q5", "q6", "q7", "q8"])
        // ...and once fewer are left than a round holds, the ones seen longest ago.
        let seen2 = seen1.merging(second.map { ($0, 2) }) { $1 }
        #expect(QualificationRound.draw(pool: pool, roundSize: 4, lastServed: seen2) == ["q1", "q2", "q9", "q10"])
        let seen3 = seen2.merging(["q1": 3, "q2": 3, "q9": 3, "q10": 3]) { $1 }
        #expect(QualificationRound.draw(pool: pool, roundSize: 4, lastServed: seen3) == ["q3", "q4", "q5", "q6"])
    }
}

/// The one place a label column is joined and split, and the JSON value beside it.
@Suite("AnswerValue")
struct AnswerValueTests {
    @Test func labelColumnRoundTripsAndJSONEscapes() {
        for labels in [["pos"], ["insult", "threat"], ["a\"b", "c\\d"], ["😀", "漢字"]] {
            let v = AnswerValue.labels(labels)
            #expect(AnswerValue.labels(inColumn: v.labelColumn) == labels)
        }
        #expect(AnswerValue.labels(["a", "b"]).labelColumn == "a,b")
        #expect(AnswerValue.labels(["x\"y"]).json == #"{"labels":["x\"y"]}"#)
        #expect(Answer(labels: ["p"], comment: "c").value == .labels(["p"]))
    }
}
