import Foundation
import MeowCore

extension Workspace {
    /// The project's answers as agreement input: one rating per (item, annotator), optionally
    /// only those made under one guideline version or by some annotators. For single-label
    /// tasks the label values are the guideline's `number:`s, else the labels themselves when all
    /// are numeric, else their positions in the guideline's order (an ordinal scale, no numbers).
    ///
    /// Speed (issue 13.7): a big project is read in two halves of the answer ids at once, each
    /// on its own connection; names are found from their bytes without making a `String`.
    /// Both halves must see the same answers: each reads the newest answer id and the newest
    /// history id (an undo writes one) in its own snapshot, and when another process changed the
    /// answers in between, the read is done again in one pass. On a file, all of a project's
    /// answers are then kept coded in `agreement_snapshot`, and the next read takes them from
    /// there and reads only the answers added since (`answersFromSnapshot`).
    public func agreementRatings(project name: String, guidelineVersion: Int? = nil, annotators: [String]? = nil) throws -> Ratings {
        let p = try project(name)
        let renames = try labelRenames(project: name)
        // One version: its own labels (under today's names, as the answers are read) and its
        // own `number:`s, so an old version is measured on the scale it was labeled on.
        let guideline = try guidelineVersion.map { try project(p, atVersion: $0).guideline } ?? p.guideline
        let order = Self.codedLabelOrder(guideline, renames: renames)
        var builder = RatingsBuilder(labels: order)
        // Ratings: the scale's points are numbers (`number` = the point), as for classify labels.
        if guideline.task == .classify || guideline.task == .rate {
            let numbers = guideline.labels.compactMap(\.number)
            if numbers.count == order.count {
                builder.labelValues = numbers
            } else if let values = Ratings.numericValues(of: order), Ratings.sameNumber(order, values) == nil {
                builder.labelValues = values
            } else {
                builder.labelValues = order.indices.map(Double.init)
                builder.labelValueKind = .order
            }
        }
        var scan = AnswerScan(project: p.id, guidelineVersion: guidelineVersion, annotators: annotators.map(Set.init),
                              renames: renames)
        if let ids = try db.row("SELECT coalesce((SELECT min(id) FROM item), 0) AS low, coalesce((SELECT max(id) FROM item), 0) AS high") {
            scan.itemRowIDs = try ids.int("low")...max(try ids.int("low"), try ids.int("high"))
        }
        // All of a project's answers (no filter) on a file: from the snapshot when it holds.
        let file = guidelineVersion == nil && annotators == nil && agreementSnapshots ? db as? Connection : nil
        let setup = file == nil ? "" : try snapshotSetup(project: p.id, order: order, renames: renames)
        if let file, let read = try answersFromSnapshot(file, scan: scan, builder: builder, setup: setup) {
            builder = read.state.builder
            agreementSnapshotReads += 1
            // Renewed once the answers read past it are a tenth of those in it.
            if read.added > 0, read.added * 10 >= read.cached {
                saveAgreementSnapshot(file, stamp: read.stamp, setup: setup, state: read.state)
            }
        } else {
            let (state, stamp) = try readAnswers(scan, builder)
            builder = state.builder
            if let file, let stamp, builder.count >= agreementSnapshotFrom {
                saveAgreementSnapshot(file, stamp: stamp, setup: setup, state: state)
            }
        }
        // Labels beyond the guideline's: multi-label combinations (no order, and no values were
        // set), or a label since removed from the guideline, which has no place on the scale.
        let offScale = Array(builder.labels.dropFirst(order.count))
        if !offScale.isEmpty { builder.labelValues = nil }
        var ratings = builder.build()
        if guideline.task == .classify { ratings.labelsOffScale = offScale }
        return ratings
    }

