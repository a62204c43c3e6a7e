import Foundation
import Testing
import MeowCore

/// Properties that must hold for any data (seeded random data sets).
@Suite struct AgreementPropertyTests {
    /// Every scalar the report computes, for comparisons.
    static func scalars(_ r: Ratings) -> [Double?] {
        [r.percentAgreement(), r.krippendorffAlpha(level: .nominal), r.krippendorffAlpha(level: .ordinal),
         r.krippendorffAlpha(level: .interval), r.krippendorffAlpha(level: .ratio), r.fleissKappa(), r.gwetAC1(),
         r.cohenKappa(), r.weightedCohenKappa(weights: .linear), r.weightedCohenKappa(weights: .quadratic)]
    }

    static func same(_ a: [Double?], _ b: [Double?], _ tolerance: Double = 1e-12) -> Bool {
        guard a.count == b.count else { return false }
        for (x, y) in zip(a, b) {
            switch (x, y) {
            case (nil, nil): continue
            case let (x?, y?): if abs(x - y) > tolerance { return false }
            default: return false
            }
        }
        return true
    }

    @Test(arguments: [UInt64(1), 2, 3, 4, 5])
    func perfectAgreementGivesOne(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let annotators = Int(rng.next(below: 5)) + 2
        let items = 40
        let truth = (0..<items).map { i in i < 2 ? i + 1 : Int(rng.next(below: 4)) + 1 } // at least 2 labels
        var rows = [[Int?]](repeating: [], count: annotators)
        for a in 0..<annotators {
            rows[a] = (0..<items).map { i in
                // annotators 0 and 1 label everything, so every item is pairable
                a < 2 || rng.next(below: 3) > 0 ? truth[i] : nil
            }
        }
        let ratings = AgreementFixtures.reliability(rows)
        #expect(isNear(ratings.percentAgreement(), 1))
        for level in MeasurementLevel.allCases { #expect(isNear(ratings.krippendorffAlpha(level: level), 1)) }
        #expect(isNear(ratings.fleissKappa(), 1))
        #expect(isNear(ratings.gwetAC1(), 1))
        for pair in ratings.pairwiseAgreement() {
            #expect(isNear(pair.percentAgreement, 1))
            if let kappa = pair.cohenKappa { #expect(isNear(kappa, 1)) }
        }
        let two = AgreementFixtures.reliability(Array(rows.prefix(2)))
        #expect(isNear(two.cohenKappa(), 1))
        #expect(isNear(two.weightedCohenKappa(weights: .linear), 1))
        #expect(isNear(two.weightedCohenKappa(weights: .quadratic), 1))
        for label in ratings.perLabelAgreement() where label.count > 0 { #expect(isNear(label.specificAgreement, 1)) }
        #expect(ratings.labelConfusions().isEmpty)
    }

    @Test(arguments: [UInt64(11), 12, 13, 14, 15, 16])
    func renamingAndShufflingChangeNothing(seed: UInt64) {
        let annotators = seed % 2 == 0 ? 2 : 5
        let rows = AgreementFixtures.random(seed: seed, annotators: Int(annotators), items: 60, labels: 5, missing: 0.3)
        let original = AgreementFixtures.reliability(rows)

        // Same annotations under new annotator and label names, rows shuffled;
        // label values travel with the labels.
        var triples: [(String, String, Int)] = []
        for (a, row) in rows.enumerated() {
            for (i, v) in row.enumerated() { if let v { triples.append(("item-\(i * 7919 % 1000)", "ann-\(99 - a)", v)) } }
        }
        var rng = SplitMix64(seed: seed &* 31)
        for i in stride(from: triples.count - 1, to: 0, by: -1) {
            triples.swapAt(i, Int(rng.next(below: UInt64(i + 1))))
        }
        let newName = ["", "lemon", "apple", "kiwi", "fig", "date"]
        var builder = RatingsBuilder()
        for (item, annotator, v) in triples { builder.append(item: item, annotator: annotator, label: newName[v]) }
        builder.labelValues = builder.labels.map { name in Double(newName.firstIndex(of: name)!) }
        let renamed = builder.build()

        #expect(Self.same(Self.scalars(original), Self.scalars(renamed)))
        // Per label: same numbers under the new names.
        let perLabel = Dictionary(uniqueKeysWithValues: renamed.perLabelAgreement().map { ($0.label, $0) })
        for label in original.perLabelAgreement() {
            let other = perLabel[newName[Int(label.label)!]]!
            #expect(other.count == label.count)
            #expect(Self.same([other.specificAgreement], [label.specificAgreement]))
        }
        // Pairwise: same multiset of (items, kappa, agreement).
        func key(_ p: PairwiseAgreement) -> String {
            "\(p.items) \(p.cohenKappa.map { String(format: "%.12f", $0) } ?? "nil") \(String(format: "%.12f", p.percentAgreement))"
        }
        #expect(original.pairwiseAgreement().map(key).sorted() == renamed.pairwiseAgreement().map(key).sorted())
        // Confusions: same weights.
        #expect(original.labelConfusions().map { String(format: "%.9f", $0.weight) }.sorted()
                == renamed.labelConfusions().map { String(format: "%.9f", $0.weight) }.sorted())
        // Bootstrap draws items in code order, so only the shuffle-free rename keeps it identical.
    }

    @Test func allOneLabelIsUndefinedNotNaN() {
        let rows: [[Int?]] = [[3, 3, 3, nil], [3, 3, nil, 3], [nil, 3, 3, 3]]
        let ratings = AgreementFixtures.reliability(rows)
        #expect(isNear(ratings.percentAgreement(), 1))
        for level in MeasurementLevel.allCases { #expect(ratings.krippendorffAlpha(level: level) == nil) }
        #expect(ratings.fleissKappa() == nil)
        #expect(ratings.gwetAC1() == nil)
        let two = AgreementFixtures.reliability(Array(rows.prefix(2)))
        #expect(two.cohenKappa() == nil)
        #expect(two.weightedCohenKappa(weights: .linear) == nil)
        #expect(ratings.bootstrapAlpha(samples: 50, seed: 1) == nil)
        let report = AgreementReport(ratings, bootstrapSamples: 50)
        #expect(report.undefinedReasons["krippendorff_alpha.nominal"] == .noExpectedDisagreement)
        #expect(report.undefinedReasons["fleiss_kappa"] == .noExpectedDisagreement)
        #expect(report.undefinedReasons["gwet_ac1"] == .fewerThanTwoLabels)
        #expect(report.undefinedReasons["cohen_kappa"] == .notTwoAnnotators(3))
    }

    @Test func equalValuesAcrossLabelsAreOneCategoryForNumericLevels() {
        // "1" and "1.0" are different nominal labels but the same value.
        var builder = RatingsBuilder()
        builder.append(item: "a", annotator: "x", label: "1")
        builder.append(item: "a", annotator: "y", label: "1.0")
        builder.append(item: "b", annotator: "x", label: "1")
        builder.append(item: "b", annotator: "y", label: "1")
        builder.labelValues = [1, 1]
        let ratings = builder.build()
        #expect(ratings.krippendorffAlpha(level: .interval) == nil) // no expected disagreement
        #expect(ratings.krippendorffAlpha(level: .ordinal) == nil)
        #expect(ratings.krippendorffAlpha(level: .nominal) != nil)
    }

    @Test func emptyAndUnpairableInputs() {
        let empty = RatingsBuilder().build()
        #expect(Self.scalars(empty).allSatisfy { $0 == nil })
        #expect(empty.pairwiseAgreement().isEmpty)
        #expect(empty.labelConfusions().isEmpty)
        var builder = RatingsBuilder()
        builder.append(item: "a", annotator: "x", label: "yes")
        builder.append(item: "b", annotator: "y", label: "no")
        let single = builder.build()
        #expect(Self.scalars(single).allSatisfy { $0 == nil })
        let report = AgreementReport(single)
        #expect(report.undefinedReasons["percent_agreement"] == .noPairableItems)
        #expect(report.undefinedReasons["cohen_kappa"] == .noSharedItems)
        #expect(report.items == 0 && report.ratedItems == 2 && report.annotators == 2)
    }

    @Test func repeatedAnnotationKeepsTheLast() {
        var builder = RatingsBuilder()
        builder.append(item: "a", annotator: "x", label: "no")
        builder.append(item: "a", annotator: "y", label: "yes")
        builder.append(item: "a", annotator: "x", label: "yes") // replaces x's "no"
        builder.append(item: "b", annotator: "x", label: "no")
        builder.append(item: "b", annotator: "y", label: "no")
        let ratings = builder.build()
        #expect(ratings.count == 4)
        #expect(isNear(ratings.percentAgreement(), 1))
        // Hand-made Ratings with the repeat still in it give the same answer.
        let raw = Ratings(labels: ["no", "yes"], annotators: ["x", "y"], items: ["a", "b"],
                          item: [0, 0, 0, 1, 1], annotator: [0, 1, 0, 0, 1], label: [0, 1, 1, 0, 0])
        #expect(isNear(raw.percentAgreement(), 1))
        #expect(raw.perLabelAgreement().map(\.count) == [2, 2])
    }
}
