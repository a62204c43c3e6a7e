import ArgumentParser
import Foundation
import MeowCore
import MeowStore

struct Next: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Claim the next item and print it.",
        discussion: """
        Asking again while holding a claim returns the same item. Exit status 3: nothing left for this annotator.
        Exit status 4: the guideline's rules stand in the way (acknowledge it, pass qualification, or a pause).
        """)

    @Argument(help: "Project name.") var project: String
    @OptionGroup var user: AnnotatorOption
    @Flag(help: "Print one JSON object: {\"item\": id, \"text\": ..., metadata...}.") var json = false
    @Option(help: ArgumentHelp("Lease length in seconds (default: the guideline's lease_minutes, else 10 minutes).", valueName: "seconds"))
    var lease: Double?
    @OptionGroup var workspace: WorkspaceOptions

    func validate() throws {
        if let lease, !(lease > 0 && lease <= Guideline.maxLeaseMinutes * 60) {
            throw ValidationError("--lease must be a positive number of seconds, at most \(Int(Guideline.maxLeaseMinutes * 60)) (a week)")
        }
    }

    func run() throws {
        let ws = try workspace.open()
        let item: ClaimedItem
        do {
            guard let next = try ws.claimNext(project: project, annotator: user.annotator, lease: lease) else { throw ExitCode(3) }
            item = next
        } catch let e as StoreError {
            switch e {
            case .acknowledgementNeeded, .paused, .qualificationFailed:
                // Blocked by the guideline's rules: say why, exit 4.
                note("Error: \(e)")
                throw ExitCode(4)
            default: throw e
            }
        }
        var qualification = ""
        if case .qualification(let i, let n) = item.kind { qualification = ",\"qualification\":{\"index\":\(i),\"total\":\(n)}" }
        if json {
            var s = "{\"item\":" + JSONText.quoted(item.id) + ",\"text\":" + JSONText.quoted(item.text) + qualification
            if let m = item.metadata, m.count > 2 { s += "," + m.dropFirst().dropLast() }
            try Console.outRaw(JSONText.escapingC1(Array((s + "}\n").utf8)))
        } else {
            if case .qualification(let i, let n) = item.kind { out("qualification \(i)/\(n): label it as the guideline says; your answers are scored") }
            out("item: \(TerminalText.safeInline(item.id))")
            if let m = item.metadata { out("metadata: \(m)") }
            out(item.text)
        }
        // An item that could not be printed was never handed over: give the claim back.
        do { try Console.flush() } catch {
            try? ws.release(project: project, annotator: user.annotator, item: item.id)
            throw error
        }
    }
}

struct Submit: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Answer an item you hold.")

    @Argument(help: "Project name.") var project: String
    @OptionGroup var user: AnnotatorOption
    @Option(help: "The item id.") var item: String
    @Option(help: "A label (repeat for multi-label tasks).") var label: [String] = []
    @Option(help: "A comment.") var comment: String?
    @Flag(help: "Mark the answer as unsure.") var unsure = false
    @Option(help: "Why you are unsure (implies --unsure).") var unsureNote: String?
    @OptionGroup var workspace: WorkspaceOptions

    func validate() throws {
        if label.isEmpty { throw ValidationError("give at least one --label") }
    }

    func run() throws {
        let ws = try workspace.open()
        let outcome = try ws.submit(project: project, annotator: user.annotator, item: item, answer: Answer(labels: label, comment: comment, unsure: unsure || unsureNote != nil, unsureNote: unsureNote))
        if case .qualification(let answered, let total, let result) = outcome {
            if let result { out(QualificationText.render(result)) } else { out("qualification: \(answered)/\(total) answered") }
        }
    }
}

struct Skip: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Give a held item back; it goes to others, not to you again.")
    @Argument(help: "Project name.") var project: String
    @OptionGroup var user: AnnotatorOption
    @Option(help: "The item id.") var item: String
    @OptionGroup var workspace: WorkspaceOptions

    func run() throws {
        try workspace.open().skip(project: project, annotator: user.annotator, item: item)
    }
}

