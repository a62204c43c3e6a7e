/// Votes encoded for the Dawid-Skene EM loop: integer codes and flat arrays in
/// a canonical order, so that the loop touches no dictionary and the floating
/// point sums run in the same order whatever order the votes came in.
///
/// Items and annotators are numbered in ascending name order; the cells of an
/// item (one per distinct annotator and label, with its vote count n_ail) are
/// sorted by annotator, then label (compressed sparse rows: the cells of item i
/// are `cellStart[i] ..< cellStart[i + 1]`).
struct DawidSkeneVotes {
    /// Item names, ascending; item code = index.
    let itemNames: [String]
    /// Annotator names, ascending; annotator code = index.
    let annotatorNames: [String]
    /// q, the number of labels.
    let labelCount: Int
    /// itemNames.count + 1 offsets into the cell arrays.
    let cellStart: [Int]
    /// Annotator code of each cell.
    let cellAnnotator: [Int32]
    /// Label code (index into the label list) of each cell.
    let cellLabel: [Int32]
    /// n_ail: how many times the annotator gave this label to the item.
    let cellCount: [Double]

    /// `nil` when `labels` repeats a name or no vote carries a label from
    /// `labels` (votes with any other label are dropped).
    init?(votes: [LabelVote], labels: [String]) {
        let q = labels.count
        var labelCode: [String: Int32] = [:]
        labelCode.reserveCapacity(q)
        for (k, label) in labels.enumerated() {
            if labelCode.updateValue(Int32(k), forKey: label) != nil { return nil }
        }

        // First pass: codes in order of first appearance.
        var itemCode: [String: Int32] = [:]
        var annotatorCode: [String: Int32] = [:]
        var seenItems: [String] = []
        var seenAnnotators: [String] = []
        var rawItem: [Int32] = [], rawAnnotator: [Int32] = [], rawLabel: [Int32] = []
        rawItem.reserveCapacity(votes.count)
        rawAnnotator.reserveCapacity(votes.count)
        rawLabel.reserveCapacity(votes.count)
        for vote in votes {
            guard let label = labelCode[vote.label] else { continue }
            let item: Int32
            if let code = itemCode[vote.item] {
                item = code
            } else {
                item = Int32(seenItems.count)
                itemCode[vote.item] = item
                seenItems.append(vote.item)
            }
            let annotator: Int32
            if let code = annotatorCode[vote.annotator] {
                annotator = code
            } else {
                annotator = Int32(seenAnnotators.count)
                annotatorCode[vote.annotator] = annotator
                seenAnnotators.append(vote.annotator)
            }
            rawItem.append(item)
            rawAnnotator.append(annotator)
            rawLabel.append(label)
        }
        guard !rawItem.isEmpty else { return nil }

        // Renumber by name so that the codes do not depend on the input order.
        let (itemNames, itemRank) = Self.rankByName(seenItems)
        let (annotatorNames, annotatorRank) = Self.rankByName(seenAnnotators)

        // Bucket the votes by item (counting sort), keyed by annotator * q + label.
        let itemCount = itemNames.count
        var start = [Int](repeating: 0, count: itemCount + 1)
        for item in rawItem { start[Int(itemRank[Int(item)]) + 1] += 1 }
        for i in 0..<itemCount { start[i + 1] += start[i] }
        var fill = start
        var keys = [Int](repeating: 0, count: rawItem.count)
        for j in rawItem.indices {
            let i = Int(itemRank[Int(rawItem[j])])
            keys[fill[i]] = Int(annotatorRank[Int(rawAnnotator[j])]) * q + Int(rawLabel[j])
            fill[i] += 1
        }

        // Sort each item's keys and merge repeated (annotator, label) votes into counts.
        var cellStart = [Int](repeating: 0, count: itemCount + 1)
        var cellAnnotator: [Int32] = [], cellLabel: [Int32] = [], cellCount: [Double] = []
        cellAnnotator.reserveCapacity(keys.count)
        cellLabel.reserveCapacity(keys.count)
        cellCount.reserveCapacity(keys.count)
        for i in 0..<itemCount {
            let s = start[i], e = start[i + 1]
            keys[s..<e].sort()
            var p = s
            while p < e {
                let key = keys[p]
                var n = 0
                while p < e, keys[p] == key {
                    n += 1
                    p += 1
                }
                cellAnnotator.append(Int32(key / q))
                cellLabel.append(Int32(key % q))
                cellCount.append(Double(n))
            }
            cellStart[i + 1] = cellCount.count
        }

        self.itemNames = itemNames
        self.annotatorNames = annotatorNames
        self.labelCount = q
        self.cellStart = cellStart
        self.cellAnnotator = cellAnnotator
        self.cellLabel = cellLabel
        self.cellCount = cellCount
    }

    /// Names sorted ascending, and for each first-seen code its rank among them.
    private static func rankByName(_ names: [String]) -> (sorted: [String], rank: [Int32]) {
        let order = names.indices.sorted { names[$0] < names[$1] }
        var rank = [Int32](repeating: 0, count: names.count)
        for (r, old) in order.enumerated() { rank[old] = Int32(r) }
        return (order.map { names[$0] }, rank)
    }
}
