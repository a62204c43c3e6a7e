/// One annotator's answer for one item: the raw input of consensus
/// (Dawid-Skene) and of the human baselines.
///
/// Why a plain value: votes come from the store, from long-format files and
/// from tests alike; every consumer keys on the three strings and nothing else.
public struct LabelVote: Sendable, Equatable, Hashable, Codable {
    /// The item (unit) that was labeled.
    public var item: String
    /// Who gave the label.
    public var annotator: String
    /// The label given, a name from the guideline's label list.
    public var label: String

    public init(item: String, annotator: String, label: String) {
        self.item = item
        self.annotator = annotator
        self.label = label
    }
}
