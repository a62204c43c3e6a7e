/// The rules of hidden gold checks and qualification rounds, apart from where their rows live:
/// the store loads answers and calls these, so the screen, `meow submit` and a second database
/// all follow exactly the same rules.
extension Enforcement.GoldChecks {
    /// What a new gold-check answer means for the annotator.
    public enum Verdict: Equatable, Sendable {
        /// More misses in the window than `min_accuracy` allows: pause, with the reason shown.
        case pause(reason: String)
        /// Every check in the window is right: answers up to here are trusted.
        case clean
        /// Neither: carry on.
        case carryOn
    }

    /// Judges the most recent gold answers (newest first, at most `window` of them, counting
    /// only checks since the last reinstatement). A pause comes as soon as the misses in the
    /// window exceed what `min_accuracy` allows over a full window: from then on the window's
    /// accuracy can no longer reach it.
    public func verdict(recent correct: [Bool]) -> Verdict {
        let window = Array(correct.prefix(self.window))
        let misses = window.filter { !$0 }.count
        let allowed = Int((Double(self.window) * (1 - minAccuracy) + 1e-9).rounded(.down))
        if misses > allowed {
            let accuracy = Double(window.count - misses) / Double(window.count)
            return .pause(reason: "gold-check accuracy \(Int((accuracy * 100).rounded()))% over the last \(window.count) checks is below \(Int((minAccuracy * 100).rounded()))%")
        }
        return misses == 0 ? .clean : .carryOn
    }

    /// Whether the `served`-th item served to an annotator is a gold check: a hash of
    /// (project, annotator, served) against the rate, unpredictable to annotators but
    /// reproducible.
    public func isGoldTurn(project: String, annotator: String, served: Int) -> Bool {
        let h = SHA256.hex("\(project)\u{0}\(annotator)\u{0}\(served)")
        let v = Double(UInt64(h.prefix(12), radix: 16)!) / Double(1 << 48)
        return v < rate
    }
}

extension Enforcement.Qualification {
    /// A round is passed when the share right reaches the pass mark (an empty round never passes).
    public func passed(correct: Int, total: Int) -> Bool {
        total > 0 && Double(correct) / Double(total) >= passMark - 1e-9
    }
}

extension Enforcement.Qualification {
    /// Refuses a `round_size` larger than the pool read from the items file (an inline list is
    /// checked when the guideline is parsed), pointing at `round_size` in the guideline.
    public func checkRoundSize(poolSize: Int, guidelineFile: String) throws {
        guard let roundSize, roundSize > poolSize else { return }
        throw GuidelineError(file: guidelineFile, problems: [GuidelineProblem(
            severity: .error, line: roundSizeLine, column: roundSizeColumn,
            message: "round_size \(roundSize) is larger than the pool: \(items.file ?? "the qualification") holds \(poolSize) items")])
    }
}

/// Which qualification items a round serves.
public enum QualificationRound {
    /// The keys of a round's items, in pool order. Without a round size (or when the pool is no
    /// larger) the round is the whole pool. Otherwise it takes the items the annotator has not
    /// been served in earlier rounds, in pool order, then those served longest ago (ties in pool
    /// order): the first round is the head of the pool, and a retry draws other items while
    /// the pool has any. The same history always draws the same round.
    /// - Parameters:
    ///   - pool: every item's key, in the order of the guideline's list or file.
    ///   - lastServed: key -> the latest earlier attempt (round number) that served it.
    public static func draw(pool: [String], roundSize: Int?, lastServed: [String: Int]) -> [String] {
        guard let roundSize, roundSize < pool.count else { return pool }
        let order = Dictionary(pool.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
        let chosen = Set(pool.sorted { a, b in
            let (sa, sb) = (lastServed[a] ?? 0, lastServed[b] ?? 0)
            return sa != sb ? sa < sb : (order[a] ?? 0) < (order[b] ?? 0)
        }.prefix(max(0, roundSize)))
        return pool.filter(chosen.contains)
    }
}
