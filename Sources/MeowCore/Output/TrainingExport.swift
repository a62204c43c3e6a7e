/// Rows for the tools people train with, built from an item's id, text and final `label`
/// column (the fields every meow JSONL export row and every frozen record carry), so the train
/// split and the frozen test split go through one function.
public enum TrainingExport {
    /// The fields of a meow JSONL row (an export row or a frozen record) that training rows need.
    public struct Source: Sendable, Equatable {
        public var item: String
        public var text: String
        public var label: String
        public init(item: String, text: String, label: String) { self.item = item; self.text = text; self.label = label }

        /// Reads `item`, `text` and `label` from one JSONL line; nil when one is missing.
        public init?(jsonLine bytes: UnsafeBufferPointer<UInt8>) {
            var scanner = JSONScanner(bytes)
            guard let fields = try? scanner.object() else { return nil }
            var item: String?, text: String?, label: String?
            for f in fields {
                guard case .string(let s) = f.value else { continue }
                switch f.key {
                case "item": item = s
                case "text": text = s
                case "label": label = s
                default: break
                }
            }
            guard let item, let text, let label else { return nil }
            self.init(item: item, text: text, label: label)
        }
    }

    /// A Hugging Face `datasets` row (one JSON object and a newline), by task:
    /// classify `{"item","text","label"}`; multilabel `{"item","text","labels":[…]}`;
    /// spans `{"item","text","spans":[{"start","end","label"}]}` in code points;
    /// rate `{"item","text","rating"}`; compare the preference pair
    /// `{"item","prompt","chosen","rejected"}`, nil for a tie or both bad (no pair to learn from).
    /// nil too for a label column that is not an answer of the task.
    public static func huggingFaceRow(task: Guideline.Task, _ s: Source) -> String? {
        guard let value = AnswerValue(column: s.label, task: task) else { return nil }
        let head = "{\"item\":" + JSONText.quoted(s.item) + ",\"text\":" + JSONText.quoted(s.text)
        switch (task, value) {
        case (.classify, .labels):
            return head + ",\"label\":" + JSONText.quoted(s.label) + "}\n"
        case (.multilabel, .labels(let labels)):
            return head + ",\"labels\":[" + labels.map(JSONText.quoted).joined(separator: ",") + "]}\n"
        case (.spans, .spans(let spans)):
            return head + ",\"spans\":" + spansJSON(spans) + "}\n"
        case (.rate, .rating(let n)):
            return head + ",\"rating\":\(n)}\n"
        case (.compare, .choice(let c, _)):
            return TaskExport.pair(item: s.item, text: s.text, choice: c.rawValue)
        default:
            return nil
        }
    }

    /// A spaCy/Prodigy-style row `{"item","text","spans":[{"start","end","label"}]}`: offsets
    /// in Unicode code points, end exclusive, as Python slices a `str` and as spaCy's
    /// `Doc.char_span` takes them. nil when the label column holds no spans.
    public static func spacyRow(_ s: Source) -> String? {
        guard case .spans(let spans)? = AnswerValue(column: s.label, task: .spans) else { return nil }
        return "{\"item\":" + JSONText.quoted(s.item) + ",\"text\":" + JSONText.quoted(s.text) + ",\"spans\":" + spansJSON(spans) + "}\n"
    }

    static func spansJSON(_ spans: [Span]) -> String {
        "[" + spans.map { "{\"start\":\($0.start),\"end\":\($0.end),\"label\":" + JSONText.quoted($0.label) + "}" }.joined(separator: ",") + "]"
    }

    /// The label values a row's answer uses (for the card's class names).
    public static func labelsUsed(task: Guideline.Task, label column: String) -> [String] {
        switch AnswerValue(column: column, task: task) {
        case .labels(let l)?: return l
        case .spans(let spans)?: return spans.map(\.label)
        default: return []
        }
    }
}

/// Cuts a stream of byte chunks into lines, whatever the chunk boundaries; the export sinks
/// hand over blocks of about a megabyte.
public struct LineSplitter {
    private var partial: [UInt8] = []
    public init() {}

    /// Calls `line` for every complete line in `chunk` (without its newline).
    public mutating func feed(_ chunk: [UInt8], _ line: (UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
        try chunk.withUnsafeBufferPointer { buf in
            var start = 0
            for i in 0..<buf.count where buf[i] == 0x0A {
                if partial.isEmpty {
                    try line(UnsafeBufferPointer(rebasing: buf[start..<i]))
                } else {
                    partial.append(contentsOf: buf[start..<i])
                    try partial.withUnsafeBufferPointer { try line($0) }
                    partial.removeAll(keepingCapacity: true)
                }
                start = i + 1
            }
            partial.append(contentsOf: buf[start..<buf.count])
        }
    }

    /// The last line, when the stream did not end with a newline.
    public mutating func finish(_ line: (UnsafeBufferPointer<UInt8>) throws -> Void) rethrows {
        if !partial.isEmpty { try partial.withUnsafeBufferPointer { try line($0) } }
        partial.removeAll()
    }
}
