/// Collects `(item, annotator, label)` strings into a compact `Ratings`.
///
/// Why a builder: readers see names one annotation at a time; interning each
/// name once (a dictionary from name to code) keeps memory to one copy per
/// distinct name and lets the statistics work on integers.
///
/// Repeated annotations: when the same annotator labels the same item more than
/// once, `build()` keeps only the LAST label appended for that pair (a later
/// correction replaces the earlier answer) and drops the earlier ones.
public struct RatingsBuilder: Sendable {
    private var labelCodes: [String: Int32] = [:]
    private var annotatorCodes: [String: Int32] = [:]
    /// Codes of `items[..<itemCodesCover]`; the rest were added by `appendNewItem(_:)` and are
    /// indexed when a name is next looked up (a reader with its own byte index never needs it).
    private var itemCodes: [String: Int32] = [:]
    private var itemCodesCover = 0
    /// Label names interned so far; the index is the code.
    public private(set) var labels: [String] = []
    /// Annotator names interned so far.
    public private(set) var annotators: [String] = []
    /// Item names interned so far.
    public private(set) var items: [String] = []
    @usableFromInline var itemColumn: [Int32] = []
    @usableFromInline var annotatorColumn: [Int32] = []
    @usableFromInline var labelColumn: [Int32] = []
    /// Numeric value per label code, passed on to `Ratings.labelValues`.
    /// Leave `nil` for nominal labels.
    public var labelValues: [Double]?
    /// Passed on to `Ratings.labelValueKind`.
    public var labelValueKind: LabelValueKind = .numbers

    public init() {}

    /// A builder whose first label codes are `labels`, in this order, so that
    /// codes (and label tables) follow a known order even for unused labels.
    public init(labels: [String]) {
        for name in labels { _ = internLabel(name) }
    }

    /// Number of annotations appended, repeats included.
    public var count: Int { itemColumn.count }

    /// Reserves room for `count` more annotations.
    public mutating func reserveCapacity(_ count: Int) {
        itemColumn.reserveCapacity(itemColumn.count + count)
        annotatorColumn.reserveCapacity(annotatorColumn.count + count)
        labelColumn.reserveCapacity(labelColumn.count + count)
    }

    /// Appends one annotation.
    public mutating func append(item: String, annotator: String, label: String) {
        append(itemCode: internItem(item), annotatorCode: internAnnotator(annotator), labelCode: internLabel(label))
    }

    /// Appends one annotation by codes returned from the `intern…` methods. Inlinable: the
    /// store's answer scan calls it once per row.
    @inlinable @inline(__always)
    public mutating func append(itemCode: Int32, annotatorCode: Int32, labelCode: Int32) {
        itemColumn.append(itemCode)
        annotatorColumn.append(annotatorCode)
        labelColumn.append(labelCode)
    }

    /// Appends `other`'s annotations, translating its codes through the maps (other's code →
    /// this builder's code), for input read in two halves at once.
    public mutating func append(contentsOf other: RatingsBuilder, items: [Int32], annotators: [Int32], labels: [Int32]) {
        Self.append(other.itemColumn, through: items, to: &itemColumn)
        Self.append(other.annotatorColumn, through: annotators, to: &annotatorColumn)
        Self.append(other.labelColumn, through: labels, to: &labelColumn)
    }

    /// Appends `map[code]` for each of `codes` (one column at a time, through raw buffers: the
    /// per-row appends of three columns cost a few milliseconds per million rows).
    private static func append(_ codes: [Int32], through map: [Int32], to column: inout [Int32]) {
        // A map that keeps or shifts every code (the labels of a guideline, items new to this
        // builder): one copy, or one vectorized add.
        if let shift = map.first, map.indices.allSatisfy({ map[$0] == shift + Int32($0) }) {
            if shift == 0 { column.append(contentsOf: codes) } else { column.append(contentsOf: codes.lazy.map { $0 &+ shift }) }
            return
        }
        let start = column.count
        precondition(codes.allSatisfy { $0 >= 0 && Int($0) < map.count }, "RatingsBuilder: code out of range")
        column.append(contentsOf: repeatElement(0, count: codes.count))
        column.withUnsafeMutableBufferPointer { column in
            codes.withUnsafeBufferPointer { codes in
                map.withUnsafeBufferPointer { map in
                    for r in 0..<codes.count { column[start + r] = map[Int(codes[r])] }
                }
            }
        }
    }

    /// The coded answers as appended, repeats included: what a store keeps to read a
    /// project's answers back without decoding every name again (`agreement_snapshot`).
    public var codedAnswers: (item: [Int32], annotator: [Int32], label: [Int32]) {
        (itemColumn, annotatorColumn, labelColumn)
    }

