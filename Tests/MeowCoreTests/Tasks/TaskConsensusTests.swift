import Testing
import MeowCore

/// Issue 12: span-level majority and median ratings, on hand-made cases.
@Suite struct TaskConsensusTests {
    @Test func spanMajorityKeepsSpansMoreThanHalfMarked() {
        let votes: [(item: String, label: String)] = [
            // i1: 0:5:PER by all three, 10:13:LOC by two of three: both kept.
            ("i1", "0:5:PER,10:13:LOC"), ("i1", "0:5:PER,10:13:LOC"), ("i1", "0:5:PER"),
            // i2: 6:9:LOC by one of three: no majority, review.
            ("i2", "0:5:PER"), ("i2", "0:5:PER,6:9:LOC"), ("i2", "0:5:PER"),
            // i3: nobody marked anything: the empty answer, unanimously.
            ("i3", ""), ("i3", ""),
            // i4: two annotators, one span each, different: 1 of 2 is not more than half.
            ("i4", "0:3:PER"), ("i4", "0:4:PER"),
        ]
        let r = Dictionary(uniqueKeysWithValues: spanMajority(votes).map { ($0.item, $0) })
        #expect(r["i1"]?.label == "0:5:PER,10:13:LOC" && r["i1"]?.decision == .majority && r["i1"]?.confidence == 2.0 / 3)
        #expect(r["i2"]?.label == nil && r["i2"]?.reason == "spans without a majority: 6:9:LOC")
        #expect(r["i3"]?.label == "" && r["i3"]?.decision == .unanimous && r["i3"]?.confidence == 1)
        #expect(r["i4"]?.label == nil && r["i4"]?.reason?.contains("0:4:PER, 0:3:PER") == true)
    }

    @Test func medianRatingWithSpreadThreshold() {
        let votes: [(item: String, label: String)] = [
            ("a", "4"), ("a", "5"), ("a", "4"),   // median 4, spread 1
            ("b", "2"), ("b", "5"), ("b", "3"),   // spread 3 > 1: review
            ("c", "3"), ("c", "4"),               // even: the lower middle, 3
            ("d", "2"), ("d", "2"), ("d", "2"),   // unanimous
        ]
        let r = Dictionary(uniqueKeysWithValues: medianRating(votes, maxSpread: 1).map { ($0.item, $0) })
        #expect(r["a"]?.label == "4" && r["a"]?.decision == .majority && r["a"]?.confidence == 2.0 / 3)
        #expect(r["b"]?.label == nil && r["b"]?.reason == "ratings 2, 3, 5 spread 3 > review_spread 1")
        #expect(r["c"]?.label == "3" && r["c"]?.confidence == 0.5)
        #expect(r["d"]?.decision == .unanimous)
        #expect(medianRating(votes, maxSpread: 3).first { $0.item == "b" }?.label == "3")
    }

    @Test func comparisonsUseThePluralityOfChoices() {
        let r = majorityVote([("p", "a"), ("p", "a"), ("p", "b"), ("q", "a"), ("q", "tie")])
        #expect(r.map(\.label) == ["a", nil])
    }
}
