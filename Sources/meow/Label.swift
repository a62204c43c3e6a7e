import ArgumentParser
import CursesTerminal
import Foundation
import MeowCore
import MeowStore
import MeowTerminal

struct Label: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Label items in the terminal, one key per answer.",
        discussion: """
        Keys: the guideline's hotkeys or 1-9 answer (multi-label tasks: toggle, then Enter); u undo; s skip;
        f flag as unsure (with an optional note); c comment; ? guideline; q quit. Every answer is saved before the
        next item shows.
        """)

    @Argument(help: "Project name.") var project: String
    @OptionGroup var user: AnnotatorOption
    @OptionGroup var workspace: WorkspaceOptions

    func run() throws {
        let ws = try workspace.open()
        try LabelScreen.run(workspace: ws, project: project, annotator: user.annotator)
    }
}

enum LabelScreen {
    /// Opens the labeling screen on a project and runs it until the annotator quits.
    static func run(workspace ws: Workspace, project name: String, annotator: String) throws {
        let project = try ws.project(name)
        let backend = WorkspaceBackend(workspace: ws, project: project, annotator: annotator)
        let terminal = try CursesTerminal()
        defer { terminal.restore() }
        let size = terminal.size
        let state = LabelingState(project: project.name, annotator: annotator, guideline: project.guideline, width: size.width, height: size.height)
        let session = LabelingSession(state: state, terminal: terminal, backend: backend)
        try session.run()
        terminal.restore()
        let p = try backend.progress()
        print("\(annotator): \(session.state.sessionAnswers) answers this session, \(p.mine) in all on \(project.name); team \(p.teamDone)/\(p.teamTotal).")
    }
}

/// Adapts the workspace to what the labeling screen needs.
final class WorkspaceBackend: LabelingBackend {
    let ws: Workspace
    let project: Project
    let annotator: String

    init(workspace: Workspace, project: Project, annotator: String) {
        ws = workspace
        self.project = project
        self.annotator = annotator
    }

    func next() throws -> ScreenItem? {
        try ws.claimNext(project: project, annotator: annotator).map(screenItem)
    }

    func submit(item: String, answer: AnswerDraft) throws {
        try ws.submit(project: project.name, annotator: annotator, item: item,
                      answer: Answer(labels: answer.labels, comment: answer.comment, unsure: answer.unsure,
                                     unsureNote: answer.unsureNote, seconds: answer.seconds))
    }

    func skip(item: String) throws { try ws.skip(project: project.name, annotator: annotator, item: item) }
    func undo() throws -> ScreenItem { screenItem(try ws.undoLast(project: project.name, annotator: annotator)) }
    func releaseAll() throws { try ws.releaseAll(project: project.name, annotator: annotator) }
    func canUndo() throws -> Bool { try ws.hasUndoableAnswer(project: project, annotator: annotator) }

    func progress() throws -> MeowTerminal.Progress {
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
