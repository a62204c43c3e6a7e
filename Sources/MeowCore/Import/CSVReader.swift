import Foundation

/// Streaming RFC 4180 CSV: quoted fields may hold commas, doubled quotes and line breaks.
/// Each record reports the line it starts on.
public final class CSVReader {
    let lines: LineReader
    public var path: String { lines.path }
    public var bytesRead: Int { lines.bytesRead }

    public init(path: String) throws { lines = try LineReader(path: path) }

    /// The next record's fields and starting line, or nil at the end. Blank lines are skipped.
    public func next() throws -> (fields: [String], line: Int)? {
        var fields: [String] = []
        var field: [UInt8] = []
        var inQuotes = false
        var startLine = 0
        var sawAny = false
        while true {
            let more: Bool? = try lines.next { bytes -> Bool in
                if startLine == 0 { startLine = lines.lineNumber }
                if !inQuotes && bytes.isEmpty && !sawAny { return false } // blank line
                sawAny = true
                var i = 0
                if inQuotes { field.append(0x0A) }
                while i < bytes.count {
                    let c = bytes[i]
                    if inQuotes {
                        if c == 0x22 {
                            if i + 1 < bytes.count, bytes[i + 1] == 0x22 { field.append(0x22); i += 2; continue }
                            inQuotes = false
                            i += 1
                            if i < bytes.count, bytes[i] != 0x2C {
                                throw ImportError(file: path, line: lines.lineNumber, message: "CSV: text after a closing quote (a quote inside a quoted field must be doubled)")
                            }
                            continue
                        }
                        field.append(c); i += 1
                    } else if c == 0x2C {
                        fields.append(try decode(field)); field.removeAll(keepingCapacity: true); i += 1
                    } else if c == 0x22 && field.isEmpty {
                        inQuotes = true; i += 1
                    } else {
                        field.append(c); i += 1
                    }
                }
                return true
            }
            guard let more else {
                if inQuotes { throw ImportError(file: path, line: startLine, message: "CSV: a quoted field is never closed") }
                if !sawAny { return nil }
                break
            }
            if !more { startLine = 0; continue }
            if !inQuotes { break }
        }
        fields.append(try decode(field))
        return (fields, startLine)
    }

    private func decode(_ bytes: [UInt8]) throws -> String {
        guard let s = String(validating: bytes, as: UTF8.self) else {
            throw ImportError(file: path, line: lines.lineNumber, message: "invalid UTF-8")
        }
        return s
    }
}
