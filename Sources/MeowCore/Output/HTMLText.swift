import Foundation

/// The pieces every meow HTML page shares (the agreement report, the project report): one
/// escaper for text from user data, one style sheet, one heat map, so the pages look alike
/// and nothing a user typed can become markup.
public enum HTMLText {
    /// Text for element content and double-quoted attribute values (the only kind meow writes).
    public static func escape(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for ch in s.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// The style sheet of the agreement report, which the other pages extend.
    public static let baseStyle = """
        body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}
        td,th{padding:3px 10px;border-bottom:1px solid #ddd;text-align:left}td.n{text-align:right;font-variant-numeric:tabular-nums}
        h2{margin-top:2em}svg text{font:11px system-ui,sans-serif}.muted{color:#777}
        """

    /// A shade of blue for a value in 0...1 (darker is more).
    public static func shade(_ v: Double) -> String {
        let t = max(0, min(1, v.isFinite ? v : 0))
        return "rgb(\(Int(255 - 200 * t)),\(Int(255 - 120 * t)),\(Int(255 - 40 * t)))"
    }

    /// A heat map as inline SVG; `cell` gives a shade in 0...1 (nil: no data) and a label.
    public static func heatMap(rows: [String], cols: [String], cell: (Int, Int) -> (Double?, String)) -> String {
        let size = 44, left = 120, top = 110
        let w = left + cols.count * size + 10, hgt = top + rows.count * size + 10
        var s = "<svg width=\"\(w)\" height=\"\(hgt)\" role=\"img\">"
        for (c, name) in cols.enumerated() {
            let x = left + c * size + size / 2
            s += "<text x=\"\(x)\" y=\"\(top - 6)\" transform=\"rotate(-45 \(x) \(top - 6))\">\(escape(String(name.prefix(18))))</text>"
        }
        for (r, name) in rows.enumerated() {
            let y = top + r * size
            s += "<text x=\"\(left - 6)\" y=\"\(y + size / 2 + 4)\" text-anchor=\"end\">\(escape(String(name.prefix(18))))</text>"
            for c in cols.indices {
                let (v, label) = cell(r, c)
                let fill = v.map(shade) ?? "#f4f4f4"
                s += "<rect x=\"\(left + c * size)\" y=\"\(y)\" width=\"\(size - 2)\" height=\"\(size - 2)\" fill=\"\(fill)\"/>"
                if !label.isEmpty {
                    s += "<text x=\"\(left + c * size + size / 2 - 1)\" y=\"\(y + size / 2 + 4)\" text-anchor=\"middle\">\(escape(label))</text>"
                }
            }
        }
        return s + "</svg>"
    }
}
