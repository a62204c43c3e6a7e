import Foundation
import Testing
import MeowCore

/// Three seeded random data sets (the python script at the end of this file,
/// numpy seed 20240601),
/// the same literal arrays in python and here. Expected values were produced by
/// python `krippendorff` 0.9.0 (`krippendorff.alpha`), statsmodels 0.15.0
/// (`fleiss_kappa` on `aggregate_raters` of the complete data) and irrCAC 0.4.4
/// (`CAC(...).gwet()` / `.fleiss()`, which handle missing data the same way).
@Suite struct AgreementCrossCheckTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let complete: [[Int?]]
        let missing: [[Int?]]
        let nominal, ordinal, interval, ratio: Double   // krippendorff.alpha on `missing`
        let fleissComplete: Double                      // statsmodels fleiss_kappa on `complete`
        let ac1Missing, fleissMissing, paMissing: Double // irrCAC on `missing`
        let ac1Complete: Double                         // irrCAC on `complete`
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(
            name: "dataset 0",
            complete: [
                [1, 4, 2, 4, 3, 2, 1, 4, 1, 1, 4, 2, 1, 3, 2, 3, 3, 1, 3, 3],
                [1, 1, 1, 3, 1, 4, 1, 4, 1, 1, 4, 3, 1, 3, 2, 3, 3, 4, 3, 3],
                [1, 3, 2, 2, 4, 2, 4, 1, 4, 1, 3, 2, 4, 3, 3, 2, 3, 4, 3, 3],
                [1, 1, 1, 1, 2, 1, 2, 4, 4, 4, 4, 1, 1, 1, 3, 3, 2, 2, 1, 3],
                [1, 4, 3, 3, 1, 1, 1, 4, 1, 1, 4, 2, 1, 3, 3, 3, 3, 4, 3, 2],
            ],
            missing: [
                [1, 4, 2, 4, 3, 2, nil, 4, 1, nil, 4, nil, 1, 3, 2, 3, nil, 1, 3, nil],
                [1, 1, 1, nil, 1, 4, nil, 4, 1, 1, nil, 3, 1, nil, 2, nil, 3, 4, nil, 3],
                [1, 3, 2, 2, 4, nil, 4, 1, 4, nil, 3, 2, nil, 3, 3, 2, 3, 4, 3, 3],
                [nil, nil, 1, 1, 2, 1, 2, nil, 4, 4, nil, 1, 1, nil, 3, 3, nil, 2, 1, 3],
                [1, 4, 3, nil, 1, 1, 1, 4, nil, 1, 4, 2, 1, 3, 3, 3, 3, nil, 3, 2],
            ],
            nominal: 0.20505747126436769, ordinal: 0.09007695898390133, interval: 0.09312963921974793, ratio: 0.1547613338381979,
            fleissComplete: 0.24118129614438064,
            ac1Missing: 0.230302224612808, fleissMissing: 0.206323637266403, paMissing: 0.418333333333333,
            ac1Complete: 0.266067177995239
        ),
        Case(
            name: "dataset 1",
            complete: [
                [3, 3, 4, 2, 5, 2, 3, 4, 3, 1, 4, 4, 5, 3, 5, 3, 3, 4, 5, 4, 5, 4, 2, 3, 1, 5, 5, 1, 3, 3],
                [3, 3, 5, 5, 2, 1, 1, 3, 3, 1, 5, 3, 3, 4, 5, 3, 3, 5, 5, 1, 2, 4, 2, 4, 1, 5, 3, 1, 3, 3],
                [3, 3, 1, 1, 2, 2, 1, 4, 3, 3, 5, 4, 5, 4, 5, 3, 3, 3, 3, 5, 2, 3, 2, 5, 1, 1, 2, 2, 3, 3],
            ],
            missing: [
                [3, nil, 4, 2, nil, nil, 3, nil, 3, 1, nil, 4, 5, nil, 5, nil, 3, nil, 5, nil, nil, 4, nil, 3, 1, 5, 5, nil, 3, 3],
                [3, 3, nil, 5, 2, 1, nil, nil, 3, 1, 5, 3, nil, nil, nil, 3, 3, 5, 5, nil, 2, nil, 2, 4, 1, 5, 3, 1, 3, 3],
                [3, 3, 1, 1, nil, 2, 1, 4, 3, nil, 5, nil, 5, nil, 5, 3, nil, nil, 3, nil, 2, 3, 2, 5, 1, 1, 2, 2, 3, 3],
            ],
            nominal: 0.44423511680482286, ordinal: 0.4613887879155055, interval: 0.4537037037037037, ratio: 0.4485949288771608,
            fleissComplete: 0.3329036416371254,
            ac1Missing: 0.488460239854421, fleissMissing: 0.46175509827443, paMissing: 0.586666666666667,
            ac1Complete: 0.367794151332366
        ),
        Case(
            name: "dataset 2",
            complete: [
                [1, 0, 10, 2, 1, 0, 1, 0, 2, 1, 0, 0, 1, 0, 1],
                [1, 0, 1, 2, 1, 0, 0, 0, 1, 10, 1, 1, 1, 0, 10],
                [1, 0, 10, 2, 1, 0, 1, 2, 2, 1, 1, 1, 1, 2, 1],
                [1, 0, 10, 2, 1, 10, 1, 0, 2, 0, 1, 1, 10, 0, 10],
                [1, 0, 10, 2, 1, 0, 1, 0, 2, 1, 0, 1, 1, 0, 10],
                [1, 0, 10, 2, 1, 2, 1, 0, 2, 1, 1, 1, 1, 0, 10],
            ],
            missing: [
                [1, 0, 10, nil, nil, 0, nil, nil, 2, 1, nil, 0, 1, nil, nil],
                [1, 0, nil, 2, nil, nil, 0, 0, 1, 10, nil, nil, 1, 0, 10],
                [1, 0, 10, 2, 1, 0, 1, nil, 2, 1, nil, 1, 1, 2, 1],
                [1, nil, 10, 2, 1, nil, 1, 0, 2, nil, nil, nil, 10, 0, nil],
                [nil, 0, nil, 2, 1, nil, 1, 0, 2, 1, nil, nil, 1, 0, nil],
                [1, nil, nil, 2, 1, 2, 1, 0, 2, 1, nil, 1, nil, 0, 10],
            ],
            nominal: 0.6262866191607284, ordinal: 0.6003993141374198, interval: 0.5348707284521557, ratio: 0.5951593256499521,
            fleissComplete: 0.5575347345920912,
            ac1Missing: 0.631956512052756, fleissMissing: 0.604235542139811, paMissing: 0.719047619047619,
            ac1Complete: 0.60119875842877
        ),
    ]

    @Test(arguments: cases)
    func krippendorffAlphaMatchesPythonKrippendorff(_ c: Case) {
        let ratings = AgreementFixtures.reliability(c.missing)
        #expect(isNear(ratings.krippendorffAlpha(level: .nominal), c.nominal, 1e-6))
        #expect(isNear(ratings.krippendorffAlpha(level: .ordinal), c.ordinal, 1e-6))
        #expect(isNear(ratings.krippendorffAlpha(level: .interval), c.interval, 1e-6))
        #expect(isNear(ratings.krippendorffAlpha(level: .ratio), c.ratio, 1e-6))
    }

    @Test(arguments: cases)
    func fleissKappaMatchesStatsmodelsOnCompleteData(_ c: Case) {
        let ratings = AgreementFixtures.reliability(c.complete, numeric: false)
        #expect(isNear(ratings.fleissKappa(), c.fleissComplete, 1e-6))
        #expect(isNear(ratings.gwetAC1(), c.ac1Complete, 1e-6))
    }

    @Test(arguments: cases)
    func missingDataMatchesIrrCAC(_ c: Case) {
        let ratings = AgreementFixtures.reliability(c.missing, numeric: false)
        #expect(isNear(ratings.fleissKappa(), c.fleissMissing, 1e-6))
        #expect(isNear(ratings.gwetAC1(), c.ac1Missing, 1e-6))
        #expect(isNear(ratings.percentAgreement(), c.paMissing, 1e-6))
    }
}

