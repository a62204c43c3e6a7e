import Foundation
import MeowCore

/// Seeded input mutation for the fuzz suites (issue 10: random and mutated inputs from a fixed
/// seed, never a crash or hang, always an error with a line number or a clean import).
///
/// Why one generator per case: case `k` of a suite draws from `SplitMix64(seed: suiteSeed &+ k)`,
/// so a failure names a case that replays alone, whatever the other cases did. Why bounded
/// sizes: a hang cannot be caught from inside a synchronous reader, so inputs stay small
/// (longest line 1.2 MiB, nesting at most 100) and every reader loop is checked for progress.
///
/// A library target of its own (MeowTestSupport) so every test target uses the one mutator.
public struct FuzzMutator {
    public var rng: SplitMix64

    public init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    /// A uniform integer in 0 ..< n (n > 0).
    public mutating func int(_ n: Int) -> Int { Int(rng.next(below: UInt64(n))) }
    /// True one time in `n`.
    public mutating func oneIn(_ n: Int) -> Bool { int(n) == 0 }
    public mutating func pick<T>(_ xs: [T]) -> T { xs[int(xs.count)] }

    /// Bytes that break parsers: structure, quotes, escapes, NUL, invalid UTF-8 (overlong,
    /// surrogate, lone continuation, truncated sequence, 0xFF), BOM, line ends, huge numbers.
    public static let commonTokens: [[UInt8]] = [
        "\"", "{", "}", "[", "]", ",", ":", "\\", "\0", "\r", "\n", "\r\n", "\t", " ", "\"\"", "\\\"",
        "\\u", "\\ud800", "\\u0000", "-", "0", "1e999", "99999999999999999999", "null", "true", "#",
        "é", "😀", "\u{FEFF}", "\u{2028}", "\u{85}",
    ].map { Array($0.utf8) } + [[0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0x80], [0xE2, 0x82], [0xF4, 0x90, 0x80, 0x80]]

    /// Applies one to four mutations, each chosen from `kinds`, with `tokens` (format-specific
    /// words) added to the common ones.
    public mutating func mutate(_ input: [UInt8], tokens extra: [String] = []) -> [UInt8] {
        var bytes = input
        let tokens = Self.commonTokens + extra.map { Array($0.utf8) }
        for _ in 0...int(4) { bytes = mutateOnce(bytes, tokens: tokens) }
        return bytes
    }

    private mutating func position(in bytes: [UInt8]) -> Int { int(bytes.count + 1) }

    private mutating func mutateOnce(_ input: [UInt8], tokens: [[UInt8]]) -> [UInt8] {
        var b = input
        switch int(17) {
        case 0 where !b.isEmpty: // flip one bit
            let i = int(b.count); b[i] ^= UInt8(1) << UInt8(int(8))
        case 1 where !b.isEmpty: // one random byte
            b[int(b.count)] = UInt8(truncatingIfNeeded: rng.next())
        case 2: // truncate anywhere
            b.removeSubrange(int(b.count + 1)...)
        case 3, 4: // delete, duplicate, swap or blank lines
            var lines = b.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
            let i = int(lines.count), j = int(lines.count)
            switch int(4) {
            case 0: lines.remove(at: i)
            case 1: lines.insert(lines[i], at: j)
            case 2: lines.swapAt(i, j)
            default: lines[i] = pick([[], [0x20], [0x09], [0x0D], [0x20, 0x20, 0x0D]])
            }
            b = Array(lines.joined(separator: [0x0A]))
        case 5, 6, 7: // insert a token (most productive: quotes, braces, NUL, bad UTF-8)
            b.insert(contentsOf: pick(tokens), at: position(in: b))
        case 8: // replace a run with a token
            let s = int(b.count + 1), e = min(b.count, s + int(8))
            b.replaceSubrange(s..<e, with: pick(tokens))
        case 9: // a few random bytes
            b.insert(contentsOf: (0..<(1 + int(16))).map { _ in UInt8(truncatingIfNeeded: rng.next()) }, at: position(in: b))
        case 10: // delete a range
            let s = int(b.count + 1), e = min(b.count, s + int(64))
            b.removeSubrange(s..<e)
        case 11: // a very long line or field (rarely past LineReader's 1 MiB chunk)
            let n = oneIn(40) ? (1 << 20) + int(200_000) : 1_000 + int(60_000)
            let unit = pick([[UInt8(ascii: "x")], [UInt8(ascii: " ")], Array("é".utf8), [UInt8(ascii: "\"")], [UInt8(ascii: ",")]])
            var run: [UInt8] = []
            run.reserveCapacity(n)
            while run.count < n { run += unit }
            b.insert(contentsOf: run, at: position(in: b))
        case 12: // deep nesting, balanced or not (bounded)
            let depth = 1 + int(100)
            let (open, close): (String, String) = pick([("[", "]"), ("{\"a\":", "}"), ("{a: ", "}"), ("- ", "")])
            var s = String(repeating: open, count: depth) + pick(["1", "\"x\"", ""])
            if !oneIn(3) { s += String(repeating: close, count: depth) }
            b.insert(contentsOf: Array(s.utf8), at: position(in: b))
        case 13: // line ends: all CRLF, all CR, or one stray CR
            switch int(3) {
            case 0: b = Array(b.split(separator: 0x0A, omittingEmptySubsequences: false).joined(separator: [0x0D, 0x0A]))
            case 1: b = b.map { $0 == 0x0A ? 0x0D : $0 }
            default: b.insert(0x0D, at: position(in: b))
            }
        case 14: // BOM at the start (sometimes twice)
            b.insert(contentsOf: oneIn(4) ? [0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF] : [0xEF, 0xBB, 0xBF], at: 0)
        case 15: // copy a slice elsewhere
            guard !b.isEmpty else { break }
            let s = int(b.count), e = min(b.count, s + 1 + int(40))
            b.insert(contentsOf: Array(b[s..<e]), at: position(in: b))
        case 16 where oneIn(8): // random bytes only
            b = (0..<int(300)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
        default:
            b.insert(contentsOf: pick(tokens), at: position(in: b))
        }
        return b
    }
}
