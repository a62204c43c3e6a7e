/// How answers and final values of each task appear in exports: the JSON fields beside
/// `label`, CoNLL lines for spans and preference pairs for comparisons.
public enum TaskExport {
    /// The fields an export row adds for its task, as JSON text starting with a comma:
    /// spans `,"spans":[{"start","end","label","text"}]` (the covered text, so a reader sees
    /// what the offsets mean), `,"rating":4`, `,"choice":"a"` with the pair's `prompt`, `a`
    /// and `b` (and `,"shown_first":"b"` when the answer's value JSON records it). Nothing for classify and multi-label.
    public static func jsonFields(task: Guideline.Task, column: String, valueJSON: String? = nil, text: String) -> String {
        guard let value = AnswerValue(column: column, task: task) else { return "" }
        switch value {
        case .labels: return ""
        case .spans(let spans):
            let scalars = Array(text.unicodeScalars)
            return ",\"spans\":[" + spans.map {
                "{\"start\":\($0.start),\"end\":\($0.end),\"label\":" + JSONText.quoted($0.label) + ",\"text\":" + JSONText.quoted($0.text(in: scalars)) + "}"
            }.joined(separator: ",") + "]"
        case .rating(let n): return ",\"rating\":\(n)"
        case .choice(let c, _):
            var out = ",\"choice\":" + JSONText.quoted(c.rawValue)
            // The pair's parts as fields of their own (the text is their canonical JSON).
            if let pair = ComparePair(text: text) {
                out += ",\"prompt\":" + (pair.prompt.map(JSONText.quoted) ?? "null") + ",\"a\":" + JSONText.quoted(pair.a) + ",\"b\":" + JSONText.quoted(pair.b)
            }
            if let shown = valueJSON.flatMap(Self.shownFirst) { out += ",\"shown_first\":" + JSONText.quoted(shown.rawValue) }
            return out
        }
    }

    /// `shown_first` of a choice's value JSON (`{"choice":"a","shown_first":"b"}`).
    static func shownFirst(_ json: String) -> PairSide? {
        guard let range = json.range(of: "\"shown_first\":\"") else { return nil }
        return PairSide(rawValue: String(json[range.upperBound...].prefix(1)))
    }

    /// One item in CoNLL form: a line per token (`TextTokens`), the token and its BIO tag
    /// separated by a tab (`B-PER` opens a span, `I-PER` continues it, `O` is outside),
    /// then a blank line. Tokens hold no white space, so the columns split safely. Where
    /// spans overlap (a guideline may allow it), BIO has room for one: the first span in text
    /// order (the outer one) tags the token. A span whose edges are not on token edges (a
    /// guideline without `snap_to_tokens`) tags every token it touches: see `widened`.
    public static func conll(text: String, spans: [Span]) -> String {
        let tokens = TextTokens(text)
        var tags = Array(repeating: "O", count: tokens.ranges.count)
        for s in spans.sorted() {
            guard var t = tokens.token(at: s.start) else { continue }
            var first = true
            while t < tokens.ranges.count, tokens.ranges[t].lowerBound < s.end {
                if tags[t] == "O" { tags[t] = (first ? "B-" : "I-") + s.label }
                first = false
                t += 1
            }
        }
        let scalars = Array(text.unicodeScalars)
        var out = ""
        for (range, tag) in zip(tokens.ranges, tags) {
            var token = String.UnicodeScalarView()
            token.append(contentsOf: scalars[range])
            out += String(token) + "\t" + tag + "\n"
        }
        return out + "\n"
    }

    /// The spans whose edges fall inside a token, so CoNLL's whole tokens widen them.
    public static func widened(text: String, spans: [Span]) -> Int {
        let tokens = TextTokens(text)
        return spans.filter { !tokens.isOnBoundaries(start: $0.start, end: $0.end) }.count
    }

    /// A preference pair `{"item","prompt","chosen","rejected"}` for a decisive final choice
    /// (`a` or `b`); nil for a tie, both bad, or a text that is not a pair.
    public static func pair(item: String, text: String, choice: String) -> String? {
        guard let c = PairChoice(rawValue: choice), c == .a || c == .b, let pair = ComparePair(text: text) else { return nil }
        let chosen: PairSide = c == .a ? .a : .b
        return "{\"item\":" + JSONText.quoted(item) + ",\"prompt\":" + (pair.prompt.map(JSONText.quoted) ?? "null")
            + ",\"chosen\":" + JSONText.quoted(pair.candidate(chosen)) + ",\"rejected\":" + JSONText.quoted(pair.candidate(chosen.other)) + "}\n"
    }
}
