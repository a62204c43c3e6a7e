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
            if guideline.task == .compare {
                // A pair: "a" and "b" with an optional "prompt" (or "text"), stored like an imported item.
                guard let id = str("id"), let a = str("a"), let b = str("b"), let label = str("label") else {
                    return .failure(ImportError(file: path, line: line, message: "a compare gold item needs \"id\", \"a\", \"b\" and \"label\" (a, b, tie or both-bad)"))
                }
                let text = ComparePair(prompt: str("prompt") ?? str("text"), a: a, b: b).text
                return Self.checked(id: id, text: text, label: label, explanation: str("explanation") ?? "", guideline: guideline, path: path, line: line)
            }
            guard let id = str("id"), let text = str("text"), let label = str("label") else {
                return .failure(ImportError(file: path, line: line, message: "a gold item needs \"id\", \"text\" and \"label\""))
            }
            if guideline.task == .spans || guideline.task == .rate {
                return Self.checked(id: id, text: text, label: label, explanation: str("explanation") ?? "", guideline: guideline, path: path, line: line)
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

extension Enforcement.GoldSet {
    /// A gold answer of a spans, rate or compare task: its `label` in the label-column form
    /// (`0:5:PER,10:13:LOC` or empty for no spans; a scale point; a choice), checked like an
    /// annotator's answer (spans against the text) and stored in canonical form, so that a
    /// right answer compares equal however the file ordered its spans.
    static func checked(id: String, text: String, label: String, explanation: String, guideline: Guideline, path: String, line: Int) -> Result<GoldItem?, ImportError> {
        do {
            let column = guideline.task == .spans && label == "-" ? "" : label  // "-" or "": no spans
            let value = try guideline.answer(column: column)
            let valid = try guideline.validate(value, comment: explanation.isEmpty ? "gold" : explanation, text: text)
            return .success(GoldItem(id: id, text: text, label: valid.labelColumn, explanation: explanation))
        } catch {
            return .failure(ImportError(file: path, line: line, message: "gold item '\(id)': \(error)"))
        }
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