    /// Takes coded answers as `codedAnswers` gave them, into a builder that holds none yet:
    /// the arrays themselves, not a copy of a million rows (a snapshot read back). Codes must
    /// be below the counts of their names.
    public mutating func adoptCodedAnswers(item: [Int32], annotator: [Int32], label: [Int32]) {
        precondition(itemColumn.isEmpty, "RatingsBuilder: answers adopted into a builder that has some")
        precondition(item.count == annotator.count && item.count == label.count, "RatingsBuilder: columns of different lengths")
        itemColumn = item
        annotatorColumn = annotator
        labelColumn = label
    }

    /// Adds items the caller knows are not interned yet, as `appendNewItem(_:)` does one.
    public mutating func appendNewItems(_ names: [String]) {
        precondition(items.count + names.count < Int(Int32.max), "RatingsBuilder: too many distinct names")
        if items.isEmpty { items = names } else { items.append(contentsOf: names) }
    }

    /// The code of label `name`, adding it if new.
    public mutating func internLabel(_ name: String) -> Int32 {
        Self.intern(name, codes: &labelCodes, names: &labels)
    }

    /// The code of annotator `name`, adding it if new.
    public mutating func internAnnotator(_ name: String) -> Int32 {
        Self.intern(name, codes: &annotatorCodes, names: &annotators)
    }

    /// The code of item `name`, adding it if new.
    public mutating func internItem(_ name: String) -> Int32 {
        if itemCodesCover < items.count {
            itemCodes.reserveCapacity(items.count)
            for code in itemCodesCover..<items.count { itemCodes[items[code]] = Int32(code) }
        }
        let code = Self.intern(name, codes: &itemCodes, names: &items)
        itemCodesCover = items.count
        return code
    }

    /// Adds item `name`, which the caller knows is not interned yet (its own index of names
    /// missed), without hashing it; a name given twice would get two codes.
    /// Why: hashing 250,000 new item names into a dictionary was a fifth of reading a
    /// million-row file, and the reader already knows a name is new from its byte index.
    public mutating func appendNewItem(_ name: String) -> Int32 {
        precondition(items.count < Int(Int32.max), "RatingsBuilder: too many distinct names")
        items.append(name)
        return Int32(items.count - 1)
    }

    /// The code of label `name` if it was interned.
    public func labelCode(_ name: String) -> Int32? { labelCodes[name] }

    @inline(__always)
    private static func intern(_ name: String, codes: inout [String: Int32], names: inout [String]) -> Int32 {
        if let code = codes[name] { return code }
        precondition(names.count < Int(Int32.max), "RatingsBuilder: too many distinct names")
        let code = Int32(names.count)
        codes[name] = code
        names.append(name)
        return code
    }

    /// The first (item, annotator) pair appended twice among the annotations from
    /// `start` on, as the two append positions; nil when every pair is unique.
    /// A hash pass: called only when `build()` reported repeats.
    public func firstRepeat(from start: Int = 0) -> (first: Int, second: Int)? {
        var seen: [Int64: Int] = [:]
        for r in start..<itemColumn.count {
            let key = Int64(itemColumn[r]) << 32 | Int64(UInt32(bitPattern: annotatorColumn[r]))
            if let first = seen[key] { return (first, r) }
            seen[key] = r
        }
        return nil
    }

    /// The names of the annotation appended at position `r`.
    public func names(at r: Int) -> (item: String, annotator: String) {
        (items[Int(itemColumn[r])], annotators[Int(annotatorColumn[r])])
    }

    /// The ratings, with repeated (item, annotator) annotations reduced to the
    /// last one appended.
    public func build() -> Ratings {
        let grouping = AgreementGrouping(item: itemColumn, annotator: annotatorColumn,
                                    itemCount: items.count, annotatorCount: annotators.count)
        var item = itemColumn, annotator = annotatorColumn, label = labelColumn
        if grouping.duplicates > 0 {
            var keep = [Bool](repeating: false, count: itemColumn.count)
            for index in grouping.order { keep[Int(index)] = true }
            var w = 0
            for r in 0..<keep.count where keep[r] {
                item[w] = item[r]; annotator[w] = annotator[r]; label[w] = label[r]
                w += 1
            }
            item.removeLast(item.count - w)
            annotator.removeLast(annotator.count - w)
            label.removeLast(label.count - w)
        }
        var ratings = Ratings(labels: labels, annotators: annotators, items: items,
                              item: item, annotator: annotator, label: label, labelValues: labelValues, labelValueKind: labelValueKind)
        if grouping.duplicates == 0 { ratings.grouped = GroupedRatings(grouping) } // indices still match the rows
        return ratings
    }
}
