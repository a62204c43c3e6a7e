import Foundation

/// Reads a Prodigy JSONL export (`prodigy db-out DATASET > file.jsonl`) into meow items and
/// answers.
///
/// The format, as Prodigy documents it (prodi.gy/docs/api-interfaces, "Annotation task
/// formats"): one example per line with `text`, `answer` (`accept`, `reject` or `ignore`),
/// `_input_hash` (the same for every example made from one input) and `_task_hash`; choice
/// tasks list the selected option ids in `accept`, binary tasks name one `label`, entity tasks
/// give `spans` [{`start`, `end`, `label`}] in Python string offsets (code points, as meow
/// counts). The annotator is `_annotator_id`, else `_session_id`; both are `DATASET-SESSION`
/// for named sessions (`?session=alex` on `ner_news` gives `ner_news-alex`).
///
/// Item ids are `_input_hash`: every annotator's example of one text shares it, and a
/// re-export gives the same value, so re-importing finds the same items.
public struct ProdigyConverter {
    public var guideline: Guideline
    /// The dataset name to drop from annotator ids (`ner_news` turns `ner_news-alex` into `alex`).
    public var dataset: String?

    public init(guideline: Guideline, dataset: String? = nil) {
        self.guideline = guideline
        self.dataset = dataset
    }

    /// Keys read for items and answers.
    static let readKeys: Set<String> = ["text", "answer", "accept", "label", "spans", "_input_hash", "_annotator_id", "_session_id"]
    /// Keys of Prodigy's interfaces and recipes, not of the data: reported as ignored.
    static let interfaceKeys: Set<String> = ["tokens", "options", "config", "html", "priority", "score", "image", "audio", "video",
                                             "relations", "arcs", "orig_text", "user_input", "width", "height"]
    /// Keys that would mean something else as a field of meow's item line.
    static let reservedKeys: Set<String> = ["id", "priority", "a", "b", "prompt"]

    public func convert(path: String) throws -> ForeignImport {
        guard guideline.task != .compare else {
            throw ForeignImportError(ForeignLocation(file: path), "Prodigy files import into classify, multilabel, spans and rate projects; this one is a compare project")
        }
        let lines = try LineReader(path: path)
        var b = ForeignImportBuilder(format: .prodigy, guideline: guideline, file: path, unite: true)
        var rawAnnotators = Set<String>()
        while true {
            let number = lines.lineNumber + 1
            guard let parsed = try lines.next({ bytes -> Result<JSONValue?, ForeignImportError> in
                Self.parseLine(bytes, at: ForeignLocation(file: path, line: number))
            }) else { break }
            let example: JSONValue
            switch parsed {
            case .success(nil): continue
            case .success(let value?): example = value
            case .failure(let error): throw error
            }
            b.result.records += 1
            if let annotator = try addExample(example, at: ForeignLocation(file: path, line: number), into: &b) {
                rawAnnotators.insert(annotator)
            }
        }
        if dataset == nil { b.result.sharedAnnotatorPrefix = Self.sharedPrefix(rawAnnotators) }
        return try b.finish()
    }

