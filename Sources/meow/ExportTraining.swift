import ArgumentParser
import Foundation
import MeowCore
import MeowStore

/// `--format` of `meow export`: the store's own formats, and two built here from its JSONL
/// rows (`spacy`, `hf`), so the leakage rules and the frozen set's audit stay in one place.
enum ExportFormatOption: String, CaseIterable, ExpressibleByArgument {
    case jsonl, csv, conll, pairs, spacy, hf

    static func from(path: String) -> ExportFormatOption? {
        ExportFormat.from(path: path).flatMap { ExportFormatOption(rawValue: $0.rawValue) }
    }

    /// What the store is asked for: spaCy rows and Hugging Face rows are made from its JSONL.
    var storeFormat: ExportFormat {
        switch self {
        case .jsonl, .spacy, .hf: return .jsonl
        case .csv: return .csv
        case .conll: return .conll
        case .pairs: return .pairs
        }
    }
}

/// Converts an export's JSONL rows on their way to the file, whatever the chunk boundaries.
struct RowConverter {
    var splitter = LineSplitter()
    var rows = 0
    /// Bytes of the converted rows.
    var bytes = 0
    /// Label values the rows use, in first-seen order (for the card's class names).
    var labelsSeen: [String] = []
    private var seen = Set<String>()
    let convert: (TrainingExport.Source) -> String?
    let task: Guideline.Task

    init(task: Guideline.Task, convert: @escaping (TrainingExport.Source) -> String?) {
        self.task = task
        self.convert = convert
    }

    /// The converted bytes of the complete lines in `chunk`.
    mutating func feed(_ chunk: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(chunk.count)
        var lines: [TrainingExport.Source] = []
        splitter.feed(chunk) { line in if let s = TrainingExport.Source(jsonLine: line) { lines.append(s) } }
        for s in lines { append(s, to: &out) }
        return out
    }

    mutating func finish() -> [UInt8] {
        var out: [UInt8] = []
        var last: TrainingExport.Source?
        splitter.finish { line in last = TrainingExport.Source(jsonLine: line) }
        if let last { append(last, to: &out) }
        return out
    }

    private mutating func append(_ s: TrainingExport.Source, to out: inout [UInt8]) {
        guard let row = convert(s) else { return }
        out.append(contentsOf: row.utf8)
        rows += 1
        bytes += row.utf8.count
        for l in TrainingExport.labelsUsed(task: task, label: s.label) where seen.insert(l).inserted { labelsSeen.append(l) }
    }
}

/// `meow export PROJECT --format hf --out DIR`: a folder `datasets.load_dataset(DIR)` reads:
/// `train.jsonl` (the leakage-checked train split), `test.jsonl` (the frozen set, after its
/// hash check) and a dataset card. Written beside the target and renamed into place whole.
struct HuggingFaceExportJob {
    var store: any WorkspaceStore
    var project: String
    var out: String
    var force: Bool
    var frozen: String?
    var allowNoTestSet: Bool
    var nearDuplicates: Double?
    var expect: String?
    var workspaceFile: String

    func run() throws {
        let user = try LoginUser.name
        let p = try store.project(project)
        let task = p.guideline.task
        let folder = try OutputFolder(out, force: force, protecting: [workspaceFile])
        let total = try store.status(project: project).items
        let bar = ProgressBar(total: total, label: "exporting")
        defer { bar?.finish() }

        var splits: [HuggingFaceCard.SplitFile] = []
        var classNames = task == .spans || task.answersWithLabels ? p.guideline.labels.map(\.value) : []
        func write(_ split: Split, frozenName: String?, expected: String?) throws -> ExportReport {
            let file = try folder.file("\(split.rawValue).jsonl")
            let hasher = BackgroundHasher()
            var converter = RowConverter(task: task) { TrainingExport.huggingFaceRow(task: task, $0) }
            let report = try store.exportDataset(project: project, split: split, frozen: frozenName, raw: false, format: .jsonl,
                                                 allowNoTestSet: allowNoTestSet, nearDuplicateThreshold: split == .train ? nearDuplicates : nil,
                                                 expectedSetHash: expected, by: user) { bytes in
                let rows = converter.feed(bytes)
                bar?.advance(by: newlineCount(bytes))
                hasher.add(rows)
                try file.write(rows)
            }
            let rest = converter.finish()
            hasher.add(rest)
            try file.write(rest)
            for l in converter.labelsSeen where !classNames.contains(l) { classNames.append(l) }
            splits.append(.init(name: split.rawValue, path: "\(split.rawValue).jsonl", rows: converter.rows, bytes: converter.bytes, sha256: hasher.finish()))
            return report
        }
        let train = try write(.train, frozenName: frozen, expected: nil)
        var facts: HuggingFaceCard.FrozenFacts?
        if let set = train.frozenSet {
            _ = try write(.test, frozenName: set.name, expected: expect)
            let m = FreezeManifest.decode(set.manifest)
            facts = .init(name: set.name, setHash: set.setHash, items: set.count,
                          krippendorffAlpha: m?.krippendorffAlpha, percentAgreement: m?.percentAgreement)
        }
        bar?.finish()
        let card = HuggingFaceCard(project: p.name, guideline: p.guideline, guidelineVersion: p.guidelineVersion, splits: splits,
                                   classNames: classNames, frozen: facts, exportedAt: ISO8601DateFormatter().string(from: Date()),
                                   exportedBy: user, keptOut: (train.excludedFrozen, train.excludedSameText, train.excludedSameGroup))
        let readme = try folder.file("README.md")
        try readme.write(try card.render())
        try folder.commit()

        for w in train.warnings { note("warning: \(w)") }
        info("exported \(splits.map { "\($0.rows) \($0.name)" }.joined(separator: " and ")) rows of \(project) to \(out)/ (a Hugging Face dataset: \(splits.map(\.path).joined(separator: ", ")), README.md)"
             + "; kept out of training: \(train.excludedFrozen) frozen, \(train.excludedSameText) same text as a frozen item, \(train.excludedSameGroup) same group"
             + (train.withoutFinalLabel > 0 ? "; \(train.withoutFinalLabel) items without a final label not exported" : ""))
        if task == .compare {
            info("ties and both-bad answers are not preference pairs and were left out")
        }
        Export.reportNearDuplicates(train, asked: nearDuplicates != nil)
    }
}

/// Lines in a chunk of an export (one row each in JSONL and CSV), for the progress bar.
func newlineCount(_ bytes: [UInt8]) -> Int { bytes.reduce(0) { $1 == 0x0A ? $0 + 1 : $0 } }
