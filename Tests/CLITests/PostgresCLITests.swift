import Foundation
import Testing

/// The real binary against a real PostgreSQL server (`MEOW_TEST_POSTGRES`, started by
/// `.ci/run`): each test works in its own schema, which `meow init` creates.
enum PostgresServer {
    static let url: String? = ProcessInfo.processInfo.environment["MEOW_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 }
    static let reason: Comment = "MEOW_TEST_POSTGRES is not set: PostgreSQL end-to-end tests skipped (.ci/run starts a server; see README, Tests on PostgreSQL)"

    /// A workspace URL in a schema nobody has used.
    static func freshURL() throws -> String {
        let base = try #require(url)
        let schema = "e_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16)
        return base + (base.contains("?") ? "&" : "?") + "options=-csearch_path%3D\(schema)"
    }
}

/// Runs one SQL statement with psql, as someone with the database password could.
func psql(_ url: String, _ sql: String) throws -> (status: Int32, out: String, err: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["psql", url, "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-c", sql]
    let out = Pipe(), err = Pipe()
    p.standardOutput = out
    p.standardError = err
    try p.run()
    let o = out.fileHandleForReading.readDataToEndOfFile(), e = err.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: o, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines), String(decoding: e, as: UTF8.self))
}

@Suite("meow CLI on PostgreSQL", .enabled(if: PostgresServer.url != nil, PostgresServer.reason))
struct PostgresCLITests {
    /// The README's first session, every line as written, with `MEOW_DB` naming the server.
    @Test func theReadmeFirstSessionWorksUnchanged() throws {
        let url = try PostgresServer.freshURL()
        let dir = try TempDir()
        for folder in ["Guidelines", "Samples"] {
            try FileManager.default.copyItem(atPath: Meow.repoRoot + "/" + folder, toPath: dir.path + "/" + folder)
        }
        for line in try ReadmeFirstSessionTests.firstSessionCommands() where !line.hasPrefix("swift build") {
            let args = line.dropFirst(5).split(separator: " ").map(String.init)
            if args.first == "submit" { Thread.sleep(forTimeInterval: 1.6) }
            let r = try Meow.run(args, in: dir.path, env: ["MEOW_DB": url])
            #expect(r.status == 0, "`\(line)` exited \(r.status): \(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/meow.sqlite"), "nothing went to a file")
        let labels = try String(contentsOfFile: dir.path + "/labels.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(labels.count > 150)
        #expect(try psql(url, "SELECT count(*) FROM final_label WHERE label IS NOT NULL").out == String(labels.count))
        let answers = try String(contentsOfFile: dir.path + "/answers.jsonl", encoding: .utf8).split(separator: "\n")
        #expect(answers.count == 600)
        #expect(try psql(url, "SELECT count(*) FROM qualification WHERE annotator = 'alice'").out == "1")
    }

    /// Frozen rows are protected by the server itself: plain SQL from psql is refused with
    /// the rule, and `meow verify` still passes.
    @Test func theServerRefusesChangesToAFrozenSet() throws {
        let url = try PostgresServer.freshURL()
        let dir = try TempDir()
        _ = try dir.write("g.md", testGuideline)
        let env = ["MEOW_DB": url]
        #expect(try Meow.run(["init", "p", "--guideline", "g.md"], in: dir.path, env: env).status == 0)
        _ = try dir.write("items.txt", (1...12).map { "item number \($0)" }.joined(separator: "\n"))
        #expect(try Meow.run(["import", "p", "items.txt"], in: dir.path, env: env).status == 0)
        for who in ["a", "b"] {
            #expect(try Meow.run(["ack", "p", "--as", who], in: dir.path, env: env).status == 0)
            while true {
                let n = try Meow.run(["next", "p", "--as", who, "--json"], in: dir.path, env: env)
                if n.status == 3 { break }
                #expect(n.status == 0, "\(n.stderr)")
                guard let id = n.stdout.split(separator: "\"").dropFirst(3).first.map(String.init) else { break }
                let s = try Meow.run(["submit", "p", "--as", who, "--item", id, "--label", "pos"], in: dir.path, env: env)
                #expect(s.status == 0, "\(s.stderr)")
            }
        }
        #expect(try Meow.run(["consensus", "p"], in: dir.path, env: env).status == 0)
        #expect(try Meow.run(["freeze", "p", "--name", "t1", "--size", "4"], in: dir.path, env: env).status == 0)
        for sql in ["UPDATE frozen_record SET record = 'x'", "DELETE FROM frozen_set",
                    "UPDATE item SET text = 'changed' WHERE id IN (SELECT item_id FROM frozen_record)",
                    "UPDATE annotation SET label = 'neg' WHERE item_id IN (SELECT item_id FROM frozen_record)",
                    "TRUNCATE frozen_record", "TRUNCATE annotation CASCADE", "TRUNCATE item CASCADE", "TRUNCATE final_label"] {
            let r = try psql(url, sql)
            #expect(r.status != 0, "\(sql) was allowed")
            #expect(r.err.contains("frozen"), "\(sql): \(r.err)")
        }
        #expect(try Meow.run(["export", "p", "--split", "test", "--out", "t.jsonl"], in: dir.path, env: env).status == 0)
        let v = try Meow.run(["verify", "p", "t1", "t.jsonl"], in: dir.path, env: env)
        #expect(v.status == 0 && v.stdout.contains("all 4 records"), "\(v.stdout) \(v.stderr)")
        let doctor = try Meow.run(["doctor"], in: dir.path, env: env)
        #expect(doctor.status == 0 && doctor.stdout.contains("protection triggers: all 15 present"), "\(doctor.stdout)")
        #expect(try psql(url, "TRUNCATE history").err.contains("append-only"))
        // A protection function replaced by one that does nothing is a problem doctor names.
        #expect(try psql(url, "CREATE OR REPLACE FUNCTION meow_refuse_frozen() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$").status == 0)
        let tampered = try Meow.run(["doctor"], in: dir.path, env: env)
        #expect(tampered.status != 0 && tampered.stdout.contains("meow_refuse_frozen"), "\(tampered.stdout)")
    }

    /// What a user sees when the server is not there, the database is missing, or it belongs
    /// to another application: the place, the cause, a non-zero exit, nothing created.
    @Test func connectionProblemsSayWhereAndWhy() throws {
        let dir = try TempDir()
        let refused = try Meow.run(["status", "p", "--db", "postgresql://meow@127.0.0.1:1/nowhere"], in: dir.path)
        #expect(refused.status != 0 && refused.stderr.contains("127.0.0.1") && refused.stderr.contains("nowhere"), "\(refused.stderr)")
        let base = try #require(PostgresServer.url)
        let missing = base.replacingOccurrences(of: "/postgres", with: "/meow_no_such_db")
        let r = try Meow.run(["status", "p", "--db", missing], in: dir.path)
        #expect(r.status != 0 && r.stderr.contains("meow_no_such_db") && r.stderr.contains("does not exist"), "\(r.stderr)")
        #expect(try psql(base, "SELECT count(*) FROM pg_database WHERE datname = 'meow_no_such_db'").out == "0")
        // A wrong password: the server and the cause, never the password itself.
        let wrong = base.replacingOccurrences(of: "://meow@", with: "://meow:not-the-password@")
        if wrong != base {
            let w = try Meow.run(["status", "p", "--db", wrong], in: dir.path)
            #expect(w.status != 0 && w.stderr.contains("password authentication failed") && !w.stderr.contains("not-the-password"), "\(w.stderr)")
        }
        // Another application's tables: refused, untouched.
        let foreign = try PostgresServer.freshURL()
        _ = try dir.write("g.md", testGuideline)
        #expect(try Meow.run(["init", "p", "--guideline", "g.md", "--db", foreign], in: dir.path).status == 0)
        #expect(try psql(foreign, "DROP TABLE meow_workspace CASCADE").status == 0)
        let f = try Meow.run(["status", "p", "--db", foreign], in: dir.path)
        #expect(f.status != 0 && f.stderr.contains("not a meow workspace"), "\(f.stderr)")
        // A server schema newer than this meow: refused, as a newer file is.
        let newer = try PostgresServer.freshURL()
        #expect(try Meow.run(["init", "p", "--guideline", "g.md", "--db", newer], in: dir.path).status == 0)
        #expect(try psql(newer, "UPDATE meow_workspace SET schema_version = 99").status == 0)
        let n = try Meow.run(["status", "p", "--db", newer], in: dir.path)
        #expect(n.status != 0 && n.stderr.contains("99"), "\(n.stderr)")
    }

    /// TLS when the URL asks for it: with the server's certificate as the root, a verified
    /// connection works; with a certificate nobody signed for it, meow refuses to connect.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["MEOW_TEST_POSTGRES_CA"] != nil, "the test server has no TLS certificate (needs openssl)"))
    func tlsIsUsedAndVerifiedWhenTheURLAsks() throws {
        let ca = try #require(ProcessInfo.processInfo.environment["MEOW_TEST_POSTGRES_CA"])
        let dir = try TempDir()
        _ = try dir.write("g.md", testGuideline)
        let url = try PostgresServer.freshURL() + "&sslmode=verify-full&sslrootcert=" + ca
        let r = try Meow.run(["init", "p", "--guideline", "g.md", "--db", url], in: dir.path)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try psql(url, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").out == "t")
        // Another self-signed certificate as the root: the server's cannot be verified.
        let openssl = Process()
        openssl.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        openssl.arguments = ["openssl", "req", "-new", "-x509", "-days", "1", "-nodes", "-subj", "/CN=127.0.0.1",
                             "-keyout", dir.path + "/other.key", "-out", dir.path + "/other.crt"]
        openssl.standardError = FileHandle.nullDevice
        try openssl.run()
        openssl.waitUntilExit()
        let bad = try Meow.run(["status", "p", "--db", url.replacingOccurrences(of: ca, with: dir.path + "/other.crt")], in: dir.path)
        #expect(bad.status != 0 && bad.stderr.contains("127.0.0.1") && bad.stderr.contains("certificate verify failed"), "\(bad.stderr)")
    }

    /// Issue 14.6: 32 annotator processes at once against one server: every item ends with
    /// exactly its overlap, no answer twice, no lease left, no error but the queue's own end.
    @Test func thirtyTwoConcurrentAnnotatorsFillEveryItemExactlyToOverlap() throws {
        let url = try PostgresServer.freshURL()
        let dir = try TempDir()
        let env = ["MEOW_DB": url]
        _ = try dir.write("g.md", testGuideline.replacingOccurrences(of: "overlap: 2", with: "overlap: 3"))
        #expect(try Meow.run(["init", "p", "--guideline", "g.md"], in: dir.path, env: env).status == 0)
        _ = try dir.write("items.txt", (1...240).map { "item number \($0)" }.joined(separator: "\n"))
        #expect(try Meow.run(["import", "p", "items.txt"], in: dir.path, env: env).stdout.contains("imported 240 items"))
        for w in 0..<32 { #expect(try Meow.run(["ack", "p", "--as", "w\(w)"], in: dir.path, env: env).status == 0) }
        var total = 0
        for w in try runAnnotatorLoops(32, in: dir, db: url) {
            #expect(w.status == 0 && !w.stderr.contains("Error"), "worker failed: \(w.stderr)")
            total += w.answers
        }
        #expect(total == 720)
        #expect(try psql(url, "SELECT count(*) FROM annotation").out == "720")
        #expect(try psql(url, "SELECT count(*) FROM (SELECT item_id FROM annotation GROUP BY item_id HAVING count(*) = 3) t").out == "240")
        #expect(try psql(url, "SELECT count(*) FROM (SELECT item_id, annotator FROM annotation GROUP BY 1, 2 HAVING count(*) > 1) t").out == "0")
        #expect(try psql(url, "SELECT count(*) FROM claim").out == "0")
        #expect(try Meow.run(["doctor"], in: dir.path, env: env).status == 0)
    }
}

/// `meow migrate`: a workspace copied between backends loses nothing.
@Suite("meow migrate")
struct MigrateCLITests {
    /// The demo workspace with a frozen set, as a raw export and a verified test file.
    static func demo(in dir: TempDir) throws -> (raw: String, test: String) {
        #expect(try Meow.run(["demo", "--no-label", "--db", "w.sqlite"], in: dir.path).status == 0)
        let env = ["MEOW_DB": "w.sqlite"]
        #expect(try Meow.run(["consensus", "reviews"], in: dir.path, env: env).status == 0)
        #expect(try Meow.run(["freeze", "reviews", "--name", "t1", "--size", "20"], in: dir.path, env: env).status == 0)
        #expect(try Meow.run(["export", "reviews", "--split", "test", "--out", "t.jsonl"], in: dir.path, env: env).status == 0)
        let raw = try Meow.run(["export", "reviews", "--raw", "--out", "-"], in: dir.path, env: env).stdout
        return (raw, dir.path + "/t.jsonl")
    }

    /// What a copy must show: the same answers, byte for byte, the frozen set verified, and
    /// a healthy doctor (the counters its triggers rebuilt add up).
    static func expectSame(_ location: String, as original: (raw: String, test: String), in dir: TempDir) throws {
        let env = ["MEOW_DB": location]
        #expect(try Meow.run(["export", "reviews", "--raw", "--out", "-"], in: dir.path, env: env).stdout == original.raw)
        let v = try Meow.run(["verify", "reviews", "t1", original.test], in: dir.path, env: env)
        #expect(v.status == 0 && v.stdout.contains("all 20 records"), "\(v.stdout)\(v.stderr)")
        let d = try Meow.run(["doctor"], in: dir.path, env: env)
        #expect(d.status == 0, "\(d.stdout)")
    }

    /// A large import on a server drops the item's unique keys and open-items index, loads,
    /// and builds them again, in one transaction (issue 14). Killed during its load, while it
    /// waits with its keys dropped, or after they are built but before its commit, it leaves
    /// the workspace as before: its items and every key and index, still enforced.
    @Test(.enabled(if: PostgresServer.url != nil, PostgresServer.reason))
    func aBulkImportKilledMidwayLeavesTheKeysAndNothingHalfDone() throws {
        let url = try PostgresServer.freshURL()
        let dir = try TempDir()
        _ = try dir.write("g.md", testGuideline)
        let env = ["MEOW_DB": url]
        #expect(try Meow.run(["init", "p", "--guideline", "g.md"], in: dir.path, env: env).status == 0)
        _ = try dir.write("few.txt", (0..<100).map { "earlier text \($0)" }.joined(separator: "\n"))
        #expect(try Meow.run(["import", "p", "few.txt"], in: dir.path, env: env).status == 0)
        let catalogue = """
            SELECT string_agg(n, ',' ORDER BY n) FROM (
                SELECT conname::text AS n FROM pg_constraint WHERE conrelid = 'item'::regclass
                UNION ALL SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() AND tablename = 'item') k
            """
        let before = try psql(url, catalogue).out
        #expect(before.contains("item_open") && before.contains("item_project_id_fkey") && before.contains("item_project_id_text_hash_key"), "\(before)")
        let items = 130_000 // past the 100,000 rows from which an import builds the keys after
        _ = try dir.write("items.txt", (0..<items).map { "text \($0)" }.joined(separator: "\n"))
        // This test's sessions by name: other tests share the server.
        let tag = "meowkill" + UUID().uuidString.prefix(8).lowercased()
        let importURL = url + "&application_name=\(tag)i", holderURL = url + "&application_name=\(tag)h"
        func sessions(_ role: String, _ condition: String = "true") throws -> Int {
            Int(try psql(url, "SELECT count(*) FROM pg_stat_activity WHERE application_name = '\(tag)\(role)' AND \(condition)").out) ?? -1
        }
        func waitFor(_ what: String, _ done: () throws -> Bool) throws {
            let start = Date()
            while try !done() {
                if Date().timeIntervalSince(start) > 60 { Issue.record("waited 60 s for \(what)"); return }
                Thread.sleep(forTimeInterval: 0.02)
            }
        }
        var children: [Child] = [], holders: [Process] = []
        defer {
            children.forEach { $0.kill9() }
            _ = try? psql(url, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE '\(tag)%'")
            holders.forEach { $0.waitUntilExit() }
        }
        /// Another session holding a lock until it is ended.
        func hold(_ sql: String) throws {
            let holder = Process()
            holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            holder.arguments = ["psql", holderURL, "-X", "-q", "-c", "BEGIN; \(sql); SELECT pg_sleep(120); COMMIT"]
            holder.standardOutput = FileHandle.nullDevice
            holder.standardError = FileHandle.nullDevice
            try holder.run()
            holders.append(holder)
            try waitFor("the lock holder") { try sessions("h", "query LIKE '%pg_sleep%'") > 0 }
        }
        func startImport() throws -> Child {
            let child = try Child.spawn(["import", "p", dir.path + "/items.txt", "--db", importURL], scratch: dir.path + "/import")
            children.append(child)
            return child
        }
        func killAndCheck(_ child: Child, _ when: String) throws {
            child.kill9()
            _ = child.wait(timeout: 60)
            children.removeAll() // reaped: its pid may belong to another process from now on
            // A session waiting for a lock notices its client is gone once it has the lock.
            _ = try psql(url, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = '\(tag)h'")
            try waitFor("the killed import's session to end") { try sessions("i") == 0 && sessions("h") == 0 }
            #expect(try psql(url, catalogue).out == before, "killed \(when): the item's keys are not as before")
            #expect(try psql(url, "SELECT count(*) FROM item").out == "100", "killed \(when): items were left")
        }
        // 1. During the load into the staging table.
        var child = try startImport()
        try waitFor("the load to start") { try sessions("i", "query LIKE 'COPY pg_temp.meow_import_items%'") > 0 }
        Thread.sleep(forTimeInterval: 0.1)
        try killAndCheck(child, "during its load")
        // 2. With its keys dropped: the project's row is locked, so the insert waits at its
        // foreign-key check, holding `item` exclusively (the keys are gone in its transaction).
        try hold("SELECT 1 FROM project FOR UPDATE")
        child = try startImport()
        try waitFor("the insert to wait") { try sessions("i", "wait_event_type = 'Lock' AND query LIKE 'WITH ins AS%'") > 0 }
        #expect(try psql(url, """
            SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a USING (pid)
            WHERE a.application_name = '\(tag)i' AND l.relation = 'item'::regclass AND l.mode = 'AccessExclusiveLock' AND l.granted
            """).out == "1", "the import holds item exclusively: its keys are dropped")
        try killAndCheck(child, "with its keys dropped")
        // 3. With its keys built again, before its commit: the queue cursors are locked.
        try hold("LOCK TABLE queue_cursor IN SHARE MODE")
        child = try startImport()
        try waitFor("the cursor update to wait") { try sessions("i", "wait_event_type = 'Lock' AND query LIKE 'UPDATE queue_cursor%'") > 0 }
        try killAndCheck(child, "before its commit")

        #expect(try Meow.run(["doctor"], in: dir.path, env: env).status == 0)
        #expect(try Meow.run(["import", "p", "items.txt"], in: dir.path, env: env).status == 0)
        #expect(try psql(url, "SELECT count(*) FROM item").out == "\(items + 100)")
        #expect(try psql(url, catalogue).out == before)
        #expect(try psql(url, "INSERT INTO item(project_id, external_id, text, text_hash, qkey, need) SELECT project_id, 'x', 'x', text_hash, 0, 1 FROM item LIMIT 1").status != 0)
    }

    @Test func aFileCopiesToANewFileAndNeverOntoAnExistingOne() throws {
        let dir = try TempDir()
        let original = try Self.demo(in: dir)
        let r = try Meow.run(["migrate", "--from", "w.sqlite", "--to", "sqlite:copy.sqlite"], in: dir.path)
        #expect(r.status == 0 && r.stdout.contains("frozen set 't1' of reviews verified on the copy"), "\(r.stdout)\(r.stderr)")
        try Self.expectSame("copy.sqlite", as: original, in: dir)
        let again = try Meow.run(["migrate", "--from", "w.sqlite", "--to", "copy.sqlite"], in: dir.path)
        #expect(again.status != 0 && again.stderr.contains("already exists"), "\(again.stderr)")
        let same = try Meow.run(["migrate", "--from", "w.sqlite", "--to", "w.sqlite"], in: dir.path)
        #expect(same.status != 0)
    }

    /// A copy whose frozen set fails its audit is not kept: no table is left on the server, and
    /// the same place takes a good copy afterwards.
    @Test(.enabled(if: PostgresServer.url != nil, PostgresServer.reason))
    func aCopyThatFailsItsAuditLeavesNothingOnTheServer() throws {
        let dir = try TempDir()
        let original = try Self.demo(in: dir)
        try FileManager.default.copyItem(atPath: dir.path + "/w.sqlite", toPath: dir.path + "/bad.sqlite")
        _ = try sqlite(dir.path + "/bad.sqlite", "DROP TRIGGER frozen_record_immutable; UPDATE frozen_record SET record = replace(record, 'a', 'b')")
        let url = try PostgresServer.freshURL()
        let failed = try Meow.run(["migrate", "--from", "bad.sqlite", "--to", url], in: dir.path)
        #expect(failed.status != 0 && failed.stderr.contains("on the copy"), "\(failed.stderr)")
        #expect(try psql(url, "SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()").out == "0")
        #expect(try Meow.run(["migrate", "--from", "w.sqlite", "--to", url], in: dir.path).status == 0)
        try Self.expectSame(url, as: original, in: dir)
    }

    @Test(.enabled(if: PostgresServer.url != nil, PostgresServer.reason))
    func aFileGoesToPostgreSQLAndBackLosslessly() throws {
        let dir = try TempDir()
        let original = try Self.demo(in: dir)
        let url = try PostgresServer.freshURL()
        let up = try Meow.run(["migrate", "--from", "sqlite:w.sqlite", "--to", url, "--json"], in: dir.path)
        #expect(up.status == 0, "\(up.stderr)")
        #expect(up.stdout.contains("\"annotation\":") && up.stdout.contains("\"set_sha256\""), "\(up.stdout)")
        try Self.expectSame(url, as: original, in: dir)
        #expect(try psql(url, "SELECT count(*) FROM acknowledgement").out == (try sqlite(dir.path + "/w.sqlite", "SELECT count(*) FROM acknowledgement")))
        // A server that already holds a workspace is not written over.
        let twice = try Meow.run(["migrate", "--from", "w.sqlite", "--to", url], in: dir.path)
        #expect(twice.status != 0 && twice.stderr.contains("already holds projects"), "\(twice.stderr)")
        let down = try Meow.run(["migrate", "--from", url, "--to", "back.sqlite"], in: dir.path)
        #expect(down.status == 0, "\(down.stderr)")
        try Self.expectSame("back.sqlite", as: original, in: dir)
    }
}
