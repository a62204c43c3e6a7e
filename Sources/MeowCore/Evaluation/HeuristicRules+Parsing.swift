import Foundation
import Yams

/// A rules file that cannot be used, with every problem found and its line.
public struct HeuristicRulesError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Problem: Sendable, Equatable {
        public var line: Int?
        public var message: String
    }
    public var file: String
    public var problems: [Problem]

    /// `rules.yaml:4: unknown label 'postive' (the guideline's labels: …)`, one per line.
    public var description: String {
        problems.map { p in "\(file):" + (p.line.map { "\($0): " } ?? " ") + p.message }.joined(separator: "\n")
    }
}

extension HeuristicRules {
    static let topKeys: Set<String> = ["default", "rules"]
    static let ruleKeys: Set<String> = ["label", "keywords", "regex"]

    /// Parses a rules file (see `HeuristicRules`) against the guideline's labels. Throws
    /// `HeuristicRulesError` listing every problem with its line: YAML syntax, unknown keys,
    /// a missing or unknown `default`, a rule without a label, with a label not in `labels`,
    /// without keywords or regex, with an empty keyword, or with an invalid regex.
    public static func parse(_ text: String, file: String, labels: [String]) throws(HeuristicRulesError) -> HeuristicRules {
        var problems: [HeuristicRulesError.Problem] = []
        func problem(_ message: String, _ node: Node?, line: Int? = nil) {
            problems.append(.init(line: node?.mark?.line ?? line, message: message))
        }
        let known = Set(labels)
        let knownList = labels.joined(separator: ", ")
        func checkLabel(_ node: Node?, what: String) -> String? {
            guard let node else { return nil }
            guard let label = node.string, !label.isEmpty else { problem("\(what) must be a label name", node); return nil }
            guard known.contains(label) else {
                problem("unknown label '\(label)' in \(what) (the guideline's labels: \(knownList))", node)
                return nil
            }
            return label
        }

        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw HeuristicRulesError(file: file, problems: [.init(line: 1, message: "the file is empty: it needs 'default' and 'rules'")])
            }
            root = node
        } catch let e as YamlError {
            let place = e.located
            throw HeuristicRulesError(file: file, problems: [.init(line: place.line, message: place.message)])
        } catch let e as HeuristicRulesError {
            throw e
        } catch {
            throw HeuristicRulesError(file: file, problems: [.init(line: nil, message: "YAML: \(error)")])
        }
        guard case .mapping(let top) = root else {
            throw HeuristicRulesError(file: file, problems: [.init(line: root.mark?.line ?? 1, message: "the file must be a mapping with 'default' and 'rules'")])
        }
        for (key, _) in top where !topKeys.contains(key.string ?? "") {
            problem("unknown key '\(key.string ?? "?")' (known: default, rules)", key)
        }
        var defaultLabel: String?
        if let node = top["default"] {
            defaultLabel = checkLabel(node, what: "'default'")
        } else {
            problem("missing 'default': the label given when no rule matches", nil, line: 1)
        }

        var rules: [Rule] = []
        if let node = top["rules"] {
            if case .sequence(let seq) = node {
                if seq.isEmpty { problem("'rules' is empty: give at least one rule (always answering one label is the majority-class baseline)", node) }
                for item in seq {
                    guard case .mapping(let m) = item else { problem("each rule must be a mapping with 'label' and 'keywords' or 'regex'", item); continue }
                    for (key, _) in m where !ruleKeys.contains(key.string ?? "") {
                        problem("unknown rule key '\(key.string ?? "?")' (known: label, keywords, regex)", key)
                    }
                    let line = item.mark?.line ?? 0
                    var label: String?
                    if let n = m["label"] { label = checkLabel(n, what: "a rule's 'label'") } else { problem("a rule has no 'label'", item) }

                    var keywords: [String] = []
                    var keywordMatcher: Matcher?
                    if let n = m["keywords"] {
                        var nodes: [Node] = []
                        if case .sequence(let list) = n { nodes = Array(list) } else if n.string != nil { nodes = [n] }
                        else { problem("'keywords' must be a list of words or phrases", n) }
                        if case .sequence(let list) = n, list.isEmpty { problem("'keywords' is empty", n) }
                        for k in nodes {
                            guard let word = k.string, !word.allSatisfy(\.isWhitespace) else { problem("an empty keyword", k); continue }
                            keywords.append(word)
                        }
                        if !keywords.isEmpty {
                            let pattern = keywordPattern(keywords)
                            if let e = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive]) { keywordMatcher = Matcher(e) }
                            else { problem("the keywords cannot be matched", n) }
                        }
                    }
                    var regex: String?
                    var regexMatcher: Matcher?
                    if let n = m["regex"] {
                        if let pattern = n.string, !pattern.isEmpty {
                            regex = pattern
                            do { regexMatcher = Matcher(try NSRegularExpression(pattern: pattern)) }
                            catch { problem("invalid regex '\(pattern)'", n) }
                        } else {
                            problem("'regex' must be a non-empty string", n)
                        }
                    }
                    if m["keywords"] == nil, m["regex"] == nil { problem("a rule needs 'keywords' or 'regex'", item) }
                    if let label, keywordMatcher != nil || regexMatcher != nil {
                        rules.append(Rule(label: label, keywords: keywords, regex: regex, line: line,
                                          keywordMatcher: keywordMatcher, regexMatcher: regexMatcher))
                    }
                }
            } else {
                problem("'rules' must be a list of rules", node)
            }
        } else {
            problem("missing 'rules': a list of rules, each with 'label' and 'keywords' or 'regex'", nil, line: 1)
        }
        guard problems.isEmpty, let defaultLabel else {
            // In file order (stable: problems on one line keep the order they were found in).
            let sorted = problems.enumerated().sorted { ($0.element.line ?? 0, $0.offset) < ($1.element.line ?? 0, $1.offset) }.map(\.element)
            throw HeuristicRulesError(file: file, problems: sorted)
        }
        return HeuristicRules(rules: rules, defaultLabel: defaultLabel)
    }
}
