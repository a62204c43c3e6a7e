import Foundation

/// One libpq connection, answering the same questions as the SQLite `Connection`: statements
/// written with `?` placeholders are sent with `$1, $2, ...` and their values bound (never
/// spliced into the SQL), and write transactions take one advisory lock per workspace, so
/// writers are serialized exactly as SQLite's `BEGIN IMMEDIATE` serializes them.
final class PostgresConnection: SQLDatabase {
    let pq: LibPQ
    let conn: OpaquePointer
    let location: String
    var backend: Backend { .postgresql }
    var lockWaitLimit: TimeInterval = 30
    private(set) var changes = 0
    private var translations: [String: (sql: String, count: Int32)] = [:]
    /// Server-side prepared statements by text and parameter types: parsed and planned once
    /// per connection, as SQLite's statement cache does (one round trip per run after that).
    private var preparedNames: [String: String] = [:]

    /// The advisory lock every write transaction takes: "meow", and the schema the workspace
    /// lives in (one database may hold several workspaces, one per schema).
    static let writeLock = "1835364215, hashtext(coalesce(current_schema(), ''))"
    /// The oldest server meow runs on (generated columns, `jsonb_path_query_first`).
    static let oldestServer: Int32 = 120_000

    /// Connects to `url` (`postgresql://` or `postgres://`, as libpq reads it: user, password,
    /// host, port, database, and parameters such as `sslmode`).
    init(url: String) throws {
        let lib: LibPQ
        switch LibPQ.shared {
        case .success(let l): lib = l
        case .failure(let e): throw e
        }
        pq = lib
        location = PostgresConnection.redacted(url)
        guard let c = url.withCString({ lib.connectdb($0) }) else {
            throw PostgresError(message: "libpq could not allocate a connection to \(location)")
        }
        if lib.status(c) != 0 {
            let message = lib.errorMessage(c).map { String(cString: $0) } ?? "connection failed"
            lib.finish(c)
            throw PostgresError(sqlstate: PostgresConnection.connectState(message), message: PostgresConnection.scrub(PostgresConnection.tidy(message), of: url))
        }
        conn = c
        _ = lib.setNoticeProcessor(c, { _, _ in }, nil)
        let version = lib.serverVersion(c)
        if version < Self.oldestServer {
            lib.finish(c)
            throw PostgresError(message: "the server at \(location) runs PostgreSQL \(version / 10000).\(version % 10000 / 100); meow needs 12 or newer")
        }
        try execute("SET client_min_messages = warning; SET TIME ZONE 'UTC'")
    }

    deinit { pq.finish(conn) }

    /// The URL as messages show it, and as a second connection reopens it: without the
    /// password (libpq then reads it from ~/.pgpass or PGPASSWORD, as the first one may have).
    /// Works on text, not a parsed URL, so a malformed URL (a bad port, a stray `%`) is
    /// redacted too.
    static func redacted(_ url: String) -> String {
        var out = url
        if let (range, _) = userinfoPassword(url) { out.removeSubrange(range) }
        // `password=...` among the parameters.
        while let r = out.range(of: "password=", options: .caseInsensitive),
              r.lowerBound > out.startIndex, "?&".contains(out[out.index(before: r.lowerBound)]) {
            let end = out[r.upperBound...].firstIndex(of: "&").map { out.index(after: $0) } ?? out.endIndex
            let start = out[out.index(before: r.lowerBound)] == "?" ? r.lowerBound : out.index(before: r.lowerBound)
            out.removeSubrange(start..<end)
            if out.hasSuffix("?") || out.hasSuffix("&") { out.removeLast() }
        }
        return out
    }

