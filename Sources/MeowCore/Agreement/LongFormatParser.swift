import Foundation

/// The byte-level engine behind `LongFormatReader`: turns complete lines
/// (JSONL) or records (CSV) in a read buffer into annotations.
///
/// Why bytes: a million-line file must parse in well under half a second, so
/// the common line shape (a flat JSON object with string or number values and
/// no escapes, or a CSV record without quotes) is scanned in place without
/// building intermediate strings. Anything else takes a slower general path
/// (JSONSerialization, or a full RFC 4180 quote-aware scan).
struct LongFormatParser {
    let path: String
    let format: LongFormat
    private(set) var builder: RatingsBuilder
    private var itemCache = LongFormatNameCache()
    private var annotatorCache = LongFormatNameCache()
    private var labelCache = LongFormatNameCache()
    /// Label codes allowed by a label order; nil when any label is allowed.
    private let allowedLabels: [Bool]?
    private let orderList: [String]
    /// Physical lines consumed so far.
    private var line = 0
    /// The line of each annotation this parser appended (to name both lines of a repeat).
    private(set) var lineOfRow: [Int32] = []
    /// How many annotations the builder held before this file.
    let firstRow: Int
    /// CSV: column positions found in the header.
    private var columns: (item: Int, annotator: Int, label: Int)?
    private var fieldStart: [Int] = []
    private var fieldEnd: [Int] = []

    init(path: String, format: LongFormat, builder: RatingsBuilder, order: [String]?) {
        self.path = path
        self.format = format
        var builder = builder
        if let order {
            var allowed = [Bool]()
            for name in order {
                let code = Int(builder.internLabel(name))
                if code >= allowed.count { allowed += [Bool](repeating: false, count: code + 1 - allowed.count) }
                allowed[code] = true
            }
            allowedLabels = allowed
            orderList = order
        } else {
            allowedLabels = nil
            orderList = []
        }
        self.builder = builder
        firstRow = builder.count
    }

    /// Parses the complete lines or records in `p[0 ..< count]`; at the end of
    /// the file (`final`) also the unterminated last one. Returns the number of
    /// bytes consumed; the caller keeps the rest for the next call.
    mutating func consume(_ p: UnsafePointer<UInt8>, _ count: Int, final: Bool) throws(LongFormatError) -> Int {
        switch format {
        case .jsonl: return try consumeJSONL(p, count, final: final)
        case .csv: return try consumeCSV(p, count, final: final)
        }
    }

    // MARK: - Shared

    private func error(_ message: String, line: Int) -> LongFormatError {
        LongFormatError(path: path, line: line, message: message)
    }

    @inline(__always)
    private static func find(_ byte: UInt8, _ p: UnsafePointer<UInt8>, from s: Int, to e: Int) -> Int? {
        guard s < e, let hit = memchr(p + s, Int32(byte), e - s) else { return nil }
        return UnsafeRawPointer(hit) - UnsafeRawPointer(p)
    }

    @inline(__always)
    private static func isBlank(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) -> Bool {
        var i = s
        while i < e {
            let b = p[i]
            if b != 0x20 && b != 0x09 && b != 0x0D { return false }
            i += 1
        }
        return true
    }

    private enum Column { case item, annotator, label }

    /// Interns one field through its byte cache; only new names become Strings (and only they
    /// need their UTF-8 checked: the cache holds valid names alone).
    @inline(__always)
    private mutating func intern(_ column: Column, _ p: UnsafePointer<UInt8>, _ n: Int, line: Int) throws(LongFormatError) -> Int32 {
        let h = LongFormatNameCache.hash(p, n)
        switch column {
        case .item:
            if let code = itemCache.find(p, n, hash: h) { return code }
        case .annotator:
            if let code = annotatorCache.find(p, n, hash: h) { return code }
        case .label:
            if let code = labelCache.find(p, n, hash: h) { return code }
        }
        guard let name = String(validating: UnsafeBufferPointer(start: p, count: n), as: UTF8.self) else {
            throw error("invalid UTF-8 in \"\(column)\"", line: line)
        }
        switch column {
        case .item:
            let code = builder.internItem(name)
            itemCache.insert(p, n, hash: h, code: code)
            return code
        case .annotator:
            let code = builder.internAnnotator(name)
            annotatorCache.insert(p, n, hash: h, code: code)
            return code
        case .label:
            let code = builder.internLabel(name)
            labelCache.insert(p, n, hash: h, code: code)
            return code
        }
    }

