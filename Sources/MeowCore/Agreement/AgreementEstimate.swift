/// A coefficient's value or the reason it has none (internal: the public
/// functions return `Double?`, the report keeps the reasons).
enum AgreementEstimate: Sendable, Equatable {
    case value(Double)
    case undefined(UndefinedReason)

    /// `.value(x)` when `x` is finite, else `.undefined(.notFinite)`.
    static func finite(_ x: Double) -> AgreementEstimate { x.isFinite ? .value(x) : .undefined(.notFinite) }

    var value: Double? {
        if case .value(let x) = self { return x }
        return nil
    }

    var reason: UndefinedReason? {
        if case .undefined(let r) = self { return r }
        return nil
    }
}

/// A value or the reason there is none, for results that are not a plain number.
enum AgreementOutcome<Value: Sendable>: Sendable {
    case success(Value)
    case failure(UndefinedReason)

    var value: Value? {
        if case .success(let v) = self { return v }
        return nil
    }

    var reason: UndefinedReason? {
        if case .failure(let r) = self { return r }
        return nil
    }
}
