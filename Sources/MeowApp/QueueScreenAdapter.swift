import Foundation
import MeowCore
import MeowStore
import MeowTerminal

/// An annotator's queue in a workspace, as the labeling screen sees it: claims, answers,
/// undo and progress go to the store; items come back as `ScreenItem`s.
public final class QueueScreenAdapter: LabelingBackend {
    let ws: any LabelingStore
    let project: Project
    let annotator: String

    public init(workspace: any LabelingStore, project: Project, annotator: String) {
        ws = workspace
        self.project = project
        self.annotator = annotator
    }

    public func next() throws -> ScreenItem? {
        do {
            return try ws.claimNext(project: project.name, annotator: annotator).map(screenItem)
        } catch let e as StoreError {
            switch e {
            case .acknowledgementNeeded(_, _, let v): throw BlockedError(.acknowledge(version: v))
            case .paused(_, let reason): throw BlockedError(.paused(reason))
            case .qualificationFailed(let r): throw BlockedError(.qualificationFailed(Self.summary(r)))
            default: throw e
            }
        }
    }

    public func submit(item: String, answer: Answer) throws -> QualificationSummary? {
        let outcome = try lostIfNotHeld { try ws.submit(project: project.name, annotator: annotator, item: item,
                                    answer: Answer(labels: answer.labels, comment: answer.comment, unsure: answer.unsure,
                                                   unsureNote: answer.unsureNote, seconds: answer.seconds)) }
        switch outcome {
        case .recorded:
            mine = mine.map { $0 + 1 }
            return nil
        case .qualification(_, _, let result):
            return result.map(Self.summary)
        }
    }

    public func acknowledge() throws { try ws.acknowledge(project: project.name, annotator: annotator) }
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
        let item = screenItem(try ws.undoLast(project: project.name, annotator: annotator))
        mine = mine.map { max(0, $0 - 1) }
        return item
    }
    public func releaseAll() throws { try ws.releaseAll(project: project.name, annotator: annotator) }
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
        return ScreenItem(id: item.id, text: item.text, fields: fields, kind: item.kind)
    }
}
