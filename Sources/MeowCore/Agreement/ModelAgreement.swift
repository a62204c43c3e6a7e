import Foundation

/// How far a model's suggestions agree with people, and how often people take them as they are.
/// Answers are compared whole (the label column: one label, a set of labels, a set of spans),
/// as the report's top-level coefficients compare them.
///
/// Per model: accuracy against the final labels (consensus or review; items without one left
/// out) and Cohen's kappa against them, then Cohen's kappa (`Ratings.cohenKappa`, Cohen 1960)
/// and percent agreement between the model and each annotator on the items both answered.
/// `blind_kappa` uses only the answers given without that model's suggestion on screen: an
/// annotator who sees the suggestion is anchored by it, so the plain kappa overstates how
/// much a person independently agrees with the model. Acceptance: of the answers given with a
/// suggestion shown, the share that is the suggestion unchanged, per annotator and overall.
public struct ModelAgreement: Sendable, Equatable {
    public struct AnnotatorRow: Sendable, Equatable {
        public var annotator: String
        /// Items both the model and the annotator answered.
        public var items: Int
        /// Of those, answered with this model's suggestion on screen.
        public var shown: Int
        public var agreement: Double?
        public var kappa: Double?
        public var blindKappa: Double?
    }

    public struct Model: Sendable, Equatable {
        public var model: String
        /// Items the model suggested an answer for.
        public var suggested: Int
        /// Of those, items with a final label.
        public var scored: Int
        public var correct: Int
        public var accuracy: Double? { scored > 0 ? Double(correct) / Double(scored) : nil }
        public var kappaFinal: Double?
        public var annotators: [AnnotatorRow]
    }

    public struct Acceptance: Sendable, Equatable {
        public var annotator: String
        /// Answers given with a suggestion on screen, and how many took it as it was.
        public var shown: Int
        public var accepted: Int
        public var rate: Double? { shown > 0 ? Double(accepted) / Double(shown) : nil }
    }

    public var models: [Model]
    public var acceptance: [Acceptance]
    public var overall: Acceptance

    /// An answer as the comparison needs it: whose, which item, what (label column), and the
    /// model whose suggestion was on screen with whether it was taken.
    public struct Answer: Sendable {
        public var item: String, annotator: String, label: String
        public var suggestion: String?, accepted: Bool
        public init(item: String, annotator: String, label: String, suggestion: String?, accepted: Bool) {
            self.item = item; self.annotator = annotator; self.label = label; self.suggestion = suggestion; self.accepted = accepted
        }
    }

    /// `suggestions`: model -> item -> label column; `finals`: item -> final label column.
    public init(suggestions: [String: [String: String]], answers: [Answer], finals: [String: String]) {
        var byAnnotator: [String: [Answer]] = [:]
        for a in answers { byAnnotator[a.annotator, default: []].append(a) }
        let people = byAnnotator.keys.sorted()
        models = suggestions.keys.sorted().map { model in
            let suggested = suggestions[model] ?? [:]
            var scored = 0, correct = 0
            var withFinal = RatingsBuilder()
            for (item, label) in suggested {
                guard let final = finals[item] else { continue }
                scored += 1
                if final == label { correct += 1 }
                withFinal.append(item: item, annotator: "model", label: label)
                withFinal.append(item: item, annotator: "final", label: final)
            }
            let rows = people.compactMap { person -> AnnotatorRow? in
                var all = RatingsBuilder(), blind = RatingsBuilder()
                var items = 0, shown = 0, same = 0
                for a in byAnnotator[person] ?? [] {
                    guard let label = suggested[a.item] else { continue }
                    items += 1
                    if label == a.label { same += 1 }
                    all.append(item: a.item, annotator: "model", label: label)
                    all.append(item: a.item, annotator: "person", label: a.label)
                    if a.suggestion == model { shown += 1; continue }
                    blind.append(item: a.item, annotator: "model", label: label)
                    blind.append(item: a.item, annotator: "person", label: a.label)
                }
                guard items > 0 else { return nil }
                return AnnotatorRow(annotator: person, items: items, shown: shown, agreement: Double(same) / Double(items),
                                    kappa: all.build().cohenKappa(), blindKappa: blind.count > 0 ? blind.build().cohenKappa() : nil)
            }
            return Model(model: model, suggested: suggested.count, scored: scored, correct: correct,
                         kappaFinal: scored > 0 ? withFinal.build().cohenKappa() : nil, annotators: rows)
        }
        acceptance = people.map { person in
            let shown = (byAnnotator[person] ?? []).filter { $0.suggestion != nil }
            return Acceptance(annotator: person, shown: shown.count, accepted: shown.filter(\.accepted).count)
        }.filter { $0.shown > 0 }
        overall = Acceptance(annotator: "all", shown: acceptance.reduce(0) { $0 + $1.shown }, accepted: acceptance.reduce(0) { $0 + $1.accepted })
    }

