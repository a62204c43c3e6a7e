import CSQLite
import Foundation
import MeowStore

struct SuiteOptions {
    static let sections = ["import", "claim", "agreement", "export", "terminal", "memory"]
    var quick = false
    var only: [String] = SuiteOptions.sections
    var claimSeconds: Double?
    var reps: Int?
    var dataDir = "bench-data"
    var build = true
    var keep = false
    var strict = false
    var help = false

    static let usage = """
    usage: meow-bench [--quick] [--only SECTIONS] [--claim-seconds S] [--reps N] [--data DIR] [--no-build] [--keep] [--strict]

      --quick            100k-scale run (10k vs 100k for the memory rows) instead of 1M
      --only LIST        comma-separated sections: \(sections.joined(separator: ","))
      --claim-seconds S  measuring window per claim/submit scenario (default 5, quick 2)
      --reps N           repetitions of each timed process (default: 3 at 100k scale, 2 at 1M)
      --data DIR         where generated data and workspaces live (default ./bench-data)
      --no-build         do not run `swift build --product meow` first (use the meow binary as is)
      --keep             keep bench-data/tmp (the scratch workspaces and outputs) after the run
      --strict           exit 1 when any target is missed

    Environment: MEOW_BENCH_PYTHON (default python3) — a python with `krippendorff` and numpy for
    the agreement reference; MEOW_BENCH_MEOW — a meow binary to use instead of the one built
    next to meow-bench.
    """

    static func parse(_ args: [String]) throws -> SuiteOptions {
        var o = SuiteOptions()
        var i = 0
        func value() throws -> String {
            i += 1
            guard i < args.count else { throw BenchFailure("missing value for \(args[i - 1])\n\(usage)") }
            return args[i]
        }
        while i < args.count {
            let a = args[i]
            switch a {
            case "--quick": o.quick = true
            case "--only":
                let list = try value().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
                for s in list where !sections.contains(s) { throw BenchFailure("unknown section '\(s)' (sections: \(sections.joined(separator: ",")))") }
                o.only = sections.filter(list.contains)
            case "--claim-seconds": o.claimSeconds = Double(try value())
            case "--reps": o.reps = Int(try value())
            case "--data": o.dataDir = try value()
            case "--no-build": o.build = false
            case "--keep": o.keep = true
            case "--strict": o.strict = true
            case "-h", "--help": o.help = true
            default: throw BenchFailure("unknown option \(a)\n\(usage)")
            }
            i += 1
        }
        return o
    }
}

enum Verdict: String { case pass = "PASS", miss = "MISS", info = "info", skipped = "skipped", error = "ERROR" }

struct ResultRow {
    var section: String
    var path: String
    var meow: String
    var reference: String
    var ratio: String
    var target: String
    var verdict: Verdict
}

final class Suite {
    let o: SuiteOptions
    let data: DataSet
    var meow = ""
    let selfExe = Machine.selfExecutable()
    var rows: [ResultRow] = []
    var notes: [String] = []

    /// Items (and annotations) at the headline scale and at the small scale of the memory rows.
    let large: Int
    let small: Int

    // Measurements shared between sections (the memory rows reuse them).
    var importRuns: [Int: [ProcResult]] = [:]
    var exportRuns: [Int: [ProcResult]] = [:]
    var agreementFileRuns: [Int: [ProcResult]] = [:]
    var agreementProjectRuns: [Int: [ProcResult]] = [:]
    var annotatedThisRun: Set<Int> = []

    init(_ o: SuiteOptions) throws {
        self.o = o
        large = o.quick ? 100_000 : 1_000_000
        small = o.quick ? 10_000 : 100_000
        data = try DataSet(root: o.dataDir)
    }

    /// Cached workspaces are keyed by the schema a fresh `meow init` writes (version and a hash
    /// of every CREATE statement), so an edited schema never reuses an old file.
    var schemaTag = ""

    func computeSchemaTag() throws {
        let db = data.tmp("schema-probe.sqlite")
        try meowInit(db)
        let sql = try {
            let raw = try RawDB(path: db, readOnly: true)
            let s = try raw.prepare("SELECT type || ' ' || name || ' ' || coalesce(sql, '') FROM sqlite_schema ORDER BY type, name")
            defer { sqlite3_finalize(s) }
            var text = ""
            while sqlite3_step(s) == SQLITE_ROW { text += String(cString: sqlite3_column_text(s, 0)) + ";" }
            return text
        }()
        Files.removeDB(db)
        var h: UInt64 = 0xcbf2_9ce4_8422_2325 // FNV-1a
        for b in sql.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        schemaTag = "schema\(schema)-" + String(String(h, radix: 16).prefix(8))
        for f in (try? FileManager.default.contentsOfDirectory(atPath: data.wsDir)) ?? [] where !f.contains("-\(schemaTag).") {
            Files.remove(data.wsDir + "/" + f)
        }
    }

    var reps: Int { o.reps ?? (o.quick ? 3 : 2) }
    var repsSmall: Int { o.reps ?? 3 }

    // MARK: Run

