/// Which part of the data an export holds.
public enum Split: String, Sendable, CaseIterable {
    case train, test, all
}

/// Where an item lands in a dataset export, given what the frozen test sets hold: the rule
/// that keeps test data out of training. Training never gets a frozen item, an item whose
/// normalized text equals a frozen item's, or one sharing a frozen item's group (the same
/// document, author or conversation).
public struct LeakageRule: Sendable {
    /// Items in any frozen set of the project (by the store's item key).
    public var frozenItems: Set<Int64>
    /// Items in the set being exported as the test split.
    public var testItems: Set<Int64>
    /// Normalized texts (`TextNormalizer`) of every frozen item.
    public var frozenTexts: Set<String>
    /// For each `--group-by` rule of a frozen set, the group values it froze.
    public var frozenGroups: [Set<String>]

    public init(frozenItems: Set<Int64>, testItems: Set<Int64>, frozenTexts: Set<String>, frozenGroups: [Set<String>]) {
        self.frozenItems = frozenItems; self.testItems = testItems; self.frozenTexts = frozenTexts; self.frozenGroups = frozenGroups
    }

    public enum Placement: Equatable, Sendable {
        case train, test
        /// In another frozen set than the one exported.
        case frozen
        case sameTextAsFrozen, sameGroupAsFrozen
        case withoutFinalLabel
        /// Not part of the split asked for (a non-test item in a test export).
        case notInSplit
    }

    /// Places one item. `groups` holds the item's value for each rule of `frozenGroups`.
    public func place(item: Int64, text: String, groups: [String?], hasFinalLabel: Bool, split: Split, raw: Bool) -> Placement {
        if split == .test { return testItems.contains(item) ? .test : .notInSplit }
        if !hasFinalLabel && !(raw && split == .all) { return .withoutFinalLabel }
        if frozenItems.contains(item) { return testItems.contains(item) ? .test : .frozen }
        if !frozenTexts.isEmpty, frozenTexts.contains(TextNormalizer.normalize(text)) { return .sameTextAsFrozen }
        if zip(frozenGroups, groups).contains(where: { values, value in value.map { values.contains($0) } ?? false }) { return .sameGroupAsFrozen }
        return .train
    }

    /// The `split` column an exported row carries, or nil when the placement keeps the item
    /// out of an export of `split`.
    public static func rowSplit(_ placement: Placement, in split: Split) -> String? {
        switch (placement, split) {
        case (.notInSplit, _), (.withoutFinalLabel, _): return nil
        case (.train, _): return "train"
        case (.test, .test), (.test, .all): return "test"
        case (.frozen, .all): return "frozen"
        case (.sameTextAsFrozen, .all), (.sameGroupAsFrozen, .all): return "excluded"
        default: return nil   // kept out of training
        }
    }
}
