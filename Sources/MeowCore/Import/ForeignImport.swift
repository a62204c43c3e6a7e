import Foundation

/// The labeling tools whose exports `meow import-annotations --from` reads.
public enum ForeignFormat: String, Sendable, CaseIterable {
    case labelStudio = "label-studio"
    case prodigy

    public var name: String { self == .labelStudio ? "Label Studio" : "Prodigy" }

    /// The tool a file clearly comes from, judged by its first bytes; nil leaves the file to
    /// the long-format reader, so files meow read before read the same way.
    /// Label Studio: a JSON array whose first element is an object with `data` or
    /// `annotations`. Prodigy: a JSON object on the first line with `_input_hash`,
    /// `_task_hash` or `answer`.
    public static func detect(path: String) -> ForeignFormat? {
        guard let handle = FileHandle(forReadingAtPath: path) else { return nil }
        defer { try? handle.close() }
        guard let head = try? handle.read(upToCount: 1 << 16), !head.isEmpty else { return nil }
        var bytes = [UInt8](head)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        guard let first = bytes.firstIndex(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }) else { return nil }
        if bytes[first] == UInt8(ascii: "[") {
            // The first task's keys, read from its text: the whole file may be large.
            let rest = bytes[(first + 1)...].drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
            guard rest.first == UInt8(ascii: "{") else { return nil }
            let text = String(decoding: rest, as: UTF8.self)
            return text.contains("\"annotations\"") || text.contains("\"data\"") ? .labelStudio : nil
        }
        guard bytes[first] == UInt8(ascii: "{") else { return nil }
        let end = bytes[first...].firstIndex(of: 0x0A) ?? bytes.endIndex
        let line = Array(bytes[first..<end])
        let keys: [String]? = line.withUnsafeBufferPointer { buffer in
            var scanner = JSONScanner(buffer)
            return (try? scanner.object())?.map(\.key)
        }
        guard let keys else { return nil }
        return keys.contains(where: { ["_input_hash", "_task_hash", "answer"].contains($0) }) ? .prodigy : nil
    }
}

/// Where in the source file a task or line is, for messages (`export.json: task 3 (id 17)`,
/// `prodigy.jsonl:4`).
public struct ForeignLocation: Sendable, Equatable, CustomStringConvertible {
    public var file: String
    /// JSONL: the line.
    public var line: Int?
    /// Label Studio: the task's position in the array (from 1) and its id.
    public var task: Int?
    public var taskID: String?

    public init(file: String, line: Int? = nil, task: Int? = nil, taskID: String? = nil) {
        self.file = file; self.line = line; self.task = task; self.taskID = taskID
    }

    public var description: String {
        if let line { return "\(file):\(line)" }
        if let task { return "\(file): task \(task)" + (taskID.map { " (id \($0))" } ?? "") }
        return file
    }

    /// Shorter, for lists inside one message about one file.
    var short: String {
        if let line { return "line \(line)" }
        if let task { return "task \(task)" }
        return file
    }
}

/// A problem in a foreign file: what and where. Nothing is imported when one is thrown.
public struct ForeignImportError: Error, Sendable, Equatable, CustomStringConvertible {
    public var location: ForeignLocation
    public var message: String
    public init(_ location: ForeignLocation, _ message: String) { self.location = location; self.message = message }
    public var description: String { "\(location): \(message)" }
}

/// One item as the converted file gives it to meow's item reader.
public struct ForeignItem: Sendable, Equatable {
    public var id: String
    /// `text`, or for compare projects `a`, `b` and `prompt`.
    public var content: [(key: String, value: String)]
    /// Everything else kept, by key (written as item metadata).
    public var metadata: [String: JSONValue]
    public var location: ForeignLocation

    public static func == (l: ForeignItem, r: ForeignItem) -> Bool {
        l.id == r.id && l.content.map(\.key) == r.content.map(\.key) && l.content.map(\.value) == r.content.map(\.value)
            && l.metadata == r.metadata && l.location == r.location
    }

    /// The text spans are checked against (empty for compare items).
    public var text: String { content.first { $0.key == "text" }?.value ?? "" }

    /// The line for `meow import`'s JSONL reader: id, content, then the metadata keys.
    public var jsonLine: String {
        var fields = ["\"id\":" + JSONText.quoted(id)]
        fields += content.map { JSONText.quoted($0.key) + ":" + JSONText.quoted($0.value) }
        fields += metadata.keys.sorted().map { JSONText.quoted($0) + ":" + (metadata[$0] ?? .null).jsonText }
        return "{" + fields.joined(separator: ",") + "}"
    }
}

/// One annotator's answer to one item, checked against the guideline.
public struct ForeignAnswer: Sendable, Equatable {
    public var item: String
    public var annotator: String
    public var value: AnswerValue
    public var location: ForeignLocation

    /// The long-format label column (`-` for no spans: a long-format label is never empty).
    public var labelColumn: String {
        let column = value.labelColumn
        return column.isEmpty ? "-" : column
    }

    /// The line for meow's long-format JSONL reader.
    public var jsonLine: String {
        "{\"item\":" + JSONText.quoted(item) + ",\"annotator\":" + JSONText.quoted(annotator) + ",\"label\":" + JSONText.quoted(labelColumn) + "}"
    }
}

/// What a foreign file holds once converted: items, checked answers, and the account of
/// everything that was not imported, for the summary a user reads.
public struct ForeignImport: Sendable {
    public var format: ForeignFormat
    /// Tasks (Label Studio) or lines (Prodigy) read.
    public var records = 0
    public var items: [ForeignItem] = []
    public var answers: [ForeignAnswer] = []
    /// Answers not imported, by reason (`cancelled in Label Studio`: 2).
    public var skipped: [String: Int] = [:]
    /// Field paths kept as item metadata (`meta`, `data.source`).
    public var kept: Set<String> = []
    /// Field paths read and left out (`lead_time`, `predictions`).
    public var ignored: Set<String> = []
    /// Items whose text another item of the file already has: their answers go to that one.
    public var merged: [(item: String, into: String)] = []
    /// Prodigy: the prefix every annotator id shares (`ner_news-`), a hint for `--prodigy-dataset`.
    public var sharedAnnotatorPrefix: String?

    public init(format: ForeignFormat) { self.format = format }

    public var annotators: [String] { Array(Set(answers.map(\.annotator))).sorted() }
}
