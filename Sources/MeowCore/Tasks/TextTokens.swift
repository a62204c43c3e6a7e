/// The tokens of an item text, as code-point ranges: what the span screen's cursor steps over
/// and what `snap_to_tokens` snaps span edges to.
///
/// Rules (Unicode-aware, no language model): a token is a run of letters, digits, combining
/// marks and connectors (`_`); every other visible character is a token by itself —
/// punctuation, symbols, an emoji (a whole grapheme cluster, skin tone and joiners
/// included), and each CJK ideograph, kana or other character of a script written without
/// spaces. White space separates tokens and belongs to none.
public struct TextTokens: Sendable, Equatable {
    /// Token ranges in code points, in text order, never empty, never overlapping.
    public let ranges: [Range<Int>]
    /// The text's length in code points.
    public let length: Int

    public init(_ text: String) {
        var ranges: [Range<Int>] = []
        var offset = 0
        var wordStart: Int?
        for character in text {
            let width = character.unicodeScalars.count
            defer { offset += width }
            switch Self.kind(of: character) {
            case .space:
                if let s = wordStart { ranges.append(s..<offset); wordStart = nil }
            case .word:
                if wordStart == nil { wordStart = offset }
            case .alone:
                if let s = wordStart { ranges.append(s..<offset); wordStart = nil }
                ranges.append(offset..<(offset + width))
            }
        }
        if let s = wordStart { ranges.append(s..<offset) }
        self.ranges = ranges
        length = offset
    }

    enum Kind { case space, word, alone }

    static func kind(of character: Character) -> Kind {
        if character.isWhitespace { return .space }
        guard let first = character.unicodeScalars.first else { return .space }
        let p = first.properties
        // Scripts written without spaces: one character, one token.
        if p.isIdeographic || Self.isKanaOrThai(first.value) { return .alone }
        if p.isEmojiPresentation || (character.unicodeScalars.count > 1 && p.isEmoji && !p.isAlphabetic) { return .alone }
        switch p.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .decimalNumber, .letterNumber, .otherNumber, .nonspacingMark, .spacingMark, .enclosingMark,
             .connectorPunctuation:
            return .word
        case .control, .format, .lineSeparator, .paragraphSeparator, .spaceSeparator:
            return .space
        default:
            return .alone
        }
    }

    /// Hiragana, katakana, Thai, Lao, Khmer, Myanmar: no spaces between words.
    static func isKanaOrThai(_ v: UInt32) -> Bool {
        (0x3040...0x30FF).contains(v) || (0x31F0...0x31FF).contains(v) || (0xFF66...0xFF9F).contains(v)
            || (0x0E00...0x0EFF).contains(v) || (0x1000...0x109F).contains(v) || (0x1780...0x17FF).contains(v)
    }

    /// Whether a span edge pair lies on token boundaries: `start` begins a token and `end`
    /// ends one.
    public func isOnBoundaries(start: Int, end: Int) -> Bool {
        starts.contains(start) && ends.contains(end)
    }

    private var starts: Set<Int> { Set(ranges.map(\.lowerBound)) }
    private var ends: Set<Int> { Set(ranges.map(\.upperBound)) }

    /// The index of the token holding code point `offset`, or of the first token after it.
    public func token(at offset: Int) -> Int? {
        var lo = 0, hi = ranges.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if ranges[mid].upperBound <= offset { lo = mid + 1 } else { hi = mid }
        }
        return lo < ranges.count ? lo : nil
    }
}
