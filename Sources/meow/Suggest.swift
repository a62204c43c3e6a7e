import ArgumentParser
import Foundation
import MeowCore
import MeowStore

/// `import`, `uncertainty`, `random`: the order the queue serves items in.
enum QueueOrderOption: String, CaseIterable, ExpressibleByArgument {
    case `import`, uncertainty, random
}

struct Suggest: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "suggest",
        abstract: "Load a model's suggestions (shown pre-selected while labeling), and set the queue's order.",
        discussion: """
        The file is JSONL {"item","model","label"|"labels"|"spans","score"} or CSV with those columns: one
        suggestion per item and model; loading a model again replaces its suggestions for those items. Items the
        project lacks and labels the guideline lacks are refused with their lines, and nothing is loaded.
        The labeling screen pre-selects the suggestion (Enter accepts it); `meow next --json` includes it;
        every answer records whether one was shown and whether it was accepted.
        --order uncertainty serves the least confident items first (lowest score), --order random --seed S a
        fixed shuffle, --order import the import order again; priority always comes first. Without a file,
        --order only rearranges the queue. The guideline's `order:` applies when --order is not given.
        """)

    @Argument(help: "Project name.") var project: String
    @Argument(help: "The suggestions file (JSONL or CSV).") var file: String?
    @Option(help: "Suggestions file layout: jsonl or csv (default: from the extension, else JSONL when the file starts with '{').")
    var format: LongFormat?
    @Option(help: ArgumentHelp("The model's name, for rows without a `model` field.", valueName: "name")) var model: String?
    @Option(help: "The order the queue serves items in (within each priority).") var order: QueueOrderOption?
    @Option(help: "Seed for --order random.") var seed: UInt64?
    @OptionGroup var workspace: WorkspaceOptions

    func validate() throws {
        if file == nil && order == nil { throw ValidationError("give a suggestions file, --order, or both") }
        if seed != nil && order != .random { throw ValidationError("--seed goes with --order random") }
        if let model, model.isEmpty { throw ValidationError("--model needs a name") }
    }

    var queueOrder: QueueOrder? { order.flatMap { QueueOrder(name: $0.rawValue, seed: seed ?? 0) } }

    func run() throws {
        let ws = try workspace.open()
        let user = try LoginUser.name
        guard let file else {
            guard let queueOrder else { return }
            let n = try ws.reorderQueue(project: project, order: queueOrder, by: user)
            out("queue of \(TerminalText.safeInline(project)) (\(n) items) now in \(queueOrder) order")
            return
        }
        let rows: [SuggestionRow]
        do { rows = try SuggestionReader.read(path: file, format: format, model: model) } catch { throw UserFacingError(error.description) }
        let load: SuggestionLoad
        do { load = try ws.loadSuggestions(project: project, rows: rows, file: file, order: queueOrder, by: user) }
        catch let e as ImportError { throw UserFacingError(e.description) }
        let models = load.models.map(TerminalText.safeInline).joined(separator: ", ")
        out("loaded \(load.rows) suggestions into \(TerminalText.safeInline(project)) from \(TerminalText.safeInline(file)) (model \(models)): \(load.added) new, \(load.replaced) replaced")
        if load.frozenItems > 0 {
            info("  \(load.frozenItems) are for items of a frozen test set: stored, never shown (the queue does not serve those items)")
        }
        if let o = load.order { info("  queue now in \(o) order") }
    }
}
