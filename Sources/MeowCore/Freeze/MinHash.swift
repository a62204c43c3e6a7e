/// MinHash signatures of texts' word shingles, for estimating Jaccard
/// resemblance (Broder, A. Z. (1997). On the resemblance and containment of
/// documents. Proc. Compression and Complexity of Sequences, 21-29).
///
/// A text becomes the set S of its k-word shingles (k = `shingleSize`): the
/// text is lowercased and split into words at every character that is not a
/// letter, digit or combining mark (Unicode properties Alphabetic, Numeric_Type
/// and General_Category M); each run of k consecutive words, joined by single
/// spaces, is hashed with 64-bit FNV-1a of its UTF-8 bytes. A text of 1 to k-1
/// words is one shingle of all its words; a text with no word has the empty
/// set. No Unicode normalization is applied (NFC and NFD spellings differ).
///
/// Signature: for n = `permutations` hash functions h_j(x) = fmix64(x XOR s_j)
/// (MurmurHash3's finalizer, a bijection, with salts s_j drawn from
/// SplitMix64(seed)), sig_j(S) = min_{x in S} h_j(x). Then
/// P(sig_j(A) = sig_j(B)) ≈ J(A, B) = |A ∩ B| / |A ∪ B|. Everything is
/// stable across runs and machines (no use of Swift's per-process `Hasher`).
public struct MinHasher: Sendable, Equatable {
    /// n, the signature length (at least 1).
    public let permutations: Int
    /// k, words per shingle (at least 1).
    public let shingleSize: Int
    /// The seed of the salts s_j.
    public let seed: UInt64
    let salts: [UInt64]

    /// Values below 1 for `permutations` or `shingleSize` are raised to 1.
    public init(permutations: Int = 128, shingleSize: Int = 3, seed: UInt64 = 0x6D65_6F77) {
        self.permutations = max(1, permutations)
        self.shingleSize = max(1, shingleSize)
        self.seed = seed
        var random = SplitMix64(seed: seed)
        salts = (0..<max(1, permutations)).map { _ in random.next() }
    }

    /// The shingle set S of `text` (see the type's documentation).
    public func shingles(_ text: String) -> Set<UInt64> {
        Set(shingleHashes(text))
    }

    /// sig_j = min_{x in S} fmix64(x XOR s_j) for j = 0 ..< n; all
    /// `UInt64.max` for a text with no word.
    public func signature(_ text: String) -> [UInt64] {
        signature(ofShingles: shingleHashes(text))
    }

    /// The MinHash estimate of J(A, B): the fraction of positions where the
    /// two signatures agree (Broder 1997, section 4),
    ///
    ///     Ĵ = |{j : a_j = b_j}| / n,
    ///
    /// with standard error sqrt(J(1-J)/n). Compares the first
    /// min(a.count, b.count) positions; 0 when either signature is empty.
    /// Signatures of two empty texts (all `UInt64.max`) compare as 1.
    public static func estimatedJaccard(_ a: [UInt64], _ b: [UInt64]) -> Double {
        let n = min(a.count, b.count)
        guard n > 0 else { return 0 }
        var equal = 0
        for j in 0..<n where a[j] == b[j] { equal += 1 }
        return Double(equal) / Double(n)
    }

    /// The signature of a shingle set given as hashes.
    func signature(ofShingles shingles: [UInt64]) -> [UInt64] {
        var signature = [UInt64](repeating: .max, count: permutations)
        signature.withUnsafeMutableBufferPointer { sig in
            salts.withUnsafeBufferPointer { salts in
                for x in shingles {
                    for j in 0..<sig.count {
                        let h = StableHash.mix(x ^ salts[j])
                        if h < sig[j] { sig[j] = h }
                    }
                }
            }
        }
        return signature
    }

    /// The shingle hashes of `text`, sorted ascending without repeats.
    func shingleHashes(_ text: String) -> [UInt64] {
        // Normalized words, each followed by one space, and where each starts/ends.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 1)
        var starts: [Int] = [], ends: [Int] = []
        var inWord = false
        func endWord() {
            if inWord {
                ends.append(bytes.count)
                bytes.append(0x20)
                inWord = false
            }
        }
        func beginWord() {
            if !inWord {
                starts.append(bytes.count)
                inWord = true
            }
        }
        for scalar in text.unicodeScalars {
            let v = scalar.value
            if v < 0x80 {
                let b = UInt8(v)
                switch b {
                case 0x30...0x39, 0x61...0x7A:
                    beginWord()
                    bytes.append(b)
                case 0x41...0x5A:
                    beginWord()
                    bytes.append(b | 0x20)
                default:
                    endWord()
                }
            } else {
                let properties = scalar.properties
                let isWordScalar: Bool
                switch properties.generalCategory {
                case .nonspacingMark, .spacingMark, .enclosingMark: isWordScalar = true
                default: isWordScalar = properties.isAlphabetic || properties.numericType != nil
                }
                if isWordScalar {
                    beginWord()
                    bytes.append(contentsOf: properties.lowercaseMapping.utf8)
                } else {
                    endWord()
                }
            }
        }
        endWord()

        let words = starts.count
        guard words > 0 else { return [] }
        let k = min(shingleSize, words)
        var hashes: [UInt64] = []
        hashes.reserveCapacity(words - k + 1)
        bytes.withUnsafeBufferPointer { buffer in
            for j in 0...(words - k) {
                let shingle = UnsafeBufferPointer(rebasing: buffer[starts[j]..<ends[j + k - 1]])
                hashes.append(StableHash.fnv1a(shingle))
            }
        }
        hashes.sort()
        var unique = 0
        for j in hashes.indices where unique == 0 || hashes[unique - 1] != hashes[j] {
            hashes[unique] = hashes[j]
            unique += 1
        }
        hashes.removeLast(hashes.count - unique)
        return hashes
    }
}
