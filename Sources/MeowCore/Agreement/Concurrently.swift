import Dispatch

/// Runs `first` and `second` at the same time (on two cores when there are two) and returns
/// both results. Why: a big agreement report is a handful of independent passes over the
/// same table; the pairwise pass alone is as long as all the others together.
public func concurrently<A: Sendable, B: Sendable>(_ first: @Sendable () -> A, _ second: @Sendable () -> B) -> (A, B) {
    let a = ResultSlot<A>(), b = ResultSlot<B>()
    DispatchQueue.concurrentPerform(iterations: 2) { i in
        if i == 0 { a.value = first() } else { b.value = second() }
    }
    guard let x = a.value, let y = b.value else { preconditionFailure("concurrentPerform ran every iteration") }
    return (x, y)
}

/// One result written by one `concurrentPerform` iteration and read after it returns.
private final class ResultSlot<T>: @unchecked Sendable {
    var value: T?
    init() { value = nil }
}
