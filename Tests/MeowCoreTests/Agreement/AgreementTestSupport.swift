import Foundation
import MeowCore

/// Test helpers: build `Ratings` from the table shapes the references use.
enum AgreementFixtures {
    /// Rows = annotators, columns = items (Krippendorff's "reliability data"
    /// layout); nil = missing. Labels are the numbers' text; with `numeric`
    /// the numbers are also the label values.
    static func reliability(_ rows: [[Int?]], numeric: Bool = true, annotatorPrefix: String = "r") -> Ratings {
        var builder = RatingsBuilder()
        for (a, row) in rows.enumerated() {
            for (i, value) in row.enumerated() {
                guard let value else { continue }
                builder.append(item: "u\(i + 1)", annotator: "\(annotatorPrefix)\(a + 1)", label: String(value))
            }
        }
        if numeric { builder.labelValues = Ratings.numericValues(of: builder.labels) }
        return builder.build()
    }

    /// Rows = items, columns = raters (R irr / statsmodels layout).
    static func itemsByRater(_ rows: [[Int]], numeric: Bool = true) -> Ratings {
        let raters = rows.first?.count ?? 0
        return reliability((0..<raters).map { r in rows.map { Optional($0[r]) } }, numeric: numeric)
    }

    /// Fleiss' layout: per item, how many raters chose each category.
    static func counts(_ table: [[Int]]) -> Ratings {
        var builder = RatingsBuilder()
        for (i, row) in table.enumerated() {
            var rater = 0
            for (k, n) in row.enumerated() {
                for _ in 0..<n {
                    builder.append(item: "s\(i + 1)", annotator: "rater\(rater)", label: "c\(k + 1)")
                    rater += 1
                }
            }
        }
        return builder.build()
    }

    /// Two annotators, one pair of labels per item.
    static func twoAnnotators(_ first: [Int], _ second: [Int], numeric: Bool = true) -> Ratings {
        reliability([first.map { Optional($0) }, second.map { Optional($0) }], numeric: numeric)
    }

    /// Seeded random reliability data: `annotators` × `items`, labels 1...labels,
    /// each annotation missing with probability `missing`.
    static func random(seed: UInt64, annotators: Int, items: Int, labels: Int, missing: Double, agreement: Double = 0.6) -> [[Int?]] {
        var rng = SplitMix64(seed: seed)
        let truth = (0..<items).map { _ in Int(rng.next(below: UInt64(labels))) + 1 }
        return (0..<annotators).map { _ in
            (0..<items).map { i -> Int? in
                if Double(rng.next() >> 11) / Double(1 << 53) < missing { return nil }
                if Double(rng.next() >> 11) / Double(1 << 53) < agreement { return truth[i] }
                return Int(rng.next(below: UInt64(labels))) + 1
            }
        }
    }
}

/// |actual - expected| <= tolerance, false for nil.
func isNear(_ actual: Double?, _ expected: Double, _ tolerance: Double = 1e-9) -> Bool {
    guard let actual else { return false }
    return abs(actual - expected) <= tolerance
}

/// A temporary file with these bytes, removed by the caller.
func agreementTempFile(_ bytes: [UInt8], ext: String) -> String {
    let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("meow-agree-\(UUID().uuidString).\(ext)").path
    _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
    return path
}

func agreementTempFile(_ text: String, ext: String) -> String { agreementTempFile(Array(text.utf8), ext: ext) }
