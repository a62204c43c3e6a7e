import Foundation
import Testing
import MeowCore
@testable import MeowTerminal

/// The keymap is one table per mode: the handler, the key line and the guideline's reserved
/// keys all come from it, so none of them can drift from the others.
@Suite("Keymap")
struct KeymapTests {
    /// A state in each screen mode.
    static func states() -> [(String, LabelingState)] {
        var out: [(String, LabelingState)] = []
        out.append(("labeling", Fixtures.state()))
        out.append(("labeling multilabel", Fixtures.state(Fixtures.multilabel)))
        var g = Fixtures.state(); _ = g.press("?"); out.append(("guideline", g))
        var t = Fixtures.state(); _ = t.press("c"); out.append(("typing", t))
        // A guideline longer than the screen, read to the end and then scrolled back a little.
        var a = Fixtures.state(Self.longGuideline); a.apply(.blocked(.acknowledge(version: 1))); _ = a.press("G<up><up>")
        out.append(("acknowledge, read", a))
        var a2 = Fixtures.state(Self.longGuideline); a2.apply(.blocked(.acknowledge(version: 1))); _ = a2.press("j")
        out.append(("acknowledge, not read", a2))
        var q = Fixtures.state(); q.apply(.qualificationFinished(QualificationSummary(correct: 1, total: 2, passMark: 0.8, passed: false, misses: []))); out.append(("qualification failed", q))
        var qp = Fixtures.state(); qp.apply(.qualificationFinished(QualificationSummary(correct: 2, total: 2, passMark: 0.8, passed: true, misses: []))); out.append(("qualification passed", qp))
        var b = Fixtures.state(); b.apply(.blocked(.paused("too many misses"))); out.append(("paused", b))
        var e = Fixtures.state(); e.apply(.loaded(nil, Progress(mine: 1, teamDone: 1, teamTotal: 1), canUndo: true)); out.append(("empty", e))
        // The span screen (wide enough for its whole key line), with the cursor inside a span
        // in the middle of the text so every key has something to do.
        var sp = Fixtures.state(Fixtures.spans, width: 120, text: Fixtures.newsText); _ = sp.press("<right><right><right>l"); out.append(("spans", sp))
        out.append(("rate", Fixtures.state(Fixtures.rate)))
        out.append(("compare", Fixtures.state(Fixtures.compare, text: Fixtures.pairText)))
        return out
    }

    static let longGuideline = try! Guideline.parse("""
    ---
    name: long
    task: classify
    labels:
      - {value: pos, hotkey: p, definition: Positive., examples: [good]}
      - {value: neg, hotkey: n, definition: Negative., examples: [bad]}
    ---
    # A long guideline

    """ + (1...60).map { "Paragraph \($0) of the guideline." }.joined(separator: "\n\n"))

    @Test func reservedKeysAreTheLabelingTablesCommandKeysAndTheDigits() {
        let bound = Keymap.bindings(for: Fixtures.state()).flatMap(\.keys).compactMap { key, action -> Character? in
            if case .character(let c) = key, case .command = action { return c }
            return nil
        }
        #expect(Set(bound) == Set(ScreenCommand.allCases.map(\.key)))
        #expect(Guideline.reservedKeys == Set(bound).union("0123456789"))
        // And the guideline parser refuses each of them as a hotkey.
        for key in bound {
            let text = "---\nname: t\ntask: classify\nlabels:\n  - {value: a, hotkey: \"\(key)\", definition: A.}\n  - {value: b, hotkey: z, definition: B.}\n---\nBody\n"
            #expect(throws: GuidelineError.self, "hotkey \(key)") { try Guideline.parse(text) }
        }
    }

    @Test func theKeyLineIsTheTablesListedBindingsAndIsDrawn() {
        for (name, state) in Self.states() {
            let listed = Keymap.bindings(for: state).compactMap { b in b.help.map { (b.label, $0) } }
            #expect(state.keyLine().map(\.0) == listed.map(\.0) && state.keyLine().map(\.1) == listed.map(\.1), "\(name)")
            let bottom = state.render(now: Date(timeIntervalSince1970: 1800)).lines.last ?? ""
            for (label, help) in listed { #expect(bottom.contains(label + " " + help), "\(name): key line lacks '\(label) \(help)': \(bottom)") }
        }
    }

    /// In the smallest window (60x16) the key line still ends with the mode's last binding (quit
    /// or back), and whatever it shows is whole.
    @Test func theKeyLineStillSaysHowToLeaveAt60x16() {
        for (name, state) in Self.states() {
            var s = state
            _ = s.handle(.resize(width: 60, height: 16))
            let listed = Keymap.bindings(for: s).compactMap { b in b.help.map { (b.label, $0) } }
            let bottom = s.render(now: Date(timeIntervalSince1970: 1800)).lines.last ?? ""
            guard let last = listed.last else { continue }
            #expect(bottom.contains(last.0 + " " + last.1), "\(name): \(bottom)")
            for (label, help) in s.fittedKeyLine().keys { #expect(bottom.contains(label + " " + help), "\(name): \(bottom)") }
        }
    }

    /// Every key a mode binds does something: an effect, a new mode, or a new scroll position,
    /// never the "not a key here" message.
    @Test func everyBoundKeyActs() {
        for (name, state) in Self.states() {
            var seen = Set<Key>()
            for binding in Keymap.bindings(for: state) {
                for (key, _) in binding.keys {
                    #expect(seen.insert(key).inserted, "\(name): \(key) is bound twice")
                    var s = state
                    let effects = s.handle(key, now: Date(timeIntervalSince1970: 110))
                    let changed = !effects.isEmpty || s.mode != state.mode || s.scroll != state.scroll || s.message?.text != state.message?.text
                        || s.selected != state.selected || s.unsure != state.unsure
                        || s.cursor != state.cursor || s.anchor != state.anchor || s.spans != state.spans
                    // Scrolling up at the top or Home at line 0 legitimately changes nothing.
                    let idle: Bool
                    switch binding.action(for: key) {
                    case .scroll(let n)?: idle = n < 0
                    case .page(let n)?: idle = n < 0
                    case .top?, .clearDraft?, .deleteChar?: idle = true
                    default: idle = false
                    }
                    #expect(changed || idle, "\(name): \(key) (\(binding.label)) did nothing")
                    #expect(s.message?.text.contains("is not a key here") != true, "\(name): \(key)")
                }
            }
        }
    }
}
