import Foundation
import MeowCore

extension Suite {
    /// Span agreement (issue 12): 100,000 news-like sentences, 3 annotators with 2-4 spans each
    /// (mostly the same spans, some shifted, relabeled or missing), pairwise exact and overlap
    /// F1 and token alpha computed in process. Target < 1 s.
    func spanAgreementRow() {
        let items = 100_000
        var rng = SplitMix64(seed: 12)
        let words = ["Angela", "Merkel", "met", "the", "board", "of", "Siemens", "in", "Munich", "on", "Friday", "and", "said", "prices", "would", "rise", "."]
        var data: [SpanItemAnswers] = []
        data.reserveCapacity(items)
        for i in 0..<items {
            var text = "", starts: [(Int, Int)] = []
            for w in 0..<14 {
                let word = words[Int(rng.next() % UInt64(words.count))]
                if w > 0 { text += " " }
                let start = text.unicodeScalars.count
                text += word
                starts.append((start, start + word.unicodeScalars.count))
            }
            let base = (0..<3).map { k -> Span in
                let t = (k * 4 + Int(rng.next() % 3)) % starts.count
                return Span(start: starts[t].0, end: starts[t].1, label: ["PER", "ORG", "LOC"][k])
            }
            var answers: [AnnotatorSpans] = []
            for a in ["ann1", "ann2", "ann3"] {
                var spans = base
                switch rng.next() % 6 {
                case 0: spans.removeLast()
                case 1: spans[0].label = "ORG"
                case 2: spans[1].end = max(spans[1].end, starts[7].1)
                default: break
                }
                answers.append(AnnotatorSpans(annotator: a, spans: spans.sorted()))
            }
            data.append(SpanItemAnswers(item: "i\(i)", text: text, answers: answers))
        }
        var times: [Double] = []
        var result: SpanAgreement?
        for _ in 0..<max(reps, 1) {
            let t = nowNs()
            result = SpanAgreement(data, labels: ["PER", "ORG", "LOC"])
            times.append(seconds(since: t))
        }
        let m = median(times)
        let detail = result.map { String(format: "exact F1 %.3f, overlap F1 %.3f, token alpha %.3f on %@ tokens", $0.exact.f1 ?? .nan, $0.overlap.f1 ?? .nan, $0.tokenAlpha ?? .nan, fmtCount($0.tokens)) } ?? ""
        add("agreement", "span agreement on \(fmtCount(items)) items, 3 annotators (pairwise exact + overlap F1, token alpha; in process) (n=\(times.count))",
            meow: "\(fmtDuration(m)) (\(detail))", target: "< 1 s", m < 1 ? .pass : .miss)
    }
}