struct Release: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Give a held item back to the queue unanswered.")
    @Argument(help: "Project name.") var project: String
    @OptionGroup var user: AnnotatorOption
    @Option(help: "The item id.") var item: String
    @OptionGroup var workspace: WorkspaceOptions

    func run() throws {
        try workspace.open().release(project: project, annotator: user.annotator, item: item)
    }
}

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Items, completed, in progress, and per-annotator counts.")
    @Argument(help: "Project name.") var project: String
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var workspace: WorkspaceOptions

    func run() throws {
        let ws = try workspace.open()
        let s = try ws.status(project: project)
        let versions = try ws.annotationsPerVersion(project: project)
        let stale = try ws.staleAnnotations(project: project)
        if json {
            try printJSON(s, snakeCase: true)
            return
        }
        out("project \(s.project) (guideline v\(s.guidelineVersion), overlap \(s.overlap))")
        out("  items        \(s.items)")
        out("  completed    \(s.completed)")
        out("  in progress  \(s.inProgress)")
        out("  not started  \(s.items - s.completed - s.inProgress)")
        out("  annotations  \(s.annotations)")
        out("  per guideline version: " + versions.map { "v\($0.version) \($0.annotations)" }.joined(separator: ", ")
              + (stale > 0 ? "; \(stale) stale (label removed in a later version)" : ""))
        if !s.annotators.isEmpty {
            let w = max(9, s.annotators.map(\.annotator.count).max() ?? 0)
            out("\n  " + "annotator".padding(toLength: w, withPad: " ", startingAt: 0) + "  labeled  skipped  holding")
            for a in s.annotators {
                out("  " + a.annotator.padding(toLength: w, withPad: " ", startingAt: 0)
                      + String(format: "  %7d  %7d  %7d", a.annotations, a.skipped, a.holding))
            }
        }
    }
}

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Export a split: one row per item with its final label (or --raw, every answer), with a manifest beside the file.",
        discussion: """
        --split train refuses while the project has no frozen test set (--no-test-set overrides, with a warning) and never
        contains a frozen item, an item whose normalized text equals a frozen item's, or one sharing a frozen item's group.
        --split test writes the frozen records exactly (verify them with `meow verify`). --split all marks each row's split.
        """)
    @Argument(help: "Project name.") var project: String
    @Option(help: "Output file ('-' for standard output).") var out: String
    @Option(help: "train, test or all.") var split: Split = .all
    @Option(help: "The frozen set for --split test (default: the newest).") var frozen: String?
    @Flag(help: "Every answer instead of one row per item.") var raw = false
    @Flag(help: "Export training data although no test set is frozen.") var noTestSet = false
    @Option(help: ArgumentHelp("Also report train items this similar (word-shingle Jaccard, 0-1) to a test item.", valueName: "threshold"))
    var nearDuplicates: Double?
    @Option(help: "jsonl or csv (default: from the extension, else jsonl).") var format: ExportFormat?
    @Option(help: ArgumentHelp("With --split test: the set hash recorded when the set was frozen; the export is refused unless the records still hash to it.", valueName: "sethash"))
    var expect: String?
    @OptionGroup var workspace: WorkspaceOptions

    func validate() throws {
        if expect != nil, split != .test { throw ValidationError("--expect applies to --split test") }
        if let t = nearDuplicates, !(t > 0 && t <= 1) { throw ValidationError("--near-duplicates takes a similarity between 0 and 1, e.g. 0.8") }
    }

    func run() throws {
        let fmt = format ?? ExportFormat.from(path: out) ?? .jsonl
        let ws = try workspace.open()
        // The manifest's SHA-256 is computed on the second core while the export writes.
        let hasher = BackgroundHasher()
        // Data and manifest are written to temporaries and replace the old pair together.
        let file = try OutputFile(out, protecting: [workspace.path])
        let report = try ws.exportDataset(project: project, split: split, frozen: frozen, raw: raw, format: fmt, allowNoTestSet: noTestSet,
                                          nearDuplicateThreshold: nearDuplicates, expectedSetHash: expect, by: LoginUser.name) { bytes in
            hasher.add(bytes)
            try file.write(bytes)
        }
        let fileHash = hasher.finish()
        var manifestFile: OutputFile?
        if file.isRegularFile {
            let manifest = ExportManifest(project: project, split: split.rawValue, format: fmt.rawValue, raw: raw, rows: report.rows, items: report.items,
                                          sha256: fileHash, createdAt: ISO8601DateFormatter().string(from: Date()), createdBy: try LoginUser.name,
                                          frozenSet: report.frozenSet.map { .init(name: $0.name, setHash: $0.setHash) },
                                          excludedFrozen: report.excludedFrozen, excludedSameText: report.excludedSameText, excludedSameGroup: report.excludedSameGroup,
                                          nearDuplicates: nearDuplicates == nil ? nil : report.nearDuplicates.count,
                                          frozenManifest: split == .test ? report.frozenSet.flatMap { FreezeManifest.decode($0.manifest) } : nil)
            let enc = JSONEncoder()
            enc.outputFormatting = [.sortedKeys, .prettyPrinted]
            let m = try OutputFile(out + ".manifest.json", protecting: [workspace.path])
            try m.write(JSONText.escapingC1(Array(try enc.encode(manifest))) + [0x0A])
            manifestFile = m
        }
        try OutputFile.commit([file] + (manifestFile.map { [$0] } ?? []))
        for w in report.warnings { note("warning: \(w)") }
        var summary = "exported \(report.rows) rows (\(report.items) items, split \(split.rawValue)) to \(out)"
        if split != .test {
            summary += "; kept out of training: \(report.excludedFrozen) frozen, \(report.excludedSameText) same text as a frozen item, \(report.excludedSameGroup) same group"
            if report.withoutFinalLabel > 0 { summary += "; \(report.withoutFinalLabel) items without a final label not exported" }
        }
        note(summary)
        if nearDuplicates != nil {
            note("near-duplicates of test items among the exported train items: \(report.nearDuplicates.count)")
            for d in report.nearDuplicates.prefix(20) { note(String(format: "  train %@ ~ test %@ (%.2f)", d.trainID, d.testID, d.similarity)) }
        }
    }
}

