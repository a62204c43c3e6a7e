import Foundation
import Testing
import MeowCore

/// Issue 12: agreement for spans, comparisons and multi-label answers, on cases computed by
/// hand (and alpha cross-checked with Python's `krippendorff` 0.8, values in the comments).
@Suite struct TaskAgreementTests {
    static func s(_ start: Int, _ end: Int, _ label: String) -> Span { Span(start: start, end: end, label: label) }

    /// "Alice met Bob in Paris ." — tokens Alice 0-5, met 6-9, Bob 10-13, in 14-16, Paris 17-22, . 23-24.
    static let text = "Alice met Bob in Paris ."
    static let x = [s(0, 5, "PER"), s(10, 13, "PER"), s(17, 22, "LOC")]
    static let y = [s(0, 5, "PER"), s(10, 16, "PER"), s(17, 22, "ORG")]
    static let z = [s(0, 5, "PER"), s(17, 22, "LOC")]
    static let items = [
        SpanItemAnswers(item: "1", text: text, answers: [
            AnnotatorSpans(annotator: "y", spans: y), AnnotatorSpans(annotator: "x", spans: x), AnnotatorSpans(annotator: "z", spans: z)]),
        // One answer: not compared.
        SpanItemAnswers(item: "2", text: "Bob", answers: [AnnotatorSpans(annotator: "x", spans: [s(0, 3, "PER")])]),
    ]

    @Test func spanF1ExactAndOverlapByHand() {
        let a = SpanAgreement(Self.items, labels: ["PER", "LOC", "ORG"])
        #expect(a.items == 1 && a.annotators == 3 && a.spans == 8)
        // Pairs (x,y) exact 1 of 3+3, (x,z) 2 of 3+2, (y,z) 1 of 3+2: 2·4/16.
        #expect(a.exact == SpanMatchCount(matched: 4, spans: 16) && a.exact.f1 == 0.5)
        // Overlap adds Bob 10-13 ~ 10-16 (same label, shared "Bob") for (x,y); LOC vs ORG never match.
        #expect(a.overlap == SpanMatchCount(matched: 5, spans: 16) && a.overlap.f1 == 0.625)
        let rows = Dictionary(uniqueKeysWithValues: a.perLabel.map { ($0.label, ($0.exact, $0.overlap)) })
        #expect(a.perLabel.map(\.label) == ["PER", "LOC", "ORG"])
        #expect(rows["PER"]?.0 == SpanMatchCount(matched: 3, spans: 10) && rows["PER"]?.1.f1 == 0.8)
        #expect(rows["LOC"]?.0.f1 == 0.5 && rows["ORG"]?.0.f1 == 0)
        let xy = a.pairs.first { $0.a == "x" && $0.b == "y" }
        #expect(xy?.exact.matched == 1 && xy?.overlap.matched == 2 && xy?.items == 1)
        // Tokens: PER·3; none·3; PER,PER,none; none,PER,none; LOC,ORG,LOC; none·3 →
        // 1 − 17·6/202 (krippendorff.alpha nominal: 0.49504950495049505).
        #expect(a.tokens == 6)
        #expect(abs((a.tokenAlpha ?? -9) - 0.49504950495049505) < 1e-12)
    }

    @Test func overlapMatchingIsOneToOne() {
        // One long span over two short ones of the same label: one match, not two.
        let long = [Self.s(0, 13, "PER")], short = [Self.s(0, 5, "PER"), Self.s(10, 13, "PER")]
        #expect(SpanAgreement.matches(long, short, matching: .overlap) == ["PER": 1])
        #expect(SpanAgreement.matches(long, short, matching: .exact).isEmpty)
        // The larger overlap wins the greedy choice.
        let b = [Self.s(0, 3, "PER"), Self.s(2, 12, "PER")]
        #expect(SpanAgreement.matches([Self.s(1, 12, "PER")], b, matching: .overlap) == ["PER": 1])
    }

    @Test func emptyAnswersAreUndefinedF1ButCountInTokenAlpha() {
        let items = Self.items + [SpanItemAnswers(item: "3", text: "it rained", answers: [
            AnnotatorSpans(annotator: "x", spans: []), AnnotatorSpans(annotator: "y", spans: [])])]
        let a = SpanAgreement(items)
        #expect(a.exact.f1 == 0.5 && a.tokens == 8)
        // krippendorff.alpha with two more all-"none" tokens by x and y: 0.5401459854014599.
        #expect(abs((a.tokenAlpha ?? -9) - 0.5401459854014599) < 1e-12)
        let none = SpanAgreement([items[2]])
        #expect(none.exact.f1 == nil && none.tokenAlpha == nil)
        // Without texts (a labels file), F1 still, no token alpha.
        let noText = SpanAgreement(Self.items.map { SpanItemAnswers(item: $0.item, text: nil, answers: $0.answers) })
        #expect(noText.exact.f1 == 0.5 && noText.tokenAlpha == nil && noText.tokens == 0)
    }

