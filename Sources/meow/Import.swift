import ArgumentParser
import Foundation
import MeowCore
import MeowStore

extension ItemFormat: ExpressibleByArgument {}

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "import",
        abstract: "Import items from JSONL, CSV or plain text (one transaction; duplicates are reported, not inserted).",
        discussion: """
        JSONL: one object per line with "text" (required), "id" and "priority" (optional); other keys are kept as metadata.
        CSV: a header with a 'text' column; 'id' and 'priority' columns are optional; other columns are metadata.
        Text: one item per line. Items without an id get a stable one from their text.
        Compare projects: "a" and "b" (the two candidates, required) and "prompt" or "text" (optional) instead of "text".
        """)

    @Argument(help: "Project name.") var project: String
    @Argument(help: "The file to import.") var file: String
    @Option(help: "Input format (default: from the file extension).") var format: ItemFormat?
    @Flag(help: "Import the valid lines and report the invalid ones instead of importing nothing.") var skipInvalid = false
    @OptionGroup var workspace: WorkspaceOptions

    func run() throws {
        guard let fmt = format ?? ItemFormat.from(path: file) else {
            throw UserFacingError("\(file): cannot tell the format from the extension; pass --format jsonl|csv|text")
        }
        let ws = try workspace.open()
        let compare = try ws.project(project).guideline.task == .compare
        let reader = try ItemReader(path: file, format: fmt, pairs: compare)
        let bar = ProgressBar(total: fileSize(file), label: "importing")
        let start = Date()
        let s = try ws.importItems(project: project, reader: reader, skipInvalid: skipInvalid, progress: bar.map { b in { b.update($0) } })
        bar?.finish()
        for e in s.skipped { note("skipped \(e)") }
        let secs = Date().timeIntervalSince(start)
        out("imported \(s.inserted) items into \(project) from \(file) (\(s.read) lines read, \(s.duplicateText) duplicate texts, \(s.alreadyPresent) already present, \(s.skipped.count) invalid skipped) in \(String(format: "%.2f", secs)) s")
    }
}

func fileSize(_ path: String) -> Int {
    ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
}