/// SHA-256 of a stream, computed on a serial background queue so hashing overlaps writing.
final class BackgroundHasher: @unchecked Sendable {
    private let queue = DispatchQueue(label: "meow.export.hash")
    private var hash = SHA256()

    func add(_ bytes: [UInt8]) {
        queue.async { self.hash.update(bytes) }
    }

    func finish() -> String {
        queue.sync { hash.finalize().hexString }
    }
}

/// Written beside every export: what is in the file and how to check it.
struct ExportManifest: Encodable {
    struct Set: Encodable {
        var name: String
        var setHash: String
        enum CodingKeys: String, CodingKey { case name, setHash = "set_hash" }
    }
    var project: String
    var split: String
    var format: String
    var raw: Bool
    var rows: Int
    var items: Int
    var sha256: String
    var createdAt: String
    var createdBy: String
    var frozenSet: Set?
    var excludedFrozen: Int
    var excludedSameText: Int
    var excludedSameGroup: Int
    var nearDuplicates: Int?
    /// For test exports: the frozen set's own manifest (record hashes, rule, agreement).
    var frozenManifest: FreezeManifest?

    enum CodingKeys: String, CodingKey {
        case project, split, format, raw, rows, items, sha256
        case createdAt = "created_at", createdBy = "created_by", frozenSet = "frozen_set"
        case excludedFrozen = "excluded_frozen", excludedSameText = "excluded_same_text", excludedSameGroup = "excluded_same_group"
        case nearDuplicates = "near_duplicates", frozenManifest = "frozen_manifest"
    }
}

extension Split: ExpressibleByArgument {}

extension ExportFormat: ExpressibleByArgument {}


