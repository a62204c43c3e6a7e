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

/// One annotation of a long-format file, with the line it is on (the first line of a CSV
/// record spanning lines).
public struct LongFormatRow: Sendable, Equatable {
    public var item: String
    public var annotator: String
    public var label: String
    public var line: Int

    public init(item: String, annotator: String, label: String, line: Int) {
        self.item = item
        self.annotator = annotator
        self.label = label
        self.line = line
    }
}

/// Streams a long-format label file (JSONL or CSV) into `RatingsBuilder`.
///
/// Why streaming: label exports grow to millions of lines; the file is read
/// in chunks (1 MiB by default) and only the annotation codes are kept, so
/// memory follows the number of annotations, not the file size. The rules for
/// the file are `LongFormatParser`'s, shared with `LongFormatRowReader` (what
/// `meow import-annotations` reads with), so both commands accept the same files.
///
/// Label values: with `order`, labels are coded in that order, a label outside
/// the order is an error naming it, and each label's value is its number in
/// `orderValues` when given, else the label itself when every label of the
/// order is numeric, else its position (`LabelValueKind.order`). Otherwise, when `detectNumericLabels` is on and
/// every label is a plain decimal number, the numbers are the values
/// (`Ratings.numericValues(of:)`), and two spellings of one number ("1", "1.0") are an
/// error; else there are none (nominal labels).
public struct LongFormatReader: Sendable {
    /// The layout; nil = from the file extension, else from the first byte
    /// (`{` means JSONL).
    public var format: LongFormat?
    /// Ordered labels giving each label its value by position.
    public var order: [String]?
    /// The number of each label of `order` (`--values`), when given.
    public var orderValues: [Double]?
    /// Use numeric labels as values when every label is a number.
    public var detectNumericLabels: Bool
    /// Bytes read at a time.
    public var chunkSize: Int
    /// Tests: no fast paths (see `LongFormatParser.generalPathsOnly`).
    var generalPathsOnly = false
    /// Files at least this big are read in two halves at once when there are two cores.
    var parallelFrom = 4 << 20

    /// Reads with the labels and values of `scale` (nil: numeric detection only).
    public init(format: LongFormat? = nil, scale: LabelScale?, chunkSize: Int = 1 << 20) {
        self.init(format: format, order: scale?.labels, chunkSize: chunkSize)
        orderValues = scale?.kind == .numbers ? scale?.values : nil
    }

    public init(format: LongFormat? = nil, order: [String]? = nil, detectNumericLabels: Bool = true,
                chunkSize: Int = 1 << 20) {
        self.format = format
        self.order = order
        self.orderValues = nil
        self.detectNumericLabels = detectNumericLabels
        self.chunkSize = max(chunkSize, 16)
    }

