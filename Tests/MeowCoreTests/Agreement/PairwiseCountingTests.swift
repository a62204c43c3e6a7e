import Testing
@testable import MeowCore

/// The two ways of counting annotator pairs (one table by pair, item by item; or one annotator
/// at a time) must give the same pairs, counts and kappas.
@Suite struct PairwiseCountingTests {
    @Test(arguments: [UInt64(1), 2, 3, 4, 5, 6, 7, 8])
    func denseAndSparseCountingAgree(seed: UInt64) {
        var rng = SplitMix64(seed: seed &* 7919)
        let annotators = 2 + Int(rng.next(below: 12)), labels = 1 + Int(rng.next(below: 6))
        let missing = Double(rng.next(below: 90)) / 100
        var ratings = AgreementFixtures.reliability(
            AgreementFixtures.random(seed: seed, annotators: annotators, items: 300, labels: labels, missing: missing))
        if seed % 2 == 0 {
            // Annotator codes not in name order, and a label no one uses.
            var builder = RatingsBuilder(labels: ["unused"])
            for r in 0..<ratings.count {
                builder.append(item: ratings.items[Int(ratings.item[r])], annotator: "z\(ratings.annotators.count - Int(ratings.annotator[r]))",
                               label: ratings.labels[Int(ratings.label[r])])
            }
            ratings = builder.build()
        }
        let table = AgreementTable(ratings)
        let dense = table.densePairwiseAgreement(), sparse = table.sparsePairwiseAgreement()
        #expect(dense == sparse)
        #expect(table.pairwiseAgreement() == sparse)
        #expect(!sparse.isEmpty || missing > 0.5)
    }
}
