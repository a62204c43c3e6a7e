import Foundation
import Testing
import MeowCore

/// Per-label, confusion, pairwise and bootstrap results on small hand-checked data.
@Suite struct AgreementDetailTests {
    /// i1: x A, y A, z B;  i2: x A, y A;  i3: x B (single);  label C never used.
    static func small() -> Ratings {
        var builder = RatingsBuilder(labels: ["A", "B", "C"])
        builder.append(item: "i1", annotator: "x", label: "A")
        builder.append(item: "i1", annotator: "y", label: "A")
        builder.append(item: "i1", annotator: "z", label: "B")
        builder.append(item: "i2", annotator: "x", label: "A")
        builder.append(item: "i2", annotator: "y", label: "A")
        builder.append(item: "i3", annotator: "x", label: "B")
        return builder.build()
    }

    @Test func perLabelSpecificAgreement() {
        let labels = Self.small().perLabelAgreement()
        #expect(labels.map(\.label) == ["A", "B", "C"])
        #expect(labels.map(\.count) == [4, 1, 0])
        // A: sum n(n-1) = 2 + 2 = 4, sum n(r-1) = 2·2 + 2·1 = 6
        #expect(isNear(labels[0].specificAgreement, 4.0 / 6.0))
        // B: 0 / (1·2)
        #expect(isNear(labels[1].specificAgreement, 0))
        #expect(labels[2].specificAgreement == nil)
    }

    @Test func confusionsWeightedLikeCoincidences() {
        var builder = RatingsBuilder()
        // item 1: A A B (r=3): A-B pairs 2·1, weight 2/2 = 1
        for (a, l) in [("x", "A"), ("y", "A"), ("z", "B")] { builder.append(item: "1", annotator: a, label: l) }
        // item 2: A C (r=2): weight 1
        for (a, l) in [("x", "A"), ("y", "C")] { builder.append(item: "2", annotator: a, label: l) }
        // item 3: B A (r=2): weight 1
        for (a, l) in [("x", "B"), ("y", "A")] { builder.append(item: "3", annotator: a, label: l) }
        // item 4: A B C D (r=4): each pair 1/3
        for (a, l) in [("w", "A"), ("x", "B"), ("y", "C"), ("z", "D")] { builder.append(item: "4", annotator: a, label: l) }
        let confusions = builder.build().labelConfusions()
        #expect(confusions.first == LabelConfusion(first: "A", second: "B", weight: 2 + 1.0 / 3.0, items: 3))
        #expect(confusions.count == 6)
        #expect(confusions[1].first == "A" && confusions[1].second == "C" && isNear(confusions[1].weight, 4.0 / 3.0))
        // Sum of confusion weights = half the off-diagonal coincidences.
        let total = confusions.reduce(0) { $0 + $1.weight }
        #expect(isNear(total, 1 + 1 + 1 + 2))
    }

    @Test func pairwiseMatchesCohenOnEachPair() {
        let rows = AgreementFixtures.random(seed: 77, annotators: 4, items: 50, labels: 3, missing: 0.25)
        let ratings = AgreementFixtures.reliability(rows)
        let pairs = ratings.pairwiseAgreement()
        #expect(pairs.count == 6)
        #expect(pairs.map { "\($0.a)-\($0.b)" } == ["r1-r2", "r1-r3", "r1-r4", "r2-r3", "r2-r4", "r3-r4"])
        for pair in pairs {
            let a = Int(pair.a.dropFirst())! - 1, b = Int(pair.b.dropFirst())! - 1
            let sub = AgreementFixtures.reliability([rows[a], rows[b]])
            let shared = zip(rows[a], rows[b]).filter { $0 != nil && $1 != nil }.count
            #expect(pair.items == shared)
            #expect(Self.sameOptional(pair.cohenKappa, sub.cohenKappa()))
            #expect(isNear(pair.percentAgreement, sub.percentAgreement()!))
        }
    }

    static func sameOptional(_ a: Double?, _ b: Double?) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case let (x?, y?): return abs(x - y) < 1e-12
        default: return false
        }
    }

    @Test func pairwiseNamesAreOrderedAndKappaCanBeUndefined() {
        var builder = RatingsBuilder()
        builder.append(item: "1", annotator: "zed", label: "ok")
        builder.append(item: "1", annotator: "amy", label: "ok")
        builder.append(item: "2", annotator: "zed", label: "ok")
        builder.append(item: "2", annotator: "amy", label: "ok")
        let pairs = builder.build().pairwiseAgreement()
        #expect(pairs.count == 1)
        #expect(pairs[0].a == "amy" && pairs[0].b == "zed")
        #expect(pairs[0].cohenKappa == nil)
        #expect(pairs[0].cohenKappaUndefined == .noExpectedDisagreement)
        #expect(pairs[0].percentAgreement == 1)
    }

    @Test func bootstrapIsReproducibleAndBracketsAlpha() {
        let ratings = AgreementFixtures.reliability(AgreementPublishedValuesTests.krippendorff2011)
        let first = ratings.bootstrapAlpha(level: .nominal, samples: 2000, seed: 42)
        let again = ratings.bootstrapAlpha(level: .nominal, samples: 2000, seed: 42)
        #expect(first != nil)
        #expect(first == again)
        let alpha = ratings.krippendorffAlpha(level: .nominal)!
        if let first {
            #expect(first.lower <= alpha && alpha <= first.upper)
            #expect(first.lower < first.upper)
            #expect(first.confidence == 0.95 && first.requested == 2000 && first.samples <= 2000)
        }
        for level in [MeasurementLevel.ordinal, .interval, .ratio] {
            let interval = ratings.bootstrapAlpha(level: level, samples: 500, seed: 7)
            let value = ratings.krippendorffAlpha(level: level)!
            #expect(interval.map { $0.lower <= value && value <= $0.upper } == true)
        }
        #expect(ratings.bootstrapAlpha(samples: 200, seed: 1) != ratings.bootstrapAlpha(samples: 200, seed: 2))
        let nominal = AgreementFixtures.reliability(AgreementPublishedValuesTests.krippendorff2011, numeric: false)
        #expect(nominal.bootstrapAlpha(level: .interval, samples: 10, seed: 1) == nil)
    }

    @Test func splitMix64MatchesReferenceSequence() {
        // Reference outputs of Vigna's splitmix64.c seeded with 1234567.
        var rng = SplitMix64(seed: 1234567)
        #expect([rng.next(), rng.next(), rng.next()] == [6457827717110365317, 3203168211198807973, 9817491932198370423])
        var bounded = SplitMix64(seed: 9)
        for _ in 0..<1000 { #expect(bounded.next(below: 7) < 7) }
    }
}
