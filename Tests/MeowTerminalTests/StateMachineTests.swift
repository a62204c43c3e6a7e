import Foundation
import Testing
import MeowCore
@testable import MeowTerminal

@Suite("Labeling state machine: every key")
struct StateMachineTests {
    @Test func aHotkeyAnswersASingleLabelItemAtOnce() {
        var s = Fixtures.state()
        let effects = s.press("p")
        #expect(effects == [.submit(item: "r1", answer: Answer(labels: ["positive"], comment: nil, unsure: false, unsureNote: nil, seconds: 10))])
    }

    @Test func digitsAnswerInLabelOrder() {
        var s = Fixtures.state()
        #expect(s.press("2") == [.submit(item: "r1", answer: Answer(labels: ["negative"], comment: nil, unsure: false, unsureNote: nil, seconds: 10))])
        var t = Fixtures.state()
        #expect(t.press("9").isEmpty)
        #expect(t.message?.isError == true)
    }

    @Test func multiLabelKeysToggleAndEnterSubmits() {
        var s = Fixtures.state(Fixtures.multilabel)
        #expect(s.press("it").isEmpty)
        #expect(s.selected == ["insult", "threat"])
        #expect(s.press("t").isEmpty)
        #expect(s.selected == ["insult"])
        #expect(s.press("p<enter>") == [.submit(item: "r1", answer: Answer(labels: ["insult", "profanity"], comment: nil, unsure: false, unsureNote: nil, seconds: 10))])
    }

    @Test func schemaRulesRefuseInlineAndKeepTheItem() {
        var s = Fixtures.state(Fixtures.multilabel)
        #expect(s.press("<enter>").isEmpty)
        #expect(s.message?.text == "not saved: no label given")
        #expect(s.press("in<enter>").isEmpty)
        #expect(s.message?.text == "not saved: labels 'none' and 'insult' exclude each other")
        #expect(s.item?.id == "r1")
        var c = Fixtures.state()
        #expect(c.press("o").isEmpty)
        #expect(c.message?.text == "not saved: label 'other' requires a comment saying why")
    }

    @Test func commentIsTypedAndSentWithTheAnswer() {
        var s = Fixtures.state()
        #expect(s.press("c").isEmpty)
        #expect(s.mode == .typing(.comment("")))
        #expect(s.press("a chairx<bs><enter>").isEmpty)
        #expect(s.comment == "a chair")
        #expect(s.mode == .labeling)
        #expect(s.press("o") == [.submit(item: "r1", answer: Answer(labels: ["other"], comment: "a chair", unsure: false, unsureNote: nil, seconds: 10))])
    }

    @Test func escCancelsTyping() {
        var s = Fixtures.state()
        _ = s.press("cabc<esc>")
        #expect(s.comment == "")
        #expect(s.mode == .labeling)
    }

    @Test func fFlagsUnsureWithAnOptionalNote() {
        var s = Fixtures.state()
        _ = s.press("fsarcasm?<enter>")
        #expect(s.unsure && s.unsureNote == "sarcasm?")
        #expect(s.press("n") == [.submit(item: "r1", answer: Answer(labels: ["negative"], comment: nil, unsure: true, unsureNote: "sarcasm?", seconds: 10))])
        var t = Fixtures.state()
        _ = t.press("f<enter>")
        #expect(t.unsure && t.unsureNote.isEmpty)
        _ = t.press("f")
        #expect(!t.unsure)
    }

    @Test func labelKeysTypeTextWhileTyping() {
        var s = Fixtures.state()
        #expect(s.press("cpq").isEmpty)
        #expect(s.mode == .typing(.comment("pq")))
    }

    @Test func uUndoesSSkipsQQuits() {
        var s = Fixtures.state()
        #expect(s.press("u") == [.undo])
        #expect(s.press("s") == [.skip(item: "r1")])
        #expect(s.press("q") == [.quit])
        #expect(s.mode == .quitting)
        var c = Fixtures.state()
        #expect(c.press("<C-c>") == [.quit])
    }

    @Test func undoWithNothingToUndoSaysSo() {
        var s = LabelingState(project: "p", annotator: "a", guideline: Fixtures.classify, width: 80, height: 24)
        s.apply(.loaded(ScreenItem(id: "x", text: "t"), Progress(), canUndo: false))
        #expect(s.press("u").isEmpty)
        #expect(s.message?.text == "nothing to undo yet")
    }

