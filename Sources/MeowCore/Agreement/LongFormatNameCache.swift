import Foundation

/// A hash table from raw UTF-8 bytes to an interned code.
///
/// Why: the reader sees each item, annotator and label name as bytes inside
/// its read buffer. Making a `String` and hashing it for every one of three
/// million fields is the slowest part of reading a big file; this table finds
/// a name seen before without allocating, and only a new name becomes a
/// `String` (interned by `RatingsBuilder`, which stays the source of codes).
struct LongFormatNameCache: Sendable {
    private var arena: [UInt8] = []
    private var offset: [Int] = []
    private var length: [Int] = []
    private var code: [Int32] = []
    private var hash: [UInt64] = []
    private var slots = [Int32](repeating: -1, count: 256)
    private var mask = 255

    @inline(__always)
    static func hash(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(truncatingIfNeeded: n)
        let raw = UnsafeRawPointer(p)
        var i = 0
        while i + 8 <= n {
            h = (h ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 32
            i += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while i < n {
            tail |= UInt64(p[i]) << shift
            shift += 8
            i += 1
        }
        h = (h ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        return h ^ (h >> 29)
    }

    /// The code stored for these bytes, if any.
    @inline(__always)
    func find(_ p: UnsafePointer<UInt8>, _ n: Int, hash h: UInt64) -> Int32? {
        var i = Int(truncatingIfNeeded: h) & mask
        while true {
            let e = Int(slots[i])
            if e < 0 { return nil }
            if hash[e] == h && length[e] == n {
                let same = arena.withUnsafeBufferPointer { memcmp($0.baseAddress! + offset[e], p, n) == 0 }
                if same { return code[e] }
            }
            i = (i + 1) & mask
        }
    }

    /// Stores a code for bytes not yet in the table.
    mutating func insert(_ p: UnsafePointer<UInt8>, _ n: Int, hash h: UInt64, code c: Int32) {
        let e = code.count
        offset.append(arena.count)
        arena.append(contentsOf: UnsafeBufferPointer(start: p, count: n))
        length.append(n)
        code.append(c)
        hash.append(h)
        if (e + 1) * 2 > slots.count {
            slots = [Int32](repeating: -1, count: slots.count * 2)
            mask = slots.count - 1
            for entry in 0...e { place(entry) }
        } else {
            place(e)
        }
    }

    private mutating func place(_ entry: Int) {
        var i = Int(truncatingIfNeeded: hash[entry]) & mask
        while slots[i] >= 0 { i = (i + 1) & mask }
        slots[i] = Int32(entry)
    }
}

/// Codes for names met as raw UTF-8 bytes (a database's text columns), found again without
/// making a `String`: what `LongFormatNameCache` does for files, for readers outside MeowCore.
public struct NameCodeTable {
    private var cache = LongFormatNameCache()

    public init() {}

    /// The code stored for these bytes, if any.
    @inline(__always)
    public func code(of bytes: UnsafeRawBufferPointer) -> Int32? {
        Self.withPointer(bytes) { p, n in cache.find(p, n, hash: LongFormatNameCache.hash(p, n)) }
    }

    /// Stores `code` for bytes not in the table yet.
    public mutating func insert(_ bytes: UnsafeRawBufferPointer, code: Int32) {
        Self.withPointer(bytes) { p, n in cache.insert(p, n, hash: LongFormatNameCache.hash(p, n), code: code) }
    }

    @inline(__always)
    private static func withPointer<T>(_ bytes: UnsafeRawBufferPointer, _ body: (UnsafePointer<UInt8>, Int) -> T) -> T {
        if let base = bytes.baseAddress, bytes.count > 0 { return body(base.assumingMemoryBound(to: UInt8.self), bytes.count) }
        var zero: UInt8 = 0 // an empty name: any valid pointer, no byte is read
        return withUnsafePointer(to: &zero) { body($0, 0) }
    }
}
