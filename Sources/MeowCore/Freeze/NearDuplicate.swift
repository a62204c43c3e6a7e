/// A test text that nearly repeats a training text: leakage that inflates a
/// frozen test set's scores.
public struct NearDuplicate: Sendable, Equatable, Hashable, Codable {
    public var trainID: String
    public var testID: String
    /// The exact Jaccard similarity |A ∩ B| / |A ∪ B| of the two texts'
    /// shingle sets (as hashed by `MinHasher.shingles`).
    public var similarity: Double

    public init(trainID: String, testID: String, similarity: Double) {
        self.trainID = trainID
        self.testID = testID
        self.similarity = similarity
    }
}

/// Train/test pairs whose word-shingle Jaccard similarity is at least
/// `threshold` (Broder, A. Z. (1997). On the resemblance and containment of
/// documents), found with MinHash + LSH banding and then verified exactly:
///
/// 1. every text's shingle set S (see `MinHasher`) and MinHash signature;
/// 2. banding (b bands of r rows, chosen so that a pair at exactly the
///    threshold is missed with probability <= 1e-6: b = 32, r = 4 for
///    128 permutations and t = 0.8; see `MinHashBandIndex.banding`) gives the
///    candidate pairs, those agreeing on all rows of some band;
/// 3. each candidate is kept when J(A, B) = |A ∩ B| / |A ∪ B| >= threshold,
///    computed exactly on the sorted shingle hashes.
///
/// So every reported similarity is exact; only recall is probabilistic
/// (P(found | J = s) = 1 - (1 - s^r)^b, higher above the threshold). With a
/// threshold below about 0.2 no banding reaches a 1e-6 miss rate and pairs
/// near the threshold may be missed. Texts with no word (empty shingle set,
/// Jaccard undefined) are never reported. Sorted by (testID, trainID), then
/// by descending similarity if IDs repeat. Memory: the training shingle
/// hashes plus 8 bytes per training text and band (and the output, which is
/// itself quadratic when many texts are copies of one another).
///
/// - Returns: `[]` when `threshold` is NaN or above 1, or either side is empty.
public func nearDuplicates(
    train: [(id: String, text: String)], test: [(id: String, text: String)],
    threshold: Double = 0.8, hasher: MinHasher = MinHasher()
) -> [NearDuplicate] {
    guard !threshold.isNaN, threshold <= 1, !train.isEmpty, !test.isEmpty else { return [] }
    let (bands, rows) = MinHashBandIndex.banding(permutations: hasher.permutations, threshold: threshold)
    var index = MinHashBandIndex(bands: bands, rows: rows, documentCount: train.count)

    // Training shingle sets, concatenated: document d is store[start[d] ..< start[d + 1]].
    var store: [UInt64] = []
    var start: [Int] = [0]
    start.reserveCapacity(train.count + 1)
    for (d, document) in train.enumerated() {
        let shingles = hasher.shingleHashes(document.text)
        store.append(contentsOf: shingles)
        start.append(store.count)
        if !shingles.isEmpty { index.insert(document: d, signature: hasher.signature(ofShingles: shingles)) }
    }
    index.seal()

    var result: [NearDuplicate] = []
    var candidates: [Int] = []
    for document in test {
        let shingles = hasher.shingleHashes(document.text)
        guard !shingles.isEmpty else { continue }
        candidates.removeAll(keepingCapacity: true)
        index.candidates(of: hasher.signature(ofShingles: shingles), into: &candidates)
        candidates.sort()
        var previous = -1
        for d in candidates where d != previous {
            previous = d
            let similarity = sortedSetJaccard(shingles, store[start[d]..<start[d + 1]])
            if similarity >= threshold {
                result.append(NearDuplicate(trainID: train[d].id, testID: document.id, similarity: similarity))
            }
        }
    }
    result.sort {
        if $0.testID != $1.testID { return $0.testID < $1.testID }
        if $0.trainID != $1.trainID { return $0.trainID < $1.trainID }
        return $0.similarity > $1.similarity
    }
    return result
}

/// |A ∩ B| / |A ∪ B| of two ascending, repeat-free, non-empty arrays, by one merge pass.
private func sortedSetJaccard(_ a: [UInt64], _ b: ArraySlice<UInt64>) -> Double {
    var i = a.startIndex, j = b.startIndex, common = 0
    while i < a.endIndex, j < b.endIndex {
        if a[i] == b[j] {
            common += 1
            i += 1
            j += 1
        } else if a[i] < b[j] {
            i += 1
        } else {
            j += 1
        }
    }
    return Double(common) / Double(a.count + b.count - common)
}
