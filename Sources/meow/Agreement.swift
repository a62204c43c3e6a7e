import ArgumentParser
import Foundation
import MeowCore
import MeowStore

struct Agreement: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "agreement",
        abstract: "Inter-annotator agreement: Krippendorff's alpha, Fleiss' kappa, Gwet's AC1, Cohen's kappa, and where annotators disagree.",
        discussion: """
        From a project (meow agreement PROJECT) or from any long-format file of labels
        (meow agreement --input FILE: JSONL {"item","annotator","label"} or CSV item,annotator,label).
        Ordinal, interval and ratio alpha and weighted kappa need label values. Numeric labels are
        used as numbers (in a file, in --order, or in a guideline); a guideline's `number:` per label
        or --values a=1,b=2 gives other labels numbers. Labels with only an order (--order, or a
        guideline's label order) get positions 0, 1, 2, …: ordinal alpha and weighted kappa use them,
        interval alpha assumes equal steps, and ratio alpha is null (an order has no zero).
        """)

    @Argument(help: "Project name (or use --input).") var project: String?
    @Option(help: ArgumentHelp("A long-format labels file instead of a project.", valueName: "file")) var input: String?
    @Option(help: ArgumentHelp("Label order, lowest first, for the ordered statistics (file mode). Unused labels still belong to the scale.", valueName: "a,b,c")) var order: String?
    @Option(help: ArgumentHelp("A number for each label, for interval/ratio alpha and weighted kappa.", valueName: "a=1,b=2")) var values: String?
    @Option(help: ArgumentHelp("Only answers made under this guideline version.", valueName: "version")) var guidelineVersion: Int?
    @Option(help: ArgumentHelp("Only these annotators.", valueName: "a,b")) var annotators: String?
    @Flag(help: "Print one JSON object.") var json = false
    @Option(help: ArgumentHelp("Resamples for a 95% bootstrap interval of nominal alpha.", valueName: "n")) var bootstrap: Int = 0
    @Option(help: "Seed for the bootstrap.") var seed: UInt64 = 0
    @Option(help: ArgumentHelp("Also write a self-contained HTML report.", valueName: "file")) var html: String?
    @OptionGroup var workspace: WorkspaceOptions

    func validate() throws {
        if (project == nil) == (input == nil) { throw ValidationError("give a project or --input FILE (one of them)") }
        if input != nil, guidelineVersion != nil { throw ValidationError("--guideline-version applies to a project, not to --input") }
        if project != nil, order != nil { throw ValidationError("--order applies to --input; a project's order comes from its guideline") }
        if bootstrap < 0 || bootstrap > 100_000 { throw ValidationError("--bootstrap must be between 0 and 100000") }
    }

    func run() throws {
        let names = annotators.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
        var ratings: Ratings
        let title: String
        var task = TaskAgreement()
        if let input {
            let orderList = order.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
            let scale: LabelScale?
            do { scale = try LabelScale.make(order: orderList, values: values.map(LabelScale.parseValues)) }
            catch { throw UserFacingError(error.description) }
            do { ratings = try ProgressBar.during("reading \(input)") { _ in try LongFormatReader(scale: scale).read(path: input) } }
            catch { throw UserFacingError("\(error)") }
            if let names { ratings = ratings.only(annotators: Set(names)) }
            title = "Agreement — \(input)"
        } else if let project {
            let ws = try workspace.open()
            ratings = try ProgressBar.during("reading answers") { _ in try ws.agreementRatings(project: project, guidelineVersion: guidelineVersion, annotators: names) }
            if let values {
                do {
                    if let scale = try LabelScale.make(order: nil, values: LabelScale.parseValues(values)) {
                        ratings = try ratings.withValues(of: scale)
                    }
                } catch { throw UserFacingError(error.description) }
            }
            task = try ws.taskAgreement(project: project, guidelineVersion: guidelineVersion, annotators: names, ratings: ratings)
            title = "Agreement — \(project)" + (guidelineVersion.map { " (guideline v\($0))" } ?? "")
        } else {
            throw ValidationError("give a project or --input FILE (one of them)")
        }
        let report = ProgressBar.during("computing agreement") { _ in AgreementReport(ratings, bootstrapSamples: bootstrap, seed: seed) }
        if let html {
            let file = try OutputFile(html, protecting: [workspace.filePath])
            var page = report.html(title: title, ratings: ratings)
            // The task's sections (spans, position bias, per-label alpha) before the end of the body.
            if let end = page.range(of: "</body>", options: .backwards) { page.insert(contentsOf: task.htmlSection(), at: end.lowerBound) }
            try file.write(page)
            try file.commit()
        }
        if json {
            try printJSON(AgreementOutput(report: report, task: task))
        } else {
            out(title)
            out(report.text(labelSections: task.spans == nil))
            let extra = task.text()
            if !extra.isEmpty { out(""); out(extra) }
        }
    }
}
