import Foundation
import MeowCore
import MeowTestSupport

/// Facts about an input file as `LineReader` sees it: lines split on LF, a trailing CR and the
/// first line's BOM removed, no extra line after a final LF.
struct FuzzLines {
    let lines: [[UInt8]]

    init(_ bytes: [UInt8]) {
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
        if bytes.last == 0x0A || bytes.isEmpty { lines.removeLast() }
        if let first = lines.first, first.starts(with: [0xEF, 0xBB, 0xBF]) { lines[0].removeFirst(3) }
        for i in lines.indices where lines[i].last == 0x0D { lines[i].removeLast() }
        self.lines = lines
    }

    var count: Int { lines.count }
    /// The bytes of 1-based line `n`.
    func line(_ n: Int) -> [UInt8] { lines[n - 1] }
    var hasNonEmptyLine: Bool { lines.contains { !$0.isEmpty } }

    /// Why an error's line number is wrong, or nil when it is plausible: it must name a line
    /// of the file, and one with something on it (blank lines are skipped by every reader),
    /// unless the file has nothing on any line.
    func problem(withErrorLine n: Int) -> String? {
        if !hasNonEmptyLine { return (1...max(1, count)).contains(n) ? nil : "line \(n) of a file with \(count) empty lines" }
        guard (1...count).contains(n) else { return "line \(n) is outside the file's \(count) lines" }
        if line(n).isEmpty { return "line \(n) is empty: an error cannot be there" }
        return nil
    }
}

enum Fuzz {
    /// Case counts are multiplied by `MEOW_FUZZ_SCALE` (default 1: a few thousand cases, a few
    /// seconds); a deeper run, e.g. nightly, sets it to 10 or 100. The seeds stay fixed.
    static let scale = max(1, Int(ProcessInfo.processInfo.environment["MEOW_FUZZ_SCALE"] ?? "") ?? 1)

    /// The repository root, for the shipped Samples/ and Guidelines/ files.
    static let repoRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() } // Tests/MeowCoreTests/Fuzz/FuzzSupport.swift
        return url.path
    }()

    static func bytes(_ relative: String, firstLines: Int? = nil) -> [UInt8] {
        let data = FileManager.default.contents(atPath: repoRoot + "/" + relative) ?? Data()
        let all = [UInt8](data)
        guard let firstLines else { return all }
        let lines = all.split(separator: 0x0A, omittingEmptySubsequences: false).prefix(firstLines)
        return Array(lines.joined(separator: [0x0A])) + [0x0A]
    }

    /// A fresh directory for one suite's temp files.
    static func tempDir(_ name: String) throws -> String {
        let dir = NSTemporaryDirectory() + "meow-fuzz-\(name)-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    /// The input shown in a failure message: escaped, and cut when long.
    static func show(_ bytes: [UInt8]) -> String {
        let head = bytes.prefix(400)
        var s = ""
        for b in head {
            switch b {
            case 0x20..<0x7F where b != 0x5C: s.unicodeScalars.append(Unicode.Scalar(b))
            case 0x0A: s += "\\n"
            default: s += String(format: "\\x%02X", b)
            }
        }
        return bytes.count > head.count ? s + "… (\(bytes.count) bytes)" : s
    }
}

/// A JSON value read with Foundation's `JSONDecoder`, an independent reader to check meow's
/// scanner against. Why not `JSONSerialization`: on Linux it drops U+FEFF from strings.
indirect enum FuzzJSON: Decodable, Equatable {
    case null, bool(Bool), number(Double), string(String), array([FuzzJSON]), object([String: FuzzJSON])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null; return }
        if let b = try? c.decode(Bool.self) { self = .bool(b); return }
        if let s = try? c.decode(String.self) { self = .string(s); return }
        if let n = try? c.decode(Double.self) { self = .number(n); return }
        if let a = try? c.decode([FuzzJSON].self) { self = .array(a); return }
        do { self = .object(try c.decode([String: FuzzJSON].self)) }
        catch DecodingError.typeMismatch(_, let context) where context.debugDescription.contains("found number") {
            self = .number(.nan) // valid JSON, but too big or small for a Double (1e999)
        }
    }

    /// The JSON object in `bytes`, or nil when they are not one.
    static func object(_ bytes: [UInt8]) -> [String: FuzzJSON]? {
        try? JSONDecoder().decode([String: FuzzJSON].self, from: Data(bytes))
    }
}
