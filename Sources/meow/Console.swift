import ArgumentParser
import Foundation
import MeowCore

/// Everything the CLI prints goes through here. Human-readable lines are sanitized with the
/// core's `TerminalText` (data from items, names and files must never drive the terminal);
/// JSON goes out with every control escaped. Every write to standard output is checked: a
/// full disk or a device error is a failure with a non-zero exit, and a closed pipe (`| head`)
/// ends the command quietly, as other Unix tools do.
enum Console {
    /// Bytes waiting for standard output (written in blocks, checked on each write).
    nonisolated(unsafe) private static var pending: [UInt8] = []
    /// The first write error on standard output (an errno), if any.
    nonisolated(unsafe) private(set) static var writeError: Int32 = 0
    /// `--quiet`: informational messages and progress bars are left out; warnings, errors and
    /// the command's own output (standard output) never are.
    nonisolated(unsafe) static var quiet = false

    /// One line of human-readable output, sanitized (newlines and tabs are kept).
    static func out(_ line: String) {
        pending.append(contentsOf: TerminalText.safe(line).utf8)
        pending.append(0x0A)
        if pending.count >= 1 << 16 { try? drain() }
    }

    /// Bytes written as they are (JSON built with every control escaped, exported data).
    static func outRaw(_ bytes: [UInt8]) throws {
        pending.append(contentsOf: bytes)
        if pending.count >= 1 << 16 { try drain() }
    }

    /// One line on standard error, sanitized. Failures to write stderr are ignored: there is
    /// nowhere left to report them.
    static func err(_ line: String) {
        // What stdout holds so far goes first, so the two streams keep their order on a terminal.
        try? drain()
        var bytes = Array(TerminalText.safe(line).utf8)
        bytes.append(0x0A)
        bytes.withUnsafeBytes { writeAll(2, $0) }
    }

    /// Writes what is pending; throws `OutputError` when standard output failed at any point.
    static func flush() throws {
        try drain()
    }

    private static func drain() throws {
        if writeError == 0, !pending.isEmpty {
            let e = pending.withUnsafeBytes { writeAll(1, $0) }
            if e != 0 { writeError = e }
        }
        pending.removeAll(keepingCapacity: true)
        if writeError != 0 { throw OutputError(errno: writeError) }
    }

    /// write(2) until done; returns 0 or the errno of the failure.
    @discardableResult
    private static func writeAll(_ fd: Int32, _ buf: UnsafeRawBufferPointer) -> Int32 {
        var off = 0
        while off < buf.count {
            let n = write(fd, buf.baseAddress! + off, buf.count - off)
            if n < 0 {
                if errno == EINTR { continue }
                return errno
            }
            off += n
        }
        return 0
    }
}

/// Standard output could not be written.
struct OutputError: Error, CustomStringConvertible {
    var errno: Int32
    var closedPipe: Bool { errno == EPIPE }
    var description: String { "cannot write to standard output: \(String(cString: strerror(errno)))" }
}

/// One JSON value on a line (sorted keys), with every C0 and C1 control escaped.
func printJSON<T: Encodable>(_ value: T, snakeCase: Bool = false) throws {
    let enc = JSONEncoder()
    if snakeCase { enc.keyEncodingStrategy = .convertToSnakeCase }
    enc.outputFormatting = [.sortedKeys]
    try Console.outRaw(JSONText.escapingC1(Array(try enc.encode(value))) + [0x0A])
}

/// An optional JSON field written as `null` when absent (the synthesized `Encodable` would
/// leave the key out), so every documented key is always there.
@propertyWrapper
struct NullWhenNil<T: Encodable>: Encodable {
    var wrappedValue: T?
    init(wrappedValue: T?) { self.wrappedValue = wrappedValue }
    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        if let v = wrappedValue { try c.encode(v) } else { try c.encodeNil() }
    }
}

/// A line of human-readable output (sanitized).
func out(_ line: String = "") { Console.out(line) }

/// Writes to stderr (warnings and errors: never silenced), sanitized.
func note(_ message: String) { Console.err(message) }

/// An informational message on stderr (what was done, where it went): `--quiet` leaves it out.
func info(_ message: String) { if !Console.quiet { Console.err(message) } }

extension Meow {
    /// Runs the command with checked output and sanitized errors. ArgumentParser's own `main`
    /// prints an error's message as it is; here it goes through the sanitizer, since messages
    /// quote file contents, ids and names.
    static func main() {
        signal(SIGPIPE, SIG_IGN)   // a closed pipe becomes EPIPE, so `next` can release its claim
        var code: Int32 = 0
        do {
            var command = try parseAsRoot()
            try command.run()
            try Console.flush()
        } catch let e as OutputError {
            finishAfterOutputError(e)
        } catch let e as OutputFileError where e.path == "-" {
            finishAfterOutputError(OutputError(errno: e.errno))
        } catch {
            do { try Console.flush() } catch let e as OutputError { finishAfterOutputError(e) } catch {}
            code = exitCode(for: error).rawValue
            let message = fullMessage(for: error)
            if !message.isEmpty {
                if code == 0 {
                    // --help and --version: our own text, to standard output.
                    try? Console.outRaw(Array(message.utf8) + [0x0A])
                    do { try Console.flush() } catch let e as OutputError { finishAfterOutputError(e) } catch {}
                } else {
                    Console.err(message)
                }
            }
        }
        Glibc.exit(code)
    }

    /// A closed pipe ends quietly, the way `yes | head` does (killed by SIGPIPE); any other
    /// output failure is an error.
    static func finishAfterOutputError(_ e: OutputError) -> Never {
        if e.closedPipe {
            signal(SIGPIPE, SIG_DFL)
            raise(SIGPIPE)
        }
        Console.err("Error: \(e)")
        Glibc.exit(1)
    }
}