    @Test func positionBiasCountsDecisiveAnswersOnly() {
        var b = PositionBias()
        b.add(.a, shownFirst: .a)   // first preferred
        b.add(.b, shownFirst: .a)   // second preferred
        b.add(.b, shownFirst: .b)   // first preferred
        b.add(.tie, shownFirst: .a) // not counted
        b.add(.a, shownFirst: nil)  // not counted: side unknown
        #expect(b.decisive == 3 && b.preferredFirst == 2 && b.notCounted == 2 && b.rate == 2.0 / 3)
        #expect(PositionBias().rate == nil)
    }

    @Test func multiLabelPerLabelAlpha() {
        // p: {toxic,insult}, {toxic}, {}, {insult}; q: {toxic}, {toxic}, {insult}, {insult}; r: item 2 {toxic,insult}, item 3 {}.
        var b = RatingsBuilder(labels: ["toxic", "insult"])
        for (item, annotator, label) in [("1", "p", "toxic,insult"), ("2", "p", "toxic"), ("3", "p", ""), ("4", "p", "insult"),
                                         ("1", "q", "toxic"), ("2", "q", "toxic"), ("3", "q", "insult"), ("4", "q", "insult"),
                                         ("2", "r", "toxic,insult"), ("3", "r", "")] {
            b.append(item: item, annotator: annotator, label: label)
        }
        let m = MultiLabelAgreement(b.build(), labels: ["toxic", "insult"])
        #expect(m.perLabel.map(\.label) == ["toxic", "insult"])
        #expect(m.perLabel.map(\.answers) == [5, 5])
        // krippendorff.alpha: toxic 1.0, insult -0.08000000000000007, mean 0.46.
        #expect(abs((m.perLabel[0].alpha ?? -9) - 1) < 1e-12)
        #expect(abs((m.perLabel[1].alpha ?? -9) - (-0.08)) < 1e-12)
        #expect(abs((m.meanAlpha ?? -9) - 0.46) < 1e-12)
    }

    @Test func nominalUnitAlphaMatchesRatingsAlpha() {
        // The same data through the item machinery and through unit counts.
        var b = RatingsBuilder()
        var units = NominalUnitAlpha()
        let data: [[String]] = [["a", "a", "b"], ["b", "b"], ["a", "c", "c"], ["c", "c", "c"], ["a"]]
        for (i, values) in data.enumerated() {
            for (j, v) in values.enumerated() { b.append(item: "\(i)", annotator: "\(j)", label: v) }
            units.add(values: values.map { Int32(["a", "b", "c"].firstIndex(of: $0) ?? 0) })
        }
        let expected = b.build().krippendorffAlpha(level: .nominal)
        #expect(expected != nil && abs((units.alpha ?? -9) - (expected ?? 0)) < 1e-12)
        #expect(units.units == 4)
    }

    @Test func jsonHasTheDocumentedFields() throws {
        let task = TaskAgreement(spans: SpanAgreement(Self.items, labels: ["PER", "LOC", "ORG"]))
        var b = RatingsBuilder(); b.append(item: "1", annotator: "x", label: "a"); b.append(item: "1", annotator: "y", label: "a")
        let data = try JSONEncoder().encode(AgreementOutput(report: AgreementReport(b.build(), bootstrapSamples: 0), task: task))
        let json = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(json["krippendorff_alpha"] != nil)
        let spans = try #require(json["spans"] as? [String: Any])
        #expect(Set(spans.keys) == ["items", "annotators", "spans", "exact", "overlap", "per_label", "pairwise", "token_alpha", "tokens"])
        #expect((spans["exact"] as? [String: Any])?["f1"] as? Double == 0.5)
        #expect(((spans["per_label"] as? [String: Any])?["PER"] as? [String: Any])?["overlap_f1"] as? Double == 0.8)
        #expect(task.text().contains("span F1, exact match"))
    }

    @Test func twoHalvesGiveTheSameCountsAsOnePass() {
        // 20,000+ items are counted in two halves at once; the small path counts in one.
        var rng = SplitMix64(seed: 3)
        var data: [SpanItemAnswers] = []
        for i in 0..<20_002 {
            let labels = ["PER", "LOC", "ORG", "MISC"]
            func answer(_ who: String) -> AnnotatorSpans {
                var spans: [Span] = []
                if rng.next() % 3 != 0 { spans.append(Span(start: 0, end: 5, label: labels[Int(rng.next() % 4)])) }
                if rng.next() % 2 == 0 { spans.append(Span(start: 9, end: 14 + Int(rng.next() % 2) * 7, label: labels[Int(rng.next() % 4)])) }
                return AnnotatorSpans(annotator: who, spans: spans)
            }
            data.append(SpanItemAnswers(item: "\(i)", text: "Alice met Bobby in Paris", answers: ["a", "b", "c", "d"].prefix(2 + i % 3).map(answer)))
        }
        let whole = SpanAgreement(data), parts = [SpanAgreement(Array(data[..<10_001])), SpanAgreement(Array(data[10_001...]))]
        #expect(whole.exact.matched == parts.map(\.exact.matched).reduce(0, +) && whole.overlap.spans == parts.map(\.overlap.spans).reduce(0, +))
        #expect(whole.tokens == parts.map(\.tokens).reduce(0, +) && whole.items == 20_002)
        // Token alpha from the merged halves equals alpha over the same units counted in one pass.
        var one = NominalUnitAlpha()
        for item in data {
            let tokens = TextTokens(item.text ?? "")
            for r in tokens.ranges {
                let values = item.answers.map { a -> Int32 in
                    guard let s = a.spans.first(where: { $0.start < r.upperBound && r.lowerBound < $0.end }) else { return 0 }
                    return Int32(["PER", "LOC", "ORG", "MISC"].firstIndex(of: s.label) ?? 0) + 1
                }
                one.add(values: values)
            }
        }
        #expect(abs((whole.tokenAlpha ?? -9) - (one.alpha ?? 9)) < 1e-9)
        let perLabel = Dictionary(uniqueKeysWithValues: whole.perLabel.map { ($0.label, $0.exact) })
        #expect(perLabel.values.map(\.matched).reduce(0, +) == whole.exact.matched)
    }

