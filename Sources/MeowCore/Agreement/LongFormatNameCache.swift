import Foundation

/// A hash table from raw UTF-8 bytes to an interned code.
///
/// Why: the reader sees each item, annotator and label name as bytes inside
/// its read buffer. Making a `String` and hashing it for every one of three
/// million fields is the slowest part of reading a big file; this table finds
/// a name seen before without allocating, and only a new name becomes a
/// `String` (interned by `RatingsBuilder`, which stays the source of codes).
@usableFromInline
struct LongFormatNameCache: Sendable {
    /// One name. A name of up to 16 bytes is held exactly by `w0`, `w1` and its length (see
    /// `words`), so finding it compares three integers in one cache line; a longer one also
    /// keeps its bytes in `arena`.
    private struct Entry: Sendable {
        var w0: UInt64
        var w1: UInt64
        var hash: UInt64
        var offset: Int32
        var length: Int32
        var code: Int32
    }
    private var entries: [Entry] = []
    private var arena: [UInt8] = []
    /// 0 for an empty slot, else the entry's index + 1 in the low 32 bits and the top 32 bits of
    /// its hash above them: most slots that hold another name are passed over without reading
    /// its entry (a cache miss in a table of 250,000 item names).
    private var slots = [UInt64](repeating: 0, count: 256)
    private var mask = 255

    /// The bytes of a name of up to 16 bytes as two words; with the length they determine the
    /// bytes (the two loads overlap for shorter names). A longer name gives its first 16 bytes.
    @inline(__always)
    static func words(_ p: UnsafePointer<UInt8>, _ n: Int) -> (UInt64, UInt64) {
        NameFront.words(UnsafeRawPointer(p), n)
    }

    @inline(__always)
    static func hash(_ p: UnsafePointer<UInt8>, _ n: Int) -> UInt64 {
        let (a, b) = words(p, n)
        var h = (a ^ 0x9E37_79B9_7F4A_7C15) &* 0xFF51_AFD7_ED55_8CCD
        h = (h ^ (h >> 32) ^ b ^ UInt64(truncatingIfNeeded: n)) &* 0xC4CE_B9FE_1A85_EC53
        if n > 16 {
            let raw = UnsafeRawPointer(p)
            var i = 16
            while i + 8 <= n {
                h = (h ^ (h >> 29) ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
                i += 8
            }
            if i < n { h = (h ^ (h >> 29) ^ raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)) &* 0xC4CE_B9FE_1A85_EC53 }
        }
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        return h ^ (h >> 33)
    }

    /// The code stored for these bytes, if any.
    @inline(__always)
    func find(_ p: UnsafePointer<UInt8>, _ n: Int, hash h: UInt64) -> Int32? {
        let (a, b) = Self.words(p, n)
        let tag = h & 0xFFFF_FFFF_0000_0000
        return slots.withUnsafeBufferPointer { slots in
            entries.withUnsafeBufferPointer { entries in
                var i = Int(truncatingIfNeeded: h) & mask
                while true {
                    let slot = slots[i]
                    if slot == 0 { return nil }
                    if slot & 0xFFFF_FFFF_0000_0000 == tag {
                        let e = entries[Int(truncatingIfNeeded: slot & 0xFFFF_FFFF) - 1]
                        if e.w0 == a && e.w1 == b && Int(e.length) == n && (n <= 16 || sameLongName(e, p, n)) { return e.code }
                    }
                    i = (i + 1) & mask
                }
            }
        }
    }

    private func sameLongName(_ e: Entry, _ p: UnsafePointer<UInt8>, _ n: Int) -> Bool {
        arena.withUnsafeBufferPointer { arena in
            guard let base = arena.baseAddress else { return false }
            return memcmp(base + Int(e.offset), p, n) == 0
        }
    }

    /// Stores a code for bytes not yet in the table.
    mutating func insert(_ p: UnsafePointer<UInt8>, _ n: Int, hash h: UInt64, code c: Int32) {
        precondition(entries.count < Int(Int32.max) && arena.count + n <= Int(Int32.max), "LongFormatNameCache: too many names")
        let (a, b) = Self.words(p, n)
        var offset: Int32 = 0
        if n > 16 {
            offset = Int32(arena.count)
            arena.append(contentsOf: UnsafeBufferPointer(start: p, count: n))
        }
        entries.append(Entry(w0: a, w1: b, hash: h, offset: offset, length: Int32(n), code: c))
        if entries.count * 2 > slots.count {
            slots = [UInt64](repeating: 0, count: slots.count * 2)
            mask = slots.count - 1
            for entry in entries.indices { place(entry) }
        } else {
            place(entries.count - 1)
        }
    }

    private mutating func place(_ entry: Int) {
        let h = entries[entry].hash
        var i = Int(truncatingIfNeeded: h) & mask
        while slots[i] != 0 { i = (i + 1) & mask }
        slots[i] = (h & 0xFFFF_FFFF_0000_0000) | UInt64(entry + 1)
    }
}

