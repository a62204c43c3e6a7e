import Foundation
import MeowCore
import MeowStore

/// A PostgreSQL server for the bench: `MEOW_BENCH_POSTGRES` (a URL to its maintenance database)
/// when given, else a throwaway one started with `scripts/postgres-for-tests` with the server's
/// default durability (fsync and synchronous commit on), stopped at the end.
final class BenchPostgres {
    let url: String
    private let dir: String?

    init(data: DataSet) throws {
        if let given = ProcessInfo.processInfo.environment["MEOW_BENCH_POSTGRES"], !given.isEmpty {
            url = given
            dir = nil
            return
        }
        let d = data.tmp("postgres")
        _ = try? runProcess(["scripts/postgres-for-tests", "stop", d])
        try? FileManager.default.removeItem(atPath: d)
        let r = try runProcess(["/usr/bin/env", "MEOW_PG_DURABLE=1", "scripts/postgres-for-tests", "start", d], stdout: d + ".url", stderr: d + ".err")
        try r.check("starting PostgreSQL (scripts/postgres-for-tests; apt-get install postgresql)")
        url = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        dir = d
        setenv("PGPASSWORD", "meow-test", 1)
    }

    func stop() {
        if let dir { _ = try? runProcess(["scripts/postgres-for-tests", "stop", dir]) }
    }

    /// The URL of database `name` on this server.
    func database(_ name: String) -> String {
        guard var parts = URLComponents(string: url) else { return url }
        parts.path = "/" + name
        return parts.string ?? url
    }

    func admin() throws -> RawPG { try RawPG(url) }
}

extension Suite {
    // MARK: PostgreSQL

