import Foundation
import MeowCore

/// A project's answers as agreement reads them, coded, in one blob (`agreement_snapshot.data`):
/// the label, annotator and item tables and the three code columns. Reading it back costs a
/// pass over a few megabytes instead of a pass of SQLite over every answer row.
///
/// Compact, because writing it is part of the first `meow agreement` after a change: a million
/// answers as three Int32 columns were 14 MB, whose writing (to the log, then the file) doubled
/// that run's time; as below they are about 3.3 MB.
///
/// Layout: the magic `meowags2`; four little-endian UInt64 counts (labels, annotators, items,
/// answers); each label and annotator name as a little-endian UInt32 length and its UTF-8
/// bytes; the items' row ids as varints of the zigzagged difference from the one before (ids
/// mostly rise by one: a byte each); the answers' item codes the same way (an item's answers
/// mostly come together); the annotator codes and the label codes, each in as few bytes as
/// their count needs (1, 2 or 4, little-endian); a UInt64 checksum of everything before it.
/// A blob that is short, long, fails its checksum or holds a code out of range reads as no
/// snapshot.
struct AgreementSnapshot {
    var builder: RatingsBuilder
    /// The row id of each item of `builder`, in code order.
    var itemRowIDs: [Int64]

    static let magic = Array("meowags2".utf8)

    /// Bytes per code for a table of `count` names.
    static func width(_ count: Int) -> Int { count <= 256 ? 1 : count <= 65_536 ? 2 : 4 }

    /// The blob for `builder`, whose items are the rows `itemRowIDs` in code order.
    static func encode(_ builder: RatingsBuilder, itemRowIDs: [Int64]) -> [UInt8] {
        precondition(builder.items.count == itemRowIDs.count, "AgreementSnapshot: an item without its row id")
        let coded = builder.codedAnswers
        var head: [UInt8] = magic
        for n in [builder.labels.count, builder.annotators.count, itemRowIDs.count, coded.item.count] {
            withUnsafeBytes(of: UInt64(n).littleEndian) { head += $0 }
        }
        for name in builder.labels + builder.annotators {
            withUnsafeBytes(of: UInt32(name.utf8.count).littleEndian) { head += $0 }
            head += name.utf8
        }
        let wa = width(builder.annotators.count), wl = width(builder.labels.count)
        let bound = head.count + 10 * (itemRowIDs.count + coded.item.count) + (wa + wl) * coded.item.count + 8
        return [UInt8](unsafeUninitializedCapacity: bound) { buffer, count in
            guard let base = buffer.baseAddress else { count = 0; return }
            var w = Writer(base: base, offset: 0)
            for byte in head { w.byte(byte) }
            var previous: Int64 = 0
            for id in itemRowIDs { w.varint(zigzag(id &- previous)); previous = id }
            coded.item.withUnsafeBufferPointer { items in
                var previous: Int32 = 0
                for code in items { w.varint(zigzag(Int64(code) - Int64(previous))); previous = code }
            }
            coded.annotator.withUnsafeBufferPointer { for code in $0 { w.fixed(UInt32(bitPattern: code), wa) } }
            coded.label.withUnsafeBufferPointer { for code in $0 { w.fixed(UInt32(bitPattern: code), wl) } }
            let sum = checksum(UnsafeRawBufferPointer(start: buffer.baseAddress, count: w.offset))
            w.fixed64(sum)
            count = w.offset
        }
    }

    /// The snapshot in `bytes`, or nil when they are not one (damaged, or another format).
    /// `labelValues` and the kind are the caller's to set: they come from the guideline.
    static func decode(_ bytes: UnsafeRawBufferPointer) -> AgreementSnapshot? {
        guard bytes.count >= 8 + 32 + 8, bytes.starts(with: magic),
              checksum(UnsafeRawBufferPointer(rebasing: bytes[..<(bytes.count - 8)])) == bytes.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt64.self).littleEndian
        else { return nil }
        var reader = Reader(bytes: UnsafeRawBufferPointer(rebasing: bytes[..<(bytes.count - 8)]), offset: 8)
        guard let labels = reader.count(), let annotators = reader.count(), let items = reader.count(), let answers = reader.count() else { return nil }
        var names: [String] = []
        for _ in 0..<(labels + annotators) {
            guard let n = reader.fixed(4), let name = reader.string(Int(n)) else { return nil }
            names.append(name)
        }
        let wa = width(annotators), wl = width(labels)
        // At least a byte per varint, and the two fixed-width columns exactly.
        guard reader.left >= items + answers * (1 + wa + wl) else { return nil }
        var rowIDs = [Int64](repeating: 0, count: items)
        var previous: Int64 = 0
        for k in 0..<items {
            guard let d = reader.varint() else { return nil }
            previous = previous &+ unzigzag(d)
            // Row ids are positive (and `ItemCodes` subtracts them).
            guard previous > 0 else { return nil }
            rowIDs[k] = previous
        }
        var complete = true
        let item = [Int32](unsafeUninitializedCapacity: answers) { out, initialized in
            var code: Int64 = 0
            for r in 0..<answers {
                guard let d = reader.varint() else { complete = false; break }
                code = code &+ unzigzag(d)
                guard code >= 0 && code < Int64(items) else { complete = false; break }
                out[r] = Int32(code)
                initialized = r + 1
            }
        }
        guard complete else { return nil }
        guard reader.left == answers * (wa + wl),
              let annotator = reader.codes(answers, width: wa, below: annotators),
              let label = reader.codes(answers, width: wl, below: labels) else { return nil }

