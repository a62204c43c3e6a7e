import Foundation
import Testing
import MeowCore

/// Issue 12: what exports write for each task, read back.
@Suite struct TaskExportTests {
    @Test func spanFieldsCarryTheCoveredTextInCodePoints() throws {
        // "👍🏽" is two code points, "東京" two: offsets as Python's str indexes them.
        let text = "Met 村上 in 東京 👍🏽 ok"
        let fields = TaskExport.jsonFields(task: .spans, column: "4:6:PER,10:12:LOC", text: text)
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(("{\"x\":0" + fields + "}").utf8)) as? [String: Any])
        let spans = try #require(obj["spans"] as? [[String: Any]])
        #expect(spans.map { $0["text"] as? String } == ["村上", "東京"] && spans.map { $0["label"] as? String } == ["PER", "LOC"])
        #expect(TaskExport.jsonFields(task: .rate, column: "4", text: "t") == ",\"rating\":4")
        #expect(TaskExport.jsonFields(task: .classify, column: "pos", text: "t").isEmpty)
        let pair = ComparePair(prompt: nil, a: "x", b: "y").text
        #expect(TaskExport.jsonFields(task: .compare, column: "b", valueJSON: #"{"choice":"b","shown_first":"a"}"#, text: pair)
                == #","choice":"b","prompt":null,"a":"x","b":"y","shown_first":"a""#)
    }

    @Test func conllTagsTokensWithBIO() {
        let text = "Ada Lovelace met 村上 👍🏽 ."
        let out = TaskExport.conll(text: text, spans: [Span(start: 0, end: 12, label: "PER"), Span(start: 17, end: 19, label: "PER")])
        #expect(out == "Ada\tB-PER\nLovelace\tI-PER\nmet\tO\n村\tB-PER\n上\tI-PER\n👍🏽\tO\n.\tO\n\n")
        // Overlapping spans: the outer (first in text order) tags the token.
        let nested = TaskExport.conll(text: "New York City", spans: [Span(start: 0, end: 8, label: "LOC"), Span(start: 0, end: 13, label: "ORG")])
        #expect(nested == "New\tB-ORG\nYork\tI-ORG\nCity\tI-ORG\n\n")
        // Edges inside a token (no snapping): CoNLL widens the span to whole tokens, and says so.
        let inside = [Span(start: 1, end: 9, label: "PER")]
        #expect(TaskExport.conll(text: "Barack Obama", spans: inside) == "Barack\tB-PER\nObama\tI-PER\n\n")
        #expect(TaskExport.widened(text: "Barack Obama", spans: inside) == 1)
        #expect(TaskExport.widened(text: "Barack Obama", spans: [Span(start: 0, end: 12, label: "PER")]) == 0)
    }

    @Test func pairsOnlyForDecisiveChoices() throws {
        let text = ComparePair(prompt: "Q?", a: "one", b: "two").text
        let line = try #require(TaskExport.pair(item: "p1", text: text, choice: "b"))
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(obj["chosen"] as? String == "two" && obj["rejected"] as? String == "one" && obj["prompt"] as? String == "Q?" && obj["item"] as? String == "p1")
        #expect(TaskExport.pair(item: "p1", text: text, choice: "tie") == nil)
        #expect(TaskExport.pair(item: "p1", text: text, choice: "both-bad") == nil)
        #expect(TaskExport.pair(item: "p1", text: "not a pair", choice: "a") == nil)
    }

    @Test func pairItemsReadFromJSONLAndCSV() throws {
        let dir = NSTemporaryDirectory() + "meow-pairs-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try #"{"id":"1","text":"Q?","a":"one","b":"two","model":"m"}"#.write(toFile: dir + "/p.jsonl", atomically: true, encoding: .utf8)
        let item = try #require(try ItemReader(path: dir + "/p.jsonl", format: .jsonl, pairs: true).next())
        #expect(item.text == #"{"prompt":"Q?","a":"one","b":"two"}"# && item.metadata == #"{"model":"m"}"#)
        try "a,b,prompt\none,two,\n".write(toFile: dir + "/p.csv", atomically: true, encoding: .utf8)
        #expect(try ItemReader(path: dir + "/p.csv", format: .csv, pairs: true).next()?.text == #"{"a":"one","b":"two"}"#)
        try "a,prompt,text\none,p,t\n".write(toFile: dir + "/bad.csv", atomically: true, encoding: .utf8)
        #expect(throws: ImportError.self) { try ItemReader(path: dir + "/bad.csv", format: .csv, pairs: true) }
        try #"{"prompt":"p","text":"t","a":"x","b":"y"}"#.write(toFile: dir + "/both.jsonl", atomically: true, encoding: .utf8)
        do { _ = try ItemReader(path: dir + "/both.jsonl", format: .jsonl, pairs: true).next(); Issue.record("accepted two prompts") }
        catch { #expect("\(error)".contains("both.jsonl:1: both \"prompt\" and \"text\"")) }
    }
}
