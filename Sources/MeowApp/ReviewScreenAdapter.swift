import Foundation
import MeowCore
import MeowStore
import MeowTerminal

/// The review queue on the labeling screen: each item shows every annotator's label and
/// comment, the consensus so far and the definitions of the labels in play; a label key sets
/// the final label (with the comment as the reviewer's note).
public final class ReviewScreenAdapter: LabelingBackend {
    let ws: any LabelingStore & DatasetStore
    let project: Project
    let reviewer: String
    let threshold: Double
    private var skipped = Set<String>()
    private var decided: [String] = []
    private var startCount: Int?

    public init(workspace: any LabelingStore & DatasetStore, project: Project, reviewer: String, threshold: Double = 0.7) {
        ws = workspace
        self.project = project
        self.reviewer = reviewer
        self.threshold = threshold
    }

    private func queue() throws -> [ReviewItem] {
        try ws.reviewQueue(project: project.name, below: threshold, limit: 1000).filter { !skipped.contains($0.id) }
    }

    public func next() throws -> ScreenItem? {
        let q = try queue()
        if startCount == nil { startCount = q.count }
        return q.first.map { screenItem($0, left: q.count) }
    }

    public func submit(item: String, answer: Answer) throws -> QualificationSummary? {
        let note = [answer.comment, answer.unsureNote].compactMap { $0 }.joined(separator: " — ")
        try ws.decide(project: project.name, item: item, label: answer.value.labelColumn, note: note.isEmpty ? nil : note, by: reviewer)
        decided.append(item)
        return nil
    }

    public func skip(item: String) throws { skipped.insert(item) }

    public func undo() throws -> ScreenItem {
        guard let last = decided.popLast() else { throw StoreError.nothingToUndo(annotator: reviewer) }
        try ws.undoDecision(project: project.name, item: last, by: reviewer)
        guard let r = try ws.reviewQueue(project: project.name, below: 1.01, limit: 100_000).first(where: { $0.id == last }) else {
            throw StoreError.unknownItem(project: project.name, item: last)
        }
        return screenItem(r, left: try queue().count)
    }

    public func releaseAll() throws {}
    public func acknowledge() throws {}
    public func retryQualification() throws {}
    public func recordTooFast() throws {}
    public func canUndo() throws -> Bool { !decided.isEmpty }

    public func progress() throws -> MeowTerminal.Progress {
        let left = try queue().count
        return MeowTerminal.Progress(mine: decided.count, teamDone: decided.count, teamTotal: decided.count + left)
    }

    func screenItem(_ r: ReviewItem, left: Int) -> ScreenItem {
        var context: [String] = ["Answers:"]
        for a in r.answers {
            var line = "  \(a.annotator): \(describe(a.label, text: r.text))"
            if let c = a.comment { line += " — \"\(c)\"" }
            if a.unsure { line += " (unsure" + (a.unsureNote.map { ": \($0)" } ?? "") + ")" }
            if let why = a.reviewReason { line += " [flagged: \(why)]" }
            context.append(line)
        }
        if let s = r.suggested {
            context.append("Consensus so far: \(describe(s, text: r.text)) (\(r.method), \(Int((r.confidence * 100).rounded()))%)")
        } else if !r.answers.isEmpty {
            context.append("Consensus so far: none (a tie)")
        }
        let inPlay = Set(r.answers.flatMap { a -> [String] in
            switch AnswerValue(column: a.label, task: project.guideline.task) {
            case .spans(let spans)?: return spans.map(\.label)
            default: return AnswerValue.labels(inColumn: a.label)
            }
        })
        let defs = project.guideline.labels.filter { inPlay.contains($0.value) }
        if !defs.isEmpty {
            context.append("Definitions:")
            for l in defs { context.append("  \(l.value): \(l.definition)") }
        }
        var fields: [(name: String, value: String)] = []
        if let m = r.metadata, let obj = try? JSONSerialization.jsonObject(with: Data(m.utf8)) as? [String: Any] {
            for name in project.guideline.show { if let v = obj[name], !(v is NSNull) { fields.append((name, "\(v)")) } }
        }
        // Spans: the reviewer starts from the consensus spans so far and corrects them; on an
        // item sent to review, those are the spans a majority marked (the others are named in
        // the consensus note).
        let draft = project.guideline.task == .spans
            ? r.suggested.flatMap { AnswerValue(column: $0, task: .spans) } ?? .spans(majoritySpans(r.answers.map(\.label)).kept)
            : nil
        return ScreenItem(id: r.id, text: r.text, fields: fields, kind: .review(left: left), context: context, draft: draft)
    }

    /// An answer's label column as a reviewer reads it: spans with the text they cover, a
    /// rating with its point's name, a comparison in words (sides as the data names them, which
    /// is how the review screen shows them).
    func describe(_ column: String, text: String) -> String {
        let g = project.guideline
        switch AnswerValue(column: column, task: g.task) {
        case .spans(let spans)?:
            guard !spans.isEmpty else { return "no spans" }
            let scalars = Array(text.unicodeScalars)
            return spans.map { "[\($0.text(in: scalars))] \($0.label) \($0.start):\($0.end)" }.joined(separator: ", ")
        case .rating(let n)?:
            return "\(n)" + (g.label(String(n))?.name.map { " (\($0))" } ?? "")
        case .choice(let c, _)?:
            switch c {
            case .a: return "A better"
            case .b: return "B better"
            case .tie: return "tie"
            case .bothBad: return "both bad"
            }
        default:
            return column
        }
    }
}