    /// Reads a file of labels into new `Ratings`. The same annotator labeling the same item
    /// twice is an error naming both lines: which answer counts is for the user to decide,
    /// not the reader.
    public func read(path: String) throws(LongFormatError) -> Ratings {
        var builder = RatingsBuilder()
        let lines = try readLines(path: path, into: &builder)
        let ratings = builder.build()
        if ratings.count != builder.count, let (a, b) = builder.firstRepeat() {
            let (item, annotator) = builder.names(at: a)
            throw LongFormatError(path: path, line: lines[b],
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
    private func readLines(path: String, into builder: inout RatingsBuilder) throws(LongFormatError) -> RowLines {
        if let order {
            let allowed = Set(order)
            if let stray = builder.labels.first(where: { !allowed.contains($0) }) {
                throw LongFormatError(path: path, line: 0, message: "label \"\(stray)\" (read before this file) is not on the label scale given")
            }
        }
        let start = builder
        let size = LongFormatFile.regularFileSize(path)
        let split = size >= parallelFrom && ProcessInfo.processInfo.activeProcessorCount >= 2
            && builder.count == 0 && builder.items.isEmpty ? LongFormatFile.middleLineStart(path: path, size: size) : nil
        let file = try LongFormatFile(path: path, chunkSize: chunkSize, limit: split)
        var parser = LongFormatParser(path: path, format: format ?? LongFormat(path: path),
                                      sink: LongFormatRatingsSink(path: path, builder: builder, order: order),
                                      generalPathsOnly: generalPathsOnly)
        builder = RatingsBuilder() // so the parser holds the only reference (no copy on append)
        do {
            // After the first chunk, room for the rows this pass will probably hold: growing
            // the columns by doubling copied and page-faulted them several times over.
            var more = try file.step(&parser)
            if more, size > file.bytesRead, parser.sink.rowsRead > 0 {
                // With halves, the first half's columns end up holding every row.
                let part = Double(size)
                parser.sink.reserve(Int(Double(parser.sink.rowsRead) * part / Double(file.bytesRead) * 1.02))
            }
            if let split {
                if parser.knowsLayout {
                    try readSecondHalf(from: split, first: file, parser: &parser, start: start)
                    more = false
                } else {
                    file.readToEnd()
                    more = true
                }
            }
            while more { more = try file.step(&parser) }
        } catch {
            builder = parser.sink.builder
            throw error
        }
        builder = parser.sink.builder
        if let order {
            let numbers = orderValues ?? Ratings.numericValues(of: order)
            var values = [Double](repeating: 0, count: builder.labels.count)
            for (position, name) in order.enumerated().reversed() {
                if let code = builder.labelCode(name) { values[Int(code)] = numbers?[position] ?? Double(position) }
            }
            builder.labelValues = values
            builder.labelValueKind = numbers == nil ? .order : .numbers
        } else if detectNumericLabels, let values = Ratings.numericValues(of: builder.labels) {
            if let (a, b) = Ratings.sameNumber(builder.labels, values) {
                throw LongFormatError(path: path, line: 0, message: "labels \"\(a)\" and \"\(b)\" are the same number written two ways; nominal statistics would count them as two labels and numeric ones as one, so write each value one way")
            }
            builder.labelValues = values
        }
        return parser.sink.lines
    }
}

extension LongFormatReader {
    /// Finishes reading the first half (`first`, limited to `split`) on this thread while a
    /// second parser reads from `split` to the end on another, then appends the second half's
    /// rows after the first's. Why: reading is most of `meow agreement --input`, and the halves
    /// are independent once the format and the CSV header are known.
    ///
    /// Same result as one pass, errors included: the first half's error wins (it is earlier in
    /// the file); the second half's has its line shifted by the first half's lines. When the
    /// split cut a record (a quoted CSV field with a line break across the middle), the second
    /// half is dropped and the first parser reads on to the end.
    fileprivate func readSecondHalf(from split: Int, first file: LongFormatFile,
                                    parser: inout LongFormatParser<LongFormatRatingsSink>, start: RatingsBuilder) throws(LongFormatError) {
        let path = file.path, chunkSize = self.chunkSize, order = self.order
        let rowsSoFar = max(parser.sink.rowsRead, 1), bytesSoFar = max(file.bytesRead, 1)
        let second = Unshared(parser.continuation(sink: LongFormatRatingsSink(path: path, builder: start, order: order)))
        let first = Unshared(parser), firstFile = Unshared(file)
        parser = second.value // drop this reference to the first sink, so appends do not copy it
        let firstError = Unshared(LongFormatError?.none), secondError = Unshared(LongFormatError?.none)
        _ = concurrently({
            do throws(LongFormatError) { while try firstFile.value.step(&first.value) {} } catch { firstError.value = error }
            return true
        }, {
            do throws(LongFormatError) {
                let rest = try LongFormatFile(path: path, chunkSize: chunkSize, offset: split)
                if rest.size > split { second.value.sink.reserve(Int(Double(rest.size - split) * Double(rowsSoFar) / Double(bytesSoFar) * 1.02)) }
                while try rest.step(&second.value) {}
            } catch {
                secondError.value = error
            }
            return true
        })
        parser = first.value
        // The second half's parser in its place: `first` must not keep a reference to the first
        // half's columns and name cache, or absorbing the second half would copy all of them.
        first.value = second.value
        if let error = firstError.value { throw error }
        if file.unconsumed > 0 {
            // The middle fell inside a record: read on in one pass.
            file.readToEnd()
            while try file.step(&parser) {}
            return
        }
        let offset = parser.linesConsumed
        if let error = secondError.value {
            throw LongFormatError(path: error.path, line: error.line > 0 ? error.line + offset : 0, message: error.message)
        }
        parser.sink.absorb(second.value.sink, lineOffset: offset)
    }
}

/// A value handed to exactly one other thread for the length of a `concurrently` call.
private final class Unshared<T>: @unchecked Sendable {
    var value: T
    init(_ value: T) { self.value = value }
}

/// The rows of a long-format file one at a time, for an importer that checks each row against
/// something else (`meow import-annotations` against a workspace). Same file rules and
/// messages as `LongFormatReader` (one `LongFormatParser`); repeats are for the caller to judge.
///
/// Rows come a chunk at a time (1 MiB of file), so memory stays flat. When a line is bad, the
/// rows before it are still returned first, then the error: a caller that stops at the first
/// problem names the earliest line, as a line-by-line reader would.
public final class LongFormatRowReader {
    public let path: String
    private let file: LongFormatFile
    private var parser: LongFormatParser<LongFormatRowCollector>
    private var index = 0
    private var failure: LongFormatError?
    private var done = false

    /// Opens `path`; `format` nil = from the extension, else from the first byte (`{` is JSONL).
    public convenience init(path: String, format: LongFormat? = nil, chunkSize: Int = 1 << 20) throws(LongFormatError) {
        try self.init(path: path, format: format, chunkSize: chunkSize, generalPathsOnly: false)
    }

    init(path: String, format: LongFormat?, chunkSize: Int, generalPathsOnly: Bool) throws(LongFormatError) {
        self.path = path
        file = try LongFormatFile(path: path, chunkSize: max(chunkSize, 16))
        parser = LongFormatParser(path: path, format: format ?? LongFormat(path: path),
                                  sink: LongFormatRowCollector(path: path), generalPathsOnly: generalPathsOnly)
    }

    /// File bytes read so far (for progress bars).
    public var bytesRead: Int { file.bytesRead }

    /// The next row, or nil at the end of the file.
    public func next() throws(LongFormatError) -> LongFormatRow? {
        while true {
            if index < parser.sink.rows.count {
                index += 1
                return parser.sink.rows[index - 1]
            }
            if let failure { throw failure }
            if done { return nil }
            parser.sink.rows.removeAll(keepingCapacity: true)
            index = 0
            do {
                done = !(try file.step(&parser))
            } catch {
                failure = error
            }
        }
    }
}

/// Makes `LongFormatRow`s: one `String` per field (short names are stored inline by Swift).
struct LongFormatRowCollector: LongFormatSink {
    let path: String
    var rows: [LongFormatRow] = []

    init(path: String) { self.path = path }

    @inline(__always)
    mutating func row(item: UnsafeBufferPointer<UInt8>, annotator: UnsafeBufferPointer<UInt8>,
                      label: UnsafeBufferPointer<UInt8>, line: Int) throws(LongFormatError) {
        rows.append(LongFormatRow(item: try LongFormatField.text(item, "item", path: path, line: line),
                                  annotator: try LongFormatField.text(annotator, "annotator", path: path, line: line),
                                  label: try LongFormatField.text(label, "label", path: path, line: line), line: line))
    }

    mutating func row(item: String, annotator: String, label: String, line: Int) throws(LongFormatError) {
        rows.append(LongFormatRow(item: item, annotator: annotator, label: label, line: line))
    }
}

/// A file read a chunk at a time into a `LongFormatBuffer` and handed to a parser: the loop
/// `LongFormatReader` and `LongFormatRowReader` share.
final class LongFormatFile {
    let path: String
    private let fd: Int32
    private let buffer: LongFormatBuffer
    private let chunkSize: Int
    /// How much the next read asks for: a chunk, doubled after each read that completed no
    /// record, so a record longer than a chunk is scanned a few times, not once per chunk
    /// (which made a long line cost its length squared over the chunk size).
    private var readSize: Int
    private var finished = false
    private(set) var bytesRead = 0
    /// The file's size when it is a regular file, else 0 (a pipe).
    private(set) var size = 0
    /// Read only this many bytes (from `offset`), then stop at a record boundary without
    /// treating it as the end of the file; nil = to the end.
    private var limit: Int?

    /// Bytes read but not consumed: after a limited read, non-zero means the limit cut a
    /// record (a quoted CSV field spanning the line break).
    var unconsumed: Int { buffer.end - buffer.start }

    init(path: String, chunkSize: Int, offset: Int = 0, limit: Int? = nil) throws(LongFormatError) {
        self.path = path
        self.chunkSize = chunkSize
        readSize = chunkSize
        fd = open(path, O_RDONLY)
        if fd < 0 { throw LongFormatError(path: path, line: 0, message: "cannot open the file for reading") }
        var st = stat()
        if fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw LongFormatError(path: path, line: 0, message: "is a directory, not a file")
        }
        if (st.st_mode & S_IFMT) == S_IFREG { size = Int(st.st_size) }
        if offset > 0, lseek(fd, off_t(offset), SEEK_SET) < 0 {
            close(fd)
            throw LongFormatError(path: path, line: 0, message: "cannot seek: \(String(cString: strerror(errno)))")
        }
        self.limit = limit
        buffer = LongFormatBuffer(capacity: chunkSize * 2)
    }

    deinit { close(fd) }

    /// Reads the next chunk and lets `parser` take the complete lines or records in the
    /// buffer. Returns false once the whole file has been parsed.
    func step<Sink>(_ parser: inout LongFormatParser<Sink>) throws(LongFormatError) -> Bool {
        if finished { return false }
        buffer.compact()
        buffer.reserve(readSize)
        let want = limit.map { min(readSize, $0 - bytesRead) } ?? readSize
        var n = 0
        if want > 0 {
            repeat { n = read(fd, buffer.base + buffer.end, want) } while n < 0 && errno == EINTR
        }
        if n < 0 {
            throw LongFormatError(path: path, line: 0, message: "read failed: \(String(cString: strerror(errno)))")
        }
        buffer.end += n
        bytesRead += n
        let atLimit = limit.map { bytesRead >= $0 } ?? false
        let final = n == 0 && !atLimit
        let consumed = try parser.consume(buffer.base + buffer.start, buffer.end - buffer.start, final: final)
        buffer.start += consumed
        readSize = consumed == 0 ? min(readSize * 2, 1 << 30) : chunkSize
        if final || atLimit { finished = true }
        return !finished
    }

    /// The size of `path` when it is a regular file, else 0.
    static func regularFileSize(_ path: String) -> Int {
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return 0 }
        return Int(st.st_size)
    }

    /// Goes on past the limit to the end of the file (the bytes not consumed stay first).
    func readToEnd() {
        limit = nil
        finished = false
    }

    /// A place near the middle of the file where a line starts: the start of the second half
    /// of a parallel read. nil when the file is too small or has no line break near there.
    static func middleLineStart(path: String, size: Int) -> Int? {
        let fd = open(path, O_RDONLY)
        if fd < 0 { return nil }
        defer { close(fd) }
        let window = 1 << 16
        var bytes = [UInt8](repeating: 0, count: window)
        let from = size / 2
        let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, window, off_t(from)) }
        guard n > 0, let nl = bytes[0..<n].firstIndex(of: 0x0A), from + nl + 1 < size else { return nil }
        return from + nl + 1
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

    /// Appends one byte after `end`.
    @inline(__always)
    func append(_ byte: UInt8) {
        if end == capacity { reserve(1) }
        base[end] = byte
        end += 1
    }
}
