import Testing
import MeowCore

/// Cross-checks of `dawidSkene` against crowd-kit 1.4.2 (Ustalov et al.,
/// `crowdkit.aggregation.DawidSkene`), run with a fixed iteration count
/// (`DawidSkene(n_iter=N, tol=-numpy.inf)`, so its ELBO stopping rule never
/// fires) and compared with `smoothing: 0, maxIterations: N, tolerance: 0`
/// here, the same EM steps from the same soft-majority start. crowd-kit clips
/// error rates at 1e-10 where this code has exact zeros, and the expected
/// values are printed to 6 decimals: observed differences are below 5e-7, so
/// the comparison is at 1e-5. The python script is at the end of this file.
@Suite struct DawidSkeneCrossCheckTests {
    /// Dawid & Skene (1979), Table 1: 45 patients, 5 anaesthetists (observer 1
    /// rated every patient three times), 4 classes. One group per patient, the
    /// 7 answers in the order observer 1, 1, 1, 2, 3, 4, 5. Transcribed from
    /// the two public copies github.com/dallascard/dawid_skene
    /// (`generate_sample_data`) and github.com/alexandry-augustin/dawid_skene
    /// (`data.csv`), which agree.
    static let patientTable = [
        "1111111 3334334 1122122 2223121 2223222 2223322 1222111 3333433 2222223 ",
        "2322223 4444444 2223343 1111111 2223212 1211111 1112111 1111111 1111111 ",
        "2222221 2221322 2222222 2222221 2223222 2212222 1111111 1111111 2322222 ",
        "1111111 1111111 1121121 1111111 3333233 1111111 2222222 2223232 4334343 ",
        "2212232 2323233 3333432 1111111 1111111 1212111 2322222 1211111 2222222",
    ].joined()

    static var patientVotes: [LabelVote] {
        let groups = patientTable.split(separator: " ")
        var votes: [LabelVote] = []
        let observers = ["o1", "o1", "o1", "o2", "o3", "o4", "o5"]
        for (p, group) in groups.enumerated() {
            let item = "p" + (p + 1 < 10 ? "0" : "") + String(p + 1)
            for (o, answer) in zip(observers, group) {
                votes.append(LabelVote(item: item, annotator: o, label: String(answer)))
            }
        }
        return votes
    }

    @Test func patientDataHas315Ratings() {
        #expect(Self.patientVotes.count == 315)
        #expect(Set(Self.patientVotes.map(\.item)).count == 45)
    }

