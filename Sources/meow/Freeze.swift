import ArgumentParser
import Foundation
import MeowCore
import MeowStore

struct Freeze: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "freeze",
        abstract: "Freeze a test set before anyone trains: hashed, immutable, excluded from training exports.")
    @Argument(help: "Project name.") var project: String
    @Option(help: "The set's name (a set never changes: a new freeze needs a new name).") var name: String
    @Option(help: "How many items.") var size: Int?
    @Option(help: "Which share of the items with final labels (0-1).") var fraction: Double?
    @Option(help: "Seed: the same seed picks the same items.") var seed: UInt64 = 0
    @Flag(help: "Keep each label's share of the items.") var stratify = false
    @Option(help: "Only items whose answers agree with the final label at least this much (0-1).") var minAgreement: Double?
    @Option(help: "A metadata field: items sharing its value land on one side only.") var groupBy: String?
    @OptionGroup var workspace: WorkspaceOptions

    func validate() throws {
        if (size == nil) == (fraction == nil) { throw ValidationError("give --size N or --fraction F (one of them)") }
        if let size, size < 1 { throw ValidationError("--size must be at least 1") }
        if let fraction, !(fraction > 0 && fraction < 1) { throw ValidationError("--fraction must be between 0 and 1") }
        if let a = minAgreement, !(0...1).contains(a) { throw ValidationError("--min-agreement must be between 0 and 1") }
    }

    func run() throws {
        let rule = FreezeRule(size: size, fraction: fraction, seed: seed, stratify: stratify, minAgreement: minAgreement, groupBy: groupBy)
        let ws = try workspace.open(), user = try LoginUser.name
        let set = try ProgressBar.during("freezing") { _ in try ws.freeze(project: project, setName: name, rule: rule, by: user) }
        out("froze \(set.count) items of \(project) as '\(set.name)' (\(rule.description))")
        out("  set SHA-256: \(set.setHash)")
        out("  record this hash outside the workspace (a commit message, the model card): `meow verify \(project) \(set.name) FILE --expect HASH`")
        out("  and `meow export \(project) --split test --out test.jsonl --expect HASH` then prove the set is still the one frozen today")
        out("  export it with `meow export \(project) --split test --out test.jsonl`; check a copy with `meow verify \(project) \(set.name) test.jsonl`")
    }
}
