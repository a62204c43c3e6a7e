import Foundation
import MeowCore

/// Progress on stderr for a job that may take more than a second. Nothing is drawn when stderr
/// is not a terminal (scripts and logs get no carriage returns), with `--quiet`, or for a job
/// that ends within its first second; after that a timer redraws at most ten times a second,
/// so `update` is cheap enough to call per row. Without a total (a single store call that
/// reports nothing until it ends) it shows a spinner with the seconds elapsed.
final class ProgressBar: @unchecked Sendable {
    private let total: Int?
    private let label: String
    private let lock = NSLock()
    private var done = 0
    private var drawn = false
    private var stopped = false
    private let start = Date()
    private var timer: DispatchSourceTimer?

    /// Seconds before anything is drawn (`MEOW_PROGRESS_AFTER` overrides it, for tests).
    static var delay: Double {
        ProcessInfo.processInfo.environment["MEOW_PROGRESS_AFTER"].flatMap(Double.init) ?? 1
    }

    /// nil when nothing may be drawn: stderr is not a terminal, or `--quiet`.
    init?(total: Int?, label: String) {
        guard isatty(2) == 1, !Console.quiet else { return nil }
        self.total = total.map { max($0, 1) }
        self.label = TerminalText.safeInline(label)
        let t = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "meow.progress"))
        t.schedule(deadline: .now() + Self.delay, repeating: 0.1)
        t.setEventHandler { [weak self] in self?.draw() }
        timer = t
        t.resume()
    }

    /// Runs `job` with a bar for its duration (a spinner when there is no total).
    static func during<T>(_ label: String, total: Int? = nil, _ job: (ProgressBar?) throws -> T) rethrows -> T {
        let bar = ProgressBar(total: total, label: label)
        defer { bar?.finish() }
        return try job(bar)
    }

    func update(_ value: Int) {
        lock.lock(); done = value; lock.unlock()
    }

    func advance(by n: Int) {
        lock.lock(); done += n; lock.unlock()
    }

    private func draw() {
        lock.lock(); defer { lock.unlock() }
        guard !stopped else { return }
        let line: String
        if let total {
            let width = 40
            let frac = min(1, Double(done) / Double(total))
            let filled = Int(frac * Double(width))
            line = "\r\(label) " + String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled) + " \(Int(frac * 100))%"
        } else {
            let spinner = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"]
            let secs = Date().timeIntervalSince(start)
            line = "\r\(label) " + spinner[Int(secs * 10) % spinner.count] + String(format: " %.0f s", secs)
        }
        drawn = true
        Self.write(line)
    }

    /// Stops the timer and clears the line (when something was drawn).
    func finish() {
        lock.lock(); defer { lock.unlock() }
        guard !stopped else { return }
        stopped = true
        timer?.cancel()
        if drawn { Self.write("\r\u{1B}[K") }
    }

    deinit { timer?.cancel() }

    private static func write(_ s: String) {
        var bytes = Array(s.utf8)
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Foundation.write(2, $0.baseAddress.map { $0 + off }, $0.count - off) }
            if n < 0 { if errno == EINTR { continue }; return }
            off += n
        }
    }
}
