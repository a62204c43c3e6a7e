import CSQLite

extension Connection {
    /// Feeds every answer of `SELECT … FROM annotation <rest>` to `state`, from inside SQLite's
    /// own loop: the rows go to an application-defined aggregate instead of coming back one
    /// `sqlite3_step` at a time. Why: returning a row and reading its columns through the API
    /// was a third of the work per answer (callgrind, 200,000 answers: 292 M instructions as
    /// rows, 188 M as an aggregate). The function exists only while this runs, on this
    /// connection, and cannot be called from the schema (`SQLITE_DIRECTONLY`).
    func scanAnswers(_ rest: String, _ args: [SQLValue], into state: inout AnswerScanState) throws {
        let name = "meow_scan_answers"
        let flags = SQLITE_UTF8 | SQLITE_DIRECTONLY
        try withUnsafeMutablePointer(to: &state) { state in
            let rc = sqlite3_create_function_v2(handle, name, 3, flags, UnsafeMutableRawPointer(state), nil, { context, _, values in
                guard let context, let values, let user = sqlite3_user_data(context) else { return }
                let item = values[0], annotator = values[1], label = values[2]
                user.assumingMemoryBound(to: AnswerScanState.self).pointee.add(
                    item: sqlite3_value_int64(item),
                    annotator: UnsafeRawBufferPointer(start: UnsafeRawPointer(sqlite3_value_text(annotator)), count: Int(sqlite3_value_bytes(annotator))),
                    label: UnsafeRawBufferPointer(start: UnsafeRawPointer(sqlite3_value_text(label)), count: Int(sqlite3_value_bytes(label))))
            }, { context in sqlite3_result_null(context) }, nil)
            guard rc == SQLITE_OK else { throw SQLiteError(code: rc, message: errorMessage, sql: name) }
            // Removed before `state` goes out of reach; the statement is not cached, so nothing
            // can call the function with a stale pointer. SQLite refuses to remove a function
            // while any statement of the connection is mid-way, so callers finish theirs first.
            // A refusal is reported as an error: the function then stays registered, but no
            // statement that calls it is left, and the schema cannot (`SQLITE_DIRECTONLY`).
            func remove() -> Int32 { sqlite3_create_function_v2(handle, name, 3, flags, nil, nil, nil, nil, nil) }
            do {
                let statement = try Statement(connection: self, sql: "SELECT \(name)(item_id, annotator, label) FROM annotation " + rest)
                try statement.bind(args)
                try statement.runToEnd()
            } catch {
                _ = remove()
                throw error
            }
            let removed = remove()
            guard removed == SQLITE_OK else { throw SQLiteError(code: removed, message: errorMessage, sql: name) }
        }
    }
}
