/// What the labeling session needs from a terminal. `CursesTerminal` implements it with
/// ncurses; `InMemoryTerminal` with a scripted key list, for tests.
public protocol Terminal: AnyObject {
    var size: (width: Int, height: Int) { get }
    /// Blocks until the next key (or resize).
    func readKey() -> Key?
    /// Shows the screen (backends copy only what changed).
    func draw(_ screen: Screen)
}

/// A terminal for tests: keys come from a list, every drawn screen is kept.
public final class InMemoryTerminal: Terminal {
    public var size: (width: Int, height: Int)
    public var keys: [Key]
    public private(set) var screens: [Screen] = []
    public var last: Screen? { screens.last }

    public init(width: Int = 80, height: Int = 24, keys: [Key] = []) {
        size = (width, height)
        self.keys = keys
    }

    public func readKey() -> Key? {
        guard !keys.isEmpty else { return nil }
        let k = keys.removeFirst()
        if case .resize(let w, let h) = k { size = (w, h) }
        return k
    }

    public func draw(_ screen: Screen) { screens.append(screen) }
}
