import ArgumentParser
import Foundation
import MeowCore
import MeowStore

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export",
        abstract: "Export a split: one row per item with its final label (or --raw, every answer), with a manifest beside the file.",
        discussion: """
        --split train refuses while the project has no frozen test set (--no-test-set overrides, with a warning) and never
        contains a frozen item, an item whose normalized text equals a frozen item's, or one sharing a frozen item's group.
        --split test writes the frozen records exactly (verify them with `meow verify`). --split all marks each row's split.
        --format hf writes a folder for Hugging Face `datasets`: train.jsonl, test.jsonl (the frozen set) and a dataset card
        (README.md); it refuses a folder that is not empty unless --force, which replaces an earlier export there.
        --format spacy (spans projects) writes {"item","text","spans":[{"start","end","label"}]} in code points.
        """)
    @Argument(help: "Project name.") var project: String
    @Option(help: "Output file ('-' for standard output); a folder with --format hf.") var out: String
    @Option(help: "train, test or all.") var split: Split = .all
    @Option(help: "The frozen set for --split test (default: the newest).") var frozen: String?
    @Flag(help: "Every answer instead of one row per item.") var raw = false
    @Flag(help: "Export training data although no test set is frozen.") var noTestSet = false
    @Option(help: ArgumentHelp("Also report train items this similar (word-shingle Jaccard, 0-1) to a test item.", valueName: "threshold"))
    var nearDuplicates: Double?
    @Option(help: "jsonl or csv (default: from the extension, else jsonl); conll or spacy (spans projects: token and BIO tag, or spaCy-style JSONL); pairs (compare projects: prompt, chosen, rejected); hf (a Hugging Face dataset folder: both splits and a card).")
    var format: ExportFormatOption?
    @Flag(help: "With --format hf: replace an earlier export in the --out folder.") var force = false
    @Option(help: ArgumentHelp("With --split test: the set hash recorded when the set was frozen; the export is refused unless the records still hash to it.", valueName: "sethash"))
    var expect: String?
    @OptionGroup var workspace: WorkspaceOptions

    func validate() throws {
        if format == .hf {
            if split != .all { throw ValidationError("--format hf writes both splits (train.jsonl and test.jsonl); leave out --split") }
            if raw { throw ValidationError("--format hf writes final values; --raw exports every answer as jsonl or csv") }
            if out == "-" { throw ValidationError("--format hf writes a folder (train.jsonl, test.jsonl, README.md); give --out DIR, not -") }
        } else {
            if force { throw ValidationError("--force goes with --format hf (a file export always replaces its file whole)") }
            if expect != nil, split != .test { throw ValidationError("--expect applies to --split test (and --format hf)") }
        }
        if format == .spacy, raw { throw ValidationError("--format spacy writes final spans; --raw exports every answer as jsonl or csv") }
        if let t = nearDuplicates, !(t > 0 && t <= 1) { throw ValidationError("--near-duplicates takes a similarity between 0 and 1, e.g. 0.8") }
    }

    func run() throws {
        let fmt = format ?? ExportFormatOption.from(path: out) ?? .jsonl
        let ws = try workspace.open()
        if fmt == .hf {
            try HuggingFaceExportJob(store: ws, project: project, out: out, force: force, frozen: frozen, allowNoTestSet: noTestSet,
                                     nearDuplicates: nearDuplicates, expect: expect, workspaceFile: workspace.filePath).run()
            return
        }
        let task = try ws.project(project).guideline.task
        if fmt == .spacy, task != .spans {
            throw UserFacingError("--format spacy is for spans projects; '\(project)' is a \(task.rawValue) project")
        }
        // The manifest's SHA-256 is computed on the second core while the export writes.
        let hasher = BackgroundHasher()
        // Data and manifest are written to temporaries and replace the old pair together.
        let file = try OutputFile(out, protecting: [workspace.filePath])
        let status = try ws.status(project: project)
        // Rows are lines in JSONL and CSV; CoNLL has a line per token, so it gets a spinner.
        let bar = ProgressBar(total: fmt == .conll ? nil : (raw ? status.annotations : status.items), label: "exporting")
        defer { bar?.finish() }
        var spacy = fmt == .spacy ? RowConverter(task: .spans, convert: TrainingExport.spacyRow) : nil
        var report = try ws.exportDataset(project: project, split: split, frozen: frozen, raw: raw, format: fmt.storeFormat, allowNoTestSet: noTestSet,
                                          nearDuplicateThreshold: nearDuplicates, expectedSetHash: expect, by: LoginUser.name) { bytes in
            bar?.advance(by: newlineCount(bytes))
            let data = spacy != nil ? spacy?.feed(bytes) ?? [] : bytes
            hasher.add(data)
            try file.write(data)
        }
        if let rest = spacy?.finish() {
            hasher.add(rest)
            try file.write(rest)
        }
        if let spacy { report.rows = spacy.rows }
        bar?.finish()
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
            let m = try OutputFile(out + ".manifest.json", protecting: [workspace.filePath], newFileMode: file.existingMode ?? 0o666)
            try m.write(JSONText.escapingC1(Array(try enc.encode(manifest))) + [0x0A])
            manifestFile = m
        }
        try OutputFile.commit([file] + (manifestFile.map { [$0] } ?? []))
        for w in report.warnings { note("warning: \(w)") }
        if fmt == .spacy, report.items > report.rows {
            note("warning: \(report.items - report.rows) rows without spans in the label column were left out")
        }
        if report.widenedSpans > 0 {
            note("warning: \(report.widenedSpans) spans start or end inside a token; CoNLL tags whole tokens, so they were widened to the tokens they touch")
        }
        var summary = "exported \(report.rows) rows (\(report.items) items, split \(split.rawValue)) to \(out)"
        if split != .test {
            summary += "; kept out of training: \(report.excludedFrozen) frozen, \(report.excludedSameText) same text as a frozen item, \(report.excludedSameGroup) same group"
            if report.withoutFinalLabel > 0 { summary += "; \(report.withoutFinalLabel) items without a final label not exported" }
        }
        info(summary)
        Self.reportNearDuplicates(report, asked: nearDuplicates != nil)
    }

    /// The near-duplicate report `--near-duplicates` asked for (on stderr: stdout may be the data).
    static func reportNearDuplicates(_ report: ExportReport, asked: Bool) {
        guard asked else { return }
        note("near-duplicates of test items among the exported train items: \(report.nearDuplicates.count)")
        for d in report.nearDuplicates.prefix(20) { note(String(format: "  train %@ ~ test %@ (%.2f)", d.trainID, d.testID, d.similarity)) }
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

