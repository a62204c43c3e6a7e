import Foundation
import Yams

/// One thing wrong (or worth a warning) in a guideline file, with where it is.
public struct GuidelineProblem: Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning }
    public var severity: Severity
    public var line: Int?
    public var column: Int?
    public var message: String

    public var description: String {
        var place = ""
        if let line { place = "\(line):" + (column.map { "\($0):" } ?? "") + " " }
        return "\(place)\(severity.rawValue): \(message)"
    }
}

/// A guideline that cannot be used, with every problem found (not just the first).
public struct GuidelineError: Error, Sendable, CustomStringConvertible {
    public var file: String
    public var problems: [GuidelineProblem]
    public var description: String {
        problems.filter { $0.severity == .error }.map { "\(file):\($0)" }.joined(separator: "\n")
    }
}

extension Guideline {
    static let topKeys: Set<String> = ["name", "title", "task", "overlap", "show", "min_labels", "max_labels",
                                       "lease_minutes", "labels"]
    static let labelKeys: Set<String> = ["value", "hotkey", "definition", "examples", "counter_examples",
                                         "requires_comment", "excludes"]

    /// Parses and validates a guideline file. Throws `GuidelineError` listing every error with
    /// its line and column in the file; `warnings` receives the non-fatal findings.
    public static func parse(_ text: String, file: String = "<guideline>", warnings: inout [GuidelineProblem]) throws -> Guideline {
        var p = Parser(file: file)
        let result = p.parse(text)
        warnings = p.problems.filter { $0.severity == .warning }
        if let result, !p.problems.contains(where: { $0.severity == .error }) { return result }
        throw GuidelineError(file: file, problems: p.problems)
    }

    public static func parse(_ text: String, file: String = "<guideline>") throws -> Guideline {
        var ignored: [GuidelineProblem] = []
        return try parse(text, file: file, warnings: &ignored)
    }
}

private struct Parser {
    let file: String
    var problems: [GuidelineProblem] = []

    mutating func error(_ message: String, at node: Node? = nil, line: Int? = nil) {
        problems.append(.init(severity: .error, line: node?.mark?.line ?? line, column: node?.mark?.column, message: message))
    }
    mutating func warn(_ message: String, at node: Node? = nil) {
        problems.append(.init(severity: .warning, line: node?.mark?.line, column: node?.mark?.column, message: message))
    }

    mutating func parse(_ rawText: String) -> Guideline? {
        var text = rawText
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        // "\r\n" is one Character in Swift: split on scalars so CRLF files read like LF ones.
        let lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            var s = String(String.UnicodeScalarView(line))
            if s.unicodeScalars.last == "\r" { s.unicodeScalars.removeLast() }
            return s
        }
        guard lines.first?.trimmingTrailingSpaces == "---" else {
            error("a guideline starts with YAML front matter: the first line must be '---'", line: 1)
            return nil
        }
        guard let end = lines.dropFirst().firstIndex(where: { $0.trimmingTrailingSpaces == "---" }) else {
            error("the front matter is not closed: no second '---' line", line: 1)
            return nil
        }
        // Pad with empty lines so YAML marks are line numbers in the file itself.
        let yaml = "\n" + lines[1..<end].joined(separator: "\n") + "\n"
        let body = lines[(end + 1)...].joined(separator: "\n").trimmingLeadingNewlines

        let root: Node
        do {
            guard let node = try Yams.compose(yaml: yaml) else { error("the front matter is empty", line: 2); return nil }
            root = node
        } catch let e as YamlError {
            yamlError(e)
            return nil
        } catch {
            self.error("YAML: \(error)", line: 2)
            return nil
        }
        guard case .mapping(let top) = root else { error("the front matter must be a mapping of keys to values", at: root); return nil }
        for (key, _) in top where !Guideline.topKeys.contains(key.string ?? "") {
            error("unknown key '\(key.string ?? "?")' (known: \(Guideline.topKeys.sorted().joined(separator: ", ")))", at: key)
        }

