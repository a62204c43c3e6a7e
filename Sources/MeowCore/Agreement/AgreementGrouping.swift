/// Annotation indices grouped by item with a counting sort, repeats removed.
///
/// Why a counting sort: item codes are dense integers, so grouping a million
/// annotations is two linear passes and no comparisons. Within an item the
/// input order is kept; when an annotator appears twice on one item only the
/// last annotation survives (the rule documented on `RatingsBuilder`).
struct AgreementGrouping: Sendable {
    /// Surviving annotation indices, grouped by item (items in code order); empty when
    /// `inOrder` (then the indices are 0 ..< count).
    var order: [Int32]
    /// Whether the annotations already are grouped by item in code order with no repeats, as
    /// a file listing each item's answers together, or answers imported that way, reads: then
    /// the grouping is the rows themselves and nothing is sorted or copied.
    var inOrder: Bool
    /// Surviving annotations.
    var count: Int
    /// Start of each non-empty item's run in `order`, plus the end: count = groups + 1.
    var groupStart: [Int]
    /// Item code of each group.
    var groupItem: [Int32]
    /// Number of annotations dropped as repeats.
    var duplicates: Int

    init(item: [Int32], annotator: [Int32], itemCount: Int, annotatorCount: Int) {
        if let inOrder = Self(inOrder: item, annotator: annotator, annotatorCount: annotatorCount) {
            self = inOrder
            return
        }
        let n = item.count
        var start = [Int](repeating: 0, count: itemCount + 1)
        start.withUnsafeMutableBufferPointer { start in
            item.withUnsafeBufferPointer { item in
                for code in item { start[Int(code) + 1] += 1 }
            }
            for c in 0..<itemCount { start[c + 1] += start[c] }
        }
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
        // At most one group per item and per annotation; cut to size after (raw buffers: the
        // appends and bounds checks were most of this pass).
        let most = min(itemCount, n)
        var groupStart = [Int](repeating: 0, count: most + 1)
        var groupItem = [Int32](repeating: 0, count: most)
        var groups = 0
        var duplicates = 0
        var w = 0
        order.withUnsafeMutableBufferPointer { order in
        annotator.withUnsafeBufferPointer { annotator in
        start.withUnsafeBufferPointer { start in
        stamp.withUnsafeMutableBufferPointer { stamp in
        groupStart.withUnsafeMutableBufferPointer { groupStart in
        groupItem.withUnsafeMutableBufferPointer { groupItem in
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
                groupStart[groups] = w
                groupItem[groups] = Int32(code)
                groups += 1
                for q in s..<e where order[q] >= 0 {
                    order[w] = order[q]
                    w += 1
                }
            }
        } } } } } }
        groupStart[groups] = w
        groupStart.removeLast(most - groups)
        groupItem.removeLast(most - groups)
        order.removeLast(n - w)
        self.order = order
        self.inOrder = false
        self.count = w
        self.groupStart = groupStart
        self.groupItem = groupItem
        self.duplicates = duplicates
    }

    /// The grouping of rows whose item codes never decrease and that hold each annotator once
    /// per item; nil for any other rows.
    private init?(inOrder item: [Int32], annotator: [Int32], annotatorCount: Int) {
        let n = item.count
        var stamp = [Int32](repeating: -1, count: annotatorCount)
        var groupStart: [Int] = [], groupItem: [Int32] = []
        // Item changes are counted first, so the group arrays are allocated once.
        let groups: Int? = item.withUnsafeBufferPointer { item in
            var groups = n > 0 ? 1 : 0
            for r in 1..<max(n, 1) {
                if item[r] < item[r - 1] { return nil }
                if item[r] != item[r - 1] { groups += 1 }
            }
            return groups
        }
        guard let groups else { return nil }
        groupStart = [Int](repeating: 0, count: groups + 1)
        groupItem = [Int32](repeating: 0, count: groups)
        let repeated = item.withUnsafeBufferPointer { item in
            annotator.withUnsafeBufferPointer { annotator in
            stamp.withUnsafeMutableBufferPointer { stamp in
            groupStart.withUnsafeMutableBufferPointer { groupStart in
            groupItem.withUnsafeMutableBufferPointer { groupItem in
                var g = -1
                for r in 0..<n {
                    let code = item[r]
                    if g < 0 || code != groupItem[g] {
                        g += 1
                        groupStart[g] = r
                        groupItem[g] = code
                    }
                    let a = Int(annotator[r])
                    if stamp[a] == code { return true }
                    stamp[a] = code
                }
                groupStart[groups] = n
                return false
            } } } }
        }
        if repeated { return nil }
        self.order = []
        self.inOrder = true
        self.count = n
        self.groupStart = groupStart
        self.groupItem = groupItem
        self.duplicates = 0
    }
}
