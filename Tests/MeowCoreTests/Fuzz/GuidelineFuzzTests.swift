import Foundation
import Testing
@testable import MeowCore
import MeowTestSupport

/// Issue 10: guideline files are written by hand, so `Guideline.parse` sees every kind of
/// broken YAML and Markdown. Seeded mutations of the shipped guidelines must give either a
/// guideline that keeps the schema's promises or a `GuidelineError` whose every error names a
/// line (and column when there is one) of the file.
@Suite("Fuzz: guideline parser")
struct GuidelineFuzzTests {
    static let cases = 900 * Fuzz.scale

    /// Front matter plus the first lines of the body: mutations should mostly hit the YAML.
    static func frontMatter(_ file: String, bodyLines: Int = 4) -> [UInt8] {
        let lines = Fuzz.bytes(file).split(separator: 0x0A, omittingEmptySubsequences: false)
        let close = lines.dropFirst().firstIndex { Array($0) == Array("---".utf8) } ?? lines.count - 1
        return Array(lines.prefix(close + 1 + bodyLines).joined(separator: [0x0A])) + [0x0A]
    }

    static let seeds: [[UInt8]] = [
        frontMatter("Guidelines/sentiment.md"),
        frontMatter("Guidelines/toxicity.md"),
        Fuzz.bytes("Guidelines/sentiment.md"),
        Array("""
        ---
        name: tox-small
        task: multilabel
        overlap: 2
        max_overlap: 4
        min_labels: 1
        max_labels: 2
        lease_minutes: 2.5
        unsure: forbid
        qualification:
          items:
            - {id: q1, text: "you idiot", label: insult}
            - {id: q2, text: "nice day", label: none, explanation: "no insult"}
          pass_mark: 0.5
        gold:
          items: gold.jsonl
          rate: 0.2
          window: 20
          min_accuracy: 0.5
        labels:
          - {value: insult, hotkey: i, definition: Insults a person., examples: ["you idiot"]}
          - value: other
            hotkey: o
            definition: |
              Something else,
              say what.
            requires_comment: true
            renamed_from: misc
          - value: none
            definition: Nothing toxic.
            excludes: [insult, other]
        ---
        # Tox
        When unsure, flag it.
        """.utf8),
        Array("\u{FEFF}---\r\nname: crlf\r\ntask: classify\r\nlabels:\r\n  - {value: a, definition: A}\r\n  - {value: b, definition: B}\r\n---\r\nBody; if unsure, say so.\r\n".utf8),
    ]

    static let tokens = [
        "---", "- ", ": ", ": |", ": >", "'", "? ", "&a ", "*a", "!!int ", "!!str ", "%YAML 1.2\n", "  ", "\n  - ",
        "{value: x, definition: y}", "labels:", "task: multilabel", "task: spans", "hotkey: u", "hotkey: ab",
        "value: a b", "overlap: 0", "max_overlap: 99", "min_labels: 5", "name: Bad Name", "excludes: [nope]",
        "requires_comment: maybe", "items: []", "name: x\nname: y\n", "~", "!", "@", "`", "|-", "...",
    ]

    @Test func mutatedGuidelinesParseOrNameTheLine() throws {
        var check = FuzzCheck("guideline")
        var parsed = 0, failed = 0
        for k in 0..<(Self.cases + Self.seeds.count) where !check.tooMany {
            var m = FuzzMutator(seed: 0x6_01DE &+ UInt64(k))
            let bytes = k < Self.seeds.count ? Self.seeds[k] : m.mutate(m.pick(Self.seeds), tokens: Self.tokens)
            check.caseIndex = k
            check.input = bytes
            // The CLI refuses invalid UTF-8 before parsing; decoding with replacement still
            // lets the mutated bytes around it reach the parser.
            let text = String(decoding: bytes, as: UTF8.self)
            let lineCount = text.utf8.split(separator: 0x0A, omittingEmptySubsequences: false).count
            var warnings: [GuidelineProblem] = []
            do {
                let g = try Guideline.parse(text, file: "g.md", warnings: &warnings)
                parsed += 1
                Self.checkGuideline(g, text: text, warnings: warnings, &check)
            } catch let e as GuidelineError {
                failed += 1
                let errors = e.problems.filter { $0.severity == .error }
                check.expect(!errors.isEmpty, "a GuidelineError with no error in it: \(e.problems)")
                for p in errors {
                    guard let line = p.line else { check.expect(false, "error without a line: \(p)"); continue }
                    check.expect((1...lineCount).contains(line), "line \(line) outside the file's \(lineCount) lines: \(p)")
                    check.expect(p.column.map { $0 >= 1 } ?? true, "column \(p.column ?? 0) < 1: \(p)")
                    check.expect(e.description.contains("g.md:\(line):"), "description lacks g.md:\(line): \(p)")
                }
            } catch {
                check.expect(false, "threw \(type(of: error)), not GuidelineError: \(error)")
            }
            if k < Self.seeds.count { check.expect(failed == 0, "a seed guideline does not parse") }
        }
        #expect(parsed > Self.cases / 10, "only \(parsed) mutated guidelines parsed")
        #expect(failed > Self.cases / 4, "only \(failed) mutated guidelines failed")
    }

    /// What a parsed guideline promises the rest of meow.
    static func checkGuideline(_ g: Guideline, text: String, warnings: [GuidelineProblem], _ check: inout FuzzCheck) {
        let values = g.labels.map(\.value)
        check.expect(!values.isEmpty && Set(values).count == values.count, "labels empty or repeated: \(values)")
        check.expect(values.allSatisfy { !$0.isEmpty && !$0.contains { $0.isWhitespace || $0 == "," } }, "bad label value in \(values)")
        check.expect(g.labels.allSatisfy { !$0.definition.isEmpty }, "a label without a definition")
        check.expect(g.labels.allSatisfy { $0.excludes.allSatisfy(values.contains) }, "excludes names an unknown label")
        let hotkeys = g.labels.compactMap(\.hotkey)
        check.expect(Set(hotkeys).count == hotkeys.count && hotkeys.allSatisfy { !Guideline.reservedKeys.contains($0) },
                     "hotkeys repeated or reserved: \(hotkeys)")
        check.expect(!g.name.isEmpty && g.name.allSatisfy { $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-" || $0 == "_") },
                     "bad name \(g.name.debugDescription)")
        check.expect(g.overlap >= 1 && (g.overlap...Guideline.maxOverlapLimit).contains(g.maxOverlap), "overlap \(g.overlap), max \(g.maxOverlap)")
        switch g.task {
        case .classify: check.expect(g.maxLabels == 1 && values.count >= 2, "classify with max \(g.maxLabels), \(values.count) labels")
        case .multilabel: check.expect(g.minLabels <= g.maxLabels && g.maxLabels >= 1, "min \(g.minLabels) > max \(g.maxLabels)")
        case .spans: check.expect(!values.isEmpty, "spans without labels")
        case .rate: check.expect(g.scale.count >= 2 && g.scale.count == values.count && g.scale == g.scale.sorted(), "scale \(g.scale)")
        case .compare: check.expect(values.contains("a") && values.contains("b"), "compare choices \(values)")
        }
        check.expect(g.leaseMinutes.map { $0 > 0 && $0 <= Guideline.maxLeaseMinutes } ?? true, "lease \(g.leaseMinutes ?? 0)")
        check.expect(g.contentHash == SHA256.hex(text) && g.source == text, "hash or source is not the file's")
        check.expect(warnings.allSatisfy { $0.severity == .warning }, "an error among the warnings")
    }
}
