import CSQLite
import Foundation
import MeowStore

struct SuiteOptions {
    /// `spans` runs last: it works in this process and grows it to ~100 MB, and on Linux a
    /// child's peak RSS (wait4's ru_maxrss) starts from its parent's at the spawn, so every
    /// process row after it would report at least that.
    static let sections = ["import", "claim", "agreement", "export", "terminal", "memory", "postgres", "spans"]
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
    var agreementProjectColdRuns: [Int: [ProcResult]] = [:]
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
                case "postgres": try postgresSection()
                case "agreement": try agreementSection()
                case "spans": spanAgreementRow()
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
        say("   setup: meow import-annotations of \(fmtCount(a)) labels into a copy of the \(fmtCount(a))-item workspace")
        // Timed runs when measured, each into a fresh copy; the last one's workspace is kept.
        var runs: [ProcResult] = []
        // Three at least: a run of a few seconds moves ±30% with the machine's minute, and the
        // median of two is their mean (one slow run decided the row on a slow day).
        for _ in 0..<(measure ? max(reps, 3) : 1) {
            try Files.copyDB(base, tmp)
            Files.warm(tmp)
            // The copy's pages are written out before the clock starts, not during the import.
            sync()
            let r = try runProcess([meow, "import-annotations", BenchData.project, csv, "--db", tmp],
                                   stdout: data.tmp("import-annotations.out"), stderr: data.tmp("import-annotations.err"))
            try r.check("meow import-annotations")
            guard r.stdout.hasPrefix("imported \(a) annotations") else { throw BenchFailure("import-annotations: \(r.stdout)") }
            runs.append(r)
        }
        let seconds = median(runs.map(\.seconds))
        // The same CSV into a plain table with the sqlite3 shell, for scale.
        let refDB = data.tmp("annotations-ref.db")
        Files.removeDB(refDB)
        let ref = try runProcess(["sqlite3", refDB, ".mode csv", ".import \(csv) annotations"], stderr: data.tmp("sqlite3.err"))
        try ref.check("sqlite3 .import annotations")
        Files.removeDB(refDB)
        let rate = Double(a) / seconds
        // Issue 13.7: a million labels in under 3 s (at a million items; the quick run is informative).
        let target: Verdict = a >= 1_000_000 ? (seconds < 3 ? .pass : .miss) : .info
        add("agreement", "import-annotations \(fmtCount(a)) labels (library `Workspace.importAnnotations` via `meow import-annotations`, n=\(runs.count))",
            meow: "\(fmtDuration(seconds)) (\(fmtRate(rate, unit: "rows"))) (all: \(runs.map { fmtDuration($0.seconds) }.joined(separator: ", "))), RSS \(fmtMB(runs.map(\.maxRSSKB).max() ?? 0))",
            reference: "sqlite3 `.import` CSV: \(fmtDuration(ref.seconds))", ratio: fmtRatio(seconds / ref.seconds),
            target: a >= 1_000_000 ? "< 3 s" : "— (quick)", target)
        try Files.moveDB(tmp, path)
        annotatedThisRun.insert(a)
        return path
    }

    /// Since `meow export` became a dataset export (one row per item with its final label),
    /// every answer is `--raw`; older binaries export every answer by default.
    lazy var exportRaw: Bool = {
        guard let r = try? runProcess([meow, "export", "--help"], stdout: data.tmp("export-help.txt")) else { return false }
        return r.stdout.contains("--raw")
    }()
}
