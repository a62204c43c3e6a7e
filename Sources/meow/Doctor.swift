import ArgumentParser
import Foundation
import MeowCore
import MeowStore

struct Doctor: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "doctor",
        abstract: "Check the workspace: integrity, frozen sets against their hashes, protection triggers, leases, counters. Exit 1 when anything is wrong.")
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var workspace: WorkspaceOptions

    struct Output: Encodable { var ok: Bool; var checks: [String]; var problems: [String]; var notes: [String] }

    func run() throws {
        let r = try workspace.open().doctor()
        if json {
            try printJSON(Output(ok: r.ok, checks: r.checks, problems: r.problems, notes: r.notes))
        } else {
            for c in r.checks { out("ok       \(c)") }
            for n in r.notes { out("note     \(n)") }
            for p in r.problems { out("PROBLEM  \(p)") }
            out(r.ok ? "\(WorkspaceLocation.display(workspace.path)): healthy" : "\(WorkspaceLocation.display(workspace.path)): \(r.problems.count) problems")
        }
        if !r.ok { throw ExitCode(1) }
    }
}
