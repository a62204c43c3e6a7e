import CSQLite
import Foundation
import MeowStore

extension Suite {
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

    /// `meow agreement PROJECT` with the workspace's agreement snapshot as the runs before
    /// left it (the steady case: nothing or a little new since the last read). The first run
    /// on a workspace without one is a first read, counted with those.
    func meowAgreementProject(_ a: Int, times: Int) throws -> [ProcResult] {
        let db = try annotatedWorkspace(a, measure: false)
        Files.warm(db)
        if agreementProjectColdRuns[a, default: []].isEmpty { _ = try meowAgreementProjectFirstRead(a, times: 1) }
        while agreementProjectRuns[a, default: []].count < times {
            let r = try runProcess([meow, "agreement", BenchData.project, "--db", db, "--json"], stdout: data.tmp("agreement-project.json"), stderr: data.tmp("agreement.err"))
            try r.check("meow agreement PROJECT")
            agreementProjectRuns[a, default: []].append(r)
        }
        return agreementProjectRuns[a]!
    }

    /// `meow agreement PROJECT` as the first read after an import or an undo: no snapshot, so
    /// every answer is read and the snapshot written.
    func meowAgreementProjectFirstRead(_ a: Int, times: Int) throws -> [ProcResult] {
        let db = try annotatedWorkspace(a, measure: false)
        while agreementProjectColdRuns[a, default: []].count < times {
            try forgetAgreementSnapshot(db)
            Files.warm(db)
            let r = try runProcess([meow, "agreement", BenchData.project, "--db", db, "--json"], stdout: data.tmp("agreement-project-first.json"), stderr: data.tmp("agreement.err"))
            try r.check("meow agreement PROJECT (first read)")
            agreementProjectColdRuns[a, default: []].append(r)
        }
        return agreementProjectColdRuns[a, default: []]
    }

    /// Removes the workspace's agreement snapshots (derived data) and folds the log back in.
    func forgetAgreementSnapshot(_ db: String) throws {
        let c = try Connection(path: db, create: false)
        try c.execute("DELETE FROM agreement_snapshot; PRAGMA wal_checkpoint(TRUNCATE);")
    }

    /// A copy of the workspace with a snapshot and then `extra` new labels (a new annotator on
    /// the first `extra` items) imported after it: what a read finds after a day of labeling.
    func workspaceWithAnswersAfterSnapshot(_ a: Int, extra: Int) throws -> String {
        let db = try annotatedWorkspace(a, measure: false)
        let copy = data.tmp("agreement-later.sqlite")
        try Files.copyDB(db, copy)
        let first = try runProcess([meow, "agreement", BenchData.project, "--db", copy, "--json"], stdout: data.tmp("agreement-later.json"), stderr: data.tmp("agreement.err"))
        try first.check("meow agreement PROJECT (snapshot for the later answers)")
        let csv = data.tmp("later-answers.csv")
        var text = "item,annotator,label\n"
        for j in 0..<extra { text += "\(BenchData.itemID(j)),late01,\(BenchData.labels[j % BenchData.labels.count])\n" }
        try text.write(toFile: csv, atomically: true, encoding: .utf8)
        let r = try runProcess([meow, "import-annotations", BenchData.project, csv, "--db", copy], stdout: data.tmp("later-import.out"), stderr: data.tmp("later-import.err"))
        try r.check("meow import-annotations (later answers)")
        Files.warm(copy)
        return copy
    }

