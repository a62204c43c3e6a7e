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
    @OptionGroup var workspace: WorkspaceOptions

    func validate() throws {
        guard ["majority", "dawid-skene"].contains(method) else { throw ValidationError("--method must be majority or dawid-skene") }
    }

    func run() throws {
        let s = try workspace.open().consensus(project: project, method: method, by: try LoginUser.name)
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
}
