/// The rule for annotator names, one for every way a name enters meow (`--as`, the login
/// name, imported answers): names are printed in reports and stored with every answer, so
/// they must be short, printable and free of spaces.
public enum AnnotatorName {
    public static let maxLength = 64

    /// Why `name` cannot be an annotator's name, or nil when it can.
    public static func problem(_ name: String) -> String? {
        if name.isEmpty { return "an annotator name cannot be empty" }
        if name.count > maxLength { return "an annotator name has at most \(maxLength) characters (this one has \(name.count))" }
        for s in name.unicodeScalars {
            if s.properties.isWhitespace { return "an annotator name cannot contain spaces" }
            if TerminalText.isUnsafe(s.value) || s.properties.generalCategory == .format || s.properties.generalCategory == .control {
                return "an annotator name cannot contain control or formatting characters (found U+\(String(s.value, radix: 16, uppercase: true)))"
            }
        }
        return nil
    }
}
