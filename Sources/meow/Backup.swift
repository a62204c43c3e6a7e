import ArgumentParser
import Foundation
import MeowCore
import MeowStore

struct Backup: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "backup",
        abstract: "Copy the workspace to a new file while annotators keep working (one consistent snapshot).",
        discussion: "The copy holds every answer committed before the backup began and passes SQLite's integrity check before it is put in place. A backup never overwrites a file.")
    @Option(help: ArgumentHelp("The new file.", valueName: "file")) var out: String
    @OptionGroup var workspace: WorkspaceOptions

    func run() throws {
        try OutputFile.refuseProtected(out, protecting: [workspace.filePath])
        let ws = try workspace.open()
        let start = Date()
        let bytes = try ws.backup(to: out)
        Console.out("backed up \(WorkspaceLocation.display(workspace.path)) to \(out) (\(bytes / 1024) KiB, integrity ok) in \(String(format: "%.2f", Date().timeIntervalSince(start))) s")
    }
}
