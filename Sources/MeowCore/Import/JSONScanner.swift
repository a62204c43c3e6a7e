/// A strict, allocation-light scanner for one JSON object per line (JSONL). It validates the
/// whole line (RFC 8259) and hands back each top-level key with its raw value bytes, decoding
/// only the strings the caller asks for. Foundation's JSONSerialization is several times
/// slower on the import hot path and builds objects nobody needs.
public struct JSONScanner {
    public enum Value: Equatable {
        case string(String)
        case number(String)
        case bool(Bool)
        case null
        case object
        case array
    }

    public struct Field {
        public var key: String
        /// Byte range of the raw value in the line.
        public var raw: Range<Int>
        public var value: Value
    }

    public struct Failure: Error, Equatable {
        public var message: String
        public var column: Int
    }

    let bytes: UnsafeBufferPointer<UInt8>
    var i = 0

    public init(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    /// Parses a top-level object into its fields (later duplicates of a key win).
    public mutating func object() throws(Failure) -> [Field] {
        skipSpace()
        guard i < bytes.count, bytes[i] == UInt8(ascii: "{") else { throw fail("expected a JSON object starting with '{'") }
        i += 1
        var fields: [Field] = []
        skipSpace()
        if peek == UInt8(ascii: "}") { i += 1; try end(); return fields }
        while true {
            skipSpace()
            guard peek == UInt8(ascii: "\"") else { throw fail("expected a key in double quotes") }
            let key = try string()
            skipSpace()
            guard peek == UInt8(ascii: ":") else { throw fail("expected ':' after key \"\(key)\"") }
            i += 1
            skipSpace()
            let startValue = i
            let v = try value(depth: 0)
            fields.append(Field(key: key, raw: startValue..<i, value: v))
            skipSpace()
            if peek == UInt8(ascii: ",") { i += 1; continue }
            if peek == UInt8(ascii: "}") { i += 1; break }
            throw fail("expected ',' or '}' in the object")
        }
        try end()
        return fields
    }

    private mutating func end() throws(Failure) {
        skipSpace()
        if i < bytes.count { throw fail("unexpected text after the JSON object") }
    }

    private var peek: UInt8? { i < bytes.count ? bytes[i] : nil }

    private func fail(_ m: String) -> Failure { Failure(message: m, column: i + 1) }

    private mutating func skipSpace() {
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0D || bytes[i] == 0x0A { i += 1 }
    }

    private mutating func value(depth: Int) throws(Failure) -> Value {
        guard depth < 64 else { throw fail("JSON nested too deeply") }
        guard let c = peek else { throw fail("unexpected end of line: a value is missing") }
        switch c {
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "{"):
            i += 1; skipSpace()
            if peek == UInt8(ascii: "}") { i += 1; return .object }
            while true {
                skipSpace()
                guard peek == UInt8(ascii: "\"") else { throw fail("expected a key in double quotes") }
                _ = try string(); skipSpace()
                guard peek == UInt8(ascii: ":") else { throw fail("expected ':'") }
                i += 1; skipSpace()
                _ = try value(depth: depth + 1); skipSpace()
                if peek == UInt8(ascii: ",") { i += 1; continue }
                if peek == UInt8(ascii: "}") { i += 1; return .object }
                throw fail("expected ',' or '}'")
            }
        case UInt8(ascii: "["):
            i += 1; skipSpace()
            if peek == UInt8(ascii: "]") { i += 1; return .array }
            while true {
                skipSpace()
                _ = try value(depth: depth + 1); skipSpace()
                if peek == UInt8(ascii: ",") { i += 1; continue }
                if peek == UInt8(ascii: "]") { i += 1; return .array }
                throw fail("expected ',' or ']'")
            }
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default:
            return .number(try number())
        }
    }

    private mutating func literal(_ word: StaticString) throws(Failure) {
        let n = word.utf8CodeUnitCount
        guard i + n <= bytes.count else { throw fail("invalid literal") }
        for k in 0..<n where bytes[i + k] != word.utf8Start[k] { throw fail("invalid literal") }
        i += n
    }

    private mutating func number() throws(Failure) -> String {
        let s = i
        if peek == UInt8(ascii: "-") { i += 1 }
        guard let d = peek, d >= 0x30, d <= 0x39 else { throw fail("invalid value (strings need double quotes)") }
        if d == 0x30 { i += 1 } else { while let c = peek, c >= 0x30, c <= 0x39 { i += 1 } }
        if peek == UInt8(ascii: ".") {
            i += 1
            guard let c = peek, c >= 0x30, c <= 0x39 else { throw fail("invalid number") }
            while let c = peek, c >= 0x30, c <= 0x39 { i += 1 }
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            i += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { i += 1 }
            guard let c = peek, c >= 0x30, c <= 0x39 else { throw fail("invalid number") }
            while let c = peek, c >= 0x30, c <= 0x39 { i += 1 }
        }
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[s..<i]), as: UTF8.self)
    }

    /// Decodes a string at `i` (which points at the opening quote), validating UTF-8.
    private mutating func string() throws(Failure) -> String {
        i += 1
        let s = i
        // Fast path: no escapes.
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "\"") {
                let slice = UnsafeBufferPointer(rebasing: bytes[s..<i])
                i += 1
                guard let str = String(validating: slice, as: UTF8.self) else { throw fail("invalid UTF-8 in a string") }
                return str
            }
            if c == UInt8(ascii: "\\") { break }
            if c < 0x20 { throw fail("control character in a string (escape it)") }
            i += 1
        }
        guard i < bytes.count else { throw fail("unterminated string") }
        var out = [UInt8](UnsafeBufferPointer(rebasing: bytes[s..<i]))
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "\"") {
                i += 1
                guard let str = String(validating: out, as: UTF8.self) else { throw fail("invalid UTF-8 in a string") }
                return str
            }
            if c < 0x20 { throw fail("control character in a string (escape it)") }
            if c != UInt8(ascii: "\\") { out.append(c); i += 1; continue }
            i += 1
            guard let e = peek else { break }
            i += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4()
                if (0xD800..<0xDC00).contains(scalar) {
                    guard i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else { throw fail("unpaired surrogate in \\u escape") }
                    i += 2
                    let low = try hex4()
                    guard (0xDC00..<0xE000).contains(low) else { throw fail("invalid surrogate pair") }
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                } else if (0xDC00..<0xE000).contains(scalar) { throw fail("unpaired surrogate in \\u escape") }
                guard let u = Unicode.Scalar(scalar) else { throw fail("invalid \\u escape") }
                out.append(contentsOf: Array(String(Character(u)).utf8))
            default: throw fail("invalid escape '\\\(Character(Unicode.Scalar(e)))'")
            }
        }
        throw fail("unterminated string")
    }

    private mutating func hex4() throws(Failure) -> UInt32 {
        guard i + 4 <= bytes.count else { throw fail("truncated \\u escape") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let c = bytes[i]
            let d: UInt32
            switch c {
            case 0x30...0x39: d = UInt32(c - 0x30)
            case 0x41...0x46: d = UInt32(c - 0x41 + 10)
            case 0x61...0x66: d = UInt32(c - 0x61 + 10)
            default: throw fail("invalid \\u escape")
            }
            v = v << 4 | d
            i += 1
        }
        return v
    }
}
