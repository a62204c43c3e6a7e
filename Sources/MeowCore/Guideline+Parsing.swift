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
                                       "lease_minutes", "labels", "max_overlap", "unsure", "min_seconds", "qualification", "gold",
                                       "spans", "scale", "review_spread", "order", "order_seed"]
    static let labelKeys: Set<String> = ["value", "hotkey", "definition", "examples", "counter_examples",
                                         "requires_comment", "excludes", "renamed_from", "number"]
    static let scaleKeys: Set<String> = ["value", "name", "definition", "examples", "counter_examples", "renamed_from"]
    static let spanRuleKeys: Set<String> = ["allow_overlap", "snap_to_tokens"]
    /// What a `compare` answer can be, with the definition used when the guideline gives none.
    static let compareChoices: [(value: String, hotkey: Character, definition: String)] = [
        ("a", "a", "Candidate A is better."), ("b", "b", "Candidate B is better."),
        ("tie", "t", "Both are equally good."), ("both-bad", "x", "Neither is acceptable."),
    ]

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
            else { error("unknown task type '\(raw)' (expected classify, multilabel, spans, rate or compare)", at: node) }
        } else {
            error("missing 'task' (classify, multilabel, spans, rate or compare)", line: 1)
        }

        // Bounded: an overlap of a million would make every item unfinishable.
        let overlap = int(top, "overlap", default: 1, min: 1, max: Guideline.maxOverlapLimit)
        let minLabels = int(top, "min_labels", default: 1, min: 0)
        let maxLabelsNode = top["max_labels"]
        var maxLabels = int(top, "max_labels", default: task == .multilabel ? Int.max : 1, min: 1)
        if task != .multilabel {
            if let n = top["min_labels"] { error("min_labels applies to multilabel tasks only", at: n) }
            if let n = maxLabelsNode { error("max_labels applies to multilabel tasks only", at: n) }
            maxLabels = 1
        } else if minLabels > maxLabels {
            error("min_labels (\(minLabels)) is greater than max_labels (\(maxLabels))", at: maxLabelsNode)
        }

        var lease: Double?
        if let n = top["lease_minutes"] {
            if let v = n.float, v > 0, v <= Guideline.maxLeaseMinutes { lease = v }
            else { error("lease_minutes must be a positive number of minutes, at most \(Int(Guideline.maxLeaseMinutes)) (a week)", at: n) }
        }

        var show: [String] = []
        if let n = top["show"] {
            if case .sequence(let seq) = n { show = seq.compactMap { $0.string } }
            else if let s = n.string { show = [s] }
            else { error("show must be a list of metadata field names", at: n) }
        }

        var labels: [Guideline.Label] = []
        if task == .rate {
            if let n = top["labels"] { error("a rate task has a 'scale', not labels", at: n) }
            if let n = top["scale"] {
                if case .sequence(let seq) = n { labels = parseScale(seq, node: n) }
                else { error("scale must be a list of points, each with a value and a name", at: n) }
            } else {
                error("missing 'scale': the points of the rating scale (e.g. 1 to 5, each with a name and definition)", line: 1)
            }
        } else if task == .compare, top["labels"] == nil {
            labels = Guideline.compareChoices.map {
                Guideline.Label(value: $0.value, hotkey: $0.hotkey, definition: $0.definition, examples: [], counterExamples: [],
                                requiresComment: false, excludes: [])
            }
        } else if let n = top["labels"] {
            if case .sequence(let seq) = n { labels = parseLabels(seq, task: task) }
            else { error("labels must be a list", at: n) }
            if task == .compare { checkCompareLabels(&labels, node: n) }
        } else {
            error("missing 'labels': the ordered list of labels", line: 1)
        }
        if task != .rate, let n = top["scale"] { error("scale applies to rate tasks only", at: n) }
        if task != .rate, let n = top["review_spread"] { error("review_spread applies to rate tasks only", at: n) }
        if task != .spans, let n = top["spans"] { error("spans (the span rules) applies to spans tasks only", at: n) }
        if task == .classify, labels.count == 1 { error("a classify task needs at least two labels", at: top["labels"]) }
        if task == .multilabel, maxLabels != Int.max, maxLabels > labels.count, !labels.isEmpty {
            warn("max_labels (\(maxLabels)) is more than the \(labels.count) labels", at: maxLabelsNode)
        }
        if body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            warn("the Markdown body is empty: annotators have no prose guideline to read", at: nil)
        } else if !body.lowercased().contains("unsure") {
            warn("the body has no guidance for when annotators are unsure (say what to do: flag with f and write why)", at: nil)
        }
        let enforcement = parseEnforcement(top, labels: labels)

        var g = Guideline(name: name, title: title, task: task, overlap: overlap, show: show,
                          minLabels: minLabels, maxLabels: maxLabels, leaseMinutes: lease, labels: labels,
                          body: body, contentHash: SHA256.hex(rawText), source: rawText)
        g.enforcement = enforcement
        g.maxOverlap = overlap
        if task == .spans, let n = top["spans"] { g.spanRules = parseSpanRules(n) }
        if task == .rate, let n = top["review_spread"] {
            let points = labels.compactMap { Int($0.value) }
            let range = (points.max() ?? 9) - (points.min() ?? 0)
            if let v = n.int, v >= 0, v < max(range, 1) { g.reviewSpread = v }
            else { error("review_spread must be a whole number from 0 to \(max(range - 1, 0)) (the largest difference between two ratings of one item that still takes the median; \(range) is the whole scale)", at: n) }
        }
        if let n = top["order"] {
            let seed = top["order_seed"].flatMap { $0.int }.map { UInt64(max(0, $0)) } ?? 0
            if let name = n.string, let order = QueueOrder(name: name, seed: seed) { g.order = order }
            else { error("order must be one of \(QueueOrder.names.joined(separator: ", "))", at: n) }
        }
        if let n = top["order_seed"], n.int.map({ $0 < 0 }) ?? true { error("order_seed must be a whole number, 0 or more", at: n) }
        if let n = top["max_overlap"] {
            if let v = n.int, v >= overlap, v <= Guideline.maxOverlapLimit { g.maxOverlap = v }
            else { error("max_overlap must be a whole number between overlap (\(overlap)) and \(Guideline.maxOverlapLimit)", at: n) }
        }
        return g
    }

    /// `scale:` of a rate task: points `value` 0-9 (the digit key that answers), ascending,
    /// each with a `name` and a `definition`.
    mutating func parseScale(_ seq: Node.Sequence, node: Node) -> [Guideline.Label] {
        var points: [Guideline.Label] = []
        var last = -1
        for item in seq {
            guard case .mapping(let m) = item else { error("each scale point must be a mapping with 'value', 'name' and 'definition'", at: item); continue }
            for (key, _) in m where !Guideline.scaleKeys.contains(key.string ?? "") {
                error("unknown scale key '\(key.string ?? "?")' (known: \(Guideline.scaleKeys.sorted().joined(separator: ", ")))", at: key)
            }
            guard let valueNode = m["value"], let v = valueNode.int, (0...9).contains(v) else {
                error("a scale point needs a 'value' from 0 to 9 (the digit key that gives it)", at: m["value"] ?? item); continue
            }
            if v <= last { error("scale values must go up: \(v) comes after \(last)", at: valueNode) }
            last = max(last, v)
            let name = m["name"]?.string?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            if name.isEmpty { error("scale point \(v) has no name", at: valueNode) }
            else if name.unicodeScalars.contains(where: { TerminalText.isUnsafe($0.value) }) { error("the name of scale point \(v) contains a control character", at: m["name"]) }
            let definition = m["definition"]?.string?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            if definition.isEmpty { error("scale point \(v) has no definition", at: valueNode) }
            var point = Guideline.Label(value: String(v), hotkey: nil, definition: definition, examples: strings(m, "examples"),
                                        counterExamples: strings(m, "counter_examples"), requiresComment: false, excludes: [],
                                        renamedFrom: optionalString(m, "renamed_from"), number: Double(v))
            point.name = name.isEmpty ? nil : name
            points.append(point)
        }
        if points.count < 2 { error("a rating scale needs at least two points", at: node) }
        return points
    }

    /// `labels:` of a compare task: a subset of a, b, tie, both-bad (a and b required), with
    /// their definitions; hotkeys default to a, b, t, x.
    mutating func checkCompareLabels(_ labels: inout [Guideline.Label], node: Node) {
        let known = Guideline.compareChoices.map(\.value)
        var defaulted = Set<String>()
        for i in labels.indices {
            guard let choice = Guideline.compareChoices.first(where: { $0.value == labels[i].value }) else {
                error("a compare task's labels are \(known.joined(separator: ", ")); '\(labels[i].value)' is not one", at: node); continue
            }
            if labels[i].hotkey == nil { labels[i].hotkey = choice.hotkey; defaulted.insert(labels[i].value) }
            // The screen names the sides A and B, so `a` and `b` may only ever mean those.
            if let key = labels[i].hotkey, let owner = Guideline.compareChoices.first(where: { $0.hotkey == key && $0.value != choice.value }),
               owner.value == "a" || owner.value == "b" || labels.contains(where: { $0.value == owner.value }) {
                error("hotkey '\(key)' of '\(labels[i].value)' is the key of the choice '\(owner.value)'", at: node)
            }
        }
        var seen: [Character: String] = [:]
        for l in labels {
            guard let key = l.hotkey else { continue }
            // Clashes between given hotkeys were reported with the labels; these involve a default.
            if let other = seen[key], defaulted.contains(other) || defaulted.contains(l.value) {
                error("duplicate hotkey '\(key)': used by '\(other)' and '\(l.value)'", at: node)
            }
            seen[key] = l.value
        }
        for required in ["a", "b"] where !labels.contains(where: { $0.value == required }) {
            error("a compare task needs the choice '\(required)'", at: node)
        }
    }

    /// `spans:` rules: `allow_overlap`, `snap_to_tokens` (both true or false).
    mutating func parseSpanRules(_ node: Node) -> Guideline.SpanRules {
        var rules = Guideline.SpanRules()
        guard case .mapping(let m) = node else { error("spans must be a mapping (allow_overlap, snap_to_tokens)", at: node); return rules }
        for (key, value) in m {
            switch key.string ?? "" {
            case "allow_overlap": if let b = value.bool { rules.allowOverlap = b } else { error("allow_overlap must be true or false", at: value) }
            case "snap_to_tokens": if let b = value.bool { rules.snapToTokens = b } else { error("snap_to_tokens must be true or false", at: value) }
            default: error("unknown span rule '\(key.string ?? "?")' (known: \(Guideline.spanRuleKeys.sorted().joined(separator: ", ")))", at: key)
            }
        }
        return rules
    }

    mutating func parseLabels(_ seq: Node.Sequence, task: Guideline.Task) -> [Guideline.Label] {
        var labels: [Guideline.Label] = []
        var values: [String: Node] = [:]
        var hotkeys: [Character: String] = [:]
        var excludeNodes: [(String, String, Node)] = []
        var numbered: [Node] = [], unnumbered: [(String, Node)] = []
        for item in seq {
            guard case .mapping(let m) = item else { error("each label must be a mapping with at least 'value' and 'definition'", at: item); continue }
            for (key, _) in m where !Guideline.labelKeys.contains(key.string ?? "") {
                error("unknown label key '\(key.string ?? "?")' (known: \(Guideline.labelKeys.sorted().joined(separator: ", ")))", at: key)
            }
            guard let valueNode = m["value"], let value = valueNode.string, !value.isEmpty else {
                error("a label has no 'value'", at: item); continue
            }
            if let bad = value.unicodeScalars.first(where: { TerminalText.isUnsafe($0.value) || $0.properties.generalCategory == .format || $0.properties.generalCategory == .control }) {
                error("label value '\(TerminalText.safeInline(value))' contains a control or formatting character (U+\(String(bad.value, radix: 16, uppercase: true)))", at: valueNode)
            } else if !value.allSatisfy({ !$0.isWhitespace && $0 != "," }) {
                error("label value '\(value)' may not contain spaces or commas", at: valueNode)
            } else if value.count > 100 {
                error("label value '\(value.prefix(20))…' is longer than 100 characters", at: valueNode)
            }
            if values[value] != nil { error("duplicate label value '\(value)'", at: valueNode) }
            values[value] = valueNode

            var hotkey: Character?
            if let hk = m["hotkey"] {
                let s = hk.string ?? ""
                if s.count != 1 { error("hotkey of '\(value)' must be a single character, got '\(s)'", at: hk) }
                else if s.unicodeScalars.contains(where: { TerminalText.isUnsafe($0.value) || $0.properties.generalCategory == .format }) {
                    error("hotkey of '\(TerminalText.safeInline(value))' is a control character", at: hk)
                }
                else {
                    let c = Character(s)
                    if Guideline.reservedKeys(for: task).contains(c) {
                        error("hotkey '\(c)' of '\(value)' is a key the labeling screen uses itself (u s f c q ? and digits"
                              + (task == .spans ? "; a spans task also uses [ ] x" : "") + ")", at: hk)
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
            if let node = m["excludes"] { for ex in excludes { excludeNodes.append((value, ex, node)) } }
            var number: Double?
            if let n = m["number"] {
                if task != .classify { error("number applies to classify tasks only", at: n) }
                else if let v = n.float, v.isFinite {
                    if let own = Ratings.numericValues(of: [value])?.first, own != v {
                        error("label '\(value)' is a number, so its number: must be \(value) or left out (numeric labels are their own numbers)", at: n)
                    } else { number = v }
                }
                else { error("number of '\(value)' must be a finite number", at: n) }
            }
            if let n = m["number"] { numbered.append(n) } else { unnumbered.append((value, valueNode)) }
            labels.append(.init(value: value, hotkey: hotkey, definition: definition, examples: examples,
                                counterExamples: counter, requiresComment: requiresComment, excludes: excludes,
                                renamedFrom: optionalString(m, "renamed_from"), number: number))
        }
        if !numbered.isEmpty, let (value, node) = unnumbered.first {
            error("label '\(value)' has no number; give every label a number (for ratio and interval agreement) or none", at: node)
        }
        for (label, ex, node) in excludeNodes where values[ex] == nil {
            error("label '\(label)' excludes unknown label '\(ex)'", at: node)
        }
        if labels.isEmpty { error("the label list is empty", line: 1) }
        return labels
    }

    mutating func parseEnforcement(_ top: Node.Mapping, labels: [Guideline.Label]) -> Enforcement {
        var e = Enforcement()
        if let n = top["unsure"] {
            if let p = n.string.flatMap(Enforcement.UnsurePolicy.init(rawValue:)) { e.unsure = p }
            else { error("unsure must be allow, review or forbid", at: n) }
        }
        if let n = top["min_seconds"] {
            if let v = n.float, v >= 0, v <= 600 { e.minSeconds = v } else { error("min_seconds must be a number of seconds between 0 and 600", at: n) }
        }
        let known = Set(labels.map(\.value))
        if let n = top["qualification"] {
            if case .mapping(let m) = n {
                for (k, _) in m where !["items", "pass_mark", "round_size"].contains(k.string ?? "") {
                    error("unknown qualification key '\(k.string ?? "?")' (known: items, pass_mark, round_size)", at: k)
                }
                let items = goldSet(m["items"], owner: "qualification", known: known, at: n)
                var pass = 0.8
                if let p = m["pass_mark"] { if let v = p.float, v > 0, v <= 1 { pass = v } else { error("pass_mark must be a share between 0 and 1 (e.g. 0.8)", at: p) } }
                var round: Int?
                if let r = m["round_size"] {
                    if let v = r.int, v >= 1, v <= 1_000 { round = v } else { error("round_size must be a whole number of items from 1 to 1000", at: r) }
                    // An inline pool is known now; a file's is checked when it is read (`checkRoundSize`).
                    if let round, let items, items.file == nil, round > items.inline.count {
                        error("round_size \(round) is larger than the pool: the qualification lists \(items.inline.count) items", at: r)
                    }
                }
                if let items {
                    e.qualification = .init(items: items, passMark: pass, roundSize: round,
                                            roundSizeLine: m["round_size"]?.mark?.line, roundSizeColumn: m["round_size"]?.mark?.column)
                }
            } else { error("qualification must be a mapping with items (and optionally pass_mark, round_size)", at: n) }
        }
        if let n = top["gold"] {
            if case .mapping(let m) = n {
                for (k, _) in m where !["items", "rate", "window", "min_accuracy"].contains(k.string ?? "") {
                    error("unknown gold key '\(k.string ?? "?")' (known: items, rate, window, min_accuracy)", at: k)
                }
                let items = goldSet(m["items"], owner: "gold", known: known, at: n)
                var rate = 0.05, window = 10, minAccuracy = 0.7
                if let r = m["rate"] { if let v = r.float, v > 0, v < 1 { rate = v } else { error("gold rate must be a share between 0 and 1 (e.g. 0.05)", at: r) } }
                if let w = m["window"] { if let v = w.int, v >= 1, v <= 1000 { window = v } else { error("gold window must be a whole number of answers (1-1000)", at: w) } }
                if let a = m["min_accuracy"] { if let v = a.float, v >= 0, v <= 1 { minAccuracy = v } else { error("min_accuracy must be a share between 0 and 1", at: a) } }
                if let items { e.gold = .init(items: items, rate: rate, window: window, minAccuracy: minAccuracy) }
            } else { error("gold must be a mapping with items, rate, window and min_accuracy", at: n) }
        }
        return e
    }

    /// `items:` is a file name (JSONL beside the guideline) or a list of {id, text, label, explanation}.
    mutating func goldSet(_ node: Node?, owner: String, known: Set<String>, at parent: Node) -> Enforcement.GoldSet? {
        guard let node else { error("\(owner) needs items: a JSONL file beside the guideline, or a list", at: parent); return nil }
        if let file = node.string, !file.isEmpty { return .init(file: file, inline: []) }
        guard case .sequence(let seq) = node else { error("\(owner) items must be a file name or a list", at: node); return nil }
        var items: [GoldItem] = []
        for entry in seq {
            guard case .mapping(let m) = entry, let id = m["id"]?.string, let text = m["text"]?.string, let label = m["label"]?.string else {
                error("each \(owner) item needs id, text and label", at: entry); continue
            }
            for part in label.split(separator: ",") where !known.contains(String(part)) {
                error("\(owner) item '\(id)' has unknown label '\(part)'", at: m["label"])
            }
            items.append(GoldItem(id: id, text: text, label: label, explanation: m["explanation"]?.string ?? ""))
        }
        if items.isEmpty { error("\(owner) has no items", at: node) }
        return .init(file: nil, inline: items)
    }

    mutating func yamlError(_ e: YamlError) {
        let place = e.located
        var line = place.line
        // A bad character without an offset: the front matter's first line.
        if line == nil, case .reader = e { line = 2 }
        problems.append(.init(severity: .error, line: line, column: place.column, message: place.message))
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
    mutating func int(_ m: Node.Mapping, _ key: String, default d: Int, min: Int, max: Int = 1_000) -> Int {
        guard let n = m[key] else { return d }
        guard let v = n.int, v >= min, v <= max else { error("'\(key)' must be a whole number from \(min) to \(max)", at: n); return d }
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

extension YamlError {
    /// Where a YAML syntax error is (line and column in the text Yams read) and what it is, in
    /// the words meow's messages use: the guideline parser and the heuristic rules parser.
    var located: (line: Int?, column: Int?, message: String) {
        switch self {
        case .scanner(let ctx, let problem, let mark, _), .parser(let ctx, let problem, let mark, _), .composer(let ctx, let problem, let mark, _):
            let context = ctx.map { "\($0.text) " } ?? ""
            return (mark.line, mark.column, "YAML: \(context)\(problem)")
        case .reader(let problem, let offset, let value, let yaml):
            // Bad characters (e.g. control characters) come with a character offset, not a mark.
            var line = 1, column = 1
            for c in yaml.prefix(offset ?? 0) {
                if c.unicodeScalars.contains("\n") { line += 1; column = 1 } else { column += 1 }
            }
            return (offset == nil ? nil : line, offset == nil ? nil : column,
                    "YAML: \(problem) (\(String(format: "U+%04X", UInt32(bitPattern: value))))")
        case .duplicatedKeysInMapping(let duplicates, let context):
            // Yams' own description quotes the whole front matter: name the keys only.
            let keys = duplicates.map { "'\($0)'" }.joined(separator: ", ")
            return (context.mark.line, context.mark.column, "YAML: duplicate key\(duplicates.count == 1 ? "" : "s") \(keys)")
        default:
            return (nil, nil, "YAML: \(self)")
        }
    }
}
