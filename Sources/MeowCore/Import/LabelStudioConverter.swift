import Foundation

/// Reads a Label Studio JSON export (Export → JSON: an array of tasks) into meow items and
/// answers.
///
/// The format, as Label Studio documents it (labelstud.io/guide/task_format, "Label Studio
/// JSON format of annotated tasks"): each task has `id`, `data` (the imported fields, e.g.
/// `data.text`) and `annotations`, each with `completed_by` (a user id, or an object with
/// `id` and `email`), `was_cancelled`, `lead_time` and `result`: one entry per control
/// (`from_name`, `to_name`, `type`, `value`). Types read here: `choices`
/// (`value.choices`), `labels` (`value.start`, `value.end`, `value.text`, `value.labels`)
/// and `rating` (`value.rating`). Older exports call `annotations` `completions`.
///
/// Item ids are the task ids (stable across exports of one Label Studio project, so a
/// re-import finds the same items). Span offsets: Label Studio's editor counts in UTF-16 code
/// units (JavaScript string indexes; HumanSignal/label-studio#1347), meow in code points; see
/// `spanOffsets`.
public struct LabelStudioConverter {
    public var guideline: Guideline
    /// The `data` field holding the text (`$text` in the labeling config).
    public var textField = "text"

    public init(guideline: Guideline, textField: String = "text") {
        self.guideline = guideline
        self.textField = textField
    }

    /// Task fields read for items and answers; any other is reported as ignored.
    static let taskFields: Set<String> = ["id", "data", "annotations", "completions", "meta"]
    static let annotationFields: Set<String> = ["result", "completed_by", "was_cancelled"]
    /// `data` keys that would mean something else as a field of meow's item line.
    static let reservedKeys: Set<String> = ["id", "text", "priority", "a", "b", "prompt", "meta"]

    public func convert(_ data: Data, file: String) throws(ForeignImportError) -> ForeignImport {
        let whole = ForeignLocation(file: file)
        let root: JSONValue
        do { root = try JSONValue.parse(data) } catch let error as DecodingError {
            // Foundation's reader says where in its own terms; a user needs the cause.
            var why = "a number out of range, an invalid escape (such as a lone \\ud800) or a syntax error"
            if case .dataCorrupted(let context) = error, let underlying = context.underlyingError as NSError?,
               let detail = underlying.userInfo[NSDebugDescriptionErrorKey] as? String { why = detail }
            throw ForeignImportError(whole, "not valid JSON: \(why)")
        } catch {
            throw ForeignImportError(whole, "not valid JSON: \(error.localizedDescription)")
        }
        guard let tasks = root.array else {
            throw ForeignImportError(whole, "a Label Studio export is a JSON array of tasks (Export → JSON); this file is a JSON \(Self.kind(root))")
        }
        var b = ForeignImportBuilder(format: .labelStudio, guideline: guideline, file: file, unite: false)
        for (index, task) in tasks.enumerated() {
            b.result.records += 1
            try addTask(task, number: index + 1, file: file, into: &b)
        }
        return try b.finish()
    }

