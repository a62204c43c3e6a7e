import Testing
@testable import MeowCore

/// Issue 13.4: Dawid-Skene ties are ties, and a label nobody gave is never final on its own.
@Suite("Model consensus")
struct ModelConsensusTests {
    /// Two annotators who disagree symmetrically: every posterior is exactly 1/2, whatever the
    /// annotators are called, so no item may get a label.
    @Test func anExactPosteriorTieIsLeftForReviewWhateverTheNames() throws {
        for names in [("ann1", "ann2"), ("zed", "amy")] {
            let votes = [LabelVote(item: "i1", annotator: names.0, label: "pos"), LabelVote(item: "i1", annotator: names.1, label: "neg"),
                         LabelVote(item: "i2", annotator: names.0, label: "neg"), LabelVote(item: "i2", annotator: names.1, label: "pos")]
            let ds = try #require(dawidSkene(votes, labels: ["pos", "neg"]))
            let results = modelConsensus(ds, votes: votes.map { (item: $0.item, label: $0.label) })
            #expect(results.count == 2)
            for r in results {
                #expect(r.label == nil && r.decision == nil, "\(names): \(r)")
                #expect(r.tied == ["pos", "neg"])
            }
        }
    }

    @Test func aLabelNoAnnotatorGaveIsFlaggedAndUnanimityKept() {
        let estimate = DawidSkeneResult(
            items: [.init(item: "a", label: "neg", confidence: 0.6, posterior: ["pos": 0.4, "neg": 0.6]),
                    .init(item: "b", label: "pos", confidence: 0.9, posterior: ["pos": 0.9, "neg": 0.1]),
                    .init(item: "c", label: "pos", confidence: 0.7, posterior: ["pos": 0.7, "neg": 0.3])],
            annotatorAccuracy: [:], confusion: [:], priors: [0.5, 0.5], labels: ["pos", "neg"], iterations: 1, converged: true)
        let votes = [("a", "pos"), ("a", "pos"), ("b", "pos"), ("b", "pos"), ("c", "pos"), ("c", "neg")].map { (item: $0.0, label: $0.1) }
        let r = Dictionary(uniqueKeysWithValues: modelConsensus(estimate, votes: votes).map { ($0.item, $0) })
        #expect(r["a"]?.label == nil && r["a"]?.reason?.contains("'neg' was given by no annotator") == true)
        #expect(r["b"]?.label == "pos" && r["b"]?.decision == .unanimous)
        #expect(r["c"]?.label == "pos" && r["c"]?.decision == .model)
    }
}
