import Foundation
import MeowCore
import MeowStore

/// Writes a converted Label Studio or Prodigy file into a project through the store's own
/// two imports: the items (`importItems`, from a JSONL file of the converted items) and then
/// the answers (`importAnnotations`, from a long-format file), so every check those make
/// applies unchanged.
///
/// Both go in one transaction (`importItemsAndAnnotations`), so a refused answer never
/// leaves new items behind; the converter has already checked every answer against the
/// guideline and its item's text, and the caller's role is checked here first.
struct ForeignImporter {
    let store: any WorkspaceStore
    let project: String
    let user: String

    struct Outcome {
        var items: ImportSummary
        var answersInserted = 0
        var answersAlreadyPresent = 0
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
        return try map.translating {
            let reader = try ItemReader(path: items, format: .jsonl, pairs: compare)
            if converted.answers.isEmpty {
                return Outcome(items: try store.importItems(project: project, reader: reader, skipInvalid: false))
            }
            let done = try store.importItemsAndAnnotations(project: project, items: reader, answersPath: answers, format: .jsonl, by: user) { items in
                // The converter joined equal texts within the file, so these are texts the
                // project already holds under other ids: meow keeps one item per text, and
                // their answers would have no item to go to.
                guard items.duplicateText > 0 else { return }
                let n = items.duplicateText
                throw UserFacingError("\(n) item\(n == 1 ? " has a text" : "s have texts") the project already holds under another id (meow keeps one item per text), so \(n == 1 ? "its" : "their") answers would have no item; import into a new project, or give the project's items the file's ids. Nothing was imported")
            }
            return Outcome(items: done.items, answersInserted: done.answers.inserted, answersAlreadyPresent: done.answers.alreadyPresent)
        }
    }

    private func write(_ lines: [String], to path: String) throws {
        var text = lines.joined(separator: "\n")
        if !lines.isEmpty { text += "\n" }
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw UserFacingError("cannot write the converted file \(path)")
        }
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
