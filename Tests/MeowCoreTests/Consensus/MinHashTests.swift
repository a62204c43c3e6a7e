import Testing
import MeowCore

@Suite struct MinHashTests {
    static let vocabulary = (0..<400).map { "w\($0)" }

    static func randomText(_ rng: inout SplitMix64, words: Int) -> [String] {
        (0..<words).map { _ in vocabulary[Int(rng.next(below: UInt64(vocabulary.count)))] }
    }

    static let thirtyWords = """
        Labeling guidelines should define every label with a short rule, two clear \
        examples and one counterexample so that annotators who never met agree on \
        the hard cases as well today
        """

    /// Exact Jaccard of two sets.
    static func jaccard(_ a: Set<UInt64>, _ b: Set<UInt64>) -> Double {
        Double(a.intersection(b).count) / Double(a.union(b).count)
    }

    /// Expected values computed independently in python (script at the end of
    /// this file): FNV-1a 64 of the space-joined lowercase words, fmix64 and
    /// SplitMix64 salts. FNV-1a("hello world") = 0x779a65e7023cd2e7 is also the
    /// published FNV test vector.
    @Test func hashesAreStableAcrossRunsAndMachines() {
        let hasher = MinHasher()
        #expect(hasher.shingles("Hello, World!") == [0x779A_65E7_023C_D2E7])
        let text = "The quick brown fox jumps over the lazy dog."
        #expect(hasher.shingles(text) == [
            0x340F_7A4E_0749_F346, 0x5881_E05D_7853_C4CB, 0x6E03_E51A_4BEC_014F, 0x6F0D_0A21_0AEF_B4A8,
            0x7F7B_044B_BDFA_FB0D, 0x8B20_5BB3_0E6F_71CB, 0xC3F0_B686_5D79_C5AB,
        ])
        let signature = hasher.signature(text)
        #expect(signature.count == 128)
        #expect(Array(signature.prefix(4)) == [
            0x0617_5AF0_EDD5_AD46, 0x47FA_ED2B_6A76_A2AB, 0x5A09_051B_CD44_30FB, 0x1544_A401_62ED_F766,
        ])
        #expect(MinHasher().signature(text) == signature)
    }

    @Test func normalizationAndShortTexts() {
        let hasher = MinHasher()
        #expect(hasher.shingles("HELLO   world") == hasher.shingles("hello, world!!"))
        #expect(hasher.shingles("one two").count == 1)          // fewer than k words: one shingle
        #expect(hasher.shingles("").isEmpty)
        #expect(hasher.shingles(" ,.;!? ").isEmpty)
        #expect(hasher.shingles("Ünïcode ÉTÉ straße") == hasher.shingles("ünïcode été straße"))
        #expect(hasher.shingles("a b c a b c").count == 3)      // a b c, b c a, c a b
        #expect(MinHasher(shingleSize: 1).shingles("a b c a").count == 3)
    }

    @Test func identicalTextsAreFoundAtOne() {
        let found = nearDuplicates(train: [("tr1", Self.thirtyWords), ("tr2", "something else entirely here")],
                                   test: [("te1", Self.thirtyWords)])
        #expect(found == [NearDuplicate(trainID: "tr1", testID: "te1", similarity: 1)])
    }

    /// 30 words give 28 three-word shingles; changing word 15 changes the 3
    /// shingles that contain it: J = 25 / (28 + 3) = 25/31 = 0.806 >= 0.8.
    @Test func oneChangedWordIsFoundAtPointEight() {
        let original = Self.thirtyWords
        #expect(original.split(separator: " ").count == 30)
        var words = original.split(separator: " ").map(String.init)
        words[14] = "zebra"
        let edited = words.joined(separator: " ")
        let found = nearDuplicates(train: [("a", original)], test: [("b", edited)], threshold: 0.8)
        #expect(found.count == 1)
        #expect(abs((found.first?.similarity ?? 0) - 25.0 / 31.0) < 1e-12)
        // The reported similarity is the exact Jaccard of the shingle sets.
        let h = MinHasher()
        #expect(found.first?.similarity == Self.jaccard(h.shingles(original), h.shingles(edited)))
    }

    @Test func unrelatedTextsAreNotFound() {
        var rng = SplitMix64(seed: 21)
        let train = (0..<200).map { ("tr\($0)", Self.randomText(&rng, words: 40).joined(separator: " ")) }
        let test = (0..<50).map { ("te\($0)", Self.randomText(&rng, words: 40).joined(separator: " ")) }
        #expect(nearDuplicates(train: train, test: test).isEmpty)
        #expect(nearDuplicates(train: train, test: [("x", "Completely different words in this sentence")]).isEmpty)
    }

    /// Plants copies with a few words changed among random texts; every planted
    /// pair above the threshold must be found, and everything reported must be
    /// >= threshold and sorted by (testID, trainID).
    @Test func plantedNearDuplicatesAreFoundAndSorted() {
        var rng = SplitMix64(seed: 3)
        var train: [(id: String, text: String)] = []
        var base: [[String]] = []
        for i in 0..<300 {
            let words = Self.randomText(&rng, words: 50)
            base.append(words)
            train.append(("train\(i)", words.joined(separator: " ")))
        }
        var test: [(id: String, text: String)] = []
        var expected: [NearDuplicate] = []
        let hasher = MinHasher()
        for j in 0..<40 {
            let source = Int(rng.next(below: 300))
            var words = base[source]
            for _ in 0..<Int(rng.next(below: 3)) { words[Int(rng.next(below: 50))] = "edit\(j)" }
            let text = words.joined(separator: " ")
            test.append(("test\(j)", text))
            let exact = Self.jaccard(hasher.shingles(train[source].text), hasher.shingles(text))
            if exact >= 0.8 { expected.append(NearDuplicate(trainID: train[source].id, testID: "test\(j)", similarity: exact)) }
        }
        let found = nearDuplicates(train: train, test: test)
        for pair in expected { #expect(found.contains(pair)) }
        #expect(found.allSatisfy { $0.similarity >= 0.8 })
        #expect(found == found.sorted { ($0.testID, $0.trainID) < ($1.testID, $1.trainID) })
        #expect(!expected.isEmpty)
        #expect(nearDuplicates(train: train, test: test) == found)
    }

    /// The estimate is a binomial proportion: standard error sqrt(J(1-J)/n),
    /// at most 0.044 for n = 128, so 0.1 is 2.3 standard errors at worst and
    /// about 1 pair in 40 may exceed it by chance (with seed 17, one pair at
    /// J = 0.547 is estimated 0.414, 3 standard errors off; the hash family
    /// itself gives z-scores of mean 0.07 and SD 1.01 over 400 random pairs).
    /// So: at least 38 of 40 pairs within 0.1, all within 0.15, and the mean
    /// absolute error below 0.04.
    @Test func estimatedJaccardIsCloseToExact() {
        var rng = SplitMix64(seed: 17)
        let hasher = MinHasher()
        var totalError = 0.0
        var within = 0
        let pairs = 40
        for p in 0..<pairs {
            let shared = Self.randomText(&rng, words: 20 + p * 2)
            let a = (shared + Self.randomText(&rng, words: 30)).joined(separator: " ")
            let b = (Self.randomText(&rng, words: 10 + p) + shared).joined(separator: " ")
            let exact = Self.jaccard(hasher.shingles(a), hasher.shingles(b))
            let estimate = MinHasher.estimatedJaccard(hasher.signature(a), hasher.signature(b))
            #expect(abs(estimate - exact) < 0.15, "pair \(p): exact \(exact), estimate \(estimate)")
            if abs(estimate - exact) < 0.1 { within += 1 }
            totalError += abs(estimate - exact)
        }
        #expect(within >= pairs - 2)
        #expect(totalError / Double(pairs) < 0.04)
        #expect(MinHasher.estimatedJaccard([], [1, 2]) == 0)
        #expect(MinHasher.estimatedJaccard([1, 2, 3, 4], [1, 2, 0, 0]) == 0.5)
    }

    @Test func edgeCases() {
        let train = [("a", "alpha beta gamma delta"), ("empty", "")]
        let test = [("b", "alpha beta gamma delta"), ("empty2", "  ")]
        // Empty texts have no shingles: Jaccard undefined, never reported.
        #expect(nearDuplicates(train: train, test: test) == [NearDuplicate(trainID: "a", testID: "b", similarity: 1)])
        #expect(nearDuplicates(train: train, test: test, threshold: 1.5).isEmpty)
        #expect(nearDuplicates(train: train, test: test, threshold: .nan).isEmpty)
        #expect(nearDuplicates(train: [], test: test).isEmpty)
        #expect(nearDuplicates(train: train, test: test, threshold: 1) ==
                [NearDuplicate(trainID: "a", testID: "b", similarity: 1)])
        // Several train matches for one test text, sorted by train ID.
        let many = nearDuplicates(train: [("z", "one two three four"), ("y", "one two three four")],
                                  test: [("t", "one two three four")])
        #expect(many.map(\.trainID) == ["y", "z"])
    }
}

// Expected hash values (python 3):
//
//     import re
//     M = (1 << 64) - 1
//     def fnv(b):
//         h = 0xcbf29ce484222325
//         for x in b: h = ((h ^ x) * 0x100000001b3) & M
//         return h
//     def fmix(x):
//         x ^= x >> 33; x = (x * 0xff51afd7ed558ccd) & M; x ^= x >> 33
//         x = (x * 0xc4ceb9fe1a85ec53) & M; x ^= x >> 33; return x
//     def splitmix(seed):
//         s = seed
//         while True:
//             s = (s + 0x9E3779B97F4A7C15) & M; z = s
//             z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M
//             z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M
//             yield z ^ (z >> 31)
//     def shingles(t, k=3):
//         w = re.findall(r"[a-z0-9]+", t.lower()); k = min(k, len(w))
//         return {fnv(" ".join(w[j:j+k]).encode()) for j in range(len(w) - k + 1)}
//     def signature(t, n=128, seed=0x6D656F77):
//         g = splitmix(seed); salts = [next(g) for _ in range(n)]
//         return [min(fmix(x ^ s) for x in shingles(t)) for s in salts]