    /// Every answer `scan` selects, read in two halves at once when there are many, and the
    /// stamp of the snapshot they were read in (nil when it is not one snapshot's answers).
    private func readAnswers(_ s: AnswerScan, _ builder: RatingsBuilder) throws -> (AnswerScanState, AnswersStamp?) {
        var scan = s
        // Two subqueries: min and max in one SELECT would scan the table instead of reading the ends.
        let range = try db.read { try db.row("""
            SELECT coalesce((SELECT min(id) FROM annotation), 0) AS low, coalesce((SELECT max(id) FROM annotation), 0) AS high,
                   coalesce((SELECT max(id) FROM history), 0) AS changes, (SELECT count(*) FROM project) AS projects,
                   (SELECT coalesce(sum(answers), 0) FROM annotator_tally WHERE project_id = ?) AS answers
            """, .int(scan.project)) }
        let low = try range?.int("low") ?? 0, high = try range?.int("high") ?? 0
        let changes = try range?.int("changes") ?? 0
        // Room for the project's answers (the tally's count, a hint: never more than 2^27, so
        // a tally edited by hand cannot ask for the impossible). Not the span of the ids, which
        // an id set by hand can make as wide as 2^63.
        let answers = Int(min(max(0, try range?.int("answers") ?? 0), 1 << 27))
        let (span, wide) = high.subtractingReportingOverflow(low)
        // One project in the workspace: every answer up to `high` is this project's, so the
        // halves need not test each row's project (a tenth of SQLite's work per row). That
        // holds for the halves' snapshots when nothing was taken back since (no new history):
        // answers added since have higher ids.
        scan.onlyProject = try range?.int("projects") == 1
        if !wide, span >= parallelAgreementFrom, path != ":memory:", ProcessInfo.processInfo.activeProcessorCount >= 2,
           let other = try? Connection(path: path, readOnly: true, create: false) {
            let split = low + span / 2
            // The first job ends up holding every answer: room for all of them from the start.
            let first = ScanJob(db, scan, builder, ids: low...split, reserve: answers)
            let second = ScanJob(other, scan, builder, ids: (split + 1)...high, reserve: answers / 2 + 1)
            _ = concurrently({ first.run() }, { second.run() })
            if let error = first.error ?? second.error { throw error }
            // Same answers in both snapshots, and none newer than the range read before them.
            if first.stamp == second.stamp, let stamp = first.stamp, stamp.newest <= high,
               !scan.onlyProject || stamp.changes == changes {
                first.absorb(second)
                agreementReadsInHalves += 1
                return (first.finished(), stamp)
            }
        }
        let job = ScanJob(db, scan, builder, ids: nil, reserve: answers)
        job.run()
        if let error = job.error { throw error }
        return (job.finished(), job.stamp)
    }

    /// Guideline versions of a project with how many answers each holds.
    public func guidelineVersions(project name: String) throws -> [(version: Int, hash: String, createdAt: String, annotations: Int)] {
        let p = try project(name)
        return try db.rows("""
            SELECT g.version, g.content_hash, g.created_at, coalesce(c.n, 0) AS answers
            FROM guideline_version g
            LEFT JOIN (SELECT guideline_version AS v, count(*) AS n FROM annotation WHERE project_id = ?1 GROUP BY guideline_version) c ON c.v = g.version
            WHERE g.project_id = ?1 ORDER BY g.version
            """, .int(p.id)).map { (Int(try $0.int("version")), try $0.text("content_hash"), try $0.text("created_at"), Int(try $0.int("answers"))) }
    }
}

/// What one read snapshot held: its newest answer id, newest history id, how many of the
/// project's answers had been taken back or changed, and the newest of the project's own
/// answers.
struct AnswersStamp: Equatable {
    var newest: Int64
    var changes: Int64
    var rewritten: Int64
    var projectNewest: Int64
}

/// What to read: one project's answers, optionally one guideline version and some annotators.
struct AnswerScan: Sendable {
    let project: Int64
    /// The lowest and highest item row ids in the workspace (for `ItemCodes`).
    var itemRowIDs: ClosedRange<Int64> = 0...0
    let guidelineVersion: Int?
    let annotators: Set<String>?
    let renames: [String: String]
    /// The workspace holds this project only: an id range needs no project test.
    var onlyProject = false
}

/// What one pass over the answers builds: the ratings and the codes of the names seen so far.
/// Fed one answer at a time by `Connection.scanAnswers` (from inside SQLite) or by a server's
/// rows.
struct AnswerScanState {
    let scan: AnswerScan
    var builder: RatingsBuilder
    /// Item row id → item code in `builder` (items are named by their row id: the statistics
    /// need identity, not names, and the join with `item` cost a lookup per answer). Every item
    /// of `builder` is here, so a miss is a new item.
    var itemCodes = ItemCodes(rowIDs: 0...0)
    /// The row id of each item this state added to `builder`, in code order (from the code
    /// `builder` started at; from a snapshot, every item of it), so that `absorb` and the
    /// snapshot need not parse the names back.
    var itemRowIDs: [Int64] = []
    var annotatorCodes = NameCodeTable()
    /// Label text as stored → code after renames.
    var labelCodes = NameCodeTable()

