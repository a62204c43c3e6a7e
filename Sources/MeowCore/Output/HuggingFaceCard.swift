import Foundation
import Yams

/// The dataset card (`README.md`) of a Hugging Face export: YAML front matter that
/// `datasets.load_dataset(DIR)` and the Hub read (`configs` with the split files,
/// `dataset_info` with the features and the split sizes), then the meow facts a model card
/// should quote (guideline version and hash, the frozen set's name, hash and agreement).
/// The YAML is built as a node tree and serialized by Yams, with every value that comes from
/// user data double-quoted, so a label like `yes` or `1.0` stays a string in any YAML reader.
public struct HuggingFaceCard: Sendable {
    public struct SplitFile: Sendable {
        public var name: String
        public var path: String
        public var rows: Int
        /// The file's size (`datasets` wants `num_bytes` beside `num_examples`).
        public var bytes: Int
        /// SHA-256 of the file, so a copy can be checked against the card.
        public var sha256: String
        public init(name: String, path: String, rows: Int, bytes: Int, sha256: String) {
            self.name = name; self.path = path; self.rows = rows; self.bytes = bytes; self.sha256 = sha256
        }
    }
    public struct FrozenFacts: Sendable {
        public var name: String
        public var setHash: String
        public var items: Int
        public var krippendorffAlpha: Double?
        public var percentAgreement: Double?
        public init(name: String, setHash: String, items: Int, krippendorffAlpha: Double?, percentAgreement: Double?) {
            self.name = name; self.setHash = setHash; self.items = items
            self.krippendorffAlpha = krippendorffAlpha; self.percentAgreement = percentAgreement
        }
    }

    public var project: String
    public var guideline: Guideline
    public var guidelineVersion: Int
    public var splits: [SplitFile]
    /// The class names, in guideline order, then any label the data uses that the guideline
    /// no longer has (a frozen record keeps the label it was frozen with).
    public var classNames: [String]
    public var frozen: FrozenFacts?
    public var exportedAt: String
    public var exportedBy: String
    /// Train items kept out: frozen, same normalized text as a frozen item, same group.
    public var keptOut: (frozen: Int, sameText: Int, sameGroup: Int)

    public init(project: String, guideline: Guideline, guidelineVersion: Int, splits: [SplitFile], classNames: [String],
                frozen: FrozenFacts?, exportedAt: String, exportedBy: String, keptOut: (frozen: Int, sameText: Int, sameGroup: Int)) {
        self.project = project; self.guideline = guideline; self.guidelineVersion = guidelineVersion; self.splits = splits
        self.classNames = classNames; self.frozen = frozen; self.exportedAt = exportedAt; self.exportedBy = exportedBy; self.keptOut = keptOut
    }

    /// User data: always double-quoted.
    static func q(_ s: String) -> Node { Node(s, .implicit, .doubleQuoted) }
    static func n(_ i: Int) -> Node { Node(String(i)) }
    static func f(_ d: Double?) -> Node { d.flatMap { $0.isFinite ? Node(String($0)) : nil } ?? Node("null") }
    static func map(_ pairs: [(String, Node)]) -> Node { Node(pairs.map { (Node($0.0), $0.1) }) }

    static func feature(_ name: String, dtype: String) -> Node { map([("name", q(name)), ("dtype", Node(dtype))]) }

    var classLabel: Node {
        Self.map([("class_label", Self.map([("names", Node(classNames.enumerated().map { (Self.q(String($0.offset)), Self.q($0.element)) }))]))])
    }

    /// The features of a row, as `TrainingExport.huggingFaceRow` writes it.
    var features: [Node] {
        switch guideline.task {
        case .classify:
            return [Self.feature("item", dtype: "string"), Self.feature("text", dtype: "string"), Self.map([("name", Self.q("label")), ("dtype", classLabel)])]
        case .multilabel:
            return [Self.feature("item", dtype: "string"), Self.feature("text", dtype: "string"), Self.map([("name", Self.q("labels")), ("sequence", classLabel)])]
        case .spans:
            let span = Node([Self.feature("start", dtype: "int64"), Self.feature("end", dtype: "int64"), Self.feature("label", dtype: "string")])
            return [Self.feature("item", dtype: "string"), Self.feature("text", dtype: "string"), Self.map([("name", Self.q("spans")), ("list", span)])]
        case .rate:
            return [Self.feature("item", dtype: "string"), Self.feature("text", dtype: "string"), Self.feature("rating", dtype: "int64")]
        case .compare:
            return [Self.feature("item", dtype: "string"), Self.feature("prompt", dtype: "string"),
                    Self.feature("chosen", dtype: "string"), Self.feature("rejected", dtype: "string")]
        }
    }

    var taskCategory: String? {
        switch guideline.task {
        case .classify, .multilabel: return "text-classification"
        case .spans: return "token-classification"
        case .rate, .compare: return nil
        }
    }

