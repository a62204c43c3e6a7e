import ArgumentParser
import CursesTerminal
import Foundation
import MeowCore
import MeowStore
import MeowTerminal
import MeowApp

struct Label: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "label",
        abstract: "Label items in the terminal, one key per answer.",
        discussion: """
        Keys: the guideline's hotkeys or 1-9 answer (multi-label tasks: toggle, then Enter); u undo; s skip;
        f flag as unsure (with an optional note); c comment; ? guideline; q quit. Every answer is saved before the
        next item shows. A model suggestion (meow suggest) starts pre-selected: Enter accepts it, any other answer
        overrides it.
        Spans tasks: ←→ move over tokens, [ ] or shift+←→ select, a label key marks, x removes the span under the
        cursor, Enter submits. Rate tasks: the scale point's digit. Compare tasks: a (A better), b, t (tie), x (both bad).
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
    static func run(workspace ws: any LabelingStore, project name: String, annotator: String) throws {
        let project = try ws.project(name)
        let backend = QueueScreenAdapter(workspace: ws, project: project, annotator: annotator)
        try Console.flush()   // what was said before the screen opens is shown first
        let terminal = try CursesTerminal()
        defer { terminal.restore() }
        let size = terminal.size
        let state = LabelingState(project: project.name, annotator: annotator, guideline: project.guideline, width: size.width, height: size.height)
        let session = LabelingSession(state: state, terminal: terminal, backend: backend)
        try session.run()
        terminal.restore()
        let p = try backend.progress()
        out("\(annotator): \(session.state.sessionAnswers) answers this session, \(p.mine) in all on \(project.name); team \(p.teamDone)/\(p.teamTotal).")
    }
}

