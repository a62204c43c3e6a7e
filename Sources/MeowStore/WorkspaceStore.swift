import Foundation
import MeowCore

/// What the commands and the screens ask of a workspace, as protocols: the seam where a
/// second database (PostgreSQL, issue 14) plugs in. SQL stays inside the implementation
/// (`Workspace`, for SQLite); callers name projects, items and annotators as users do.

/// The queue and the guideline's rules, as an annotator meets them (the labeling screen and
/// `meow next`/`submit`/`skip`/`release`/`ack`).
public protocol LabelingStore: AnyObject {
    func project(_ name: String) throws -> Project
    func claimNext(project: String, annotator: String, lease: Double?, now: Date) throws -> ClaimedItem?
    func submit(project: String, annotator: String, item: String, answer: Answer) throws -> SubmitOutcome
    /// The answer and the next claim in one transaction; a refused claim leaves the answer.
    func submitAndClaimNext(project: String, annotator: String, item: String, answer: Answer,
                            lease: Double?, now: Date) throws -> (outcome: SubmitOutcome, next: Result<ClaimedItem?, any Error>)
    func skip(project: String, annotator: String, item: String) throws
    func release(project: String, annotator: String, item: String) throws
    func releaseAll(project: String, annotator: String) throws
    func undoLast(project: String, annotator: String, lease: Double?, now: Date) throws -> ClaimedItem
    func hasUndoableAnswer(project: String, annotator: String) throws -> Bool
    func progress(project: String, annotator: String, countMine: Bool) throws -> (mine: Int, teamDone: Int, teamTotal: Int)
    func acknowledge(project: String, annotator: String, version: Int?) throws
    func hasAcknowledged(project: String, annotator: String, version: Int?) throws -> Bool
    /// The project at its newest guideline version when that is newer than `version` (the one a
    /// screen shows), with what changed since; nil otherwise. Cheap enough for every item:
    /// unless another connection wrote since the last call, nothing is read.
    func newerGuideline(project: String, than version: Int) throws -> NewerGuideline?
    func retryQualification(project: String, annotator: String) throws
    func qualificationStatus(project: String, annotator: String) throws -> QualificationResult?
    func recordTooFast(project: String, annotator: String) throws
    func role(of name: String, inProject: String) throws -> Role
    /// The model suggestion an item shows, if any (`meow submit --accept-suggestion`).
    func suggestion(project: String, item: String) throws -> Suggestion?
}

/// Projects, members and what goes in: `meow init`, `import`, `import-annotations`,
/// `guideline update`, `annotators`, `status`.
public protocol ProjectAdministration: AnyObject {
    func projectNames() throws -> [String]
    func createProject(_ name: String, guideline: Guideline, by user: String, qualification: [GoldItem], goldChecks: [GoldItem]) throws -> Project
    func importItems(project: String, reader: ItemReader, skipInvalid: Bool, progress: ((Int) -> Void)?) throws -> ImportSummary
    func importAnnotations(project: String, path: String, format: LongFormat?, by user: String) throws -> AnnotationImportSummary
    /// Items and their answers in one transaction; `check` may refuse the item summary.
    func importItemsAndAnnotations(project: String, items: ItemReader, answersPath: String, format: LongFormat?,
                                   by user: String, check: (ImportSummary) throws -> Void) throws -> (items: ImportSummary, answers: AnnotationImportSummary)
    func updateGuideline(project: String, guideline: Guideline, by user: String, qualification: [GoldItem], goldChecks: [GoldItem]) throws -> GuidelineUpdate
    func setRole(project: String, member: String, role: Role, by user: String) throws
    func reinstate(project: String, annotator: String, by user: String) throws
    func annotators(project: String) throws -> [AnnotatorReport]
    func status(project: String, now: Date) throws -> ProjectStatus
    func annotationsPerVersion(project: String) throws -> [(version: Int, annotations: Int, changes: GuidelineChanges?)]
    func staleAnnotations(project: String) throws -> Int
    /// `meow suggest`: a model's suggestions, then the queue in `order` (or the guideline's).
    func loadSuggestions(project: String, rows: [SuggestionRow], file: String, order: QueueOrder?, by user: String) throws -> SuggestionLoad
    func reorderQueue(project: String, order: QueueOrder, by user: String) throws -> Int
}

