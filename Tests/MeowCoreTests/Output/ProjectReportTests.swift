import Foundation
import Testing
@testable import MeowCore

/// `meow report`'s page and JSON from hand-made data: well-formed, escaped, honest about
/// empty and undefined values.
@Suite("Project report")
struct ProjectReportTests {
    static let hostile = "<script>alert('x')</script>"

    /// A report touching every section, with markup in every user string.
    static func sample() -> ProjectReport {
        ProjectReport(
            project: "p<b>&", task: "classify", guidelineVersion: 2, generatedAt: "2026-11-30T12:00:00.000Z", items: 10, answers: 9,
            progress: .make(perHour: [("2026-11-30T09", 4), ("2026-11-30T11", 5)]),
            annotators: [
                .init(name: "ann\"<i>", answers: 5, timedAnswers: 4, activeSeconds: 120, goldChecks: 4, goldCorrect: 3,
                      qualification: .init(state: "passed", round: 1, correct: 3, total: 3)),
                .init(name: "bob", answers: 4, timedAnswers: 0, activeSeconds: 0, goldChecks: 0, goldCorrect: 0, qualification: nil),
            ],
            agreementByVersion: [.init(version: 1, answers: 6, pairableItems: 3, alphaNominal: -0.25, percentAgreement: 0.5),
                                 .init(version: 2, answers: 3, pairableItems: 0, alphaNominal: .nan, percentAgreement: nil)],
            labels: [.init(label: hostile, count: 5), .init(label: "neg", count: 4)],
            confusion: .init(labels: [hostile, "neg"], counts: [[2, 1], [1, 1]], items: 3, pairs: 4),
            consensus: .init(final: 2, disputed: 1, pending: 7),
            frozenSets: [.init(name: "test<1>", size: 2, setHash: "ab12", createdAt: "2026-11-30T12:00:00.000Z", createdBy: "admin&co")])
    }

    static func empty() -> ProjectReport {
        ProjectReport(project: "empty", task: "classify", guidelineVersion: 1, generatedAt: "2026-11-30T12:00:00.000Z", items: 0, answers: 0,
                      progress: .make(perHour: []), annotators: [], agreementByVersion: [], labels: [],
                      confusion: .init(labels: [], counts: [], items: 0, pairs: 0), consensus: .init(final: 0, disputed: 0, pending: 0),
                      frozenSets: [])
    }