        var builder = RatingsBuilder(labels: Array(names[..<labels]))
        // Two equal names would have become one code: not a snapshot meow wrote.
        guard builder.labels.count == labels else { return nil }
        for name in names[labels...] { _ = builder.internAnnotator(name) }
        guard builder.annotators.count == annotators else { return nil }
        builder.appendNewItems(rowIDs.map(ScanJob.decimal))
        builder.adoptCodedAnswers(item: item, annotator: annotator, label: label)
        return AgreementSnapshot(builder: builder, itemRowIDs: rowIDs)
    }

    @inline(__always) static func zigzag(_ v: Int64) -> UInt64 { UInt64(bitPattern: (v << 1) ^ (v >> 63)) }
    @inline(__always) static func unzigzag(_ v: UInt64) -> Int64 { Int64(bitPattern: v >> 1) ^ -Int64(bitPattern: v & 1) }

    /// A 64-bit mix of the bytes, eight at a time: catches a damaged or truncated blob, not
    /// one made to pass (whoever can write the blob can write the answers).
    static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(bytes.count)
        let words = bytes.count / 8
        for k in 0..<words {
            h = (h ^ bytes.loadUnaligned(fromByteOffset: 8 * k, as: UInt64.self)) &* 0x100_0000_01B3
            h ^= h >> 29
        }
        for k in (8 * words)..<bytes.count { h = (h ^ UInt64(bytes[k])) &* 0x100_0000_01B3 }
        return h
    }

    /// Writes into a buffer sized for the worst case (no checks per byte).
    private struct Writer {
        let base: UnsafeMutablePointer<UInt8>
        var offset: Int

        @inline(__always) mutating func byte(_ b: UInt8) { base[offset] = b; offset += 1 }

        @inline(__always) mutating func varint(_ value: UInt64) {
            var v = value
            while v >= 0x80 { byte(UInt8(truncatingIfNeeded: v) | 0x80); v >>= 7 }
            byte(UInt8(v))
        }

        @inline(__always) mutating func fixed(_ value: UInt32, _ width: Int) {
            for k in 0..<width { byte(UInt8(truncatingIfNeeded: value >> (8 * UInt32(k)))) }
        }

        mutating func fixed64(_ value: UInt64) {
            for k in 0..<8 { byte(UInt8(truncatingIfNeeded: value >> (8 * UInt64(k)))) }
        }
    }

    /// Reads with a bounds check on every step: the bytes come from the workspace file.
    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var offset: Int
        var left: Int { bytes.count - offset }

        mutating func count() -> Int? {
            guard left >= 8 else { return nil }
            let v = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            offset += 8
            return v < UInt64(Int32.max) ? Int(v) : nil
        }

        mutating func fixed(_ width: Int) -> UInt32? {
            guard left >= width else { return nil }
            var v: UInt32 = 0
            for k in 0..<width { v |= UInt32(bytes[offset + k]) << (8 * UInt32(k)) }
            offset += width
            return v
        }

        @inline(__always) mutating func varint() -> UInt64? {
            var v: UInt64 = 0, shift: UInt64 = 0
            while offset < bytes.count, shift < 64 {
                let b = bytes[offset]
                offset += 1
                v |= UInt64(b & 0x7F) << shift
                if b < 0x80 { return v }
                shift += 7
            }
            return nil
        }

        mutating func string(_ n: Int) -> String? {
            guard n >= 0, left >= n else { return nil }
            defer { offset += n }
            return String(validating: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + n)]), as: UTF8.self)
        }

        /// `n` codes of `width` bytes, each below `count`.
        mutating func codes(_ n: Int, width: Int, below count: Int) -> [Int32]? {
            guard left >= n * width else { return nil }
            var out = [Int32](repeating: 0, count: n)
            var ok = true
            let limit = UInt32(count)
            bytes.withMemoryRebound(to: UInt8.self) { b in
                out.withUnsafeMutableBufferPointer { o in
                    var at = offset
                    for r in 0..<n {
                        var v: UInt32 = 0
                        for k in 0..<width { v |= UInt32(b[at + k]) << (8 * UInt32(k)) }
                        at += width
                        ok = ok && v < limit
                        o[r] = Int32(bitPattern: v)
                    }
                }
            }
            offset += n * width
            return ok ? out : nil
        }
    }
}