        let name = requiredString(top, "name", root) ?? ""
        if !name.isEmpty, !name.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-" || $0 == "_") }) {
            error("name '\(name)' may use only a-z, 0-9, '-' and '_'", at: top["name"])
        }
        let title = optionalString(top, "title") ?? name

        var task = Guideline.Task.classify
        if let node = top["task"] {
            let raw = node.string ?? ""
            if let t = Guideline.Task(rawValue: raw) { task = t }
            else if Guideline.Task.reserved.contains(raw) { error("task type '\(raw)' is not supported yet (supported: classify, multilabel)", at: node) }
            else { error("unknown task type '\(raw)' (expected classify or multilabel)", at: node) }
        } else {
            error("missing 'task' (classify or multilabel)", line: 1)
        }

        let overlap = int(top, "overlap", default: 1, min: 1)
        let minLabels = int(top, "min_labels", default: 1, min: 0)
        let maxLabelsNode = top["max_labels"]
        var maxLabels = int(top, "max_labels", default: task == .multilabel ? Int.max : 1, min: 1)
        if task == .classify {
            if let n = top["min_labels"] { error("min_labels applies to multilabel tasks only", at: n) }
            if let n = maxLabelsNode { error("max_labels applies to multilabel tasks only", at: n) }
            maxLabels = 1
        } else if minLabels > maxLabels {
            error("min_labels (\(minLabels)) is greater than max_labels (\(maxLabels))", at: maxLabelsNode)
        }

        var lease: Double?
        if let n = top["lease_minutes"] {
            if let v = n.float, v > 0 { lease = v } else { error("lease_minutes must be a positive number", at: n) }
        }

        var show: [String] = []
        if let n = top["show"] {
            if case .sequence(let seq) = n { show = seq.compactMap { $0.string } }
            else if let s = n.string { show = [s] }
            else { error("show must be a list of metadata field names", at: n) }
        }

        var labels: [Guideline.Label] = []
        if let n = top["labels"] {
            if case .sequence(let seq) = n { labels = parseLabels(seq, task: task) }
            else { error("labels must be a list", at: n) }
        } else {
            error("missing 'labels': the ordered list of labels", line: 1)
        }
        if task == .classify, labels.count == 1 { error("a classify task needs at least two labels", at: top["labels"]) }
        if task == .multilabel, maxLabels != Int.max, maxLabels > labels.count, !labels.isEmpty {
            warn("max_labels (\(maxLabels)) is more than the \(labels.count) labels", at: maxLabelsNode)
        }
        if body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            warn("the Markdown body is empty: annotators have no prose guideline to read", at: nil)
        }

        return Guideline(name: name, title: title, task: task, overlap: overlap, show: show,
                         minLabels: minLabels, maxLabels: maxLabels, leaseMinutes: lease, labels: labels,
                         body: body, contentHash: SHA256.hex(rawText), source: rawText)
    }

    mutating func parseLabels(_ seq: Node.Sequence, task: Guideline.Task) -> [Guideline.Label] {
        var labels: [Guideline.Label] = []
        var values: [String: Node] = [:]
        var hotkeys: [Character: String] = [:]
        var excludeNodes: [(String, String, Node)] = []
        for item in seq {
            guard case .mapping(let m) = item else { error("each label must be a mapping with at least 'value' and 'definition'", at: item); continue }
            for (key, _) in m where !Guideline.labelKeys.contains(key.string ?? "") {
                error("unknown label key '\(key.string ?? "?")' (known: \(Guideline.labelKeys.sorted().joined(separator: ", ")))", at: key)
            }
            guard let valueNode = m["value"], let value = valueNode.string, !value.isEmpty else {
                error("a label has no 'value'", at: item); continue
            }
            if !value.allSatisfy({ !$0.isWhitespace && $0 != "," }) {
                error("label value '\(value)' may not contain spaces or commas", at: valueNode)
            }
            if values[value] != nil { error("duplicate label value '\(value)'", at: valueNode) }
            values[value] = valueNode

            var hotkey: Character?
            if let hk = m["hotkey"] {
                let s = hk.string ?? ""
                if s.count != 1 { error("hotkey of '\(value)' must be a single character, got '\(s)'", at: hk) }
                else {
                    let c = Character(s)
                    if Guideline.reservedKeys.contains(c) {
                        error("hotkey '\(c)' of '\(value)' is a key the labeling screen uses itself (u s f c q ? and digits)", at: hk)
                    } else if let other = hotkeys[c] {
                        error("duplicate hotkey '\(c)': used by '\(other)' and '\(value)'", at: hk)
                    } else { hotkeys[c] = value }
                    hotkey = c
                }
            }
            let definition = m["definition"]?.string?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            if definition.isEmpty { error("label '\(value)' has no definition", at: valueNode) }
            let examples = strings(m, "examples")
            let counter = strings(m, "counter_examples")
            if examples.isEmpty { warn("label '\(value)' has no examples", at: valueNode) }
            var requiresComment = false
            if let rc = m["requires_comment"] {
                if let b = rc.bool { requiresComment = b } else { error("requires_comment must be true or false", at: rc) }
            }
            let excludes = strings(m, "excludes")
            if !excludes.isEmpty, task != .multilabel, let n = m["excludes"] { error("excludes applies to multilabel tasks only", at: n) }
            for ex in excludes { excludeNodes.append((value, ex, m["excludes"]!)) }
            labels.append(.init(value: value, hotkey: hotkey, definition: definition, examples: examples,
                                counterExamples: counter, requiresComment: requiresComment, excludes: excludes))
        }
        for (label, ex, node) in excludeNodes where values[ex] == nil {
            error("label '\(label)' excludes unknown label '\(ex)'", at: node)
        }
        if labels.isEmpty { error("the label list is empty", line: 1) }
        return labels
    }

    mutating func yamlError(_ e: YamlError) {
        switch e {
        case .scanner(let ctx, let problem, let mark, _), .parser(let ctx, let problem, let mark, _), .composer(let ctx, let problem, let mark, _):
            let context = ctx.map { "\($0.text) " } ?? ""
            problems.append(.init(severity: .error, line: mark.line, column: mark.column, message: "YAML: \(context)\(problem)"))
        default:
            problems.append(.init(severity: .error, line: nil, column: nil, message: "YAML: \(e)"))
        }
    }

    mutating func requiredString(_ m: Node.Mapping, _ key: String, _ root: Node) -> String? {
        guard let n = m[key] else { error("missing '\(key)'", line: 1); return nil }
        guard let s = n.string, !s.isEmpty else { error("'\(key)' must be a non-empty string", at: n); return nil }
        return s
    }
    mutating func optionalString(_ m: Node.Mapping, _ key: String) -> String? {
        guard let n = m[key] else { return nil }
        guard let s = n.string else { error("'\(key)' must be a string", at: n); return nil }
        return s
    }
    mutating func int(_ m: Node.Mapping, _ key: String, default d: Int, min: Int) -> Int {
        guard let n = m[key] else { return d }
        guard let v = n.int, v >= min else { error("'\(key)' must be a whole number >= \(min)", at: n); return d }
        return v
    }
    mutating func strings(_ m: Node.Mapping, _ key: String) -> [String] {
        guard let n = m[key] else { return [] }
        if case .sequence(let seq) = n {
            return seq.compactMap { item in
                if let s = item.string { return s }
                error("'\(key)' must be a list of strings", at: item); return nil
            }
        }
        if let s = n.string { return [s] }
        error("'\(key)' must be a list of strings", at: n)
        return []
    }
}

extension String {
    var trimmingTrailingSpaces: String {
        var s = Substring(self)
        while let last = s.last, last == " " || last == "\t" { s.removeLast() }
        return String(s)
    }
    var trimmingLeadingNewlines: String { String(drop(while: { $0 == "\n" || $0 == "\r" })) }
}