    /// crowd-kit, n_iter = 500 (converged: 2000 iterations give the same 6
    /// digits). The priors agree with the class marginals (0.40, 0.42, 0.11,
    /// 0.07) and the uncertain patients 7 (0.981 / 0.019), 35 (0.948 / 0.052)
    /// and 38 (0.021 / 0.979) with those printed by the implementation at
    /// github.com/alexandry-augustin/dawid_skene (`out/original_paper`).
    @Test func patientDataMatchesCrowdKit() throws {
        let result = try #require(dawidSkene(
            Self.patientVotes, labels: ["1", "2", "3", "4"], maxIterations: 500, tolerance: 0, smoothing: 0))
        let priors: [Double] = [0.399555, 0.421983, 0.111795, 0.066667]
        let labels = "142222132243121111222222112111131224233111212"
        let accuracy: [String: Double] = ["o1": 0.828763, "o2": 0.778869, "o3": 0.776648, "o4": 0.866943, "o5": 0.842372]
        let posteriors: [[Double]] = [
            [1.000000, 0.000000, 0.000000, 0.000000],  // p01
            [0.000000, 0.000000, 0.000000, 1.000000],  // p02
            [0.000000, 1.000000, 0.000000, 0.000000],  // p03
            [0.000000, 1.000000, 0.000000, 0.000000],  // p04
            [0.000000, 1.000000, 0.000000, 0.000000],  // p05
            [0.000000, 1.000000, 0.000000, 0.000000],  // p06
            [0.981020, 0.018980, 0.000000, 0.000000],  // p07
            [0.000000, 0.000000, 1.000000, 0.000000],  // p08
            [0.000000, 1.000000, 0.000000, 0.000000],  // p09
            [0.000000, 1.000000, 0.000000, 0.000000],  // p10
            [0.000000, 0.000000, 0.000000, 1.000000],  // p11
            [0.000000, 0.000000, 1.000000, 0.000000],  // p12
            [1.000000, 0.000000, 0.000000, 0.000000],  // p13
            [0.000000, 1.000000, 0.000000, 0.000000],  // p14
            [0.999997, 0.000003, 0.000000, 0.000000],  // p15
            [0.999998, 0.000002, 0.000000, 0.000000],  // p16
            [1.000000, 0.000000, 0.000000, 0.000000],  // p17
            [1.000000, 0.000000, 0.000000, 0.000000],  // p18
            [0.000000, 1.000000, 0.000000, 0.000000],  // p19
            [0.000000, 1.000000, 0.000000, 0.000000],  // p20
            [0.000000, 1.000000, 0.000000, 0.000000],  // p21
            [0.000000, 1.000000, 0.000000, 0.000000],  // p22
            [0.000000, 1.000000, 0.000000, 0.000000],  // p23
            [0.000000, 1.000000, 0.000000, 0.000000],  // p24
            [1.000000, 0.000000, 0.000000, 0.000000],  // p25
            [1.000000, 0.000000, 0.000000, 0.000000],  // p26
            [0.000000, 1.000000, 0.000000, 0.000000],  // p27
            [1.000000, 0.000000, 0.000000, 0.000000],  // p28
            [1.000000, 0.000000, 0.000000, 0.000000],  // p29
            [0.999146, 0.000854, 0.000000, 0.000000],  // p30
            [1.000000, 0.000000, 0.000000, 0.000000],  // p31
            [0.000000, 0.000021, 0.999979, 0.000000],  // p32
            [1.000000, 0.000000, 0.000000, 0.000000],  // p33
            [0.000000, 1.000000, 0.000000, 0.000000],  // p34
            [0.000000, 0.947995, 0.052005, 0.000000],  // p35
            [0.000000, 0.000000, 0.000000, 1.000000],  // p36
            [0.000000, 1.000000, 0.000000, 0.000000],  // p37
            [0.000000, 0.021200, 0.978800, 0.000000],  // p38
            [0.000000, 0.000000, 1.000000, 0.000000],  // p39
            [1.000000, 0.000000, 0.000000, 0.000000],  // p40
            [1.000000, 0.000000, 0.000000, 0.000000],  // p41
            [0.999806, 0.000194, 0.000000, 0.000000],  // p42
            [0.000000, 1.000000, 0.000000, 0.000000],  // p43
            [0.999997, 0.000003, 0.000000, 0.000000],  // p44
            [0.000000, 1.000000, 0.000000, 0.000000],  // p45
        ]
        check(result, labels: ["1", "2", "3", "4"], priors: priors, argmax: labels, accuracy: accuracy, posteriors: posteriors)
        #expect(result.iterations == 500)
    }

    /// A random data set (numpy default_rng(20240601)): 40 items, 5 annotators
    /// of accuracy 0.9, 0.75, 0.6, 0.45, 0.35, each answering an item with
    /// probability 0.7, true labels drawn from (0.5, 0.3, 0.2). One vote per
    /// entry, "IIAL": item number, annotator number, label.
    static let randomTable = [
        "001b;003b;004c;011a;015a;021b;022b;023b;024c;025b;032a;033a;035a;043b;044b;",
        "045c;051b;052b;053b;054a;055a;064c;072c;074a;075b;081c;082c;083c;085a;091b;",
        "094a;101b;102c;103c;104b;111b;112b;121c;122c;123c;124a;125a;131b;132b;133a;",
        "142a;143c;144c;151a;152b;153b;154c;155c;161a;162a;163b;164c;165c;171a;172a;",
        "175c;181b;183b;184a;191a;192a;193b;194b;195c;201a;202a;204a;205c;212b;221a;",
        "223a;224c;225c;232c;233a;234b;235b;242c;243a;244b;252a;255a;261a;262c;263a;",
        "264a;272c;273c;274c;275c;282c;284c;291c;293a;301c;302c;304c;311a;312a;314b;",
        "321a;322a;323b;325a;332b;333c;335b;342a;344c;351b;352b;353b;362a;363a;365a;",
        "372a;373a;374a;375b;381b;382b;383b;384a;391b;395a",
    ].joined()

    static var randomVotes: [LabelVote] {
        Self.randomTable.split(separator: ";").map { entry in
            let chars = Array(entry)
            return LabelVote(item: "t" + String(chars[0...1]), annotator: "w" + String(chars[2]), label: String(chars[3]))
        }
    }

    /// crowd-kit after exactly 50 EM iterations (still moving: t14 goes to 0
    /// by iteration 500), so this also checks the path, not only the fixed point.
    @Test func randomDataMatchesCrowdKitAfter50Iterations() throws {
        #expect(Self.randomVotes.count == 130)
        let result = try #require(dawidSkene(
            Self.randomVotes, labels: ["a", "b", "c"], maxIterations: 50, tolerance: 0, smoothing: 0))
        let priors: [Double] = [0.301349, 0.294904, 0.403747]
        let labels = "babcabcccbcbcbcaaabaabaccacccccaababccbb"
        let accuracy: [String: Double] = ["w1": 0.829750, "w2": 0.848000, "w3": 0.473813, "w4": 0.194317, "w5": 0.305018]
        let posteriors: [[Double]] = [
            [0.000000, 1.000000, 0.000000],  // t00
            [0.668766, 0.000000, 0.331234],  // t01
            [0.000000, 1.000000, 0.000000],  // t02
            [0.384930, 0.000000, 0.615070],  // t03
            [1.000000, 0.000000, 0.000000],  // t04
            [0.000000, 1.000000, 0.000000],  // t05
            [0.365942, 0.257968, 0.376090],  // t06
            [0.000000, 0.000000, 1.000000],  // t07
            [0.000000, 0.000000, 1.000000],  // t08
            [0.000000, 0.870698, 0.129302],  // t09
            [0.000000, 0.000000, 1.000000],  // t10
            [0.000000, 1.000000, 0.000000],  // t11
            [0.000000, 0.000000, 1.000000],  // t12
            [0.000000, 1.000000, 0.000000],  // t13
            [0.038896, 0.000000, 0.961104],  // t14
            [1.000000, 0.000000, 0.000000],  // t15
            [1.000000, 0.000000, 0.000000],  // t16
            [0.980519, 0.000000, 0.019481],  // t17
            [0.000000, 1.000000, 0.000000],  // t18
            [1.000000, 0.000000, 0.000000],  // t19
            [0.944658, 0.000000, 0.055342],  // t20
            [0.110733, 0.889267, 0.000000],  // t21
            [0.904652, 0.000000, 0.095348],  // t22
            [0.000000, 0.000000, 1.000000],  // t23
            [0.000000, 0.000000, 1.000000],  // t24
            [0.584345, 0.000000, 0.415655],  // t25
            [0.000000, 0.000000, 1.000000],  // t26
            [0.000000, 0.000000, 1.000000],  // t27
            [0.000000, 0.000000, 1.000000],  // t28
            [0.000000, 0.000000, 1.000000],  // t29
            [0.000000, 0.000000, 1.000000],  // t30
            [0.935970, 0.000000, 0.064030],  // t31
            [1.000000, 0.000000, 0.000000],  // t32
            [0.000000, 1.000000, 0.000000],  // t33
            [0.749631, 0.000000, 0.250369],  // t34
            [0.000000, 1.000000, 0.000000],  // t35
            [0.384930, 0.000000, 0.615070],  // t36
            [0.000000, 0.000000, 1.000000],  // t37
            [0.000000, 1.000000, 0.000000],  // t38
            [0.000000, 0.778219, 0.221781],  // t39
        ]
        check(result, labels: ["a", "b", "c"], priors: priors, argmax: labels, accuracy: accuracy, posteriors: posteriors)
        #expect(result.iterations == 50)
        #expect(!result.converged)
    }

    private func check(
        _ result: DawidSkeneResult, labels: [String], priors: [Double], argmax: String,
        accuracy: [String: Double], posteriors: [[Double]]
    ) {
        #expect(result.labels == labels)
        #expect(result.items.count == posteriors.count)
        for (k, prior) in priors.enumerated() {
            #expect(abs(result.priors[k] - prior) < 1e-5, "prior \(k)")
        }
        for (name, expected) in accuracy {
            let actual = result.annotatorAccuracy[name] ?? -1
            #expect(abs(actual - expected) < 1e-5, "accuracy of \(name)")
        }
        for (row, item) in zip(posteriors, result.items) {
            for (k, expected) in row.enumerated() {
                let actual = item.posterior[labels[k]] ?? -1
                #expect(abs(actual - expected) < 1e-5, "\(item.item) \(labels[k])")
            }
        }
        #expect(result.items.map(\.label).joined() == argmax)
    }
}

