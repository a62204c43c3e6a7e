import Foundation
import MeowCore
import MeowStore

/// What a capacity run saw: simulated annotators with human think time against one backend.
struct CapacityResult {
    /// Answers per second the annotators ask for (annotators / mean think time).
    var offered: Double
    /// Answers per second done inside the window.
    var achieved: Double
    /// From when an annotator pressed the key (the action was due) to its answer stored and
    /// next item in hand: waiting for a connection and for the write lock included.
    var latency: Summary
    /// The busiest connection's share of the window spent in the store.
    var busiest: Double
    /// Answers per second the backend would do flat out: one over the mean time an action
    /// spends in the store (writes are serialized per workspace on both backends).
    var capacity: Double
    var saturated: Bool
    /// How many annotators at this pace saturate it (capacity × mean think time).
    var estimatedAnnotators: Int { Int(capacity * CapacityRun.meanThink) }
}

enum CapacityRun {
    /// Connections shared by the simulated annotators (each thread owns one, as a pool would).
    static let pool = 16
    static let think = 2.0...5.0
    static var meanThink: Double { (think.lowerBound + think.upperBound) / 2 }
}

/// A small seeded generator (SplitMix64): the same think times on every run.
struct SplitMix {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func uniform(_ r: ClosedRange<Double>) -> Double {
        r.lowerBound + Double(next() >> 11) / Double(1 << 53) * (r.upperBound - r.lowerBound)
    }
}

/// What the threads report, under one lock.
private final class CapacityTally: @unchecked Sendable {
    let lock = NSLock()
    var latencies: [Double] = []
    var services: [Double] = []
    var busy: [Double] = []
    var done = 0
    var errors: [String] = []
}

extension Suite {
    /// `annotators` simulated people on `location` for `seconds`: each answers (answer + next
    /// item in one transaction) every 2-5 s, drawn from a seeded distribution; the first action
    /// of each claims an item. Annotators are spread over `CapacityRun.pool` connections, one
    /// thread each.
    func capacity(location: String, annotators: Int, seconds: Double) throws -> CapacityResult {
        @Sendable func open() throws -> Workspace {
            WorkspaceLocation.isServer(location) ? try Workspace(postgres: location) : try Workspace(path: location)
        }
        let setup = try open()
        for a in 0..<annotators { try setup.acknowledge(project: BenchData.project, annotator: "sim\(a)") }
        let start = wallSeconds() + 1.0, end = start + seconds
        let tally = CapacityTally()
        let group = DispatchGroup()
        let pool = CapacityRun.pool
        for t in 0..<pool {
            group.enter()
            let thread = Thread {
                defer { group.leave() }
                var rng = SplitMix(state: 42 &+ UInt64(t))
                var busy = 0.0
                var lat: [Double] = [], svc: [Double] = []
                var done = 0
                do {
                    let ws = try open()
                    var schedule: [(due: Double, who: String, held: String?)] = stride(from: t, to: annotators, by: pool).map {
                        (start + rng.uniform(0...CapacityRun.meanThink), "sim\($0)", nil)
                    }
                    while !schedule.isEmpty {
                        guard let k = schedule.indices.min(by: { schedule[$0].due < schedule[$1].due }) else { break }
                        let (due, who, held) = schedule[k]
                        if due >= end { break }
                        sleepUntilWall(due)
                        let t0 = wallSeconds()
                        var next: String?
                        if let held {
                            let label = BenchData.labels[Int(rng.next() % UInt64(BenchData.labels.count))]
                            let r = try ws.submitAndClaimNext(project: BenchData.project, annotator: who, item: held,
                                                              answer: Answer(labels: [label]), lease: nil, now: Date())
                            next = try r.next.get()?.id
                        } else {
                            next = try ws.claimNext(project: BenchData.project, annotator: who)?.id
                        }
                        let t1 = wallSeconds()
                        guard let next else { throw BenchFailure("capacity: \(who) found no item") }
                        if t1 <= end {
                            lat.append(t1 - due); svc.append(t1 - t0); done += 1
                        }
                        busy += min(t1, end) - t0
                        schedule[k] = (t1 + rng.uniform(CapacityRun.think), who, next)
                    }
                } catch {
                    tally.lock.lock(); tally.errors.append("\(error)"); tally.lock.unlock()
                }
                tally.lock.lock()
                tally.latencies += lat; tally.services += svc; tally.busy.append(busy); tally.done += done
                tally.lock.unlock()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        group.wait()
        if let e = tally.errors.first { throw BenchFailure("capacity on \(location): \(e)") }
        let offered = Double(annotators) / CapacityRun.meanThink
        let achieved = Double(tally.done) / seconds
        let latency = Summary(tally.latencies)
        let meanService = Summary(tally.services).mean
        let capacity = meanService > 0 ? 1 / meanService : .infinity
        return CapacityResult(offered: offered, achieved: achieved, latency: latency,
                              busiest: (tally.busy.max() ?? 0) / seconds, capacity: capacity,
                              saturated: achieved < 0.9 * offered || latency.p99 > 1.0)
    }
}
