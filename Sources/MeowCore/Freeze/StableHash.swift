/// Hash functions whose values are fixed by their definition, unlike Swift's
/// `Hasher`, which is seeded randomly per process: MinHash signatures and LSH
/// bands must be the same in every run and on every machine.
enum StableHash {
    /// FNV-1a, 64-bit (Fowler, Noll & Vo; IETF draft-eastlake-fnv):
    ///
    ///     h = 0xcbf29ce484222325;  for each byte b: h = (h XOR b) * 0x100000001b3  (mod 2^64)
    @inline(__always)
    static func fnv1a(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in bytes {
            h ^= UInt64(b)
            h &*= 0x0000_0100_0000_01B3
        }
        return h
    }

    /// The 64-bit finalizer of MurmurHash3 (Appleby 2011), a bijection on
    /// UInt64 in which every input bit affects every output bit:
    ///
    ///     x ^= x >> 33; x *= 0xff51afd7ed558ccd; x ^= x >> 33; x *= 0xc4ceb9fe1a85ec53; x ^= x >> 33
    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var x = value
        x ^= x >> 33
        x &*= 0xFF51_AFD7_ED55_8CCD
        x ^= x >> 33
        x &*= 0xC4CE_B9FE_1A85_EC53
        x ^= x >> 33
        return x
    }
}
