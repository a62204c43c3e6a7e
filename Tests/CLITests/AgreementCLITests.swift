import Foundation
import Testing

@Suite("meow agreement")
struct AgreementCLITests {
    /// Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability": 4 observers, 12 units,
    /// missing data. Published: nominal 0.743, ordinal 0.815, interval 0.849.
    static let krippendorff2011: String = {
        let rows: [String: [String?]] = [
            "A": ["1", "2", "3", "3", "2", "1", "4", "1", "2", nil, nil, nil],
            "B": ["1", "2", "3", "3", "2", "2", "4", "1", "2", "5", nil, "3"],
            "C": [nil, "3", "3", "3", "2", "3", "4", "2", "2", "5", "1", nil],
            "D": ["1", "2", "3", "3", "2", "4", "4", "1", "2", "5", "1", nil],
        ]
        var lines: [String] = []
        for (obs, values) in rows.sorted(by: { $0.key < $1.key }) {
            for (u, v) in values.enumerated() { if let v { lines.append(#"{"item":"u\#(u + 1)","annotator":"\#(obs)","label":\#(v)}"#) } }
        }
        return lines.joined(separator: "\n") + "\n"
    }()

    func json(_ r: MeowRun) throws -> [String: Any] {
        #expect(r.status == 0, "\(r.stderr)")
        return try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as! [String: Any]
    }

    @Test func publishedValuesThroughTheBinary() throws {
        let dir = try TempDir()
        _ = try dir.write("k.jsonl", Self.krippendorff2011)
        let j = try json(Meow.run(["agreement", "--input", "k.jsonl", "--json"], in: dir.path))
        let alpha = j["krippendorff_alpha"] as! [String: Any]
        #expect(abs((alpha["nominal"] as! Double) - 0.743421052631579) < 1e-9)
        #expect(abs((alpha["ordinal"] as! Double) - 0.8153875037548814) < 1e-9)
        #expect(abs((alpha["interval"] as! Double) - 0.8491071428571428) < 1e-9)
        #expect(j["items"] as? Int == 11)
        #expect(j["annotators"] as? Int == 4)
        #expect(j["annotations"] as? Int == 40)
        #expect(j["cohen_kappa"] is NSNull)
        #expect(Set(j.keys) == ["items", "annotators", "annotations", "items_total", "annotations_total", "items_single_rated",
                                "percent_agreement", "krippendorff_alpha", "weighted_kappa", "fleiss_kappa",
                                "gwet_ac1", "cohen_kappa", "pairwise", "per_label"])
    }

    @Test func csvInputOrderOptionAndTwoAnnotatorCohen() throws {
        let dir = try TempDir()
        // Wikipedia's Cohen example: 20 yes/yes, 5 yes/no, 10 no/yes, 15 no/no -> kappa 0.4.
        var rows = ["item,annotator,label"]
        var n = 0
        for (a, b, count) in [("yes", "yes", 20), ("yes", "no", 5), ("no", "yes", 10), ("no", "no", 15)] {
            for _ in 0..<count { n += 1; rows.append("i\(n),A,\(a)"); rows.append("i\(n),B,\(b)") }
        }
        _ = try dir.write("c.csv", rows.joined(separator: "\n"))
        let j = try json(Meow.run(["agreement", "--input", "c.csv", "--json"], in: dir.path))
        #expect(abs((j["cohen_kappa"] as! Double) - 0.4) < 1e-12)
        #expect(((j["krippendorff_alpha"] as! [String: Any])["ordinal"]) is NSNull)
        let o = try json(Meow.run(["agreement", "--input", "c.csv", "--json", "--order", "no,yes"], in: dir.path))
        #expect(((o["krippendorff_alpha"] as! [String: Any])["ordinal"]) is Double)
        let bad = try Meow.run(["agreement", "--input", "c.csv", "--order", "no"], in: dir.path)
        #expect(bad.status != 0 && bad.stderr.contains("yes"), "\(bad.stderr)")
    }

    /// `krippendorff2011` with the values 1-5 renamed to `names`.
    static func krippendorff2011(named names: [String]) -> String {
        var text = krippendorff2011
        for (v, name) in names.enumerated() { text = text.replacingOccurrences(of: "\"label\":\(v + 1)}", with: "\"label\":\"\(name)\"}") }
        return text
    }

    @Test func ratioAlphaUsesNumbersWhateverTheOrderSays() throws {
        let dir = try TempDir()
        _ = try dir.write("k.jsonl", Self.krippendorff2011)
        func ratio(_ extra: [String]) throws -> Any? {
            let r = try Meow.run(["agreement", "--input", "k.jsonl", "--json"] + extra, in: dir.path)
            #expect(r.status == 0, "\(r.stderr)")
            return (try json(r)["krippendorff_alpha"] as? [String: Any])?["ratio"]
        }
        // Krippendorff (2011) publishes ratio alpha 0.797 (python krippendorff: 0.7974027747116121).
        for extra in [[], ["--order", "1,2,3,4,5"], ["--order", "1,2,3,4,5,6"], ["--values", "1=1,2=2,3=3,4=4,5=5"]] {
            #expect(abs(((try ratio(extra)) as? Double ?? 0) - 0.7974027747116121) < 1e-12, "\(extra)")
        }
        let backwards = try Meow.run(["agreement", "--input", "k.jsonl", "--order", "5,4,3,2,1"], in: dir.path)
        #expect(backwards.status != 0 && backwards.stderr.contains("\"5\" before \"4\""), "\(backwards.stderr)")
        let missing = try Meow.run(["agreement", "--input", "k.jsonl", "--values", "1=1,2=2,3=3,4=4"], in: dir.path)
        #expect(missing.status != 0 && missing.stderr.contains("k.jsonl:") && missing.stderr.contains("\"5\""), "\(missing.stderr)")

        // Named labels with only an order: ratio is null with the reason; --values gives numbers.
        _ = try dir.write("w.jsonl", Self.krippendorff2011(named: ["none", "low", "mid", "high", "top"]))
        let ordered = try Meow.run(["agreement", "--input", "w.jsonl", "--order", "none,low,mid,high,top"], in: dir.path)
        #expect(ordered.stdout.contains("undefined: labels have an order but no numbers"))
        let o = try json(Meow.run(["agreement", "--input", "w.jsonl", "--json", "--order", "none,low,mid,high,top"], in: dir.path))
        #expect((o["krippendorff_alpha"] as? [String: Any])?["ratio"] is NSNull)
        #expect(abs(((o["krippendorff_alpha"] as? [String: Any])?["interval"] as? Double ?? 0) - 0.8491071428571428) < 1e-12)
        let v = try json(Meow.run(["agreement", "--input", "w.jsonl", "--json", "--values", "none=1,low=2,mid=3,high=4,top=5"], in: dir.path))
        #expect(abs(((v["krippendorff_alpha"] as? [String: Any])?["ratio"] as? Double ?? 0) - 0.7974027747116121) < 1e-12)
        let clash = try Meow.run(["agreement", "--input", "w.jsonl", "--order", "none,low,mid,high,top", "--values", "none=5,low=4,mid=3,high=2,top=1"], in: dir.path)
        #expect(clash.status != 0 && clash.stderr.contains("--values"), "\(clash.stderr)")
    }

    @Test func guidelineNumbersGiveAProjectRatioAlpha() throws {
        let dir = try TempDir()
        let numbered = testGuideline
            .replacingOccurrences(of: "    hotkey: p\n", with: "    hotkey: p\n    number: 3\n")
            .replacingOccurrences(of: "    hotkey: n\n", with: "    hotkey: n\n    number: 1\n")
            .replacingOccurrences(of: "    hotkey: o\n", with: "    hotkey: o\n    number: 2\n")
        _ = try dir.write("g.md", testGuideline)
        _ = try dir.write("n.md", numbered)
        _ = try dir.write("half.md", testGuideline.replacingOccurrences(of: "    hotkey: p\n", with: "    hotkey: p\n    number: 3\n"))
        let half = try Meow.run(["init", "h", "--guideline", "half.md"], in: dir.path)
        #expect(half.status != 0 && half.stderr.contains("half.md:") && half.stderr.contains("has no number"), "\(half.stderr)")
        _ = try Meow.run(["init", "p", "--guideline", "g.md"], in: dir.path)
        _ = try Meow.run(["init", "q", "--guideline", "n.md"], in: dir.path)
        _ = try dir.write("items.txt", (1...12).map { "item \($0)" }.joined(separator: "\n"))
        for p in ["p", "q"] { _ = try Meow.run(["import", p, "items.txt"], in: dir.path) }
        let ids = try sqlite(dir.path + "/meow.sqlite", "SELECT DISTINCT external_id FROM item ORDER BY id").split(separator: "\n")
        let names = ["pos", "neg", "other"]
        var rows = ["item,annotator,label"]
        for (i, id) in ids.enumerated() {
            rows.append("\(id),ann,\(names[i % 3])")
            rows.append("\(id),bo,\(names[(i / 2) % 3])")
        }
        _ = try dir.write("labels.csv", rows.joined(separator: "\n"))
        for p in ["p", "q"] { #expect(try Meow.run(["import-annotations", p, "labels.csv"], in: dir.path).status == 0) }
        func alpha(_ args: [String]) throws -> [String: Any] {
            let r = try Meow.run(["agreement"] + args + ["--json"], in: dir.path)
            #expect(r.status == 0, "\(r.stderr)")
            return try json(r)["krippendorff_alpha"] as? [String: Any] ?? [:]
        }
        // The guideline's order alone: ordinal, no ratio.
        #expect(try alpha(["p"])["ordinal"] is Double)
        #expect(try alpha(["p"])["ratio"] is NSNull)
        // Numbers in the guideline (neg 1, other 2, pos 3) equal the same numbers given on the
        // command line, and equal the file read with those values.
        let fromGuideline = try alpha(["q"])
        let fromFlag = try alpha(["p", "--values", "neg=1,other=2,pos=3"])
        let fromFile = try alpha(["--input", "labels.csv", "--values", "neg=1,other=2,pos=3"])
        for level in ["ordinal", "interval", "ratio"] {
            #expect(fromGuideline[level] as? Double != nil)
            #expect(fromGuideline[level] as? Double == fromFlag[level] as? Double, "\(level)")
            #expect(abs((fromGuideline[level] as? Double ?? 0) - (fromFile[level] as? Double ?? 1)) < 1e-12, "\(level)")
        }
        let typo = try Meow.run(["agreement", "p", "--values", "neg=1,other=2,pos=3,postive=4"], in: dir.path)
        #expect(typo.status != 0 && typo.stderr.contains("postive"), "\(typo.stderr)")

        // A new version that changes only a number says so, and each version is measured on
        // its own numbers: v1's answers under v1's scale equal the numbers given by flag.
        _ = try dir.write("n2.md", numbered.replacingOccurrences(of: "number: 3\n", with: "number: 7\n"))
        let update = try Meow.run(["guideline", "update", "q", "n2.md"], in: dir.path)
        #expect(update.status == 0 && update.stdout.contains("numbers changed: pos"), "\(update.stdout)\(update.stderr)")
        let v1 = try alpha(["q", "--guideline-version", "1"])
        #expect(v1["ratio"] as? Double == fromGuideline["ratio"] as? Double)
        let rescaled = try alpha(["p", "--values", "neg=1,other=2,pos=7"])
        #expect(try alpha(["q"])["ratio"] as? Double == rescaled["ratio"] as? Double)
        #expect(rescaled["ratio"] as? Double != fromGuideline["ratio"] as? Double)
        let none = try Meow.run(["agreement", "q", "--guideline-version", "9"], in: dir.path)
        #expect(none.status != 0 && none.stderr.contains("no guideline v9"), "\(none.stderr)")

        // A label removed since: its answers have no place in the order, and the report says
        // so (not that the labels have no order); one version is still measured on its scale.
        let withoutOther = testGuideline.replacingOccurrences(of: "  - value: other\n    hotkey: o\n    definition: Neither; say why.\n    examples: [\"it is a chair\"]\n    requires_comment: true\n", with: "")
        #expect(withoutOther != testGuideline)
        _ = try dir.write("g2.md", withoutOther)
        #expect(try Meow.run(["guideline", "update", "p", "g2.md"], in: dir.path).status == 0)
        let stale = try Meow.run(["agreement", "p"], in: dir.path)
        #expect(stale.status == 0 && stale.stdout.contains("no longer in the guideline (\"other\")"), "\(stale.stdout)")
        #expect(try alpha(["p"])["ordinal"] is NSNull)
        #expect(try alpha(["p", "--guideline-version", "1"])["ordinal"] is Double)
    }

    /// "1" and "1.0" are one number: a file that spells it both ways is refused (nominal
    /// statistics would see two labels, numeric ones one), and so are --order and --values
    /// that would give a numeric label another place or number; a guideline likewise.
    @Test func oneNumberIsWrittenOneWay() throws {
        let dir = try TempDir()
        _ = try dir.write("mixed.csv", "item,annotator,label\ni1,a,1\ni1,b,1.0\ni2,a,2\ni2,b,2\n")
        let mixed = try Meow.run(["agreement", "--input", "mixed.csv"], in: dir.path)
        #expect(mixed.status != 0 && mixed.stderr.contains("mixed.csv:") && mixed.stderr.contains("\"1\" and \"1.0\" are the same number"), "\(mixed.stderr)")
        _ = try dir.write("ok.csv", "item,annotator,label\ni1,a,1\ni1,b,1\ni2,a,2\ni2,b,3\n")
        let order = try Meow.run(["agreement", "--input", "ok.csv", "--order", "1,1.0,2,3"], in: dir.path)
        #expect(order.status != 0 && order.stderr.contains("same number"), "\(order.stderr)")
        let values = try Meow.run(["agreement", "--input", "ok.csv", "--values", "1=3,2=2,3=1"], in: dir.path)
        #expect(values.status != 0 && values.stderr.contains("numeric labels are their own numbers"), "\(values.stderr)")
        _ = try dir.write("g.md", testGuideline.replacingOccurrences(of: "value: pos\n    hotkey: p\n", with: "value: \"5\"\n    hotkey: p\n    number: 4\n")
            .replacingOccurrences(of: "    hotkey: n\n", with: "    hotkey: n\n    number: 1\n")
            .replacingOccurrences(of: "    hotkey: o\n", with: "    hotkey: o\n    number: 2\n"))
        let g = try Meow.run(["guideline", "check", "g.md"], in: dir.path)
        #expect(g.status != 0 && g.stderr.contains("g.md:") && g.stderr.contains("label '5' is a number"), "\(g.stderr)")
    }

    @Test func projectModeMatchesFileModeAndFiltersByVersionAndAnnotator() throws {
        let dir = try TempDir()
        _ = try dir.write("g.md", testGuideline)
        _ = try Meow.run(["init", "p", "--guideline", "g.md"], in: dir.path)
        _ = try dir.write("items.txt", (1...30).map { "item \($0)" }.joined(separator: "\n"))
        _ = try Meow.run(["import", "p", "items.txt"], in: dir.path)
        let ids = try sqlite(dir.path + "/meow.sqlite", "SELECT external_id FROM item ORDER BY id").split(separator: "\n")
        var rows = ["item,annotator,label"]
        for (i, id) in ids.enumerated() {
            rows.append("\(id),ann,\(i % 3 == 0 ? "neg" : "pos")")
            rows.append("\(id),bo,\(i % 4 == 0 ? "neg" : "pos")")
            rows.append("\(id),cy,\(i % 5 == 0 ? "neg" : "pos")")
        }
        _ = try dir.write("labels.csv", rows.joined(separator: "\n"))
        #expect(try Meow.run(["import-annotations", "p", "labels.csv"], in: dir.path).status == 0)
        let project = try json(Meow.run(["agreement", "p", "--json"], in: dir.path))
        let file = try json(Meow.run(["agreement", "--input", "labels.csv", "--json"], in: dir.path))
        #expect(project["fleiss_kappa"] as! Double == file["fleiss_kappa"] as! Double)
        #expect((project["krippendorff_alpha"] as! [String: Any])["nominal"] as! Double == (file["krippendorff_alpha"] as! [String: Any])["nominal"] as! Double)
        // The guideline's order (pos, neg, other) gives project mode an ordinal scale.
        #expect((project["krippendorff_alpha"] as! [String: Any])["ordinal"] is Double)
        let two = try json(Meow.run(["agreement", "p", "--json", "--annotators", "ann,bo"], in: dir.path))
        #expect(two["annotators"] as? Int == 2)
        #expect(two["cohen_kappa"] is Double)
        let v1 = try json(Meow.run(["agreement", "p", "--json", "--guideline-version", "1"], in: dir.path))
        #expect(v1["items"] as? Int == project["items"] as? Int)
        let v2 = try Meow.run(["agreement", "p", "--json", "--guideline-version", "2"], in: dir.path)
        #expect(v2.status != 0 && v2.stderr.contains("no guideline v2"), "\(v2.stderr)")
    }

    /// From 50,000 answers a project keeps an agreement snapshot. Whatever happens after it
    /// (nothing, new answers, an answer edited by hand in SQL), the report is the one a read of
    /// every answer gives, byte for byte.
    @Test func theAgreementSnapshotNeverChangesTheReport() throws {
        let dir = try TempDir()
        let db = dir.path + "/meow.sqlite"
        _ = try dir.write("g.md", testGuideline)
        _ = try Meow.run(["init", "p", "--guideline", "g.md"], in: dir.path)
        _ = try dir.write("items.txt", (1...13_000).map { "item \($0)" }.joined(separator: "\n"))
        #expect(try Meow.run(["import", "p", "items.txt"], in: dir.path).status == 0)
        let ids = try sqlite(db, "SELECT external_id FROM item ORDER BY id").split(separator: "\n")
        let names = ["pos", "neg", "other"]
        var rows = ["item,annotator,label"]
        for (i, id) in ids.enumerated() {
            for a in 0..<4 { rows.append("\(id),a\(a),\(names[(i * (a + 1) / 3) % 3])") }
        }
        _ = try dir.write("labels.csv", rows.joined(separator: "\n"))
        #expect(try Meow.run(["import-annotations", "p", "labels.csv"], in: dir.path).status == 0)

        func report() throws -> String {
            let r = try Meow.run(["agreement", "p", "--json"], in: dir.path)
            #expect(r.status == 0, "\(r.stderr)")
            return r.stdout
        }
        /// The report with the snapshot set aside: every answer read.
        func reportOfEveryAnswer() throws -> String {
            _ = try sqlite(db, "DELETE FROM agreement_snapshot")
            return try report()
        }
        let first = try report()
        #expect(try sqlite(db, "SELECT answers FROM agreement_snapshot") == "52000")
        #expect(try report() == first)
        // New answers after the snapshot.
        _ = try dir.write("late.csv", "item,annotator,label\n" + ids.prefix(40).map { "\($0),late,pos" }.joined(separator: "\n"))
        #expect(try Meow.run(["import-annotations", "p", "late.csv"], in: dir.path).status == 0)
        let later = try report()
        #expect(later != first)
        #expect(try reportOfEveryAnswer() == later)
        // An answer changed by hand.
        _ = try sqlite(db, "UPDATE annotation SET label = 'neg' WHERE id = (SELECT min(id) FROM annotation WHERE label = 'pos')")
        let edited = try report()
        #expect(edited != later)
        #expect(try reportOfEveryAnswer() == edited)
        let doctor = try Meow.run(["doctor"], in: dir.path)
        #expect(doctor.status == 0 && doctor.stdout.contains("agreement snapshot triggers: both present"), "\(doctor.stdout)\(doctor.stderr)")
    }

    @Test func readableReportAndHTML() throws {
        let dir = try TempDir()
        let r = try Meow.run(["agreement", "--input", Meow.repoRoot + "/Samples/review-annotations.jsonl", "--html", "r.html", "--bootstrap", "100", "--seed", "1"], in: dir.path)
        #expect(r.status == 0)
        #expect(r.stdout.contains("Krippendorff's alpha, nominal"))
        #expect(r.stdout.contains("95% bootstrap interval"))
        #expect(r.stdout.contains("Most confused label pairs"))
        #expect(r.stdout.contains("undefined: needs exactly 2 annotators"))
        let html = try String(contentsOfFile: dir.path + "/r.html", encoding: .utf8)
        #expect(html.contains("<svg") && html.contains("Pairwise Cohen") && html.contains("Label coincidences") && html.contains("Each annotator against the rest"))
        #expect(!html.contains("http"))   // self-contained: nothing fetched
        #expect(!html.contains("<script"))
    }

    /// Issue 11: `agreement --input` and `import-annotations` read long-format files with one
    /// reader, so a bad file gets the same words from both (`file:line: message`).
    @Test func bothCommandsRefuseABadFileInTheSameWords() throws {
        let dir = try TempDir()
        _ = try dir.write("g.md", testGuideline)
        #expect(try Meow.run(["init", "p", "--guideline", "g.md"], in: dir.path).status == 0)
        _ = try dir.write("items.jsonl", #"{"id":"a","text":"one"}"# + "\n")
        #expect(try Meow.run(["import", "p", "items.jsonl"], in: dir.path).status == 0)
        for (file, text, expected) in [
            ("quote.csv", "item,annotator,label\na,x,pos\na,\"y\"z,pos\n", "quote.csv:3: CSV: text after a closing quote (a quote inside a quoted field must be doubled)"),
            ("missing.jsonl", #"{"item":"a","annotator":"x","label":"pos"}"# + "\n" + #"{"item":"a","label":"pos"}"# + "\n", "missing.jsonl:2: missing \"annotator\""),
            ("tab.txt", "{\"item\":\"a\",\"annotator\":\"x\",\"label\":\"p\tos\"}\n", "tab.txt:1: invalid JSON at column 39: control character in a string (escape it)"),
        ] {
            _ = try dir.write(file, text)
            let a = try Meow.run(["agreement", "--input", file], in: dir.path)
            let i = try Meow.run(["import-annotations", "p", file], in: dir.path)
            #expect(a.status == 1 && a.stderr.contains(expected), "\(a.stderr)")
            #expect(i.status == 1 && i.stderr.contains(expected), "\(i.stderr)")
            #expect(a.stderr == i.stderr)
        }
        #expect(try sqlite(dir.path + "/meow.sqlite", "SELECT count(*) FROM annotation") == "0")
    }

    @Test func badInputNamesTheLine() throws {
        let dir = try TempDir()
        _ = try dir.write("bad.jsonl", #"{"item":"a","annotator":"x","label":"p"}"# + "\n" + #"{"item":"a","label":"p"}"# + "\n")
        let r = try Meow.run(["agreement", "--input", "bad.jsonl"], in: dir.path)
        #expect(r.status != 0 && r.stderr.contains("bad.jsonl:2: missing \"annotator\""), "\(r.stderr)")
        let both = try Meow.run(["agreement", "p", "--input", "bad.jsonl"], in: dir.path)
        #expect(both.status == 64)
    }
}