    @Test func questionMarkOpensTheGuidelineAndScrolls() {
        var s = Fixtures.state(height: 24)
        _ = s.press("?")
        #expect(s.mode == .guideline(scroll: 0))
        _ = s.press("jj<down>")
        #expect(s.mode == .guideline(scroll: 3))
        _ = s.press("k")
        #expect(s.mode == .guideline(scroll: 2))
        // Label keys do nothing in the guideline.
        #expect(s.press("p").isEmpty)
        _ = s.press("?")
        #expect(s.mode == .labeling)
    }

    @Test func arrowsScrollALongItem() {
        var s = Fixtures.state(text: String(repeating: "word ", count: 2000))
        _ = s.press("<down><down>")
        #expect(s.scroll == 2)
        _ = s.press("<up>")
        #expect(s.scroll == 1)
        _ = s.press("<pgdn>")
        #expect(s.scroll == 1 + s.textRows - 1)
    }

    @Test func resizeKeepsStateAndTooSmallRefusesAnswers() {
        var s = Fixtures.state()
        _ = s.press("c")
        _ = s.handle(.resize(width: 120, height: 40))
        #expect(s.width == 120 && s.mode == .typing(.comment("")))
        for (w, h) in [(59, 16), (60, 15)] {
            var t = Fixtures.state()
            _ = t.handle(.resize(width: w, height: h))
            #expect(t.isTooSmall)
            #expect(t.press("p").isEmpty)
            #expect(t.press("q") == [.quit])
        }
        // 60x16 is enough: a split tmux pane still labels.
        var u = Fixtures.state()
        _ = u.handle(.resize(width: 60, height: 16))
        #expect(!u.isTooSmall && u.isCompact)
        #expect(u.press("p").count == 1)
    }

    @Test func anEmptyQueueOffersUndoGuidelineAndQuit() {
        var s = Fixtures.state()
        s.apply(.loaded(nil, Progress(mine: 5, teamDone: 40, teamTotal: 40), canUndo: true))
        #expect(s.mode == .empty)
        #expect(s.press("p").isEmpty)
        #expect(s.press("u") == [.undo])
        _ = s.press("?")
        #expect(s.mode == .guideline(scroll: 0))
        _ = s.press("q")
        #expect(s.mode == .empty)
        #expect(s.press("q") == [.quit])
    }

    @Test func aNewItemClearsTheDraft() {
        var s = Fixtures.state(Fixtures.multilabel)
        _ = s.press("ifnote<enter>cwhy<enter>")
        s.apply(.loaded(ScreenItem(id: "r2", text: "next"), Progress(), canUndo: true))
        #expect(s.selected.isEmpty && !s.unsure && s.comment.isEmpty && s.scroll == 0)
    }

    @Test func itemsPerHourCountsThisSessionsAnswers() {
        var s = Fixtures.state()   // the first item was shown at t = 100
        s.apply(.answered)
        s.apply(.answered)
        #expect(s.itemsPerHour(now: Date(timeIntervalSince1970: 3700)) == 2)
        s.apply(.undone)
        #expect(s.sessionAnswers == 1)
    }

    @Test func itemsPerHourCountRealItemsOnlyNotQualificationAnswers() {
        var s = LabelingState(project: "reviews", annotator: "alice", guideline: Fixtures.classify, width: 80, height: 24, now: Date(timeIntervalSince1970: 0))
        // Half an hour of qualification: six answers that are not labeling.
        for i in 1...6 {
            s.apply(.loaded(ScreenItem(id: "q\(i)", text: "practice", kind: .qualification(index: i, total: 6)), Progress(), canUndo: false),
                    now: Date(timeIntervalSince1970: Double(i) * 300 - 300))
            s.apply(.answered, now: Date(timeIntervalSince1970: Double(i) * 300))
        }
        #expect(s.sessionAnswers == 0)
        #expect(s.itemsPerHour(now: Date(timeIntervalSince1970: 1800)) == nil)
        // Then real items from t = 1800: three in the next half hour is 6 an hour.
        for i in 1...3 {
            s.apply(.loaded(ScreenItem(id: "r\(i)", text: "real"), Progress(), canUndo: true), now: Date(timeIntervalSince1970: 1800 + Double(i - 1) * 600))
            s.apply(.answered)
        }
        #expect(s.sessionAnswers == 3)
        #expect(s.itemsPerHour(now: Date(timeIntervalSince1970: 3600)) == 6)
        let header = s.render(now: Date(timeIntervalSince1970: 3600)).lines[1]
        #expect(header.contains("6 items/h"), "\(header)")
    }
}