    /// Adds one annotation whose three fields are byte ranges in `p`.
    @inline(__always)
    private mutating func add(_ p: UnsafePointer<UInt8>, item: (Int, Int), annotator: (Int, Int), label: (Int, Int),
                              line: Int) throws(LongFormatError) {
        if item.1 == item.0 { throw error("empty \"item\"", line: line) }
        if annotator.1 == annotator.0 { throw error("empty \"annotator\"", line: line) }
        if label.1 == label.0 { throw error("empty \"label\"", line: line) }
        let i = try intern(.item, p + item.0, item.1 - item.0, line: line)
        let a = try intern(.annotator, p + annotator.0, annotator.1 - annotator.0, line: line)
        let l = try intern(.label, p + label.0, label.1 - label.0, line: line)
        try check(label: l, line: line)
        builder.append(itemCode: i, annotatorCode: a, labelCode: l)
        lineOfRow.append(Int32(truncatingIfNeeded: line))
    }

    /// Adds one annotation from strings (the slow paths).
    private mutating func add(item: String, annotator: String, label: String, line: Int) throws(LongFormatError) {
        if item.isEmpty { throw error("empty \"item\"", line: line) }
        if annotator.isEmpty { throw error("empty \"annotator\"", line: line) }
        if label.isEmpty { throw error("empty \"label\"", line: line) }
        let l = builder.internLabel(label)
        try check(label: l, line: line)
        builder.append(itemCode: builder.internItem(item), annotatorCode: builder.internAnnotator(annotator), labelCode: l)
        lineOfRow.append(Int32(truncatingIfNeeded: line))
    }

    @inline(__always)
    private func check(label code: Int32, line: Int) throws(LongFormatError) {
        guard let allowed = allowedLabels else { return }
        let c = Int(code)
        if c < allowed.count && allowed[c] { return }
        let shown = orderList.prefix(10).joined(separator: ", ") + (orderList.count > 10 ? ", …" : "")
        throw error("label \"\(builder.labels[c])\" is not in the label order (\(shown))", line: line)
    }

    // MARK: - JSONL

    private mutating func consumeJSONL(_ p: UnsafePointer<UInt8>, _ count: Int, final: Bool) throws(LongFormatError) -> Int {
        var pos = 0
        while pos < count {
            let lineEnd: Int
            if let nl = Self.find(0x0A, p, from: pos, to: count) {
                lineEnd = nl
            } else if final {
                lineEnd = count
            } else {
                break
            }
            line += 1
            var e = lineEnd
            if e > pos && p[e - 1] == 0x0D { e -= 1 }
            if !Self.isBlank(p, pos, e) {
                if let fields = Self.fastJSON(p, pos, e) {
                    try add(p, item: fields.item, annotator: fields.annotator, label: fields.label, line: line)
                } else {
                    try slowJSON(p, pos, e)
                }
            }
            pos = lineEnd + 1
        }
        return min(pos, count)
    }

    private struct JSONFields {
        var item = (-1, -1)
        var annotator = (-1, -1)
        var label = (-1, -1)
    }

    @inline(__always)
    private static func skipSpace(_ p: UnsafePointer<UInt8>, _ i: Int, _ e: Int) -> Int {
        var i = i
        while i < e, p[i] == 0x20 || p[i] == 0x09 || p[i] == 0x0D { i += 1 }
        return i
    }

    @inline(__always)
    private static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    /// End of a JSON number starting at `i`, or nil if it is not one.
    @inline(__always)
    private static func scanNumber(_ p: UnsafePointer<UInt8>, _ i: Int, _ e: Int) -> Int? {
        var i = i
        if p[i] == 0x2D { i += 1 }
        guard i < e, isDigit(p[i]) else { return nil }
        if p[i] == 0x30 { i += 1 } else { while i < e && isDigit(p[i]) { i += 1 } }
        if i < e && p[i] == 0x2E {
            i += 1
            guard i < e, isDigit(p[i]) else { return nil }
            while i < e && isDigit(p[i]) { i += 1 }
        }
        if i < e && (p[i] == 0x65 || p[i] == 0x45) {
            i += 1
            if i < e && (p[i] == 0x2B || p[i] == 0x2D) { i += 1 }
            guard i < e, isDigit(p[i]) else { return nil }
            while i < e && isDigit(p[i]) { i += 1 }
        }
        return i
    }