// The script that produced the expected values (python 3.11, crowd-kit 1.4.2,
// pandas, numpy 2.4):
//
//     import numpy as np, pandas as pd
//     from crowdkit.aggregation import DawidSkene
//     def run(df, n):                       # df: columns task, worker, label
//         ds = DawidSkene(n_iter=n, tol=-np.inf).fit(df)
//         probas = ds.probas_.reindex(columns=L).fillna(0).sort_index()   # posteriors
//         acc = {w: sum(ds.priors_[k] * ds.errors_.loc[(w, k), k]
//                       for k in L if (w, k) in ds.errors_.index) for w in workers}
//         return probas, ds.priors_, ds.labels_.sort_index(), acc
//     # patients: n = 500, labels L = ["1", "2", "3", "4"], tasks "p01".."p45", workers "o1".."o5"
//     # random data set, n = 50:
//     rng = np.random.default_rng(20240601)
//     L = ["a", "b", "c"]; acc = {"w1": 0.9, "w2": 0.75, "w3": 0.6, "w4": 0.45, "w5": 0.35}
//     votes = []
//     for i in range(40):
//         truth = rng.choice(3, p=[0.5, 0.3, 0.2])
//         for w, a in acc.items():
//             if rng.random() < 0.7:
//                 lab = truth if rng.random() < a else rng.choice([x for x in range(3) if x != truth])
//                 votes.append((f"t{i:02d}", w, L[lab]))
