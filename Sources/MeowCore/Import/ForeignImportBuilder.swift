import Foundation

/// An answer as a foreign file states it, before the guideline gives it its kind: labels
/// (Label Studio choices, Prodigy `accept`/`label`), spans, or a rating.
enum RawAnswer: Sendable, Equatable {
    case labels([String])
    case spans([Span])
    case rating(Int)
}

/// Collects the items and answers of a foreign file, then checks every answer against the
/// guideline before anything is written (`finish`), so a bad file imports nothing.
struct ForeignImportBuilder {
    var result: ForeignImport
    let guideline: Guideline
    let file: String
    /// Prodigy: the accepted lines of one annotator on one item make one answer (binary
    /// `textcat.teach` or `ner.teach` lines each accept one label or span). Label Studio: each
    /// annotation is a whole answer, so a second, different one is a conflict.
    let unite: Bool
    private var itemIndex: [String: Int] = [:]
    private var textOwner: [String: String] = [:]
    private var mergedInto: [String: String] = [:]
    private var answerIndex: [String: Int] = [:]
    private var pending: [(item: String, annotator: String, raw: RawAnswer, location: ForeignLocation)] = []

    init(format: ForeignFormat, guideline: Guideline, file: String, unite: Bool) {
        result = ForeignImport(format: format)
        self.guideline = guideline
        self.file = file
        self.unite = unite
    }

    /// Adds an item (or finds it again) and returns the id its answers go to: an item whose
    /// text an earlier item of the file has goes to that one, as `meow import` would keep
    /// only the first of two equal texts.
    mutating func addItem(_ item: ForeignItem) throws(ForeignImportError) -> String {
        if let i = itemIndex[item.id] {
            let earlier = result.items[i]
            guard earlier.content.map(\.value) == item.content.map(\.value) else {
                throw ForeignImportError(item.location, "item '\(item.id)' has another text than at \(earlier.location.short)")
            }
            return item.id
        }
        if let target = mergedInto[item.id] { return target }
        let key = item.content.map { $0.key + "\u{0}" + $0.value }.joined(separator: "\u{0}")
        if let owner = textOwner[key] {
            mergedInto[item.id] = owner
            result.merged.append((item.id, owner))
            return owner
        }
        textOwner[key] = item.id
        itemIndex[item.id] = result.items.count
        result.items.append(item)
        return item.id
    }

    mutating func skip(_ reason: String) { result.skipped[reason, default: 0] += 1 }

    /// Adds one annotator's answer to an item added before.
    mutating func addAnswer(item: String, annotator: String, raw: RawAnswer, at location: ForeignLocation) throws(ForeignImportError) {
        if let problem = AnnotatorName.problem(annotator) {
            throw ForeignImportError(location, "annotator '\(TerminalText.safeInline(String(annotator.prefix(80))))': \(problem)")
        }
        let key = item + "\u{0}" + annotator
        guard let i = answerIndex[key] else {
            answerIndex[key] = pending.count
            pending.append((item, annotator, raw, location))
            return
        }
        let earlier = pending[i]
        if earlier.raw == raw { return }
        switch (earlier.raw, raw, unite) {
        case (.labels(let a), .labels(let b), true):
            pending[i].raw = .labels(a + b.filter { !a.contains($0) })
        case (.spans(let a), .spans(let b), true):
            pending[i].raw = .spans(a + b.filter { !a.contains($0) })
        default:
            throw ForeignImportError(location, "\(annotator) answered item '\(item)' differently at \(earlier.location.short): \(Self.describe(earlier.raw)) there, \(Self.describe(raw)) here")
        }
    }

    static func describe(_ raw: RawAnswer) -> String {
        switch raw {
        case .labels(let l): return l.isEmpty ? "no label" : l.joined(separator: ",")
        case .spans(let s): return s.isEmpty ? "no spans" : s.map(\.column).joined(separator: ",")
        case .rating(let n): return "rating \(n)"
        }
    }

    /// Every answer in the guideline's terms, checked: labels the guideline does not know are
    /// refused all together, with the list of them; then each answer as `meow submit` checks
    /// it (spans against the item's text).
    func finish() throws(ForeignImportError) -> ForeignImport {
        var out = result
        var values: [AnswerValue] = []
        var unknown: [String: (count: Int, first: ForeignLocation)] = [:]
        var unknownOrder: [String] = []
        for answer in pending {
            let value: AnswerValue
            do { value = try convert(answer.raw) } catch { throw ForeignImportError(answer.location, "\(error)") }
            let used: [String]
            switch value {
            case .labels(let l): used = l
            case .spans(let s): used = s.map(\.label)
            case .choice(let c, _): used = [c.rawValue]
            case .rating: used = []
            }
            for label in used where guideline.label(label) == nil {
                if unknown[label] == nil { unknownOrder.append(label) }
                unknown[label, default: (0, answer.location)].count += 1
            }
            values.append(value)
        }
        if !unknownOrder.isEmpty {
            let list = unknownOrder.map { l in
                let u = unknown[l] ?? (0, ForeignLocation(file: file))
                return "'\(TerminalText.safeInline(l))' (\(u.count) answer\(u.count == 1 ? "" : "s"), first at \(u.first.short))"
            }
            throw ForeignImportError(ForeignLocation(file: file), "labels not in the guideline: \(list.joined(separator: ", ")); the guideline's \(guideline.answerOptions): \(guideline.labels.map(\.value).joined(separator: ", ")). Nothing was imported; add them to the guideline (meow guideline update) or relabel them in the file")
        }
        for (answer, value) in zip(pending, values) {
            let text = itemIndex[answer.item].map { result.items[$0].text } ?? ""
            do {
                let checked = try guideline.validate(value, comment: "imported", text: text)
                out.answers.append(ForeignAnswer(item: answer.item, annotator: answer.annotator, value: checked, location: answer.location))
            } catch {
                throw ForeignImportError(answer.location, "\(answer.annotator)'s answer to item '\(answer.item)': \(error)")
            }
        }
        return out
    }

    /// The answer in the guideline's kind: choice tasks and rating scales take a label-like
    /// value from Prodigy's `accept` or Label Studio's choices.
    private func convert(_ raw: RawAnswer) throws(AnswerError) -> AnswerValue {
        switch (guideline.task, raw) {
        case (.classify, .labels(let l)), (.multilabel, .labels(let l)): return .labels(l)
        case (.spans, .spans(let s)): return .spans(s)
        case (.rate, .rating(let n)): return .rating(n)
        case (.rate, .labels(let l)):
            guard l.count == 1, let n = Int(l[0]) else { throw .unreadable(l.joined(separator: ","), task: .rate, scale: guideline.scale) }
            return .rating(n)
        case (.compare, .labels(let l)):
            guard l.count == 1, let c = PairChoice(rawValue: l[0]) else {
                if l.count == 1, guideline.label(l[0]) == nil { throw .choiceNotAllowed(l[0], allowed: guideline.labels.map(\.value)) }
                throw .unreadable(l.joined(separator: ","), task: .compare, scale: [])
            }
            return .choice(c, shownFirst: nil)
        default:
            throw .wrongKind(task: guideline.task)
        }
    }
}
