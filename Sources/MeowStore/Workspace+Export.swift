import Foundation
import MeowCore

/// Output formats for exports.
public enum ExportFormat: String, Sendable, CaseIterable {
    case jsonl, csv
    public static func from(path: String) -> ExportFormat? {
        switch path.split(separator: ".").last?.lowercased() {
        case "jsonl", "ndjson": return .jsonl
        case "csv": return .csv
        default: return nil
        }
    }
}

extension Workspace {
    /// Streams every annotation of the project (item, text, annotator, label, comment, unsure,
    /// time, guideline version) in a deterministic order to `sink`, row by row.
    /// Returns the number of rows.
    @discardableResult
    public func exportAnnotations(project name: String, format: ExportFormat, sink: (inout [UInt8]) throws -> Void) throws -> Int {
        let p = try project(name)
        return try db.read {
            let s = try db.statement("""
                SELECT i.external_id, i.text, a.annotator, a.label, a.comment, a.unsure, a.created_at, a.guideline_version, i.metadata
                FROM annotation a JOIN item i ON i.id = a.item_id
                WHERE a.project_id = ? ORDER BY i.qkey, a.annotator
                """)
            try s.bind([.int(p.id)])
            var out: [UInt8] = []
            out.reserveCapacity(1 << 20)
            var n = 0
            if format == .csv {
                out.append(contentsOf: Array("item,text,annotator,label,comment,unsure,created_at,guideline_version\n".utf8))
            }
            while try s.step() {
                n += 1
                switch format {
                case .jsonl:
                    out.append(contentsOf: Array(#"{"item":"#.utf8)); s.withTextBytes(0) { JSONText.appendQuoted($0, to: &out) }
                    out.append(contentsOf: Array(#","text":"#.utf8)); s.withTextBytes(1) { JSONText.appendQuoted($0, to: &out) }
                    out.append(contentsOf: Array(#","annotator":"#.utf8)); s.withTextBytes(2) { JSONText.appendQuoted($0, to: &out) }
                    out.append(contentsOf: Array(#","label":"#.utf8)); s.withTextBytes(3) { JSONText.appendQuoted($0, to: &out) }
                    out.append(contentsOf: Array(#","comment":"#.utf8))
                    if s.isNull(4) { out.append(contentsOf: Array("null".utf8)) } else { s.withTextBytes(4) { JSONText.appendQuoted($0, to: &out) } }
                    out.append(contentsOf: Array((s.int64(5) != 0 ? #","unsure":true"# : #","unsure":false"#).utf8))
                    out.append(contentsOf: Array(#","created_at":"#.utf8)); s.withTextBytes(6) { JSONText.appendQuoted($0, to: &out) }
                    out.append(contentsOf: Array(#","guideline_version":\#(s.int64(7))"#.utf8))
                    if !s.isNull(8) {
                        out.append(contentsOf: Array(#","metadata":"#.utf8)); s.withTextBytes(8) { out.append(contentsOf: $0) }
                    }
                    out.append(contentsOf: Array("}\n".utf8))
                case .csv:
                    for c in 0..<5 as Range<Int32> {
                        if s.isNull(c) { out.append(0x2C); continue }
                        s.withTextBytes(c) { CSVText.appendField($0, to: &out) }
                        out.append(0x2C)
                    }
                    out.append(contentsOf: Array((s.int64(5) != 0 ? "true," : "false,").utf8))
                    s.withTextBytes(6) { out.append(contentsOf: $0) }
                    out.append(contentsOf: Array(",\(s.int64(7))\n".utf8))
                }
                if out.count > 1 << 20 { try sink(&out); out.removeAll(keepingCapacity: true) }
            }
            if !out.isEmpty { try sink(&out) }
            return n
        }
    }
}

enum CSVText {
    static func appendField(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        let needsQuotes = bytes.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
        if !needsQuotes { out.append(contentsOf: bytes); return }
        out.append(0x22)
        for b in bytes { if b == 0x22 { out.append(0x22) }; out.append(b) }
        out.append(0x22)
    }
}
