/// Minimal JSON text writing for hot paths (export, metadata) without JSONEncoder.
public enum JSONText {
    /// A JSON string literal for `s`, escaping quotes, backslashes, every C0 and C1 control
    /// character, DEL and the bidi controls (so a JSONL file shown with `cat` can neither drive
    /// the terminal nor reorder what it shows). `\uXXXX` means the same character to any reader.

    public static func quoted(_ s: String) -> String {
        var out = "\""
        out.reserveCapacity(s.utf8.count + 2)
        if !needsEscaping(s) { out += s; out += "\""; return out }
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 || (0x7F...0x9F).contains(u.value) || isBidiControl(u.value) {
                    let h = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
                } else { out.unicodeScalars.append(u) }
            }
        }
        out += "\""
        return out
    }

    /// Appends `s` as a JSON string literal to a byte buffer.
    public static func appendQuoted(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        out.append(0x22)
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            i += 1
            switch b {
            case 0x22: out.append(0x5C); out.append(0x22)
            case 0x5C: out.append(0x5C); out.append(0x5C)
            case 0x0A: out.append(0x5C); out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(0x5C); out.append(UInt8(ascii: "r"))
            case 0x09: out.append(0x5C); out.append(UInt8(ascii: "t"))
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(b >> 4)], hex[Int(b & 0xf)]])
            case 0x7F:
                out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, 0x37, UInt8(ascii: "f")])
            case 0xE2 where i + 1 < n && JSONText.bidiTail(bytes[i], bytes[i + 1]) != nil,
                 0xD8 where i < n && bytes[i] == 0x9C:
                let v = b == 0xD8 ? 0x061C : JSONText.bidiTail(bytes[i], bytes[i + 1]) ?? 0xFFFD
                i += b == 0xD8 ? 1 : 2
                out.append(contentsOf: JSONText.unicodeEscape(UInt32(v)))
            case 0xC2 where i < n && bytes[i] >= 0x80 && bytes[i] <= 0x9F:
                // U+0080-U+009F (C1 controls) are C2 80 - C2 9F in UTF-8.
                let c = bytes[i]
                i += 1
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(c >> 4)], hex[Int(c & 0xf)]])
            default: out.append(b)
            }
        }
        out.append(0x22)
    }

    /// The bidi control a UTF-8 sequence E2 `b1` `b2` encodes, if it is one
    /// (U+200E, U+200F, U+202A-202E, U+2066-2069).
    @inline(__always)
    static func bidiTail(_ b1: UInt8, _ b2: UInt8) -> Int? {
        let v = 0x2000 | (Int(b1 & 0x3F) << 6) | Int(b2 & 0x3F)
        guard b1 & 0xC0 == 0x80, b2 & 0xC0 == 0x80, isBidiControl(UInt32(v)) else { return nil }
        return v
    }

    @inline(__always)
    static func isBidiControl(_ v: UInt32) -> Bool {
        v == 0x200E || v == 0x200F || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) || v == 0x061C
    }

    static func unicodeEscape(_ v: UInt32) -> [UInt8] {
        let hex = Array("0123456789abcdef".utf8)
        return [0x5C, UInt8(ascii: "u"), hex[Int(v >> 12 & 0xF)], hex[Int(v >> 8 & 0xF)], hex[Int(v >> 4 & 0xF)], hex[Int(v & 0xF)]]
    }

    /// Whether `s` holds anything `quoted` escapes. Exact for multi-byte characters, so text
    /// with ’ “ — € or Arabic letters (which share lead bytes with C1 and bidi controls) stays
    /// on the fast path.
    @inline(__always)
    static func needsEscaping(_ s: String) -> Bool {
        var it = s.utf8.makeIterator()
        while let b = it.next() {
            if b < 0x20 || b == 0x22 || b == 0x5C || b == 0x7F { return true }
            if b == 0xC2 || b == 0xE2 || b == 0xD8 { return hasControl(s) }
        }
        return false
    }

    /// The slow, exact check once a lead byte of a possible C1 or bidi control is seen.
    static func hasControl(_ s: String) -> Bool {
        s.unicodeScalars.contains { u in
            u.value < 0x20 || u == "\"" || u == "\\" || (0x7F...0x9F).contains(u.value) || isBidiControl(u.value)
        }
    }

    /// A JSON text made elsewhere (stored metadata), with DEL, C1 and bidi controls escaped.
    public static func escapingC1(_ json: String) -> String {
        guard json.utf8.contains(where: { $0 == 0x7F || $0 == 0xC2 || $0 == 0xE2 || $0 == 0xD8 }) else { return json }
        return String(decoding: escapingC1(Array(json.utf8)), as: UTF8.self)
    }

    /// Escapes DEL, the C1 controls and the bidi controls in JSON produced elsewhere
    /// (JSONEncoder escapes C0 only). They can occur only inside strings, where `\uXXXX`
    /// means the same character.
    public static func escapingC1(_ json: [UInt8]) -> [UInt8] {
        guard json.contains(where: { $0 == 0x7F || $0 == 0xC2 || $0 == 0xE2 || $0 == 0xD8 }) else { return json }
        var out: [UInt8] = []
        out.reserveCapacity(json.count + 16)
        let hex = Array("0123456789abcdef".utf8)
        var i = 0
        while i < json.count {
            let b = json[i]
            if b == 0x7F {
                out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, 0x37, UInt8(ascii: "f")])
            } else if b == 0xE2, i + 2 < json.count, let v = bidiTail(json[i + 1], json[i + 2]) {
                out.append(contentsOf: unicodeEscape(UInt32(v)))
                i += 2
            } else if b == 0xD8, i + 1 < json.count, json[i + 1] == 0x9C {
                out.append(contentsOf: unicodeEscape(0x061C))
                i += 1
            } else if b == 0xC2, i + 1 < json.count, (0x80...0x9F).contains(json[i + 1]) {
                let c = json[i + 1]
                out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(c >> 4)], hex[Int(c & 0xf)]])
                i += 1
            } else {
                out.append(b)
            }
            i += 1
        }
        return out
    }
}
