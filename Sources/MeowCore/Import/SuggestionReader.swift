import Foundation

/// One row of a model's suggestions file: the answer a model proposes for an item.
public struct SuggestionRow: Sendable, Equatable {
    public var item: String
    public var model: String
    /// The proposed answer: labels (classify, multilabel) or spans, as written (checked against
    /// the guideline by the store, which knows the task and the item's text).
    public var value: AnswerValue
    /// The model's confidence in this answer, when given: what `order: uncertainty` sorts by.
    public var score: Double?
    public var line: Int

    public init(item: String, model: String, value: AnswerValue, score: Double? = nil, line: Int) {
        self.item = item; self.model = model; self.value = value; self.score = score; self.line = line
    }
}

/// Reads `meow suggest` files: JSONL `{"item", "model", "label" | "labels" | "spans", "score"}`
/// or CSV with the same columns. `label` is one label (or several joined by commas);
/// `labels` a list of labels (CSV: joined by commas); `spans` a list of
/// `{"start", "end", "label"}` (CSV: `start:end:LABEL` joined by commas, empty for none).
/// `model` may be left out when the caller names one (`--model`). Other keys are ignored, so a
/// model's own output can be loaded as it is. Errors name the file and line; the same item
/// twice for one model is an error. Readers as `PredictionReader`: BOM, CRLF and quoting alike.
public enum SuggestionReader {
    public static func read(path: String, format: LongFormat? = nil, model defaultModel: String? = nil) throws(ImportError) -> [SuggestionRow] {
        let rows: [SuggestionRow]
        do {
            switch try format ?? LongFormat(path: path) ?? PredictionReader.sniff(path) {
            case .jsonl: rows = try readJSONL(path, defaultModel: defaultModel)
            case .csv: rows = try readCSV(path, defaultModel: defaultModel)
            }
        } catch let e as ImportError {
            throw e
        } catch {
            throw ImportError(file: path, line: nil, message: "\(error)")
        }
        var firstLine: [String: Int] = [:]
        for r in rows {
            let key = r.model + "\u{0}" + r.item
            if let first = firstLine[key] {
                throw ImportError(file: path, line: r.line, message: "item \"\(r.item)\" has a second suggestion from model \"\(r.model)\" (first on line \(first)); keep one per item and model")
            }
            firstLine[key] = r.line
        }
        if rows.isEmpty { throw ImportError(file: path, line: nil, message: "no suggestions in the file") }
        return rows
    }

    private static let answerKeys = ["label", "labels", "spans"]

    private static func readJSONL(_ path: String, defaultModel: String?) throws -> [SuggestionRow] {
        try JSONLObjects.read(path, keys: Set(["item", "model", "score"] + answerKeys)) { fields, bytes, lineNo in
            func fail(_ message: String) -> Result<SuggestionRow, ImportError> { .failure(ImportError(file: path, line: lineNo, message: message)) }
            var item: String?, model = defaultModel, score: Double?, value: AnswerValue?
            for f in fields {
                if answerKeys.contains(f.key), value != nil { return fail("give one of \"label\", \"labels\" or \"spans\", not several") }
                switch (f.key, f.value) {
                case ("item", .string(let s)), ("item", .number(let s)): item = s
                case ("item", _): return fail("\"item\" must be a string or a number")
                case ("model", .string(let s)): model = s
                case ("model", _): return fail("\"model\" must be a string")
                case ("score", .number(let s)):
                    guard let v = Double(s), v.isFinite else { return fail("\"score\" must be a finite number") }
                    score = v
                case ("score", .null): score = nil
                case ("score", _): return fail("\"score\" must be a number")
                case ("label", .string(let s)):
                    if s.isEmpty { return fail("empty \"label\"") }
                    value = .labels(AnswerValue.labels(inColumn: s))
                case ("label", _): return fail("\"label\" must be a string")
                case ("labels", .array), ("spans", .array):
                    let raw = Data(bytes[f.raw])
                    do { value = try f.key == "labels" ? labels(raw) : spans(raw) }
                    catch { return fail("\"\(f.key)\": \(error)") }
                case ("labels", .string(let s)): value = .labels(AnswerValue.labels(inColumn: s))
                case ("spans", .string(let s)):
                    guard let v = spans(column: s) else { return fail("\"spans\" must be a list of {\"start\", \"end\", \"label\"} or START:END:LABEL joined by commas") }
                    value = v
                default: return fail("\"\(f.key)\" must be a list")
                }
            }
            guard let item, !item.isEmpty else { return fail(item == nil ? "missing \"item\"" : "empty \"item\"") }
            guard let model, !model.isEmpty else { return fail("missing \"model\" (or name one with --model)") }
            guard let value else { return fail("missing \"label\", \"labels\" or \"spans\"") }
            return .success(SuggestionRow(item: item, model: model, value: value, score: score, line: lineNo))
        }
    }