    func postgresSection() throws {
        let server = try BenchPostgres(data: data)
        defer { server.stop() }
        let base = try baseWorkspace(large)
        let admin = try server.admin()
        let baseDB = "meow_bench_base"
        try admin.exec("DROP DATABASE IF EXISTS \(baseDB)")
        // The same workspace as the file's: `meow init` and `meow import` of the same JSONL
        // (`meow migrate` copies row by row: 230 s for the million items, 14 s this way).
        say("   setup: meow init + meow import of the \(fmtCount(large))-item file into PostgreSQL")
        let t0 = nowNs()
        let baseURL = server.database(baseDB)
        try admin.exec("CREATE DATABASE \(baseDB)")
        try runProcess([meow, "init", BenchData.project, "--guideline", data.guidelinePath, "--db", baseURL],
                       stdout: data.tmp("init.out"), stderr: data.tmp("init.err")).check("meow init (PostgreSQL base)")
        let imported = try runProcess([meow, "import", BenchData.project, try data.itemsJSONL(large), "--db", baseURL],
                                      stdout: data.tmp("import.out"), stderr: data.tmp("import.err"))
        try imported.check("meow import (PostgreSQL base)")
        let fileItems = try Connection(path: base, readOnly: true, create: false).scalarInt("SELECT count(*) FROM item") ?? -1
        guard try RawPG(baseURL).exec("SELECT count(*) FROM item") == String(fileItems) else {
            throw BenchFailure("the PostgreSQL base workspace does not hold the file's \(fileItems) items")
        }
        // A workspace in use has been vacuumed and analyzed: without this, autovacuum's first
        // pass over the million new rows (hint bits, statistics) lands inside a measured window
        // (a capacity run gave p99 660 ms instead of 11 ms).
        try RawPG(baseURL).exec("VACUUM ANALYZE")
        say("   (\(fileItems) items in \(fmtDuration(Double(nowNs() - t0) / 1e9)), vacuumed and analyzed)")
        try admin.exec("CHECKPOINT")

        var runs = 0
        /// A fresh copy of the base database for one scenario, dropped by the caller.
        func scratch() throws -> String {
            runs += 1
            let name = "meow_bench_run_\(runs)"
            try admin.exec("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
            try admin.exec("CREATE DATABASE \(name) TEMPLATE \(baseDB)")
            return name
        }

        let window = o.claimSeconds ?? (o.quick ? 2 : 5)
        // Each scenario runs `reps` times, meow and the reference in turn, each on a fresh copy:
        // with 16 clients and the server on two cores one 5 s window moves ±20% from run to run.
        var throughputs: [String: [Double]] = [:], claimLatencies: [String: [Double]] = [:]
        for procs in [1, 4, 16] {
            for _ in 0..<reps {
                for impl in ["meow", "pg-raw"] {
                    let name = try scratch()
                    let url = server.database(name)
                    let (cycles, claims, _) = try claimWorkers(impl: impl, db: url, procs: procs, window: window, tag: "pg")
                    let (answers, left, twice, over) = try {
                        let check = try RawPG(url)
                        func count(_ sql: String) throws -> Int { Int(try check.exec(sql) ?? "") ?? -1 }
                        return (try count("SELECT count(*) FROM annotation"), try count("SELECT count(*) FROM claim"),
                                try count("SELECT count(*) FROM (SELECT item_id, annotator FROM annotation GROUP BY 1, 2 HAVING count(*) > 1) t"),
                                try count("SELECT count(*) FROM item WHERE done_count > need"))
                    }()
                    let expected = cycles + procs * ClaimWorker.warmupCycles
                    guard answers == expected, left == 0, twice == 0, over == 0 else {
                        throw BenchFailure("postgres claim \(impl) x\(procs): \(answers) answers stored, \(expected) reported, \(left) claims left, \(twice) twice, \(over) over overlap")
                    }
                    try admin.exec("DROP DATABASE \(name) WITH (FORCE)")
                    let key = "\(impl)-\(procs)", throughput = Double(cycles) / window
                    throughputs[key, default: []].append(throughput)
                    claimLatencies[key, default: []] += claims
                    say("   \(impl) x\(procs): \(cycles) cycles = \(fmtRate(throughput, unit: "cycles")); claim p50 \(fmtMs(Summary(claims).median)) p99 \(fmtMs(Summary(claims).p99))")
                }
            }
        }
        for procs in [1, 4, 16] {
            guard let m = throughputs["meow-\(procs)"], let r = throughputs["pg-raw-\(procs)"] else { continue }
            let mc = Summary(claimLatencies["meow-\(procs)"] ?? []), rc = Summary(claimLatencies["pg-raw-\(procs)"] ?? [])
            let share = median(m) / median(r)
            func all(_ xs: [Double]) -> String { xs.count > 1 ? " (all: " + xs.map { String(format: "%.0f", $0) }.joined(separator: ", ") + ")" : "" }
            add("postgres", "PostgreSQL claim + submit, \(procs) process\(procs > 1 ? "es" : ""), \(fmtCount(large)) items (\(window) s window, n=\(m.count))",
                meow: "\(fmtRate(median(m), unit: "cycles"))\(all(m)); claim p50 \(fmtMs(mc.median)) p99 \(fmtMs(mc.p99))",
                reference: "raw libpq loop (SKIP LOCKED, no workspace lock): \(fmtRate(median(r), unit: "cycles"))\(all(r)); claim p99 \(fmtMs(rc.p99))",
                ratio: String(format: "%.0f%%", share * 100), target: "≥ 60% of ref", share >= 0.6 ? .pass : .miss)
        }

        try postgresImportRow(server: server, admin: admin)

        // Capacity: many annotators with human think time, on both backends.
        let annotators = o.quick ? 300 : 1000
        let seconds = o.quick ? 10.0 : 30.0
        let pgName = try scratch()
        let pg = try capacity(location: server.database(pgName), annotators: annotators, seconds: seconds)
        try admin.exec("DROP DATABASE \(pgName) WITH (FORCE)")
        let file = data.tmp("capacity.sqlite")
        try Files.copyDB(base, file)
        Files.warm(file)
        let sqlite = try capacity(location: file, annotators: annotators, seconds: seconds)
        Files.removeDB(file)
        for (backend, c) in [("SQLite", sqlite), ("PostgreSQL", pg)] {
            add("postgres", "capacity: \(annotators) annotators answering every 2-5 s, \(Int(seconds)) s, \(CapacityRun.pool) connections — \(backend)",
                meow: "\(fmtRate(c.achieved, unit: "answers")) of \(fmtRate(c.offered, unit: "answers")) offered; answer+claim p50 \(fmtMs(c.latency.median)) p99 \(fmtMs(c.latency.p99)); busiest connection \(String(format: "%.0f%%", c.busiest * 100))",
                reference: "serves ~\(fmtCount(c.estimatedAnnotators)) annotators at this pace (\(fmtRate(c.capacity, unit: "answers")) at saturation)",
                target: "not saturated", c.saturated ? .miss : .pass)
        }
    }

    /// `meow import` of the large JSONL file into a new PostgreSQL workspace, against `psql
    /// \\copy` of the same rows (the columns meow stores, taken from meow's first import) into
    /// the `item` table of another new workspace: the server's own loader, same rows, same table.
    /// A diagnostic row loads the file's three fields into a plain table, no keys.
    func postgresImportRow(server: BenchPostgres, admin: RawPG) throws {
        let jsonl = try data.itemsJSONL(large), csv = try data.itemsCSV(large)
        let rowsCSV = data.tmp("items-\(large)-as-stored.csv")
        Files.warm(jsonl); Files.warm(csv)
        let columns = "project_id, external_id, text, text_hash, metadata, priority, qkey, need"
        func freshWorkspace(_ name: String) throws -> String {
            try admin.exec("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
            let url = server.database(name)
            try runProcess([meow, "init", BenchData.project, "--guideline", data.guidelinePath, "--db", url],
                           stdout: data.tmp("init.out"), stderr: data.tmp("init.err")).check("meow init (PostgreSQL)")
            try admin.exec("CHECKPOINT")
            return url
        }
        func psql(_ url: String, _ command: String) throws -> ProcResult {
            let r = try runProcess(["psql", url, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", command],
                                   stdout: data.tmp("psql.out"), stderr: data.tmp("psql.err"))
            try r.check("psql \(command.prefix(40))")
            return r
        }
        var meowRuns: [ProcResult] = [], refRuns: [ProcResult] = [], plainRuns: [ProcResult] = []
        for rep in 0..<reps {
            let url = try freshWorkspace("meow_bench_import")
            let r = try runProcess([meow, "import", BenchData.project, jsonl, "--db", url], stdout: data.tmp("import.out"), stderr: data.tmp("import.err"))
            try r.check("meow import (PostgreSQL)")
            guard r.stdout.hasPrefix("imported \(large) items") else { throw BenchFailure("meow import (PostgreSQL): \(r.stdout)") }
            meowRuns.append(r)
            if rep == 0 { _ = try psql(url, "\\copy (SELECT \(columns) FROM item ORDER BY id) TO '\(rowsCSV)' CSV") }

            let refURL = try freshWorkspace("meow_bench_import_ref")
            Files.warm(rowsCSV)
            refRuns.append(try psql(refURL, "\\copy item(\(columns)) FROM '\(rowsCSV)' CSV"))
            guard Int(try RawPG(refURL).exec("SELECT count(*) FROM item") ?? "") == large else { throw BenchFailure("psql \\copy into item loaded the wrong count") }

            try admin.exec("DROP TABLE IF EXISTS bench_plain; CREATE TABLE bench_plain(id text, text text, stars bigint); CHECKPOINT")
            plainRuns.append(try psql(server.url, "\\copy bench_plain FROM '\(csv)' CSV HEADER"))
            guard Int(try admin.exec("SELECT count(*) FROM bench_plain") ?? "") == large else { throw BenchFailure("psql \\copy loaded the wrong count") }
        }
        try admin.exec("DROP TABLE IF EXISTS bench_plain")
        for name in ["meow_bench_import", "meow_bench_import_ref"] { try admin.exec("DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
        let m = median(meowRuns.map(\.seconds)), r = median(refRuns.map(\.seconds)), p = median(plainRuns.map(\.seconds))
        add("postgres", "PostgreSQL import \(fmtCount(large)) JSONL items, `meow import` process (n=\(reps))",
            meow: "\(fmtDuration(m)) (\(fmtRate(Double(large) / m, unit: "items"))), RSS \(fmtMB(meowRuns.map(\.maxRSSKB).max() ?? 0))",
            reference: "psql `\\copy` of the same rows (the 8 columns meow stores, CSV) into the `item` table of a fresh `meow init` workspace (its keys, foreign key, checks, open-items index): \(fmtDuration(r)) (all: \(refRuns.map { fmtDuration($0.seconds) }.joined(separator: ", ")))",
            ratio: fmtRatio(m / r), target: "≤ 2x ref", m / r <= 2 ? .pass : .miss)
        add("postgres", "└ diagnostic: the same import against psql `\\copy` of the file's three fields (CSV) into a plain table, no keys",
            meow: fmtDuration(m), reference: fmtDuration(p), ratio: fmtRatio(m / p), .info)
    }

    /// Starts `procs` claim workers (`meow-bench worker claim`) on `db` (a file or a server) and
    /// gathers their cycles and their claim and submit latencies.
    func claimWorkers(impl: String, db: String, procs: Int, window: Double, tag: String) throws -> (Int, [Double], [Double]) {
        let startAt = wallSeconds() + 2.0
        var children: [Spawned] = []
        for w in 1...procs {
            children.append(try spawn([selfExe, "worker", "claim", "--impl", impl, "--db", db, "--annotator", "w\(w)",
                                       "--start-at", String(startAt), "--seconds", String(window),
                                       "--latencies", data.tmp("lat-\(tag)-\(impl)-\(procs)-\(w)")],
                                      stdout: data.tmp("worker-\(w).out"), stderr: data.tmp("worker-\(w).err")))
        }
        var cycles = 0
        var claims: [Double] = [], submits: [Double] = []
        for (w, c) in children.enumerated() {
            let r = wait(c)
            try r.check("claim worker \(impl) #\(w + 1)")
            guard let field = r.stdout.split(separator: " ").first(where: { $0.hasPrefix("cycles=") }), let n = Int(field.dropFirst(7)) else {
                throw BenchFailure("worker output: \(r.stdout)")
            }
            if r.stdout.contains("empty=1") { throw BenchFailure("worker ran out of items") }
            cycles += n
            claims += ClaimWorker.readDoubles(data.tmp("lat-\(tag)-\(impl)-\(procs)-\(w + 1).claim"))
            submits += ClaimWorker.readDoubles(data.tmp("lat-\(tag)-\(impl)-\(procs)-\(w + 1).submit"))
        }
        if wallSeconds() < startAt + window { throw BenchFailure("workers finished before the window closed") }
        return (cycles, claims, submits)
    }
}
