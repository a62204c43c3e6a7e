/// What kind of item an annotator is shown, as far as they may know: gold checks look like
/// any other item; qualification items are announced and cannot be skipped; the review
/// screen says how many items are left.
public enum ItemKind: Sendable, Equatable {
    case item
    case qualification(index: Int, total: Int)
    case review(left: Int)

    /// The announcement above the text, if any.
    public var banner: String? {
        switch self {
        case .item: return nil
        case .qualification(let i, let n): return "qualification \(i)/\(n)"
        case .review(let left): return "review · \(left) left"
        }
    }

    /// Qualification items are scored: an annotator must answer them.
    public var canSkip: Bool { !isQualification }

    /// A qualification item: practice before real work, not counted as labeling.
    public var isQualification: Bool {
        if case .qualification = self { return true }
        return false
    }
}
