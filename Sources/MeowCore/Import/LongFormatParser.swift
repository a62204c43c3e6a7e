import Foundation

/// Where `LongFormatParser` delivers the rows it reads. There are two: `LongFormatRatingsSink`
/// interns the field bytes straight into a `RatingsBuilder` (`meow agreement --input`), and
/// `LongFormatRowCollector` makes `LongFormatRow` values (`meow import-annotations`). The parser
/// owns every rule about the file (formats, quoting, blank lines, missing or empty fields), so
/// both commands accept and refuse the same files; a sink only adds what it is for (the label
/// order of `--order`).
protocol LongFormatSink {
    /// A row from the fast byte paths: three non-empty byte ranges of the read buffer, valid
    /// only during the call, their UTF-8 not yet checked (`LongFormatField.text` checks it).
    mutating func row(item: UnsafeBufferPointer<UInt8>, annotator: UnsafeBufferPointer<UInt8>,
                      label: UnsafeBufferPointer<UInt8>, line: Int) throws(LongFormatError)
    /// A row decoded by `JSONScanner` (escapes, or any shape the fast scan leaves to it):
    /// three non-empty, valid strings.
    mutating func row(item: String, annotator: String, label: String, line: Int) throws(LongFormatError)
}

/// The one rule for turning field bytes into a name, whichever sink makes the name.
enum LongFormatField {
    /// The field as a string; invalid UTF-8 is an error naming the column and the line (never
    /// U+FFFD standing in for bytes the file did not have).
    @inline(__always)
    static func text(_ bytes: UnsafeBufferPointer<UInt8>, _ column: StaticString, path: String, line: Int) throws(LongFormatError) -> String {
        // ASCII is valid UTF-8: decoded directly. (`String(validating:as:)` is generic and was
        // not specialized here: a runtime metadata lookup per call, 250,000 new names in a 1M-row file.)
        var high: UInt8 = 0
        for b in bytes { high |= b }
        if high < 0x80 { return String(decoding: bytes, as: UTF8.self) }
        guard let name = String(validating: bytes, as: UTF8.self) else {
            throw LongFormatError(path: path, line: line, message: "invalid UTF-8 in \"\(column)\"")
        }
        return name
    }
}

/// The byte-level engine behind `LongFormatReader` and `LongFormatRowReader`: turns complete
/// lines (JSONL) or records (CSV) in a read buffer into rows for its sink.
///
/// Why bytes: a million-line file must parse in well under half a second, so the common line
/// shape (a flat JSON object with string or number values and no escapes, or a CSV record
/// without quotes) is scanned in place without building intermediate strings; a sink that
/// interns names finds a name seen before without allocating. Anything else takes a general
/// path that owns the rules:
/// - JSON: MeowCore's `JSONScanner`, the scanner `meow import` uses. The fast scan accepts a
///   line only if `JSONScanner` would read it to the same three values: anything it is unsure
///   of (an escape, a control character, non-ASCII outside the three values, nesting, literals,
///   a syntax error) goes to the scanner, which decides.
/// - CSV: the record rules of `CSVReader` (RFC 4180 quotes; text after a closing quote is an
///   error; a record's line is its first line), applied to the buffer's bytes. Why not
///   `CSVReader` itself: it decodes every field of every record into a `String`, which for
///   `agreement --input` would mean three allocations and three dictionary lookups per
///   annotation where the byte scan needs none for a name seen before (the 1M-row read would
///   take several times longer). `LongFormatCSVFuzzTests` reads fuzzed quoted and unquoted files
///   both ways and requires the same rows and the same errors. One difference stays on
///   purpose: a line break inside quotes is kept as written (`\r\n` stays `\r\n`), where
///   `CSVReader` (line by line) makes it `\n`.
///
/// Rules shared by both formats: a UTF-8 BOM at the start is skipped, CRLF line ends are
/// accepted, blank lines (spaces, tabs and CR only) are skipped, the format (when not given)
/// is JSONL if the first non-blank byte is `{`, else CSV; the three fields must be present and
/// non-empty; numbers keep their textual form (`2.50` stays `2.50`).
struct LongFormatParser<Sink: LongFormatSink> {
    let path: String
    /// Nil until the first non-blank line decides.
    private(set) var format: LongFormat?
    var sink: Sink
    /// Tests: every line through the general paths (`JSONScanner`, the quote-aware CSV scan),
    /// to prove the fast paths give the same result.
    let generalPathsOnly: Bool
    /// Physical lines consumed so far.
    var line = 0
    private var sawStart = false
    /// CSV: column positions found in the header.
    var columns: (item: Int, annotator: Int, label: Int)?
    var fieldStart: [Int] = []
    var fieldEnd: [Int] = []
    /// CSV: the unescaped bytes of a quoted record.
    let scratch = LongFormatBuffer(capacity: 256)

