import CSQLite
import Foundation
import MeowStore

extension Suite {
    // MARK: Claim + submit

    func claimSection() throws {
        let base = try baseWorkspace(large)
        let window = o.claimSeconds ?? (o.quick ? 2 : 5)
        struct Outcome { var throughput: Double; var claims: Summary; var submits: Summary; var cycles: Int }
        var outcomes: [String: Outcome] = [:]
        for procs in [1, 4, 16] {
            for impl in ["meow", "raw"] {
                let db = data.tmp("claim-\(impl)-\(procs).sqlite")
                try Files.copyDB(base, db)
                Files.warm(db)
                let (cycles, claims, submits) = try claimWorkers(impl: impl, db: db, procs: procs, window: window, tag: "sqlite")
                // Every reported cycle must be a stored answer, and no claim may be left over.
                let check = try RawDB(path: db, readOnly: true)
                let answers = try check.scalar("SELECT count(*) FROM annotation")
                let left = try check.scalar("SELECT count(*) FROM claim")
                let expected = cycles + procs * ClaimWorker.warmupCycles
                guard answers == expected, left == 0 else {
                    throw BenchFailure("claim \(impl) x\(procs): \(answers) annotations stored, \(expected) reported; \(left) claims left")
                }
                Files.removeDB(db)
                let o = Outcome(throughput: Double(cycles) / window, claims: Summary(claims), submits: Summary(submits), cycles: cycles)
                outcomes["\(impl)-\(procs)"] = o
                say("   \(impl) x\(procs): \(cycles) cycles in \(window) s = \(fmtRate(o.throughput, unit: "cycles")); claim p50 \(fmtMs(o.claims.median)) p99 \(fmtMs(o.claims.p99)) max \(fmtMs(o.claims.max)); submit p50 \(fmtMs(o.submits.median)) p99 \(fmtMs(o.submits.p99))")
            }
        }
        for procs in [1, 4, 16] {
            guard let m = outcomes["meow-\(procs)"], let r = outcomes["raw-\(procs)"] else { continue }
            let share = m.throughput / r.throughput
            add("claim", "claim + submit, \(procs) process\(procs > 1 ? "es" : ""), \(fmtCount(large)) items (library; \(window) s window)",
                meow: "\(fmtRate(m.throughput, unit: "cycles")); claim p50 \(fmtMs(m.claims.median)) p99 \(fmtMs(m.claims.p99)); submit p50 \(fmtMs(m.submits.median)) p99 \(fmtMs(m.submits.p99))",
                reference: "raw C API loop: \(fmtRate(r.throughput, unit: "cycles")); claim p50 \(fmtMs(r.claims.median)) p99 \(fmtMs(r.claims.p99)); submit p50 \(fmtMs(r.submits.median)) p99 \(fmtMs(r.submits.p99))",
                ratio: String(format: "%.0f%%", share * 100), target: "≥ 80% of ref", share >= 0.8 ? .pass : .miss)
        }
        // Issue 16.3: more processes must not cost throughput (lock handoffs between 16 writers).
        if let m4 = outcomes["meow-4"], let m16 = outcomes["meow-16"] {
            add("claim", "claim + submit, 16 processes against 4 (total throughput)",
                meow: "16: \(fmtRate(m16.throughput, unit: "cycles")); claim p99 \(fmtMs(m16.claims.p99))",
                reference: "4: \(fmtRate(m4.throughput, unit: "cycles"))",
                ratio: String(format: "%.0f%%", m16.throughput / m4.throughput * 100), target: "≥ 97% of 4 (run-to-run noise)", m16.throughput >= m4.throughput * 0.97 ? .pass : .miss)
        }
        for procs in [1, 4] {
            guard let m = outcomes["meow-\(procs)"] else { continue }
            let ok = m.claims.p99 < 0.002
            add("claim", "claim latency p99, \(procs) process\(procs > 1 ? "es" : ""), \(fmtCount(large)) items",
                meow: "p99 \(fmtMs(m.claims.p99)) (p50 \(fmtMs(m.claims.median)), max \(fmtMs(m.claims.max)), n=\(m.claims.count))",
                reference: outcomes["raw-\(procs)"].map { "raw p99 \(fmtMs($0.claims.p99))" } ?? "—",
                target: "< 2 ms", ok ? .pass : .miss)
        }
    }
}
