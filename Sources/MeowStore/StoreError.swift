import Foundation

/// Errors a user can act on. Each says what went wrong and where.
public enum StoreError: Error, CustomStringConvertible, Equatable {
    case noWorkspace(path: String)
    case notSQLite(path: String)
    case foreignDatabase(path: String)
    case emptyFile(path: String)
    case cannotOpen(path: String, reason: String)
    case readOnly(path: String, reason: String)
    case diskFull(path: String)
    case backupRefused(path: String, reason: String)
    case newerSchema(path: String, found: Int, supported: Int)
    case busy(path: String, seconds: Double)
    case unknownProject(String, known: [String])
    case projectExists(String)
    case unknownItem(project: String, item: String)
    case notClaimed(item: String, annotator: String)
    case alreadyLabeled(item: String, annotator: String)
    case invalidAnswer(item: String, reason: String)
    case nothingToUndo(annotator: String)
    case notAllowed(user: String, action: String, admins: [String])
    case lastAdmin(String)
    case acknowledgementNeeded(annotator: String, project: String, version: Int)
    case paused(annotator: String, reason: String)
    case qualificationFailed(QualificationResult)
    case nothingToRetry(annotator: String)
    case notPaused(String)
    case unsureForbidden
    case incompatibleGuideline(String)
    /// A consensus method that does not apply to the project's task.
    case methodNotForTask(method: String, task: String, why: String)
    case notQualified(annotator: String)
    case guidelineChanged(project: String)
    case unknownGuidelineVersion(project: String, version: Int)
    case frozenSetExists(String)
    case unknownFrozenSet(String, known: [String])
    case freezeRefused(String)
    case noTestSet(project: String)
    case frozenItem(String)
    case frozenSetAltered(String, problems: [String])

    public var description: String {
        switch self {
        case .noWorkspace(let p): return "no workspace at \(p) (create one with `meow init PROJECT --guideline FILE`, or pass --db)"
        case .notSQLite(let p): return "\(p) is not a SQLite database"
        case .foreignDatabase(let p):
            if WorkspaceLocation.isServer(p) {
                return "\(p) is a PostgreSQL database (or schema) with other tables, not a meow workspace; refusing to touch it (choose another database, or a schema of its own with ?options=-csearch_path%3DNAME)"
            }
            return "\(p) is a SQLite database but not a meow workspace (it has other tables); refusing to touch it"
        case .emptyFile(let p): return "\(p) is an empty file, not a meow workspace; left as it is (create a workspace with `meow init PROJECT --guideline FILE --db \(p)`)"
        case .backupRefused(let p, let r): return "cannot back up to \(p): \(r)"
        case .diskFull(let p): return "the disk holding \(p) is full: nothing of this command was written (free some space and run it again)"
        case .cannotOpen(let p, let r): return "cannot open the workspace \(p): \(r)"
        case .readOnly(let p, let r): return "cannot write to the workspace \(p): \(r); meow needs to write the file and its directory (it keeps \(p)-wal and \(p)-shm beside it)"
        case .newerSchema(let p, let found, let supported):
            return "\(p) was written by a newer meow (schema version \(found); this binary knows up to \(supported)); upgrade meow to open it"
        case .busy(let p, let s): return "\(p) stayed locked by another process for \(Int(s)) s; try again"
        case .unknownProject(let n, let known):
            return "no project '\(n)' in this workspace" + (known.isEmpty ? " (it has none yet: `meow init`)" : " (projects: \(known.joined(separator: ", ")))")
        case .projectExists(let n): return "project '\(n)' already exists"
        case .unknownItem(let p, let i): return "no item '\(i)' in project '\(p)'"
        case .notClaimed(let i, let a): return "\(a) does not hold item '\(i)' (claim it with `meow next` first, or the lease expired and it went to someone else)"
        case .alreadyLabeled(let i, let a): return "\(a) has already labeled item '\(i)'"
        case .invalidAnswer(let i, let r): return "answer for item '\(i)' refused: \(r)"
        case .nothingToUndo(let a): return "\(a) has nothing to undo"
        case .notAllowed(let u, let action, let admins):
            return "\(u) may not \(action): that is for the project's admins (\(admins.joined(separator: ", ")))"
        case .lastAdmin(let n): return "\(n) is the project's only admin; make someone else admin first"
        case .acknowledgementNeeded(let a, let p, let v):
            return "\(a) has not acknowledged guideline v\(v) of \(p): read it in `meow label \(p)` (or `meow ack \(p) --as \(a)` for scripts)"
        case .paused(let a, let r): return "\(a) is paused: \(r). An admin can lift it with `meow annotators reinstate PROJECT \(a)`"
        case .qualificationFailed(let r):
            return "qualification failed: \(r.correct)/\(r.total) correct, \(Int((r.passMark * 100).rounded()))% needed. Review the misses with `meow qualification PROJECT --as NAME`, then retry with `--retry`"
        case .nothingToRetry(let a): return "\(a) has no failed qualification round to retry"
        case .notPaused(let a): return "\(a) is not paused"
        case .frozenSetExists(let n): return "a frozen set named '\(n)' already exists; frozen sets never change: freeze a new one under a new name"
        case .unknownFrozenSet(let n, let known): return "no frozen set '\(n)'" + (known.isEmpty ? " (none frozen yet: `meow freeze`)" : " (frozen sets: \(known.joined(separator: ", ")))")
        case .freezeRefused(let why): return "cannot freeze: \(why)"
        case .noTestSet(let p):
            return "refusing to export training data: \(p) has no frozen test set. Make the test set before you train (`meow freeze \(p) --name test-v1 --fraction 0.2`), or pass --no-test-set to export anyway"
        case .frozenSetAltered(let n, let problems):
            return "frozen set '\(n)' was altered after it was frozen (someone changed the database by hand); not served:\n  "
                + problems.prefix(20).joined(separator: "\n  ") + (problems.count > 20 ? "\n  … and \(problems.count - 20) more" : "")
        case .frozenItem(let i): return "item '\(i)' is in a frozen test set: it takes no new answers"
        case .notQualified(let a): return "\(a) has not passed the qualification round of this guideline yet: `meow next` serves its items"
        case .guidelineChanged(let p): return "the guideline of \(p) changed a moment ago; try again"
        case .unknownGuidelineVersion(let p, let v): return "project \(p) has no guideline v\(v) (see `meow guideline versions \(p)`)"
        case .incompatibleGuideline(let why): return "cannot record this guideline version: \(why)"
        case .methodNotForTask(let method, let task, let why): return "--method \(method) does not apply to a \(task) project: \(why)"
        case .unsureForbidden: return "this guideline does not allow unsure answers: choose the label you think is right"
        }
    }
}
