import Foundation
import Testing

/// The span, rate and compare screens of the real `meow label` in tmux: keys in, the stored
/// answer checked in SQLite.
@Suite("meow label in tmux: spans, rate, compare", .serialized)
struct TmuxTaskTypesTests {
    func project(_ guideline: String, _ items: String) throws -> TempDir {
        let dir = try TempDir()
        _ = try dir.write("g.md", guideline)
        let initialized = try Meow.run(["init", "p", "--guideline", "g.md"], in: dir.path)
        #expect(initialized.status == 0, "\(initialized.stderr)")
        _ = try dir.write("items.jsonl", items)
        let imported = try Meow.run(["import", "p", "items.jsonl"], in: dir.path)
        #expect(imported.status == 0, "\(imported.stderr)")
        try ack("alice", in: dir.path)
        return dir
    }

    static let spansGuideline = """
    ---
    name: ner
    title: Entities
    task: spans
    overlap: 1
    labels:
      - {value: PER, hotkey: p, definition: A person., examples: [Ada]}
      - {value: LOC, hotkey: l, definition: A place., examples: [Paris]}
    ---
    Mark people and places.
    """

    /// Two spans marked, one removed, the answer submitted: the stored offsets are code points
    /// and slice the item text to what was marked (the emoji with its skin tone counts two).
    @Test func markTwoSpansRemoveOneSubmitAndTheOffsetsSliceTheText() throws {
        let text = "東京で👍🏽 Barack Obama met Angela Merkel."
        let dir = try project(Self.spansGuideline, #"{"id":"n1","text":"\#(text)"}"#)
        let t = try Tmux(command: "cd \(dir.path) && \(Meow.binary) label p --as alice")
        try t.waitFor("item n1")
        // Tokens: 東 京 で 👍🏽 Barack Obama met Angela Merkel .
        try t.send("Right", "Right", "Right", "Right"); try t.send("-l", "]"); try t.send("p")
        try t.waitFor("spans: [Barack Obama] PER")
        // Shift+→ selects like ] does.
        try t.send("Right", "Right", "S-Right"); try t.send("p")
        try t.waitFor("[Angela Merkel] PER")
        try t.send("x")
        try t.waitFor("removed PER 23:36")
        try t.send("Enter")
        try t.waitFor("Nothing left for you")
        try t.send("q")
        try t.waitFor("[exit 0]")
        let db = dir.path + "/meow.sqlite"
        #expect(try sqlite(db, "SELECT label FROM annotation") == "6:18:PER")
        #expect(try sqlite(db, "SELECT value FROM annotation") == #"{"spans":[{"start":6,"end":18,"label":"PER"}]}"#)
        let scalars = Array(text.unicodeScalars)
        var marked = String.UnicodeScalarView(); marked.append(contentsOf: scalars[6..<18])
        #expect(String(marked) == "Barack Obama")
    }

    @Test func aDigitRatesTheItem() throws {
        let g = """
        ---
        name: helpful
        title: Helpfulness
        task: rate
        overlap: 1
        scale:
          - {value: 1, name: Useless, definition: No help.}
          - {value: 2, name: Weak, definition: Little help.}
          - {value: 3, name: Fair, definition: Some help.}
          - {value: 4, name: Good, definition: Helps.}
          - {value: 5, name: Excellent, definition: Helps completely.}
        ---
        Rate the answer.
        """
        let dir = try project(g, #"{"id":"r1","text":"Boil it for nine minutes."}"# + "\n" + #"{"id":"r2","text":"Eggs are nice."}"#)
        let t = try Tmux(command: "cd \(dir.path) && \(Meow.binary) label p --as alice")
        let first = try t.waitFor("1-5 rate")
        #expect(first.contains("[4] Good") && first.contains("Helps completely."), "\(first)")
        try t.send("7")   // not on the scale
        try t.waitFor("'7' is not a key here")
        try t.send("4"); try t.waitFor("item r2")
        try t.send("1"); try t.waitFor("Nothing left for you")
        try t.send("q"); try t.waitFor("[exit 0]")
        let db = dir.path + "/meow.sqlite"
        #expect(try sqlite(db, "SELECT group_concat(i.external_id || '=' || a.label || ' ' || a.value, ';') FROM annotation a JOIN item i ON i.id = a.item_id")
                == #"r1=4 {"rating":4};r2=1 {"rating":1}"#)
    }

    /// "A better" is the candidate shown first on screen; what is stored is that candidate's
    /// name in the data, with the side that was shown first.
    @Test func aCompareAnswerIsStoredUnswappedWithTheSideShownFirst() throws {
        let g = """
        ---
        name: prefs
        title: Preferences
        task: compare
        overlap: 1
        ---
        Choose the better answer.
        """
        func pair(_ id: String) -> String {
            #"{"id":"\#(id)","prompt":"Say hi","a":"Alpha answer \#(id)","b":"Beta answer \#(id)"}"#
        }
        let ids = (1...6).map { "c\($0)" }
        let dir = try project(g, ids.map(pair).joined(separator: "\n"))
        let t = try Tmux(command: "cd \(dir.path) && \(Meow.binary) label p --as alice")
        var expected: [String] = []
        for id in ids {
            let screen = try t.waitFor("item \(id)")
            try t.waitFor("choose")
            let shown = try t.screen()
            guard let alpha = shown.range(of: "Alpha answer \(id)")?.lowerBound, let beta = shown.range(of: "Beta answer \(id)")?.lowerBound else {
                Issue.record("candidates not on screen:\n\(screen)"); return
            }
            let first = alpha < beta ? "a" : "b"
            try t.send("a")   // A (the first shown) is better
            expected.append("\(id)=\(first) {\"choice\":\"\(first)\",\"shown_first\":\"\(first)\"}")
        }
        try t.waitFor("Nothing left for you")
        try t.send("q"); try t.waitFor("[exit 0]")
        let rows = try sqlite(dir.path + "/meow.sqlite", "SELECT i.external_id || '=' || a.label || ' ' || a.value FROM annotation a JOIN item i ON i.id = a.item_id ORDER BY i.id")
        #expect(rows == expected.joined(separator: "\n"))
        // Six items are enough for both orders to appear (one bit of SHA-256 per item).
        #expect(expected.contains { $0.contains("=a ") } && expected.contains { $0.contains("=b ") }, "\(expected)")
    }
}
