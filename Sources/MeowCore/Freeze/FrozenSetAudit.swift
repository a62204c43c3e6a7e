/// Re-derives a frozen set's identity from what is stored now and says what disagrees.
///
/// The database refuses changes to frozen data with triggers, but triggers can be dropped.
/// What cannot be faked without also knowing the set hash recorded elsewhere: each record's
/// SHA-256 is recomputed from its text, the set hash from those, and both are compared with
/// the stored hashes, the manifest, the items as they are now, and (when given) the set hash
/// the team wrote down outside the workspace when it froze the set.
public struct FrozenSetAudit: Sendable, Equatable {
    /// One frozen record as stored, with the current SHA-256 of its item's text.
    public struct Record: Sendable {
        public var item: String
        public var record: String
        public var storedHash: String
        /// SHA-256 (hex) of the item's text in the items table now; nil when the item is gone.
        public var currentItemTextHash: String?
        public init(item: String, record: String, storedHash: String, currentItemTextHash: String?) {
            self.item = item; self.record = record; self.storedHash = storedHash; self.currentItemTextHash = currentItemTextHash
        }
    }

    public var setName: String
    /// The set hash recomputed from the records' own text.
    public var recomputedSetHash: String
    public var problems: [String]
    public var ok: Bool { problems.isEmpty }

    /// - Parameters:
    ///   - storedSetHash: the set hash stored with the set.
    ///   - manifestHashes: the record hashes in the stored manifest (nil: unreadable manifest).
    ///   - contentHashOf: reads a record's `content_hash` field (the SHA-256 of its text).
    ///   - expected: a set hash recorded outside the workspace, if the user gives one.
    public static func check(setName: String, records: [Record], storedSetHash: String, manifestHashes: [String: String]?,
                             contentHashOf: (String) -> String?, expected: String? = nil) -> FrozenSetAudit {
        var problems: [String] = []
        var recomputed: [String: String] = [:]
        for r in records.sorted(by: { $0.item < $1.item }) {
            let h = SHA256.hex(r.record)
            recomputed[r.item] = h
            if h != r.storedHash { problems.append("record '\(r.item)': its text no longer matches its stored SHA-256") }
            if let m = manifestHashes, m[r.item] != h { problems.append("record '\(r.item)': differs from the set's manifest") }
            let content = contentHashOf(r.record)
            if r.currentItemTextHash == nil {
                problems.append("item '\(r.item)': missing from the items table")
            } else if content != r.currentItemTextHash {
                problems.append("item '\(r.item)': its text changed after it was frozen")
            }
        }
        if let m = manifestHashes {
            for item in m.keys.sorted() where recomputed[item] == nil { problems.append("record '\(item)': in the manifest but missing") }
        } else {
            problems.append("the set's stored manifest cannot be read")
        }
        let setHash = frozenSetHash(recomputed)
        if setHash != storedSetHash {
            problems.append("the set hash recomputed from the records (\(setHash)) differs from the stored one (\(storedSetHash))")
        }
        if let expected, expected.lowercased() != setHash {
            problems.append("the set hash recomputed from the records (\(setHash)) differs from the expected \(expected)")
        }
        return FrozenSetAudit(setName: setName, recomputedSetHash: setHash, problems: problems)
    }
}