@Suite("Labeling state machine: guideline enforcement")
struct EnforcementStateTests {
    static let strict: Guideline = {
        var g = Fixtures.classify
        g.enforcement.minSeconds = 3
        g.enforcement.unsure = .forbid
        return g
    }()

    @Test func acknowledgementNeedsTheEndOfTheGuidelineThenEnter() {
        var s = Fixtures.state(width: 80, height: 24)
        // A long guideline so that it does not fit on one screen.
        s.guideline.body = (1...60).map { "Line \($0) of the guideline." }.joined(separator: "\n\n")
        s.apply(.blocked(.acknowledge(version: 2)))
        #expect(s.mode == .acknowledge(scroll: 0, reachedEnd: false))
        #expect(s.press("<enter>").isEmpty)
        #expect(s.message?.text.contains("scroll to the end") == true)
        #expect(s.press("p").isEmpty)   // label keys do nothing here
        _ = s.press("G")
        guard case .acknowledge(_, true) = s.mode else { Issue.record("end not reached: \(s.mode)"); return }
        #expect(s.press("<enter>") == [.acknowledge])
    }

    @Test func aGuidelineUpdateReplacesTheGuidelineAndItsKeys() {
        var s = Fixtures.state()
        let v2 = Fixtures.classifyV2
        var changes = GuidelineChanges()
        changes.added = ["mixed"]
        s.apply(.blocked(.acknowledge(version: 2, notice: GuidelineNotice(previous: 1, version: 2, guideline: v2, changes: [2: changes], unsavedItem: "q3"))))
        let lines = s.render().lines.joined(separator: "\n")
        #expect(lines.contains("Guideline v2 replaced v1 while you were labeling") && lines.contains("· added: mixed"))
        #expect(lines.contains("Your answer to q3 was not saved: it came after v2."))
        #expect(s.item == nil && s.press("m").isEmpty)
        _ = s.press("G")
        #expect(s.press("<enter>") == [.acknowledge])
        s.apply(.loaded(ScreenItem(id: "r2", text: "meh"), Progress(), canUndo: true))
        // The new label answers; the notice is gone from the guideline view.
        guard case .submit(_, let answer)? = s.press("m").first else { Issue.record("m did not answer"); return }
        #expect(answer.labels == ["mixed"])
        _ = s.press("?")
        #expect(!s.render().lines.joined().contains("replaced v1"))
    }

    @Test func qualificationResultKeys() {
        let failed = QualificationSummary(correct: 1, total: 2, passMark: 1, passed: false,
                                          misses: [.init(text: "lovely", given: "bad", correct: "good", explanation: "praise", definition: "good: Good.")])
        var s = Fixtures.state()
        s.apply(.qualificationFinished(failed))
        #expect(s.press("<enter>").isEmpty)
        let lines = s.render().lines.joined(separator: "\n")
        #expect(lines.contains("Not qualified yet: 1/2 correct") && lines.contains("why: praise") && lines.contains("definition — good: Good."))
        _ = s.press("?")
        _ = s.press("q")
        #expect(s.mode == .qualificationResult(failed, scroll: 0))
        #expect(s.press("r") == [.retryQualification])
        var p = Fixtures.state()
        p.apply(.qualificationFinished(QualificationSummary(correct: 2, total: 2, passMark: 1, passed: true, misses: [])))
        #expect(p.press("r").isEmpty)
        #expect(p.press("<enter>") == [.loadNext])
    }

    @Test func tooFastAnswersAreRefusedAndCounted() {
        var s = Fixtures.state(Self.strict)   // shown at t=100
        #expect(s.press("p", now: Date(timeIntervalSince1970: 101)) == [.tooFast])
        #expect(s.message?.text.contains("too fast: take at least 3 s") == true)
        #expect(s.press("p", now: Date(timeIntervalSince1970: 103.5)).count == 1)
    }

    @Test func unsureCanBeForbidden() {
        var s = Fixtures.state(Self.strict)
        #expect(s.press("f").isEmpty)
        #expect(s.mode == .labeling && !s.unsure)
        #expect(s.message?.text.contains("does not allow unsure") == true)
    }

    @Test func pausedScreenOffersOnlyTheGuidelineAndQuit() {
        var s = Fixtures.state()
        s.apply(.blocked(.paused("gold-check accuracy 40% over the last 5 checks is below 60%")))
        #expect(s.press("p").isEmpty)
        let text = s.render().lines.joined(separator: "\n")
        #expect(text.contains("You are paused in reviews.") && text.contains("meow annotators reinstate reviews alice"))
        #expect(s.press("q") == [.quit])
    }
}