    /// One line as JSON: nil for a blank line; syntax errors name the column, as `meow import` does.
    static func parseLine(_ bytes: UnsafeBufferPointer<UInt8>, at here: ForeignLocation) -> Result<JSONValue?, ForeignImportError> {
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return .success(nil) }
        var scanner = JSONScanner(bytes)
        do { _ = try scanner.object() } catch {
            return .failure(ForeignImportError(here, "invalid JSON at column \(error.column): \(error.message)"))
        }
        do { return .success(try JSONValue.parse(Data(buffer: bytes))) } catch {
            return .failure(ForeignImportError(here, "invalid JSON: \(error)"))
        }
    }

    /// Adds one example; returns the annotator id as the file gives it (for the prefix hint).
    private func addExample(_ example: JSONValue, at here: ForeignLocation, into b: inout ForeignImportBuilder) throws(ForeignImportError) -> String? {
        guard let fields = example.object else { throw ForeignImportError(here, "expected a JSON object") }
        guard let hash = example["_input_hash"]?.scalarText else {
            throw ForeignImportError(here, "no \"_input_hash\" (Prodigy sets it on every example; meow uses it as the item id)")
        }
        // Prodigy's hashes are whole numbers; one that only a float can hold would lose digits
        // and could name two inputs alike.
        if case .number = example["_input_hash"] {
            throw ForeignImportError(here, "\"_input_hash\" \(hash) is not a whole number meow can keep exactly (Prodigy writes 32-bit integers)")
        }
        guard let text = example["text"]?.string else { throw ForeignImportError(here, "no \"text\" string (meow imports text examples)") }
        if text.isBlank { throw ForeignImportError(here, "\"text\" is empty") }

        var metadata: [String: JSONValue] = [:]
        for (key, value) in fields where !Self.readKeys.contains(key) {
            if key == "meta" || key == "_task_hash" || (!key.hasPrefix("_") && !Self.interfaceKeys.contains(key)) {
                metadata[Self.reservedKeys.contains(key) ? "input." + key : key] = value
                b.result.kept.insert(key)
            } else {
                b.result.ignored.insert(key)
            }
        }
        let item = try b.addItem(ForeignItem(id: hash, content: [("text", text)], metadata: metadata, location: here))

        guard let answer = example["answer"]?.string else { throw ForeignImportError(here, "no \"answer\" (accept, reject or ignore)") }
        switch answer {
        case "accept": break
        case "reject": b.skip("rejected in Prodigy (meow keeps what an annotator chose, not what they turned down)"); return nil
        case "ignore": b.skip("ignored in Prodigy"); return nil
        default: throw ForeignImportError(here, "\"answer\" is '\(TerminalText.safeInline(answer))'; Prodigy answers are accept, reject or ignore")
        }
        let raw = (example["_annotator_id"]?.string).flatMap { $0.isEmpty ? nil : $0 } ?? (example["_session_id"]?.string).flatMap { $0.isEmpty ? nil : $0 }
        guard let raw else {
            throw ForeignImportError(here, "no \"_annotator_id\" or \"_session_id\": meow needs to know who answered (export with prodigy db-out, which keeps them)")
        }
        var annotator = raw
        if let dataset, raw.hasPrefix(dataset + "-"), raw.count > dataset.count + 1 { annotator = String(raw.dropFirst(dataset.count + 1)) }

        let value: RawAnswer
        if guideline.task == .spans {
            if fields["label"] != nil { b.result.ignored.insert("label") }
            guard let list = example["spans"]?.array else { throw ForeignImportError(here, "an accepted example in a spans project needs \"spans\"") }
            var spans: [Span] = []
            for s in list {
                guard let start = s["start"]?.integer, let end = s["end"]?.integer else { throw ForeignImportError(here, "a span needs whole-number \"start\" and \"end\"") }
                guard let label = s["label"]?.string else { throw ForeignImportError(here, "span \(start)-\(end) has no \"label\"") }
                if !spans.contains(Span(start: start, end: end, label: label)) { spans.append(Span(start: start, end: end, label: label)) }
            }
            value = .spans(spans)
        } else {
            if fields["spans"] != nil { b.result.ignored.insert("spans") }
            if let accept = example["accept"] {
                guard let list = accept.array else { throw ForeignImportError(here, "\"accept\" must be an array of option ids") }
                var labels: [String] = []
                for option in list {
                    guard let s = option.scalarText else { throw ForeignImportError(here, "an option id in \"accept\" must be a string or a number") }
                    if !labels.contains(s) { labels.append(s) }
                }
                if labels.isEmpty { b.skip("accepted with no option selected"); return raw }
                value = .labels(labels)
            } else if let label = example["label"]?.string {
                value = .labels([label])
            } else {
                b.skip("accepted with no \"label\" or \"accept\"")
                return raw
            }
        }
        try b.addAnswer(item: item, annotator: annotator, raw: value, at: here)
        return raw
    }

    /// The `DATASET-` every annotator id starts with, when two or more ids share one.
    static func sharedPrefix(_ names: Set<String>) -> String? {
        guard names.count >= 2, var prefix = names.first else { return nil }
        for name in names { prefix = String(prefix.commonPrefix(with: name)) }
        guard let dash = prefix.lastIndex(of: "-") else { return nil }
        let cut = String(prefix[...dash])
        return cut.count > 1 ? cut : nil
    }
}
