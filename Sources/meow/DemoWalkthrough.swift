import Foundation
import MeowStore

/// What `meow demo` does after building the workspace: open the labeling screen on the
/// reviews project, or (without a terminal, or with --no-label) say how to use the queue.
enum DemoWalkthrough {
    static func run(workspace ws: any WorkspaceStore, db location: String, annotator: String, interactive: Bool) throws {
        // As a shell word: a server URL holds `?`, `&` and `%`.
        let safe = location.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_./:@-".contains($0)) }
        let db = safe ? location : "'" + location.replacingOccurrences(of: "'", with: "'\\''") + "'"
        if interactive, isatty(0) == 1, isatty(1) == 1 {
            try LabelScreen.run(workspace: ws, project: "reviews", annotator: annotator)
            out("Carry on later with `swift run meow demo`; see how the team agrees with `swift run meow agreement reviews --db \(db)`.")
            return
        }
        let status = try ws.status(project: "reviews")
        out("""

        reviews: \(status.items) items, \(status.completed) complete, \(status.annotations) annotations.
        Label in the terminal:   meow label reviews --db \(db)
        Measure agreement:       meow agreement reviews --db \(db)
        Or drive the queue from scripts:
          meow next reviews --db \(db) --as \(annotator) --json
          meow submit reviews --db \(db) --as \(annotator) --item ID --label positive
          meow status reviews --db \(db)
        """)
    }
}
