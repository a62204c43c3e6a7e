import ArgumentParser
import Foundation
import MeowCore
import MeowStore

extension LongFormat: ExpressibleByArgument {}
extension ForeignFormat: ExpressibleByArgument {}

struct ImportAnnotations: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-annotations",
        abstract: "Import existing labels: long format (JSONL {\"item\",\"annotator\",\"label\"} or CSV item,annotator,label), a Label Studio JSON export or a Prodigy JSONL export.",
        discussion: """
        Label Studio and Prodigy files are recognised from their content (or named with --from): their items are \
        created when missing and their answers imported with their annotators. Everything is checked before \
        anything is written; labels the guideline does not know are refused with the list of them.
        """)

    @Argument(help: "Project name.") var project: String
    @Argument(help: "The file to import.") var file: String
    @Option(help: "Long-format layout: jsonl or csv (default: from the extension, else JSONL when the file starts with '{').")
    var format: LongFormat?
    @Option(name: .customLong("from"), help: "The tool the file comes from (default: recognised from the content, else long format).")
    var source: ForeignFormat?
    @Option(help: ArgumentHelp("Label Studio: the data field holding the text.", valueName: "key"))
    var textField = "text"
    @Option(help: ArgumentHelp("Prodigy: the dataset name to drop from annotator ids (ner_news-alex becomes alex).", valueName: "name"))
    var prodigyDataset: String?
    @OptionGroup var workspace: WorkspaceOptions

    func validate() throws {
        if format != nil, source != nil {
            throw ValidationError("--format is for long-format files and --from for Label Studio and Prodigy exports; give one of them")
        }
    }

    func run() throws {
        let ws = try workspace.open()
        let user = try LoginUser.name
        // An explicit long-format layout keeps the old reading: no sniffing.
        guard let from = source ?? (format == nil ? ForeignFormat.detect(path: file) : nil) else {
            // One store call that reports nothing until it ends: a spinner with the seconds.
            let s = try ProgressBar.during("importing annotations") { _ in
                try ws.importAnnotations(project: project, path: file, format: format, by: user)
            }
            out("imported \(s.inserted) annotations into \(project) (\(s.read) rows read, \(s.alreadyPresent) already present)")
            return
        }
        let guideline = try ws.project(project).guideline
        let converted: ForeignImport
        switch from {
        case .labelStudio:
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: file)) } catch {
                throw UserFacingError("\(file): cannot read: \(error.localizedDescription)")
            }
            converted = try LabelStudioConverter(guideline: guideline, textField: textField).convert(data, file: file)
        case .prodigy:
            converted = try ProdigyConverter(guideline: guideline, dataset: prodigyDataset).convert(path: file)
        }
        let outcome = try ProgressBar.during("importing \(converted.format.name)") { _ in
            try ForeignImporter(store: ws, project: project, user: user).run(converted)
        }
        report(converted, outcome)
    }

    private func report(_ c: ForeignImport, _ o: ForeignImporter.Outcome) {
        let records = c.format == .labelStudio ? "task" : "line"
        let people = c.annotators
        out("imported \(c.format.name) \(file) into \(project): \(c.records) \(records)\(c.records == 1 ? "" : "s") read; "
            + "items: \(o.items.inserted) new, \(o.items.alreadyPresent) already present; "
            + "answers: \(o.answersInserted) new, \(o.answersAlreadyPresent) already present, by \(people.count) annotator\(people.count == 1 ? "" : "s")"
            + (people.isEmpty ? "" : " (\(people.prefix(8).joined(separator: ", "))\(people.count > 8 ? ", …" : ""))"))
        for (reason, n) in c.skipped.sorted(by: { $0.key < $1.key }) {
            out("  not imported: \(n) answer\(n == 1 ? "" : "s") \(reason)")
        }
        if !c.merged.isEmpty {
            let shown = c.merged.prefix(5).map { "\($0.item) → \($0.into)" }.joined(separator: ", ")
            out("  same text as an earlier item, answers joined to it: \(shown)\(c.merged.count > 5 ? ", …" : "")")
        }
        if !c.kept.isEmpty { out("  kept as item metadata: \(c.kept.sorted().joined(separator: ", "))") }
        if !c.ignored.isEmpty { out("  ignored: \(c.ignored.sorted().joined(separator: ", "))") }
        if let prefix = c.sharedAnnotatorPrefix {
            out("  every annotator id starts with '\(prefix)' (Prodigy's DATASET-SESSION); --prodigy-dataset \(prefix.dropLast()) names them without it")
        }
    }
}