    /// The common line: `{"k": "v" or number, ...}` without escapes or
    /// nesting. Returns nil for anything else (the slow path decides whether
    /// it is valid). A missing key is reported by the slow path too.
    private static func fastJSON(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) -> (item: (Int, Int), annotator: (Int, Int), label: (Int, Int))? {
        var f = JSONFields()
        var i = skipSpace(p, s, e)
        guard i < e, p[i] == 0x7B else { return nil } // {
        i = skipSpace(p, i + 1, e)
        guard i < e, p[i] != 0x7D else { return nil } // empty object: let the slow path report
        while true {
            guard i < e, p[i] == 0x22 else { return nil }
            i += 1
            let ks = i
            while i < e && p[i] != 0x22 {
                if p[i] == 0x5C { return nil }
                i += 1
            }
            guard i < e else { return nil }
            let ke = i
            i = skipSpace(p, i + 1, e)
            guard i < e, p[i] == 0x3A else { return nil } // :
            i = skipSpace(p, i + 1, e)
            guard i < e else { return nil }
            let vs: Int, ve: Int
            if p[i] == 0x22 {
                i += 1
                vs = i
                while i < e && p[i] != 0x22 {
                    if p[i] == 0x5C { return nil }
                    i += 1
                }
                guard i < e else { return nil }
                ve = i
                i += 1
            } else if p[i] == 0x2D || isDigit(p[i]) {
                vs = i
                guard let end = scanNumber(p, i, e) else { return nil }
                ve = end
                i = end
            } else {
                return nil
            }
            switch ke - ks {
            case 4 where p[ks] == 0x69 && p[ks + 1] == 0x74 && p[ks + 2] == 0x65 && p[ks + 3] == 0x6D: // item
                f.item = (vs, ve)
            case 5 where memcmp(p + ks, "label", 5) == 0:
                f.label = (vs, ve)
            case 9 where memcmp(p + ks, "annotator", 9) == 0:
                f.annotator = (vs, ve)
            default:
                break
            }
            i = skipSpace(p, i, e)
            guard i < e else { return nil }
            if p[i] == 0x2C { i = skipSpace(p, i + 1, e); continue } // ,
            if p[i] == 0x7D { i += 1; break } // }
            return nil
        }
        guard skipSpace(p, i, e) == e, f.item.0 >= 0, f.annotator.0 >= 0, f.label.0 >= 0 else { return nil }
        return (f.item, f.annotator, f.label)
    }