    @Test func thePageIsWellFormedAndEscapesEveryUserString() throws {
        let html = Self.sample().html()
        try HTMLCheck.balanced(html)
        // Markup from the data never becomes markup.
        #expect(!html.contains("<script"))
        #expect(!html.contains("<b>&") && !html.contains("<i>") && !html.contains("test<1>"))
        #expect(html.contains("&lt;script&gt;alert('x')&lt;/script&gt;"))
        #expect(html.contains("p&lt;b&gt;&amp;") && html.contains("ann&quot;&lt;i&gt;") && html.contains("admin&amp;co"))
        // Every chart draws something; all eight sections are there.
        let svgs = HTMLCheck.svgBodies(html)
        #expect(svgs.count >= 7)
        for body in svgs { #expect(body.contains("<rect") || body.contains("<polyline") || body.contains("<circle")) }
        for heading in ["Progress over time", "Throughput per annotator", "Gold accuracy per annotator", "Agreement by guideline version",
                        "Label distribution", "Confusion between annotators", "Consensus", "Frozen test sets"] {
            #expect(html.contains("<h2>\(heading)</h2>"))
        }
        // Undefined numbers: a dash, never NaN; nothing fetched, nothing run.
        #expect(html.contains("—"))
        #expect(!html.lowercased().contains("nan<") && !html.contains("NaN") && !html.contains("inf<"))
        #expect(!html.contains("http://") && !html.contains("https://") && !html.contains("<script") && !html.contains("<link"))
    }

    @Test func anEmptyProjectShowsMessagesInsteadOfCharts() throws {
        let html = Self.empty().html()
        try HTMLCheck.balanced(html)
        #expect(!html.contains("<svg"))
        #expect(html.components(separatedBy: "class=\"empty\"").count - 1 == 8)
        #expect(html.contains("No answers yet.") && html.contains("No frozen test set yet."))
    }

    @Test func theJSONHasEveryKeyWithNullForUndefinedNumbers() throws {
        let data = try JSONEncoder().encode(Self.sample())
        let text = String(decoding: data, as: UTF8.self)
        #expect(!text.contains("NaN") && !text.contains("nan"))
        let root = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let versions = try #require(root["agreement_by_version"] as? [[String: Any]])
        #expect(versions[0]["krippendorff_alpha_nominal"] as? Double == -0.25)
        #expect(versions[1]["krippendorff_alpha_nominal"] is NSNull && versions[1]["percent_agreement"] is NSNull)
        let people = try #require(root["annotators"] as? [[String: Any]])
        #expect(people[0]["items_per_hour"] as? Double == 120)
        #expect(people[0]["gold_accuracy"] as? Double == 0.75)
        #expect(people[1]["items_per_hour"] is NSNull && people[1]["gold_accuracy"] is NSNull && people[1]["qualification"] is NSNull)
        let consensus = try #require(root["consensus"] as? [String: Int])
        #expect(consensus == ["final": 2, "disputed": 1, "pending": 7])
        #expect((root["frozen_sets"] as? [[String: Any]])?.first?["set_hash"] as? String == "ab12")
    }

    @Test func progressIsHourlyForShortSpansDailyForLongOnesWithGapsFilled() {
        let hourly = ProjectReport.Progress.make(perHour: [("2026-11-30T22", 2), ("2026-12-01T01", 3)])
        #expect(hourly.granularity == .hour)
        #expect(hourly.buckets.map(\.start) == ["2026-11-30T22", "2026-11-30T23", "2026-12-01T00", "2026-12-01T01"])
        #expect(hourly.buckets.map(\.answers) == [2, 0, 0, 3] && hourly.buckets.map(\.cumulative) == [2, 2, 2, 5])
        let daily = ProjectReport.Progress.make(perHour: [("2026-02-27T10", 1), ("2026-02-27T18", 1), ("2026-03-02T11", 4)])   // 73 hours: daily
        #expect(daily.granularity == .day)
        #expect(daily.buckets.map(\.start) == ["2026-02-27", "2026-02-28", "2026-03-01", "2026-03-02"])
        #expect(daily.buckets.map(\.cumulative) == [2, 2, 2, 6])
        #expect(ProjectReport.Progress.make(perHour: []).buckets.isEmpty)
    }

    @Test func confusionCountsEachPairOfAnswersToAnItemOnce() {
        var b = RatingsBuilder(labels: ["pos", "neg", "mix"])
        b.append(item: "1", annotator: "a", label: "pos"); b.append(item: "1", annotator: "b", label: "pos"); b.append(item: "1", annotator: "c", label: "neg")
        b.append(item: "2", annotator: "a", label: "neg"); b.append(item: "2", annotator: "b", label: "neg")
        b.append(item: "3", annotator: "a", label: "mix")   // one answer: not compared
        let c = ProjectReport.Confusion.make(b.build())
        #expect(c.items == 2 && c.pairs == 4)
        #expect(c.labels == ["pos", "neg"])   // mix is never in a pair
        #expect(c.counts == [[1, 2], [2, 1]])
    }

    @Test func labelCountsSplitMultiLabelAnswersAndFollowRenames() {
        let counts = ProjectReport.LabelCount.make(columns: [("a,b", 2), ("b", 1), ("old", 3), ("zz", 1)], task: .multilabel,
                                                   order: ["a", "b", "new"], renames: ["old": "new"])
        #expect(counts == [.init(label: "a", count: 2), .init(label: "b", count: 3), .init(label: "new", count: 3), .init(label: "zz", count: 1)])
    }
}

/// A small checker for the HTML meow writes: every element it opens is closed in order.
enum HTMLCheck {
    struct Problem: Error, CustomStringConvertible { var description: String }
    static let void: Set<String> = ["meta", "br", "img", "input", "link", "hr"]

    /// Throws at the first tag that closes something other than the innermost open element.
    static func balanced(_ html: String) throws {
        var stack: [String] = []
        var rest = Substring(html)
        while let open = rest.firstIndex(of: "<") {
            guard let close = rest[open...].firstIndex(of: ">") else { throw Problem(description: "a '<' without '>'") }
            let tag = rest[rest.index(after: open)..<close]
            rest = rest[rest.index(after: close)...]
            if tag.hasPrefix("!") { continue }
            let selfClosing = tag.hasSuffix("/")
            let name = tag.drop(while: { $0 == "/" }).prefix(while: { $0.isLetter || $0.isNumber }).lowercased()
            guard !name.isEmpty else { throw Problem(description: "an unescaped '<' before '\(tag.prefix(20))'") }
            if tag.hasPrefix("/") {
                guard stack.last == name else { throw Problem(description: "</\(name)> closes <\(stack.last ?? "nothing")>") }
                stack.removeLast()
            } else if !selfClosing && !void.contains(name) {
                stack.append(name)
            }
        }
        if !stack.isEmpty { throw Problem(description: "left open: \(stack)") }
    }

    /// The content of each `<svg>` element.
    static func svgBodies(_ html: String) -> [String] {
        html.components(separatedBy: "<svg").dropFirst().map { part in
            let body = part.drop(while: { $0 != ">" }).dropFirst()
            return String(body.prefix(upTo: body.range(of: "</svg>")?.lowerBound ?? body.endIndex))
        }
    }
}
