/// Files of one JSON object per line (predictions, suggestions): blank lines skipped, each
/// line's fields of interest handed over once (a key given twice is refused), every error
/// named with its file and line.
enum JSONLObjects {
    /// `row` turns one line's fields (only those in `keys`, in file order) into a value; the
    /// bytes are the line's, for fields read from their raw JSON text.
    static func read<Row>(_ path: String, keys: Set<String>,
                          _ row: (_ fields: [JSONScanner.Field], _ bytes: UnsafeBufferPointer<UInt8>, _ line: Int) -> Result<Row, ImportError>) throws -> [Row] {
        let reader = try LineReader(path: path)
        var out: [Row] = []
        while true {
            let lineNo = reader.lineNumber + 1
            guard let result = try reader.next({ bytes -> Result<Row?, ImportError> in
                if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return .success(nil) }
                func fail(_ message: String) -> Result<Row?, ImportError> { .failure(ImportError(file: path, line: lineNo, message: message)) }
                var scanner = JSONScanner(bytes)
                let fields: [JSONScanner.Field]
                do { fields = try scanner.object() }
                catch let e as JSONScanner.Failure { return fail("invalid JSON at column \(e.column): \(e.message)") }
                catch { return fail("invalid JSON") }
                var seen = Set<String>()
                var wanted: [JSONScanner.Field] = []
                for f in fields where keys.contains(f.key) {
                    if !seen.insert(f.key).inserted { return fail("key \"\(f.key)\" appears twice") }
                    wanted.append(f)
                }
                return row(wanted, bytes, lineNo).map { $0 }
            }) else { return out }
            switch result {
            case .success(let r?): out.append(r)
            case .success(nil): continue
            case .failure(let e): throw e
            }
        }
    }
}
