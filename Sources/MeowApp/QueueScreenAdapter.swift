import Foundation
import MeowCore
import MeowStore
import MeowTerminal

/// An annotator's queue in a workspace, as the labeling screen sees it: claims, answers,
/// undo and progress go to the store; items come back as `ScreenItem`s. Before each item it
/// asks the store whether a newer guideline version was recorded (cheap: nothing is read
/// unless another process wrote); if so, the screen shows it for acknowledgement first.
public final class QueueScreenAdapter: LabelingBackend {
    let ws: any LabelingStore
    /// The project as the screen shows it: its guideline version is the one on screen.
    public private(set) var project: Project
    let annotator: String

    public init(workspace: any LabelingStore, project: Project, annotator: String) {
        ws = workspace
        self.project = project
        self.annotator = annotator
    }

    public func next() throws -> ScreenItem? {
        let claimed = prefetched
        prefetched = nil
        if let newer = try ws.newerGuideline(project: project.name, than: project.guidelineVersion) {
            // A claim made with the answer stays held; claimNext serves it again under the new version.
            throw BlockedError(.acknowledge(version: newer.project.guidelineVersion, notice: adopt(newer)))
        }
        if let claimed { return screenItem(claimed) }
        return try blocking { try ws.claimNext(project: project.name, annotator: annotator).map(screenItem) }
    }

    /// The item claimed in the same transaction as the last answer (issue 16.2: one write per
    /// answer); nil when that claim found nothing or was refused, and `next()` asks the store
    /// again, which then says why.
    private var prefetched: ClaimedItem?

    /// Takes a newer guideline version as the one on screen; returns what the acknowledgement
    /// screen says about it.
    private func adopt(_ newer: NewerGuideline, unsavedItem: String? = nil) -> GuidelineNotice {
        let changes = newer.changes.compactMap { c in c.changes.map { (c.version, $0) } }
        let notice = GuidelineNotice(previous: project.guidelineVersion, version: newer.project.guidelineVersion, guideline: newer.project.guideline,
                                     changes: Dictionary(changes, uniquingKeysWith: { first, _ in first }), unsavedItem: unsavedItem)
        project = newer.project
        return notice
    }

    /// Turns the store's refusals that stand between the annotator and work into the screens
    /// that explain them. `item`: the answer in flight, when a newer guideline refused it.
    private func blocking<T>(item: String? = nil, _ body: () throws -> T) throws -> T {
        do { return try body() }
        catch let e as StoreError {
            switch e {
            case .acknowledgementNeeded(_, _, let v):
                if let newer = try ws.newerGuideline(project: project.name, than: project.guidelineVersion) {
                    throw BlockedError(.acknowledge(version: newer.project.guidelineVersion, notice: adopt(newer, unsavedItem: item)))
                }
                throw BlockedError(.acknowledge(version: v))
            case .guidelineChanged:
                guard let newer = try ws.newerGuideline(project: project.name, than: project.guidelineVersion) else { throw e }
                throw BlockedError(.acknowledge(version: newer.project.guidelineVersion, notice: adopt(newer, unsavedItem: item)))
            case .paused(_, let reason): throw BlockedError(.paused(reason))
            case .qualificationFailed(let r): throw BlockedError(.qualificationFailed(Self.summary(r)))
            default: throw e
            }
        }
    }

    /// An answer to an item served under the version on screen is recorded under it even when
    /// a newer one arrived meanwhile (the store keeps the version each item was served under);
    /// the newer one is shown before the next item.
    public func submit(item: String, answer: Answer) throws -> QualificationSummary? {
        prefetched = nil
        let (outcome, next) = try lostIfNotHeld { try blocking(item: item) {
            try ws.submitAndClaimNext(project: project.name, annotator: annotator, item: item,
                                      answer: Answer(value: answer.value, comment: answer.comment, unsure: answer.unsure,
                                                     unsureNote: answer.unsureNote, seconds: answer.seconds), lease: nil, now: Date()) } }
        prefetched = (try? next.get()) ?? nil
        switch outcome {
        case .recorded:
            mine = mine.map { $0 + 1 }
            submitted.append((item, answer.value))
            if submitted.count > 100 { submitted.removeFirst() }
            return nil
        case .qualification(_, _, let result):
            return result.map(Self.summary)
        }
    }

    /// Acknowledges the version the screen showed (a newer one may have arrived meanwhile: it is
    /// shown next).
    public func acknowledge() throws { try ws.acknowledge(project: project.name, annotator: annotator, version: project.guidelineVersion) }
    public func retryQualification() throws { try ws.retryQualification(project: project.name, annotator: annotator) }
    public func recordTooFast() throws { try ws.recordTooFast(project: project.name, annotator: annotator) }

    static func summary(_ r: QualificationResult) -> QualificationSummary {
        QualificationSummary(correct: r.correct, total: r.total, passMark: r.passMark, passed: r.passed,
                             misses: r.misses.map { .init(text: $0.itemText, given: $0.given, correct: $0.correct, explanation: $0.explanation, definition: $0.definition) })
    }

    public func skip(item: String) throws { try lostIfNotHeld { try ws.skip(project: project.name, annotator: annotator, item: item) } }

    /// The lease on the shown item ran out and the queue took it back: not an error to dwell on.
    private func lostIfNotHeld<T>(_ body: () throws -> T) throws -> T {
        do { return try body() }
        catch StoreError.notClaimed(let item, _) {
            throw ItemLostError("your lease on item \(item) ran out and it went back to the queue; here is your next item")
        }
    }
    public func undo() throws -> ScreenItem {
        prefetched = nil
        var item = screenItem(try blocking { try ws.undoLast(project: project.name, annotator: annotator) })
        mine = mine.map { max(0, $0 - 1) }
        // The answer taken back comes back as the draft (spans to correct, not to mark again).
        if let last = submitted.last, last.item == item.id { item.draft = last.value; submitted.removeLast() }
        return item
    }

    /// This session's recent answers, newest last: what undo brings back as a draft.
    private var submitted: [(item: String, value: AnswerValue)] = []
    public func releaseAll() throws {
        prefetched = nil
        try ws.releaseAll(project: project.name, annotator: annotator)
    }
    public func canUndo() throws -> Bool { try ws.hasUndoableAnswer(project: project.name, annotator: annotator) }

    /// The annotator's own count is read once and then kept in step with their answers, so a
    /// long history never costs a count per frame; the team's comes from trigger-kept counters.
    private var mine: Int?

    public func progress() throws -> MeowTerminal.Progress {
        let p = try ws.progress(project: project.name, annotator: annotator, countMine: mine == nil)
        if mine == nil { mine = p.mine }
        return MeowTerminal.Progress(mine: mine ?? 0, teamDone: p.teamDone, teamTotal: p.teamTotal)
    }

    private func screenItem(_ item: ClaimedItem) -> ScreenItem {
        var fields: [(name: String, value: String)] = []
        if !project.guideline.show.isEmpty, let m = item.metadata,
           let obj = try? JSONSerialization.jsonObject(with: Data(m.utf8)) as? [String: Any] {
            for name in project.guideline.show {
                guard let v = obj[name], !(v is NSNull) else { continue }
                fields.append((name, "\(v)"))
            }
        }
        return ScreenItem(id: item.id, text: item.text, fields: fields, kind: item.kind,
                          suggestion: item.suggestion.map { SuggestedAnswer(model: $0.model, value: $0.value, score: $0.score) })
    }
}
