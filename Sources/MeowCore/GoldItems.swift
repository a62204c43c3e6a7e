import Foundation

extension Enforcement.GoldSet {
    /// The gold items, reading the JSONL file (relative to the guideline's folder) when the set
    /// names one. Every label must be one of the guideline's.
    public func load(relativeTo guidelinePath: String, guideline: Guideline) throws -> [GoldItem] {
        guard let file else { return inline }
        let base = URL(fileURLWithPath: guidelinePath).deletingLastPathComponent()
        let path = file.hasPrefix("/") ? file : base.appendingPathComponent(file).path
        let lines = try LineReader(path: path)
        var items: [GoldItem] = []
        var seen = Set<String>()
        let known = Set(guideline.labels.map(\.value))
        while let result = try lines.next({ bytes -> Result<GoldItem?, ImportError> in
            let line = lines.lineNumber
            if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return .success(nil) }
            var scanner = JSONScanner(bytes)
            guard let fields = try? scanner.object() else { return .failure(ImportError(file: path, line: line, message: "invalid JSON")) }
            func str(_ k: String) -> String? {
                guard let f = fields.last(where: { $0.key == k }) else { return nil }
                switch f.value { case .string(let s): return s; case .number(let n): return n; default: return nil }
            }
            guard let id = str("id"), let text = str("text"), let label = str("label") else {
                return .failure(ImportError(file: path, line: line, message: "a gold item needs \"id\", \"text\" and \"label\""))
            }
            for part in label.split(separator: ",") where !known.contains(String(part)) {
                return .failure(ImportError(file: path, line: line, message: "unknown label '\(part)' (the guideline's labels: \(guideline.labels.map(\.value).joined(separator: ", ")))"))
            }
            return .success(GoldItem(id: id, text: text, label: label, explanation: str("explanation") ?? ""))
        }) {
            switch result {
            case .success(let item?):
                guard seen.insert(item.id).inserted else { throw ImportError(file: path, line: lines.lineNumber, message: "gold item id '\(item.id)' appears twice") }
                items.append(item)
            case .success(nil): continue
            case .failure(let e): throw e
            }
        }
        if items.isEmpty { throw ImportError(file: path, line: nil, message: "no gold items in the file") }
        return items
    }
}

extension Guideline {
    /// The qualification items and gold checks of a guideline read from `path`, their files
    /// taken from beside it, with `round_size` checked against the qualification pool.
    public func goldItems(relativeTo path: String) throws -> (qualification: [GoldItem], checks: [GoldItem]) {
        var qualification: [GoldItem] = []
        if let q = enforcement.qualification {
            qualification = try q.items.load(relativeTo: path, guideline: self)
            try q.checkRoundSize(poolSize: qualification.count, guidelineFile: path)
        }
        return (qualification, try enforcement.gold?.items.load(relativeTo: path, guideline: self) ?? [])
    }
}
