// meow-bench: the benchmark suite (see BENCHMARKS.md).
//
//   swift run -c release --scratch-path .build-bench meow-bench [--quick] [--only import,claim,...]
//
// Generates its data deterministically into ./bench-data/, measures every path against a
// reference in the same run on the same data, and prints one table with PASS/MISS per target.
// `meow-bench worker claim ...` is the claim/submit worker the suite starts as subprocesses.

import Foundation

let arguments = Array(CommandLine.arguments.dropFirst())
do {
    if arguments.first == "worker" {
        guard arguments.count >= 2, arguments[1] == "claim" else { throw BenchFailure("usage: meow-bench worker claim OPTIONS") }
        try ClaimWorker.main(Array(arguments.dropFirst(2)))
    } else {
        let options = try SuiteOptions.parse(arguments)
        if options.help {
            say(SuiteOptions.usage)
        } else {
            let ok = try Suite(options).run()
            exit(ok ? 0 : 1)
        }
    }
} catch {
    warn("\(error)")
    exit(2)
}
