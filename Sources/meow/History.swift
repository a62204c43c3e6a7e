import ArgumentParser
import Foundation
import MeowCore
import MeowStore

struct History: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "history",
        abstract: "An item's answers and final label, and every earlier value they had: who changed what, when and why.")
    @Argument(help: "Project name.") var project: String
    @Argument(help: "The item id.") var item: String
    @Flag(help: "Print JSON.") var json = false
    @OptionGroup var workspace: WorkspaceOptions

    struct Output: Encodable {
        struct Answer: Encodable { var annotator, label, createdAt, source: String; var importedBy: String? }
        struct Final: Encodable { var label, decision: String?; var method: String; var decidedBy: String?; var decidedAt: String }
        struct Change: Encodable { var at, subject: String; var annotator: String?; var old, new: String?; var action, actor: String; var reason: String? }
        var item: String
        var answers: [Answer]
        var finalLabel: Final?
        var history: [Change]
    }

    func run() throws {
        let h = try workspace.open().history(project: project, item: item)
        if json {
            try printJSON(Output(item: h.item,
                                 answers: h.answers.map { .init(annotator: $0.annotator, label: $0.label, createdAt: $0.createdAt, source: $0.source, importedBy: $0.importedBy) },
                                 finalLabel: h.finalLabel.map { .init(label: $0.label, decision: $0.decision, method: $0.method, decidedBy: $0.decidedBy, decidedAt: $0.decidedAt) },
                                 history: h.changes.map { .init(at: $0.at, subject: $0.subject, annotator: $0.annotator, old: $0.oldValue, new: $0.newValue,
                                                                action: $0.action, actor: $0.actor, reason: $0.reason) }), snakeCase: true)
            return
        }
        out("item \(h.item)")
        out("answers now:")
        if h.answers.isEmpty { out("  (none)") }
        for a in h.answers {
            out("  \(a.createdAt)  \(a.annotator): \(a.label)" + (a.source == "import" ? "  (imported by \(a.importedBy ?? "?"))" : ""))
        }
        if let f = h.finalLabel {
            out("final label now: \(f.label ?? "(tie, unresolved)") — \(f.decision ?? "disputed") by \(f.method)" + (f.decidedBy.map { ", decided by \($0)" } ?? "") + " at \(f.decidedAt)")
        }
        out("history (oldest first):")
        if h.changes.isEmpty { out("  (no changes)") }
        for c in h.changes {
            let whose = c.subject == "answer" ? "answer of \(c.annotator ?? "?")" : "final label"
            out("  \(c.at)  \(c.action) by \(c.actor): \(whose) was \(c.oldValue ?? "(none)") → \(c.newValue ?? "(removed)")" + (c.reason.map { " — \($0)" } ?? ""))
        }
    }
}
