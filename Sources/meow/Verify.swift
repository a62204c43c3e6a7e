import ArgumentParser
import Foundation
import MeowCore
import MeowStore

struct Verify: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "verify",
        abstract: "Check an exported test file against its frozen set: exit 0 when every record matches.")
    @Argument(help: "Project name.") var project: String
    @Argument(help: "The frozen set's name.") var name: String
    @Argument(help: "The exported JSONL test file.") var file: String
    @Option(help: ArgumentHelp("The set hash recorded when the set was frozen (printed by `meow freeze`).", valueName: "sethash"))
    var expect: String?
    @Flag(help: "Print JSON (the exit status is the same: 1 when anything differs).") var json = false
    @OptionGroup var workspace: WorkspaceOptions

    func run() throws {
        let ws = try workspace.open()
        // First the workspace's own copy: records, stored hashes, manifest and items must agree.
        let audit = try ws.auditFrozenSet(project: project, set: name, expected: expect)
        if !audit.ok {
            if json {
                try printJSON(Output(ok: false, frozenSet: name, file: file, records: try ws.frozenRecordHashes(project: project, set: name).count, setHash: nil, altered: audit.problems,
                                     changed: [], missing: [], added: [], unreadable: []), snakeCase: true)
            }
            for p in audit.problems where !json { out("altered: \(p)") }
            note("frozen set '\(name)' in the workspace was altered after it was frozen: \(audit.problems.count) problems; the file was not checked against it")
            throw ExitCode(1)
        }
        let manifest = try ws.frozenRecordHashes(project: project, set: name)
        let reader = try LineReader(path: file)
        var lines: [(item: String?, hash: String, line: Int)] = []
        while let entry = try reader.next({ bytes -> (String?, String, Int)? in
            if bytes.isEmpty { return nil }
            var scanner = JSONScanner(bytes)
            var item: String?
            if let fields = try? scanner.object(), let f = fields.first(where: { $0.key == "item" }), case .string(let s) = f.value { item = s }
            var h = SHA256()
            h.update(UnsafeRawBufferPointer(bytes))
            return (item, h.finalize().hexString, reader.lineNumber)
        }) {
            if let e = entry { lines.append(e) }
        }
        let r = VerifyReport.compare(lines: lines, manifest: manifest)
        if json {
            try printJSON(Output(ok: r.ok, frozenSet: name, file: file, records: manifest.count, setHash: frozenSetHash(manifest), altered: [],
                                 changed: r.changed, missing: r.missing, added: r.added, unreadable: r.unreadable), snakeCase: true)
            if r.ok { return }
        } else if r.ok {
            out("\(file): all \(manifest.count) records of '\(name)' match (set SHA-256 \(frozenSetHash(manifest)))")
            return
        }
        if !json {
            for i in r.changed { out("changed: \(i)") }
            for i in r.missing { out("missing: \(i)") }
            for i in r.added { out("added: \(i)") }
            for l in r.unreadable { out("unreadable: line \(l)") }
        }
        note("\(file) does not match frozen set '\(name)': \(r.changed.count) changed, \(r.missing.count) missing, \(r.added.count) added, \(r.unreadable.count) unreadable")
        throw ExitCode(1)
    }

    /// `--json`: `altered` lists problems of the workspace's own copy (then the file was not
    /// checked and the other lists are empty); `set_hash` is null in that case.
    struct Output: Encodable {
        var ok: Bool
        var frozenSet, file: String
        var records: Int
        @NullWhenNil var setHash: String?
        var altered, changed, missing, added: [String]
        var unreadable: [Int]
    }
}