    private func addTask(_ task: JSONValue, number: Int, file: String, into b: inout ForeignImportBuilder) throws(ForeignImportError) {
        var here = ForeignLocation(file: file, task: number)
        guard let fields = task.object else { throw ForeignImportError(here, "a task must be a JSON object, not \(Self.kind(task))") }
        guard let id = task["id"]?.scalarText, !id.isEmpty else { throw ForeignImportError(here, "the task has no \"id\" (meow uses it as the item id)") }
        here.taskID = id
        guard let data = task["data"]?.object else { throw ForeignImportError(here, "the task has no \"data\" object") }
        for key in fields.keys where !Self.taskFields.contains(key) { b.result.ignored.insert(key) }

        var content: [(key: String, value: String)] = []
        var used: Set<String> = []
        if guideline.task == .compare {
            for key in ["prompt", "a", "b"] {
                guard let value = data[key] else { continue }
                guard let s = value.string else { throw ForeignImportError(here, "\"data.\(key)\" must be a string") }
                content.append((key, s)); used.insert(key)
            }
        } else {
            guard let value = data[textField] else {
                throw ForeignImportError(here, "no \"data.\(textField)\" (data has: \(data.keys.sorted().joined(separator: ", "))); name the text field with --text-field")
            }
            guard let s = value.string else { throw ForeignImportError(here, "\"data.\(textField)\" must be a string") }
            if s.isBlank { throw ForeignImportError(here, "\"data.\(textField)\" is empty") }
            content.append(("text", s)); used.insert(textField)
        }
        var metadata: [String: JSONValue] = [:]
        for (key, value) in data where !used.contains(key) {
            metadata[Self.reservedKeys.contains(key) ? "data." + key : key] = value
            b.result.kept.insert("data." + key)
        }
        if let meta = task["meta"], meta != .null, meta != .object([:]) {
            metadata["meta"] = meta
            b.result.kept.insert("meta")
        }
        let item = try b.addItem(ForeignItem(id: id, content: content, metadata: metadata, location: here))
        let text = content.first { $0.key == "text" }?.value ?? ""

        guard let annotations = (task["annotations"] ?? task["completions"]) else { return }
        guard let list = annotations.array else { throw ForeignImportError(here, "\"annotations\" must be an array") }
        for annotation in list {
            guard let a = annotation.object else { throw ForeignImportError(here, "an annotation must be a JSON object") }
            for key in a.keys where !Self.annotationFields.contains(key) { b.result.ignored.insert("annotations[]." + key) }
            if annotation["was_cancelled"] == .bool(true) { b.skip("cancelled in Label Studio"); continue }
            let annotator = try Self.annotator(annotation["completed_by"], at: here)
            guard let raw = try answer(annotation["result"] ?? .array([]), text: text, at: here, into: &b) else { continue }
            try b.addAnswer(item: item, annotator: annotator, raw: raw, at: here)
        }
    }

    /// The annotator's name: the email when the export has it, else `ls-` and the user id.
    static func annotator(_ value: JSONValue?, at here: ForeignLocation) throws(ForeignImportError) -> String {
        switch value {
        case .integer(let n)?: return "ls-\(n)"
        case .string(let s)? where !s.isEmpty: return s
        case .object(let o)?:
            if let email = o["email"]?.string, !email.isEmpty { return email }
            if let id = o["id"]?.scalarText { return "ls-\(id)" }
        default: break
        }
        throw ForeignImportError(here, "an annotation has no \"completed_by\" (a user id or an object with \"email\"): meow needs to know who answered")
    }

