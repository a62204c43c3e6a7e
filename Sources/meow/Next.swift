import ArgumentParser
import Foundation
import MeowCore
import MeowStore

struct Next: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "next",
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
        if let lease, !(lease > 0 && lease <= Guideline.maxLeaseMinutes * 60) {
            throw ValidationError("--lease must be a positive number of seconds, at most \(Int(Guideline.maxLeaseMinutes * 60)) (a week)")
        }
    }

    func run() throws {
        let ws = try workspace.open()
        try Self.hand(try Result { try ws.claimNext(project: project, annotator: user.annotator, lease: lease) },
                      ws: ws, project: project, annotator: user.annotator, json: json)
    }

    /// Prints a claimed item (or says why there is none, with `next`'s exit statuses): shared
    /// by `meow next` and `meow submit --next`.
    static func hand(_ claimed: Result<ClaimedItem?, any Error>, ws: any WorkspaceStore, project: String, annotator: String, json: Bool) throws {
        let item: ClaimedItem
        do {
            guard let next = try claimed.get() else { throw ExitCode(3) }
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
        // An item that could not be printed was never handed over: give the claim back.
        do {
            let pair = try ws.project(project).guideline.task == .compare ? ComparePair(text: item.text) : nil
            var qualification = ""
            if case .qualification(let i, let n) = item.kind { qualification = ",\"qualification\":{\"index\":\(i),\"total\":\(n)}" }
            if json {
                var s = "{\"item\":" + JSONText.quoted(item.id) + ",\"text\":" + JSONText.quoted(item.text) + qualification
                // A compare item's text is its pair: the fields too, so a script need not parse it.
                if let pair {
                    s += ",\"prompt\":" + (pair.prompt.map(JSONText.quoted) ?? "null") + ",\"a\":" + JSONText.quoted(pair.a) + ",\"b\":" + JSONText.quoted(pair.b)
                }
                if let sug = item.suggestion { s += ",\"suggestion\":" + suggestionJSON(sug) }
                if let m = Self.metadataFields(item.metadata) { s += "," + m }
                try Console.outRaw(JSONText.escapingC1(Array((s + "}\n").utf8)))
            } else {
                if case .qualification(let i, let n) = item.kind { out("qualification \(i)/\(n): label it as the guideline says; your answers are scored") }
                out("item: \(TerminalText.safeInline(item.id))")
                if let m = item.metadata { out("metadata: \(m)") }
                if let sug = item.suggestion {
                    let score = sug.score.map { String(format: " (score %.2f)", $0) } ?? ""
                    out("suggestion by \(TerminalText.safeInline(sug.model))\(score): \(TerminalText.safeInline(sug.value.labelColumn)) (meow submit --accept-suggestion takes it)")
                }
                if let pair {
                    if let prompt = pair.prompt { out("prompt: " + prompt) }
                    out("a: " + pair.a)
                    out("b: " + pair.b)
                } else {
                    out(item.text)
                }
            }
            try Console.flush()
        } catch {
            try? ws.release(project: project, annotator: annotator, item: item.id)
            throw error
        }
    }

    /// `{"model", "score", "label"` (the label column) and the answer's own fields (`labels` or
    /// `spans`) `}`.
    static func suggestionJSON(_ s: Suggestion) -> String {
        "{\"model\":" + JSONText.quoted(s.model) + ",\"score\":" + (s.score.map { "\($0)" } ?? "null")
            + ",\"label\":" + JSONText.quoted(s.value.labelColumn) + "," + s.value.json.dropFirst()
    }
}

extension Next {
    /// The keys `next --json` itself writes: an item's metadata never overrides them.
    static let ownKeys: Set<String> = ["item", "text", "qualification", "prompt", "a", "b", "suggestion"]

    /// The item's metadata fields for the JSON object, without any key meow writes itself (a
    /// duplicate key would let the data overrule the item id or the suggestion).
    static func metadataFields(_ metadata: String?) -> String? {
        guard let m = metadata, m.count > 2 else { return nil }
        guard let object = try? JSONSerialization.jsonObject(with: Data(m.utf8)) as? [String: Any] else { return nil }
        if Set(object.keys).isDisjoint(with: ownKeys) { return String(m.dropFirst().dropLast()) }
        let kept = object.filter { !ownKeys.contains($0.key) }
        guard !kept.isEmpty, let data = try? JSONSerialization.data(withJSONObject: kept, options: [.sortedKeys, .withoutEscapingSlashes]) else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        return String(text.dropFirst().dropLast())
    }
}
