import Foundation
import Testing

/// The report as a browser shows it: headless Chromium loads the page without a console
/// error, builds every chart into the DOM, and paints a screenshot that is far from blank.
/// Skipped when Chromium is absent (`apt-get install chromium`; `.ci/run` installs it).
@Suite("meow report in a browser", .enabled(if: Chromium.path != nil, "chromium is not installed (apt-get install chromium)"))
struct ReportBrowserTests {
    @Test func chromiumLoadsThePageAndPaintsTheCharts() throws {
        let chromium = try #require(Chromium.path)
        let dir = try TempDir()
        _ = try dir.write("g.md", ReportCLITests.guideline)
        _ = try dir.write("items.jsonl", (1...12).map { #"{"id":"i\#($0)","text":"item number \#($0)"}"# }.joined(separator: "\n"))
        var rows = ["item,annotator,label"]
        for i in 1...12 {
            rows.append("i\(i),ann,\(i % 3 == 0 ? "neg" : "\"\(ReportCLITests.hostile)\"")")
            if i <= 10 { rows.append("i\(i),bob,\(i % 4 == 0 ? "neg" : "\"\(ReportCLITests.hostile)\"")") }
        }
        _ = try dir.write("answers.csv", rows.joined(separator: "\n"))
        for args in [["init", "p", "--guideline", "g.md"], ["import", "p", "items.jsonl"], ["import-annotations", "p", "answers.csv"],
                     ["consensus", "p"], ["freeze", "p", "--name", "t1", "--size", "2"], ["report", "p", "--html", "report.html"]] {
            let r = try Meow.run(args, in: dir.path)
            try #require(r.status == 0, "meow \(args.joined(separator: " ")): \(r.stderr)")
        }
        let html = try String(contentsOfFile: dir.path + "/report.html", encoding: .utf8)
        let page = "file://" + dir.path + "/report.html"

        // The DOM Chromium built: every chart there, none empty, the hostile label still text.
        let dom = try Chromium.run(chromium, ["--dump-dom", page], in: dir.path)
        #expect(dom.status == 0, "\(dom.stderr.suffix(2000))")
        #expect(Chromium.consoleMessages(dom.stderr).isEmpty, "\(Chromium.consoleMessages(dom.stderr))")
        let svgs = dom.stdout.components(separatedBy: "<svg").count - 1
        #expect(svgs >= 6 && svgs == html.components(separatedBy: "<svg").count - 1)
        for chart in dom.stdout.components(separatedBy: "<svg").dropFirst() {
            let body = chart.components(separatedBy: "</svg>")[0]
            #expect(body.contains("<rect") || body.contains("<polyline"), "an empty chart: \(body.prefix(200))")
        }
        #expect(!dom.stdout.contains("<script") && dom.stdout.contains("&lt;script&gt;x&lt;/script&gt;"))
        #expect(!dom.stdout.contains("src=") && !dom.stdout.contains("href="))   // nothing to fetch

        // The screenshot: the size asked for, and much more drawn than on a blank page.
        let blank = try dir.write("blank.html", "<!doctype html><html><head><meta charset=\"utf-8\"><title>blank</title></head><body></body></html>")
        let shots = try [("report.png", page), ("blank.png", "file://" + blank)].map { name, url in
            let r = try Chromium.run(chromium, ["--screenshot=" + dir.path + "/" + name, "--window-size=1200,2000", url], in: dir.path)
            #expect(r.status == 0, "\(r.stderr.suffix(2000))")
            #expect(Chromium.consoleMessages(r.stderr).isEmpty, "\(Chromium.consoleMessages(r.stderr))")
            return try PNGSummary(Data(contentsOf: URL(fileURLWithPath: dir.path + "/" + name)))
        }
        #expect(shots[0].width == 1200 && shots[0].height == 2000)
        #expect(shots[0].imageDataBytes > 5 * shots[1].imageDataBytes, "report \(shots[0].imageDataBytes) bytes of image data, blank page \(shots[1].imageDataBytes)")
    }
}

enum Chromium {
    /// The browser's path, when installed.
    static let path: String? = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/snap/bin/chromium"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Runs headless Chromium with its own profile folder, killed after 120 s.
    static func run(_ chromium: String, _ args: [String], in dir: String) throws -> MeowRun {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: chromium)
        let profile = dir + "/chromium-profile-" + UUID().uuidString
        p.arguments = ["--headless", "--disable-gpu", "--no-sandbox", "--user-data-dir=" + profile,
                       "--enable-logging=stderr", "--v=0", "--hide-scrollbars"] + args
        p.currentDirectoryURL = URL(fileURLWithPath: dir)
        let out = dir + "/chromium-" + UUID().uuidString
        FileManager.default.createFile(atPath: out + ".out", contents: nil)
        FileManager.default.createFile(atPath: out + ".err", contents: nil)
        p.standardOutput = FileHandle(forWritingAtPath: out + ".out")
        p.standardError = FileHandle(forWritingAtPath: out + ".err")
        p.standardInput = FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(120)
        while p.isRunning && Date() < deadline { usleep(50_000) }
        if p.isRunning { p.terminate(); p.waitUntilExit() }
        p.waitUntilExit()
        let stdout = String(decoding: FileManager.default.contents(atPath: out + ".out") ?? Data(), as: UTF8.self)
        let stderr = String(decoding: FileManager.default.contents(atPath: out + ".err") ?? Data(), as: UTF8.self)
        return MeowRun(status: p.terminationStatus, stdout: stdout, stderr: stderr)
    }

    /// What the page said on its console (errors included: `Uncaught ...`), from Chromium's log.
    static func consoleMessages(_ log: String) -> [String] {
        log.split(separator: "\n").filter { $0.contains(":CONSOLE") || $0.contains("Uncaught") }.map(String.init)
    }
}

/// Just enough of a PNG to check a screenshot: the header's size and how many bytes of
/// compressed image data (IDAT) it holds. A blank page compresses to almost nothing.
struct PNGSummary {
    struct Malformed: Error, CustomStringConvertible { var description: String }
    var width = 0, height = 0, imageDataBytes = 0

    init(_ data: Data) throws {
        let b = [UInt8](data)
        guard b.count > 33, b[0..<8] == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else { throw Malformed(description: "not a PNG") }
        func u32(_ i: Int) -> Int { b[i..<i + 4].reduce(0) { $0 << 8 | Int($1) } }
        var i = 8
        while i + 8 <= b.count {
            let length = u32(i), type = String(decoding: b[i + 4..<i + 8], as: UTF8.self)
            guard i + 12 + length <= b.count else { throw Malformed(description: "chunk \(type) runs past the end") }
            if type == "IHDR" { width = u32(i + 8); height = u32(i + 12) }
            if type == "IDAT" { imageDataBytes += length }
            if type == "IEND" { return }
            i += 12 + length
        }
        throw Malformed(description: "no IEND chunk")
    }
}