    /// The section for a person, after the human-vs-human report.
    public func text() -> String {
        func n(_ v: Double?) -> String { v.map { String(format: "%.3f", $0) } ?? "—" }
        var out = ["Model vs human (whole answers; blind: answers given without that model's suggestion on screen):"]
        for m in models {
            out.append("  \(TerminalText.safeInline(m.model)): \(m.suggested) items suggested; accuracy against final labels \(n(m.accuracy)) (\(m.correct)/\(m.scored)), kappa \(n(m.kappaFinal))")
            for r in m.annotators {
                out.append("    vs \(TerminalText.safeInline(r.annotator)): \(r.items) items, agreement \(n(r.agreement)), kappa \(n(r.kappa)), blind kappa \(n(r.blindKappa)) (\(r.shown) answered with it shown)")
            }
        }
        if overall.shown == 0 {
            out.append("Suggestions accepted: no answer was given with a suggestion on screen yet")
        } else {
            out.append("Suggestions accepted as they were: \(overall.accepted) of \(overall.shown) answers given with one on screen (\(n(overall.rate)))")
            for a in acceptance { out.append("  \(TerminalText.safeInline(a.annotator)): \(a.accepted)/\(a.shown) (\(n(a.rate)))") }
        }
        return out.joined(separator: "\n")
    }
}

extension ModelAgreement: Encodable {
    private enum ModelKeys: String, CodingKey { case model, suggested, finalLabels = "final_labels", correct, accuracy, kappaFinal = "kappa_final", annotators }
    private enum RowKeys: String, CodingKey { case annotator, items, shown, agreement, kappa, blindKappa = "blind_kappa" }
    private enum AcceptKeys: String, CodingKey { case annotator, shown, accepted, rate, annotators }
    private enum TopKeys: String, CodingKey { case models, acceptance }

    /// JSON `model_agreement`: `models` [{`model`, `suggested`, `final_labels`, `correct`,
    /// `accuracy`, `kappa_final`, `annotators` [{`annotator`, `items`, `shown`, `agreement`,
    /// `kappa`, `blind_kappa`}]}], `acceptance` {`shown`, `accepted`, `rate`, `annotators`
    /// [{`annotator`, `shown`, `accepted`, `rate`}]}; undefined values are `null`.
    public func encode(to encoder: any Encoder) throws {
        var top = encoder.container(keyedBy: TopKeys.self)
        var list = top.nestedUnkeyedContainer(forKey: .models)
        for m in models {
            var o = list.nestedContainer(keyedBy: ModelKeys.self)
            try o.encode(m.model, forKey: .model)
            try o.encode(m.suggested, forKey: .suggested)
            try o.encode(m.scored, forKey: .finalLabels)
            try o.encode(m.correct, forKey: .correct)
            try o.encodeOrNull(m.accuracy, forKey: .accuracy)
            try o.encodeOrNull(m.kappaFinal, forKey: .kappaFinal)
            var rows = o.nestedUnkeyedContainer(forKey: .annotators)
            for r in m.annotators {
                var e = rows.nestedContainer(keyedBy: RowKeys.self)
                try e.encode(r.annotator, forKey: .annotator)
                try e.encode(r.items, forKey: .items)
                try e.encode(r.shown, forKey: .shown)
                try e.encodeOrNull(r.agreement, forKey: .agreement)
                try e.encodeOrNull(r.kappa, forKey: .kappa)
                try e.encodeOrNull(r.blindKappa, forKey: .blindKappa)
            }
        }
        var acc = top.nestedContainer(keyedBy: AcceptKeys.self, forKey: .acceptance)
        try acc.encode(overall.shown, forKey: .shown)
        try acc.encode(overall.accepted, forKey: .accepted)
        try acc.encodeOrNull(overall.rate, forKey: .rate)
        var people = acc.nestedUnkeyedContainer(forKey: .annotators)
        for a in acceptance {
            var e = people.nestedContainer(keyedBy: AcceptKeys.self)
            try e.encode(a.annotator, forKey: .annotator)
            try e.encode(a.shown, forKey: .shown)
            try e.encode(a.accepted, forKey: .accepted)
            try e.encodeOrNull(a.rate, forKey: .rate)
        }
    }
}
