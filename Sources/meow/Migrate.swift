import ArgumentParser
import Foundation
import MeowCore
import MeowStore

struct Migrate: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "migrate",
        abstract: "Copy a whole workspace between backends: a SQLite file and a PostgreSQL database.",
        discussion: """
        Copies every project with its items, answers and the guideline versions they were made under, acknowledgements, \
        gold and qualification results, final labels with their provenance, history and frozen sets with their hashes, \
        keeping every id. The destination must be new: a file that does not exist yet, or a PostgreSQL database (or \
        schema) without a workspace. Each frozen set is audited on the copy before the command reports success.

        meow migrate --from sqlite:meow.sqlite --to postgresql://meow@db.example.org/labels
        meow migrate --from postgresql://meow@db.example.org/labels --to sqlite:copy.sqlite
        """)
    @Option(help: ArgumentHelp("The workspace to copy: a path, sqlite:PATH or postgresql://...", valueName: "location")) var from: String
    @Option(help: ArgumentHelp("Where the copy goes: a new file (a path or sqlite:PATH) or postgresql://...", valueName: "location")) var to: String
    @Flag(help: "Print the report as JSON.") var json = false
    @Flag(name: [.short, .long], help: "No report on success (errors are still shown).") var quiet = false

    func run() throws {
        let start = Date()
        let report = try WorkspaceLocation.migrate(from: from, to: to)
        let seconds = Date().timeIntervalSince(start)
        if quiet && !json { return }
        if json {
            var out = "{\"seconds\":\(String(format: "%.3f", seconds)),\"rows\":{"
            out += report.rows.map { "\(JSONText.quoted($0.table)):\($0.rows)" }.joined(separator: ",")
            out += "},\"frozen_sets\":["
            out += report.frozenSets.map { "{\"project\":\(JSONText.quoted($0.project)),\"name\":\(JSONText.quoted($0.set)),\"set_sha256\":\(JSONText.quoted($0.hash))}" }.joined(separator: ",")
            out += "]}"
            Console.out(out)
            return
        }
        let answers = report.rows.first { $0.table == "annotation" }?.rows ?? 0
        let items = report.rows.first { $0.table == "item" }?.rows ?? 0
        let projects = report.rows.first { $0.table == "project" }?.rows ?? 0
        Console.out("copied \(TerminalText.safeInline(WorkspaceLocation.display(from))) to \(TerminalText.safeInline(WorkspaceLocation.display(to))): \(projects) projects, \(items) items, \(answers) answers, \(report.total) rows in all, in \(String(format: "%.2f", seconds)) s")
        for set in report.frozenSets {
            Console.out("  frozen set '\(TerminalText.safeInline(set.set))' of \(TerminalText.safeInline(set.project)) verified on the copy (set SHA-256 \(set.hash))")
        }
    }
}
