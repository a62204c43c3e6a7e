/// What the Dawid-Skene EM estimate found: a posterior over the true label of
/// every item and an error-rate (confusion) matrix for every annotator.
///
/// Dawid, A. P., & Skene, A. M. (1979). Maximum Likelihood Estimation of
/// Observer Error-Rates Using the EM Algorithm. Journal of the Royal
/// Statistical Society, Series C (Applied Statistics), 28(1), 20-28.
public struct DawidSkeneResult: Sendable, Equatable {
    /// The estimate for one item.
    public struct ItemPosterior: Sendable, Equatable {
        /// The item.
        public var item: String
        /// argmax_k T_ik, ties broken by label order.
        public var label: String
        /// T_ik of `label`: the posterior probability that it is the true label.
        public var confidence: Double
        /// T_ik for every label (all labels present, summing to 1).
        public var posterior: [String: Double]
        /// Labels whose posterior is within 1e-9 of the best, in label order, when more than one
        /// is: an exact tie, which no label order or annotator name may settle.
        public var tied: [String]

        public init(item: String, label: String, confidence: Double, posterior: [String: Double], tied: [String] = []) {
            self.item = item
            self.label = label
            self.confidence = confidence
            self.posterior = posterior
            self.tied = tied
        }
    }

    /// One entry per item that has at least one vote with a known label, sorted by item.
    public var items: [ItemPosterior]
    /// Per annotator: sum_k pi_k * theta_a[k][k], the expected probability that
    /// the annotator gives the true label to a random item.
    public var annotatorAccuracy: [String: Double]
    /// Per annotator: theta_a, row = true label index, column = given label
    /// index (indices into `labels`); every row sums to 1.
    public var confusion: [String: [[Double]]]
    /// Class priors pi_k = (1/I) sum_i T_ik, in label order.
    public var priors: [Double]
    /// The label order used by `priors` and `confusion`.
    public var labels: [String]
    /// E-steps run (0 when `maxIterations` was 0: majority-share posteriors).
    public var iterations: Int
    /// Whether max_ik |T_ik(new) - T_ik(old)| fell below the tolerance.
    public var converged: Bool

    public init(
        items: [ItemPosterior], annotatorAccuracy: [String: Double], confusion: [String: [[Double]]],
        priors: [Double], labels: [String], iterations: Int, converged: Bool
    ) {
        self.items = items
        self.annotatorAccuracy = annotatorAccuracy
        self.confusion = confusion
        self.priors = priors
        self.labels = labels
        self.iterations = iterations
        self.converged = converged
    }
}