    /// The `:password` part of the URL's user info (its range, with the colon) and the password.
    static func userinfoPassword(_ url: String) -> (Range<String.Index>, String)? {
        guard let scheme = url.range(of: "://") else { return nil }
        let rest = url[scheme.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@"), let colon = rest[..<at].firstIndex(of: ":") else { return nil }
        return (colon..<at, String(rest[rest.index(after: colon)..<at]))
    }

    /// A message from libpq with any password of `url` taken out (libpq quotes a malformed
    /// URL back, password and all).
    static func scrub(_ message: String, of url: String) -> String {
        var secrets: [String] = []
        if let (_, password) = userinfoPassword(url), !password.isEmpty {
            secrets.append(password)
            if let decoded = password.removingPercentEncoding, decoded != password { secrets.append(decoded) }
        }
        var out = message
        for s in secrets { out = out.replacingOccurrences(of: s, with: "***") }
        return out
    }

    /// libpq reports connection failures as text only; the causes a user acts on get a code.
    static func connectState(_ message: String) -> String? {
        if message.contains("does not exist") && message.contains("database") { return "3D000" }
        if message.contains("password authentication failed") || message.contains("no password supplied") { return "28P01" }
        return "08001"
    }

    /// libpq's multi-line message on one line, each cause once (it retries without TLS and
    /// reports both attempts), without the severity prefix.
    static func tidy(_ message: String) -> String {
        var seen = Set<String>()
        return message.split(separator: "\n")
            .map { $0.replacingOccurrences(of: "FATAL:  ", with: "").trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && seen.insert($0).inserted }
            .joined(separator: "; ")
    }

    // MARK: Running SQL

    func execute(_ sql: String) throws {
        guard let r = sql.withCString({ pq.exec(conn, $0) }) else { throw failure(nil, sql: sql) }
        defer { pq.clear(r) }
        let st = pq.resultStatus(r)
        guard st == LibPQ.commandOK || st == LibPQ.tuplesOK else { throw failure(r, sql: sql) }
    }

    func statement(_ sql: String) throws -> any SQLStatement {
        let t = translated(sql)
        return PostgresStatement(connection: self, sql: t.sql, parameters: t.count)
    }

    /// Through a cursor, `PostgresStatement.fetchSize` rows at a time, when a transaction is
    /// open (a cursor lives in one); otherwise as `statement`.
    func streaming(_ sql: String) throws -> any SQLStatement {
        let t = translated(sql)
        return PostgresStatement(connection: self, sql: t.sql, parameters: t.count, chunked: inTransaction)
    }

    private func translated(_ sql: String) -> (sql: String, count: Int32) {
        if let cached = translations[sql] { return cached }
        let t = Self.numberPlaceholders(sql)
        translations[sql] = t
        return t
    }

    /// Inside `write` or `read` (cursors need a transaction).
    private(set) var inTransaction = false
    private var cursors = 0
    /// A name for a new cursor on this connection.
    func nextCursorName() -> String { cursors += 1; return "meow_cursor_\(cursors)" }

    /// `?` → `$1, $2, ...` and `?NNN` → `$NNN` (SQLite's numbered form), outside quoted
    /// strings, quoted names and comments. The count is the highest parameter number.
    static func numberPlaceholders(_ sql: String) -> (sql: String, count: Int32) {
        var out = ""
        out.reserveCapacity(sql.utf8.count + 8)
        var n: Int32 = 0, highest: Int32 = 0
        var quote: Character?
        var comment = false
        var previous: Character = " "
        let chars = Array(sql)
        var k = 0
        while k < chars.count {
            let ch = chars[k]
            k += 1
            if comment {
                if ch == "\n" { comment = false }
            } else if let q = quote {
                if ch == q { quote = nil }
            } else if ch == "'" || ch == "\"" {
                quote = ch
            } else if ch == "-" && previous == "-" {
                comment = true
            } else if ch == "?" {
                var digits = ""
                while k < chars.count, chars[k].isASCII, chars[k].isNumber { digits.append(chars[k]); k += 1 }
                let number = Int32(digits) ?? { n += 1; return n }()
                highest = max(highest, number)
                out += "$\(number)"
                previous = ch
                continue
            }
            out.append(ch)
            previous = ch
        }
        return (out, highest)
    }

    /// The name of `sql` prepared with these parameter types, preparing it on first use.
    func prepared(_ sql: String, types: [UInt32]) throws -> String {
        let key = types.map(String.init).joined(separator: ",") + "|" + sql
        if let name = preparedNames[key] { return name }
        let name = "meow_\(preparedNames.count + 1)"
        let r = types.withUnsafeBufferPointer { ty in pq.prepare(conn, name, sql, Int32(types.count), ty.baseAddress) }
        guard let r else { throw failure(nil, sql: sql) }
        defer { pq.clear(r) }
        guard pq.resultStatus(r) == LibPQ.commandOK else { throw failure(r, sql: sql) }
        preparedNames[key] = name
        return name
    }

    /// The server's error for a result (or the connection's, when there is no result).
    func failure(_ r: OpaquePointer?, sql: String?) -> PostgresError {
        guard let r else {
            return PostgresError(message: Self.tidy(pq.errorMessage(conn).map { String(cString: $0) } ?? "no result"), sql: sql)
        }
        let state = pq.resultErrorField(r, LibPQ.sqlstateField).map { String(cString: $0) }
        let message = pq.resultErrorField(r, LibPQ.primaryField).map { String(cString: $0) }
            ?? pq.resultErrorMessage(r).map { Self.tidy(String(cString: $0)) } ?? "unknown error"
        let detail = pq.resultErrorField(r, LibPQ.detailField).map { String(cString: $0) }
        // meow's own refusals (protection triggers) read as the rule they enforce.
        return PostgresError(sqlstate: state, message: message, detail: detail, sql: state == "P0001" ? nil : sql)
    }

    func noteChanges(_ r: OpaquePointer) {
        changes = pq.cmdTuples(r).flatMap { Int(String(cString: $0)) } ?? 0
    }

    // MARK: Transactions

    /// Everything but the queue: alone, with the workspace lock held exclusively (imports,
    /// guideline updates, freezing, consensus, reviews), as SQLite's single writer.
    func write<T>(_ body: (WriteTransaction) throws -> T) throws -> T {
        try transaction(lock: "pg_advisory_xact_lock", body)
    }

    /// The queue (claims, answers, skips, releases): beside one another, with the workspace
    /// lock held shared, so an annotator's answer never waits for another's commit; row locks
    /// keep the rules (the claim locks the item it takes, and the counting triggers update
    /// row by row). A deadlock between two of them is retried, whole, within `lockWaitLimit`.
    func writeConcurrent<T>(_ body: (WriteTransaction) throws -> T) throws -> T {
        let start = Date()
        var delay: UInt32 = 500
        while true {
            do {
                return try transaction(lock: "pg_advisory_xact_lock_shared", body)
            } catch let e as PostgresError where e.sqlstate == "40P01" || e.sqlstate == "40001" {
                if Date().timeIntervalSince(start) > lockWaitLimit { throw StoreError.busy(path: location, seconds: lockWaitLimit) }
                usleep(UInt32.random(in: delay / 2...delay))
                delay = min(delay * 2, 20_000)
            }
        }
    }

    private func transaction<T>(lock: String, _ body: (WriteTransaction) throws -> T) throws -> T {
        inTransaction = true
        defer { inTransaction = false }
        do {
            // One round trip: begin, wait at most lockWaitLimit for the workspace lock, and
            // let later statements wait on row locks as long as they need.
            do {
                try execute("BEGIN; SET LOCAL lock_timeout = '\(Int(lockWaitLimit * 1000))ms'; SELECT \(lock)(\(Self.writeLock)); SET LOCAL lock_timeout = 0")
            } catch let e as PostgresError where e.isBusy {
                throw StoreError.busy(path: location, seconds: lockWaitLimit)
            }
            let result = try body(WriteTransaction())
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    func read<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
        inTransaction = true
        defer { inTransaction = false }
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }
}

extension PostgresConnection {
    /// Several workspaces can share one database, one per schema, chosen in the URL
    /// (`?options=-csearch_path%3Dteam_a`); `meow init` creates the schema when it is missing.
    func createSchemaIfNeeded() throws {
        let s = try statement("SELECT current_schema() AS current, current_setting('search_path') AS path")
        guard try s.step(), s.isNull(0), let path = s.string(1) else { return }
        let first = path.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.first { $0 != "\"$user\"" && !$0.isEmpty }
        guard var name = first else { return }
        // As the server resolves search_path: a quoted name as written, any other with A-Z folded.
        if name.hasPrefix("\""), name.hasSuffix("\""), name.count >= 2 {
            name = String(name.dropFirst().dropLast()).replacingOccurrences(of: "\"\"", with: "\"")
        } else {
            name = String(name.map { $0.isASCII && $0.isUppercase ? Character($0.lowercased()) : $0 })
        }
        s.rewind()
        do {
            try execute("CREATE SCHEMA IF NOT EXISTS \"\(name.replacingOccurrences(of: "\"", with: "\"\""))\"")
        } catch let e as PostgresError where e.sqlstate == "23505" || e.sqlstate == "42P06" {
            // Created meanwhile by another process (IF NOT EXISTS is not atomic against a race).
        }
    }

    /// Creates the database a URL names, through the server's maintenance database (`postgres`):
    /// the name is quoted as an identifier, never spliced raw.
    static func createDatabase(url: String) throws {
        guard var parts = URLComponents(string: url), parts.path.count > 1 else {
            throw PostgresError(message: "\(redacted(url)) names no database")
        }
        let name = String(parts.path.dropFirst())
        parts.path = "/postgres"
        guard let maintenance = parts.string else { throw PostgresError(message: "cannot reach the server of \(redacted(url))") }
        let admin = try PostgresConnection(url: maintenance)
        do {
            try admin.execute("CREATE DATABASE \"\(name.replacingOccurrences(of: "\"", with: "\"\""))\"")
        } catch let e as PostgresError where e.sqlstate == "42P04" {
            return // created meanwhile by another process
        }
    }
}
