import ArgumentParser
import Foundation
import MeowCore
import MeowStore

/// Options every workspace command takes.
struct WorkspaceOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The workspace: a file (a path or sqlite:PATH) or a PostgreSQL database (postgresql://...); default $MEOW_DB, else ./meow.sqlite.", valueName: "location"))
    var db: String?

    @Flag(name: [.short, .long], help: "No informational messages or progress bars on standard error (warnings and errors are still shown).")
    var quiet = false

    var path: String { db ?? ProcessInfo.processInfo.environment["MEOW_DB"].flatMap { $0.isEmpty ? nil : $0 } ?? "meow.sqlite" }

    /// The workspace, through the store protocols only (a SQLite file or a PostgreSQL database).
    func open(create: Bool = false) throws -> any WorkspaceStore { try WorkspaceLocation.open(path, create: create) }

    /// Every workspace command parses these options, so this is where `--quiet` takes effect
    /// (ArgumentParser validates option groups before `run()`; it has no global options).
    func validate() throws {
        if quiet { Console.quiet = true }
    }

    /// The file behind the workspace, which no output may overwrite.
    var filePath: String { WorkspaceLocation.filePath(path) }
}

/// Who is acting. Defaults to the login user.
struct AnnotatorOption: ParsableArguments {
    @Option(name: .customLong("as"), help: ArgumentHelp("Annotator name (default: the login user).", valueName: "name"))
    var name: String?

    /// Checked in `validate()`, so the fallback cannot fail here.
    var annotator: String { name ?? ((try? LoginUser.name) ?? "annotator") }

    func validate() throws {
        if let name {
            if let problem = AnnotatorName.problem(name) {
                throw ValidationError("--as '\(TerminalText.safeInline(name))': \(problem)")
            }
        } else {
            _ = try LoginUser.name
        }
    }
}

enum LoginUser {
    /// The login name ($USER, else the password database), checked with the same rule as
    /// `--as`: an identity that cannot be stored or shown safely is an error, not a guess.
    static var name: String {
        get throws {
            var n = "annotator"
            if let u = ProcessInfo.processInfo.environment["USER"], !u.isEmpty { n = u }
            else if let pw = getpwuid(getuid()), let c = pw.pointee.pw_name { n = String(cString: c) }
            if let problem = AnnotatorName.problem(n) {
                throw ValidationError("the login name '\(TerminalText.safeInline(n))' (from $USER) cannot be used: \(problem); set USER to a valid name (commands that act as an annotator also take --as NAME)")
            }
            return n
        }
    }
}

/// Prints the error the way a user should see it and exits non-zero.
struct UserFacingError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
