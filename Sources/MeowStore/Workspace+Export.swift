import Foundation
import MeowCore

/// Output formats for exports.
public enum ExportFormat: String, Sendable, CaseIterable {
    /// `conll`: spans projects, a token per line with its BIO tag. `pairs`: compare projects,
    /// `{"item","prompt","chosen","rejected"}` per decisive final choice.
    case jsonl, csv, conll, pairs
    public static func from(path: String) -> ExportFormat? {
        switch path.split(separator: ".").last?.lowercased() {
        case "jsonl", "ndjson": return .jsonl
        case "csv": return .csv
        case "conll": return .conll
        default: return nil
        }
    }
}

/// CSV field quoting (RFC 4180) for exports.
enum CSVText {
    static func appendField(_ bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        let needsQuotes = bytes.contains { $0 == 0x2C || $0 == 0x22 || $0 == 0x0A || $0 == 0x0D }
        if !needsQuotes { out.append(contentsOf: bytes); return }
        out.append(0x22)
        for b in bytes { if b == 0x22 { out.append(0x22) }; out.append(b) }
        out.append(0x22)
    }
}
