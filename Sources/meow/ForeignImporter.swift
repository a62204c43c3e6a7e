import Foundation
import MeowCore
import MeowStore

/// Writes a converted Label Studio or Prodigy file into a project through the store's own
/// two imports: the items (`importItems`, from a JSONL file of the converted items) and then
/// the answers (`importAnnotations`, from a long-format file), so every check those make
/// applies unchanged.
///
/// They are two transactions. So that a refused answer never leaves new items behind, the
/// file is checked before anything is written: the converter checks every answer against the
/// guideline and its item's text; the caller's role is checked here; and when the project
/// already has items (the only case in which the store can still refuse: an item's text
/// already there under another id, an answer that differs from a stored one, a frozen item),
/// both imports are rehearsed first on a snapshot of the workspace (`backup`) in a private
/// temporary folder that is removed afterwards.
struct ForeignImporter {
    let store: any WorkspaceStore
    let project: String
    let user: String

    struct Outcome {
        var items: ImportSummary
        var answersInserted = 0
        var answersAlreadyPresent = 0
        var rehearsed = false
    }

    func run(_ converted: ForeignImport) throws -> Outcome {
        guard try store.role(of: user, inProject: project) == .admin else {
            throw UserFacingError("only an admin of '\(project)' can import answers in other annotators' names (you are \(user))")
        }
        let scratch = try ScratchFolder()
        let items = scratch.path + "/items.jsonl", answers = scratch.path + "/answers.jsonl"
        try write(converted.items.map(\.jsonLine), to: items)
        try write(converted.answers.map(\.jsonLine), to: answers)
        let map = LocationMap(itemsFile: items, items: converted.items.map(\.location),
                              answersFile: answers, answers: converted.answers.map(\.location))
        let compare = try store.project(project).guideline.task == .compare
        var rehearsed = false
        if try store.status(project: project).items > 0 {
            let copy = scratch.path + "/rehearsal.sqlite"
            _ = try store.backup(to: copy)
            let rehearsal = try WorkspaceLocation.open(copy)
            try map.translating { _ = try importBoth(into: rehearsal, items: items, answers: answers, compare: compare, hasAnswers: !converted.answers.isEmpty, rehearsal: true) }
            rehearsed = true
        }
        var outcome = try map.translating {
            try importBoth(into: store, items: items, answers: answers, compare: compare, hasAnswers: !converted.answers.isEmpty, rehearsal: false)
        }
        outcome.rehearsed = rehearsed
        return outcome
    }

    private func importBoth(into ws: any WorkspaceStore, items: String, answers: String, compare: Bool, hasAnswers: Bool, rehearsal: Bool) throws -> Outcome {
        let itemSummary = try ws.importItems(project: project, reader: try ItemReader(path: items, format: .jsonl, pairs: compare), skipInvalid: false)
        // The converter joined equal texts within the file, so these are texts the project
        // already holds under other ids: meow keeps one item per text, and their answers
        // would have no item to go to.
        if itemSummary.duplicateText > 0, rehearsal {
            let n = itemSummary.duplicateText
            throw UserFacingError("\(n) item\(n == 1 ? " has a text" : "s have texts") the project already holds under another id (meow keeps one item per text), so \(n == 1 ? "its" : "their") answers would have no item; import into a new project, or give the project's items the file's ids. Nothing was imported")
        }
        var outcome = Outcome(items: itemSummary)
        if hasAnswers {
            do {
                let s = try ws.importAnnotations(project: project, path: answers, format: .jsonl, by: user)
                (outcome.answersInserted, outcome.answersAlreadyPresent) = (s.inserted, s.alreadyPresent)
            } catch where itemSummary.inserted > 0 && !rehearsal {
                // Only a workspace changed between the rehearsal and now gets here.
                throw PartialImport(items: itemSummary.inserted, cause: error)
            }
        }
        return outcome
    }

    private func write(_ lines: [String], to path: String) throws {
        var text = lines.joined(separator: "\n")
        if !lines.isEmpty { text += "\n" }
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw UserFacingError("cannot write the converted file \(path)")
        }
    }
}

/// The items went in and the answers did not (the workspace changed during the import).
struct PartialImport: Error, CustomStringConvertible {
    var items: Int
    var cause: any Error
    var description: String {
        "\(cause)\nthe \(items) new items were imported but none of the answers; fix the problem and run the same command again (it finds the same items)"
    }
}

/// Turns errors about the converted files back into the places of the user's file.
struct LocationMap {
    var itemsFile: String
    var items: [ForeignLocation]
    var answersFile: String
    var answers: [ForeignLocation]

    func translating<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as ImportError {
            throw translate(e)
        } catch let e as PartialImport {
            var p = e
            if let cause = e.cause as? ImportError { p.cause = translate(cause) }
            throw p
        }
    }

    func translate(_ e: ImportError) -> any Error {
        let table = e.file == itemsFile ? items : e.file == answersFile ? answers : nil
        guard let table else { return e }
        if let line = e.line, line >= 1, line <= table.count { return ForeignImportError(table[line - 1], e.message) }
        return ForeignImportError(table.first.map { ForeignLocation(file: $0.file) } ?? ForeignLocation(file: e.file), e.message)
    }
}

/// A private temporary folder (mode 0700), removed with everything in it.
final class ScratchFolder {
    let path: String
    init() throws {
        path = NSTemporaryDirectory() + "meow-import-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
}
