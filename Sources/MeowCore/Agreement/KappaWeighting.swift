/// Disagreement weights for weighted Cohen's kappa on ordered labels.
///
/// Why: with ordered labels a near miss should cost less than a far miss.
/// With label values x (numbers, or positions 0 … q-1 for labels known only by
/// their order) and the scale's range R = x_max - x_min:
public enum KappaWeighting: String, Sendable, CaseIterable, Codable {
    /// w_ij = |x_i - x_j| / R
    case linear
    /// w_ij = ((x_i - x_j) / R)²
    case quadratic

    /// The weight of two labels `distance` = |x_i - x_j| / R apart.
    func weight(distance d: Double) -> Double {
        switch self {
        case .linear: return d
        case .quadratic: return d * d
        }
    }
}
