/// Level of measurement of the labels, which decides how far apart two
/// different labels are in Krippendorff's alpha (the metric δ²).
///
/// Why it matters: for ordered labels, confusing "1" with "2" is a smaller
/// disagreement than "1" with "5"; nominal alpha counts both the same.
public enum MeasurementLevel: String, Sendable, CaseIterable, Codable {
    /// Categories: δ² = 0 for equal labels, 1 otherwise.
    case nominal
    /// Ranks: δ² from the number of annotations between the two values.
    case ordinal
    /// Numbers on a scale without a true zero: δ² = (v_c - v_k)².
    case interval
    /// Numbers with a true zero: δ² = ((v_c - v_k) / (v_c + v_k))².
    case ratio
}
