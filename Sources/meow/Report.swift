import ArgumentParser
import Foundation
import MeowCore
import MeowStore

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "report",
        abstract: "A project report people look at: progress, throughput, gold accuracy, agreement per guideline version, labels, confusion, consensus, frozen sets.",
        discussion: """
        --html FILE writes one self-contained page (inline CSS and SVG charts, no script, nothing
        fetched); --json prints the same data as one JSON object, with null where a number is
        undefined. Give either or both.
        """)
    @Argument(help: "Project name.") var project: String
    @Option(help: ArgumentHelp("Write the report as a self-contained HTML page.", valueName: "file")) var html: String?
    @Flag(help: "Print the report's data as one JSON object.") var json = false
    @OptionGroup var workspace: WorkspaceOptions

    func validate() throws {
        if html == nil && !json { throw ValidationError("give --html FILE, --json, or both") }
        if html == "-" && json { throw ValidationError("--html - and --json would both write to standard output; choose one") }
    }

    func run() throws {
        let ws = try workspace.open()
        // Opened first: a refused path (the workspace itself) costs no queries.
        let file = try html.map { try OutputFile($0, protecting: [workspace.filePath]) }
        let report = try ProgressBar.during("reading \(project)") { _ in try ws.projectReport(project: project) }
        if let file {
            try file.write(report.html())
            try file.commit()
            if file.path != "-" { info("wrote the report of \(TerminalText.safeInline(project)) to \(TerminalText.safeInline(file.path))") }
        }
        if json { try printJSON(report) }
    }
}
