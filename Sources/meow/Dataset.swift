import ArgumentParser
import CursesTerminal
import Foundation
import MeowApp
import MeowCore
import MeowStore
import MeowTerminal

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
        out("consensus (\(s.method)) on \(s.items) complete items: \(s.resolved) resolved, \(s.disputed) disputed (ties, left for review)"
              + (s.keptReviewerDecisions > 0 ? "; \(s.keptReviewerDecisions) reviewer decisions kept" : ""))
        if !s.annotatorAccuracy.isEmpty {
            out("\nestimated accuracy per annotator (Dawid-Skene):")
            for (a, acc) in s.annotatorAccuracy { out("  " + a.padding(toLength: 16, withPad: " ", startingAt: 0) + String(format: "%.3f", acc)) }
        }
        if !s.leastConfident.isEmpty {
            out("\nleast confident items:")
            for (item, label, c) in s.leastConfident { out("  \(item)  \(label ?? "(tie)")  \(String(format: "%.2f", c))") }
        }
        out("\nreview the disputed and least confident items with `meow review \(project)`")
    }
}

struct Review: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Review disputed and low-confidence items in the terminal: one key sets the final label.")
    @Argument(help: "Project name.") var project: String
    @OptionGroup var user: AnnotatorOption
    @Option(help: "Items whose consensus confidence is below this are reviewed.") var below: Double = 0.7
    @Flag(help: "List the review queue instead of opening the screen.") var list = false
    @OptionGroup var workspace: WorkspaceOptions

    func run() throws {
        let ws = try workspace.open()
        let p = try ws.project(project)
        let role = try ws.role(of: user.annotator, in: p)
        guard role == .reviewer || role == .admin else {
            throw UserFacingError("\(user.annotator) is not a reviewer of \(project) (an admin can run `meow annotators role \(project) \(user.annotator) reviewer`)")
        }
        if list {
            for r in try ws.reviewQueue(project: project, below: below) {
                out("\(r.id)\t\(r.suggested ?? "(tie)")\t\(String(format: "%.2f", r.confidence))\t" + r.answers.map { "\($0.annotator)=\($0.label)" }.joined(separator: " "))
            }
            return
        }
        let backend = ReviewBackend(workspace: ws, project: p, reviewer: user.annotator, threshold: below)
        try Console.flush()   // what was said before the screen opens is shown first
        let terminal = try CursesTerminal()
        defer { terminal.restore() }
        var g = p.guideline
        g.enforcement = Enforcement()   // reviewers are not timed or qualified
        let size = terminal.size
        let state = LabelingState(project: "\(p.name) (review)", annotator: user.annotator, guideline: g, width: size.width, height: size.height)
        let session = LabelingSession(state: state, terminal: terminal, backend: backend)
        try session.run()
        terminal.restore()
        out("\(user.annotator): \(try backend.progress().mine) final labels decided this session")
    }
}

struct Freeze: ParsableCommand {
    static let configuration = CommandConfiguration(
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
        let set = try workspace.open().freeze(project: project, setName: name, rule: rule, by: LoginUser.name)
        out("froze \(set.count) items of \(project) as '\(set.name)' (\(rule.description))")
        out("  set SHA-256: \(set.setHash)")
        out("  record this hash outside the workspace (a commit message, the model card): `meow verify \(project) \(set.name) FILE --expect HASH`")
        out("  and `meow export \(project) --split test --expect HASH` then prove the set is still the one frozen today")
        out("  export it with `meow export \(project) --split test --out test.jsonl`; check a copy with `meow verify \(project) \(set.name) test.jsonl`")
    }
}

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check an exported test file against its frozen set: exit 0 when every record matches.")
    @Argument(help: "Project name.") var project: String
    @Argument(help: "The frozen set's name.") var name: String
    @Argument(help: "The exported JSONL test file.") var file: String
    @Option(help: ArgumentHelp("The set hash recorded when the set was frozen (printed by `meow freeze`).", valueName: "sethash"))
    var expect: String?
    @OptionGroup var workspace: WorkspaceOptions

    func run() throws {
        let ws = try workspace.open()
        // First the workspace's own copy: records, stored hashes, manifest and items must agree.
        let audit = try ws.auditFrozenSet(project: project, set: name, expected: expect)
        if !audit.ok {
            for p in audit.problems { out("altered: \(p)") }
            note("frozen set '\(name)' in the workspace was altered after it was frozen: \(audit.problems.count) problems; the file was not checked against it")
            throw ExitCode(1)
        }
        let manifest = try ws.frozenRecordHashes(project: project, set: name)
        let reader = try LineReader(path: file)
        var lines: [(item: String?, hash: String, line: Int)] = []
        while let entry = try reader.next({ bytes -> (String?, String, Int)? in
            if bytes.isEmpty { return nil }
            var scanner = JSONScanner(bytes)
            var item: String?
            if let fields = try? scanner.object(), let f = fields.first(where: { $0.key == "item" }), case .string(let s) = f.value { item = s }
            var h = SHA256()
            h.update(UnsafeRawBufferPointer(bytes))
            return (item, h.finalize().hexString, reader.lineNumber)
        }) {
            if let e = entry { lines.append(e) }
        }
        let r = VerifyReport.compare(lines: lines, manifest: manifest)
        if r.ok {
            out("\(file): all \(manifest.count) records of '\(name)' match (set SHA-256 \(frozenSetHash(manifest)))")
            return
        }
        for i in r.changed { out("changed: \(i)") }
        for i in r.missing { out("missing: \(i)") }
        for i in r.added { out("added: \(i)") }
        for l in r.unreadable { out("unreadable: line \(l)") }
        note("\(file) does not match frozen set '\(name)': \(r.changed.count) changed, \(r.missing.count) missing, \(r.added.count) added, \(r.unreadable.count) unreadable")
        throw ExitCode(1)
    }
}

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
