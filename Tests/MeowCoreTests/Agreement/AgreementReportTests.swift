import Foundation
import Testing
@testable import MeowCore

@Suite struct AgreementReportTests {
    static func json(_ report: AgreementReport) throws -> [String: Any] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let data = try encoder.encode(report)
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// The value and reading columns of the coefficient row named `name`.
    static func row(_ text: String, _ name: String) -> [String]? {
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix(name + "  ") }) else { return nil }
        let rest = line.dropFirst(name.count).drop(while: { $0 == " " })
        guard let gap = rest.range(of: "  ") else { return [String(rest)] }
        return [String(rest[..<gap.lowerBound]), String(rest[gap.upperBound...].drop(while: { $0 == " " }))]
    }

    @Test func jsonHasExactlyTheDocumentedFields() throws {
        let ratings = AgreementFixtures.reliability(AgreementPublishedValuesTests.krippendorff2011)
        let report = AgreementReport(ratings, bootstrapSamples: 100, seed: 3)
        let object = try Self.json(report)
        #expect(Set(object.keys) == ["items", "annotators", "annotations", "items_total", "annotations_total", "items_single_rated",
                                     "percent_agreement", "krippendorff_alpha", "weighted_kappa",
                                     "fleiss_kappa", "gwet_ac1", "cohen_kappa", "pairwise", "per_label", "bootstrap"])
        // Counts say what was used: unit 12 has one value (Krippendorff 2011's 12 units, 41 values).
        #expect(object["items_total"] as? Int == 12)
        #expect(object["items_single_rated"] as? Int == 1)
        #expect(object["annotations_total"] as? Int == 41)
        let weighted = try #require(object["weighted_kappa"] as? [String: Any])
        #expect(weighted["linear"] is NSNull && weighted["quadratic"] is NSNull, "four annotators: weighted kappa is for two")
        let boot = try #require(object["bootstrap"] as? [String: Any])
        #expect(boot["samples"] as? Int == 100 && boot["seed"] as? Int == 3)
        let range = try #require(boot["alpha_nominal"] as? [String: Any])
        #expect(report.alphaNominalInterval != nil)
        #expect(isNear(range["low"] as? Double, report.alphaNominalInterval?.lower ?? .nan) && isNear(range["high"] as? Double, report.alphaNominalInterval?.upper ?? .nan))
        #expect(object["items"] as? Int == 11)         // unit 12 has one value
        #expect(object["annotators"] as? Int == 4)
        #expect(object["annotations"] as? Int == 40)   // n.. in Krippendorff (2011)
        let alpha = try #require(object["krippendorff_alpha"] as? [String: Any])
        #expect(Set(alpha.keys) == ["nominal", "ordinal", "interval", "ratio"])
        #expect(isNear(alpha["ratio"] as? Double, report.alphaRatio ?? .nan))
        #expect(isNear(alpha["nominal"] as? Double, 0.743421052631579))
        #expect(isNear(alpha["interval"] as? Double, 0.8491071428571428))
        #expect(object["cohen_kappa"] is NSNull)       // 4 annotators
        let pairwise = try #require(object["pairwise"] as? [[String: Any]])
        #expect(pairwise.count == 6)
        #expect(Set(pairwise[0].keys) == ["a", "b", "items", "cohen_kappa", "percent_agreement"])
        #expect(pairwise[0]["a"] as? String == "r1" && pairwise[0]["b"] as? String == "r2")
        let perLabel = try #require(object["per_label"] as? [String: [String: Any]])
        #expect(Set(perLabel.keys) == ["1", "2", "3", "4", "5"])
        #expect(Set(perLabel["1"]!.keys) == ["count", "specific_agreement"])
        // Extras stay out of the JSON but are available in Swift.
        #expect(isNear(report.alphaRatio, 0.7974027747116121))
        #expect(report.alphaNominalInterval != nil)
        #expect(report.confusions.first != nil)
    }

    @Test func undefinedValuesAreNullNotMissing() throws {
        var builder = RatingsBuilder()
        builder.append(item: "1", annotator: "a", label: "yes")
        builder.append(item: "1", annotator: "b", label: "yes")
        builder.append(item: "2", annotator: "a", label: "yes")
        builder.append(item: "3", annotator: "a", label: "maybe") // single-rated
        let report = AgreementReport(builder.build())
        let object = try Self.json(report)
        #expect(object.count == 15)   // the 14 fields and, with the default bootstrap, `bootstrap`
        let alpha = try #require(object["krippendorff_alpha"] as? [String: Any])
        #expect(alpha["nominal"] is NSNull)   // no expected disagreement
        #expect(alpha["ordinal"] is NSNull)   // no values
        #expect(alpha["interval"] is NSNull)
        #expect(object["fleiss_kappa"] is NSNull == false) // two labels in the input: pe < 1
        #expect(object["cohen_kappa"] is NSNull)
        #expect(object["percent_agreement"] as? Double == 1)
        let pair = try #require((object["pairwise"] as? [[String: Any]])?.first)
        #expect(pair["cohen_kappa"] is NSNull)
        let perLabel = try #require(object["per_label"] as? [String: [String: Any]])
        #expect(perLabel["maybe"]?["specific_agreement"] is NSNull)
        #expect(perLabel["maybe"]?["count"] as? Int == 0)
        #expect(report.undefinedReasons["krippendorff_alpha.ordinal"] == .noLabelValues)
    }

    @Test func textExplainsValuesAndNulls() {
        let ratings = AgreementFixtures.reliability(AgreementPublishedValuesTests.krippendorff2011)
        let text = AgreementReport(ratings, bootstrapSamples: 200).text()
        #expect(Self.row(text, "Krippendorff's alpha, nominal") == ["0.743", "tentative conclusions only (0.667-0.800)"])
        #expect(Self.row(text, "Krippendorff's alpha, ordinal") == ["0.815", "reliable (>= 0.800)"])
        #expect(Self.row(text, "Fleiss' kappa") == ["0.761", "substantial (above 0.60 to 0.80)"])
        #expect(Self.row(text, "Gwet's AC1") == ["0.775", "substantial (above 0.60 to 0.80)"])
        #expect(text.contains("Fleiss' kappa"))
        #expect(text.contains("substantial"))
        #expect(text.contains("clarify the guideline where these labels meet"))
        #expect(Self.row(text, "Cohen's kappa") == ["—", "undefined: needs exactly 2 annotators, the input has 4"])
        #expect(text.contains("95% bootstrap interval"))
        #expect(text.contains("1 item with a single annotation not compared"))
        #expect(!text.contains("nan"))
        // Per-label and pairwise nulls are explained too.
        var builder = RatingsBuilder(labels: ["ok", "bad"])
        for (item, annotator) in [("1", "a"), ("1", "b"), ("2", "a"), ("2", "b")] { builder.append(item: item, annotator: annotator, label: "ok") }
        let other = AgreementReport(builder.build()).text()
        #expect(other.contains("bad: specific agreement undefined: the label is not used on any pairable item"))
        #expect(other.contains("pairwise a / b: Cohen's kappa undefined: no expected disagreement"))
    }

    @Test func kappaBandsInText() {
        let y1 = [1, 1, 1, 1, 1, 1, 2, 2, 1, 1], y2 = [1, 1, 1, 1, 1, 1, 2, 2, 2, 2]
        let text = AgreementReport(AgreementFixtures.twoAnnotators(y1, y2, numeric: false)).text()
        #expect(Self.row(text, "Cohen's kappa") == ["0.545", "moderate (above 0.40 to 0.60)"])
        #expect(Self.row(text, "Weighted kappa, linear")?.last?.hasPrefix("undefined: labels have no numeric values or order") == true)
    }

    /// Every value has a band that names it: 0.602 was read as "substantial (0.61-0.80)".
    @Test func kappaBandsCoverEveryValue() {
        #expect(AgreementReport.kappaReading(0.602) == "substantial (above 0.60 to 0.80)")
        #expect(AgreementReport.kappaReading(0.6) == "moderate (above 0.40 to 0.60)")
        #expect(AgreementReport.kappaReading(0.205) == "fair (above 0.20 to 0.40)")
        #expect(AgreementReport.kappaReading(0.2) == "slight (0 to 0.20)")
        #expect(AgreementReport.kappaReading(0.8004) == "substantial (above 0.60 to 0.80)")
        #expect(AgreementReport.kappaReading(-0.01) == "poor (< 0)")
    }

    /// Fewer than 10 compared items: the text and the HTML say the numbers are unstable.
    @Test func smallSamplesCarryAWarning() {
        func report(items n: Int) -> AgreementReport {
            var b = RatingsBuilder()
            for i in 0..<n { for a in ["x", "y"] { b.append(item: "i\(i)", annotator: a, label: i % 3 == 0 && a == "y" ? "no" : "yes") } }
            return AgreementReport(b.build())
        }
        let small = report(items: 4)
        #expect(small.text().contains("warning: only 4 items have 2 or more annotations"))
        #expect(small.html(title: "t", ratings: { var b = RatingsBuilder(); b.append(item: "a", annotator: "x", label: "y"); return b.build() }()).contains("Small sample"))
        let enough = report(items: 12)
        #expect(!enough.text().contains("warning: only"))
        #expect(enough.smallSampleWarning == nil)
    }

    /// Everything the text shows is in the HTML too: ratio alpha, weighted kappas, the interval.
    @Test func htmlShowsWhatTheTextShows() {
        let ratings = AgreementFixtures.reliability(AgreementPublishedValuesTests.krippendorff2011)
        let html = AgreementReport(ratings, bootstrapSamples: 100, seed: 3).html(title: "t", ratings: ratings)
        for row in ["Krippendorff's alpha (ratio)", "Weighted kappa (linear)", "Weighted kappa (quadratic)", "95% bootstrap interval of nominal alpha"] {
            #expect(html.contains(row.replacingOccurrences(of: "'", with: "&#39;")) || html.contains(row), "\(row)")
        }
    }
}
