import Foundation

/// Interns the rows `LongFormatParser` reads straight into a `RatingsBuilder`, for
/// `LongFormatReader` (`meow agreement --input`).
///
/// Why a byte cache per column: making a `String` and hashing it for each of three million
/// fields would be the slowest part of reading a big file; `LongFormatNameCache` finds a name
/// seen before from its bytes without allocating, and only a new name becomes a `String` (and
/// only it needs its UTF-8 checked: the cache holds valid names alone).
struct LongFormatRatingsSink: LongFormatSink {
    let path: String
    private(set) var builder: RatingsBuilder
    private var itemCache = LongFormatNameCache()
    private var annotatorCache = LongFormatNameCache()
    private var labelCache = LongFormatNameCache()
    /// Annotators and labels are few and on every row: found by `NameFront` first.
    private var annotatorFront = NameFront()
    private var labelFront = NameFront()
    /// Label codes allowed by a label order; nil when any label is allowed.
    private let allowedLabels: [Bool]?
    private let orderList: [String]
    /// The line of each annotation appended (to name both lines of a repeat).
    private(set) var lines = RowLines()
    /// Whether `itemCache` holds every item of `builder` (then a name it misses is new).
    private var itemCacheIsComplete = true

    /// Labels of `order` are interned first, in its order, so their codes follow it.
    init(path: String, builder: RatingsBuilder, order: [String]?) {
        self.path = path
        var builder = builder
        if let order {
            var allowed = [Bool]()
            for name in order {
                let code = Int(builder.internLabel(name))
                if code >= allowed.count { allowed += [Bool](repeating: false, count: code + 1 - allowed.count) }
                allowed[code] = true
            }
            allowedLabels = allowed
            orderList = order
        } else {
            allowedLabels = nil
            orderList = []
        }
        for (code, name) in builder.items.enumerated() { Self.remember(name, code: Int32(code), in: &itemCache) }
        self.builder = builder
    }

    /// Takes the rows `other` read from the part of the file after this one's, with their
    /// lines shifted by `lineOffset` (the lines before that part). `other` started from the
    /// same builder this one did, so labels of an order have the same codes in both.
    ///
    /// Why the item names are looked up on two cores and the new ones not added to the byte
    /// cache: with a file's items in two halves, every name of `other` is looked up in a table
    /// as big as itself, and each look-up is a cache miss more than work (18 ms of a 1M-row
    /// read in one pass). Rows read after this find items through the builder
    /// (`itemCacheIsComplete`).
    mutating func absorb(_ other: LongFormatRatingsSink, lineOffset: Int) {
        let names = other.builder.items, cache = itemCache
        let half = names.count / 2
        let (low, high) = concurrently({ Self.codes(of: names[..<half], in: cache) }, { Self.codes(of: names[half...], in: cache) })
        var itemMap = low + high
        for code in itemMap.indices where itemMap[code] < 0 {
            // Not in this part: new (the names of `other` are distinct).
            itemMap[code] = builder.appendNewItem(names[code])
            itemCacheIsComplete = false
        }
        let annotatorMap = other.builder.annotators.map { builder.internAnnotator($0) }
        let labelMap = other.builder.labels.map { builder.internLabel($0) }
        builder.append(contentsOf: other.builder, items: itemMap, annotators: annotatorMap, labels: labelMap)
        lines.append(contentsOf: other.lines, lineOffset: lineOffset)
    }

    /// The code in `cache` of each name, -1 where it has none.
    private static func codes(of names: ArraySlice<String>, in cache: LongFormatNameCache) -> [Int32] {
        names.map { name in
            var utf8 = name
            return utf8.withUTF8 { bytes -> Int32 in
                guard let p = bytes.baseAddress else { return -1 }
                return cache.find(p, bytes.count, hash: LongFormatNameCache.hash(p, bytes.count)) ?? -1
            }
        }
    }

    /// Adds `name`'s UTF-8 to an item cache unless it is there.
    private static func remember(_ name: String, code: Int32, in cache: inout LongFormatNameCache) {
        var name = name
        name.withUTF8 { bytes in
            guard let p = bytes.baseAddress else { return }
            let h = LongFormatNameCache.hash(p, bytes.count)
            if cache.find(p, bytes.count, hash: h) == nil { cache.insert(p, bytes.count, hash: h, code: code) }
        }
    }

    /// The item of the row before: its length and words (`LongFormatNameCache.words`), its
    /// bytes when longer than 16, and its code.
    private var lastItemLength = -1
    private var lastItemWords: (UInt64, UInt64) = (0, 0)
    private var lastItem: [UInt8] = []
    private var lastItemCode: Int32 = 0

    /// Rows appended so far.
    var rowsRead: Int { lines.count }

    /// Room for `rows` rows in all.
    mutating func reserve(_ rows: Int) {
        let more = rows - builder.count
        guard more > 0 else { return }
        builder.reserveCapacity(more)
    }

    private enum Column { case item, annotator, label }

