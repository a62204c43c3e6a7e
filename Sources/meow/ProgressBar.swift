import ArgumentParser
import Foundation
import MeowCore
import MeowStore

/// A progress bar on stderr, shown only when stderr is a terminal and the file is large.
final class ProgressBar {
    let total: Int
    let label: String
    init?(total: Int, label: String) {
        guard isatty(2) == 1, total > 8 << 20 else { return nil }
        self.total = total
        self.label = label
    }
    func update(_ done: Int) {
        let width = 40
        let frac = min(1, Double(done) / Double(max(total, 1)))
        let filled = Int(frac * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        FileHandle.standardError.write(Data("\r\(label) \(bar) \(Int(frac * 100))%".utf8))
    }
    func finish() { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
}
