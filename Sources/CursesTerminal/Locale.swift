import CNcursesw
import Foundation

/// ncurses needs a UTF-8 locale before `initscr`, or boxes turn into `lqqk` and wide input hangs.
enum TerminalLocale {
    static func setUTF8() {
        setlocale(LC_ALL, "")
        let codeset = String(cString: nl_langinfo(nl_item(CODESET)))
        if codeset.uppercased() != "UTF-8" {
            if setlocale(LC_ALL, "C.UTF-8") == nil { setlocale(LC_ALL, "en_US.UTF-8") }
        }
    }
}
