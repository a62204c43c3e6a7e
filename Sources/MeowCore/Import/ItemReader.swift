import Foundation

/// One item read from an input file, before it is stored.
public struct ImportedItem: Sendable, Equatable {
    /// The id given in the file, if any.
    public var id: String?
    public var text: String
    /// Other fields, as a JSON object text.
    public var metadata: String?
    public var priority: Int
    public var line: Int
}

/// Input formats for `meow import`.
public enum ItemFormat: String, Sendable, CaseIterable {
    case jsonl, csv, text

    /// The format named by a file's extension, if it names one.
    public static func from(path: String) -> ItemFormat? {
        let ext = path.split(separator: ".").last.map { $0.lowercased() } ?? ""
        switch ext {
        case "jsonl", "ndjson": return .jsonl
        case "csv": return .csv
        case "txt", "text": return .text
        default: return nil
        }
    }
}

/// Reads items one at a time from JSONL, CSV or plain text, never holding the file in memory.
public final class ItemReader {
    public let path: String
    public let format: ItemFormat
    private var lines: LineReader?
    private var csv: CSVReader?
    private var header: [String] = []
    private var textColumn = -1, idColumn = -1, priorityColumn = -1
    private var aColumn = -1, bColumn = -1
    /// Compare items: fields `a` and `b` (the candidates, required) and `prompt` or `text`
    /// (optional) become one `ComparePair` stored as the item text; see `init(path:format:pairs:)`.
    public let pairs: Bool

    /// `pairs`: read `compare` items (`a`, `b`, optional `prompt` or `text`) instead of text items.
    public init(path: String, format: ItemFormat, pairs: Bool = false) throws {
        self.path = path
        self.format = format
        self.pairs = pairs
        if pairs, format == .text {
            throw ImportError(file: path, line: nil, message: "compare items need fields \"a\" and \"b\": import JSONL or CSV, not plain text")
        }
        switch format {
        case .jsonl, .text: lines = try LineReader(path: path)
        case .csv:
            let r = try CSVReader(path: path)
            csv = r
            // The header is the first record, after any blank lines: errors name its line.
            guard let (h, headerLine) = try r.next() else { throw ImportError(file: path, line: 1, message: "CSV: empty file (a header with a 'text' column is required)") }
            header = h.map { $0.trimmingCharacters(in: .whitespaces) }
            var seen = Set<String>()
            for name in header where !seen.insert(name).inserted {
                throw ImportError(file: path, line: headerLine, message: "CSV: column '\(name)' appears twice in the header")
            }
            if pairs {
                guard let a = header.firstIndex(of: "a"), let b = header.firstIndex(of: "b") else {
                    throw ImportError(file: path, line: headerLine, message: "CSV: a compare project needs 'a' and 'b' columns (found: \(header.joined(separator: ", ")))")
                }
                aColumn = a; bColumn = b
                let prompt = header.firstIndex(of: "prompt"), text = header.firstIndex(of: "text")
                if prompt != nil, text != nil {
                    throw ImportError(file: path, line: headerLine, message: "CSV: both 'prompt' and 'text' columns; a compare item has one prompt")
                }
                textColumn = prompt ?? text ?? -1
            } else {
                guard let t = header.firstIndex(of: "text") else {
                    throw ImportError(file: path, line: headerLine, message: "CSV: the header has no 'text' column (found: \(header.joined(separator: ", ")))")
                }
                textColumn = t
            }
            idColumn = header.firstIndex(of: "id") ?? -1
            priorityColumn = header.firstIndex(of: "priority") ?? -1
        }
    }

    public var bytesRead: Int { lines?.bytesRead ?? csv?.bytesRead ?? 0 }

    /// The next item; throws `ImportError` naming the line for a malformed one. After an
    /// error the reader continues with the following line (for `--skip-invalid`).
    public func next() throws -> ImportedItem? {
        switch format {
        case .text: return try nextText()
        case .jsonl: return try nextJSON()
        case .csv: return try nextCSV()
        }
    }

    private func nextText() throws -> ImportedItem? {
        while true {
            guard let r = try lines!.next({ bytes -> (String?, Bool) in
                guard let s = String(validating: bytes, as: UTF8.self) else { return (nil, false) }
                return (s, true)
            }) else { return nil }
            guard r.1, let s = r.0 else { throw ImportError(file: path, line: lines!.lineNumber, message: "invalid UTF-8") }
            if s.isBlank { continue }
            if s.utf8.contains(0) { throw ImportError(file: path, line: lines!.lineNumber, message: ImportLimits.nulMessage("the line")) }
            return ImportedItem(id: nil, text: s, metadata: nil, priority: 0, line: lines!.lineNumber)
        }
    }