    /// The front matter's node tree.
    var frontMatter: Node {
        var top: [(String, Node)] = [("pretty_name", Self.q(guideline.title))]
        if let taskCategory { top.append(("task_categories", Node([Node(taskCategory)]))) }
        top.append(("configs", Node([Self.map([
            ("config_name", Node("default")),
            ("data_files", Node(splits.map { Self.map([("split", Self.q($0.name)), ("path", Self.q($0.path))]) })),
        ])])))
        top.append(("dataset_info", Self.map([
            ("features", Node(features)),
            ("splits", Node(splits.map { Self.map([("name", Self.q($0.name)), ("num_bytes", Self.n($0.bytes)), ("num_examples", Self.n($0.rows))]) })),
            ("dataset_size", Self.n(splits.reduce(0) { $0 + $1.bytes })),
        ])))
        var meow: [(String, Node)] = [
            ("project", Self.q(project)), ("task", Node(guideline.task.rawValue)),
            ("guideline", Self.q(guideline.name)), ("guideline_version", Self.n(guidelineVersion)),
            ("guideline_sha256", Self.q(guideline.contentHash)),
            ("exported_at", Self.q(exportedAt)), ("exported_by", Self.q(exportedBy)),
        ]
        if let frozen {
            meow.append(("frozen_set", Self.map([
                ("name", Self.q(frozen.name)), ("set_sha256", Self.q(frozen.setHash)), ("items", Self.n(frozen.items)),
                ("krippendorff_alpha", Self.f(frozen.krippendorffAlpha)), ("percent_agreement", Self.f(frozen.percentAgreement)),
            ])))
        } else {
            meow.append(("frozen_set", Node("null")))
        }
        meow.append(("files", Node(splits.map { Self.map([("path", Self.q($0.path)), ("rows", Self.n($0.rows)), ("sha256", Self.q($0.sha256))]) })))
        meow.append(("kept_out_of_train", Self.map([("frozen", Self.n(keptOut.frozen)), ("same_text", Self.n(keptOut.sameText)),
                                                    ("same_group", Self.n(keptOut.sameGroup))])))
        top.append(("meow", Self.map(meow)))
        return Self.map(top)
    }

    /// The whole `README.md`.
    public func render() throws -> String {
        let yaml = try Yams.serialize(node: frontMatter, width: -1, allowUnicode: true)
        var md = "---\n" + yaml + "---\n\n# " + Self.markdownLine(guideline.title) + "\n\n"
        md += "Exported by meow from project `\(Self.markdownCode(project))`, labeled under guideline "
        md += "`\(Self.markdownCode(guideline.name))` version \(guidelineVersion) (SHA-256 `\(guideline.contentHash)`).\n\n"
        md += "| split | file | rows |\n|---|---|---|\n"
        for s in splits { md += "| \(s.name) | `\(s.path)` | \(s.rows) |\n" }
        md += "\n"
        if let frozen {
            md += "The test split is the frozen set `\(Self.markdownCode(frozen.name))` (\(frozen.items) items, set SHA-256 `\(frozen.setHash)`); "
            md += "the workspace re-checks the records behind it with `meow export --split test` and `meow verify`. "
            if let a = frozen.krippendorffAlpha { md += "Agreement on it when frozen: Krippendorff's alpha \(Self.fixed(a))" }
            if let p = frozen.percentAgreement { md += (frozen.krippendorffAlpha == nil ? "Agreement on it when frozen: " : ", ") + "percent agreement \(Self.fixed(p))" }
            md += frozen.krippendorffAlpha == nil && frozen.percentAgreement == nil ? "\n\n" : ".\n\n"
            md += "The train split leaves out every frozen item (\(keptOut.frozen)), items whose normalized text equals a frozen item's "
            md += "(\(keptOut.sameText)) and items sharing a frozen item's group (\(keptOut.sameGroup)).\n\n"
        } else {
            md += "**No test set was frozen**: nothing in this dataset is held out for testing.\n\n"
        }
        md += Self.rowsDescription(guideline.task)
        md += "\n\n```python\nfrom datasets import load_dataset\nds = load_dataset(\"path/to/this/folder\")\n```\n"
        if !guideline.labels.isEmpty, guideline.task != .compare {
            md += "\n## \(guideline.task == .rate ? "Scale" : "Labels")\n\n"
            for l in guideline.labels {
                md += "- `\(Self.markdownCode(l.value))`" + (l.name.map { " (\(Self.markdownLine($0)))" } ?? "") + ": " + Self.markdownLine(l.definition) + "\n"
            }
        }
        return md
    }

    static func rowsDescription(_ task: Guideline.Task) -> String {
        switch task {
        case .classify: return "Each row: `item` (meow's id), `text`, `label` (the final label; a class label when loaded with the card)."
        case .multilabel: return "Each row: `item` (meow's id), `text`, `labels` (the final labels, in guideline order)."
        case .spans: return "Each row: `item` (meow's id), `text`, `spans`: `start`, `end` (Unicode code points, end exclusive, as Python slices a `str`) and `label`."
        case .rate: return "Each row: `item` (meow's id), `text`, `rating` (the final scale point)."
        case .compare: return "Each row is a preference pair: `item` (meow's id), `prompt`, `chosen`, `rejected`; ties and both-bad items are left out."
        }
    }

    static func fixed(_ d: Double) -> String {
        let r = (d * 1000).rounded() / 1000
        return String(r)
    }

    /// One line of prose: line breaks folded to spaces.
    static func markdownLine(_ s: String) -> String {
        s.split(whereSeparator: { $0.isNewline }).joined(separator: " ")
    }

    /// Inside backticks: a backtick would end the code span.
    static func markdownCode(_ s: String) -> String {
        markdownLine(s).replacingOccurrences(of: "`", with: "'")
    }
}
