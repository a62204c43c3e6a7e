import CSQLite
import Foundation
import MeowStore

extension Suite {
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

        let spanName = "key → next frame on the span screen, pure (`handle` ←/→ + `render(into:)`), 200x60, 4 KB item with 50 spans"
        attempt("terminal", spanName) {
            let s = Summary(try TerminalBench.spanFrames(count: frames))
            add("terminal", spanName + " (n=\(frames))",
                meow: "p50 \(fmtMs(s.median)), p99 \(fmtMs(s.p99)), max \(fmtMs(s.max))", target: "< 1 ms", s.p99 < 0.001 ? .pass : .miss)
        }

        let base = try baseWorkspace(large)
        let db = data.tmp("terminal.sqlite")
        try Files.copyDB(base, db)
        Files.warm(db)
        defer { Files.removeDB(db) }
        let keys = o.quick ? 1_000 : 2_000
        var firstStartup: Double?
        let e2eName = "key → next item drawn, end to end (`LabelingSession` + `QueueScreenAdapter`: submit + claim next + progress + render), \(fmtCount(large))-item workspace, new annotator"
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
        // The first read holds every answer and writes the snapshot: the most it needs.
        for n in [small, large] { _ = try meowAgreementProjectFirstRead(n, times: 1) }
        try memoryRow(kind: "agreement (`meow agreement PROJECT`, first read)", runs: agreementProjectColdRuns, flat: false, unit: "annotations")
    }
}