    /// A JSON list of label strings.
    private static func labels(_ raw: Data) throws -> AnswerValue {
        guard case .array(let list) = try JSONValue.parse(raw) else { throw JSONValueError(message: "must be a list of labels") }
        return .labels(try list.map { v in
            guard let s = v.string, !s.isEmpty else { throw JSONValueError(message: "each label must be a non-empty string") }
            return s
        })
    }

    /// A JSON list of `{"start", "end", "label"}` spans, offsets in code points.
    private static func spans(_ raw: Data) throws -> AnswerValue {
        guard case .array(let list) = try JSONValue.parse(raw) else { throw JSONValueError(message: "must be a list of spans") }
        return .spans(try list.map { v in
            guard let start = v["start"]?.integer, let end = v["end"]?.integer, let label = v["label"]?.string else {
                throw JSONValueError(message: "each span needs a whole-number \"start\" and \"end\" and a \"label\"")
            }
            return Span(start: start, end: end, label: label)
        }.sorted())
    }

    /// `start:end:LABEL` joined by commas; empty (or `-`) for no spans.
    private static func spans(column text: String) -> AnswerValue? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty || trimmed == "-" { return .spans([]) }
        var out: [Span] = []
        for part in trimmed.split(separator: ",", omittingEmptySubsequences: true) {
            guard let s = Span(column: part) else { return nil }
            out.append(s)
        }
        return .spans(out.sorted())
    }

    private static func readCSV(_ path: String, defaultModel: String?) throws -> [SuggestionRow] {
        let csv = try CSVReader(path: path)
        guard let (header, headerLine) = try csv.next() else { return [] }
        let names = header.map { $0.trimmingCharacters(in: .whitespaces) }
        var seen = Set<String>()
        for name in names where !seen.insert(name).inserted {
            throw ImportError(file: path, line: headerLine, message: "CSV: column '\(name)' appears twice in the header")
        }
        let answerColumns = answerKeys.compactMap { key in names.firstIndex(of: key).map { (key, $0) } }
        guard let itemColumn = names.firstIndex(of: "item"), answerColumns.count == 1, let (answerKey, answerColumn) = answerColumns.first else {
            throw ImportError(file: path, line: headerLine, message: "CSV: the header needs an 'item' column and one of 'label', 'labels' or 'spans' (found: \(names.joined(separator: ", ")))")
        }
        let modelColumn = names.firstIndex(of: "model"), scoreColumn = names.firstIndex(of: "score")
        if modelColumn == nil && defaultModel == nil {
            throw ImportError(file: path, line: headerLine, message: "CSV: no 'model' column; name the model with --model")
        }
        var out: [SuggestionRow] = []
        while let (fields, line) = try csv.next() {
            guard fields.count == names.count else {
                throw ImportError(file: path, line: line, message: "CSV: \(fields.count) fields, but the header has \(names.count)")
            }
            let item = fields[itemColumn], answer = fields[answerColumn]
            if item.isEmpty { throw ImportError(file: path, line: line, message: "empty 'item'") }
            guard let model = modelColumn.map({ fields[$0] }).flatMap({ $0.isEmpty ? nil : $0 }) ?? defaultModel else {
                throw ImportError(file: path, line: line, message: "empty 'model' (or name one with --model)")
            }
            let value: AnswerValue
            if answerKey == "spans" {
                guard let v = spans(column: answer) else { throw ImportError(file: path, line: line, message: "'spans' must be START:END:LABEL joined by commas") }
                value = v
            } else {
                if answer.isEmpty { throw ImportError(file: path, line: line, message: "empty '\(answerKey)'") }
                value = .labels(AnswerValue.labels(inColumn: answer))
            }
            var score: Double?
            if let scoreColumn, !fields[scoreColumn].trimmingCharacters(in: .whitespaces).isEmpty {
                guard let v = Double(fields[scoreColumn].trimmingCharacters(in: .whitespaces)), v.isFinite else {
                    throw ImportError(file: path, line: line, message: "'score' must be a finite number")
                }
                score = v
            }
            out.append(SuggestionRow(item: item, model: model, value: value, score: score, line: line))
        }
        return out
    }
}
