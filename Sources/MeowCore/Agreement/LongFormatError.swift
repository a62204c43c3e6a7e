import Foundation

/// A problem in a long-format label file, with where it is.
///
/// Why file and line: label files are edited by hand and exported by other
/// tools; "line 17: missing \"annotator\"" lets a person fix the file at once.
public struct LongFormatError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    /// The file being read.
    public let path: String
    /// 1-based line number of the record (its first line for a CSV record
    /// spanning lines); 0 when the problem is not on one line (cannot open).
    public let line: Int
    /// What is wrong, e.g. `missing "annotator"`.
    public let message: String

    public init(path: String, line: Int, message: String) {
        self.path = path
        self.line = line
        self.message = message
    }

    /// `path: line 17: missing "annotator"`.
    public var description: String {
        line > 0 ? "\(path): line \(line): \(message)" : "\(path): \(message)"
    }

    public var errorDescription: String? { description }
}