    func run() throws -> Bool {
        let started = nowNs()
        try locateMeow()
        try computeSchemaTag()
        let date = ISO8601DateFormatter().string(from: Date())
        say("meow-bench — \(date)")
        say("machine: \(Machine.cores) cores, \(Machine.cpuModel()), \(String(format: "%.1f", Machine.memTotalGiB())) GiB RAM; load average at start \(Machine.loadAverage())")
        let revision = Machine.sourceRevision(package: packageDir)
        say("SQLite library \(String(cString: sqlite3_libversion())); meow binary \(meow); source \(revision); workspace \(schemaTag)")
        say("scale: \(fmtCount(large)) (memory rows: \(fmtCount(small)) vs \(fmtCount(large))); sections: \(o.only.joined(separator: ","))\n")
        let loadStart = Machine.loadAverage()

        for section in o.only {
            let t = nowNs()
            say("== \(section) (load average \(Machine.loadAverage()))")
            do {
                switch section {
                case "import": try importSection()
                case "claim": try claimSection()
                case "agreement": try agreementSection()
                case "export": try exportSection()
                case "terminal": try terminalSection()
                case "memory": try memorySection()
                default: break
                }
            } catch {
                warn("\(section): \(error)")
                rows.append(ResultRow(section: section, path: "\(section): error", meow: "\(error)".replacingOccurrences(of: "\n", with: " ").prefix(200).description,
                                      reference: "", ratio: "", target: "", verdict: .error))
            }
            say("   (\(section) took \(fmtDuration(seconds(since: t))))\n")
        }
        if !o.keep { Files.remove(data.tmpDir) }

        let total = seconds(since: started)
        let table = renderTable()
        say(table)
        for n in notes { say("- " + n) }
        let misses = rows.filter { $0.verdict == .miss || $0.verdict == .error }.count
        say("\n\(rows.filter { $0.verdict == .pass }.count) PASS, \(misses) MISS/ERROR; total \(fmtDuration(total)); load average \(loadStart) at start, \(Machine.loadAverage()) at end")

        var md = "# meow-bench run \(date)\n\n"
        md += "- machine: \(Machine.cores) cores, \(Machine.cpuModel()), \(String(format: "%.1f", Machine.memTotalGiB())) GiB RAM\n"
        md += "- source \(revision); SQLite \(String(cString: sqlite3_libversion())); load average \(loadStart) at start, \(Machine.loadAverage()) at end; total \(fmtDuration(total))\n"
        md += "- command: meow-bench \(CommandLine.arguments.dropFirst().joined(separator: " "))\n\n"
        md += table + "\n" + notes.map { "- " + $0 }.joined(separator: "\n") + "\n"
        let saved = o.dataDir + (o.quick ? "/last-run-quick.md" : "/last-run.md")
        try? md.write(toFile: saved, atomically: true, encoding: .utf8)
        say("(table saved to \(saved))")
        return !(o.strict && misses > 0)
    }

    func renderTable() -> String {
        var s = "| path | meow | reference (same run) | ratio | target | result |\n|---|---|---|---|---|---|\n"
        for r in rows {
            s += "| \(r.path) | \(r.meow) | \(r.reference) | \(r.ratio) | \(r.target) | \(r.verdict == .pass || r.verdict == .miss ? "**\(r.verdict.rawValue)**" : r.verdict.rawValue) |\n"
        }
        return s
    }

    func add(_ section: String, _ path: String, meow: String, reference: String = "—", ratio: String = "—", target: String = "—", _ verdict: Verdict) {
        rows.append(ResultRow(section: section, path: path, meow: meow, reference: reference, ratio: ratio, target: target, verdict: verdict))
        say("   \(verdict.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)) \(path): meow \(meow) | ref \(reference) | \(ratio) | target \(target)")
    }

    func note(_ s: String) {
        notes.append(s)
        say("   note: " + s)
    }

    // MARK: The meow binary

