import Testing

/// Records fuzz failures with the case that caused them, and stops a suite after a few: one
/// systematic bug should not print a thousand copies of itself.
struct FuzzCheck {
    let suite: String
    var caseIndex = 0
    var input: [UInt8] = []
    private(set) var failures = 0
    static let maxFailures = 12

    init(_ suite: String) { self.suite = suite }

    var tooMany: Bool { failures >= Self.maxFailures }

    /// Fails the test when `condition` is false, naming the case and showing its input.
    mutating func expect(_ condition: Bool, _ message: @autoclosure () -> String,
                         sourceLocation: SourceLocation = #_sourceLocation) {
        if condition { return }
        failures += 1
        Issue.record("\(suite) case \(caseIndex): \(message())\n  input: \(Fuzz.show(input))", sourceLocation: sourceLocation)
    }
}
