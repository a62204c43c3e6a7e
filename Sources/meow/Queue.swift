import ArgumentParser
import Foundation
import MeowCore
import MeowStore

struct Next: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Claim the next item and print it.",
        discussion: """
        Asking again while holding a claim returns the same item. Exit status 3: nothing left for this annotator.
        Exit status 4: the guideline's rules stand in the way (acknowledge it, pass qualification, or a pause).
        """)

    @Argument(help: "Project name.") var project: String
    @OptionGroup var user: AnnotatorOption
    @Flag(help: "Print one JSON object: {\"item\": id, \"text\": ..., metadata...}.") var json = false
    @Option(help: ArgumentHelp("Lease length in seconds (default: the guideline's lease_minutes, else 10 minutes).", valueName: "seconds"))
    var lease: Double?
    @OptionGroup var workspace: WorkspaceOptions

    func validate() throws {
        if let lease, !(lease > 0) { throw ValidationError("--lease must be a positive number of seconds") }
    }

    func run() throws {
        let ws = try workspace.open()
        let item: ClaimedItem
        do {
            guard let next = try ws.claimNext(project: project, annotator: user.annotator, lease: lease) else { throw ExitCode(3) }
            item = next
        } catch let e as StoreError {
            switch e {
            case .acknowledgementNeeded, .paused, .qualificationFailed:
                // Blocked by the guideline's rules: say why, exit 4.
                note("Error: \(e)")
                throw ExitCode(4)
            default: throw e
            }
        }
        var qualification = ""
        if case .qualification(let i, let n) = item.kind { qualification = ",\"qualification\":{\"index\":\(i),\"total\":\(n)}" }
        if json {
            var s = "{\"item\":" + JSONText.quoted(item.id) + ",\"text\":" + JSONText.quoted(item.text) + qualification
            if let m = item.metadata, m.count > 2 { s += "," + m.dropFirst().dropLast() }
            print(s + "}")
        } else {
            if case .qualification(let i, let n) = item.kind { print("qualification \(i)/\(n): label it as the guideline says; your answers are scored") }
            print("item: \(item.id)")
            if let m = item.metadata { print("metadata: \(m)") }
            print(item.text)
        }
    }
}

struct Submit: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Answer an item you hold.")

    @Argument(help: "Project name.") var project: String
    @OptionGroup var user: AnnotatorOption
    @Option(help: "The item id.") var item: String
    @Option(help: "A label (repeat for multi-label tasks).") var label: [String] = []
    @Option(help: "A comment.") var comment: String?
    @Flag(help: "Mark the answer as unsure.") var unsure = false
    @Option(help: "Why you are unsure (implies --unsure).") var unsureNote: String?
    @OptionGroup var workspace: WorkspaceOptions

    func validate() throws {
        if label.isEmpty { throw ValidationError("give at least one --label") }
    }

    func run() throws {
        let ws = try workspace.open()
        let outcome = try ws.submit(project: project, annotator: user.annotator, item: item, answer: Answer(labels: label, comment: comment, unsure: unsure || unsureNote != nil, unsureNote: unsureNote))
        if case .qualification(let answered, let total, let result) = outcome {
            if let result { print(QualificationText.render(result)) } else { print("qualification: \(answered)/\(total) answered") }
        }
    }
}

struct Skip: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Give a held item back; it goes to others, not to you again.")
    @Argument(help: "Project name.") var project: String
    @OptionGroup var user: AnnotatorOption
    @Option(help: "The item id.") var item: String
    @OptionGroup var workspace: WorkspaceOptions

    func run() throws {
        try workspace.open().skip(project: project, annotator: user.annotator, item: item)
    }
}

struct Release: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Give a held item back to the queue unanswered.")
    @Argument(help: "Project name.") var project: String
    @OptionGroup var user: AnnotatorOption
    @Option(help: "The item id.") var item: String
    @OptionGroup var workspace: WorkspaceOptions

    func run() throws {
        try workspace.open().release(project: project, annotator: user.annotator, item: item)
    }
}

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Items, completed, in progress, and per-annotator counts.")
    @Argument(help: "Project name.") var project: String
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var workspace: WorkspaceOptions

    func run() throws {
        let s = try workspace.open().status(project: project)
        if json {
            let enc = JSONEncoder()
            enc.keyEncodingStrategy = .convertToSnakeCase
            enc.outputFormatting = [.sortedKeys]
            print(String(decoding: try enc.encode(s), as: UTF8.self))
            return
        }
        print("project \(s.project) (guideline v\(s.guidelineVersion), overlap \(s.overlap))")
        print("  items        \(s.items)")
        print("  completed    \(s.completed)")
        print("  in progress  \(s.inProgress)")
        print("  not started  \(s.items - s.completed - s.inProgress)")
        print("  annotations  \(s.annotations)")
        if !s.annotators.isEmpty {
            let w = max(9, s.annotators.map(\.annotator.count).max() ?? 0)
            print("\n  " + "annotator".padding(toLength: w, withPad: " ", startingAt: 0) + "  labeled  skipped  holding")
            for a in s.annotators {
                print("  " + a.annotator.padding(toLength: w, withPad: " ", startingAt: 0)
                      + String(format: "  %7d  %7d  %7d", a.annotations, a.skipped, a.holding))
            }
        }
    }
}

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Export every annotation (item, text, annotator, label, comment, time, guideline version).")
    @Argument(help: "Project name.") var project: String
    @Option(help: "Output file ('-' for standard output).") var out: String
    @Option(help: "jsonl or csv (default: from the extension, else jsonl).") var format: ExportFormat?
    @OptionGroup var workspace: WorkspaceOptions

    func run() throws {
        let fmt = format ?? ExportFormat.from(path: out) ?? .jsonl
        let ws = try workspace.open()
        try ws.requireAdmin(LoginUser.name, project: ws.project(project), to: "export")
        let n = try AtomicFile.write(to: out) { sink in
            try ws.exportAnnotations(project: project, format: fmt, sink: sink)
        }
        if out != "-" { note("exported \(n) annotations to \(out)") }
    }
}

extension ExportFormat: ExpressibleByArgument {}

/// Writes through a temporary file renamed into place, so a failed export leaves no half file.
enum AtomicFile {
    static func write<T>(to path: String, _ body: (_ sink: (inout [UInt8]) throws -> Void) throws -> T) throws -> T {
        if path == "-" {
            return try body { bytes in FileHandle.standardOutput.write(Data(bytes)) }
        }
        let tmp = path + ".tmp-\(getpid())"
        guard let f = fopen(tmp, "wb") else { throw UserFacingError("\(path): cannot write: \(String(cString: strerror(errno)))") }
        var ok = false
        defer { if !ok { fclose(f); unlink(tmp) } }
        let result = try body { bytes in
            let n = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
            if n != bytes.count { throw UserFacingError("\(path): write failed: \(String(cString: strerror(errno)))") }
        }
        guard fflush(f) == 0, fsync(fileno(f)) == 0 else { throw UserFacingError("\(path): write failed: \(String(cString: strerror(errno)))") }
        fclose(f)
        ok = true
        guard rename(tmp, path) == 0 else { unlink(tmp); throw UserFacingError("\(path): cannot rename into place: \(String(cString: strerror(errno)))") }
        return result
    }
}
