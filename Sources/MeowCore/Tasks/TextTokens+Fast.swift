extension TextTokens {
    /// The token ranges of `text`, as `TextTokens(text).ranges`, with a byte-level path for
    /// ASCII text (most of it in practice): agreement over 100,000 items tokenizes every item,
    /// and walking grapheme clusters is most of that time. The two paths are tested equal.
    public static func ranges(of text: String) -> [Range<Int>] {
        if let result = text.utf8.withContiguousStorageIfAvailable(asciiRanges) { return result ?? TextTokens(text).ranges }
        // Non-contiguous (bridged) text: make it native once, then try again.
        var copy = text
        copy.makeContiguousUTF8()
        if let result = copy.utf8.withContiguousStorageIfAvailable(asciiRanges) { return result ?? TextTokens(text).ranges }
        return TextTokens(text).ranges
    }

    /// nil when the bytes are not all ASCII. Letters, digits and `_` make words; white space and
    /// other control characters separate; every other character is a token of its own — the
    /// rules of `TextTokens.kind(of:)` restricted to ASCII.
    static func asciiRanges(_ bytes: UnsafeBufferPointer<UInt8>) -> [Range<Int>]? {
        var ranges: [Range<Int>] = []
        var wordStart = -1
        for (i, b) in bytes.enumerated() {
            if b >= 0x80 { return nil }
            let isWord = (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F
            if isWord {
                if wordStart < 0 { wordStart = i }
                continue
            }
            if wordStart >= 0 { ranges.append(wordStart..<i); wordStart = -1 }
            if b > 0x20 && b < 0x7F { ranges.append(i..<(i + 1)) }  // punctuation, symbols
        }
        if wordStart >= 0 { ranges.append(wordStart..<bytes.count) }
        return ranges
    }
}