    /// The answer an annotation's results give for this project's task; nil (and counted)
    /// when it gives none.
    private func answer(_ result: JSONValue, text: String, at here: ForeignLocation, into b: inout ForeignImportBuilder) throws(ForeignImportError) -> RawAnswer? {
        guard let results = result.array else { throw ForeignImportError(here, "an annotation's \"result\" must be an array") }
        var labels: [String] = [], spans: [Span] = [], ratings: [Int] = []
        var scalars: [Unicode.Scalar]?
        var offsets: UTF16Offsets?
        for r in results {
            let type = r["type"]?.string ?? "?"
            let value = r["value"] ?? .null
            switch (guideline.task, type) {
            case (.classify, "choices"), (.multilabel, "choices"), (.compare, "choices"), (.rate, "choices"):
                guard let choices = value["choices"]?.array else { throw ForeignImportError(here, "a choices result has no \"value.choices\" array") }
                for c in choices {
                    guard let s = c.scalarText else { throw ForeignImportError(here, "a choice must be a string") }
                    if !labels.contains(s) { labels.append(s) }
                }
            case (.rate, "rating"):
                guard let n = value["rating"]?.integer else { throw ForeignImportError(here, "a rating result has no whole-number \"value.rating\"") }
                ratings.append(n)
            case (.spans, "labels"):
                if scalars == nil { scalars = Array(text.unicodeScalars); offsets = UTF16Offsets(text) }
                let range = try Self.spanOffsets(value, scalars: scalars ?? [], offsets: offsets ?? UTF16Offsets(""), at: here)
                guard let names = value["labels"]?.array, !names.isEmpty else { throw ForeignImportError(here, "a labels result has no \"value.labels\"") }
                for name in names {
                    guard let label = name.string else { throw ForeignImportError(here, "a span label must be a string") }
                    spans.append(Span(start: range.lowerBound, end: range.upperBound, label: label))
                }
            default:
                b.result.ignored.insert("result type \(type)")
            }
        }
        switch guideline.task {
        case .spans: return .spans(spans)
        case .rate:
            if ratings.count > 1 { throw ForeignImportError(here, "an annotation gives \(ratings.count) ratings; meow keeps one per annotator and item") }
            if let n = ratings.first { return .rating(n) }
            if !labels.isEmpty { return .labels(labels) }
            b.skip("no rating in the annotation")
            return nil
        case .classify, .multilabel, .compare:
            if labels.isEmpty { b.skip("no choices in the annotation"); return nil }
            return .labels(labels)
        }
    }

    /// A span's offsets in code points. Label Studio's text editor gives JavaScript string
    /// offsets (UTF-16 code units: an emoji counts two), and some versions code points; the
    /// span's `value.text`, when present, says which reading is right. Without it, UTF-16.
    static func spanOffsets(_ value: JSONValue, scalars: [Unicode.Scalar], offsets: UTF16Offsets, at here: ForeignLocation) throws(ForeignImportError) -> Range<Int> {
        guard let start = value["start"]?.integer, let end = value["end"]?.integer else {
            throw ForeignImportError(here, "a labels result needs whole-number \"value.start\" and \"value.end\" (character offsets; rich-text XPath offsets are not read)")
        }
        let fromUTF16: Range<Int>? = {
            guard let s = offsets.scalarOffset(start), let e = offsets.scalarOffset(end), s <= e else { return nil }
            return s..<e
        }()
        guard let expected = value["text"]?.string else {
            if let r = fromUTF16 { return r }
            throw ForeignImportError(here, "span \(start)-\(end) does not fit the text (\(offsets.count) UTF-16 code units)")
        }
        func covered(_ r: Range<Int>) -> String {
            guard r.lowerBound >= 0, r.upperBound <= scalars.count else { return "" }
            var s = String.UnicodeScalarView()
            s.append(contentsOf: scalars[r])
            return String(s)
        }
        if let r = fromUTF16, covered(r) == expected { return r }
        if start >= 0, start <= end, end <= scalars.count, covered(start..<end) == expected { return start..<end }
        throw ForeignImportError(here, "span \(start)-\(end) does not cover its text '\(TerminalText.safeInline(String(expected.prefix(40))))' (read as UTF-16 offsets or as code points)")
    }

    static func kind(_ v: JSONValue) -> String {
        switch v {
        case .null: return "null"
        case .bool: return "boolean"
        case .integer, .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }
}

/// Maps UTF-16 offsets (JavaScript's string indexes) to code-point offsets (meow's) in one text.
struct UTF16Offsets {
    /// For each UTF-16 offset, the code point offset; nil inside a surrogate pair.
    private var table: [Int?]
    var count: Int { table.count - 1 }

    init(_ text: String) {
        table = []
        table.reserveCapacity(text.utf16.count + 1)
        for (i, scalar) in text.unicodeScalars.enumerated() {
            table.append(i)
            if scalar.utf16.count == 2 { table.append(nil) }
        }
        table.append(text.unicodeScalars.count)
    }

    func scalarOffset(_ utf16: Int) -> Int? {
        guard utf16 >= 0, utf16 < table.count else { return nil }
        return table[utf16]
    }
}