/* The script that produced the data sets and expected values above (python 3.11,
   numpy 1.26.4, krippendorff 0.9.0, statsmodels 0.15.0, scikit-learn 1.9.1, irrCAC 0.4.4):

# Generates the literal datasets and expected values used in CrossCheckTests.swift.
import numpy as np, pandas as pd, krippendorff, warnings
warnings.filterwarnings("ignore")
from statsmodels.stats.inter_rater import fleiss_kappa, aggregate_raters
from sklearn.metrics import cohen_kappa_score
from irrCAC.raw import CAC

rng = np.random.default_rng(20240601)
specs = [  # annotators, items, label values, missing share
    (5, 20, [1, 2, 3, 4], 0.25),
    (3, 30, [1, 2, 3, 4, 5], 0.30),
    (6, 15, [0, 1, 2, 10], 0.40),
]
def lit(rows):
    return "[\n" + ",\n".join("            [" + ", ".join("nil" if v is None else str(v) for v in r) + "]" for r in rows) + ",\n        ]"
for n, (a, m, values, miss) in enumerate(specs):
    # a latent "true" value per item plus noise so that agreement is moderate
    truth = rng.integers(0, len(values), size=m)
    full = np.empty((a, m), dtype=int)
    for i in range(a):
        for j in range(m):
            full[i, j] = values[truth[j]] if rng.random() < 0.6 else values[rng.integers(0, len(values))]
    mask = rng.random((a, m)) < miss
    data = [[None if mask[i, j] else int(full[i, j]) for j in range(m)] for i in range(a)]
    arr = np.array([[np.nan if v is None else v for v in r] for r in data], dtype=float)
    print(f"dataset {n}: complete =", lit(full.tolist()))
    print(f"dataset {n}: missing  =", lit(data))
    for level in ["nominal", "ordinal", "interval", "ratio"]:
        print(f"  krippendorff {level}: {krippendorff.alpha(reliability_data=arr, level_of_measurement=level)!r}")
    t, _ = aggregate_raters(full.T)
    print(f"  statsmodels fleiss_kappa complete: {fleiss_kappa(t)!r}")
    c = CAC(pd.DataFrame(arr.T), digits=15)
    print(f"  irrCAC missing: ac1 {c.gwet()['est']['coefficient_value']!r} fleiss {c.fleiss()['est']['coefficient_value']!r} pa {c.pa!r}")
    c = CAC(pd.DataFrame(full.T.astype(float)), digits=15)
    print(f"  irrCAC complete: ac1 {c.gwet()['est']['coefficient_value']!r} fleiss {c.fleiss()['est']['coefficient_value']!r}")

# Two annotators, ordinal labels 1..5, for (weighted) Cohen's kappa.
truth = rng.integers(1, 6, size=40)
y1 = [int(t if rng.random() < 0.6 else rng.integers(1, 6)) for t in truth]
y2 = [int(min(5, max(1, t + rng.integers(-1, 2)))) for t in truth]
print("y1 =", y1)
print("y2 =", y2)
for w in [None, "linear", "quadratic"]:
    print(f"  sklearn cohen_kappa_score weights={w}: {cohen_kappa_score(y1, y2, weights=w)!r}")
*/
