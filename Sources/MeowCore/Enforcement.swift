/// The guideline's enforcement settings (front matter), applied in one place by the store so
/// that `meow submit` and the labeling screen follow the same rules.
public struct Enforcement: Sendable, Equatable {
    /// What an annotator may do when unsure.
    public enum UnsurePolicy: String, Sendable, CaseIterable {
        /// Unsure answers are allowed and kept as they are.
        case allow
        /// Unsure answers are allowed and go to the review queue.
        case review
        /// Annotators must commit to a label.
        case forbid
    }

    /// Gold items: where they come from and what they are for.
    public struct GoldSet: Sendable, Equatable {
        /// A JSONL file beside the guideline (`{"id","text","label","explanation"}` per line)...
        public var file: String?
        /// ...or items written in the front matter.
        public var inline: [GoldItem]
    }

    /// A calibration round before real work.
    public struct Qualification: Sendable, Equatable {
        public var items: GoldSet
        /// Share of qualification items to get right to pass (0...1).
        public var passMark: Double
        /// Items per round (`round_size`); nil: every item of the pool. A retry draws items the
        /// annotator has not seen yet when the pool allows (`QualificationRound`).
        public var roundSize: Int? = nil
        /// Where `round_size` stands in the guideline file, for the error when the pool, read
        /// from its file later, turns out smaller.
        public var roundSizeLine: Int? = nil
        public var roundSizeColumn: Int? = nil
    }

    /// Gold items mixed unannounced into the stream.
    public struct GoldChecks: Sendable, Equatable {
        public var items: GoldSet
        /// Share of served items that are gold (0 < rate < 1).
        public var rate: Double
        /// Rolling accuracy is taken over the last `window` gold answers.
        public var window: Int
        /// Below this rolling accuracy the annotator is paused.
        public var minAccuracy: Double
    }

    public var unsure: UnsurePolicy = .allow
    /// Answers faster than this (seconds on the item) are refused by the labeling screen.
    public var minSeconds: Double?
    public var qualification: Qualification?
    public var gold: GoldChecks?

    public init() {}
}

/// An item with a known answer, for qualification and gold checks.
public struct GoldItem: Sendable, Equatable {
    public var id: String
    public var text: String
    /// The correct answer (comma-joined labels for multi-label tasks).
    public var label: String
    /// Why that answer is right; shown to annotators who missed it.
    public var explanation: String
    public init(id: String, text: String, label: String, explanation: String) {
        self.id = id; self.text = text; self.label = label; self.explanation = explanation
    }
}
