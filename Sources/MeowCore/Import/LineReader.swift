import Foundation

/// Reads a file line by line in 1 MiB chunks, so memory stays flat however large the file.
/// Strips a UTF-8 BOM at the start and the `\r` of CRLF line ends. Line numbers are 1-based.
public final class LineReader {
    private let fd: Int32
    private var buffer: [UInt8]
    private var start = 0
    private var end = 0
    private var eof = false
    private var first = true
    public private(set) var lineNumber = 0
    /// Bytes consumed so far (for progress bars).
    public private(set) var bytesRead = 0
    public let path: String

    public init(path: String, chunkSize: Int = 1 << 20) throws {
        self.path = path
        fd = open(path, O_RDONLY)
        if fd < 0 { throw ImportError(file: path, line: nil, message: "cannot open: \(String(cString: strerror(errno)))") }
        var st = stat()
        if fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw ImportError(file: path, line: nil, message: "is a directory")
        }
        buffer = [UInt8](repeating: 0, count: chunkSize)
    }

    deinit { close(fd) }

    /// Calls `body` with the bytes of the next line (without its line end), or returns false at
    /// the end of the file. The bytes are valid only inside `body`.
    public func next<T>(_ body: (UnsafeBufferPointer<UInt8>) throws -> T) throws -> T? {
        while true {
            if let nl = buffer[start..<end].firstIndex(of: 0x0A) {
                return try emit(upTo: nl, consumed: nl + 1, body)
            }
            if eof {
                if start < end { return try emit(upTo: end, consumed: end, body) }
                return nil
            }
            try fill()
        }
    }

    private func emit<T>(upTo lineEnd: Int, consumed: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) throws -> T {
        var s = start
        var e = lineEnd
        if first {
            first = false
            if e - s >= 3, buffer[s] == 0xEF, buffer[s + 1] == 0xBB, buffer[s + 2] == 0xBF { s += 3 }
        }
        if e > s, buffer[e - 1] == 0x0D { e -= 1 }
        lineNumber += 1
        bytesRead += consumed - start
        start = consumed
        return try buffer.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[s..<e])) }
    }

    private func fill() throws {
        if start > 0 {
            let n = end - start
            if n > 0 { buffer.withUnsafeMutableBufferPointer { p in _ = memmove(p.baseAddress!, p.baseAddress! + start, n) } }
            start = 0
            end = n
        }
        if end == buffer.count { buffer.append(contentsOf: [UInt8](repeating: 0, count: buffer.count)) } // a line longer than the chunk
        let n = buffer.withUnsafeMutableBufferPointer { p in read(fd, p.baseAddress! + end, p.count - end) }
        if n < 0 { throw ImportError(file: path, line: lineNumber + 1, message: "read failed: \(String(cString: strerror(errno)))") }
        if n == 0 { eof = true } else { end += n }
    }
}

/// A problem in an input file, naming the file and line.
public struct ImportError: Error, Sendable, CustomStringConvertible, Equatable {
    public var file: String
    public var line: Int?
    public var message: String
    public init(file: String, line: Int?, message: String) { self.file = file; self.line = line; self.message = message }
    public var description: String { line.map { "\(file):\($0): \(message)" } ?? "\(file): \(message)" }
}
