/// Annotation indices grouped by item with a counting sort, repeats removed.
///
/// Why a counting sort: item codes are dense integers, so grouping a million
/// annotations is two linear passes and no comparisons. Within an item the
/// input order is kept; when an annotator appears twice on one item only the
/// last annotation survives (the rule documented on `RatingsBuilder`).
struct AgreementGrouping: Sendable {
    /// Surviving annotation indices, grouped by item (items in code order).
    var order: [Int32]
    /// Start of each non-empty item's run in `order`, plus the end: count = groups + 1.
    var groupStart: [Int]
    /// Item code of each group.
    var groupItem: [Int32]
    /// Number of annotations dropped as repeats.
    var duplicates: Int

    init(item: [Int32], annotator: [Int32], itemCount: Int, annotatorCount: Int) {
        let n = item.count
        var start = [Int](repeating: 0, count: itemCount + 1)
        for code in item { start[Int(code) + 1] += 1 }
        for c in 0..<itemCount { start[c + 1] += start[c] }
        var next = start
        var order = [Int32](repeating: 0, count: n)
        order.withUnsafeMutableBufferPointer { order in
            next.withUnsafeMutableBufferPointer { next in
                item.withUnsafeBufferPointer { item in
                    for index in 0..<n {
                        let code = Int(item[index])
                        order[next[code]] = Int32(index)
                        next[code] += 1
                    }
                }
            }
        }
        var stamp = [Int32](repeating: -1, count: annotatorCount)
        var groupStart: [Int] = []
        var groupItem: [Int32] = []
        var duplicates = 0
        var w = 0
        order.withUnsafeMutableBufferPointer { order in
            annotator.withUnsafeBufferPointer { annotator in
                for code in 0..<itemCount {
                    let s = start[code], e = start[code + 1]
                    if s == e { continue }
                    // Walk backwards so the last annotation of a pair is the one kept.
                    var p = e - 1
                    while p >= s {
                        let a = Int(annotator[Int(order[p])])
                        if stamp[a] == Int32(code) { order[p] = -1; duplicates += 1 } else { stamp[a] = Int32(code) }
                        p -= 1
                    }
                    groupStart.append(w)
                    groupItem.append(Int32(code))
                    for q in s..<e where order[q] >= 0 {
                        order[w] = order[q]
                        w += 1
                    }
                }
            }
        }
        groupStart.append(w)
        order.removeLast(n - w)
        self.order = order
        self.groupStart = groupStart
        self.groupItem = groupItem
        self.duplicates = duplicates
    }
}
