import Foundation

/// The two long-format layouts: one annotation per line or record.
public enum LongFormat: String, Sendable, CaseIterable {
    /// JSON Lines: `{"item": …, "annotator": …, "label": …}` per line; values
    /// are strings or numbers (a number keeps its textual form); other keys are
    /// ignored.
    case jsonl
    /// CSV with a header naming the columns `item`, `annotator` and `label`
    /// (any order, other columns ignored), RFC 4180 quoting.
    case csv

    /// The format named by a file's extension (`.jsonl`, `.ndjson`, `.json`, `.csv`).
    public init?(path: String) {
        switch (path as NSString).pathExtension.lowercased() {
        case "jsonl", "ndjson", "json": self = .jsonl
        case "csv": self = .csv
        default: return nil
        }
    }
}

/// Streams a long-format label file (JSONL or CSV) into `RatingsBuilder`.
///
/// Why streaming: label exports grow to millions of lines; the file is read
/// in chunks (1 MiB by default) and only the annotation codes are kept, so
/// memory follows the number of annotations, not the file size. A UTF-8 BOM,
/// CRLF line ends and blank lines are accepted. The same annotator labeling
/// the same item twice keeps the last label (see `RatingsBuilder`).
///
/// Label values: with `order`, label k of the order gets the value k (its
/// position), labels are coded in that order, and a label outside the order
/// is an error naming it. Otherwise, when `detectNumericLabels` is on and
/// every label is a plain decimal number, the numbers are the values
/// (`Ratings.numericValues(of:)`); else there are none (nominal labels).
public struct LongFormatReader: Sendable {
    /// The layout; nil = from the file extension, else from the first byte
    /// (`{` means JSONL).
    public var format: LongFormat?
    /// Ordered labels giving each label its value by position.
    public var order: [String]?
    /// Use numeric labels as values when every label is a number.
    public var detectNumericLabels: Bool
    /// Bytes read at a time.
    public var chunkSize: Int

    public init(format: LongFormat? = nil, order: [String]? = nil, detectNumericLabels: Bool = true,
                chunkSize: Int = 1 << 20) {
        self.format = format
        self.order = order
        self.detectNumericLabels = detectNumericLabels
        self.chunkSize = max(chunkSize, 16)
    }

    /// Reads the file into new `Ratings`.
    /// Reads a file of labels. The same annotator labeling the same item twice is an error
    /// naming both lines: which answer counts is for the user to decide, not the reader.
    public func read(path: String) throws(LongFormatError) -> Ratings {
        var builder = RatingsBuilder()
        let lines = try readLines(path: path, into: &builder)
        let ratings = builder.build()
        if ratings.count != builder.count, let (a, b) = builder.firstRepeat() {
            let (item, annotator) = builder.names(at: a)
            throw LongFormatError(path: path, line: Int(lines[b]),
                                  message: "\"\(annotator)\" labels item \"\(item)\" a second time (first on line \(lines[a])); keep one answer per annotator and item")
        }
        return ratings
    }

    /// Appends the file's annotations to `builder` and sets its `labelValues`
    /// (from `order` or numeric detection) for all its labels.
    public func read(path: String, into builder: inout RatingsBuilder) throws(LongFormatError) {
        _ = try readLines(path: path, into: &builder)
    }

    /// `read(path:into:)`, returning the line of each annotation appended (in order).
    private func readLines(path: String, into builder: inout RatingsBuilder) throws(LongFormatError) -> [Int32] {
        if let order {
            let allowed = Set(order)
            if let stray = builder.labels.first(where: { !allowed.contains($0) }) {
                throw LongFormatError(path: path, line: 0, message: "label \"\(stray)\" (read before this file) is not in the label order")
            }
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw LongFormatError(path: path, line: 0, message: "cannot open the file for reading")
        }
        defer { try? handle.close() }
        let buffer = LongFormatBuffer(capacity: chunkSize * 2)
        var parser: LongFormatParser?
        var pending = builder
        builder = RatingsBuilder() // so the parser holds the only reference (no copy on append)
        var atStart = true
        while true {
            buffer.compact()
            buffer.reserve(chunkSize)
            let data: Data?
            do {
                data = try handle.read(upToCount: chunkSize)
            } catch {
                builder = parser?.builder ?? pending
                throw LongFormatError(path: path, line: 0, message: "read failed: \(error.localizedDescription)")
            }
            let count = data?.count ?? 0
            if let data, count > 0 {
                data.copyBytes(to: buffer.base + buffer.end, count: count)
                buffer.end += count
            }
            let final = count == 0
            if atStart {
                if buffer.end < 3 && !final { continue }
                if buffer.end >= 3 && buffer.base[0] == 0xEF && buffer.base[1] == 0xBB && buffer.base[2] == 0xBF {
                    buffer.start = 3
                }
                atStart = false
                let chosen = format ?? LongFormat(path: path) ?? buffer.sniff()
                parser = LongFormatParser(path: path, format: chosen, builder: pending, order: order)
                pending = RatingsBuilder()
            }
            do {
                let used = try parser!.consume(buffer.base + buffer.start, buffer.end - buffer.start, final: final)
                buffer.start += used
            } catch {
                builder = parser!.builder
                throw error
            }
            if final { break }
        }
        builder = parser!.builder
        if let order {
            var values = [Double](repeating: 0, count: builder.labels.count)
            for (position, name) in order.enumerated().reversed() {
                if let code = builder.labelCode(name) { values[Int(code)] = Double(position) }
            }
            builder.labelValues = values
        } else if detectNumericLabels {
            builder.labelValues = Ratings.numericValues(of: builder.labels)
        }
        return parser!.lineOfRow
    }
}

/// A growable byte window over the file: unread bytes live in
/// `base[start ..< end]`. Why not `[UInt8]`: the parser works on raw pointers
/// in its hot loop, and a manually managed buffer avoids re-borrowing an array.
final class LongFormatBuffer {
    private(set) var base: UnsafeMutablePointer<UInt8>
    private var capacity: Int
    var start = 0
    var end = 0

    init(capacity: Int) {
        self.capacity = capacity
        base = .allocate(capacity: capacity)
    }

    deinit { base.deallocate() }

    /// Moves the unread bytes to the front.
    func compact() {
        if start == 0 { return }
        let n = end - start
        if n > 0 { memmove(base, base + start, n) }
        start = 0
        end = n
    }

    /// Makes room for `n` more bytes after `end`.
    func reserve(_ n: Int) {
        if capacity - end >= n { return }
        let bigger = max(capacity * 2, end + n)
        let fresh = UnsafeMutablePointer<UInt8>.allocate(capacity: bigger)
        fresh.update(from: base, count: end)
        base.deallocate()
        base = fresh
        capacity = bigger
    }

    /// JSONL when the first non-blank byte is `{`, else CSV.
    func sniff() -> LongFormat {
        var i = start
        while i < end, base[i] == 0x20 || base[i] == 0x09 || base[i] == 0x0D || base[i] == 0x0A { i += 1 }
        return i < end && base[i] == 0x7B ? .jsonl : .csv
    }
}
