import CSQLite
import Foundation
import MeowStore

extension Suite {
    // MARK: Export

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
}
