import Foundation

/// A problem in a long-format label file, with where it is.
///
/// Why file and line: label files are edited by hand and exported by other
/// tools; "labels.csv:17: missing \"annotator\"" lets a person fix the file at once.
/// `meow agreement --input` and `meow import-annotations` read through the same
/// `LongFormatParser`, so they refuse the same file with the same text.
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

    /// `path:17: missing "annotator"`, the form every meow importer uses (`ImportError`).
    public var description: String {
        line > 0 ? "\(path):\(line): \(message)" : "\(path): \(message)"
    }

    public var errorDescription: String? { description }

    /// The same problem as the item importers' error type, for callers that report both.
    public var importError: ImportError {
        ImportError(file: path, line: line > 0 ? line : nil, message: message)
    }
}
