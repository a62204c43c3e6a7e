import Foundation
import Testing
@testable import MeowCore

/// The Label Studio and Prodigy converters (issue 15.1). Formats: labelstud.io/guide/task_format
/// and prodi.gy/docs/api-interfaces; the fixtures in Tests/CLITests/Fixtures/foreign follow them too.
@Suite struct ForeignImportTests {
    static func guideline(_ task: String, labels: [String], extra: String = "") throws -> Guideline {
        let keys = "pgrtvwyzh"
        let list = labels.enumerated().map { i, l in
            "  - {value: \"\(l)\", hotkey: \(Array(keys)[i]), definition: \"\(l).\", examples: [\"x\"]}"
        }.joined(separator: "\n")
        return try Guideline.parse("---\nname: t\ntitle: T\ntask: \(task)\noverlap: 2\n\(extra)labels:\n\(list)\n---\nBody.\n")
    }

    static func temp(_ text: String, ext: String = "jsonl") throws -> String {
        let path = NSTemporaryDirectory() + "meow-foreign-" + UUID().uuidString + "." + ext
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func ls(_ json: String, _ g: Guideline) throws -> ForeignImport {
        try LabelStudioConverter(guideline: g).convert(Data(json.utf8), file: "ls.json")
    }

    func lsError(_ json: String, _ g: Guideline) -> ForeignImportError? {
        do { _ = try ls(json, g); return nil } catch { return error as? ForeignImportError }
    }

    func prodigy(_ lines: [String], _ g: Guideline, dataset: String? = nil) throws -> ForeignImport {
        let path = try Self.temp(lines.joined(separator: "\n") + "\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try ProdigyConverter(guideline: g, dataset: dataset).convert(path: path)
    }

    // MARK: JSON and offsets

    @Test func jsonValuesKeepIntegersBooleansAndSortKeys() throws {
        let v = try JSONValue.parse(Data(#"{"b":[1,2.5,true,null],"a":"x","id":17}"#.utf8))
        #expect(v["id"] == .integer(17))
        #expect(v["id"]?.scalarText == "17")
        #expect(v["b"]?.array == [.integer(1), .number(2.5), .bool(true), .null])
        #expect(v.jsonText == #"{"a":"x","b":[1,2.5,true,null],"id":17}"#)
    }

    @Test func utf16OffsetsMapToCodePoints() {
        let o = UTF16Offsets("a🎉b")   // UTF-16: a, high, low, b
        #expect(o.count == 4)
        #expect(o.scalarOffset(0) == 0)
        #expect(o.scalarOffset(1) == 1)
        #expect(o.scalarOffset(2) == nil)   // inside the surrogate pair
        #expect(o.scalarOffset(3) == 2)
        #expect(o.scalarOffset(4) == 3)
        #expect(o.scalarOffset(5) == nil)
    }

    @Test func spanTextDecidesBetweenUTF16AndCodePoints() throws {
        let text = "🎉 Ann met Bo"
        let scalars = Array(text.unicodeScalars), offsets = UTF16Offsets(text)
        let here = ForeignLocation(file: "f", task: 1)
        func value(_ s: Int, _ e: Int, _ t: String?) -> JSONValue {
            var o: [String: JSONValue] = ["start": .integer(Int64(s)), "end": .integer(Int64(e))]
            if let t { o["text"] = .string(t) }
            return .object(o)
        }
        // "Ann": UTF-16 3..6, code points 2..5.
        #expect(try LabelStudioConverter.spanOffsets(value(3, 6, "Ann"), scalars: scalars, offsets: offsets, at: here) == 2..<5)
        #expect(try LabelStudioConverter.spanOffsets(value(3, 6, nil), scalars: scalars, offsets: offsets, at: here) == 2..<5)
        // A version that wrote code points: the text says so.
        #expect(try LabelStudioConverter.spanOffsets(value(2, 5, "Ann"), scalars: scalars, offsets: offsets, at: here) == 2..<5)
        #expect(throws: ForeignImportError.self) { try LabelStudioConverter.spanOffsets(value(3, 6, "Bo"), scalars: scalars, offsets: offsets, at: here) }
        #expect(throws: ForeignImportError.self) { try LabelStudioConverter.spanOffsets(value(1, 6, nil), scalars: scalars, offsets: offsets, at: here) }
    }

    // MARK: Label Studio

    @Test func labelStudioChoicesAnnotatorsAndSkips() throws {
        let g = try Self.guideline("classify", labels: ["pos", "neg"])
        let json = """
        [{"id": 7, "data": {"text": "Good.", "source": "web", "id": "ext-1"}, "meta": {"k": 1}, "predictions": [],
          "annotations": [
            {"completed_by": 3, "lead_time": 2.0, "result": [{"type": "choices", "from_name": "s", "to_name": "text", "value": {"choices": ["pos"]}}]},
            {"completed_by": {"id": 4, "email": "ann@example.org"}, "result": [{"type": "choices", "value": {"choices": ["neg"]}},
                                                                              {"type": "textarea", "value": {"text": ["why"]}}]},
            {"completed_by": {"id": 5}, "result": [{"type": "choices", "value": {"choices": ["pos"]}}]},
            {"completed_by": 6, "was_cancelled": true, "result": []},
            {"completed_by": 8, "result": []}
          ]}]
        """
        let c = try ls(json, g)
        #expect(c.items.map(\.id) == ["7"])
        #expect(c.items[0].jsonLine == #"{"id":"7","text":"Good.","data.id":"ext-1","meta":{"k":1},"source":"web"}"#)
        #expect(c.answers.map { "\($0.annotator)=\($0.labelColumn)" } == ["ls-3=pos", "ann@example.org=neg", "ls-5=pos"])
        #expect(c.skipped == ["cancelled in Label Studio": 1, "no choices in the annotation": 1])
        #expect(c.kept == ["data.source", "data.id", "meta"])
        #expect(c.ignored == ["predictions", "annotations[].lead_time", "result type textarea"])
    }

    @Test func labelStudioRefusals() throws {
        let g = try Self.guideline("classify", labels: ["pos", "neg"])
        let twice = #"[{"id":1,"data":{"text":"a"},"annotations":[{"completed_by":1,"result":[{"type":"choices","value":{"choices":["pos"]}}]},{"completed_by":1,"result":[{"type":"choices","value":{"choices":["neg"]}}]}]}]"#
        #expect(lsError(twice, g)?.description == "ls.json: task 1 (id 1): ls-1 answered item '1' differently at task 1: pos there, neg here")
        let noText = #"[{"id":1,"data":{"body":"a","url":"u"}}]"#
        #expect(lsError(noText, g)?.description == #"ls.json: task 1 (id 1): no "data.text" (data has: body, url); name the text field with --text-field"#)
        #expect(lsError(#"{"id":1}"#, g)?.message.contains("a JSON array of tasks") == true)
        #expect(lsError("[{", g)?.message.hasPrefix("not valid JSON") == true)
        let nobody = #"[{"id":1,"data":{"text":"a"},"annotations":[{"result":[]}]}]"#
        #expect(lsError(nobody, g)?.message.contains("no \"completed_by\"") == true)
        let unknown = #"[{"id":1,"data":{"text":"a"},"annotations":[{"completed_by":1,"result":[{"type":"choices","value":{"choices":["meh"]}}]}]},{"id":2,"data":{"text":"b"},"annotations":[{"completed_by":1,"result":[{"type":"choices","value":{"choices":["meh","pos"]}}]}]}]"#
        #expect(lsError(unknown, g)?.message.hasPrefix("labels not in the guideline: 'meh' (2 answers, first at task 1);") == true)
    }

    @Test func labelStudioSameTextJoinsTheEarlierTask() throws {
        let g = try Self.guideline("classify", labels: ["pos", "neg"])
        let json = #"[{"id":1,"data":{"text":"a"},"annotations":[{"completed_by":1,"result":[{"type":"choices","value":{"choices":["pos"]}}]}]},{"id":2,"data":{"text":"a"},"annotations":[{"completed_by":2,"result":[{"type":"choices","value":{"choices":["neg"]}}]}]}]"#
        let c = try ls(json, g)
        #expect(c.items.map(\.id) == ["1"])
        #expect(c.answers.map(\.item) == ["1", "1"])
        #expect(c.merged.map { "\($0.item)->\($0.into)" } == ["2->1"])
    }

    @Test func labelStudioRatingsAndComparisons() throws {
        let rate = try Guideline.parse("---\nname: r\ntitle: R\ntask: rate\noverlap: 2\nscale:\n  - {value: 1, name: Bad, definition: Bad.}\n  - {value: 5, name: Good, definition: Good.}\n---\nBody.\n")
        let r = try ls(#"[{"id":1,"data":{"text":"a"},"annotations":[{"completed_by":1,"result":[{"type":"rating","value":{"rating":5}}]}]}]"#, rate)
        #expect(r.answers.map(\.value) == [.rating(5)])
        #expect(lsError(#"[{"id":1,"data":{"text":"a"},"annotations":[{"completed_by":1,"result":[{"type":"rating","value":{"rating":3}}]}]}]"#, rate)?.message.contains("rating 3 is not on the scale") == true)
        let compare = try Guideline.parse("---\nname: c\ntitle: C\ntask: compare\noverlap: 2\n---\nBody.\n")
        let c = try ls(#"[{"id":1,"data":{"prompt":"q","a":"x","b":"y"},"annotations":[{"completed_by":1,"result":[{"type":"choices","value":{"choices":["b"]}}]}]}]"#, compare)
        #expect(c.items[0].jsonLine == #"{"id":"1","prompt":"q","a":"x","b":"y"}"#)
        #expect(c.answers.map(\.labelColumn) == ["b"])
    }

    // MARK: Prodigy

    @Test func prodigyChoiceBinaryAndSkippedAnswers() throws {
        let g = try Self.guideline("multilabel", labels: ["A", "B", "C"], extra: "min_labels: 1\nmax_labels: 3\n")
        let c = try prodigy([
            #"{"text":"t1","_input_hash":11,"_task_hash":1,"accept":["A","C"],"answer":"accept","_annotator_id":"ds-ann","options":[]}"#,
            #"{"text":"t1","_input_hash":11,"_task_hash":2,"label":"A","answer":"accept","_annotator_id":"ds-bo"}"#,
            #"{"text":"t1","_input_hash":11,"_task_hash":3,"label":"B","answer":"accept","_annotator_id":"ds-bo"}"#,
            #"{"text":"t1","_input_hash":11,"_task_hash":4,"label":"C","answer":"reject","_annotator_id":"ds-bo"}"#,
            "",
            #"{"text":"t2","_input_hash":-12,"label":"A","answer":"ignore","_session_id":"ds-cy","meta":{"source":"s"},"id":"own"}"#,
            #"{"text":"t2","_input_hash":-12,"accept":[],"answer":"accept","_session_id":"ds-cy"}"#,
        ], g, dataset: "ds")
        #expect(c.records == 6)
        #expect(c.items.map(\.id) == ["11", "-12"])
        #expect(c.items[1].jsonLine == #"{"id":"-12","text":"t2","input.id":"own","meta":{"source":"s"}}"#)
        #expect(c.answers.map { "\($0.item) \($0.annotator)=\($0.labelColumn)" } == ["11 ann=A,C", "11 bo=A,B"])
        #expect(c.skipped.values.reduce(0, +) == 3)
        #expect(c.ignored == ["options"])
        #expect(c.sharedAnnotatorPrefix == nil)
    }

    @Test func prodigySpansAreCodePointsAndTheDatasetPrefixIsHinted() throws {
        let g = try Self.guideline("spans", labels: ["PER"])
        let c = try prodigy([
            #"{"text":"🎉 Ann met Bo","_input_hash":1,"spans":[{"start":2,"end":5,"label":"PER","token_start":1}],"answer":"accept","_annotator_id":"news-ann"}"#,
            #"{"text":"🎉 Ann met Bo","_input_hash":1,"spans":[],"answer":"accept","_annotator_id":"news-bo"}"#,
        ], g)
        #expect(c.answers.map(\.labelColumn) == ["2:5:PER", "-"])
        #expect(c.annotators == ["news-ann", "news-bo"])
        #expect(c.sharedAnnotatorPrefix == "news-")
    }

    @Test func prodigyErrorsNameTheLine() throws {
        let g = try Self.guideline("classify", labels: ["A", "B"])
        func error(_ lines: [String]) -> String? {
            do { _ = try prodigy(lines, g); return nil } catch { return (error as? ForeignImportError)?.message }
        }
        #expect(error([#"{"text":"a","_input_hash":1,"label":"A","answer":"accept"}"#])?.contains("no \"_annotator_id\" or \"_session_id\"") == true)
        #expect(error([#"{"text":"a","_input_hash":1,"label":"A","answer":"accept","_session_id":"s"}"#, #"{"text": oops}"#]) == "invalid JSON at column 10: invalid value (strings need double quotes)")
        #expect(error([#"{"text":"a","label":"A","answer":"accept","_session_id":"s"}"#])?.contains("no \"_input_hash\"") == true)
        #expect(error([#"{"text":"a","_input_hash":1,"label":"A","answer":"maybe","_session_id":"s"}"#])?.contains("accept, reject or ignore") == true)
        #expect(error([#"{"text":"a","_input_hash":1,"label":"Z","answer":"accept","_session_id":"s"}"#])?.hasPrefix("labels not in the guideline: 'Z' (1 answer, first at line 1)") == true)
        #expect(error([#"{"text":"a","_input_hash":1,"label":"A","answer":"accept","_session_id":"s"}"#, #"{"text":"a","_input_hash":1,"label":"B","answer":"accept","_session_id":"s"}"#])?.contains("single-label task") == true)
    }

    // MARK: Detection

    @Test func detectionLeavesLongFormatFilesAlone() throws {
        let cases: [(String, ForeignFormat?)] = [
            ("\u{FEFF} [\n {\"id\": 1, \"data\": {\"text\": \"a\"}}]", .labelStudio),
            ("[{\"item\":\"1\"}]", nil),
            ("{\"text\":\"a\",\"_input_hash\":1,\"answer\":\"accept\"}\n", .prodigy),
            ("{\"item\":\"1\",\"annotator\":\"a\",\"label\":\"x\"}\n", nil),
            ("item,annotator,label\n1,a,x\n", nil),
            ("", nil),
        ]
        for (text, expected) in cases {
            let path = try Self.temp(text)
            defer { try? FileManager.default.removeItem(atPath: path) }
            #expect(ForeignFormat.detect(path: path) == expected, "\(text)")
        }
    }
}
