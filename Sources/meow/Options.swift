import ArgumentParser
import Foundation
import MeowStore

/// Options every workspace command takes.
struct WorkspaceOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The workspace file (default: $MEOW_DB, else ./meow.sqlite).", valueName: "path"))
    var db: String?

    var path: String { db ?? ProcessInfo.processInfo.environment["MEOW_DB"].flatMap { $0.isEmpty ? nil : $0 } ?? "meow.sqlite" }

    func open(create: Bool = false) throws -> Workspace { try Workspace(path: path, create: create) }
}

/// Who is acting. Defaults to the login user.
struct AnnotatorOption: ParsableArguments {
    @Option(name: .customLong("as"), help: ArgumentHelp("Annotator name (default: the login user).", valueName: "name"))
    var name: String?

    var annotator: String { name ?? LoginUser.name }

    func validate() throws {
        if let name {
            guard !name.isEmpty, name.count <= 64, name.unicodeScalars.allSatisfy({ !CharacterSet.whitespacesAndNewlines.contains($0) && !CharacterSet.controlCharacters.contains($0) }) else {
                throw ValidationError("annotator name '\(name)' must be 1-64 characters without spaces or control characters")
            }
        }
    }
}

enum LoginUser {
    static var name: String {
        if let u = ProcessInfo.processInfo.environment["USER"], !u.isEmpty { return u }
        if let pw = getpwuid(getuid()), let n = pw.pointee.pw_name { return String(cString: n) }
        return "annotator"
    }
}

/// Writes to stderr (messages that are not the command's output).
func note(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Prints the error the way a user should see it and exits non-zero.
struct UserFacingError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

/// Prints one JSON object on a line (sorted keys), for `--json` output.
func printJSON<T: Encodable>(_ value: T, snakeCase: Bool = false) throws {
    let enc = JSONEncoder()
    if snakeCase { enc.keyEncodingStrategy = .convertToSnakeCase }
    enc.outputFormatting = [.sortedKeys]
    print(String(decoding: try enc.encode(value), as: UTF8.self))
}
