import Foundation

/// A JSON value as a tree, for the nested exports of other labeling tools (Label Studio tasks
/// hold annotations hold results). `JSONScanner` stays the reader for meow's own flat lines;
/// these files are read once per import, so clarity beats speed here.
public indirect enum JSONValue: Sendable, Equatable, Decodable {
    case null
    case bool(Bool)
    /// The number as written when it is a whole number (ids must not become `17.0`).
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        // The commonest kinds first: each miss costs a thrown error.
        if c.decodeNil() { self = .null }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let o = try? c.decode([String: JSONValue].self) { self = .object(o) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else if let i = try? c.decode(Int64.self) { self = .integer(i) }
        else if let d = try? c.decode(Double.self) { self = .number(d) }
        else { self = .bool(try c.decode(Bool.self)) }
    }

    /// Parses a whole document; the error names what JSONDecoder found wrong.
    public static func parse(_ data: Data) throws -> JSONValue {
        do { return try JSONDecoder().decode(JSONValue.self, from: data) } catch let DecodingError.dataCorrupted(context) {
            let cause = (context.underlyingError as NSError?)?.userInfo[NSDebugDescriptionErrorKey] as? String
            throw JSONValueError(message: cause ?? context.debugDescription)
        }
    }

    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    public var string: String? { if case .string(let s) = self { return s }; return nil }
    public var object: [String: JSONValue]? { if case .object(let o) = self { return o }; return nil }
    public var array: [JSONValue]? { if case .array(let a) = self { return a }; return nil }
    public var integer: Int? {
        switch self {
        case .integer(let i): return Int(exactly: i)
        case .number(let d): return d.rounded() == d ? Int(exactly: d) : nil
        default: return nil
        }
    }

    /// A string, or a number in its shortest form: how ids and option values read as text.
    public var scalarText: String? {
        switch self {
        case .string(let s): return s
        case .integer(let i): return String(i)
        case .number(let d): return d.rounded() == d && abs(d) < 1e15 ? String(Int64(d)) : String(d)
        default: return nil
        }
    }

    /// Compact JSON with sorted keys (so the same value always writes the same bytes).
    public var jsonText: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .integer(let i): return String(i)
        case .number(let d): return d.isFinite ? String(d) : "null"
        case .string(let s): return JSONText.quoted(s)
        case .array(let a): return "[" + a.map(\.jsonText).joined(separator: ",") + "]"
        case .object(let o):
            return "{" + o.keys.sorted().map { JSONText.quoted($0) + ":" + (o[$0] ?? .null).jsonText }.joined(separator: ",") + "}"
        }
    }
}

/// Why a document is not JSON.
public struct JSONValueError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
