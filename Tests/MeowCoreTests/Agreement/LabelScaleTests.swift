import Foundation
import Testing
import MeowCore

/// Issue 13.2: ordered statistics use one label → number mapping; numbers are numbers whatever
/// the order says, an order alone has no zero, and unused labels stay on the scale.
@Suite struct LabelScaleTests {
    /// Krippendorff (2011) example C as a long-format CSV (labels 1-5).
    static func krippendorffFile(mapping: [Int: String] = [:]) -> String {
        var rows = ["item,annotator,label"]
        for (a, row) in AgreementPublishedValuesTests.krippendorff2011.enumerated() {
            for (i, value) in row.enumerated() {
                guard let value else { continue }
                rows.append("u\(i + 1),\(["A", "B", "C", "D"][a]),\(mapping[value] ?? String(value))")
            }
        }
        return agreementTempFile(rows.joined(separator: "\n"), ext: "csv")
    }

    @Test func numericLabelsKeepTheirNumbersUnderAnOrder() throws {
        let path = Self.krippendorffFile()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let plain = try LongFormatReader().read(path: path)
        // Published ratio alpha 0.797 (python krippendorff 0.7974027747116121) with and without
        // an order, and with an order that also lists an unused 6.
        for order in [nil, ["1", "2", "3", "4", "5"], ["1", "2", "3", "4", "5", "6"]] {
            let scale = try LabelScale.make(order: order, values: nil)
            let ratings = try LongFormatReader(scale: scale).read(path: path)
            #expect(isNear(ratings.krippendorffAlpha(level: .ratio), 0.7974027747116121), "order \(order ?? [])")
            #expect(isNear(ratings.krippendorffAlpha(level: .interval), 0.8491071428571428))
            #expect(isNear(ratings.krippendorffAlpha(level: .ordinal), 0.8153875037548814))
        }
        #expect(isNear(plain.krippendorffAlpha(level: .ratio), 0.7974027747116121))
    }

    @Test func anOrderThatContradictsTheNumbersIsAnError() throws {
        #expect(throws: LabelScale.Problem.self) { try LabelScale.make(order: ["5", "4", "3", "2", "1"], values: nil) }
        #expect(throws: LabelScale.Problem.self) { try LabelScale.make(order: ["1", "3", "2"], values: nil) }
        #expect(throws: LabelScale.Problem.self) { try LabelScale.make(order: ["a", "b", "a"], values: nil) }
        // --values must agree with --order, and cover exactly its labels.
        #expect(throws: LabelScale.Problem.self) { try LabelScale.make(order: ["lo", "hi"], values: [("lo", 2), ("hi", 1)]) }
        #expect(throws: LabelScale.Problem.self) { try LabelScale.make(order: ["lo", "hi"], values: [("lo", 1)]) }
        #expect(throws: LabelScale.Problem.self) { try LabelScale.make(order: ["lo", "hi"], values: [("lo", 1), ("hi", 2), ("mid", 3)]) }
        #expect(throws: LabelScale.Problem.self) { try LabelScale.parseValues("lo=1,hi") }
        #expect(throws: LabelScale.Problem.self) { try LabelScale.parseValues("lo=1,hi=inf") }
        #expect(try LabelScale.parseValues("a=b=2, c = -1.5").map(\.label) == ["a=b", "c"])
    }

    @Test func anOrderAloneHasNoRatioUntilValuesGiveNumbers() throws {
        let path = Self.krippendorffFile(mapping: [1: "none", 2: "low", 3: "mid", 4: "high", 5: "top"])
        defer { try? FileManager.default.removeItem(atPath: path) }
        let order = ["none", "low", "mid", "high", "top"]
        let ordered = try LongFormatReader(scale: LabelScale.make(order: order, values: nil)).read(path: path)
        #expect(ordered.labelValueKind == .order)
        let report = AgreementReport(ordered, bootstrapSamples: 50)
        #expect(report.alphaRatio == nil)
        #expect(report.undefinedReasons["krippendorff_alpha.ratio"] == .noLabelNumbers)
        #expect(report.alphaIntervals[.ratio] == nil && report.alphaIntervals[.ordinal] != nil)
        // Positions are equally spaced, so interval and ordinal alpha match the numbers 1-5.
        #expect(isNear(report.alphaInterval, 0.8491071428571428))
        #expect(isNear(report.alphaOrdinal, 0.8153875037548814))
        #expect(report.text().contains("labels have an order but no numbers"))
        // Numbers for each label bring ratio alpha back: 1-5 gives the published 0.797.
        let values = order.enumerated().map { (label: $0.element, value: Double($0.offset + 1)) }
        let numbered = try LongFormatReader(scale: LabelScale.make(order: order, values: values)).read(path: path)
        #expect(isNear(numbered.krippendorffAlpha(level: .ratio), 0.7974027747116121))
        let valuesOnly = try LongFormatReader(scale: LabelScale.make(order: nil, values: values)).read(path: path)
        #expect(isNear(valuesOnly.krippendorffAlpha(level: .ratio), 0.7974027747116121))
        let scale = try #require(try LabelScale.make(order: nil, values: values))
        #expect(try ordered.withValues(of: scale).krippendorffAlpha(level: .ratio) == valuesOnly.krippendorffAlpha(level: .ratio))
    }

    @Test func weightedKappaCountsAnUnusedLabelOfTheOrder() throws {
        // scikit-learn 1.x cohen_kappa_score(y1, y2, labels=["none","low","mid","high","top"],
        // weights=...): linear 0.7083333333333333, quadratic 0.8656716417910448; with "mid" left
        // out of labels (used labels only): 0.6470588235294117 and 0.8181818181818181.
        let y1 = ["none", "low", "high", "top", "top", "high", "low", "none", "low", "high", "high", "top", "none", "low"]
        let y2 = ["none", "high", "high", "top", "high", "high", "low", "low", "none", "high", "top", "top", "none", "none"]
        var rows = ["item,annotator,label"]
        for i in y1.indices { rows.append("i\(i),a,\(y1[i])"); rows.append("i\(i),b,\(y2[i])") }
        let path = agreementTempFile(rows.joined(separator: "\n"), ext: "csv")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let full = try LongFormatReader(scale: LabelScale.make(order: ["none", "low", "mid", "high", "top"], values: nil)).read(path: path)
        #expect(isNear(full.weightedCohenKappa(weights: .linear), 0.7083333333333333))
        #expect(isNear(full.weightedCohenKappa(weights: .quadratic), 0.8656716417910448))
        let used = try LongFormatReader(scale: LabelScale.make(order: ["none", "low", "high", "top"], values: nil)).read(path: path)
        #expect(isNear(used.weightedCohenKappa(weights: .linear), 0.6470588235294117))
        #expect(isNear(used.weightedCohenKappa(weights: .quadratic), 0.8181818181818181))
    }

    @Test func ratioAlphaRefusesNegativeNumbers() {
        // -1 vs 1 on every item: total disagreement; a ratio scale has no values below zero.
        var b = RatingsBuilder()
        for i in 0..<20 { b.append(item: "i\(i)", annotator: "a", label: "-1"); b.append(item: "i\(i)", annotator: "b", label: "1") }
        b.labelValues = Ratings.numericValues(of: b.labels)
        let report = AgreementReport(b.build(), bootstrapSamples: 20)
        #expect(report.alphaRatio == nil)
        #expect(report.undefinedReasons["krippendorff_alpha.ratio"] == .negativeValuesForRatio)
        #expect((report.alphaInterval ?? 0) < 0)
    }
}