    func agreementSection() throws {
        let a = large
        let csv = try data.annotationsCSV(a)
        _ = try annotatedWorkspace(a, measure: true)
        // The setup just wrote a few hundred megabytes: let the kernel write them out now, not
        // while the first timed runs go (its flush then took CPU from meow's runs only, since
        // the reference ran after them).
        sync()
        let (py, why) = referencePython()
        let script = o.dataDir + "/ref_krippendorff.py"
        if py != nil { try Self.pythonScript.write(toFile: script, atomically: true, encoding: .utf8) }
        // In turn, meow and the reference, so that a slow minute of the machine falls on both.
        // Processes of a fraction of a second move ±30% with the machine's minute: at least
        // three reference runs and four of meow, medians.
        let runs = max(reps, 3)
        var pyRuns: [ProcResult] = []
        let extra = a / 20
        let later = try workspaceWithAnswersAfterSnapshot(a, extra: extra)
        sync()
        var laterRuns: [ProcResult] = []
        for k in 0...runs {
            _ = try meowAgreementFile(a, times: k + 1)
            _ = try meowAgreementProjectFirstRead(a, times: k + 1)
            _ = try meowAgreementProject(a, times: k + 1)
            let r = try runProcess([meow, "agreement", BenchData.project, "--db", later, "--json"], stdout: data.tmp("agreement-later.json"), stderr: data.tmp("agreement.err"))
            try r.check("meow agreement PROJECT (answers after the snapshot)")
            laterRuns.append(r)
            if let py, k < runs {
                let r = try runProcess([py, script, csv], stdout: data.tmp("ref-alpha.json"), stderr: data.tmp("ref-alpha.err"))
                try r.check("python reference")
                pyRuns.append(r)
            }
        }
        let fileRuns = try meowAgreementFile(a, times: runs + 1)
        let fileAlpha = alphaNominal(fromMeowJSON: fileRuns.last!.stdout)
        let projectRuns = try meowAgreementProject(a, times: runs + 1)
        let projectAlpha = alphaNominal(fromMeowJSON: projectRuns.last!.stdout)
        let firstRuns = try meowAgreementProjectFirstRead(a, times: runs + 1)
        if firstRuns.last!.stdout != projectRuns.last!.stdout {
            add("agreement", "the first read and the read from the snapshot give different reports", meow: "", reference: "", .error)
        }
        let mFile = median(fileRuns.map(\.seconds)), mProject = median(projectRuns.map(\.seconds))
        let mFirst = median(firstRuns.map(\.seconds)), mLater = median(laterRuns.map(\.seconds))

        var refSeconds = Double.nan
        var refText = "skipped: \(why)"
        if let py {
            let r = pyRuns.last!
            refSeconds = median(pyRuns.map(\.seconds))
            let obj = (try? JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]) ?? [:]
            let refAlpha = (obj["alpha"] as? NSNumber)?.doubleValue
            refText = "python krippendorff (n=\(pyRuns.count), in turn with meow's runs): \(fmtDuration(refSeconds)) (all: \(pyRuns.map { fmtDuration($0.seconds) }.joined(separator: ", "))), RSS \(fmtMB(pyRuns.map(\.maxRSSKB).max()!))"
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
        // The first read after an import or an undo reads every answer and writes the
        // snapshot: reported with its ratio, the target is for reads of a workspace in use.
        let rows: [(String, [ProcResult], Double, Bool)] = [
            ("`meow agreement --input FILE --json` (CSV)", fileRuns, mFile, true),
            ("`meow agreement PROJECT --json` (workspace, nothing new since its last read)", projectRuns, mProject, true),
            ("`meow agreement PROJECT --json` (workspace, \(fmtCount(extra)) answers imported since its last read)", laterRuns, mLater, true),
            ("`meow agreement PROJECT --json` (workspace, first read after the import: every answer read, snapshot written)", firstRuns, mFirst, false),
        ]
        for (label, runs, m, targeted) in rows {
            let speedup = refSeconds / m
            let verdict: Verdict = !targeted ? .info : refSeconds.isNaN ? (m < 1 ? .pass : .miss) : (speedup >= 10 && m < 1 ? .pass : .miss)
            add("agreement", "agreement on \(fmtCount(a)) annotations (\(fmtCount(a / 4)) items, 50 annotators, 5 labels), \(label) (n=\(runs.count))",
                meow: "\(fmtDuration(m)) (all: \(runs.map { fmtDuration($0.seconds) }.joined(separator: ", "))), RSS \(fmtMB(runs.map(\.maxRSSKB).max()!))",
                reference: refText, ratio: refSeconds.isNaN ? "—" : String(format: "%.1fx faster", speedup),
                target: !targeted ? "— (reported)" : refSeconds.isNaN ? "< 1 s (ref skipped)" : "≥ 10x faster, < 1 s", verdict)
        }
    }
}
