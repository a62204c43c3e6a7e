/// One labeled stretch of an item's text: `start..<end` in Unicode code points (as Python
/// indexes a `str`, so offsets exported by meow slice the same text in Python, spaCy and
/// Label Studio), `end` exclusive.
public struct Span: Sendable, Hashable, Comparable, Codable {
    public var start: Int
    public var end: Int
    public var label: String

    public init(start: Int, end: Int, label: String) {
        self.start = start; self.end = end; self.label = label
    }

    /// Text order: by start, then the longer first (an enclosing span before what it holds),
    /// then label, so one set of spans has one canonical order.
    public static func < (a: Span, b: Span) -> Bool {
        (a.start, b.end, a.label) < (b.start, a.end, b.label)
    }

    /// `start:end:label`, the form of one span in the `label` column and on the command line
    /// (`--span 0:5:PER`). Labels never hold a comma, so spans join with commas like labels.
    public var column: String { "\(start):\(end):\(label)" }

    /// Parses `start:end:label` (the label may itself hold colons); nil when malformed.
    public init?(column text: Substring) {
        let parts = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, let s = Int(parts[0]), let e = Int(parts[1]), !parts[2].isEmpty else { return nil }
        self.init(start: s, end: e, label: String(parts[2]))
    }

    /// Whether the two spans share at least one code point.
    public func overlaps(_ other: Span) -> Bool { start < other.end && other.start < end }

    /// The covered text of `scalars` (the item text's code points); empty when out of range.
    public func text(in scalars: [Unicode.Scalar]) -> String {
        guard start >= 0, end <= scalars.count, start < end else { return "" }
        var s = String.UnicodeScalarView()
        s.append(contentsOf: scalars[start..<end])
        return String(s)
    }
}