    init(scan: AnswerScan, builder: RatingsBuilder) {
        self.scan = scan
        self.builder = builder
    }

    /// One answer, its names as UTF-8 bytes (valid for this call only).
    @inline(__always)
    mutating func add(item itemID: Int64, annotator: UnsafeRawBufferPointer, label: UnsafeRawBufferPointer) {
        let annotatorCode: Int32
        if let c = annotatorCodes.code(of: annotator) { annotatorCode = c } else {
            let name = String(decoding: annotator, as: UTF8.self)
            // Left-out annotators get a code of -1 so they are skipped by bytes next time.
            annotatorCode = scan.annotators.map { $0.contains(name) } ?? true ? builder.internAnnotator(name) : -1
            annotatorCodes.insert(annotator, code: annotatorCode)
        }
        if annotatorCode < 0 { return }
        let itemCode: Int32
        if let c = itemCodes[itemID] { itemCode = c } else {
            itemCode = builder.appendNewItem(ScanJob.decimal(itemID))
            itemCodes[itemID] = itemCode
            itemRowIDs.append(itemID)
        }
        let labelCode: Int32
        if let c = labelCodes.code(of: label) { labelCode = c } else {
            let raw = String(decoding: label, as: UTF8.self)
            let renamed = scan.renames.isEmpty ? raw : raw.split(separator: ",").map { scan.renames[String($0)] ?? String($0) }.joined(separator: ",")
            labelCode = builder.internLabel(renamed)
            labelCodes.insert(label, code: labelCode)
        }
        builder.append(itemCode: itemCode, annotatorCode: annotatorCode, labelCode: labelCode)
    }

    /// Appends `theirs` (a later id range, whose builder started at item code `theirFirst`)
    /// after these answers. An item whose answers both read keeps this state's code.
    mutating func absorb(_ theirs: AnswerScanState, theirFirst: Int) {
        let other = theirs.builder
        var items = [Int32](repeating: 0, count: other.items.count)
        // Items both started with (none in practice) keep their codes.
        for code in 0..<theirFirst { items[code] = Int32(code) }
        for (k, id) in theirs.itemRowIDs.enumerated() {
            let code = theirFirst + k
            if let mine = itemCodes[id] { items[code] = mine } else {
                let mine = builder.appendNewItem(other.items[code])
                itemCodes[id] = mine
                itemRowIDs.append(id)
                items[code] = mine
            }
        }
        let annotators = other.annotators.map { builder.internAnnotator($0) }
        let labels = other.labels.map { builder.internLabel($0) }
        builder.append(contentsOf: other, items: items, annotators: annotators, labels: labels)
    }
}

/// One pass over a range of answer ids on one connection, into its own `RatingsBuilder`.
/// A class so that two can run at once and be read afterwards (`Workspace.agreementRatings`).
final class ScanJob: @unchecked Sendable {
    private let db: any SQLDatabase
    private let scan: AnswerScan
    private let ids: ClosedRange<Int64>?
    /// Answers to make room for.
    private let reserve: Int
    /// What this job has read.
    private var state: AnswerScanState
    private let firstItemCode: Int
    /// What this job's snapshot held.
    private(set) var stamp: AnswersStamp?
    private(set) var error: (any Error)?
    var builder: RatingsBuilder { state.builder }

    init(_ db: any SQLDatabase, _ scan: AnswerScan, _ builder: RatingsBuilder, ids: ClosedRange<Int64>?, reserve: Int) {
        self.db = db
        self.scan = scan
        self.ids = ids
        self.reserve = reserve
        state = AnswerScanState(scan: scan, builder: builder)
        firstItemCode = builder.items.count
    }

    /// The state, out of the class for a pass over many rows: a class's stored properties are
    /// checked for exclusive access on every use (measured: the loop ran at half speed). An
    /// empty state stands in meanwhile, so the columns have one reference and appends do not
    /// copy them.
    private func takeState() -> AnswerScanState {
        let taken = state
        state = AnswerScanState(scan: scan, builder: RatingsBuilder())
        return taken
    }

    func run() {
        do { try db.read { try read() } } catch { self.error = error }
    }

