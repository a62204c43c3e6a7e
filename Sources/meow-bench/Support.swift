import Foundation
#if canImport(Glibc)
import Glibc
#endif

// Small utilities for the suite: output, clocks, statistics, formatting, child processes.

/// Writes straight to a file descriptor (unbuffered, so progress lines appear at once even
/// when piped, and no shared C `stdout` global is touched).
func emit(_ s: String, fd: Int32 = 1) {
    var s = s
    s.withUTF8 { buf in
        var off = 0
        while off < buf.count {
            let n = write(fd, buf.baseAddress! + off, buf.count - off)
            if n <= 0 { break }
            off += n
        }
    }
}

func say(_ s: String) { emit(s + "\n") }
func warn(_ s: String) { emit("meow-bench: " + s + "\n", fd: 2) }

struct BenchFailure: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}

// MARK: Clock

/// Monotonic nanoseconds.
@inline(__always)
func nowNs() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

/// Wall-clock seconds since the epoch (for cross-process start barriers).
func wallSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_REALTIME, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func sleepUntilWall(_ t: Double) {
    while true {
        let d = t - wallSeconds()
        if d <= 0 { return }
        usleep(UInt32(min(d, 0.5) * 1e6))
    }
}

func seconds(since startNs: UInt64) -> Double { Double(nowNs() - startNs) / 1e9 }

// MARK: Statistics

struct Summary {
    var count: Int
    var median: Double
    var p99: Double
    var max: Double
    var mean: Double

    /// Nearest-rank percentiles over a copy of the samples.
    init(_ samples: [Double]) {
        let s = samples.sorted()
        count = s.count
        func pct(_ p: Double) -> Double {
            guard !s.isEmpty else { return .nan }
            let rank = Int((p * Double(s.count)).rounded(.up)) - 1
            return s[min(s.count - 1, Swift.max(0, rank))]
        }
        // The usual median (mean of the two middle values for an even count).
        median = s.isEmpty ? .nan : s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
        p99 = pct(0.99)
        max = s.last ?? .nan
        mean = s.isEmpty ? .nan : s.reduce(0, +) / Double(s.count)
    }
}

func median(_ xs: [Double]) -> Double { Summary(xs).median }

// MARK: Formatting

func fmtDuration(_ s: Double) -> String {
    if s.isNaN { return "n/a" }
    if s >= 10 { return String(format: "%.1f s", s) }
    if s >= 1 { return String(format: "%.2f s", s) }
    if s >= 0.01 { return String(format: "%.0f ms", s * 1e3) }
    if s >= 0.001 { return String(format: "%.2f ms", s * 1e3) }
    return String(format: "%.0f µs", s * 1e6)
}

func fmtMs(_ s: Double) -> String {
    if s.isNaN { return "n/a" }
    if s * 1e3 >= 100 { return String(format: "%.0f ms", s * 1e3) }
    if s * 1e3 >= 10 { return String(format: "%.1f ms", s * 1e3) }
    return String(format: "%.3f ms", s * 1e3)
}

func fmtMB(_ kb: Int) -> String { String(format: "%.0f MB", Double(kb) / 1024) }

func fmtCount(_ n: Int) -> String {
    if n >= 1_000_000 && n % 1_000_000 == 0 { return "\(n / 1_000_000)M" }
    if n >= 1_000 && n % 1_000 == 0 { return "\(n / 1_000)k" }
    return "\(n)"
}

func fmtRate(_ perSecond: Double, unit: String) -> String {
    if perSecond >= 10_000 { return String(format: "%.1fk %@/s", perSecond / 1000, unit) }
    return String(format: "%.0f %@/s", perSecond, unit)
}

func fmtRatio(_ r: Double) -> String { r.isNaN ? "n/a" : String(format: "%.2fx", r) }

// MARK: Child processes

struct ProcResult {
    var argv: [String]
    var status: Int32
    var seconds: Double
    /// Peak resident set of this child alone (wait4's ru_maxrss), in KiB.
    var maxRSSKB: Int
    var userSeconds: Double
    var systemSeconds: Double
    var stdoutPath: String?
    var stderrPath: String?