    init(path: String, format: LongFormat?, sink: Sink, generalPathsOnly: Bool = false) {
        self.path = path
        self.format = format
        self.sink = sink
        self.generalPathsOnly = generalPathsOnly
    }

    /// Physical lines consumed so far (the header and blank lines included).
    var linesConsumed: Int { line }

    /// Whether the format (and for CSV the header) is known, so that the rest of the file can
    /// be read from any record boundary by `continuation(sink:)`.
    var knowsLayout: Bool { format == .jsonl || (format == .csv && columns != nil) }

    /// A parser for the same file from a record boundary, with this one's format and columns;
    /// its lines count from that boundary (the caller adds the lines before it).
    func continuation<Other: LongFormatSink>(sink: Other) -> LongFormatParser<Other> {
        var other = LongFormatParser<Other>(path: path, format: format, sink: sink, generalPathsOnly: generalPathsOnly)
        other.sawStart = true
        other.columns = columns
        return other
    }

    /// Parses the complete lines or records in `p[0 ..< count]`; at the end of the file
    /// (`final`) also the unterminated last one. Returns the number of bytes consumed; the
    /// caller keeps the rest for the next call.
    mutating func consume(_ p: UnsafePointer<UInt8>, _ count: Int, final: Bool) throws(LongFormatError) -> Int {
        var pos = 0
        if !sawStart {
            if count < 3 && !final { return 0 }
            if count >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF { pos = 3 }
            sawStart = true
        }
        if format == nil {
            // Blank lines before the first record are skipped by both formats.
            while format == nil {
                guard let lineEnd = Self.lineEnd(p, from: pos, count: count, final: final) else { return pos }
                if lineEnd == count && pos == count { return count } // nothing at all
                if let first = Self.firstNonBlank(p, pos, lineEnd) {
                    format = p[first] == 0x7B ? .jsonl : .csv
                } else {
                    line += 1
                    pos = lineEnd + 1
                    if pos > count { return count }
                }
            }
        }
        let used: Int
        switch format! {
        case .jsonl: used = try consumeJSONL(p + pos, count - pos, final: final)
        case .csv: used = try consumeCSV(p + pos, count - pos, final: final)
        }
        return pos + used
    }

    // MARK: - Shared

    func error(_ message: String, line: Int) -> LongFormatError {
        LongFormatError(path: path, line: line, message: message)
    }

    @inline(__always)
    static func find(_ byte: UInt8, _ p: UnsafePointer<UInt8>, from s: Int, to e: Int) -> Int? {
        guard s < e, let hit = memchr(p + s, Int32(byte), e - s) else { return nil }
        return UnsafeRawPointer(hit) - UnsafeRawPointer(p)
    }

    /// Where the line starting at `s` ends (its `\n`, or `count` at the end of the file), or
    /// nil when its end is not in the buffer yet.
    @inline(__always)
    static func lineEnd(_ p: UnsafePointer<UInt8>, from s: Int, count: Int, final: Bool) -> Int? {
        if let nl = find(0x0A, p, from: s, to: count) { return nl }
        return final ? count : nil
    }

    @inline(__always)
    static func isBlankByte(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D }

    /// The first byte in `p[s ..< e]` that is not a space, tab or CR.
    @inline(__always)
    static func firstNonBlank(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) -> Int? {
        var i = s
        while i < e {
            if !isBlankByte(p[i]) { return i }
            i += 1
        }
        return nil
    }

    /// Hands one row whose fields are byte ranges in `p` to the sink.
    @inline(__always)
    mutating func deliver(_ p: UnsafePointer<UInt8>, item: (Int, Int), annotator: (Int, Int), label: (Int, Int),
                                  line: Int) throws(LongFormatError) {
        if item.1 == item.0 { throw error("empty \"item\"", line: line) }
        if annotator.1 == annotator.0 { throw error("empty \"annotator\"", line: line) }
        if label.1 == label.0 { throw error("empty \"label\"", line: line) }
        try sink.row(item: UnsafeBufferPointer(start: p + item.0, count: item.1 - item.0),
                     annotator: UnsafeBufferPointer(start: p + annotator.0, count: annotator.1 - annotator.0),
                     label: UnsafeBufferPointer(start: p + label.0, count: label.1 - label.0), line: line)
    }

    /// Hands one row decoded by `JSONScanner` to the sink.
    mutating func deliver(item: String, annotator: String, label: String, line: Int) throws(LongFormatError) {
        if item.isEmpty { throw error("empty \"item\"", line: line) }
        if annotator.isEmpty { throw error("empty \"annotator\"", line: line) }
        if label.isEmpty { throw error("empty \"label\"", line: line) }
        try sink.row(item: item, annotator: annotator, label: label, line: line)
    }

    // MARK: - JSONL

