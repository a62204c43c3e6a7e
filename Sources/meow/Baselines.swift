import ArgumentParser
import Foundation
import MeowCore
import MeowStore

struct Baselines: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Baselines on a frozen test set: random guesses, the majority class, and each annotator against the final labels.")
    @Argument(help: "Project name.") var project: String
    @Option(help: "The frozen set (default: the newest).") var frozen: String?
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var workspace: WorkspaceOptions

    func run() throws {
        let ws = try workspace.open()
        guard let set = try ws.frozenSet(project: project, named: frozen) else { throw StoreError.noTestSet(project: project) }
        let records = try ws.frozenRecords(project: project, set: set.name)
        let p = try ws.project(project)
        var final: [String: String] = [:]
        var votes: [LabelVote] = []
        for r in records {
            final[r.item] = r.label
            for a in r.answers { votes.append(LabelVote(item: r.item, annotator: a.annotator, label: a.label)) }
        }
        let labels = p.guideline.labels.map(\.value)
        guard let report = baselines(final: final, labels: labels, answers: votes) else { throw UserFacingError("the frozen set '\(set.name)' has no records") }
        if json {
            try printJSON(report, snakeCase: true)
            return
        }
        func row(_ name: String, _ s: ScoreCard) -> String { row(name, s.accuracy, s.macroF1) }
        func row(_ name: String, _ accuracy: Double, _ f1: Double?) -> String {
            name.padding(toLength: 34, withPad: " ", startingAt: 0) + String(format: "%8.3f", accuracy) + (f1.map { String(format: "%10.3f", $0) } ?? "         —")
        }
        out("Baselines on '\(set.name)' (\(report.items) items, labels: \(report.labels.joined(separator: ", "))) — the numbers a model has to beat")
        out("".padding(toLength: 34, withPad: " ", startingAt: 0) + "accuracy  macro-F1")
        out(row("random guess (uniform)", report.uniformRandom))
        out(row("random guess (label prior)", report.priorRandom))
        out(row("always '\(report.majorityLabel)'", report.majorityClass))
        if let h = report.humanMean { out(row("human (mean of annotators)", h)) }
        for a in report.annotators { out(row("  \(a.annotator) (\(a.items) items)", a.accuracy, a.macroF1)) }
    }
}
