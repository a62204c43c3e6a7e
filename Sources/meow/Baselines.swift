import ArgumentParser
import Foundation
import MeowCore
import MeowStore

struct Baselines: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "baselines",
        abstract: "Baselines on a frozen test set: random guesses, the majority class, a keyword heuristic, and the annotators.",
        discussion: """
        Random guesses are exact expected values; the human baseline scores each annotator against the
        majority of the other annotators (leave-one-out). --heuristic RULES.yaml scores a rule set:
        ordered rules, each with keywords (whole words, any case) or a regex and a label, the first
        match wins, else the default label. Refuses a frozen set that fails its hash check.
        """)
    @Argument(help: "Project name.") var project: String
    @Option(help: "The frozen set (default: the newest).") var frozen: String?
    @Option(help: ArgumentHelp("The set hash recorded when the set was frozen (printed by `meow freeze`).", valueName: "sethash"))
    var expect: String?
    @Option(help: ArgumentHelp("A rule set to score as the heuristic baseline (YAML: default, rules).", valueName: "rules.yaml"))
    var heuristic: String?
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var workspace: WorkspaceOptions

    func run() throws {
        let ws = try workspace.open()
        let set = try FrozenSetInput.load(ws, project: project, frozen: frozen, expect: expect)
        let rules = try heuristic.map { try set.loadRules($0) }
        if set.task == .spans {
            // Spans have no labels to guess: each annotator's span F1 against the final spans.
            var final: [String: [Span]] = [:], answers: [String: [AnnotatorSpans]] = [:]
            for (item, label) in set.final {
                guard case .spans(let spans)? = AnswerValue(column: label, task: .spans) else { continue }
                final[item] = spans
            }
            for v in set.votes {
                guard case .spans(let spans)? = AnswerValue(column: v.label, task: .spans) else { continue }
                answers[v.item, default: []].append(AnnotatorSpans(annotator: v.annotator, spans: spans))
            }
            var report = SpanBaselines(final: final, answers: answers)
            report.frozenSet = set.name
            if json { try printJSON(report) } else { out(report.text()) }
            return
        }
        guard var report = baselines(final: set.final, labels: set.labels, answers: set.votes, heuristic: rules, texts: set.texts) else {
            throw UserFacingError("the frozen set '\(set.name)' has no record with a label of the current guideline")
        }
        report.frozenSet = set.name
        report.heuristic?.file = heuristic
        if json {
            try printJSON(report)
        } else {
            out(report.text())
        }
    }
}

/// A frozen set as `baselines` and `evaluate` use it, after its hash check.
struct FrozenSetInput {
    var name: String
    var labels: [String]
    var task: Guideline.Task
    /// Item id -> final label.
    var final: [String: String]
    /// Item id -> text, as frozen.
    var texts: [String: String]
    var votes: [LabelVote]
    var setHash: String

    /// Loads the frozen set `frozen` (default: the newest) of `project`, refusing one that fails
    /// its audit (records, hashes, manifest, items; `expect`: a set hash recorded elsewhere).
    static func load(_ ws: any WorkspaceStore, project: String, frozen: String?, expect: String?) throws -> FrozenSetInput {
        guard let set = try ws.frozenSet(project: project, named: frozen) else {
            throw UserFacingError("\(project) has no frozen test set yet: `meow freeze \(project) --name test-v1 --fraction 0.2`")
        }
        let audit = try ws.auditFrozenSet(project: project, set: set.name, expected: expect)
        if !audit.ok { throw StoreError.frozenSetAltered(set.name, problems: audit.problems) }
        let guideline = try ws.project(project).guideline
        var input = FrozenSetInput(name: set.name, labels: guideline.labels.map(\.value), task: guideline.task,
                                   final: [:], texts: [:], votes: [], setHash: audit.recomputedSetHash)
        for r in try ws.frozenRecords(project: project, set: set.name) {
            input.final[r.item] = r.label
            input.texts[r.item] = r.text
            for a in r.answers { input.votes.append(LabelVote(item: r.item, annotator: a.annotator, label: a.label)) }
        }
        return input
    }

    /// A heuristic rules file checked against the guideline's labels; single-label tasks only.
    func loadRules(_ path: String) throws -> HeuristicRules {
        guard task == .classify else { throw UserFacingError("a heuristic baseline needs a single-label (classify) task; this guideline is \(task.rawValue)") }
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) }
        catch { throw UserFacingError("\(path): cannot read the rules file (\(error.localizedDescription))") }
        do { return try HeuristicRules.parse(text, file: path, labels: labels) }
        catch { throw UserFacingError(error.description) }
    }
}
