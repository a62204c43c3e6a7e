import Foundation
import MeowCore

/// What an import did, for the report a user reads.
public struct ImportSummary: Sendable, Equatable {
    public var read = 0
    public var inserted = 0
    /// Lines whose text is already in the project under another id (or twice in the file).
    public var duplicateText = 0
    /// Lines whose id and text are already in the project (a re-import).
    public var alreadyPresent = 0
    public var skipped: [ImportError] = []
}

extension Workspace {
    /// Imports items from a file in one transaction: a malformed line rolls the whole file
    /// back, unless `skipInvalid`, which skips and reports it. `progress` is called now and then
    /// with the bytes read so far.
    public func importItems(project name: String, reader: ItemReader, skipInvalid: Bool,
                            progress: ((Int) -> Void)? = nil) throws -> ImportSummary {
        let project = try project(name)
        // A compare item's text is its pair's canonical JSON; plain text would not decode.
        if (project.guideline.task == .compare) != reader.pairs {
            throw ImportError(file: reader.path, line: nil, message: "project '\(name)' is a \(project.guideline.task.rawValue) project; read the file \(reader.pairs ? "as text items" : "as compare items (fields a, b, prompt)")")
        }
        // PostgreSQL: a round trip per row would take minutes at 1M items; stream through COPY.
        if db.backend == .postgresql {
            return try importItemsByCopy(project: project, reader: reader, skipInvalid: skipInvalid, progress: progress)
        }
        var summary = ImportSummary()
        // A bigger page cache (32 MiB) for the one big transaction: random-keyed index inserts
        // (the text hash) otherwise spill dirty pages to the WAL again and again (with the 2 MiB
        // default: 10 s of system time per 1M items). Measured at 1M items: 16 MiB 8.6 s;
        // 32 MiB 7.3 s at 64 MB RSS; 64 MiB 6.9 s at 98 MB. 32 MiB keeps memory flat.
        let cache = try db.scalarInt("PRAGMA cache_size") ?? -2000
        try db.execute("PRAGMA cache_size = -32768")
        defer { try? db.execute("PRAGMA cache_size = \(cache)") }
        let items = ItemPrefetcher(reader: reader, skipInvalid: skipInvalid)
        defer { items.cancel() }
        try writeJoiningOpen { tx in
            // The queue sequence goes with the row id (one step per row stored), so the next
            // import continues after every item of this one: import order holds across files.
            var seq = (try db.scalarInt("SELECT coalesce(max(id), 0) FROM item") ?? 0) + 1
            let insert = try db.statement("""
                INSERT INTO item(project_id, external_id, text, text_hash, metadata, priority, qkey, need)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                """)
            var lastProgress = 0
            var minQKey: Int64?
            var bulk: BulkLoad?
            var otherRows: Int64?
            var skippedAtSwitch = 0
            var stopped: Error?
            while true {
                let entry: ItemPrefetcher.Entry
                do {
                    guard let next = try items.next() else { break }
                    entry = next
                } catch {
                    // A bulk load judges its rows at the end: an earlier line may fail first.
                    guard bulk != nil else { throw error }
                    stopped = error
                    break
                }
                summary.read += 1
                let prepared: PreparedItem
                switch entry {
                case .skipped(let e):
                    summary.skipped.append(e)
                    continue
                case .item(let p): prepared = p
                }
                let item = prepared.item, id = prepared.id
                insert.rewind()
                try insert.bind([.int(project.id), .text(id), .text(item.text)])
                try insert.bindBlob(prepared.hash, at: 4)
                try insert.bind(.of(item.metadata), at: 5)
                try insert.bind(.int(Int64(item.priority)), at: 6)
                try insert.bind(.int(QueueKey.make(priority: item.priority, seq: seq)), at: 7)
                try insert.bind(.int(Int64(project.overlap)), at: 8)
                try insert.runToEnd()
                if bulk != nil || db.changes == 1 { seq += 1 }
                if bulk != nil {
                    // No unique index to hold a row back: every row goes in, judged at the end.
                    bulk?.added(line: item.line)
                    summary.inserted += 1
                } else if db.changes == 1 {
                    summary.inserted += 1
                    let q = QueueKey.make(priority: item.priority, seq: seq - 1)
                    if minQKey.map({ q < $0 }) ?? true { minQKey = q }
                    // Large, and at least as large as the rest of the table: drop the item's
                    // indexes and build them after loading (one sort each instead of 1M
                    // random inserts). Counted once, when the import reaches the threshold.
                    if summary.inserted >= bulkImportFrom {
                        let others = try otherRows ?? (db.scalarInt("SELECT count(*) FROM item") ?? 0) - Int64(summary.inserted)
                        otherRows = others
                        if Int64(summary.inserted) >= others {
                            bulk = try BulkLoad(startingIn: db)
                            skippedAtSwitch = summary.skipped.count
                        }
                    }
                } else {
                    // Which uniqueness rule held it back? Rare path: one lookup.
                    let existing = try db.row("SELECT text FROM item WHERE project_id = ? AND external_id = ?", .int(project.id), .text(id))
                    if let existing {
                        if try existing.text("text") == item.text { summary.alreadyPresent += 1 }
                        else {
                            let e = ImportError(file: reader.path, line: item.line, message: "id '\(id)' is already in the project with a different text")
                            if skipInvalid { summary.skipped.append(e) } else { throw e }
                        }
                    } else {
                        summary.duplicateText += 1
                    }
                }
                if let progress, items.bytesRead - lastProgress > 4 << 20 {
                    lastProgress = items.bytesRead
                    progress(items.bytesRead)
                }
            }
            if let bulk {
                try bulk.finish(db, project: project, file: reader.path, skipInvalid: skipInvalid, summary: &summary)
                // Lines skipped while loading and those the end judged, in file order.
                summary.skipped.replaceSubrange(skippedAtSwitch..., with: Array(summary.skipped[skippedAtSwitch...]).inFileOrder())
                if let lowest = try db.scalarInt("SELECT min(qkey) FROM item WHERE id >= ?", .int(bulk.firstID)),
                   minQKey.map({ lowest < $0 }) ?? true {
                    minQKey = lowest
                }
            }
            if let stopped { throw stopped }
            try db.run("UPDATE project SET answers_needed = answers_needed + ? WHERE id = ?", .int(Int64(summary.inserted * project.overlap)), .int(project.id))
            // Higher-priority items sort before annotators' cursors: move the cursors back.
            if let lowest = minQKey {
                try db.run("UPDATE queue_cursor SET qkey = ?2 WHERE project_id = ?1 AND qkey > ?2", .int(project.id), .int(lowest))
            }
        }
        return summary
    }
}

extension Array where Element == ImportError {
    /// Sorted by line, errors on the same line kept in the order they came (the order the
    /// row-by-row path reports them in).
    func inFileOrder() -> [ImportError] {
        enumerated().sorted { ($0.element.line ?? 0, $0.offset) < ($1.element.line ?? 0, $1.offset) }.map(\.element)
    }
}

/// The queue order as one integer: higher priority first, then import order.
enum QueueKey {
    static func make(priority: Int, seq: Int64) -> Int64 {
        (Int64(ImportLimits.maxPriority * 2 + 1 - (priority + ImportLimits.maxPriority)) << 40) | (seq & ((1 << 40) - 1))
    }
}

/// Stable identities from item text.
public enum ItemIdentity {
    /// First 16 bytes of SHA-256 of the text: the exact-duplicate key.
    public static func textHash(_ text: String) -> [UInt8] {
        var h = SHA256()
        h.update(text)
        return Array(h.finalize().prefix(16))
    }
    /// The id an item without one gets: `t` and 16 hex digits of its text hash.
    public static func id(forHash hash: [UInt8]) -> String { "t" + Array(hash.prefix(8)).hexString }
}
