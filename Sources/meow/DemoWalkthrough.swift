import Foundation
import MeowStore

/// What `meow demo` does after building the workspace, until the labeling screen opens it.
enum DemoWalkthrough {
    static func run(workspace ws: Workspace, db: String, annotator: String, interactive: Bool) throws {
        let status = try ws.status(project: "reviews")
        print("""

        reviews: \(status.items) items, \(status.completed) complete, \(status.annotations) annotations.
        Try the queue from the shell:
          meow next reviews --db \(db) --as \(annotator)
          meow submit reviews --db \(db) --as \(annotator) --item ID --label positive
          meow status reviews --db \(db)
        """)
    }
}
