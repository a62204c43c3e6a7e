import ArgumentParser
import Foundation
import MeowCore
import MeowStore

struct Demo: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "demo",
        abstract: "Build a demo workspace from the shipped Samples/ and Guidelines/, then label.",
        discussion: "The demo workspace is kept (default ./meow-demo.sqlite): run it again to carry on where you left off.")

    @Option(help: ArgumentHelp("The demo workspace: a file, or a PostgreSQL database (postgresql://...).", valueName: "location")) var db = "meow-demo.sqlite"
    @OptionGroup var user: AnnotatorOption
    @Flag(help: "Only build the workspace and print what is in it; do not open the labeling screen.") var noLabel = false

    func run() throws {
        let root = try DemoFiles.root()
        let ws = try WorkspaceLocation.open(db, create: true)
        let projects = try ws.projectNames()
        let fresh = projects.isEmpty
        if !projects.contains("reviews") {
            let (g, qualification, gold) = try GuidelineFile.loadWithGold(root + "/Guidelines/sentiment.md")
            _ = try ws.createProject("reviews", guideline: g, by: LoginUser.name, qualification: qualification, goldChecks: gold)
            let s = try ws.importItems(project: "reviews", reader: ItemReader(path: root + "/Samples/reviews.jsonl", format: .jsonl), skipInvalid: false)
            // Five colleagues already labeled the first 200 reviews: enough to measure agreement.
            let a = try ws.importAnnotations(project: "reviews", path: root + "/Samples/review-annotations.jsonl", format: .jsonl, by: try LoginUser.name)
            out("demo: project 'reviews' (\(g.title)) with \(s.inserted) product reviews, \(a.inserted) labels from 5 annotators")
        }
        if !projects.contains("comments") {
            let (g, qualification, gold) = try GuidelineFile.loadWithGold(root + "/Guidelines/toxicity.md")
            _ = try ws.createProject("comments", guideline: g, by: LoginUser.name, qualification: qualification, goldChecks: gold)
            let s = try ws.importItems(project: "comments", reader: ItemReader(path: root + "/Samples/comments.csv", format: .csv), skipInvalid: false)
            out("demo: project 'comments' (\(g.title)) with \(s.inserted) forum comments")
        }
        // One project per other task type (issue 12), each with a colleague's labels to measure.
        for extra in DemoProject.taskProjects where !projects.contains(extra.name) {
            let (g, qualification, gold) = try GuidelineFile.loadWithGold(root + "/Guidelines/" + extra.guideline)
            _ = try ws.createProject(extra.name, guideline: g, by: LoginUser.name, qualification: qualification, goldChecks: gold)
            let s = try ws.importItems(project: extra.name, reader: ItemReader(path: root + "/Samples/" + extra.items, format: .jsonl, pairs: g.task == .compare), skipInvalid: false)
            let a = try ws.importAnnotations(project: extra.name, path: root + "/Samples/" + extra.answers, format: .jsonl, by: try LoginUser.name)
            out("demo: project '\(extra.name)' (\(g.title); \(g.task.rawValue)) with \(s.inserted) \(extra.what), \(a.inserted) answers from 3 annotators")
        }
        out(fresh ? "demo: workspace created at \(WorkspaceLocation.display(db))" : "demo: carrying on in \(WorkspaceLocation.display(db))")
        try DemoWalkthrough.run(workspace: ws, db: WorkspaceLocation.display(db), annotator: user.annotator, interactive: !noLabel)
    }
}

enum DemoFiles {
    /// The folder holding Samples/ and Guidelines/: the current directory when it has them
    /// (`swift run` from the repo), else the source checkout this binary was built from.
    static func root() throws -> String {
        let fm = FileManager.default
        let candidates = [fm.currentDirectoryPath,
                          URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path]
        for c in candidates where fm.fileExists(atPath: c + "/Samples/reviews.jsonl") && fm.fileExists(atPath: c + "/Guidelines/sentiment.md") {
            return c
        }
        throw UserFacingError("cannot find Samples/ and Guidelines/: run `meow demo` from the meow checkout")
    }
}

/// The demo's projects for the spans, rate and compare tasks.
struct DemoProject {
    var name, guideline, items, answers, what: String
    static let taskProjects = [
        DemoProject(name: "entities", guideline: "entities.md", items: "news.jsonl", answers: "news-annotations.jsonl", what: "news sentences"),
        DemoProject(name: "helpfulness", guideline: "helpfulness.md", items: "answers.jsonl", answers: "answer-ratings.jsonl", what: "answers to rate"),
        DemoProject(name: "preferences", guideline: "preferences.md", items: "preferences.jsonl", answers: "preference-annotations.jsonl", what: "pairs of answers"),
    ]
}