    private func read() throws {
        // Answers are only ever added (a new, higher id) or taken back by undo (which writes a
        // history row and counts in `answers_rewritten`): these tell whether two snapshots hold
        // the same answers.
        if let row = try db.row("""
            SELECT coalesce((SELECT max(id) FROM annotation), 0) AS newest, coalesce((SELECT max(id) FROM history), 0) AS changes,
                   coalesce((SELECT answers_rewritten FROM project WHERE id = ?), 0) AS rewritten
            """, .int(scan.project)) {
            let newest = try row.int("newest")
            stamp = AnswersStamp(newest: newest, changes: try row.int("changes"), rewritten: try row.int("rewritten"),
                                 projectNewest: try Workspace.newestAnswer(db, project: scan.project, upTo: newest))
        }
        // A table scan beats a million index-then-row lookups; `+` keeps the planner off the index.
        var rest = "WHERE "
        var args: [SQLValue] = []
        if scan.onlyProject, ids != nil { rest += "1" } else { rest += "+project_id = ?"; args.append(.int(scan.project)) }
        if let v = scan.guidelineVersion { rest += " AND guideline_version = ?"; args.append(.int(Int64(v))) }
        if let ids { rest += " AND id BETWEEN ? AND ?"; args += [.int(ids.lowerBound), .int(ids.upperBound)] }
        var state = takeState()
        defer { self.state = state }
        state.itemCodes = ItemCodes(rowIDs: scan.itemRowIDs) // made here, on the job's own thread
        state.builder.reserveCapacity(reserve)
        if let file = db as? Connection {
            try file.scanAnswers(rest, args, into: &state)
            return
        }
        // A server's rows, one at a time.
        let s = try db.streaming("SELECT item_id, annotator, label FROM annotation " + rest)
        try s.bind(args)
        let cItem = try s.column("item_id"), cAnnotator = try s.column("annotator"), cLabel = try s.column("label")
        while try s.step() {
            s.withTextBytes(cAnnotator) { annotator in
                s.withTextBytes(cLabel) { label in state.add(item: s.int64(cItem), annotator: annotator, label: label) }
            }
        }
    }

    /// A row id in decimal: `String(_:)` is generic over every integer type and was 3% of
    /// the command for 250,000 items; this writes the digits straight into a small string.
    static func decimal(_ id: Int64) -> String {
        guard id >= 0 else { return String(id) }
        var n = UInt64(id)
        // On the stack, then into a string: up to 15 bytes it is stored inline, no allocation.
        return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 20) { digits in
            var start = 20
            repeat {
                start -= 1
                digits[start] = UInt8(truncatingIfNeeded: 48 + n % 10)
                n /= 10
            } while n > 0
            return String(decoding: UnsafeBufferPointer(rebasing: digits[start...]), as: UTF8.self)
        }
    }

    /// What the job read, taken out of it.
    func finished() -> AnswerScanState { takeState() }

    /// Appends `other`'s answers (a later id range) after this job's.
    func absorb(_ other: ScanJob) {
        var mine = takeState()
        mine.absorb(other.state, theirFirst: other.firstItemCode)
        state = mine
    }
}

/// Item row id → code: an array over the workspace's item ids when they are dense enough (4
/// bytes per item, no hashing), else a dictionary.
struct ItemCodes {
    private var dense: [Int32]
    private let base: Int64
    private var sparse: [Int64: Int32] = [:]

    init(rowIDs: ClosedRange<Int64>) {
        let (span, wide) = rowIDs.upperBound.subtractingReportingOverflow(rowIDs.lowerBound)
        base = rowIDs.lowerBound
        // 4 bytes per id at most 16 MB; sparser or wider ids (a workspace of many projects, ids
        // set by hand, even 2^63 apart) use the dictionary.
        dense = !wide && span < 4_000_000 ? [Int32](repeating: -1, count: Int(span) + 1) : []
    }

    /// The place of `id` in `dense`, if it has one (no overflow for ids far from `base`).
    @inline(__always) private func slot(_ id: Int64) -> Int? {
        let (k, wide) = id.subtractingReportingOverflow(base)
        return !wide && k >= 0 && k < Int64(dense.count) ? Int(k) : nil
    }

    subscript(id: Int64) -> Int32? {
        @inline(__always) get {
            if let k = slot(id) { let c = dense[k]; return c < 0 ? nil : c }
            return sparse[id]
        }
        set {
            if let k = slot(id) { dense[k] = newValue ?? -1 } else { sparse[id] = newValue }
        }
    }
}
