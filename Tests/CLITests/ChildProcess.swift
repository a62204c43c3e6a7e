import Foundation

/// A `meow` child started with posix_spawn, for tests that run many processes at once or kill
/// them: the test reaps the child itself, so a pid it signals is always its own child (alive or
/// a zombie), never a reused pid. Output goes to files; stdin is /dev/null.
struct Child {
    let pid: pid_t
    let program: String
    let args: [String]
    let started: Date
    let outPath: String
    let errPath: String

    /// How a child ended.
    enum End: Equatable, CustomStringConvertible {
        case exited(Int32)
        case signaled(Int32)
        /// Still running at the deadline: killed with SIGKILL by the test.
        case timedOut

        var description: String {
            switch self {
            case .exited(let c): return "exit \(c)"
            case .signaled(let s): return "signal \(s)"
            case .timedOut: return "timed out (killed)"
            }
        }
    }

    struct Result {
        var program: String
        var args: [String]
        var end: End
        var stdout: String
        var stderr: String
        var seconds: Double

        var ok: Bool { end == .exited(0) }
        /// One line for failure messages: the command, how it ended and what it said.
        var summary: String {
            "\(program) \(args.joined(separator: " ")) -> \(end): \(stderr.trimmingCharacters(in: .whitespacesAndNewlines).prefix(600))"
        }
    }

    /// The binary: `$MEOW_BINARY` when set (e.g. a release build for a long run by hand), else
    /// the `meow` built beside the tests.
    static let binary: String = ProcessInfo.processInfo.environment["MEOW_BINARY"].flatMap { $0.isEmpty ? nil : $0 } ?? Meow.binary

    /// The environment children get: the test's own, without MEOW_DB.
    static let environment: [String] = ProcessInfo.processInfo.environment.filter { $0.key != "MEOW_DB" }.map { "\($0.key)=\($0.value)" }

    /// Starts `meow ARGS` (or another program); `scratch` is a path prefix for the output files
    /// (reused per caller).
    static func spawn(_ args: [String], scratch: String, executable: String = binary) throws -> Child {
        let out = scratch + ".out", err = scratch + ".err"
        var fa = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&fa)
        defer { posix_spawn_file_actions_destroy(&fa) }
        posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&fa, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        // Default signal handling and an empty mask in the child, whatever this thread has.
        var attr = posix_spawnattr_t()
        posix_spawnattr_init(&attr)
        defer { posix_spawnattr_destroy(&attr) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attr, &none)
        posix_spawnattr_setsigdefault(&attr, &all)
        posix_spawnattr_setflags(&attr, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + args).map { strdup($0) } + [nil]
        let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup($0) } + [nil]
        defer { for p in argv { free(p) }; for p in envp { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, executable, &fa, &attr, argv, envp)
        guard rc == 0 else { throw ChildError(message: "cannot start \(executable): \(String(cString: strerror(rc)))") }
        return Child(pid: pid, program: URL(fileURLWithPath: executable).lastPathComponent, args: args, started: Date(), outPath: out, errPath: err)
    }

    /// SIGKILL. Safe at any moment before `wait` returned: the child is not reaped yet.
    func kill9() { _ = Glibc.kill(pid, SIGKILL) }

    /// Waits for the child (polling, so a hang cannot block the test); past `timeout` seconds
    /// it is killed and reported as `.timedOut`.
    func wait(timeout: Double) -> Result {
        var status: Int32 = 0
        var pause: useconds_t = 200
        var timedOut = false
        let deadline = started.addingTimeInterval(timeout)
        while true {
            let r = waitpid(pid, &status, WNOHANG)
            if r == pid { break }
            if r == -1 && errno != EINTR { break }
            if !timedOut && Date() > deadline {
                timedOut = true
                kill9()
                while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
                break
            }
            usleep(pause)
            pause = min(pause * 2, 5_000)
        }
        let seconds = Date().timeIntervalSince(started)
        let end: End = timedOut ? .timedOut : (status & 0x7f) == 0 ? .exited((status >> 8) & 0xff) : .signaled(status & 0x7f)
        let out = FileManager.default.contents(atPath: outPath) ?? Data()
        let err = FileManager.default.contents(atPath: errPath) ?? Data()
        return Result(program: program, args: args, end: end, stdout: String(decoding: out, as: UTF8.self), stderr: String(decoding: err, as: UTF8.self), seconds: seconds)
    }

    /// Runs `meow ARGS` to its end.
    static func run(_ args: [String], scratch: String, timeout: Double = 60) throws -> Result {
        try spawn(args, scratch: scratch).wait(timeout: timeout)
    }
}

struct ChildError: Error { var message: String }

/// A small deterministic generator (SplitMix64), so a failing run can be repeated exactly.
struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Reads an integer size from the environment (for larger runs by hand), else the default.
func environmentSize(_ name: String, default value: Int) -> Int {
    ProcessInfo.processInfo.environment[name].flatMap { Int($0) }.map { max(1, $0) } ?? value
}

/// The `item` field of `meow next --json` output, or nil when it is not that shape.
func itemID(fromNextJSON text: String) -> String? {
    guard let obj = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else { return nil }
    return obj["item"] as? String
}
