extension KeyedEncodingContainer {
    /// Encodes `value`, or JSON `null` when it is nil: meow's reports name every documented
    /// field, where synthesized `Encodable` would drop the key.
    mutating func encodeOrNull<T: Encodable>(_ value: T?, forKey key: Key) throws {
        if let value { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
    }
}
