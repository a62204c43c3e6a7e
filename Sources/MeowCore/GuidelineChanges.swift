/// What changed in the label set between two guideline versions, so that a team sees what a
/// revision means for labels already given.
public struct GuidelineChanges: Sendable, Equatable, Codable {
    public var added: [String] = []
    public var removed: [String] = []
    /// Renamed labels (declared with `renamed_from` in the new version).
    public var renamed: [Rename] = []
    /// Labels whose definition, examples or counter-examples changed.
    public var definitionsChanged: [String] = []
    /// Labels whose `number:` (their value for interval and ratio agreement) changed, was
    /// given or was taken away.
    public var numbersChanged: [String] = []
    /// Whether the prose body changed.
    public var bodyChanged = false

    public struct Rename: Sendable, Equatable, Codable {
        public var from: String
        public var to: String
        public init(from: String, to: String) { self.from = from; self.to = to }
    }

    public init() {}

    enum CodingKeys: String, CodingKey { case added, removed, renamed, definitionsChanged, numbersChanged, bodyChanged }

    /// Every field optional: changes recorded by an older meow lack the newer fields.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        added = try c.decodeIfPresent([String].self, forKey: .added) ?? []
        removed = try c.decodeIfPresent([String].self, forKey: .removed) ?? []
        renamed = try c.decodeIfPresent([Rename].self, forKey: .renamed) ?? []
        definitionsChanged = try c.decodeIfPresent([String].self, forKey: .definitionsChanged) ?? []
        numbersChanged = try c.decodeIfPresent([String].self, forKey: .numbersChanged) ?? []
        bodyChanged = try c.decodeIfPresent(Bool.self, forKey: .bodyChanged) ?? false
    }

    public static func between(_ old: Guideline, _ new: Guideline) -> GuidelineChanges {
        var c = GuidelineChanges()
        let oldValues = Set(old.labels.map(\.value))
        var renamedFrom = Set<String>()
        for l in new.labels {
            if let from = l.renamedFrom, oldValues.contains(from), !oldValues.contains(l.value) {
                c.renamed.append(.init(from: from, to: l.value))
                renamedFrom.insert(from)
                if let o = old.label(from), o.definition != l.definition || o.examples != l.examples || o.counterExamples != l.counterExamples {
                    c.definitionsChanged.append(l.value)
                }
                if let o = old.label(from), o.number != l.number { c.numbersChanged.append(l.value) }
            } else if let o = old.label(l.value) {
                if o.definition != l.definition || o.examples != l.examples || o.counterExamples != l.counterExamples {
                    c.definitionsChanged.append(l.value)
                }
                if o.number != l.number { c.numbersChanged.append(l.value) }
            } else {
                c.added.append(l.value)
            }
        }
        let newValues = Set(new.labels.map(\.value))
        c.removed = old.labels.map(\.value).filter { !newValues.contains($0) && !renamedFrom.contains($0) }
        c.bodyChanged = old.body != new.body
        return c
    }

    public var isEmpty: Bool {
        added.isEmpty && removed.isEmpty && renamed.isEmpty && definitionsChanged.isEmpty && numbersChanged.isEmpty && !bodyChanged
    }

    /// One line per kind of change, for people.
    public var summary: [String] {
        var out: [String] = []
        if !added.isEmpty { out.append("added: " + added.joined(separator: ", ")) }
        if !removed.isEmpty { out.append("removed: " + removed.joined(separator: ", ")) }
        if !renamed.isEmpty { out.append("renamed: " + renamed.map { "\($0.from) -> \($0.to)" }.joined(separator: ", ")) }
        if !definitionsChanged.isEmpty { out.append("definitions changed: " + definitionsChanged.joined(separator: ", ")) }
        if !numbersChanged.isEmpty { out.append("numbers changed: " + numbersChanged.joined(separator: ", ")) }
        if bodyChanged { out.append("prose changed") }
        return out.isEmpty ? ["no change to labels or prose"] : out
    }
}
