/// Disagreement weights for weighted Cohen's kappa on ordered labels.
///
/// Why: with ordered labels a near miss should cost less than a far miss.
/// With q ordered categories at positions i, j = 0 ... q-1:
public enum KappaWeighting: String, Sendable, CaseIterable, Codable {
    /// w_ij = |i - j| / (q - 1)
    case linear
    /// w_ij = ((i - j) / (q - 1))²
    case quadratic

    func weight(_ i: Int, _ j: Int, categories q: Int) -> Double {
        let d = Double(abs(i - j)) / Double(q - 1)
        switch self {
        case .linear: return d
        case .quadratic: return d * d
        }
    }
}
