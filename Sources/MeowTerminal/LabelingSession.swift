import Foundation
import MeowCore

/// What the session needs from the store. The `meow` command adapts `Workspace` to it, so
/// this module never sees SQL.
public protocol LabelingBackend: AnyObject {
    /// The item the annotator holds or the next one claimed for them; nil when none is left.
    /// Throws `BlockedError` when the guideline's rules stand in the way.
    func next() throws -> ScreenItem?
    /// Records an answer; returns the summary when it completed a qualification round.
    func submit(item: String, answer: Answer) throws -> QualificationSummary?
    func acknowledge() throws
    func retryQualification() throws
    func recordTooFast() throws
    func skip(item: String) throws
    /// Takes back the last answer and returns its item, claimed again.
    func undo() throws -> ScreenItem
    func releaseAll() throws
    func progress() throws -> Progress
    func canUndo() throws -> Bool
}

/// Thrown by a backend's `next()` when the annotator cannot be given an item yet.
public struct BlockedError: Error, Sendable {
    public var blocker: Blocker
    public init(_ blocker: Blocker) { self.blocker = blocker }
}

/// Thrown by a backend when the item on screen is no longer the annotator's (the lease ran
/// out and the queue gave it to someone else): the screen says so and moves on.
public struct ItemLostError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// Runs the labeling screen: draws the state, reads a key, runs the effects against the
/// backend, feeds the results back. Every answer is committed before the next item is drawn.
public final class LabelingSession {
    public private(set) var state: LabelingState
    let terminal: Terminal
    let backend: LabelingBackend
    let clock: () -> Date

    public init(state: LabelingState, terminal: Terminal, backend: LabelingBackend, clock: @escaping () -> Date = Date.init) {
        self.state = state
        self.terminal = terminal
        self.backend = backend
        self.clock = clock
    }

    /// Loads the first item and runs until the annotator quits (or the keys run out).
    public func run() throws {
        let size = terminal.size
        state.width = size.width
        state.height = size.height
        try perform([.loadNext])
        var screen = Screen(width: 0, height: 0)
        while state.mode != .quitting {
            state.render(into: &screen, now: clock())
            terminal.draw(screen)
            guard let key = terminal.readKey() else { break }
            try perform(state.handle(key, now: clock()))
        }
        try backend.releaseAll()
    }

    /// Runs effects; a store error becomes a message on screen, never a lost answer.
    func perform(_ effects: [Effect]) throws {
        for effect in effects {
            do {
                switch effect {
                case .loadNext:
                    try load(backend.next())
                case .submit(let item, let answer):
                    let finished = try backend.submit(item: item, answer: answer)
                    state.apply(.answered, now: clock())
                    if let finished { state.apply(.qualificationFinished(finished), now: clock()) } else { try load(backend.next()) }
                case .acknowledge:
                    try backend.acknowledge()
                    try load(backend.next())
                case .retryQualification:
                    try backend.retryQualification()
                    try load(backend.next())
                case .tooFast:
                    try backend.recordTooFast()
                case .skip(let item):
                    try backend.skip(item: item)
                    try load(backend.next())
                case .undo:
                    let item = try backend.undo()
                    state.apply(.undone, now: clock())
                    try load(item)
                case .quit:
                    return
                }
            } catch let lost as ItemLostError {
                try? load(backend.next())
                state.apply(.refused(lost.description), now: clock())
            } catch let b as BlockedError {
                if let p = try? backend.progress() { state.progress = p }
                state.apply(.blocked(b.blocker), now: clock())
            } catch {
                state.apply(.refused("\(error)"), now: clock())
            }
        }
    }

    private func load(_ item: ScreenItem?) throws {
        state.apply(.loaded(item, try backend.progress(), canUndo: try backend.canUndo()), now: clock())
    }
}
