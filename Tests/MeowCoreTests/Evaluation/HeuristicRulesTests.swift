import Foundation
import Testing
import MeowCore

@Suite struct HeuristicRulesTests {
    static let labels = ["pos", "neg", "other"]
    static let file = """
        default: other
        rules:
          - label: pos
            keywords: [love, great, "well made"]
          - label: neg
            regex: "(?i)\\\\b(bad|awful)\\\\b"
        """

    @Test func keywordsAreWholeWordsAnyCaseAndFirstMatchWins() throws {
        let rules = try HeuristicRules.parse(Self.file, file: "rules.yaml", labels: Self.labels)
        #expect(rules.defaultLabel == "other" && rules.rules.map(\.label) == ["pos", "neg"])
        #expect(rules.rules.map(\.line) == [3, 5])
        func label(_ text: String) -> String { rules.label(for: text).label }
        #expect(label("I LOVE it") == "pos")
        #expect(label("love!") == "pos")
        #expect(label("lovely") == "other")            // not a whole word
        #expect(label("gloves") == "other")
        #expect(label("Well\n  made shoes") == "pos")   // a phrase: any white space between its words
        #expect(label("wellmade") == "other")
        #expect(label("Bad service") == "neg")
        #expect(label("badly") == "other")
        #expect(label("I love how bad it is") == "pos") // the first rule that matches wins
        #expect(rules.label(for: "nothing here").rule == nil)
        #expect(rules.label(for: "awful").rule == 1)
    }

    @Test func keywordsWithPunctuationMatchInsideWords() throws {
        let rules = try HeuristicRules.parse("default: other\nrules:\n  - label: pos\n    keywords: [\":)\", \"a+b\"]\n",
                                             file: "r.yaml", labels: Self.labels)
        #expect(rules.label(for: "great:)").label == "pos")
        #expect(rules.label(for: "try a+b now").label == "pos")
        #expect(rules.label(for: "aab").label == "other")  // escaped: '+' is not a regex operator here
    }

    @Test func aRegexIsCaseSensitiveUnlessItSaysSo() throws {
        let rules = try HeuristicRules.parse("default: other\nrules:\n  - label: neg\n    regex: \"\\\\bBAD\\\\b\"\n",
                                             file: "r.yaml", labels: Self.labels)
        #expect(rules.label(for: "so BAD").label == "neg")
        #expect(rules.label(for: "so bad").label == "other")
    }

    /// Every problem, each with its line, in file order.
    @Test func badFilesNameFileAndLine() {
        let bad = """
            rules:
              - label: postive
                keywords: [great]
              - label: neg
                regex: "(unclosed"
              - label: other
                keyword: [x]
              - keywords: [y]
            """
        #expect(throws: HeuristicRulesError.self) { try HeuristicRules.parse(bad, file: "bad.yaml", labels: Self.labels) }
        do {
            _ = try HeuristicRules.parse(bad, file: "bad.yaml", labels: Self.labels)
        } catch {
            let lines = error.description.split(separator: "\n").map(String.init)
            #expect(lines == [
                "bad.yaml:1: missing 'default': the label given when no rule matches",
                "bad.yaml:2: unknown label 'postive' in a rule's 'label' (the guideline's labels: pos, neg, other)",
                "bad.yaml:5: invalid regex '(unclosed'",
                "bad.yaml:6: a rule needs 'keywords' or 'regex'",
                "bad.yaml:7: unknown rule key 'keyword' (known: label, keywords, regex)",
                "bad.yaml:8: a rule has no 'label'",
            ], "\(error.description)")
        }
        func message(_ text: String) -> String {
            do { _ = try HeuristicRules.parse(text, file: "f.yaml", labels: Self.labels); return "" } catch { return error.description }
        }
        #expect(message("default: maybe\nrules:\n  - label: pos\n    keywords: [a]\n") == "f.yaml:1: unknown label 'maybe' in 'default' (the guideline's labels: pos, neg, other)")
        #expect(message("default: pos\nrules: []\n").hasPrefix("f.yaml:2: 'rules' is empty"))
        #expect(message("default: pos\nrules:\n  - label: pos\n    keywords: [\"  \"]\n") == "f.yaml:4: an empty keyword")
        #expect(message("default: pos\nrules: [\n").hasPrefix("f.yaml:3: YAML:"))
        #expect(message("").hasPrefix("f.yaml:1: the file is empty"))
        #expect(message("- a\n") == "f.yaml:1: the file must be a mapping with 'default' and 'rules'")
    }

    /// Six items; rules: love/great/"well made" -> pos, /(?i)\b(bad|awful)\b/ -> neg, else other.
    ///
    ///     item  final  text                     rule     heuristic
    ///     h1    pos    I love it                1        pos
    ///     h2    pos    Great value              1        pos
    ///     h3    neg    Bad, awful thing         2        neg
    ///     h4    neg    I love how bad it is     1        pos   (first match wins)
    ///     h5    other  It is a chair            default  other
    ///     h6    neg    gloves are ok            default  other ('love' is not a word here)
    ///
    /// accuracy 4/6; F1_pos = 2(2)/(2 + 3) = 4/5, F1_neg = 2(1)/(3 + 1) = 1/2, F1_other =
    /// 2(1)/(1 + 2) = 2/3; macro = 59/90 = 0.6556 (scikit-learn 1.9.1: 0.6555555555555556).
    @Test func heuristicBaselineByHand() throws {
        let rules = try HeuristicRules.parse(Self.file, file: "rules.yaml", labels: Self.labels)
        let rows = [("h1", "pos", "I love it"), ("h2", "pos", "Great value"), ("h3", "neg", "Bad, awful thing"),
                    ("h4", "neg", "I love how bad it is"), ("h5", "other", "It is a chair"), ("h6", "neg", "gloves are ok")]
        var final: [String: String] = [:], texts: [String: String] = [:]
        for (item, label, text) in rows { final[item] = label; texts[item] = text }
        let report = try #require(baselines(final: final, labels: Self.labels, answers: [], heuristic: rules, texts: texts))
        let h = try #require(report.heuristic)
        #expect(abs(h.score.accuracy - 4.0 / 6) < 1e-15)
        #expect(abs((h.score.macroF1 ?? -1) - 59.0 / 90) < 1e-15)
        #expect(h.rules.map(\.matched) == [3, 1] && h.defaulted == 2 && h.defaultLabel == "other")
        #expect(report.text().contains("heuristic"))
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(report)) as? [String: Any]
        let object = try #require(json?["heuristic"] as? [String: Any])
        #expect(object["default"] as? String == "other" && object["defaulted"] as? Int == 2 && object["file"] is NSNull)
        #expect((object["rules"] as? [[String: Any]])?.map { $0["line"] as? Int } == [3, 5])
        // Without rules, the key is there and null.
        let none = try #require(baselines(final: final, labels: Self.labels, answers: []))
        let plain = try JSONSerialization.jsonObject(with: JSONEncoder().encode(none)) as? [String: Any]
        #expect(plain?["heuristic"] is NSNull)
    }
}
