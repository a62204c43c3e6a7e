/// One item of a frozen test set, as snapshotted: its text, final label and every answer. The
/// exported test file holds exactly `json` per line, so its SHA-256 can be re-checked anywhere.
public struct FrozenRecord: Sendable, Equatable {
    public struct Answer: Sendable, Equatable {
        public var annotator: String
        public var label: String
        public var comment: String?
        public var guidelineVersion: Int
        public init(annotator: String, label: String, comment: String?, guidelineVersion: Int) {
            self.annotator = annotator; self.label = label; self.comment = comment; self.guidelineVersion = guidelineVersion
        }
    }
    public var item: String
    public var text: String
    public var label: String
    public var decision: String
    public var answers: [Answer]
    public var guidelineVersion: Int
    public var group: String?
    /// The item's metadata as stored (a JSON object text), if any.
    public var metadata: String?

    public init(item: String, text: String, label: String, decision: String, answers: [Answer], guidelineVersion: Int, group: String?, metadata: String?) {
        self.item = item; self.text = text; self.label = label; self.decision = decision
        self.answers = answers.sorted { $0.annotator < $1.annotator }
        self.guidelineVersion = guidelineVersion; self.group = group; self.metadata = metadata
    }

    /// SHA-256 of the text: the item's content identity.
    public var contentHash: String { SHA256.hex(text) }

    /// Canonical JSON: keys in a fixed (sorted) order, no spaces, strings escaped one way.
    public var json: String {
        var s = "{\"annotations\":["
        s += answers.map { a in
            "{\"annotator\":\(JSONText.quoted(a.annotator)),\"comment\":\(a.comment.map(JSONText.quoted) ?? "null"),\"guideline_version\":\(a.guidelineVersion),\"label\":\(JSONText.quoted(a.label))}"
        }.joined(separator: ",")
        s += "],\"content_hash\":\(JSONText.quoted(contentHash)),\"decision\":\(JSONText.quoted(decision))"
        s += ",\"group\":\(group.map(JSONText.quoted) ?? "null"),\"guideline_version\":\(guidelineVersion)"
        s += ",\"item\":\(JSONText.quoted(item)),\"label\":\(JSONText.quoted(label)),\"metadata\":\(metadata.map { JSONText.escapingC1($0) } ?? "null")"
        s += ",\"text\":\(JSONText.quoted(text))}"
        return s
    }

    /// SHA-256 of `json`.
    public var hash: String { SHA256.hex(json) }
}

/// The identity of a whole frozen set: SHA-256 over "item<TAB>record hash<LF>" lines sorted
/// by item, so that any changed, missing or added record changes it.
public func frozenSetHash(_ recordHashes: [String: String]) -> String {
    var h = SHA256()
    for item in recordHashes.keys.sorted() { h.update(item + "\t" + recordHashes[item, default: ""] + "\n") }
    return h.finalize().hexString
}

/// What differs between a file of records and a manifest.
public struct VerifyReport: Sendable, Equatable {
    public var changed: [String] = []
    public var missing: [String] = []
    public var added: [String] = []
    /// Lines that are not a record at all (line numbers).
    public var unreadable: [Int] = []
    public var ok: Bool { changed.isEmpty && missing.isEmpty && added.isEmpty && unreadable.isEmpty }

    /// Compares (item, SHA-256 of the line) pairs read from a file against the manifest's hashes.
    public static func compare(lines: [(item: String?, hash: String, line: Int)], manifest: [String: String]) -> VerifyReport {
        var r = VerifyReport()
        var seen = Set<String>()
        for l in lines {
            guard let item = l.item else { r.unreadable.append(l.line); continue }
            if let expected = manifest[item] {
                if !seen.insert(item).inserted { r.added.append(item); continue }
                if expected != l.hash { r.changed.append(item) }
            } else {
                r.added.append(item)
            }
        }
        r.missing = manifest.keys.filter { !seen.contains($0) }.sorted()
        r.changed.sort(); r.added.sort()
        return r
    }
}