    @inline(__always)
    private mutating func intern(_ column: Column, _ bytes: UnsafeBufferPointer<UInt8>, line: Int) throws(LongFormatError) -> Int32 {
        guard let p = bytes.baseAddress else { throw LongFormatError(path: path, line: line, message: "empty field") }
        let n = bytes.count
        switch column {
        case .item:
            let h = LongFormatNameCache.hash(p, n)
            // The cache holds every item name the builder has (see init and the String path),
            // so a miss is a new name.
            if let code = itemCache.find(p, n, hash: h) { return code }
            let name = try LongFormatField.text(bytes, "item", path: path, line: line)
            let code = itemCacheIsComplete ? builder.appendNewItem(name) : builder.internItem(name)
            itemCache.insert(p, n, hash: h, code: code)
            return code
        case .annotator:
            if let code = annotatorFront.code(UnsafeRawPointer(p), n) { return code }
            let h = LongFormatNameCache.hash(p, n)
            if let code = annotatorCache.find(p, n, hash: h) { return code }
            let code = builder.internAnnotator(try LongFormatField.text(bytes, "annotator", path: path, line: line))
            annotatorCache.insert(p, n, hash: h, code: code)
            annotatorFront.remember(UnsafeRawPointer(p), n, code: code)
            return code
        case .label:
            if let code = labelFront.code(UnsafeRawPointer(p), n) { return code }
            let h = LongFormatNameCache.hash(p, n)
            if let code = labelCache.find(p, n, hash: h) { return code }
            let code = builder.internLabel(try LongFormatField.text(bytes, "label", path: path, line: line))
            labelCache.insert(p, n, hash: h, code: code)
            labelFront.remember(UnsafeRawPointer(p), n, code: code)
            return code
        }
    }

    @inline(__always)
    mutating func row(item: UnsafeBufferPointer<UInt8>, annotator: UnsafeBufferPointer<UInt8>,
                      label: UnsafeBufferPointer<UInt8>, line: Int) throws(LongFormatError) {
        // Label files usually list an item's answers together: the item of the row before is
        // found by comparing two words, without hashing.
        let i: Int32
        // The parser hands over non-empty fields only.
        guard let p = item.baseAddress else { throw LongFormatError(path: path, line: line, message: "empty \"item\"") }
        let n = item.count
        let words = LongFormatNameCache.words(p, n)
        if n == lastItemLength && words == lastItemWords
            && (n <= 16 || lastItem.withUnsafeBufferPointer { $0.baseAddress.map { memcmp($0, p, n) == 0 } ?? false }) {
            i = lastItemCode
        } else {
            i = try intern(.item, item, line: line)
            lastItemLength = n
            lastItemWords = words
            if n > 16 {
                lastItem.removeAll(keepingCapacity: true)
                lastItem.append(contentsOf: item)
            }
            lastItemCode = i
        }
        let a = try intern(.annotator, annotator, line: line)
        let l = try intern(.label, label, line: line)
        try append(i, a, l, line: line)
    }

    mutating func row(item: String, annotator: String, label: String, line: Int) throws(LongFormatError) {
        let i = builder.internItem(item), a = builder.internAnnotator(annotator), l = builder.internLabel(label)
        if Int(i) == builder.items.count - 1 { Self.remember(item, code: i, in: &itemCache) }
        try append(i, a, l, line: line)
    }

    @inline(__always)
    private mutating func append(_ item: Int32, _ annotator: Int32, _ label: Int32, line: Int) throws(LongFormatError) {
        if let allowed = allowedLabels {
            let c = Int(label)
            if !(c < allowed.count && allowed[c]) {
                let shown = orderList.prefix(10).joined(separator: ", ") + (orderList.count > 10 ? ", …" : "")
                throw LongFormatError(path: path, line: line, message: "label \"\(builder.labels[c])\" is not on the label scale given (\(shown)); add it to --order or --values")
            }
        }
        builder.append(itemCode: item, annotatorCode: annotator, labelCode: label)
        lines.append(line)
    }
}

/// The line of each row, kept as runs of rows on consecutive lines: one entry for a whole file
/// without blank lines or records spanning lines, instead of 4 bytes per row.
struct RowLines: Sendable {
    /// First row of each run and its line.
    private var runRow: [Int] = []
    private var runLine: [Int] = []
    /// The line a row must be on to continue the last run.
    private var nextLine = -1
    private(set) var count = 0

    @inline(__always)
    mutating func append(_ line: Int) {
        if line != nextLine {
            runRow.append(count)
            runLine.append(line)
        }
        nextLine = line + 1
        count += 1
    }

    /// Appends `other`'s rows with their lines shifted by `lineOffset`.
    mutating func append(contentsOf other: RowLines, lineOffset: Int) {
        for k in other.runRow.indices {
            runRow.append(count + other.runRow[k])
            runLine.append(other.runLine[k] + lineOffset)
        }
        count += other.count
        nextLine = other.nextLine < 0 ? nextLine : other.nextLine + lineOffset
    }

    /// The line of row `r` (0 ..< count).
    subscript(r: Int) -> Int {
        // The last run starting at or before r.
        var lo = 0, hi = runRow.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if runRow[mid] <= r { lo = mid } else { hi = mid - 1 }
        }
        return runLine[lo] + (r - runRow[lo])
    }
}
