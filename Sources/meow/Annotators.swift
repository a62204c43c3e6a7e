import ArgumentParser
import Foundation
import MeowCore
import MeowStore

struct Annotators: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "annotators",
        abstract: "List annotators with their state, gold-check accuracy and speed; reinstate a paused one.",
        subcommands: [List.self, Reinstate.self, SetRole.self], defaultSubcommand: List.self)

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Annotators of a project.")
        @Argument(help: "Project name.") var project: String
        @Flag(help: "Print JSON.") var json = false
        @OptionGroup var workspace: WorkspaceOptions

        func run() throws {
            let list = try workspace.open().annotators(project: project)
            if json {
                try printJSON(list, snakeCase: true)
                return
            }
            let w = max(9, list.map(\.name.count).max() ?? 0)
            out("annotator".padding(toLength: w, withPad: " ", startingAt: 0) + "  role       answers  gold acc.  s/item  too fast  flagged  state")
            for a in list {
                let acc = a.goldAccuracy.map { String(format: "%5.0f%% (%d)", $0 * 100, a.goldAnswers) } ?? "—"
                let speed = a.medianSeconds.map { String(format: "%.1f", $0) } ?? "—"
                out(a.name.padding(toLength: w, withPad: " ", startingAt: 0) + "  "
                      + a.role.padding(toLength: 9, withPad: " ", startingAt: 0)
                      + String(format: "  %7d  ", a.annotations) + acc.padding(toLength: 9, withPad: " ", startingAt: 0)
                      + "  " + speed.padding(toLength: 6, withPad: " ", startingAt: 0)
                      + String(format: "  %8d  %7d  ", a.tooFast, a.flaggedForReview) + a.state
                      + (a.pauseReason.map { " (\($0))" } ?? "") + (a.qualification.map { "; qualification \($0)" } ?? ""))
            }
        }
    }

    struct Reinstate: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "reinstate", abstract: "Lift a gold-check pause (admins).")
        @Argument(help: "Project name.") var project: String
        @Argument(help: "The paused annotator.") var name: String
        @OptionGroup var workspace: WorkspaceOptions

        func run() throws {
            try workspace.open().reinstate(project: project, annotator: name, by: LoginUser.name)
            out("\(name) reinstated in \(project); earlier gold misses no longer count")
        }
    }

    struct SetRole: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "role", abstract: "Make someone admin, reviewer or annotator (admins).")
        @Argument(help: "Project name.") var project: String
        @Argument(help: "The person.") var name: String
        @Argument(help: "admin, reviewer or annotator.") var role: String
        @OptionGroup var workspace: WorkspaceOptions

        func validate() throws {
            guard Role(rawValue: role) != nil else { throw ValidationError("role must be admin, reviewer or annotator") }
        }

        func run() throws {
            try workspace.open().setRole(project: project, member: name, role: Role(rawValue: role)!, by: LoginUser.name)
            out("\(name) is now \(role) in \(project)")
        }
    }
}
