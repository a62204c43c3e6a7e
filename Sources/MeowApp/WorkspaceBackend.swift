import Foundation
import MeowCore
import MeowStore
import MeowTerminal

/// Adapts the workspace to what the labeling screen needs.
public final class WorkspaceBackend: LabelingBackend {
    let ws: Workspace
    let project: Project
    let annotator: String

    public init(workspace: Workspace, project: Project, annotator: String) {
        ws = workspace
        self.project = project
        self.annotator = annotator
    }

    public func next() throws -> ScreenItem? {
        try ws.claimNext(project: project, annotator: annotator).map(screenItem)
    }

    public func submit(item: String, answer: AnswerDraft) throws {
        try ws.submit(project: project.name, annotator: annotator, item: item,
                      answer: Answer(labels: answer.labels, comment: answer.comment, unsure: answer.unsure,
                                     unsureNote: answer.unsureNote, seconds: answer.seconds))
    }

    public func skip(item: String) throws { try ws.skip(project: project.name, annotator: annotator, item: item) }
    public func undo() throws -> ScreenItem { screenItem(try ws.undoLast(project: project.name, annotator: annotator)) }
    public func releaseAll() throws { try ws.releaseAll(project: project.name, annotator: annotator) }
    public func canUndo() throws -> Bool { try ws.hasUndoableAnswer(project: project, annotator: annotator) }

    public func progress() throws -> MeowTerminal.Progress {
        let p = try ws.progress(project: project, annotator: annotator)
        return MeowTerminal.Progress(mine: p.mine, teamDone: p.teamDone, teamTotal: p.teamTotal)
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
        return ScreenItem(id: item.id, text: item.text, fields: fields)
    }
}