    var ok: Bool { status == 0 }
    var stdout: String { stdoutPath.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) } ?? "" }
    var stderr: String { stderrPath.flatMap { try? String(contentsOfFile: $0, encoding: .utf8) } ?? "" }

    func check(_ what: String) throws {
        if status != 0 {
            throw BenchFailure("\(what) failed (exit \(status)): \(argv.joined(separator: " "))\n\(stderr.suffix(2000))")
        }
    }
}

struct Spawned {
    var pid: pid_t
    var startNs: UInt64
    var argv: [String]
    var stdoutPath: String?
    var stderrPath: String?
}

/// Starts a child with posix_spawnp: stdin from /dev/null, stdout and stderr to files (or
/// /dev/null). Measured time runs from just before the spawn to wait4's return.
func spawn(_ argv: [String], stdout: String? = nil, stderr: String? = nil, env extra: [String: String] = [:]) throws -> Spawned {
    var fa = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&fa)
    defer { posix_spawn_file_actions_destroy(&fa) }
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&fa, 1, stdout ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_addopen(&fa, 2, stderr ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    var environment = ProcessInfo.processInfo.environment
    environment["MEOW_DB"] = nil
    for (k, v) in extra { environment[k] = v }
    let cargs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
    let cenv: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer {
        for p in cargs { free(p) }
        for p in cenv { free(p) }
    }
    var pid: pid_t = 0
    let start = nowNs()
    let rc = posix_spawnp(&pid, argv[0], &fa, nil, cargs, cenv)
    guard rc == 0 else { throw BenchFailure("cannot start \(argv[0]): \(String(cString: strerror(rc)))") }
    return Spawned(pid: pid, startNs: start, argv: argv, stdoutPath: stdout, stderrPath: stderr)
}

func wait(_ child: Spawned) -> ProcResult {
    var status: Int32 = 0
    var ru = rusage()
    while wait4(child.pid, &status, 0, &ru) == -1 && errno == EINTR {}
    let secs = seconds(since: child.startNs)
    let exitCode: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    return ProcResult(argv: child.argv, status: exitCode, seconds: secs, maxRSSKB: Int(ru.ru_maxrss),
                      userSeconds: Double(ru.ru_utime.tv_sec) + Double(ru.ru_utime.tv_usec) / 1e6,
                      systemSeconds: Double(ru.ru_stime.tv_sec) + Double(ru.ru_stime.tv_usec) / 1e6,
                      stdoutPath: child.stdoutPath, stderrPath: child.stderrPath)
}

func runProcess(_ argv: [String], stdout: String? = nil, stderr: String? = nil, env: [String: String] = [:]) throws -> ProcResult {
    wait(try spawn(argv, stdout: stdout, stderr: stderr, env: env))
}

// MARK: Files

enum Files {
    static var fm: FileManager { FileManager.default }

    static func exists(_ p: String) -> Bool { fm.fileExists(atPath: p) }

    static func size(_ p: String) -> Int {
        ((try? fm.attributesOfItem(atPath: p))?[.size] as? NSNumber)?.intValue ?? 0
    }

    static func mkdir(_ p: String) throws { try fm.createDirectory(atPath: p, withIntermediateDirectories: true) }

    static func remove(_ p: String) { try? fm.removeItem(atPath: p) }

    /// Removes a SQLite database with its WAL and shared-memory files.
    static func removeDB(_ p: String) { for s in ["", "-wal", "-shm", "-journal"] { remove(p + s) } }

    /// Copies a (closed) SQLite database, with its WAL if one was left behind.
    static func copyDB(_ from: String, _ to: String) throws {
        removeDB(to)
        try fm.copyItem(atPath: from, toPath: to)
        if exists(from + "-wal") { try fm.copyItem(atPath: from + "-wal", toPath: to + "-wal") }
    }

