import ArgumentParser
import Foundation
import MeowCore
import MeowStore

struct Evaluate: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "evaluate",
        abstract: "Score a model's predictions on a frozen test set, beside the random, majority, heuristic and human baselines.",
        discussion: """
        Predictions: JSONL {"item","label","score"?} or CSV with item,label[,score] columns, one per frozen
        item. Reports accuracy, macro-F1, per-label precision, recall and F1, the confusion matrix, 95% bootstrap
        intervals, and a paired bootstrap against each baseline. Frozen items without a prediction are scored as
        wrong and listed. Refuses a frozen set that fails its hash check, predictions for items outside the set,
        and labels not in the guideline.
        """)
    @Argument(help: "Project name.") var project: String
    @Option(help: "The frozen set (default: the newest).") var frozen: String?
    @Option(help: ArgumentHelp("The model's predictions (JSONL or CSV: item, label, optional score).", valueName: "file"))
    var predictions: String
    @Option(help: ArgumentHelp("A rule set to compare with as the heuristic baseline (as for `meow baselines`).", valueName: "rules.yaml"))
    var heuristic: String?
    @Option(help: ArgumentHelp("The set hash recorded when the set was frozen (printed by `meow freeze`).", valueName: "sethash"))
    var expect: String?
    @Option(help: ArgumentHelp("Bootstrap resamples for the intervals and the paired comparisons (0: none).", valueName: "n"))
    var bootstrap: Int = 1000
    @Option(help: "Seed for the bootstrap.") var seed: UInt64 = 0
    @Flag(help: "Print one JSON object.") var json = false
    @Option(help: ArgumentHelp("Also write a self-contained HTML report.", valueName: "file")) var html: String?
    @OptionGroup var workspace: WorkspaceOptions

    func validate() throws {
        if bootstrap < 0 || bootstrap > 100_000 { throw ValidationError("--bootstrap must be between 0 and 100000") }
    }

    func run() throws {
        let ws = try workspace.open()
        let set = try FrozenSetInput.load(ws, project: project, frozen: frozen, expect: expect)
        guard set.task == .classify else {
            throw UserFacingError("meow evaluate scores single-label (classify) tasks; this guideline is \(set.task.rawValue)")
        }
        let rules = try heuristic.map { try set.loadRules($0) }
        let read: [Prediction]
        do { read = try PredictionReader.read(path: predictions) } catch { throw UserFacingError(error.description) }
        var report: EvaluationReport
        do {
            report = try evaluatePredictions(file: predictions, predictions: read, final: set.final, labels: set.labels,
                                             answers: set.votes, heuristic: rules, texts: set.texts, bootstrap: bootstrap, seed: seed)
        } catch {
            throw UserFacingError("refusing to score: " + error.description)
        }
        report.frozenSet = set.name
        report.setHash = set.setHash
        if let html {
            let file = try OutputFile(html, protecting: [workspace.filePath])
            try file.write(report.html(title: "Evaluation — \(project), frozen set \(set.name)"))
            try file.commit()
        }
        if json {
            try printJSON(report)
        } else {
            out(report.text())
        }
    }
}
