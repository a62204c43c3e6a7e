import CNcursesw
import Foundation
import MeowTerminal

/// The only place meow talks to ncurses: it copies a `Screen` to the terminal and turns
/// input into `Key`s. Everything else about the screen lives in MeowTerminal.
public final class CursesTerminal: Terminal {
    private var previous: Screen?
    private var attrs: [Style: Int32] = [:]
    private var started = false

    /// Starts curses (UTF-8 locale, raw keys, 25 ms Esc delay) and installs handlers that
    /// restore the terminal on a crash or kill signal.
    public init() throws {
        guard isatty(0) == 1, isatty(1) == 1 else { throw CursesError.notATerminal }
        TerminalLocale.setUTF8()
        // A parent may have left SIGWINCH blocked or ignored (exec keeps both); ncurses only
        // reports resizes when it can install its own handler and the signal gets through.
        var none = sigset_t()
        sigemptyset(&none)
        pthread_sigmask(SIG_SETMASK, &none, nil)
        signal(SIGWINCH, SIG_DFL)
        set_escdelay(25)
        guard initscr() != nil else { throw CursesError.cannotStart(ProcessInfo.processInfo.environment["TERM"] ?? "") }
        started = true
        raw()
        noecho()
        nonl()
        keypad(meow_stdscr(), true)
        curs_set(0)
        attrs = Self.styleAttributes()
        Self.installSignalHandlers()
    }

    deinit { restore() }

    /// Gives the terminal back in the state it was found. Safe to call twice.
    public func restore() {
        guard started else { return }
        started = false
        curs_set(1)
        endwin()
    }

    public var size: (width: Int, height: Int) { (Int(meow_cols()), Int(meow_lines())) }

    public func readKey() -> Key? {
        while true {
            var ch: wint_t = 0
            let rc = wget_wch(meow_stdscr(), &ch)
            if rc == ERR { continue }
            if rc == KEY_CODE_YES {
                switch Int32(ch) {
                case KEY_UP: return .up
                case KEY_DOWN: return .down
                case KEY_LEFT: return .left
                case KEY_RIGHT: return .right
                case KEY_SLEFT: return .shiftLeft
                case KEY_SRIGHT: return .shiftRight
                case KEY_PPAGE: return .pageUp
                case KEY_NPAGE: return .pageDown
                case KEY_HOME: return .home
                case KEY_END: return .end
                case KEY_BACKSPACE: return .backspace
                case KEY_ENTER: return .enter
                case meow_key_resize():
                    previous = nil
                    return .resize(width: Int(meow_cols()), height: Int(meow_lines()))
                default: continue
                }
            }
            switch ch {
            case 3: return .ctrlC
            case 10, 13: return .enter
            case 27: return .escape
            case 8, 127: return .backspace
            case 9: return .tab
            default:
                guard ch >= 32, let scalar = Unicode.Scalar(UInt32(ch)) else { continue }
                return .character(Character(scalar))
            }
        }
    }

    /// Copies the grid out, rewriting only rows that changed since the last frame.
    public func draw(_ screen: Screen) {
        let full = previous == nil || previous!.width != screen.width || previous!.height != screen.height
        if full { erase() }
        for y in 0..<screen.height {
            if !full, let p = previous, rowEqual(p, screen, y) { continue }
            var x = 0
            while x < screen.width {
                let style = screen[x, y].style
                var run = ""
                let start = x
                while x < screen.width, screen[x, y].style == style {
                    let c = screen[x, y]
                    if !c.isContinuation { run.append(c.character) }
                    x += 1
                }
                _ = meow_attrset(attrs[style] ?? 0)
                _ = meow_mvaddstr(Int32(y), Int32(start), run)
            }
        }
        _ = meow_attrset(0)
        refresh()
        previous = screen
    }

    private func rowEqual(_ a: Screen, _ b: Screen, _ y: Int) -> Bool {
        for x in 0..<a.width where a[x, y] != b[x, y] { return false }
        return true
    }

    /// Colors when the terminal has them and NO_COLOR is unset; bold/reverse/underline otherwise.
    private static func styleAttributes() -> [Style: Int32] {
        let bold = meow_attr_bold(), rev = meow_attr_reverse(), dim = meow_attr_dim(), ul = meow_attr_underline()
        let noColor = !(ProcessInfo.processInfo.environment["NO_COLOR"] ?? "").isEmpty
        guard !noColor, has_colors() else {
            // Spans without colour: underlined, every other label bold too, the cursor reversed.
            return [.plain: 0, .dim: dim, .bold: bold, .title: rev, .accent: bold | ul, .hotkey: bold,
                    .selected: rev | bold, .error: bold, .success: 0, .warning: bold, .escaped: ul,
                    .span0: ul, .span1: ul | bold, .span2: ul, .span3: ul | bold, .span4: ul, .span5: ul | bold, .cursor: rev]
        }
        start_color()
        use_default_colors()
        init_pair(1, Int16(COLOR_CYAN), -1)
        init_pair(2, Int16(COLOR_YELLOW), -1)
        init_pair(3, Int16(COLOR_GREEN), -1)
        init_pair(4, Int16(COLOR_RED), -1)
        init_pair(5, Int16(COLOR_MAGENTA), -1)
        // One colour per span label (black text on a coloured background, underlined too).
        let spanColours = [COLOR_CYAN, COLOR_YELLOW, COLOR_GREEN, COLOR_MAGENTA, COLOR_BLUE, COLOR_RED]
        for (i, c) in spanColours.enumerated() { init_pair(Int16(10 + i), Int16(COLOR_BLACK), Int16(c)) }
        func span(_ i: Int) -> Int32 { meow_color_pair(Int32(10 + i)) | ul }
        return [.span0: span(0), .span1: span(1), .span2: span(2), .span3: span(3), .span4: span(4), .span5: span(5), .cursor: rev | bold,
                .plain: 0, .dim: dim, .bold: bold, .title: rev | meow_color_pair(1), .accent: bold | meow_color_pair(1),
                .hotkey: bold | meow_color_pair(2), .selected: rev | bold | meow_color_pair(3), .error: bold | meow_color_pair(4),
                .success: meow_color_pair(3), .warning: meow_color_pair(2), .escaped: meow_color_pair(5)]
    }

    private static func installSignalHandlers() {
        for sig in [SIGTERM, SIGHUP, SIGSEGV, SIGABRT, SIGBUS, SIGILL, SIGFPE, SIGINT, SIGQUIT] {
            signal(sig) { s in
                endwin()
                signal(s, SIG_DFL)
                raise(s)
            }
        }
    }
}

public enum CursesError: Error, CustomStringConvertible {
    case notATerminal
    case cannotStart(String)
    public var description: String {
        switch self {
        case .notATerminal: return "meow label needs a terminal (standard input and output must be a TTY); use `meow next`/`meow submit` in scripts"
        case .cannotStart(let term): return "cannot start the terminal UI for TERM='\(term)'"
        }
    }
}
