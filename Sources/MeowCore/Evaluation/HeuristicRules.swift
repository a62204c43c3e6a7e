import Foundation

/// The third baseline: a few hand-written rules, each giving a label, the first that matches an
/// item's text wins, and a default label when none does. "Make your test dataset before you
/// train anything" names three baselines: random, human, and a simple heuristic. A model that
/// does not beat ten keywords is not worth its training run.
///
/// Matching:
/// - `keywords`: case-insensitive (Unicode case folding), whole words: `love` matches
///   "Love it!" but not "lovely" or "glove"; a keyword may hold several words (`not good`), and
///   the spaces between them match any run of white space. "Whole word" means no letter, mark,
///   digit or `_` right before a keyword that starts with one, nor right after one that ends
///   with one, so `:)` matches inside "great:)".
/// - `regex`: an ICU regular expression (the syntax of `NSRegularExpression`), searched
///   anywhere in the text, case-sensitive unless it starts with `(?i)`.
/// - A rule with both matches when either does.
///
/// The file (YAML):
///
///     default: neutral
///     rules:
///       - label: positive
///         keywords: [great, love]
///       - label: negative
///         regex: "\\b(bad|awful)\\b"
public struct HeuristicRules: Sendable {
    public struct Rule: Sendable {
        public var label: String
        public var keywords: [String]
        public var regex: String?
        /// The rule's line in the file.
        public var line: Int
        let keywordMatcher: Matcher?
        let regexMatcher: Matcher?

        func matches(_ text: String) -> Bool {
            let range = NSRange(location: 0, length: (text as NSString).length)
            if let keywordMatcher, keywordMatcher.expression.firstMatch(in: text, range: range) != nil { return true }
            if let regexMatcher, regexMatcher.expression.firstMatch(in: text, range: range) != nil { return true }
            return false
        }
    }

    /// A compiled expression. `NSRegularExpression` is immutable once made and documented as
    /// safe to use from several threads.
    final class Matcher: @unchecked Sendable {
        let expression: NSRegularExpression
        init(_ expression: NSRegularExpression) { self.expression = expression }
    }

    public var rules: [Rule]
    public var defaultLabel: String

    /// The label the rules give `text`, and the index of the rule that gave it (nil: the default).
    public func label(for text: String) -> (label: String, rule: Int?) {
        for (i, rule) in rules.enumerated() where rule.matches(text) { return (rule.label, i) }
        return (defaultLabel, nil)
    }

    /// Runs the rules on every item: its label, and how often each rule decided.
    public func run(items: [String], texts: [String: String]) -> HeuristicRun {
        var run = HeuristicRun(predictions: [:], matched: [Int](repeating: 0, count: rules.count), defaulted: 0)
        for item in items {
            let (label, rule) = label(for: texts[item] ?? "")
            run.predictions[item] = label
            if let rule { run.matched[rule] += 1 } else { run.defaulted += 1 }
        }
        return run
    }

    /// The pattern for a list of keywords: alternatives, each escaped, whole words, white
    /// space flexible.
    static func keywordPattern(_ keywords: [String]) -> String {
        let wordClass = "[\\p{L}\\p{M}\\p{N}_]"
        return keywords.map { keyword in
            let words = keyword.split(whereSeparator: \.isWhitespace).map { NSRegularExpression.escapedPattern(for: String($0)) }
            var p = words.joined(separator: "\\s+")
            if let first = keyword.first(where: { !$0.isWhitespace }), first.isLetter || first.isNumber || first == "_" { p = "(?<!\(wordClass))" + p }
            if let last = keyword.last(where: { !$0.isWhitespace }), last.isLetter || last.isNumber || last == "_" { p += "(?!\(wordClass))" }
            return "(?:" + p + ")"
        }.joined(separator: "|")
    }
}

/// The rules' answers on a set of items.
public struct HeuristicRun: Sendable, Equatable {
    /// Item -> label.
    public var predictions: [String: String]
    /// Per rule (in file order): items it decided.
    public var matched: [Int]
    /// Items no rule matched (given the default label).
    public var defaulted: Int
}
