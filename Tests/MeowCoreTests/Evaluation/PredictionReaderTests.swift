import Foundation
import Testing
import MeowCore

@Suite struct PredictionReaderTests {
    func write(_ name: String, _ text: String) throws -> String {
        let path = NSTemporaryDirectory() + "meow-pred-" + UUID().uuidString + "-" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func message(_ name: String, _ text: String) throws -> String {
        let path = try write(name, text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        do { _ = try PredictionReader.read(path: path); return "" } catch {
            return error.description.replacingOccurrences(of: path, with: name)
        }
    }

    @Test func jsonlAndCSVWithScoresAndExtraFields() throws {
        let j = try write("p.jsonl", "\u{FEFF}{\"item\":\"a\",\"label\":\"pos\",\"score\":0.9,\"probs\":[0.9,0.1]}\r\n\n{\"label\":\"neg\",\"item\":17}\n")
        defer { try? FileManager.default.removeItem(atPath: j) }
        #expect(try PredictionReader.read(path: j) == [Prediction(item: "a", label: "pos", score: 0.9, line: 1),
                                                        Prediction(item: "17", label: "neg", line: 3)])
        let c = try write("p.csv", "label,model,item,score\npos,m,a,0.5\n\"neg\",m,\"b,c\",\n")
        defer { try? FileManager.default.removeItem(atPath: c) }
        #expect(try PredictionReader.read(path: c) == [Prediction(item: "a", label: "pos", score: 0.5, line: 2),
                                                        Prediction(item: "b,c", label: "neg", line: 3)])
        // No extension: the first character decides.
        let t = try write("p.txt", "item,label\nx,pos\n")
        defer { try? FileManager.default.removeItem(atPath: t) }
        #expect(try PredictionReader.read(path: t).map(\.item) == ["x"])
    }

    @Test func errorsNameFileAndLine() throws {
        #expect(try message("p.jsonl", "{\"item\":\"a\",\"label\":\"pos\"}\n{\"item\":\"b\" \"label\":\"x\"}\n") == "p.jsonl:2: invalid JSON at column 13: expected ',' or '}' in the object")
        #expect(try message("p.jsonl", "{\"item\":\"a\"}\n") == "p.jsonl:1: missing \"label\"")
        #expect(try message("p.jsonl", "{\"item\":\"\",\"label\":\"x\"}\n") == "p.jsonl:1: empty \"item\"")
        #expect(try message("p.jsonl", "{\"item\":\"a\",\"label\":[\"x\"]}\n") == "p.jsonl:1: \"label\" must be a string")
        #expect(try message("p.jsonl", "{\"item\":\"a\",\"label\":\"x\",\"score\":\"high\"}\n") == "p.jsonl:1: \"score\" must be a number")
        #expect(try message("p.jsonl", "{\"item\":\"a\",\"label\":\"x\"}\n{\"item\":\"a\",\"label\":\"y\"}\n")
                == "p.jsonl:2: item \"a\" is predicted a second time (first on line 1); keep one prediction per item")
        #expect(try message("p.csv", "id,label\na,pos\n") == "p.csv:1: CSV: the header needs 'item' and 'label' columns (found: id, label)")
        #expect(try message("p.csv", "item,label\na,pos,extra\n") == "p.csv:2: CSV: 3 fields, but the header has 2")
        #expect(try message("p.csv", "item,label,score\na,pos,x\n") == "p.csv:2: 'score' must be a finite number")
        #expect(try message("p.csv", "item,label\n") == "p.csv: no predictions in the file")
        #expect(try message("p.csv", "item,label\n\"a,pos\n") == "p.csv:2: CSV: a quoted field is never closed")
    }
}