    private mutating func consumeJSONL(_ p: UnsafePointer<UInt8>, _ count: Int, final: Bool) throws(LongFormatError) -> Int {
        var pos = 0
        while pos < count {
            guard let lineEnd = Self.lineEnd(p, from: pos, count: count, final: final) else { break }
            line += 1
            var e = lineEnd
            if e > pos && p[e - 1] == 0x0D { e -= 1 }
            if Self.firstNonBlank(p, pos, e) != nil {
                if !generalPathsOnly, let fields = Self.fastJSON(p, pos, e) {
                    try deliver(p, item: fields.item, annotator: fields.annotator, label: fields.label, line: line)
                } else {
                    try generalJSON(p, pos, e)
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

    /// End of a JSON number starting at `i` (RFC 8259, as `JSONScanner` reads it), or nil if it
    /// is not one.
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

    /// The end of a JSON string whose content starts at `i` (its closing quote), or nil when the
    /// string holds an escape or a control character (`JSONScanner` decodes or refuses those).
    /// `high` collects the bits of every byte, so a caller can tell whether it was all ASCII.
    @inline(__always)
    private static func scanPlainString(_ p: UnsafePointer<UInt8>, _ i: Int, _ e: Int, high: inout UInt8) -> Int? {
        var i = i
        while i < e {
            let b = p[i]
            if b == 0x22 { return i }
            if b == 0x5C || b < 0x20 { return nil }
            high |= b
            i += 1
        }
        return nil
    }

    /// The common line: `{"k": "v" or number, ...}` without escapes, control characters or
    /// nesting, keys and other values in ASCII (the three values may hold any bytes: the sink
    /// checks their UTF-8). Returns nil for anything else, so `JSONScanner` decides whether it
    /// is valid and says what is wrong.
    private static func fastJSON(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) -> (item: (Int, Int), annotator: (Int, Int), label: (Int, Int))? {
        var f = JSONFields()
        var i = skipSpace(p, s, e)
        guard i < e, p[i] == 0x7B else { return nil } // {
        i = skipSpace(p, i + 1, e)
        guard i < e, p[i] != 0x7D else { return nil } // empty object: let the scanner report
        while true {
            guard i < e, p[i] == 0x22 else { return nil }
            let ks = i + 1
            var keyBits: UInt8 = 0
            guard let ke = scanPlainString(p, ks, e, high: &keyBits), keyBits < 0x80 else { return nil }
            i = skipSpace(p, ke + 1, e)
            guard i < e, p[i] == 0x3A else { return nil } // :
            i = skipSpace(p, i + 1, e)
            guard i < e else { return nil }
            let vs: Int, ve: Int
            var valueBits: UInt8 = 0
            if p[i] == 0x22 {
                vs = i + 1
                guard let end = scanPlainString(p, vs, e, high: &valueBits) else { return nil }
                ve = end
                i = end + 1
            } else if p[i] == 0x2D || isDigit(p[i]) {
                vs = i
                guard let end = scanNumber(p, i, e) else { return nil }
                ve = end
                i = end
            } else {
                return nil
            }
            // A key given twice: the scanner (last value wins, every value's UTF-8 checked).
            switch ke - ks {
            case 4 where p[ks] == 0x69 && p[ks + 1] == 0x74 && p[ks + 2] == 0x65 && p[ks + 3] == 0x6D: // item
                if f.item.0 >= 0 { return nil }
                f.item = (vs, ve)
            case 5 where memcmp(p + ks, "label", 5) == 0:
                if f.label.0 >= 0 { return nil }
                f.label = (vs, ve)
            case 9 where memcmp(p + ks, "annotator", 9) == 0:
                if f.annotator.0 >= 0 { return nil }
                f.annotator = (vs, ve)
            default:
                if valueBits >= 0x80 { return nil } // the scanner checks the UTF-8 of a value nobody reads
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

    /// Escapes, nested values, literals or errors: `JSONScanner` reads the line. A key given
    /// twice counts with its last value (as in the fast scan); a number keeps its text.
    private mutating func generalJSON(_ p: UnsafePointer<UInt8>, _ s: Int, _ e: Int) throws(LongFormatError) {
        var scanner = JSONScanner(UnsafeBufferPointer(start: p + s, count: e - s))
        let fields: [JSONScanner.Field]
        do {
            fields = try scanner.object()
        } catch {
            throw self.error("invalid JSON at column \(error.column): \(error.message)", line: line)
        }
        var values: [String] = []
        for key in ["item", "annotator", "label"] {
            guard let field = fields.last(where: { $0.key == key }) else { throw error("missing \"\(key)\"", line: line) }
            switch field.value {
            case .string(let text), .number(let text): values.append(text)
            case .null: throw error("\"\(key)\" is null", line: line)
            case .bool, .object, .array: throw error("\"\(key)\" must be a string or a number", line: line)
            }
        }
        try deliver(item: values[0], annotator: values[1], label: values[2], line: line)
    }
}
