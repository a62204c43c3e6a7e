import Foundation
import MeowCore

/// An item as read from the file, with its text hash and the id it is stored under.
struct PreparedItem: Sendable {
    var item: ImportedItem
    var hash: [UInt8]
    var id: String
}

/// Reads, parses and hashes items on a second thread while the caller stores the ones before
/// (issue 16.1: parsing and SHA-256 were a quarter of an import's time on one core). Items and
/// errors arrive in file order, exactly as the reader gives them; a few batches are in flight
/// at most, so memory does not grow with the file.
final class ItemPrefetcher: @unchecked Sendable {
    enum Entry: Sendable {
        case item(PreparedItem)
        /// A line `skipInvalid` passes over, with why.
        case skipped(ImportError)
    }

    private let lock = NSCondition()
    private var batches: [(entries: [Entry], bytesRead: Int)] = []
    private var finished = false
    private var failure: Error?
    private var cancelled = false
    private var running = true
    private var current: [Entry] = []
    private var position = 0
    /// Bytes of the file read up to the items handed out so far.
    private(set) var bytesRead = 0

    init(reader: ItemReader, skipInvalid: Bool, batchSize: Int = 512, depth: Int = 8) {
        // The reader moves to the thread: from here on only the thread touches it.
        let handOver = UncheckedBox(reader)
        let thread = Thread { [self] in
            produce(reader: handOver.value, skipInvalid: skipInvalid, batchSize: batchSize, depth: depth)
        }
        thread.name = "meow import reader"
        thread.start()
    }

    deinit { cancel() }

    /// The next item or skipped line; nil at the end of the file; throws what the reader threw.
    func next() throws -> Entry? {
        if position < current.count {
            position += 1
            return current[position - 1]
        }
        lock.lock()
        defer { lock.unlock() }
        // After `cancel` the items stop short: never let that pass for the end of the file.
        if cancelled { throw CancellationError() }
        while batches.isEmpty && !finished { lock.wait() }
        guard !batches.isEmpty else {
            if let failure { throw failure }
            return nil
        }
        let batch = batches.removeFirst()
        lock.broadcast()
        current = batch.entries
        bytesRead = batch.bytesRead
        position = 1
        return current[0]
    }

    /// Stops the reading thread and waits for it: the caller has stopped taking items.
    func cancel() {
        lock.lock()
        cancelled = true
        lock.broadcast()
        while running { lock.wait() }
        lock.unlock()
    }

    private func produce(reader: ItemReader, skipInvalid: Bool, batchSize: Int, depth: Int) {
        var batch: [Entry] = []
        batch.reserveCapacity(batchSize)
        var error: Error?
        var atEnd = false
        while !atEnd {
            // The consumer may stop early (an error): look every 64 items, not only when a
            // batch is handed over, so a long tail of the file is not read for nothing.
            if batch.count % 64 == 63 {
                lock.lock()
                let stop = cancelled
                lock.unlock()
                if stop { break }
            }
            do {
                if let item = try reader.next() {
                    let hash = ItemIdentity.textHash(item.text)
                    batch.append(.item(PreparedItem(item: item, hash: hash, id: item.id ?? ItemIdentity.id(forHash: hash))))
                } else {
                    atEnd = true
                }
            } catch let e as ImportError where skipInvalid && e.line != nil {
                batch.append(.skipped(e))
            } catch let e {
                error = e
                atEnd = true
            }
            guard batch.count >= batchSize || atEnd else { continue }
            lock.lock()
            while batches.count >= depth && !cancelled { lock.wait() }
            if cancelled { atEnd = true }
            if !batch.isEmpty { batches.append((batch, reader.bytesRead)) }
            if atEnd {
                finished = true
                failure = error
            }
            lock.broadcast()
            lock.unlock()
            batch = []
            batch.reserveCapacity(batchSize)
        }
        lock.lock()
        running = false
        lock.broadcast()
        lock.unlock()
    }
}

/// Moves a value to another thread that alone uses it from then on.
private struct UncheckedBox<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}