/// From answers to data: agreement, consensus, review, freezing, exports, history.
public protocol DatasetStore: AnyObject {
    func agreementRatings(project: String, guidelineVersion: Int?, annotators: [String]?) throws -> Ratings
    func taskAgreement(project: String, guidelineVersion: Int?, annotators: [String]?, ratings: Ratings) throws -> TaskAgreement
    func consensus(project: String, method: String, by user: String) throws -> ConsensusSummary
    func reviewQueue(project: String, below threshold: Double, limit: Int) throws -> [ReviewItem]
    func decide(project: String, item: String, label: String, note: String?, by reviewer: String) throws
    func undoDecision(project: String, item: String, by user: String) throws
    func freeze(project: String, setName: String, rule: FreezeRule, by user: String) throws -> FrozenSet
    func frozenSet(project: String, named setName: String?) throws -> FrozenSet?
    func frozenRecordHashes(project: String, set setName: String) throws -> [String: String]
    func frozenRecords(project: String, set setName: String) throws -> [(item: String, label: String, text: String, answers: [(annotator: String, label: String)])]
    func auditFrozenSet(project: String, set setName: String, expected: String?) throws -> FrozenSetAudit
    func exportDataset(project: String, split: Split, frozen: String?, raw: Bool, format: ExportFormat, allowNoTestSet: Bool,
                       nearDuplicateThreshold: Double?, expectedSetHash: String?, by user: String,
                       sink: (inout [UInt8]) throws -> Void) throws -> ExportReport
    func history(project: String, item: String) throws -> ItemHistory
    /// Everything `meow report` shows: progress, throughput, gold, agreement, labels, consensus, frozen sets.
    func projectReport(project: String, now: Date) throws -> ProjectReport
}

/// Keeping the workspace safe: `meow doctor` and `meow backup`.
public protocol WorkspaceMaintenance: AnyObject {
    func doctor(now: Date) throws -> DoctorReport
    func backup(to path: String) throws -> Int
}

/// Everything a command may ask of a workspace.
public typealias WorkspaceStore = LabelingStore & ProjectAdministration & DatasetStore & WorkspaceMaintenance

extension Workspace: LabelingStore, ProjectAdministration, DatasetStore, WorkspaceMaintenance {}

/// Opens the workspace a `--db` value names. Today a path (or `sqlite:PATH`) is a SQLite file;
/// issue 14 adds `postgresql://` here, and no caller changes.
public enum WorkspaceLocation {
    /// `postgresql://...` or `postgres://...` opens a workspace on a PostgreSQL server; a path
    /// or `sqlite:PATH` a workspace file.
    public static func open(_ location: String, create: Bool = false) throws -> any WorkspaceStore {
        if isServer(location) { return try Workspace(postgres: location, create: create) }
        return try Workspace(path: filePath(location), create: create)
    }

    /// A location as messages show it: a server URL without its password.
    public static func display(_ location: String) -> String {
        isServer(location) ? PostgresConnection.redacted(location) : location
    }

    public static func isServer(_ location: String) -> Bool {
        location.hasPrefix("postgresql://") || location.hasPrefix("postgres://")
    }

    /// The file a location names, for the checks that keep outputs off the workspace.
    public static func filePath(_ location: String) -> String {
        location.hasPrefix("sqlite:") ? String(location.dropFirst("sqlite:".count)) : location
    }
}

// Defaults for the protocols' callers, as `Workspace`'s own methods have them.
extension LabelingStore {
    public func claimNext(project: String, annotator: String, lease: Double? = nil) throws -> ClaimedItem? {
        try claimNext(project: project, annotator: annotator, lease: lease, now: Date())
    }
    public func undoLast(project: String, annotator: String, lease: Double? = nil) throws -> ClaimedItem {
        try undoLast(project: project, annotator: annotator, lease: lease, now: Date())
    }
    public func progress(project: String, annotator: String) throws -> (mine: Int, teamDone: Int, teamTotal: Int) {
        try progress(project: project, annotator: annotator, countMine: true)
    }
    public func hasAcknowledged(project: String, annotator: String) throws -> Bool {
        try hasAcknowledged(project: project, annotator: annotator, version: nil)
    }
    public func acknowledge(project: String, annotator: String) throws {
        try acknowledge(project: project, annotator: annotator, version: nil)
    }
}

extension ProjectAdministration {
    public func status(project: String) throws -> ProjectStatus { try status(project: project, now: Date()) }
}

extension WorkspaceMaintenance {
    public func doctor() throws -> DoctorReport { try doctor(now: Date()) }
}

extension DatasetStore {
    public func reviewQueue(project: String, below threshold: Double = 0.7) throws -> [ReviewItem] {
        try reviewQueue(project: project, below: threshold, limit: 1000)
    }
    public func auditFrozenSet(project: String, set setName: String) throws -> FrozenSetAudit {
        try auditFrozenSet(project: project, set: setName, expected: nil)
    }
    public func projectReport(project: String) throws -> ProjectReport { try projectReport(project: project, now: Date()) }
}

extension ProjectAdministration {
    public func importItems(project: String, reader: ItemReader, skipInvalid: Bool) throws -> ImportSummary {
        try importItems(project: project, reader: reader, skipInvalid: skipInvalid, progress: nil)
    }
}