    /// The package this suite was built from (three levels above this source file).
    var packageDir: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }

    /// Uses MEOW_BENCH_MEOW, else the `meow` next to this executable, rebuilt first (a no-op
    /// when up to date) so the suite never measures a stale binary.
    func locateMeow() throws {
        if let m = ProcessInfo.processInfo.environment["MEOW_BENCH_MEOW"], !m.isEmpty { meow = m; return }
        let binDir = (selfExe as NSString).deletingLastPathComponent
        meow = binDir + "/meow"
        // <scratch>/<triple>/release/meow-bench; the package is three levels above this file.
        let scratch = ((binDir as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent
        let package = packageDir
        if o.build, Files.exists(package + "/Package.swift") {
            say("building meow: swift build -c release --scratch-path \(scratch) --product meow")
            let log = data.tmp("build-meow.log")
            let r = try runProcess(["swift", "build", "-c", "release", "--package-path", package, "--scratch-path", scratch, "--product", "meow"],
                            stdout: log, stderr: log)
            if r.status != 0 {
                let text = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
                throw BenchFailure("building meow failed:\n\(text.suffix(3000))")
            }
        }
        guard Files.exists(meow) else {
            throw BenchFailure("no meow binary at \(meow): build it with `swift build -c release --product meow` (same --scratch-path), or set MEOW_BENCH_MEOW")
        }
    }

    // MARK: Workspaces

    var schema: Int { Workspace.supportedSchemaVersion }

    func basePath(_ n: Int) -> String { data.wsDir + "/base-\(n)-\(schemaTag).sqlite" }
    func annotatedPath(_ a: Int) -> String { data.wsDir + "/annotated-\(a)-\(schemaTag).sqlite" }

    func meowInit(_ db: String) throws {
        Files.removeDB(db)
        try runProcess([meow, "init", BenchData.project, "--guideline", data.guidelinePath, "--db", db],
                stdout: data.tmp("init.out"), stderr: data.tmp("init.err")).check("meow init")
        // The meow binary and this suite (which links the same MeowStore) must agree on the schema.
        let version = try RawDB(path: db, readOnly: true).scalar("PRAGMA user_version")
        if version != Int64(schema) {
            throw BenchFailure("\(meow) writes schema version \(version) but meow-bench was built with version \(schema): the two were built from different sources; rebuild both (or drop --no-build)")
        }
    }

    /// Runs one measurement; a failure becomes an ERROR row and the section carries on.
    func attempt(_ section: String, _ what: String, _ body: () throws -> Void) {
        do { try body() } catch {
            warn("\(section): \(what): \(error)")
            rows.append(ResultRow(section: section, path: "\(what): error", meow: "\(error)".replacingOccurrences(of: "\n", with: " ").prefix(300).description,
                                  reference: "", ratio: "", target: "", verdict: .error))
        }
    }

    /// `meow init` + `meow import` of n items into a fresh file; returns the process result.
    func meowImport(_ n: Int, into db: String) throws -> ProcResult {
        let jsonl = try data.itemsJSONL(n)
        try meowInit(db)
        let r = try runProcess([meow, "import", BenchData.project, jsonl, "--db", db], stdout: data.tmp("import.out"), stderr: data.tmp("import.err"))
        try r.check("meow import")
        guard r.stdout.hasPrefix("imported \(n) items") else { throw BenchFailure("meow import: expected \(n) items inserted, got: \(r.stdout)") }
        return r
    }

    /// The n-item workspace every other scenario copies. The import section refreshes it.
    func baseWorkspace(_ n: Int) throws -> String {
        let path = basePath(n)
        if Files.exists(path) { return path }
        say("   setup: building the \(fmtCount(n))-item workspace with meow import")
        let tmp = data.tmp("base-build.sqlite")
        let r = try meowImport(n, into: tmp)
        importRuns[n, default: []].append(r)
        try Files.moveDB(tmp, path)
        return path
    }

    /// The n-item workspace plus n annotations (on its first n/4 items), loaded with
    /// `meow import-annotations` (Workspace.importAnnotations). Rebuilt once per run when
    /// `measure` (its time is a result), else reused from an earlier run when present.
    func annotatedWorkspace(_ a: Int, measure: Bool) throws -> String {
        let path = annotatedPath(a)
        if annotatedThisRun.contains(a) || (!measure && Files.exists(path)) { return path }
        let base = try baseWorkspace(a)
        let csv = try data.annotationsCSV(a)
        Files.warm(csv)
        let tmp = data.tmp("annotated-build.sqlite")
        try Files.copyDB(base, tmp)
        Files.warm(tmp)
        say("   setup: meow import-annotations of \(fmtCount(a)) labels into a copy of the \(fmtCount(a))-item workspace")
        let r = try runProcess([meow, "import-annotations", BenchData.project, csv, "--db", tmp],
                        stdout: data.tmp("import-annotations.out"), stderr: data.tmp("import-annotations.err"))
        try r.check("meow import-annotations")
        guard r.stdout.hasPrefix("imported \(a) annotations") else { throw BenchFailure("import-annotations: \(r.stdout)") }
        // The same CSV into a plain table with the sqlite3 shell, for scale.
        let refDB = data.tmp("annotations-ref.db")
        Files.removeDB(refDB)
        let ref = try runProcess(["sqlite3", refDB, ".mode csv", ".import \(csv) annotations"], stderr: data.tmp("sqlite3.err"))
        try ref.check("sqlite3 .import annotations")
        Files.removeDB(refDB)
        let rate = Double(a) / r.seconds
        add("setup", "import-annotations \(fmtCount(a)) labels (library `Workspace.importAnnotations` via `meow import-annotations`)",
            meow: "\(fmtDuration(r.seconds)) (\(fmtRate(rate, unit: "rows"))), RSS \(fmtMB(r.maxRSSKB))",
            reference: "sqlite3 `.import` CSV: \(fmtDuration(ref.seconds))", ratio: fmtRatio(r.seconds / ref.seconds), target: "— (setup)", .info)
        try Files.moveDB(tmp, path)
        annotatedThisRun.insert(a)
        return path
    }

    // MARK: Import

    func importSection() throws {
        for n in [small, large] {
            let jsonl = try data.itemsJSONL(n)
            let csv = try data.itemsCSV(n)
            Files.warm(jsonl)
            Files.warm(csv)
            let k = n == large ? reps : repsSmall
            var meowRuns: [ProcResult] = []
            var refRuns: [ProcResult] = []
            let db = data.tmp("import-meow.sqlite")
            let refDB = data.tmp("import-ref.db")
            for _ in 0..<k {
                meowRuns.append(try meowImport(n, into: db))
                Files.removeDB(refDB)
                let r = try runProcess(["sqlite3", refDB, ".mode csv", ".import \(csv) items"], stderr: data.tmp("sqlite3.err"))
                try r.check("sqlite3 .import")
                let count = try RawDB(path: refDB, readOnly: true).scalar("SELECT count(*) FROM items")
                guard count == n else { throw BenchFailure("sqlite3 .import loaded \(count) rows, expected \(n)") }
                refRuns.append(r)
            }
            Files.removeDB(refDB)
            try Files.moveDB(db, basePath(n)) // the freshest import is the base workspace of this run
            importRuns[n, default: []] += meowRuns
            let m = median(meowRuns.map(\.seconds)), r = median(refRuns.map(\.seconds))
            let ratio = m / r
            let headline = n == large
            add("import", "import \(fmtCount(n)) JSONL items, `meow import` process (n=\(k))",
                meow: "\(fmtDuration(m)) (\(fmtRate(Double(n) / m, unit: "items"))), RSS \(fmtMB(meowRuns.map(\.maxRSSKB).max()!))",
                reference: "sqlite3 `.import` CSV: \(fmtDuration(r)), RSS \(fmtMB(refRuns.map(\.maxRSSKB).max()!))",
                ratio: fmtRatio(ratio), target: headline ? "≤ 1.5x" : "(≤ 1.5x at \(fmtCount(large)))",
                headline ? (ratio <= 1.5 ? .pass : .miss) : .info)
            if headline {
                attempt("import", "import floor in meow's schema") { try importSchemaFloor(n, csv: csv, meowSeconds: m) }
                let u = median(meowRuns.map(\.userSeconds)), s = median(meowRuns.map(\.systemSeconds))
                note("import \(fmtCount(n)): meow CPU user \(fmtDuration(u)) + sys \(fmtDuration(s)) of \(fmtDuration(m)) wall; sqlite3 user \(fmtDuration(median(refRuns.map(\.userSeconds)))) + sys \(fmtDuration(median(refRuns.map(\.systemSeconds)))); workspace file \(Files.size(basePath(n)) >> 20) MiB vs plain table \(Files.size(csv) >> 20) MiB of CSV; all runs meow \(meowRuns.map { fmtDuration($0.seconds) }.joined(separator: ", ")), ref \(refRuns.map { fmtDuration($0.seconds) }.joined(separator: ", "))")
            }
        }
        try memoryRow(kind: "import (`meow import`)", runs: importRuns, flat: true)
    }

    /// A second, diagnostic reference: the sqlite3 shell filling meow's own `item` table (same
    /// indexes, triggers, CHECKs, foreign keys, WAL) from the same CSV in one transaction, with
    /// SQLite's sha3() standing in for SHA-256. The gap between this and the plain-table import
    /// is the schema's cost; the gap between meow and this is meow's own.
    func importSchemaFloor(_ n: Int, csv: String, meowSeconds: Double) throws {
        let db = data.tmp("import-floor.sqlite")
        try meowInit(db)
        let sql = data.tmp("import-floor.sql")
        try """
        PRAGMA journal_mode = WAL;
        PRAGMA synchronous = NORMAL;
        PRAGMA foreign_keys = ON;
        BEGIN;
        CREATE TEMP TABLE src(id TEXT, text TEXT, stars INTEGER);
        .import --csv --skip 1 \(csv) src
        INSERT INTO item(project_id, external_id, text, text_hash, metadata, priority, qkey, need)
          SELECT (SELECT id FROM project WHERE name = '\(BenchData.project)'), id, text, substr(sha3(text, 256), 1, 16),
                 json_object('stars', stars), 0, (1 << 40) | rowid, 3
          FROM temp.src WHERE true ON CONFLICT DO NOTHING;
        COMMIT;
        """.write(toFile: sql, atomically: true, encoding: .utf8)
        let r = try runProcess(["sqlite3", db, ".read \(sql)"], stdout: data.tmp("floor.out"), stderr: data.tmp("floor.err"))
        try r.check("sqlite3 schema floor")
        let count = try RawDB(path: db, readOnly: true).scalar("SELECT count(*) FROM item")
        guard count == n else { throw BenchFailure("schema floor inserted \(count) items, expected \(n)") }
        Files.removeDB(db)
        add("import", "└ diagnostic: sqlite3 shell filling the `item` table of a fresh `meow init` workspace (its indexes, CHECKs, FKs, triggers; WAL) from the CSV, one transaction (n=1)",
            meow: "meow \(fmtDuration(meowSeconds))", reference: "\(fmtDuration(r.seconds)) (user \(fmtDuration(r.userSeconds)) + sys \(fmtDuration(r.systemSeconds)))",
            ratio: fmtRatio(meowSeconds / r.seconds), target: "—", .info)
    }

    /// One memory row comparing peak RSS at the small and the large scale.
    func memoryRow(kind: String, runs: [Int: [ProcResult]], flat: Bool, unit: String = "items") throws {
        guard let s = runs[small]?.map(\.maxRSSKB).max(), let l = runs[large]?.map(\.maxRSSKB).max() else { return }
        let ratio = Double(l) / Double(s)
        let perItem = Double(l - s) * 1024 / Double(large - small)
        if rows.contains(where: { $0.section == "memory" && $0.path.hasPrefix("peak RSS, \(kind)") }) { return }
        add("memory", "peak RSS, \(kind): \(fmtCount(small)) vs \(fmtCount(large)) \(unit)",
            meow: "\(fmtMB(s)) → \(fmtMB(l)) (\(String(format: "%+.0f", perItem)) bytes per extra \(unit.dropLast()))",
            ratio: fmtRatio(ratio), target: flat ? "flat (≤ 1.5x)" : "— (held in memory by design)",
            flat ? (ratio <= 1.5 ? .pass : .miss) : .info)
    }

    // MARK: Claim + submit

    func claimSection() throws {
        let base = try baseWorkspace(large)
        let window = o.claimSeconds ?? (o.quick ? 2 : 5)
        struct Outcome { var throughput: Double; var claims: Summary; var submits: Summary; var cycles: Int }
        var outcomes: [String: Outcome] = [:]
        for procs in [1, 4] {
            for impl in ["meow", "raw"] {
                let db = data.tmp("claim-\(impl)-\(procs).sqlite")
                try Files.copyDB(base, db)
                Files.warm(db)
                let startAt = wallSeconds() + 2.0
                var children: [Spawned] = []
                for w in 1...procs {
                    children.append(try spawn([selfExe, "worker", "claim", "--impl", impl, "--db", db, "--annotator", "w\(w)",
                                               "--start-at", String(startAt), "--seconds", String(window),
                                               "--latencies", data.tmp("lat-\(impl)-\(procs)-\(w)")],
                                              stdout: data.tmp("worker-\(w).out"), stderr: data.tmp("worker-\(w).err")))
                }
                var cycles = 0
                var claims: [Double] = [], submits: [Double] = []
                for (w, c) in children.enumerated() {
                    let r = wait(c)
                    try r.check("claim worker \(impl) #\(w + 1)")
                    let out = r.stdout
                    guard let field = out.split(separator: " ").first(where: { $0.hasPrefix("cycles=") }), let n = Int(field.dropFirst(7)) else {
                        throw BenchFailure("worker output: \(out)")
                    }
                    if out.contains("empty=1") { throw BenchFailure("worker ran out of items") }
                    cycles += n
                    claims += ClaimWorker.readDoubles(data.tmp("lat-\(impl)-\(procs)-\(w + 1).claim"))
                    submits += ClaimWorker.readDoubles(data.tmp("lat-\(impl)-\(procs)-\(w + 1).submit"))
                }
                if wallSeconds() < startAt + window { throw BenchFailure("workers finished before the window closed") }
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
        for procs in [1, 4] {
            guard let m = outcomes["meow-\(procs)"], let r = outcomes["raw-\(procs)"] else { continue }
            let share = m.throughput / r.throughput
            add("claim", "claim + submit, \(procs) process\(procs > 1 ? "es" : ""), \(fmtCount(large)) items (library; \(window) s window)",
                meow: "\(fmtRate(m.throughput, unit: "cycles")); claim p50 \(fmtMs(m.claims.median)) p99 \(fmtMs(m.claims.p99)); submit p50 \(fmtMs(m.submits.median)) p99 \(fmtMs(m.submits.p99))",
                reference: "raw C API loop: \(fmtRate(r.throughput, unit: "cycles")); claim p50 \(fmtMs(r.claims.median)) p99 \(fmtMs(r.claims.p99)); submit p50 \(fmtMs(r.submits.median)) p99 \(fmtMs(r.submits.p99))",
                ratio: String(format: "%.0f%%", share * 100), target: "≥ 60% of ref", share >= 0.6 ? .pass : .miss)
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

    // MARK: Agreement

    static let pythonScript = """
    # Reference for meow-bench: Krippendorff's alpha (nominal) with the `krippendorff` package,
    # end to end from the same long-format CSV (csv module + numpy pivot).
    import csv, json, sys, time
    t0 = time.perf_counter()
    import numpy as np
    import krippendorff
    t1 = time.perf_counter()
    items, annotators, labels = {}, {}, {}
    ri, ra, rl = [], [], []
    with open(sys.argv[1], newline="") as f:
        r = csv.reader(f)
        h = next(r)
        ci, ca, cl = h.index("item"), h.index("annotator"), h.index("label")
        for row in r:
            ri.append(items.setdefault(row[ci], len(items)))
            ra.append(annotators.setdefault(row[ca], len(annotators)))
            rl.append(labels.setdefault(row[cl], len(labels)))
    t2 = time.perf_counter()
    data = np.full((len(annotators), len(items)), np.nan)
    data[np.asarray(ra), np.asarray(ri)] = np.asarray(rl, dtype=float)
    t3 = time.perf_counter()
    alpha = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    t4 = time.perf_counter()
    print(json.dumps({"alpha": alpha, "items": len(items), "annotators": len(annotators), "annotations": len(ri),
                      "import_s": t1 - t0, "parse_s": t2 - t1, "pivot_s": t3 - t2, "alpha_s": t4 - t3}))
    """

    /// The python to use for the reference, or why there is none.
    func referencePython() -> (String?, String) {
        let py = ProcessInfo.processInfo.environment["MEOW_BENCH_PYTHON"].flatMap { $0.isEmpty ? nil : $0 } ?? "python3"
        guard let r = try? runProcess([py, "-c", "import krippendorff, numpy"], stderr: data.tmp("py-check.err")) else {
            return (nil, "\(py) not found")
        }
        if r.status != 0 { return (nil, "\(py) cannot import krippendorff/numpy (set MEOW_BENCH_PYTHON, e.g. a venv with `pip install krippendorff`)") }
        return (py, py)
    }

    func alphaNominal(fromMeowJSON text: String) -> Double? {
        guard let obj = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any],
              let alpha = obj["krippendorff_alpha"] as? [String: Any] else { return nil }
        return (alpha["nominal"] as? NSNumber)?.doubleValue
    }

    func meowAgreementFile(_ a: Int, times: Int) throws -> [ProcResult] {
        let csv = try data.annotationsCSV(a)
        Files.warm(csv)
        while agreementFileRuns[a, default: []].count < times {
            let r = try runProcess([meow, "agreement", "--input", csv, "--json"], stdout: data.tmp("agreement-file.json"), stderr: data.tmp("agreement.err"))
            try r.check("meow agreement --input")
            agreementFileRuns[a, default: []].append(r)
        }
        return agreementFileRuns[a]!
    }

    func meowAgreementProject(_ a: Int, times: Int) throws -> [ProcResult] {
        let db = try annotatedWorkspace(a, measure: false)
        Files.warm(db)
        while agreementProjectRuns[a, default: []].count < times {
            let r = try runProcess([meow, "agreement", BenchData.project, "--db", db, "--json"], stdout: data.tmp("agreement-project.json"), stderr: data.tmp("agreement.err"))
            try r.check("meow agreement PROJECT")
            agreementProjectRuns[a, default: []].append(r)
        }
        return agreementProjectRuns[a]!
    }

    func agreementSection() throws {
        let a = large
        let csv = try data.annotationsCSV(a)
        _ = try annotatedWorkspace(a, measure: true)
        let fileRuns = try meowAgreementFile(a, times: reps + 1)
        let fileAlpha = alphaNominal(fromMeowJSON: fileRuns.last!.stdout)
        let projectRuns = try meowAgreementProject(a, times: reps + 1)
        let projectAlpha = alphaNominal(fromMeowJSON: projectRuns.last!.stdout)
        let mFile = median(fileRuns.map(\.seconds)), mProject = median(projectRuns.map(\.seconds))

        let (py, why) = referencePython()
        var refSeconds = Double.nan
        var refText = "skipped: \(why)"
        if let py {
            let script = o.dataDir + "/ref_krippendorff.py"
            try Self.pythonScript.write(toFile: script, atomically: true, encoding: .utf8)
            var pyRuns: [ProcResult] = []
            for _ in 0..<reps {
                let r = try runProcess([py, script, csv], stdout: data.tmp("ref-alpha.json"), stderr: data.tmp("ref-alpha.err"))
                try r.check("python reference")
                pyRuns.append(r)
            }
            let r = pyRuns.last!
            refSeconds = median(pyRuns.map(\.seconds))
            let obj = (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]) ?? [:]
            let refAlpha = (obj["alpha"] as? NSNumber)?.doubleValue
            refText = "python krippendorff (n=\(pyRuns.count)): \(fmtDuration(refSeconds)), RSS \(fmtMB(pyRuns.map(\.maxRSSKB).max()!))"
            let parts = ["import_s", "parse_s", "pivot_s", "alpha_s"].map { k in "\(k.dropLast(2)) \(fmtDuration((obj[k] as? NSNumber)?.doubleValue ?? .nan))" }
            note("python reference breakdown (\(py)): \(parts.joined(separator: ", ")) (the rest is interpreter start)")
            if let refAlpha, let fileAlpha, let projectAlpha {
                let agree = abs(refAlpha - fileAlpha) < 1e-9 && abs(refAlpha - projectAlpha) < 1e-9
                note("nominal alpha: meow file \(fileAlpha), meow project \(projectAlpha), python \(refAlpha) — \(agree ? "identical to 1e-9" : "DIFFERENT")")
                if !agree { add("agreement", "alpha values differ between meow and the reference", meow: "\(fileAlpha)", reference: "\(refAlpha)", .error) }
            }
        } else {
            say("   skipped: \(why)")
        }
        for (label, runs, m) in [("`meow agreement --input FILE --json` (CSV)", fileRuns, mFile), ("`meow agreement PROJECT --json` (workspace)", projectRuns, mProject)] {
            let speedup = refSeconds / m
            let verdict: Verdict = refSeconds.isNaN ? (m < 1 ? .pass : .miss) : (speedup >= 10 && m < 1 ? .pass : .miss)
            add("agreement", "agreement on \(fmtCount(a)) annotations (\(fmtCount(a / 4)) items, 50 annotators, 5 labels), \(label) (n=\(runs.count))",
                meow: "\(fmtDuration(m)) (all: \(runs.map { fmtDuration($0.seconds) }.joined(separator: ", "))), RSS \(fmtMB(runs.map(\.maxRSSKB).max()!))",
                reference: refText, ratio: refSeconds.isNaN ? "—" : String(format: "%.1fx faster", speedup),
                target: refSeconds.isNaN ? "< 1 s (ref skipped)" : "≥ 10x faster, < 1 s", verdict)
        }
    }

    // MARK: Export

    /// Since `meow export` became a dataset export (one row per item with its final label),
    /// every answer is `--raw`; older binaries export every answer by default.
    lazy var exportRaw: Bool = {
        guard let r = try? runProcess([meow, "export", "--help"], stdout: data.tmp("export-help.txt")) else { return false }
        return r.stdout.contains("--raw")
    }()

    func exportSQL(projectID: Int) -> String {
        """
        SELECT i.external_id AS item, i.text, a.annotator, a.label, a.comment, a.unsure, a.created_at, a.guideline_version,\(exportRaw ? " 'train' AS split," : "") i.metadata \
        FROM annotation a JOIN item i ON i.id = a.item_id WHERE a.project_id = \(projectID) ORDER BY i.qkey, a.annotator
        """
    }

    func meowExport(_ a: Int, times: Int) throws -> [ProcResult] {
        while exportRuns[a, default: []].count < times { _ = try meowExportOnce(a) }
        return exportRuns[a]!
    }

    func meowExportOnce(_ a: Int) throws -> ProcResult {
        let db = try annotatedWorkspace(a, measure: false)
        Files.warm(db)
        let out = data.tmp("export.jsonl")
        Files.remove(out)
        let r = try runProcess([meow, "export", BenchData.project, "--db", db, "--out", out] + (exportRaw ? ["--raw"] : []),
                               stdout: data.tmp("export.out"), stderr: data.tmp("export.err"))
        try r.check("meow export")
        let lines = Files.lineCount(out)
        guard lines == a else { throw BenchFailure("meow export wrote \(lines) lines, expected \(a): \(r.stderr.suffix(300))") }
        Files.remove(out)
        Files.remove(out + ".manifest.json")
        exportRuns[a, default: []].append(r)
        return r
    }

    func exportSection() throws {
        let a = large
        let db = try annotatedWorkspace(a, measure: true)
        Files.warm(db)
        let projectID = Int(try RawDB(path: db, readOnly: true).scalar("SELECT id FROM project WHERE name = '\(BenchData.project)'"))
        var meowRuns: [ProcResult] = []
        var refRuns: [ProcResult] = []
        let refOut = data.tmp("export-ref.json")
        var refBytes = 0
        for _ in 0..<reps {
            meowRuns.append(try meowExportOnce(a))
            let r = try runProcess(["sqlite3", "-json", db, exportSQL(projectID: projectID)], stdout: refOut, stderr: data.tmp("sqlite3.err"))
            try r.check("sqlite3 -json")
            refBytes = Files.size(refOut)
            refRuns.append(r)
            Files.remove(refOut)
        }
        let m = median(meowRuns.map(\.seconds)), r = median(refRuns.map(\.seconds))
        let ratio = m / r
        add("export", "export \(fmtCount(a)) annotations to JSONL, `meow export\(exportRaw ? " --raw" : "")` process (n=\(reps))",
            meow: "\(fmtDuration(m)) (\(fmtRate(Double(a) / m, unit: "rows"))), RSS \(fmtMB(meowRuns.map(\.maxRSSKB).max()!))",
            reference: "`sqlite3 -json` same SELECT/ORDER: \(fmtDuration(r)), RSS \(fmtMB(refRuns.map(\.maxRSSKB).max()!))",
            ratio: fmtRatio(ratio), target: "≤ 1.5x", ratio <= 1.5 ? .pass : .miss)
        note("export \(fmtCount(a)): meow CPU user \(fmtDuration(median(meowRuns.map(\.userSeconds)))) + sys \(fmtDuration(median(meowRuns.map(\.systemSeconds)))); sqlite3 user \(fmtDuration(median(refRuns.map(\.userSeconds)))) + sys \(fmtDuration(median(refRuns.map(\.systemSeconds)))); sqlite3 output \(refBytes >> 20) MiB; meow writes through a temp file + fsync + rename")
    }

    // MARK: Terminal

    func terminalSection() throws {
        let frames = o.quick ? 2_000 : 5_000
        for long in [false, true] {
            let name = "key → next item drawn, pure (`handle` + `apply` + `render(into:)`), 200x60, \(long ? "4 KB item text (6 paragraphs, stress)" : "~100-byte item text")"
            attempt("terminal", name) {
                let s = Summary(try TerminalBench.pureFrames(count: frames, long: long))
                add("terminal", name + " (n=\(frames))",
                    meow: "p50 \(fmtMs(s.median)), p99 \(fmtMs(s.p99)), max \(fmtMs(s.max))", target: "< 1 ms", s.p99 < 0.001 ? .pass : .miss)
            }
        }

        let base = try baseWorkspace(large)
        let db = data.tmp("terminal.sqlite")
        try Files.copyDB(base, db)
        Files.warm(db)
        defer { Files.removeDB(db) }
        let keys = o.quick ? 1_000 : 2_000
        var firstStartup: Double?
        let e2eName = "key → next item drawn, end to end (`LabelingSession` + `WorkspaceBackend`: submit + claim next + progress + render), \(fmtCount(large))-item workspace, new annotator"
        attempt("terminal", e2eName) {
            let e2e = try TerminalBench.session(db: db, annotator: "term-1", keys: keys)
            guard e2e.answers == keys, e2e.lastScreenShowsItem else { throw BenchFailure("terminal session: \(e2e.answers) answers of \(keys)") }
            firstStartup = e2e.startup
            let f = Summary(e2e.frames)
            add("terminal", e2eName + " (n=\(keys))",
                meow: "p50 \(fmtMs(f.median)), p99 \(fmtMs(f.p99)), max \(fmtMs(f.max))", target: "< 10 ms", f.p99 < 0.010 ? .pass : .miss)
        }

        // Startup: a fresh Workspace each time (new connection, schema read, guideline parse),
        // a fresh annotator (a real claim), first frame drawn.
        let startName = "startup to first item drawn (open workspace + project + claim + render), \(fmtCount(large)) items, in-process"
        attempt("terminal", startName) {
            var startups = firstStartup.map { [$0] } ?? []
            for i in 2...6 { startups.append(try TerminalBench.session(db: db, annotator: "term-\(i)", keys: 0).startup) }
            let st = Summary(startups)
            add("terminal", startName + " (n=\(startups.count))",
                meow: "median \(fmtMs(st.median)), max \(fmtMs(st.max)) (first in this process \(fmtMs(startups[0])))", target: "< 200 ms", st.max < 0.2 ? .pass : .miss)
        }

        // As a process: `meow next --json` (process start + open + claim + print), a lower bound
        // for `meow label` reaching its first frame (which also starts ncurses).
        let procName = "`meow next --json` as a process (start + open + claim + print), \(fmtCount(large)) items"
        attempt("terminal", procName) {
            var procs: [ProcResult] = []
            for i in 1...3 {
                try Workspace(path: db).acknowledge(project: BenchData.project, annotator: "proc-\(i)")
                let r = try runProcess([meow, "next", BenchData.project, "--db", db, "--as", "proc-\(i)", "--json"], stdout: data.tmp("next.out"), stderr: data.tmp("next.err"))
                try r.check("meow next")
                procs.append(r)
            }
            add("terminal", procName + " (n=3)",
                meow: "median \(fmtMs(median(procs.map(\.seconds)))), RSS \(fmtMB(procs.map(\.maxRSSKB).max()!))", target: "(< 200 ms)", .info)
        }

        // An annotator who already has imported labels (≈20k each in the annotated workspace):
        // the per-frame queries must not grow with their history.
        let annotator = BenchData.annotatorName(0)
        let histName = "key → next item drawn, end to end, annotator `\(annotator)` with imported labels, \(fmtCount(large)) items + \(fmtCount(large)) annotations"
        attempt("terminal", histName) {
            let annotated = try annotatedWorkspace(large, measure: false)
            let adb = data.tmp("terminal-annotated.sqlite")
            try Files.copyDB(annotated, adb)
            Files.warm(adb)
            defer { Files.removeDB(adb) }
            let history = try RawDB(path: adb, readOnly: true).scalar("SELECT count(*) FROM annotation WHERE annotator = '\(annotator)'")
            let keys2 = o.quick ? 300 : 500
            let e2 = try TerminalBench.session(db: adb, annotator: annotator, keys: keys2)
            guard e2.answers == keys2 else { throw BenchFailure("terminal session (annotated): \(e2.answers) answers of \(keys2)") }
            let f2 = Summary(e2.frames)
            add("terminal", histName.replacingOccurrences(of: "with imported labels", with: "with \(history) imported labels") + " (n=\(keys2))",
                meow: "p50 \(fmtMs(f2.median)), p99 \(fmtMs(f2.p99)), max \(fmtMs(f2.max)); startup \(fmtMs(e2.startup))", target: "< 10 ms", f2.p99 < 0.010 ? .pass : .miss)
        }
    }

    // MARK: Memory

    func memorySection() throws {
        // Import: both scales (the import section measured them already when it ran).
        for n in [small, large] where importRuns[n] == nil {
            let db = data.tmp("import-mem.sqlite")
            importRuns[n] = [try meowImport(n, into: db)]
            try Files.moveDB(db, basePath(n))
        }
        try memoryRow(kind: "import (`meow import`)", runs: importRuns, flat: true)
        for n in [small, large] { _ = try meowExport(n, times: 1) }
        try memoryRow(kind: "export (`meow export`)", runs: exportRuns, flat: true, unit: "annotations")
        for n in [small, large] { _ = try meowAgreementFile(n, times: 1) }
        try memoryRow(kind: "agreement (`meow agreement --input`)", runs: agreementFileRuns, flat: false, unit: "annotations")
        for n in [small, large] { _ = try meowAgreementProject(n, times: 1) }
        try memoryRow(kind: "agreement (`meow agreement PROJECT`)", runs: agreementProjectRuns, flat: false, unit: "annotations")
    }
}