    private func nextJSON() throws -> ImportedItem? {
        while true {
            let lineNo = lines!.lineNumber + 1
            guard let result = try lines!.next({ bytes -> Result<ImportedItem?, ImportError> in
                var blank = true
                for b in bytes where b != 0x20 && b != 0x09 { blank = false; break }
                if blank { return .success(nil) }
                var scanner = JSONScanner(bytes)
                let fields: [JSONScanner.Field]
                do { fields = try scanner.object() }
                catch let e as JSONScanner.Failure { return .failure(ImportError(file: path, line: lineNo, message: "invalid JSON at column \(e.column): \(e.message)")) }
                catch { return .failure(ImportError(file: path, line: lineNo, message: "invalid JSON")) }
                var id: String?, text: String?, priority = 0
                var a: String?, b: String?, promptKey: String?
                var meta: [UInt8] = []
                var seenKeys = Set<String>()
                for f in fields {
                    if !seenKeys.insert(f.key).inserted {
                        return .failure(ImportError(file: path, line: lineNo, message: "key \"\(f.key)\" appears twice"))
                    }
                    switch f.key {
                    case "a" where pairs, "b" where pairs:
                        guard case .string(let s) = f.value else { return .failure(ImportError(file: path, line: lineNo, message: "\"\(f.key)\" must be a string")) }
                        if f.key == "a" { a = s } else { b = s }
                    case "prompt" where pairs, "text":
                        guard case .string(let s) = f.value else { return .failure(ImportError(file: path, line: lineNo, message: "\"\(f.key)\" must be a string")) }
                        if let earlier = promptKey {
                            return .failure(ImportError(file: path, line: lineNo, message: "both \"\(earlier)\" and \"\(f.key)\": a compare item has one prompt"))
                        }
                        if pairs { promptKey = f.key }
                        text = s
                    case "id":
                        switch f.value {
                        case .string(let s): id = s
                        case .number(let n): id = n
                        default: return .failure(ImportError(file: path, line: lineNo, message: "\"id\" must be a string or a number"))
                        }
                    case "priority":
                        guard case .number(let n) = f.value, let p = Int(n), abs(p) <= ImportLimits.maxPriority else {
                            return .failure(ImportError(file: path, line: lineNo, message: "\"priority\" must be a whole number between -\(ImportLimits.maxPriority) and \(ImportLimits.maxPriority)"))
                        }
                        priority = p
                    default:
                        meta.append(meta.isEmpty ? UInt8(ascii: "{") : UInt8(ascii: ","))
                        meta.append(contentsOf: JSONText.quoted(f.key).utf8)
                        meta.append(UInt8(ascii: ":"))
                        meta.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[f.raw]))
                    }
                }
                if pairs {
                    do { text = try Self.pairText(prompt: text, a: a, b: b, quote: "\"", promptName: promptKey ?? "prompt") }
                    catch let message as PairFieldError { return .failure(ImportError(file: path, line: lineNo, message: message.message)) }
                    catch { return .failure(ImportError(file: path, line: lineNo, message: "\(error)")) }
                }
                guard let text else { return .failure(ImportError(file: path, line: lineNo, message: "missing \"text\"")) }
                if text.isBlank {
                    return .failure(ImportError(file: path, line: lineNo, message: "\"text\" is empty"))
                }
                if let id, id.isEmpty { return .failure(ImportError(file: path, line: lineNo, message: "\"id\" is empty")) }
                if text.utf8.contains(0) { return .failure(ImportError(file: path, line: lineNo, message: ImportLimits.nulMessage("\"text\""))) }
                if let id, id.utf8.contains(0) { return .failure(ImportError(file: path, line: lineNo, message: ImportLimits.nulMessage("\"id\""))) }
                // Kept as JSON text on both backends, and PostgreSQL's JSON refuses \u0000.
                if ImportLimits.holdsEscapedNUL(meta) { return .failure(ImportError(file: path, line: lineNo, message: ImportLimits.nulMessage("a metadata field"))) }
                if !meta.isEmpty { meta.append(UInt8(ascii: "}")); meta = JSONText.escapingC1(meta) }
                return .success(ImportedItem(id: id, text: text, metadata: meta.isEmpty ? nil : String(decoding: meta, as: UTF8.self), priority: priority, line: lineNo))
            }) else { return nil }
            switch result {
            case .success(let item?): return item
            case .success(nil): continue
            case .failure(let e): throw e
            }
        }
    }

    private func nextCSV() throws -> ImportedItem? {
        guard let (fields, line) = try csv!.next() else { return nil }
        guard fields.count == header.count else {
            throw ImportError(file: path, line: line, message: "CSV: \(fields.count) fields, but the header has \(header.count)")
        }
        var text: String
        if pairs {
            do {
                text = try Self.pairText(prompt: textColumn >= 0 ? fields[textColumn] : nil, a: fields[aColumn], b: fields[bColumn],
                                         quote: "'", promptName: textColumn >= 0 ? header[textColumn] : "prompt")
            } catch { throw ImportError(file: path, line: line, message: error.message) }
        } else {
            text = fields[textColumn]
        }
        if text.isBlank { throw ImportError(file: path, line: line, message: "'text' is empty") }
        if text.utf8.contains(0) { throw ImportError(file: path, line: line, message: ImportLimits.nulMessage("'text'")) }
        var id: String?
        if idColumn >= 0 { id = fields[idColumn].isEmpty ? nil : fields[idColumn] }
        if let id, id.utf8.contains(0) { throw ImportError(file: path, line: line, message: ImportLimits.nulMessage("'id'")) }
        var priority = 0
        if priorityColumn >= 0, !fields[priorityColumn].isEmpty {
            guard let p = Int(fields[priorityColumn]), abs(p) <= ImportLimits.maxPriority else {
                throw ImportError(file: path, line: line, message: "'priority' must be a whole number between -\(ImportLimits.maxPriority) and \(ImportLimits.maxPriority)")
            }
            priority = p
        }
        var meta: [String] = []
        for (i, name) in header.enumerated() where i != textColumn && i != idColumn && i != priorityColumn && i != aColumn && i != bColumn {
            if fields[i].utf8.contains(0) { throw ImportError(file: path, line: line, message: ImportLimits.nulMessage("'\(name)'")) }
            meta.append(JSONText.quoted(name) + ":" + JSONText.quoted(fields[i]))
        }
        return ImportedItem(id: id, text: text, metadata: meta.isEmpty ? nil : "{" + meta.joined(separator: ",") + "}", priority: priority, line: line)
    }
}