/// A direct-mapped table of 256 short names (up to 16 bytes) in front of a
/// `LongFormatNameCache`, for the columns with few distinct names met on every row (annotators,
/// labels): one multiplication and one compare find them, where the full table's hash and
/// probe cost about three times that per row.
@usableFromInline
struct NameFront: Sendable {
    @usableFromInline
    struct Slot: Sendable {
        @usableFromInline var w0: UInt64 = 0
        @usableFromInline var w1: UInt64 = 0
        @usableFromInline var length = -1
        @usableFromInline var code: Int32 = 0
        @usableFromInline init() {}
    }
    @usableFromInline var slots = [Slot](repeating: Slot(), count: 256)

    @usableFromInline init() {}

    /// The bytes of a name of up to 16 bytes as two words; with the length they determine the
    /// bytes (the two loads overlap for shorter names). A longer name gives its first 16 bytes.
    @inlinable @inline(__always)
    static func words(_ p: UnsafeRawPointer, _ n: Int) -> (UInt64, UInt64) {
        if n >= 8 {
            return (p.loadUnaligned(as: UInt64.self), p.loadUnaligned(fromByteOffset: min(n, 16) - 8, as: UInt64.self))
        }
        if n >= 4 {
            return (UInt64(p.loadUnaligned(as: UInt32.self)) | UInt64(p.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)) << 32, 0)
        }
        if n > 0 {
            return (UInt64(p.load(as: UInt8.self)) | UInt64(p.load(fromByteOffset: n / 2, as: UInt8.self)) << 8
                | UInt64(p.load(fromByteOffset: n - 1, as: UInt8.self)) << 16, 0)
        }
        return (0, 0)
    }

    /// The slot: the top 8 bits of a product, which depend on every bit of the name.
    @inlinable @inline(__always)
    static func slot(_ a: UInt64, _ b: UInt64, _ n: Int) -> Int {
        Int(truncatingIfNeeded: ((a ^ (b &* 0x9E37_79B9_7F4A_7C15) ^ UInt64(truncatingIfNeeded: n)) &* 0xFF51_AFD7_ED55_8CCD) >> 56)
    }

    /// The code of these bytes if this table holds them (nil says nothing: ask the full table).
    @inlinable @inline(__always)
    func code(_ p: UnsafeRawPointer, _ n: Int) -> Int32? {
        guard n <= 16 else { return nil }
        let (a, b) = Self.words(p, n)
        return slots.withUnsafeBufferPointer { slots in
            let e = slots[Self.slot(a, b, n)]
            return e.length == n && e.w0 == a && e.w1 == b ? e.code : nil
        }
    }

    /// Keeps these bytes' code (replacing the name that had its slot).
    @usableFromInline
    mutating func remember(_ p: UnsafeRawPointer, _ n: Int, code: Int32) {
        guard n <= 16 else { return }
        let (a, b) = Self.words(p, n)
        var e = Slot()
        (e.w0, e.w1, e.length, e.code) = (a, b, n, code)
        slots[Self.slot(a, b, n)] = e
    }
}

/// Codes for names met as raw UTF-8 bytes (a database's text columns), found again without
/// making a `String`: what `LongFormatNameCache` does for files, for readers outside MeowCore.
/// A name met before is usually found inline by `NameFront` (this is called twice per row of
/// a million-row read).
public struct NameCodeTable {
    @usableFromInline var front = NameFront()
    @usableFromInline var cache = LongFormatNameCache()

    public init() {}

    /// The code stored for these bytes, if any.
    @inlinable @inline(__always)
    public func code(of bytes: UnsafeRawBufferPointer) -> Int32? {
        if let base = bytes.baseAddress, let code = front.code(base, bytes.count) { return code }
        return codeInTable(of: bytes)
    }

    @usableFromInline
    func codeInTable(of bytes: UnsafeRawBufferPointer) -> Int32? {
        Self.withPointer(bytes) { p, n in cache.find(p, n, hash: LongFormatNameCache.hash(p, n)) }
    }

    /// Stores `code` for bytes not in the table yet.
    public mutating func insert(_ bytes: UnsafeRawBufferPointer, code: Int32) {
        Self.withPointer(bytes) { p, n in
            cache.insert(p, n, hash: LongFormatNameCache.hash(p, n), code: code)
            front.remember(UnsafeRawPointer(p), n, code: code)
        }
    }

    @inline(__always)
    private static func withPointer<T>(_ bytes: UnsafeRawBufferPointer, _ body: (UnsafePointer<UInt8>, Int) -> T) -> T {
        if let base = bytes.baseAddress, bytes.count > 0 { return body(base.assumingMemoryBound(to: UInt8.self), bytes.count) }
        var zero: UInt8 = 0 // an empty name: any valid pointer, no byte is read
        return withUnsafePointer(to: &zero) { body($0, 0) }
    }
}
