import ArgumentParser
import Foundation
import MeowCore

/// `meow man`: the manual page, rendered from the command tree itself, so an installed binary
/// can install its own page (`meow man > /usr/local/share/man/man1/meow.1`) and the page never
/// lags behind `--help`. Hidden from the command list: it documents the others.
struct Man: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "man",
        abstract: "Print meow's manual page (mdoc) to standard output.", shouldDisplay: false)

    func run() throws {
        var commands: [ManPage.Command] = []
        func walk(_ type: any ParsableCommand.Type, path: String) {
            for sub in type.configuration.subcommands where sub.configuration.shouldDisplay {
                let name = sub.configuration.commandName ?? sub._commandName
                let full = path + " " + name
                commands.append(.init(path: full, abstract: sub.configuration.abstract, help: Meow.helpMessage(for: sub, columns: 78)))
                walk(sub, path: full)
            }
        }
        walk(Meow.self, path: "meow")
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "MMMM d, yyyy"
        let page = ManPage(
            name: "meow", abstract: Meow.configuration.abstract, date: formatter.string(from: Date()),
            overview: "meow keeps projects, items, answers, final labels and frozen test sets in one SQLite workspace file. Guidelines are Markdown files whose YAML front matter is the schema meow enforces. Reporting commands take --json (one JSON value on standard output); every workspace command takes --db and --quiet. Messages, warnings and errors go to standard error.",
            commands: commands,
            environment: [("MEOW_DB", "The workspace file when --db is not given (default ./meow.sqlite)."),
                          ("USER", "Who is acting when --as is not given."),
                          ("NO_COLOR", "Set: the labeling screen uses no colour.")],
            exitStatus: [("0", "Success."), ("1", "An error; the message on standard error names the file, line or rule."),
                         ("3", "meow next: nothing left in the queue for this annotator."),
                         ("4", "The guideline's rules stand in the way (acknowledge, qualify, paused)."),
                         ("64", "A usage error.")])
        try Console.outRaw(Array(page.render().utf8))
    }
}