/// Why a compare item's fields do not make a pair.
struct PairFieldError: Error { let message: String }

extension ItemReader {
    /// The stored text of a compare item: `a` and `b` required and not blank, the prompt
    /// optional (a blank prompt is no prompt). Any NUL is refused like in text items.
    static func pairText(prompt: String?, a: String?, b: String?, quote: String, promptName: String) throws(PairFieldError) -> String {
        for (name, value) in [("a", a), ("b", b)] {
            guard let value else { throw PairFieldError(message: "missing \(quote)\(name)\(quote) (a compare item needs candidates \(quote)a\(quote) and \(quote)b\(quote))") }
            if value.isBlank { throw PairFieldError(message: "\(quote)\(name)\(quote) is empty") }
            if value.utf8.contains(0) { throw PairFieldError(message: ImportLimits.nulMessage("\(quote)\(name)\(quote)")) }
        }
        if let prompt, prompt.utf8.contains(0) { throw PairFieldError(message: ImportLimits.nulMessage("\(quote)\(promptName)\(quote)")) }
        let p = prompt.flatMap { $0.isBlank ? nil : $0 }
        return ComparePair(prompt: p, a: a ?? "", b: b ?? "").text
    }
}

public enum ImportLimits {
    public static let maxPriority = 1_000_000

    /// Text with a NUL is refused, never cut: C strings (and so many tools downstream of an
    /// export) end at a NUL, so "hello\u0000world" would become "hello" somewhere.
    /// Whether JSON text holds the escape `\u0000` (an odd run of backslashes before the `u`).
    static func holdsEscapedNUL(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 6 else { return false }
        var i = 0
        while i + 5 < bytes.count {
            if bytes[i] == 0x5C {
                var run = 0
                while i < bytes.count, bytes[i] == 0x5C { run += 1; i += 1 }
                if run % 2 == 1, i + 4 < bytes.count, bytes[i] == UInt8(ascii: "u"),
                   bytes[(i + 1)...(i + 4)].allSatisfy({ $0 == UInt8(ascii: "0") }) { return true }
                continue
            }
            i += 1
        }
        return false
    }

    static func nulMessage(_ what: String) -> String {
        "\(what) contains a NUL character (U+0000); remove it (meow refuses such text rather than cut it)"
    }
}

extension StringProtocol {
    /// True when the text has nothing but white space; stops at the first other character
    /// (Foundation's trimming copies the whole string: a third of the import time).
    var isBlank: Bool { unicodeScalars.allSatisfy { $0.properties.isWhitespace } }
}
