import Foundation
import Testing

@Suite("meow guideline check")
struct GuidelineCLITests {
    @Test(arguments: ["sentiment.md", "toxicity.md", "entities.md", "helpfulness.md", "preferences.md"])
    func shippedGuidelinesAreValid(file: String) throws {
        let r = try Meow.run(["guideline", "check", Meow.repoRoot + "/Guidelines/" + file], in: Meow.repoRoot)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains(": ok"))
    }

    @Test func problemsAreReportedWithFileLineAndColumn() throws {
        let dir = try TempDir()
        _ = try dir.write("bad.md", """
        ---
        name: bad
        task: ranking
        labels:
          - value: a
            hotkey: x
            definition: A.
          - value: a
            hotkey: x
          - value: b
            hotkey: q
            definition: B.
        ---
        Body.
        """)
        let r = try Meow.run(["guideline", "check", "bad.md"], in: dir.path)
        #expect(r.status == 1)
        #expect(r.stderr.contains("bad.md:3:7: error: unknown task type 'ranking'"), "\(r.stderr)")
        #expect(r.stderr.contains("bad.md:8:12: error: duplicate label value 'a'"), "\(r.stderr)")
        #expect(r.stderr.contains("bad.md:9:13: error: duplicate hotkey 'x'"), "\(r.stderr)")
        #expect(r.stderr.contains("bad.md:8:12: error: label 'a' has no definition"), "\(r.stderr)")
        #expect(r.stderr.contains("bad.md:11:13: error: hotkey 'q' of 'b' is a key the labeling screen uses"), "\(r.stderr)")
    }

    @Test func yamlSyntaxErrorsNameLineAndColumn() throws {
        let dir = try TempDir()
        _ = try dir.write("bad.md", "---\nname: x\ntask: classify\nlabels: [a, b\n---\nBody\n")
        let r = try Meow.run(["guideline", "check", "bad.md"], in: dir.path)
        #expect(r.status == 1)
        #expect(r.stderr.contains("bad.md:5:"), "\(r.stderr)")
        #expect(r.stderr.contains("YAML"), "\(r.stderr)")
        let created = try Meow.run(["init", "x", "--guideline", "bad.md"], in: dir.path)
        #expect(created.status != 0 && created.stderr.contains("bad.md:5:"))
        #expect(!FileManager.default.fileExists(atPath: dir.path + "/meow.sqlite"))
    }
}
