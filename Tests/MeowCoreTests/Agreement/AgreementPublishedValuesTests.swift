import Foundation
import Testing
import MeowCore

/// Coefficients against published values; the source is next to each number.
@Suite struct AgreementPublishedValuesTests {
    /// Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability,
    /// example C: 4 observers × 12 units with missing values.
    static let krippendorff2011: [[Int?]] = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, nil, nil, nil], // A
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nil, 3],     // B
        [nil, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nil],   // C
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nil],     // D
    ]

    @Test func krippendorffAlphaPaperExample() {
        let ratings = AgreementFixtures.reliability(Self.krippendorff2011)
        // Published in Krippendorff (2011): nominal 0.743, ordinal 0.815, interval 0.849.
        #expect(isNear(ratings.krippendorffAlpha(level: .nominal), 0.743, 0.0005))
        #expect(isNear(ratings.krippendorffAlpha(level: .ordinal), 0.815, 0.0005))
        #expect(isNear(ratings.krippendorffAlpha(level: .interval), 0.849, 0.0005))
        // Full precision from python `krippendorff` 0.9.0 (krippendorff.alpha);
        // ratio 0.797 is verified with the same package.
        #expect(isNear(ratings.krippendorffAlpha(level: .nominal), 0.743421052631579))
        #expect(isNear(ratings.krippendorffAlpha(level: .ordinal), 0.8153875037548814))
        #expect(isNear(ratings.krippendorffAlpha(level: .interval), 0.8491071428571428))
        #expect(isNear(ratings.krippendorffAlpha(level: .ratio), 0.7974027747116121))
    }

    @Test func krippendorffExampleOtherCoefficients() {
        // The same data is irrCAC's `raw_4raters` (Gwet 2014, Handbook, ch. 2;
        // one lone rating sits with another rater, which changes nothing).
        // python irrCAC 0.4.4: AC1 0.775444068127, Fleiss 0.761169275422,
        // Krippendorff 0.743421052632.
        let ratings = AgreementFixtures.reliability(Self.krippendorff2011)
        #expect(isNear(ratings.gwetAC1(), 0.775444068127, 1e-11))
        #expect(isNear(ratings.fleissKappa(), 0.761169275422, 1e-11))
    }

    /// Fleiss (1971) psychiatric diagnoses: 30 subjects × 6 raters, 5
    /// categories; from statsmodels/stats/tests/test_inter_rater.py
    /// (`diagnoses`), the same as R irr's `diagnoses` data set.
    static let diagnoses: [[Int]] = [
        [4, 4, 4, 4, 4, 4], [2, 2, 2, 5, 5, 5], [2, 3, 3, 3, 3, 5], [5, 5, 5, 5, 5, 5],
        [2, 2, 2, 4, 4, 4], [1, 1, 3, 3, 3, 3], [3, 3, 3, 3, 5, 5], [1, 1, 3, 3, 3, 4],
        [1, 1, 4, 4, 4, 4], [5, 5, 5, 5, 5, 5], [1, 4, 4, 4, 4, 4], [1, 2, 4, 4, 4, 4],
        [2, 2, 2, 3, 3, 3], [1, 4, 4, 4, 4, 4], [2, 2, 4, 4, 4, 5], [3, 3, 3, 3, 3, 5],
        [1, 1, 1, 4, 5, 5], [1, 1, 1, 1, 1, 2], [2, 2, 4, 4, 4, 4], [1, 3, 3, 5, 5, 5],
        [5, 5, 5, 5, 5, 5], [2, 4, 4, 4, 4, 4], [2, 2, 4, 5, 5, 5], [1, 1, 4, 4, 4, 4],
        [1, 4, 4, 4, 4, 5], [2, 2, 2, 2, 2, 4], [1, 1, 1, 1, 5, 5], [2, 2, 4, 4, 4, 4],
        [1, 3, 3, 3, 3, 3], [5, 5, 5, 5, 5, 5],
    ]

    @Test func fleissKappaDiagnoses() {
        let ratings = AgreementFixtures.itemsByRater(Self.diagnoses, numeric: false)
        // Fleiss (1971): kappa = 0.430; R irr kappam.fleiss(diagnoses) = 0.4302445
        // (statsmodels test_inter_rater.py); statsmodels fleiss_kappa: 0.43024452006014074.
        #expect(isNear(ratings.fleissKappa(), 0.430, 0.0005))
        #expect(isNear(ratings.fleissKappa(), 0.4302445, 1e-7))
        #expect(isNear(ratings.fleissKappa(), 0.43024452006014074))
        // python irrCAC 0.4.4 gwet(): AC1 = 0.447884515845.
        #expect(isNear(ratings.gwetAC1(), 0.447884515845, 1e-11))
    }

    @Test func fleissKappaWikipediaTable() {
        // Wikipedia "Fleiss' kappa" worked example: 10 subjects, 14 raters,
        // 5 categories, kappa = 0.210 (statsmodels `table1`; its fleiss_kappa
        // gives 0.20993070442195522).
        let table = [
            [0, 0, 0, 0, 14], [0, 2, 6, 4, 2], [0, 0, 3, 5, 6], [0, 3, 9, 2, 0], [2, 2, 8, 1, 1],
            [7, 7, 0, 0, 0], [3, 2, 6, 3, 0], [2, 5, 3, 2, 2], [6, 5, 2, 1, 0], [0, 2, 2, 3, 7],
        ]
        let ratings = AgreementFixtures.counts(table)
        #expect(isNear(ratings.fleissKappa(), 0.210, 0.0005))
        #expect(isNear(ratings.fleissKappa(), 0.20993070442195522))
    }

    @Test func cohenKappaWikipediaExample() {
        // Wikipedia "Cohen's kappa", simple example: 50 proposals; both yes 20,
        // A yes / B no 5, A no / B yes 10, both no 15: po = 0.7, pe = 0.5, kappa = 0.4.
        let a = Array(repeating: 1, count: 20) + Array(repeating: 1, count: 5) + Array(repeating: 0, count: 10) + Array(repeating: 0, count: 15)
        let b = Array(repeating: 1, count: 20) + Array(repeating: 0, count: 5) + Array(repeating: 1, count: 10) + Array(repeating: 0, count: 15)
        let ratings = AgreementFixtures.twoAnnotators(a, b, numeric: false)
        #expect(isNear(ratings.cohenKappa(), 0.4))
        #expect(isNear(ratings.percentAgreement(), 0.7))
        let pair = ratings.pairwiseAgreement()
        #expect(pair.count == 1)
        #expect(pair.first?.items == 50)
        #expect(isNear(pair.first?.cohenKappa, 0.4))
        #expect(isNear(pair.first?.percentAgreement, 0.7))
    }

    @Test func weightedCohenKappaAgainstScikitLearn() {
        // Generated by the script at the end of AgreementCrossCheckTests.swift; expected values from scikit-learn
        // 1.9.1 cohen_kappa_score(y1, y2, weights=None / 'linear' / 'quadratic').
        let y1 = [1, 4, 5, 4, 4, 2, 1, 4, 4, 2, 3, 1, 3, 4, 4, 3, 2, 1, 5, 2, 3, 4, 5, 1, 3, 1, 2, 1, 2, 5, 4, 2, 2, 5, 2, 4, 1, 3, 4, 4]
        let y2 = [1, 3, 5, 3, 4, 2, 1, 4, 1, 1, 4, 2, 4, 5, 3, 4, 1, 1, 5, 2, 2, 3, 3, 2, 4, 1, 1, 1, 3, 5, 5, 1, 1, 4, 3, 5, 2, 4, 5, 5]
        let ratings = AgreementFixtures.twoAnnotators(y1, y2)
        #expect(isNear(ratings.cohenKappa(), 0.125))
        #expect(isNear(ratings.weightedCohenKappa(weights: .linear), 0.5197521301316809))
        #expect(isNear(ratings.weightedCohenKappa(weights: .quadratic), 0.7598522167487685))
    }

    @Test func weightedKappaUsesValueOrderNotCodeOrder() {
        // Labels first seen in the order 5, 1, 2, …: the weights follow the
        // values, not the codes. scikit-learn 1.9.1 cohen_kappa_score:
        // 0.4736842105263158, linear 0.6727272727272728, quadratic 0.8181818181818181.
        let y1 = [5, 1, 2, 3, 4, 4, 3, 2, 1, 5, 3, 3]
        let y2 = [4, 1, 3, 3, 5, 4, 2, 2, 1, 5, 1, 3]
        let ratings = AgreementFixtures.twoAnnotators(y1, y2)
        let nominal = AgreementFixtures.twoAnnotators(y1, y2, numeric: false)
        #expect(ratings.labels.first == "5")
        #expect(isNear(ratings.cohenKappa(), 0.4736842105263158))
        #expect(isNear(ratings.weightedCohenKappa(weights: .linear), 0.6727272727272728))
        #expect(isNear(ratings.weightedCohenKappa(weights: .quadratic), 0.8181818181818181))
        // Uneven values 1, 2, 10 are weighted by their numbers (|x_i - x_j| / 9), the distances
        // interval alpha uses, not by position as scikit-learn would (0.3103448275862069 there).
        // numpy with W_ij = |x_i - x_j|^p: linear 0.4328358208955224, quadratic 0.4625228519195612.
        let uneven = AgreementFixtures.twoAnnotators([1, 2, 10, 10, 1, 2, 2, 10], [2, 2, 10, 1, 1, 10, 1, 10])
        #expect(isNear(uneven.weightedCohenKappa(weights: .linear), 0.4328358208955224))
        #expect(isNear(uneven.weightedCohenKappa(weights: .quadratic), 0.4625228519195612))
        #expect(nominal.weightedCohenKappa(weights: .linear) == nil) // no order without values
        #expect(nominal.cohenKappa() == ratings.cohenKappa())
    }

    @Test func gwetAC1HandComputed() {
        // 10 items, 2 raters: (A,A)×6, (B,B)×2, (A,B)×2.
        // pa = 0.8; pi_A = (6 + 2·½)/10 = 0.7, pi_B = 0.3;
        // AC1: pe = (0.7·0.3 + 0.3·0.7)/(2-1) = 0.42, AC1 = 0.38/0.58 = 0.655172…
        // Fleiss: pe = 0.49 + 0.09 = 0.58, kappa = 0.22/0.42 = 0.523809…
        // Cohen: p1(A) = 0.8, p2(A) = 0.6, pe = 0.56, kappa = 0.24/0.44 = 0.545454…
        let a = [1, 1, 1, 1, 1, 1, 2, 2, 1, 1]
        let b = [1, 1, 1, 1, 1, 1, 2, 2, 2, 2]
        let ratings = AgreementFixtures.twoAnnotators(a, b, numeric: false)
        #expect(isNear(ratings.percentAgreement(), 0.8))
        #expect(isNear(ratings.gwetAC1(), 0.38 / 0.58))
        #expect(isNear(ratings.fleissKappa(), 0.22 / 0.42))
        #expect(isNear(ratings.cohenKappa(), 0.24 / 0.44))
    }
}
