import ArgumentParser
import Foundation
import MeowCore
import MeowStore

struct ConsensusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consensus",
        abstract: "Compute a final label per complete item: majority vote (ties left for review) or Dawid-Skene.")
    @Argument(help: "Project name.") var project: String
    @Option(help: "majority or dawid-skene.") var method = "majority"
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var workspace: WorkspaceOptions

    func validate() throws {
        guard ["majority", "dawid-skene"].contains(method) else { throw ValidationError("--method must be majority or dawid-skene") }
    }

    func run() throws {
        let s = try workspace.open().consensus(project: project, method: method, by: try LoginUser.name)
        if json {
            try printJSON(Output(s), snakeCase: true)
            return
        }
        out("consensus (\(s.method)) on \(s.items) complete items: \(s.resolved) resolved, \(s.disputed) disputed (ties, spans without a majority, ratings spread too far, or a model label no annotator gave: left for review)"
              + (s.keptReviewerDecisions > 0 ? "; \(s.keptReviewerDecisions) reviewer decisions kept" : ""))
        if !s.annotatorAccuracy.isEmpty {
            out("\nestimated accuracy per annotator (Dawid-Skene):")
            for (a, acc) in s.annotatorAccuracy { out("  " + a.padding(toLength: 16, withPad: " ", startingAt: 0) + String(format: "%.3f", acc)) }
        }
        if !s.leastConfident.isEmpty {
            out("\nleast confident items:")
            for (item, label, c) in s.leastConfident { out("  \(item)  \(label.map { $0.isEmpty ? "(no spans)" : $0 } ?? "(disputed)")  \(String(format: "%.2f", c))") }
        }
        out("\nreview the disputed and least confident items with `meow review \(project)`")
    }

    /// `--json`: the summary, each annotator's estimated accuracy (Dawid-Skene) and the least
    /// confident items (`label` null: disputed).
    struct Output: Encodable {
        struct Accuracy: Encodable { var annotator: String; var accuracy: Double }
        struct Item: Encodable { var item: String; @NullWhenNil var label: String?; var confidence: Double }
        var method: String
        var items, resolved, disputed, keptReviewerDecisions: Int
        var annotatorAccuracy: [Accuracy]
        var leastConfident: [Item]
        init(_ s: ConsensusSummary) {
            method = s.method; items = s.items; resolved = s.resolved; disputed = s.disputed; keptReviewerDecisions = s.keptReviewerDecisions
            annotatorAccuracy = s.annotatorAccuracy.map { Accuracy(annotator: $0.annotator, accuracy: $0.accuracy) }
            leastConfident = s.leastConfident.map { Item(item: $0.item, label: $0.label, confidence: $0.confidence) }
        }
    }
}
