import Foundation
import MeowApp
import MeowCore
import MeowStore
import MeowTerminal

/// A terminal that answers every key with the same label hotkey and times, for each frame,
/// the span from the key being handed to the session to the next screen being handed back
/// (what an annotator waits for). Screens are not kept (a 200x60 grid per frame would be
/// hundreds of MB); only the last one, for a sanity check.
final class TimingTerminal: Terminal {
    var size: (width: Int, height: Int)
    let key: Key
    var keysLeft: Int
    private var keyAt: UInt64 = 0
    var firstDrawAt: UInt64?
    var frames: [Double] = []
    var last: Screen?

    init(width: Int, height: Int, key: Key, keys: Int) {
        size = (width, height)
        self.key = key
        keysLeft = keys
        frames.reserveCapacity(keys)
    }

    func readKey() -> Key? {
        guard keysLeft > 0 else { return nil }
        keysLeft -= 1
        keyAt = nowNs()
        return key
    }

    func draw(_ screen: Screen) {
        let t = nowNs()
        if firstDrawAt == nil { firstDrawAt = t } else { frames.append(Double(t - keyAt) / 1e9) }
        last = screen
    }
}

enum TerminalBench {
    static let width = 200
    static let height = 60

    static func guideline() throws -> Guideline { try Guideline.parse(BenchData.guideline, file: "bench-guideline.md") }

    /// Pure frames: key → state machine → (the answer and the next item as the session would
    /// feed them back) → layout of a full 200x60 grid. No store.
    static func pureFrames(count: Int, long: Bool) throws -> [Double] {
        let g = try guideline()
        let pool: [ScreenItem] = (0..<500).map { k in
            let it = BenchData.item(k)
            return ScreenItem(id: it.id, text: long ? BenchData.longText(k) : it.text, fields: [("stars", String(it.stars))])
        }
        let t0 = Date()
        var state = LabelingState(project: BenchData.project, annotator: "alice", guideline: g, width: width, height: height, now: t0)
        state.apply(.loaded(pool[0], Progress(mine: 0, teamDone: 0, teamTotal: 3_000_000), canUndo: false), now: t0)
        var screen = Screen(width: 0, height: 0)
        state.render(into: &screen, now: t0)
        var samples: [Double] = []
        samples.reserveCapacity(count)
        let key = Key.character(BenchData.hotkeys[0])
        for i in 0..<count {
            let start = nowNs()
            let now = Date()
            let effects = state.handle(key, now: now)
            guard effects.count == 1, case .submit = effects[0] else { throw BenchFailure("terminal: key did not submit: \(effects)") }
            state.apply(.answered, now: now)
            state.apply(.loaded(pool[(i + 1) % pool.count], Progress(mine: i + 1, teamDone: i + 1, teamTotal: 3_000_000), canUndo: true), now: now)
            state.render(into: &screen, now: now)
            samples.append(Double(nowNs() - start) / 1e9)
        }
        guard screen.lines.joined().contains(pool[count % pool.count].id) else { throw BenchFailure("terminal: last frame does not show the item") }
        return samples
    }

    /// The span screen at 200x60 on a 4 KB item holding 50 spans: each frame is one cursor
    /// key (→ across the text, then ← back) handled and the whole grid laid out again, with
    /// the spans coloured, the cursor revealed and the span list drawn.
    static func spanFrames(count: Int) throws -> [Double] {
        let g = try Guideline.parse("""
            ---
            name: bench-spans
            title: Bench entities
            task: spans
            labels:
              - {value: PER, hotkey: p, definition: A person.}
              - {value: LOC, hotkey: l, definition: A place.}
              - {value: ORG, hotkey: o, definition: An organisation.}
              - {value: MISC, hotkey: m, definition: Anything else named.}
            ---
            Mark names.
            """, file: "bench-spans.md")
        let text = BenchData.longText(0)
        let tokens = TextTokens(text)
        let step = max(1, tokens.ranges.count / 50)
        let spans = stride(from: 0, to: tokens.ranges.count, by: step).prefix(50).enumerated().map { i, t in
            Span(start: tokens.ranges[t].lowerBound, end: tokens.ranges[min(t + 1, tokens.ranges.count - 1)].upperBound, label: g.labels[i % g.labels.count].value)
        }
        guard spans.count == 50, (try? g.validate(.spans(spans), comment: nil, text: text)) != nil else { throw BenchFailure("terminal: bad bench spans") }
        let t0 = Date()
        var state = LabelingState(project: BenchData.project, annotator: "alice", guideline: g, width: width, height: height, now: t0)
        state.apply(.loaded(ScreenItem(id: "s1", text: text, draft: .spans(spans)), Progress(mine: 0, teamDone: 0, teamTotal: 3_000_000), canUndo: false), now: t0)
        var screen = Screen(width: 0, height: 0)
        state.render(into: &screen, now: t0)
        var samples: [Double] = []
        samples.reserveCapacity(count)
        let sweep = tokens.ranges.count - 1
        for i in 0..<count {
            let key: Key = (i / sweep) % 2 == 0 ? .right : .left
            let start = nowNs()
            let now = Date()
            _ = state.handle(key, now: now)
            state.render(into: &screen, now: now)
            samples.append(Double(nowNs() - start) / 1e9)
        }
        guard state.spans.count == 50, screen.lines.joined().contains("spans: [") else { throw BenchFailure("terminal: span frame lost its spans") }
        return samples
    }

    struct SessionResult {
        var startup: Double
        var frames: [Double]
        var answers: Int
        var lastScreenShowsItem: Bool
    }

    /// The real `LabelingSession` with `QueueScreenAdapter` on a workspace file: startup is open
    /// workspace + project + claim + progress + first render; each frame is submit + claim next
    /// + progress + canUndo + render (exactly what `meow label` does per key).
    static func session(db: String, annotator: String, keys: Int) throws -> SessionResult {
        // Acknowledging the guideline happens once per annotator and version, not per start.
        try Workspace(path: db).acknowledge(project: BenchData.project, annotator: annotator)
        let t0 = nowNs()
        let ws = try Workspace(path: db)
        let project = try ws.project(BenchData.project)
        let backend = QueueScreenAdapter(workspace: ws, project: project, annotator: annotator)
        let terminal = TimingTerminal(width: width, height: height, key: .character(BenchData.hotkeys[0]), keys: keys)
        let state = LabelingState(project: project.name, annotator: annotator, guideline: project.guideline, width: width, height: height)
        let session = LabelingSession(state: state, terminal: terminal, backend: backend)
        try session.run()
        guard let first = terminal.firstDrawAt else { throw BenchFailure("terminal: nothing drawn") }
        if let m = session.state.message, m.isError { throw BenchFailure("terminal: session error: \(m.text)") }
        let shows = session.state.item.map { item in terminal.last?.lines.joined().contains(item.id) ?? false } ?? false
        return SessionResult(startup: Double(first - t0) / 1e9, frames: terminal.frames, answers: session.state.sessionAnswers,
                             lastScreenShowsItem: shows)
    }
}
