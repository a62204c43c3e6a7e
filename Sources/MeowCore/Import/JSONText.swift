/// Minimal JSON text writing for hot paths (export, metadata) without JSONEncoder.
public enum JSONText {
    /// A JSON string literal for `s`, escaping quotes, backslashes and every C0 and C1 control
    /// character and DEL (so a JSONL file shown with `cat` cannot drive the terminal).
    public static func quoted(_ s: String) -> String {
        var out = "\""
        out.reserveCapacity(s.utf8.count + 2)
        var needs = false
        for b in s.utf8 where b < 0x20 || b == 0x22 || b == 0x5C || b == 0x7F || b == 0xC2 { needs = true; break }
        if !needs { out += s; out += "\""; return out }
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 || (0x7F...0x9F).contains(u.value) {
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

    /// Escapes DEL and the C1 controls in JSON produced elsewhere (JSONEncoder escapes C0 only).
    /// They can occur only inside strings, where `\u00XX` means the same character.
    public static func escapingC1(_ json: [UInt8]) -> [UInt8] {
        guard json.contains(where: { $0 == 0x7F || $0 == 0xC2 }) else { return json }
        var out: [UInt8] = []
        out.reserveCapacity(json.count + 16)
        let hex = Array("0123456789abcdef".utf8)
        var i = 0
        while i < json.count {
            let b = json[i]
            if b == 0x7F {
                out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, 0x37, UInt8(ascii: "f")])
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