    static func moveDB(_ from: String, _ to: String) throws {
        removeDB(to)
        try fm.moveItem(atPath: from, toPath: to)
        if exists(from + "-wal") { try fm.moveItem(atPath: from + "-wal", toPath: to + "-wal") }
        remove(from + "-shm")
    }

    /// Reads the whole file once so the page cache holds it (both sides of a comparison
    /// then start warm).
    static func warm(_ p: String) {
        guard let f = fopen(p, "rb") else { return }
        defer { fclose(f) }
        let buf = UnsafeMutableRawPointer.allocate(byteCount: 1 << 20, alignment: 16)
        defer { buf.deallocate() }
        while fread(buf, 1, 1 << 20, f) > 0 {}
    }

    static func lineCount(_ p: String) -> Int {
        guard let f = fopen(p, "rb") else { return -1 }
        defer { fclose(f) }
        let buf = UnsafeMutablePointer<UInt8>.allocate(capacity: 1 << 20)
        defer { buf.deallocate() }
        var n = 0
        while true {
            let k = fread(buf, 1, 1 << 20, f)
            if k <= 0 { break }
            for i in 0..<k where buf[i] == 0x0A { n += 1 }
        }
        return n
    }
}

/// Buffered binary/text writer used by the data generator.
final class OutFile {
    private let f: UnsafeMutablePointer<FILE>
    private var buf: [UInt8] = []
    let path: String

    init(_ path: String) throws {
        guard let f = fopen(path, "wb") else { throw BenchFailure("cannot write \(path)") }
        self.f = f
        self.path = path
        buf.reserveCapacity(1 << 20)
    }

    @inline(__always) func append(_ s: String) { buf.append(contentsOf: s.utf8); if buf.count >= 1 << 20 { flush() } }
    @inline(__always) func append(bytes: [UInt8]) { buf.append(contentsOf: bytes); if buf.count >= 1 << 20 { flush() } }

    func flush() {
        buf.withUnsafeBytes { _ = fwrite($0.baseAddress, 1, $0.count, f) }
        buf.removeAll(keepingCapacity: true)
    }

    func close() throws {
        flush()
        guard fclose(f) == 0 else { throw BenchFailure("write failed: \(path)") }
    }
}

// MARK: Machine

enum Machine {
    static func cpuModel() -> String {
        let info = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        for line in info.split(separator: "\n") where line.hasPrefix("model name") {
            return line.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "?"
        }
        return "unknown"
    }

    static func memTotalGiB() -> Double {
        let info = (try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8)) ?? ""
        for line in info.split(separator: "\n") where line.hasPrefix("MemTotal:") {
            let kb = Double(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
            return kb / 1024 / 1024
        }
        return 0
    }

    static func loadAverage() -> String {
        ((try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? "?").split(separator: " ").prefix(3).joined(separator: " ")
    }

    /// `abc1234` or `abc1234+3 modified` for the source tree the binaries were built from.
    static func sourceRevision(package: String) -> String {
        guard Files.exists(package + "/.git"),
              let r = try? runProcess(["git", "-C", package, "rev-parse", "--short", "HEAD"], stdout: "/tmp/meow-bench-git-\(getpid()).txt") , r.ok else { return "unknown" }
        let head = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        Files.remove("/tmp/meow-bench-git-\(getpid()).txt")
        guard let d = try? runProcess(["git", "-C", package, "status", "--porcelain", "--untracked-files=no"], stdout: "/tmp/meow-bench-git-\(getpid()).txt"), d.ok else { return head }
        let modified = d.stdout.split(separator: "\n").count
        Files.remove("/tmp/meow-bench-git-\(getpid()).txt")
        return modified == 0 ? head : "\(head) + \(modified) modified file\(modified == 1 ? "" : "s")"
    }

    static var cores: Int { ProcessInfo.processInfo.activeProcessorCount }

    static func selfExecutable() -> String {
        var buf = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buf, buf.count - 1)
        if n > 0 { return String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        return CommandLine.arguments[0]
    }
}
