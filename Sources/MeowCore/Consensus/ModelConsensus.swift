/// Final labels from a Dawid-Skene estimate, with the same care majority vote takes: an exact
/// posterior tie (within 1e-9) is a tie, left unresolved for review, never settled by label
/// order or annotator names; a label that no annotator gave the item is flagged for review,
/// never final on its own; an item every annotator labeled alike stays unanimous.
///
/// - Parameter votes: every (item, label) answer the estimate was made from.
public func modelConsensus(_ estimate: DawidSkeneResult, votes: [(item: String, label: String)]) -> [Consensus] {
    var given: [String: Set<String>] = [:]
    for v in votes { given[v.item, default: []].insert(v.label) }
    return estimate.items.map { post in
        if !post.tied.isEmpty {
            return Consensus(item: post.item, label: nil, confidence: post.confidence, decision: nil, tied: post.tied)
        }
        let labels = given[post.item] ?? []
        guard labels.contains(post.label) else {
            return Consensus(item: post.item, label: nil, confidence: post.confidence, decision: nil,
                             reason: "the model's label '\(post.label)' was given by no annotator")
        }
        return Consensus(item: post.item, label: post.label, confidence: post.confidence,
                         decision: labels.count == 1 ? .unanimous : .model)
    }
}
