import Foundation
import MeowCore

/// A project's answers as agreement reads them, coded, in one blob (`agreement_snapshot.data`):
/// the label, annotator and item tables and the three code columns. Reading it back costs a
/// copy instead of a pass of SQLite over every answer row.
///
/// Layout (little-endian): the magic `meowags1`; four UInt64 counts (labels, annotators,
/// items, answers); each label and annotator name as a UInt32 length and its UTF-8 bytes;
/// zero bytes to a multiple of 8; the items' row ids (Int64); the item, annotator and label
/// codes (Int32 each, one column after the other); a UInt64 checksum of everything before it.
/// A blob that is short, fails its checksum or holds a code out of range reads as no snapshot.
struct AgreementSnapshot {
    var builder: RatingsBuilder
    /// The row id of each item of `builder`, in code order.
    var itemRowIDs: [Int64]

    static let magic = Array("meowags1".utf8)

    /// The blob for `builder`, whose items are the rows `itemRowIDs` in code order.
    static func encode(_ builder: RatingsBuilder, itemRowIDs: [Int64]) -> [UInt8] {
        precondition(builder.items.count == itemRowIDs.count, "AgreementSnapshot: an item without its row id")
        let coded = builder.codedAnswers
        var out: [UInt8] = []
        let names = builder.labels.reduce(0) { $0 + 4 + $1.utf8.count } + builder.annotators.reduce(0) { $0 + 4 + $1.utf8.count }
        out.reserveCapacity(8 + 32 + names + 8 + 8 * itemRowIDs.count + 12 * coded.item.count + 8)
        out += magic
        for n in [builder.labels.count, builder.annotators.count, itemRowIDs.count, coded.item.count] {
            withUnsafeBytes(of: UInt64(n).littleEndian) { out += $0 }
        }
        for name in builder.labels + builder.annotators {
            withUnsafeBytes(of: UInt32(name.utf8.count).littleEndian) { out += $0 }
            out += name.utf8
        }
        out += repeatElement(0, count: (8 - out.count % 8) % 8)
        itemRowIDs.map(\.littleEndian).withUnsafeBytes { out += $0 }
        for column in [coded.item, coded.annotator, coded.label] {
            column.map(\.littleEndian).withUnsafeBytes { out += $0 }
        }
        let sum = out.withUnsafeBytes { checksum($0) }
        withUnsafeBytes(of: sum.littleEndian) { out += $0 }
        return out
    }

    /// The snapshot in `bytes`, or nil when they are not one (damaged, or another format).
    /// `labelValues` and the kind are the caller's to set: they come from the guideline.
    static func decode(_ bytes: UnsafeRawBufferPointer) -> AgreementSnapshot? {
        var reader = Reader(bytes: bytes)
        guard bytes.count >= 8 + 32 + 8, bytes.starts(with: magic),
              checksum(UnsafeRawBufferPointer(rebasing: bytes[..<(bytes.count - 8)])) == bytes.loadUnaligned(fromByteOffset: bytes.count - 8, as: UInt64.self).littleEndian
        else { return nil }
        reader.offset = 8
        guard let labels = reader.count(), let annotators = reader.count(), let items = reader.count(), let answers = reader.count(),
              labels < Int(Int32.max), annotators < Int(Int32.max), items < Int(Int32.max) else { return nil }
        var names: [String] = []
        for _ in 0..<(labels + annotators) {
            guard let n = reader.uint32(), let name = reader.string(Int(n)) else { return nil }
            names.append(name)
        }
        reader.offset += (8 - reader.offset % 8) % 8
        // What is left must be exactly the items, the three columns and the checksum.
        guard bytes.count - reader.offset == 8 * items + 12 * answers + 8 else { return nil }
        let rowIDs: [Int64] = reader.column(items)
        let item: [Int32] = reader.column(answers), annotator: [Int32] = reader.column(answers), label: [Int32] = reader.column(answers)
        guard inRange(item, below: items), inRange(annotator, below: annotators), inRange(label, below: labels) else { return nil }

        var builder = RatingsBuilder(labels: Array(names[..<labels]))
        // Two equal names would have become one code: not a snapshot meow wrote.
        guard builder.labels.count == labels else { return nil }
        for name in names[labels...] { _ = builder.internAnnotator(name) }
        guard builder.annotators.count == annotators else { return nil }
        for id in rowIDs { _ = builder.appendNewItem(ScanJob.decimal(id)) }
        item.withUnsafeBufferPointer { i in
            annotator.withUnsafeBufferPointer { a in label.withUnsafeBufferPointer { l in builder.append(codedItems: i, annotators: a, labels: l) } }
        }
        return AgreementSnapshot(builder: builder, itemRowIDs: rowIDs)
    }

    private static func inRange(_ codes: [Int32], below count: Int) -> Bool {
        let limit = Int32(truncatingIfNeeded: count)
        return codes.withUnsafeBufferPointer { c in
            var ok = true
            for code in c { ok = ok && code >= 0 && code < limit }
            return ok
        }
    }

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

    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var offset = 0

        mutating func count() -> Int? {
            guard offset + 8 <= bytes.count else { return nil }
            let v = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            offset += 8
            return v <= UInt64(Int32.max) * 4 ? Int(v) : nil
        }

        mutating func uint32() -> UInt32? {
            guard offset + 4 <= bytes.count else { return nil }
            defer { offset += 4 }
            return UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
        }

        mutating func string(_ n: Int) -> String? {
            guard n >= 0, offset + n <= bytes.count else { return nil }
            defer { offset += n }
            return String(validating: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + n)]), as: UTF8.self)
        }

        /// `n` fixed-width integers, copied out (the blob need not be aligned).
        mutating func column<T: FixedWidthInteger>(_ n: Int) -> [T] {
            let size = MemoryLayout<T>.stride
            let out = [T](unsafeUninitializedCapacity: n) { buffer, initialized in
                UnsafeMutableRawBufferPointer(buffer).copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + n * size)]))
                initialized = n
            }
            offset += n * size
            #if _endian(little)
            return out
            #else
            return out.map { T(littleEndian: $0) }
            #endif
        }
    }
}
