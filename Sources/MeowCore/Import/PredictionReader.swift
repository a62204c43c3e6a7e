import Foundation

/// One model prediction: an item and the label the model gave it, with an optional score.
public struct Prediction: Sendable, Equatable {
    public var item: String
    public var label: String
    /// The model's score or confidence, if the file gives one (read and checked, not used by
    /// the metrics meow reports today).
    public var score: Double?
    /// The line it is on (a CSV record's first line).
    public var line: Int

    public init(item: String, label: String, score: Double? = nil, line: Int) {
        self.item = item; self.label = label; self.score = score; self.line = line
    }
}

/// Reads a model's predictions for `meow evaluate`: JSONL `{"item": …, "label": …, "score": …}`
/// or CSV with a header naming `item`, `label` and optionally `score` (any order; other keys
/// and columns are ignored, so a model's own output with extra fields can be used as it is).
///
/// The same readers as `meow import`: `LineReader` and `JSONScanner` for JSONL, `CSVReader`
/// (RFC 4180) for CSV, so a BOM, CRLF and quoting are handled alike, and every error names
/// the file and the line: a malformed line, a missing or empty `item` or `label`, a `score`
/// that is not a finite number, an item predicted twice. The format comes from the extension
/// (`.jsonl`, `.ndjson`, `.json`, `.csv`), else from the first non-blank character (`{`: JSONL).
public enum PredictionReader {
    public static func read(path: String, format: LongFormat? = nil) throws(ImportError) -> [Prediction] {
        let predictions: [Prediction]
        do {
            switch try format ?? LongFormat(path: path) ?? sniff(path) {
            case .jsonl: predictions = try readJSONL(path)
            case .csv: predictions = try readCSV(path)
            }
        } catch let e as ImportError {
            throw e
        } catch {
            throw ImportError(file: path, line: nil, message: "\(error)")
        }
        var firstLine: [String: Int] = [:]
        for p in predictions {
            if let first = firstLine[p.item] {
                throw ImportError(file: path, line: p.line, message: "item \"\(p.item)\" is predicted a second time (first on line \(first)); keep one prediction per item")
            }
            firstLine[p.item] = p.line
        }
        if predictions.isEmpty { throw ImportError(file: path, line: nil, message: "no predictions in the file") }
        return predictions
    }

    /// JSONL when the first non-blank character is `{`, else CSV.
    static func sniff(_ path: String) throws -> LongFormat {
        let reader = try LineReader(path: path)
        while let first = try reader.next({ bytes -> UInt8? in bytes.first { $0 != 0x20 && $0 != 0x09 } }) {
            if let first { return first == UInt8(ascii: "{") ? .jsonl : .csv }
        }
        return .csv
    }

    private static func readJSONL(_ path: String) throws -> [Prediction] {
        try JSONLObjects.read(path, keys: ["item", "label", "score"]) { fields, _, lineNo in
            func fail(_ message: String) -> Result<Prediction, ImportError> { .failure(ImportError(file: path, line: lineNo, message: message)) }
            var item: String?, label: String?, score: Double?
            for f in fields {
                switch (f.key, f.value) {
                case ("item", .string(let s)), ("item", .number(let s)): item = s
                case ("item", _): return fail("\"item\" must be a string or a number")
                case ("label", .string(let s)): label = s
                case ("label", _): return fail("\"label\" must be a string")
                case ("score", .number(let s)):
                    guard let v = Double(s), v.isFinite else { return fail("\"score\" must be a finite number") }
                    score = v
                case ("score", .null): score = nil
                default: return fail("\"score\" must be a number")
                }
            }
            guard let item else { return fail("missing \"item\"") }
            guard let label else { return fail("missing \"label\"") }
            if item.isEmpty { return fail("empty \"item\"") }
            if label.isEmpty { return fail("empty \"label\"") }
            return .success(Prediction(item: item, label: label, score: score, line: lineNo))
        }
    }

    private static func readCSV(_ path: String) throws -> [Prediction] {
        let csv = try CSVReader(path: path)
        guard let (header, headerLine) = try csv.next() else { return [] }
        let names = header.map { $0.trimmingCharacters(in: .whitespaces) }
        var seen = Set<String>()
        for name in names where !seen.insert(name).inserted {
            throw ImportError(file: path, line: headerLine, message: "CSV: column '\(name)' appears twice in the header")
        }
        guard let itemColumn = names.firstIndex(of: "item"), let labelColumn = names.firstIndex(of: "label") else {
            throw ImportError(file: path, line: headerLine, message: "CSV: the header needs 'item' and 'label' columns (found: \(names.joined(separator: ", ")))")
        }
        let scoreColumn = names.firstIndex(of: "score")
        var out: [Prediction] = []
        while let (fields, line) = try csv.next() {
            guard fields.count == names.count else {
                throw ImportError(file: path, line: line, message: "CSV: \(fields.count) fields, but the header has \(names.count)")
            }
            let item = fields[itemColumn], label = fields[labelColumn]
            if item.isEmpty { throw ImportError(file: path, line: line, message: "empty 'item'") }
            if label.isEmpty { throw ImportError(file: path, line: line, message: "empty 'label'") }
            var score: Double?
            if let scoreColumn, !fields[scoreColumn].trimmingCharacters(in: .whitespaces).isEmpty {
                guard let v = Double(fields[scoreColumn].trimmingCharacters(in: .whitespaces)), v.isFinite else {
                    throw ImportError(file: path, line: line, message: "'score' must be a finite number")
                }
                score = v
            }
            out.append(Prediction(item: item, label: label, score: score, line: line))
        }
        return out
    }
}
