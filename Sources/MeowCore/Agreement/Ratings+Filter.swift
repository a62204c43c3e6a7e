extension Ratings {
    /// The same ratings restricted to some annotators (label order and values kept), so that
    /// "how do these two agree" is one option away.
    public func only(annotators keep: Set<String>) -> Ratings {
        var b = RatingsBuilder(labels: labels)
        for i in 0..<count where keep.contains(annotators[Int(annotator[i])]) {
            b.append(item: items[Int(item[i])], annotator: annotators[Int(annotator[i])], label: labels[Int(label[i])])
        }
        b.labelValues = labelValues
        b.labelValueKind = labelValueKind
        var kept = b.build()
        kept.labelsOffScale = labelsOffScale
        return kept
    }
}
