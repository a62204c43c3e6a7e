import Foundation

/// Locality-sensitive hashing of MinHash signatures by banding (Leskovec,
/// Rajaraman & Ullman, Mining of Massive Datasets, 3rd ed., section 3.4): the
/// signature is cut into b bands of r rows; two documents are candidates when
/// all r values of at least one band agree, which for Jaccard similarity s
/// happens with probability
///
///     P(candidate | s) = 1 - (1 - s^r)^b.
///
/// Each band keeps one sorted array of entries `(bandHash & keyMask) | document`,
/// the document number in the low bits, so a lookup is a binary search and the
/// index costs 8 bytes per document and band.
struct MinHashBandIndex {
    let bands: Int
    let rows: Int
    private let keyMask: UInt64
    private var entries: [[UInt64]]

    /// The banding for n permutations and similarity threshold t: the largest
    /// r (fewest false candidates) whose miss probability at t,
    ///
    ///     (1 - t^r)^floor(n/r)  <=  missProbability,
    ///
    /// with b = floor(n/r) (n = 128, t = 0.8 gives r = 4, b = 32, missing a
    /// pair at exactly 0.8 with probability 5e-8). When no r qualifies (t near
    /// 0) r = 1, b = n.
    static func banding(permutations n: Int, threshold t: Double, missProbability: Double = 1e-6) -> (bands: Int, rows: Int) {
        var best = 1
        if t > 0 {
            for r in 1...max(1, n) {
                let b = n / r
                let miss = pow(1 - pow(min(t, 1), Double(r)), Double(b))
                if miss <= missProbability { best = r }
            }
        }
        return (max(1, n / best), best)
    }

    init(bands: Int, rows: Int, documentCount: Int) {
        self.bands = bands
        self.rows = rows
        let documentBits = UInt64.bitWidth - UInt64(max(1, documentCount - 1)).leadingZeroBitCount
        keyMask = ~((UInt64(1) << UInt64(documentBits)) - 1)
        entries = Array(repeating: [], count: bands)
        for band in 0..<bands { entries[band].reserveCapacity(documentCount) }
    }

    /// The hash of band `band` of `signature`: a chain of fmix64 over the band
    /// number and its r values.
    @inline(__always)
    private func bandKey(_ signature: [UInt64], band: Int) -> UInt64 {
        var h = StableHash.mix(UInt64(band) &+ 0x9E37_79B9_7F4A_7C15)
        for j in (band * rows)..<(band * rows + rows) { h = StableHash.mix(h ^ signature[j]) }
        return h & keyMask
    }

    /// Adds a document; call `seal()` once all are in, before looking up.
    mutating func insert(document: Int, signature: [UInt64]) {
        for band in 0..<bands { entries[band].append(bandKey(signature, band: band) | UInt64(document)) }
    }

    mutating func seal() {
        for band in 0..<bands { entries[band].sort() }
    }

    /// Appends every document sharing at least one band with `signature`
    /// (with repeats when several bands agree).
    func candidates(of signature: [UInt64], into result: inout [Int]) {
        for band in 0..<bands {
            let key = bandKey(signature, band: band)
            let list = entries[band]
            var low = 0, high = list.count
            while low < high {
                let mid = (low + high) / 2
                if list[mid] < key { low = mid + 1 } else { high = mid }
            }
            while low < list.count, list[low] & keyMask == key {
                result.append(Int(list[low] & ~keyMask))
                low += 1
            }
        }
    }
}