    @Test func asciiTokensMatchTheGeneralRules() {
        for text in ["Hello, world! It's 3.5 km_away.", "a\tb\r\nc\u{7}d  e#f*g", "", "   ", "x", "(ok) [no] {maybe} ~^`|"] {
            #expect(TextTokens.ranges(of: text) == TextTokens(text).ranges, "\(text)")
        }
        #expect(TextTokens.ranges(of: "Tōkyō 東京 👍🏽") == TextTokens("Tōkyō 東京 👍🏽").ranges)
    }

    /// Token values are sets of labels, not joined names: a label called `none` is not "no
    /// span", and `A+B` is not A and B on one token. Units (alice, bob): t1 three tokens
    /// ({none}, {}), t2 ({A, B}, {A+B}) and ({}, {}), t3 ({A}, {B}) and ({}, {}). python
    /// krippendorff 0.1.1, nominal, codes 0 {} 1 {none} 2 {A,B} 3 {A+B} 4 {A} 5 {B}:
    /// `alpha([[1,1,1,2,0,4,0],[0,0,0,3,0,5,0]])` = 0.02985074626865658.
    @Test func tokenValuesAreLabelSetsNotNames() throws {
        func answers(_ a: [Span], _ b: [Span]) -> [AnnotatorSpans] {
            [AnnotatorSpans(annotator: "alice", spans: a), AnnotatorSpans(annotator: "bob", spans: b)]
        }
        let items = [
            SpanItemAnswers(item: "t1", text: "abc def ghij", answers: answers(
                [Span(start: 0, end: 3, label: "none"), Span(start: 4, end: 7, label: "none"), Span(start: 8, end: 12, label: "none")], [])),
            SpanItemAnswers(item: "t2", text: "abcd efg", answers: answers(
                [Span(start: 0, end: 4, label: "A"), Span(start: 0, end: 4, label: "B")], [Span(start: 0, end: 4, label: "A+B")])),
            SpanItemAnswers(item: "t3", text: "abcd efg", answers: answers([Span(start: 0, end: 4, label: "A")], [Span(start: 0, end: 4, label: "B")])),
        ]
        let a = SpanAgreement(items, labels: ["none", "A", "B", "A+B"])
        #expect(a.tokens == 7)
        #expect(abs((a.tokenAlpha ?? -9) - 0.02985074626865658) < 1e-12)
    }

    /// The fast tally and the plain matching rule agree: on seeded random answers, matched
    /// spans summed over every pair of annotators equal `matches` pair by pair.
    @Test(arguments: [UInt64(1), 2, 3])
    func tallyEqualsThePlainMatchingRule(seed: UInt64) {
        var rng = SplitMix64(seed: seed)
        let text = "one two three four five six seven eight nine ten"
        let tokens = TextTokens(text).ranges
        var items: [SpanItemAnswers] = []
        for i in 0..<40 {
            let answers = ["a", "b", "c"].map { who -> AnnotatorSpans in
                var spans = Set<Span>()
                for _ in 0..<Int(rng.next(below: 4)) {
                    let s = Int(rng.next(below: UInt64(tokens.count))), e = min(tokens.count - 1, s + Int(rng.next(below: 3)))
                    spans.insert(Span(start: tokens[s].lowerBound, end: tokens[e].upperBound, label: ["PER", "LOC"][Int(rng.next(below: 2))]))
                }
                return AnnotatorSpans(annotator: who, spans: spans.sorted())
            }
            items.append(SpanItemAnswers(item: "i\(i)", text: text, answers: answers))
        }
        var exact = 0, overlap = 0
        for item in items {
            for (i, x) in item.answers.enumerated() {
                for y in item.answers[(i + 1)...] {
                    exact += SpanAgreement.matches(x.spans, y.spans, matching: .exact).values.reduce(0, +)
                    overlap += SpanAgreement.matches(x.spans, y.spans, matching: .overlap).values.reduce(0, +)
                }
            }
        }
        let tally = SpanAgreement(items)
        #expect(tally.exact.matched == exact && tally.overlap.matched == overlap)
        #expect(exact > 0 && overlap > exact)
    }
}