    /// Escapes, nested values, literals or errors: parse the line with
    /// JSONSerialization. A number keeps its textual form as far as
    /// JSONSerialization preserves it (integers exactly; other numbers as
    /// Swift prints the Double, so `2.50` becomes `2.5` on this path only).
    private mutating func slowJSON(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) throws(LongFormatError) {
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: Data(bytes: p + s, count: e - s), options: [.fragmentsAllowed])
        } catch {
            throw self.error("invalid JSON (expected an object like {\"item\": …, \"annotator\": …, \"label\": …})", line: line)
        }
        guard let dict = object as? [String: Any] else {
            throw error("expected a JSON object with \"item\", \"annotator\" and \"label\"", line: line)
        }
        var values: [String] = []
        for key in ["item", "annotator", "label"] {
            guard let value = dict[key] else { throw error("missing \"\(key)\"", line: line) }
            values.append(try text(of: value, key: key))
        }
        try add(item: values[0], annotator: values[1], label: values[2], line: line)
    }

    private func text(of value: Any, key: String) throws(LongFormatError) -> String {
        if value is NSNull { throw error("\"\(key)\" is null", line: line) }
        if let number = value as? NSNumber, !(value is String) {
            switch String(cString: number.objCType) {
            case "c", "B": break // booleans
            case "d", "f": return number.doubleValue.description
            case "Q": return number.uint64Value.description
            default: return number.int64Value.description
            }
        } else if let string = value as? String {
            return string
        }
        throw error("\"\(key)\" must be a string or a number", line: line)
    }

    // MARK: - CSV

    private mutating func consumeCSV(_ p: UnsafePointer<UInt8>, _ count: Int, final: Bool) throws(LongFormatError) -> Int {
        var pos = 0
        while pos < count {
            let lineEnd: Int
            if let nl = Self.find(0x0A, p, from: pos, to: count) {
                lineEnd = nl
            } else if final {
                lineEnd = count
            } else {
                break
            }
            var e = lineEnd
            if e > pos && p[e - 1] == 0x0D { e -= 1 }
            if Self.isBlank(p, pos, e) {
                line += 1
                pos = lineEnd + 1
                continue
            }
            if Self.find(0x22, p, from: pos, to: e) == nil {
                // No quotes: fields are the bytes between commas.
                line += 1
                fieldStart.removeAll(keepingCapacity: true)
                fieldEnd.removeAll(keepingCapacity: true)
                var s = pos
                while let comma = Self.find(0x2C, p, from: s, to: e) {
                    fieldStart.append(s)
                    fieldEnd.append(comma)
                    s = comma + 1
                }
                fieldStart.append(s)
                fieldEnd.append(e)
                try record(p, line: line)
                pos = lineEnd + 1
                continue
            }
            // Quoted fields, possibly spanning lines.
            switch Self.quotedRecord(p, from: pos, to: count, final: final) {
            case .needMore:
                return pos
            case .unterminated:
                throw error("unterminated quoted field", line: line + 1)
            case .record(let bytes, let starts, let ends, let next, let lines):
                let recordLine = line + 1
                line += lines
                fieldStart = starts
                fieldEnd = ends
                // A plain copy instead of `withUnsafeBufferPointer`, whose
                // typed-throws closure form is not available on every platform.
                let copy = UnsafeMutablePointer<UInt8>.allocate(capacity: max(bytes.count, 1))
                defer { copy.deallocate() }
                copy.initialize(from: bytes, count: bytes.count)
                try record(UnsafePointer(copy), line: recordLine)
                pos = next
            }
        }
        return min(pos, count)
    }

    /// One CSV record whose fields are `fieldStart`/`fieldEnd` ranges in `p`.
    private mutating func record(_ p: UnsafePointer<UInt8>, line: Int) throws(LongFormatError) {
        guard let columns else {
            try readHeader(p, line: line)
            return
        }
        let needed = max(columns.item, columns.annotator, columns.label) + 1
        guard fieldStart.count >= needed else {
            throw error("expected at least \(needed) fields, found \(fieldStart.count)", line: line)
        }
        try add(p, item: (fieldStart[columns.item], fieldEnd[columns.item]),
                annotator: (fieldStart[columns.annotator], fieldEnd[columns.annotator]),
                label: (fieldStart[columns.label], fieldEnd[columns.label]), line: line)
    }

    private mutating func readHeader(_ p: UnsafePointer<UInt8>, line: Int) throws(LongFormatError) {
        let names = (0..<fieldStart.count).map { k in
            String(decoding: UnsafeBufferPointer(start: p + fieldStart[k], count: fieldEnd[k] - fieldStart[k]), as: UTF8.self)
                .trimmingCharacters(in: .whitespaces).lowercased()
        }
        var found: [String: Int] = [:]
        for (k, name) in names.enumerated() where found[name] == nil { found[name] = k }
        for required in ["item", "annotator", "label"] where found[required] == nil {
            throw error("missing column \"\(required)\" in the header (expected item,annotator,label; found \(names.joined(separator: ",")))", line: line)
        }
        columns = (found["item"]!, found["annotator"]!, found["label"]!)
    }

    private enum QuotedRecord {
        case needMore
        case unterminated
        /// Unescaped field bytes, their ranges, where the next record starts,
        /// and how many physical lines the record used.
        case record([UInt8], [Int], [Int], next: Int, lines: Int)
    }

    /// RFC 4180: a field may be enclosed in double quotes, inside which commas,
    /// line breaks and doubled quotes ("") are literal. A quote elsewhere in an
    /// unquoted field is kept as an ordinary character.
    private static func quotedRecord(_ p: UnsafePointer<UInt8>, from s: Int, to count: Int, final: Bool) -> QuotedRecord {
        var bytes: [UInt8] = []
        var starts: [Int] = [], ends: [Int] = []
        var i = s
        var lines = 0
        var inQuotes = false
        var fieldBegin = 0
        var atFieldStart = true
        func endField() {
            starts.append(fieldBegin)
            ends.append(bytes.count)
            fieldBegin = bytes.count
            atFieldStart = true
        }
        while i < count {
            let b = p[i]
            if inQuotes {
                if b == 0x22 {
                    if i + 1 < count && p[i + 1] == 0x22 {
                        bytes.append(0x22)
                        i += 2
                        continue
                    }
                    if i + 1 == count && !final { return .needMore }
                    inQuotes = false
                    i += 1
                    continue
                }
                if b == 0x0A { lines += 1 }
                bytes.append(b)
                i += 1
                continue
            }
            if b == 0x22 && atFieldStart {
                inQuotes = true
                atFieldStart = false
                i += 1
                continue
            }
            if b == 0x2C {
                endField()
                i += 1
                continue
            }
            if b == 0x0A {
                if bytes.count > fieldBegin && bytes.last == 0x0D && (i > s && p[i - 1] == 0x0D) { bytes.removeLast() }
                endField()
                return .record(bytes, starts, ends, next: i + 1, lines: lines + 1)
            }
            bytes.append(b)
            atFieldStart = false
            i += 1
        }
        if !final { return .needMore }
        if inQuotes { return .unterminated }
        if bytes.count > fieldBegin && bytes.last == 0x0D { bytes.removeLast() }
        endField()
        return .record(bytes, starts, ends, next: count, lines: lines + 1)
    }
}
