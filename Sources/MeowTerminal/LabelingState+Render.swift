import Foundation
import MeowCore

extension LabelingState {
    /// Draws the whole screen for the current state. Pure: same state, same grid.
    public func render(into screen: inout Screen, now: Date = Date()) {
        screen = Screen(width: width, height: height)
        if isTooSmall { return renderTooSmall(into: &screen) }
        renderHeader(into: &screen, now: now)
        switch mode {
        case .guideline(let scroll): renderGuideline(scroll: scroll, into: &screen)
        case .acknowledge(let scroll, _): renderGuideline(scroll: scroll, into: &screen)
        case .qualificationResult(let summary, let scroll): renderQualification(summary, scroll: scroll, into: &screen)
        case .blocked(let reason): renderBlocked(reason, into: &screen)
        case .empty: renderEmpty(into: &screen)
        case .loading: screen.put("loading the next item…", x: 2, y: headerRows + 1, style: .dim)
        default:
            // The item is laid out once per frame (the span screen's layout is the costly part).
            let lines = itemLines()
            renderItem(lines, into: &screen)
            renderFooter(into: &screen, itemLines: lines)
            return
        }
        renderFooter(into: &screen, itemLines: [])
    }

    public func render(now: Date = Date()) -> Screen {
        var s = Screen(width: width, height: height)
        render(into: &s, now: now)
        return s
    }

    private func renderTooSmall(into screen: inout Screen) {
        let lines = ["Window too small: \(width)x\(height).", "meow needs at least \(Self.minimumWidth)x\(Self.minimumHeight).", "Enlarge it, or press q to quit."]
        let top = max(0, height / 2 - 1)
        for (i, l) in lines.enumerated() {
            let lines = TextLayout.wrap(l, width: max(1, width))
            if let first = lines.first?.first?.text {
                screen.put(first, x: max(0, (width - DisplayWidth.of(first)) / 2), y: top + i, style: i == 0 ? .error : .plain)
            }
        }
    }

    /// The title row, then the progress row: `you: 3 labeled  ·  team: 10/40 ███░░ 25%  ·  12
    /// items/h`, with a rule below it; compact, the progress row is the rule itself.
    private func renderHeader(into screen: inout Screen, now: Date) {
        screen.fill(" ", x: 0, y: 0, count: width, style: .title)
        let right = " \(annotator) "
        let rightX = width - DisplayWidth.of(right)
        screen.put(" meow · \(project) — \(guideline.title)", x: 0, y: 0, style: .title, maxX: rightX - 1)
        screen.put(right, x: rightX, y: 0, style: .title)

        let sep = isCompact ? " · " : "  ·  "
        let mine = " you: \(progress.mine) labeled"
        let team = "\(sep)team: \(progress.teamDone)/\(progress.teamTotal)"
        let frac = progress.teamTotal > 0 ? Double(progress.teamDone) / Double(progress.teamTotal) : 0
        let percent = " \(Int((frac * 100).rounded(.down)))%"
        let rate = itemsPerHour(now: now).map { "\(sep)\(Int($0.rounded())) items/h" } ?? ""
        // The bar takes the room the words leave (compact, short of the scroll position on the right).
        let words = [mine, team, percent, rate].reduce(0) { $0 + DisplayWidth.of($1) }
        let reserve = isCompact ? (showsScrollPosition ? 12 : 2) : 0
        let room = min(isCompact ? 10 : 20, width - words - reserve - 2)
        let barWidth = room >= 4 ? room : 0
        if isCompact { screen.fill("─", x: 0, y: 1, count: width, style: .dim) }
        var x = screen.put(mine, x: 0, y: 1, style: .bold)
        x = screen.put(team, x: x, y: 1)
        if barWidth > 0 {
            let filled = Int((frac * Double(barWidth)).rounded(.down))
            x = screen.put(" ", x: x, y: 1)
            x = screen.put(String(repeating: "█", count: filled), x: x, y: 1, style: .success)
            x = screen.put(String(repeating: "░", count: barWidth - filled), x: x, y: 1, style: .dim)
        }
        x = screen.put(percent, x: x, y: 1)
        if !rate.isEmpty { x = screen.put(rate, x: x, y: 1, style: .dim) }
        if isCompact { screen.put(" ", x: x, y: 1) } else { screen.fill("─", x: 0, y: 2, count: width, style: .dim) }
    }

    /// Whether the mode shows its scroll position at the right end of the header's last row.
    private var showsScrollPosition: Bool {
        switch mode {
        case .guideline, .acknowledge: return true
        default: return false
        }
    }

    /// The item text as wrapped lines at the current width.
    func itemLines() -> [TextLayout.Line] { itemLayout().lines }

    /// The item as wrapped lines, as its task shows it (spans drawn over the text, the rating
    /// scale under it, the two candidates of a comparison), then the review context; with the
    /// line holding the span cursor.
    func itemLayout() -> (lines: [TextLayout.Line], cursorLine: Int?) {
        let inputs = LayoutCache.Inputs(item: item, width: width, spans: spans, cursor: cursor, anchor: anchor, shownFirst: shownFirst,
                                        guideline: guideline.contentHash)
        return layoutCache.layout(for: inputs, computeItemLayout)
    }

    private func computeItemLayout() -> (lines: [TextLayout.Line], cursorLine: Int?) {
        guard let item else { return ([], nil) }
        var lines: [TextLayout.Line]
        var cursorLine: Int?
        switch guideline.task {
        case .spans:
            lines = TextLayout.wrap(spanRuns(item.text), width: width - 4)
            cursorLine = lines.firstIndex { $0.contains { $0.style == .cursor } }
            lines += spanListLines(item.text)
        case .rate:
            lines = TextLayout.wrap(TextLayout.sanitize(item.text), width: width - 4) + [[]] + scaleLines()
        case .compare:
            lines = compareLines(item.text)
        case .classify, .multilabel:
            lines = TextLayout.wrap(TextLayout.sanitize(item.text), width: width - 4)
        }
        if let s = item.suggestion {
            lines.append([])
            lines += TextLayout.wrap(TextLayout.sanitize(suggestionLine(s)).map { TextLayout.Run(text: $0.text, style: $0.style == .escaped ? .escaped : .accent) }, width: width - 4)
        }
        if !item.context.isEmpty {
            lines.append([])
            for c in item.context {
                lines += TextLayout.wrap(TextLayout.sanitize(c).map { TextLayout.Run(text: $0.text, style: $0.style == .escaped ? .escaped : .accent) }, width: width - 4)
            }
        }
        return (lines, cursorLine)
    }

    /// What the screen says about a suggestion: whose, what, how sure, and how to take it.
    func suggestionLine(_ s: SuggestedAnswer) -> String {
        let score = s.score.map { String(format: " (score %.2f)", $0) } ?? ""
        let what: String
        switch s.value {
        case .spans(let spans): what = "\(spans.count) span\(spans.count == 1 ? "" : "s"), marked"
        default: what = s.value.labels.joined(separator: ", ") + " (selected)"
        }
        return "suggested by \(s.model)\(score): \(what) — ⏎ accepts, any other answer overrides"
    }

    /// The item text in runs styled per character: the cursor's token, the selection, and each
    /// span in its label's colour (the innermost span wins where spans overlap). Offsets are
    /// code points, as spans count them.
    func spanRuns(_ text: String) -> [TextLayout.Run] {
        let length = tokens?.length ?? text.unicodeScalars.count
        // Which label colours each code point: longer spans first, so shorter ones paint over.
        var paint = [Int8](repeating: -1, count: length)
        let index = Dictionary(guideline.labels.enumerated().map { ($1.value, $0) }, uniquingKeysWith: { a, _ in a })
        for s in spans.sorted(by: { $0.end - $0.start > $1.end - $1.start }) where s.start >= 0 && s.end <= length {
            let colour = Int8(truncatingIfNeeded: (index[s.label] ?? 0) % 6)
            for i in s.start..<s.end { paint[i] = colour }
        }
        var cursorRange = 0..<0, selected = 0..<0
        if let tokens, let sel = selection {
            let c = min(max(0, cursor), tokens.ranges.count - 1)
            cursorRange = tokens.ranges[c]
            if anchor != nil { selected = tokens.ranges[sel.lowerBound].lowerBound..<tokens.ranges[sel.upperBound].upperBound }
        }
        func style(at offset: Int) -> Style {
            if cursorRange.contains(offset) { return .cursor }
            if selected.contains(offset) { return .selected }
            return paint[offset] >= 0 ? Style.span(Int(paint[offset])) : .plain
        }
        var runs: [TextLayout.Run] = []
        var piece = "", pieceStyle = Style.plain, offset = 0
        func flush() {
            guard !piece.isEmpty else { return }
            for r in TextLayout.sanitize(piece) { runs.append(TextLayout.Run(text: r.text, style: r.style == .escaped ? .escaped : pieceStyle)) }
            piece = ""
        }
        for ch in text {
            let st = offset < length ? style(at: offset) : .plain
            if st != pieceStyle { flush(); pieceStyle = st }
            piece.append(ch)
            offset += ch.unicodeScalars.count
        }
        flush()
        return runs
    }

    /// Under the text: the marked spans in text order, each with its text and label, so they
    /// read without colour too.
    func spanListLines(_ text: String) -> [TextLayout.Line] {
        let scalars = Array(text.unicodeScalars)
        guard !spans.isEmpty else { return [[]] + TextLayout.wrap("no spans yet: select with ←→ and [ ], then press a label key; ⏎ submits", width: width - 4, style: .dim) }
        let index = Dictionary(guideline.labels.enumerated().map { ($1.value, $0) }, uniquingKeysWith: { a, _ in a })
        var runs: [TextLayout.Run] = [TextLayout.Run(text: "spans: ", style: .dim)]
        for (i, s) in spans.enumerated() {
            let covered = TextLayout.sanitize(s.text(in: scalars)).map(\.text).joined().replacingOccurrences(of: "\n", with: " ")
            runs.append(TextLayout.Run(text: "[" + covered + "]", style: Style.span(index[s.label] ?? 0)))
            runs.append(TextLayout.Run(text: " " + s.label + (i < spans.count - 1 ? "  " : ""), style: .dim))
        }
        return [[]] + TextLayout.wrap(runs, width: width - 4)
    }

    /// A rating scale's points, each with its name and definition.
    func scaleLines() -> [TextLayout.Line] {
        guideline.labels.flatMap { p in
            TextLayout.wrap([TextLayout.Run(text: "[\(p.value)] ", style: .hotkey), TextLayout.Run(text: p.name ?? p.value, style: .bold),
                             TextLayout.Run(text: " — " + p.definition, style: .plain)], width: width - 4)
        }
    }

    /// Columns side by side from this width (each candidate then gets about 48 cells).
    static let sideBySideWidth = 100

    /// A comparison: the prompt, then candidate A (the one shown first) and B, side by side
    /// when the window is wide enough, else one above the other.
    func compareLines(_ text: String) -> [TextLayout.Line] {
        guard let pair = ComparePair(text: text) else { return TextLayout.wrap(TextLayout.sanitize(text), width: width - 4) }
        let w = width - 4
        var out: [TextLayout.Line] = []
        if let prompt = pair.prompt, !prompt.isEmpty {
            out += TextLayout.wrap("Prompt", width: w, style: .accent)
            out += TextLayout.wrap(TextLayout.sanitize(prompt), width: w)
            out.append([])
        }
        let first = pair.candidate(shownFirst), second = pair.candidate(shownFirst.other)
        if width >= Self.sideBySideWidth {
            let col = (w - 3) / 2
            let left = TextLayout.wrap("A", width: col, style: .accent) + TextLayout.wrap(TextLayout.sanitize(first), width: col)
            let right = TextLayout.wrap("B", width: col, style: .accent) + TextLayout.wrap(TextLayout.sanitize(second), width: col)
            for i in 0..<max(left.count, right.count) {
                var line: TextLayout.Line = i < left.count ? left[i] : []
                let used = line.reduce(0) { $0 + DisplayWidth.of($1.text) }
                line.append(TextLayout.Run(text: String(repeating: " ", count: max(0, col - used)) + " │ ", style: .dim))
                if i < right.count { line += right[i] }
                out.append(line)
            }
        } else {
            out += TextLayout.wrap("A", width: w, style: .accent) + TextLayout.wrap(TextLayout.sanitize(first), width: w)
            out.append([])
            out += TextLayout.wrap("B", width: w, style: .accent) + TextLayout.wrap(TextLayout.sanitize(second), width: w)
        }
        return out
    }

    private func renderItem(_ lines: [TextLayout.Line], into screen: inout Screen) {
        guard let item else { return }
        var x = 0
        let top = headerRows
        if let banner = item.banner { x = screen.put(" " + banner + " ", x: 0, y: top, style: .selected) }
        x = screen.put(" item ", x: x, y: top, style: .dim)
        x = screen.put(TextLayout.sanitize(item.id).map(\.text).joined(), x: x, y: top, style: .bold, maxX: width / 2)
        for f in item.fields {
            x = screen.put("  \(f.name): ", x: x, y: top, style: .dim)
            x = screen.put(TextLayout.sanitize(f.value).map(\.text).joined(), x: x, y: top, maxX: width - 24)
        }
        var flags: [String] = []
        if unsure { flags.append("⚑ unsure") }
        if !comment.isEmpty { flags.append("✎ comment") }
        let flagText = flags.joined(separator: " ")
        if !flagText.isEmpty { screen.put(flagText, x: width - DisplayWidth.of(flagText) - 1, y: top, style: .warning) }

        let rows = textRows
        let maxScroll = max(0, lines.count - rows)
        let first = min(scroll, maxScroll)
        for (i, line) in lines.dropFirst(first).prefix(rows).enumerated() {
            var cx = 2
            for run in line { cx = screen.put(run.text, x: cx, y: top + 1 + i, style: run.style) }
        }
    }

    /// The keys that give a label: its hotkey and position digit; a rating point's own digit.
    func chipKey(_ i: Int, _ l: Guideline.Label) -> String {
        if guideline.task == .rate { return l.value }
        return (l.hotkey.map { "\($0)" } ?? "") + (i < 9 ? (l.hotkey == nil ? "" : "/") + "\(i + 1)" : "")
    }

    /// What a label's chip says: a rating point's name, a compare choice in screen terms.
    func chipText(_ l: Guideline.Label) -> String {
        switch guideline.task {
        case .rate: return l.name ?? l.value
        case .compare:
            switch l.value {
            case "a": return "A better"
            case "b": return "B better"
            case "both-bad": return "both bad"
            default: return l.value
            }
        default: return l.value
        }
    }

    private func renderBlocked(_ reason: String, into screen: inout Screen) {
        let top = max(headerRows + 1, height / 2 - 3)
        screen.put("You are paused in \(project).", x: 2, y: top, style: .error)
        var y = top + 2
        for line in TextLayout.wrap(TextLayout.sanitize(reason), width: width - 4) {
            var x = 2
            for run in line { x = screen.put(run.text, x: x, y: y, style: run.style) }
            y += 1
        }
        screen.put("Your recent answers go to a reviewer. An admin can lift the pause:", x: 2, y: y + 1, style: .dim)
        screen.put("meow annotators reinstate \(project) \(annotator)", x: 4, y: y + 2, style: .accent)
    }

    /// The qualification result as lines: the score, then each miss with the right label and why.
    func qualificationLines(_ s: QualificationSummary) -> [TextLayout.Line] {
        let w = width - 4
        var out: [TextLayout.Line] = []
        let pct = s.total > 0 ? Int((Double(s.correct) / Double(s.total) * 100).rounded()) : 0
        let head = s.passed ? "Qualified: \(s.correct)/\(s.total) correct (\(pct)%). Press ⏎ to start labeling."
                            : "Not qualified yet: \(s.correct)/\(s.total) correct (\(pct)%), \(Int((s.passMark * 100).rounded()))% needed."
        out += TextLayout.wrap(head, width: w, style: s.passed ? .success : .error)
        if !s.misses.isEmpty {
            out.append([])
            out += TextLayout.wrap(s.passed ? "Worth a look — what you missed:" : "Learn from what you missed, then press r to try again:", width: w, style: .accent)
        }
        for m in s.misses {
            out.append([])
            out += TextLayout.wrap(TextLayout.sanitize(m.text), width: w)
            out += TextLayout.wrap([TextLayout.Run(text: "you: ", style: .dim), TextLayout.Run(text: m.given, style: .error),
                                    TextLayout.Run(text: "   right: ", style: .dim), TextLayout.Run(text: m.correct, style: .success)], width: w)
            if !m.explanation.isEmpty { out += TextLayout.wrap("why: " + m.explanation, width: w) }
            for d in m.definition.split(separator: "\n") { out += TextLayout.wrap("definition — " + d, width: w, style: .dim) }
        }
        return out
    }

    private func renderQualification(_ s: QualificationSummary, scroll: Int, into screen: inout Screen) {
        let lines = qualificationLines(s)
        let rows = qualificationRows
        let top = min(scroll, max(0, lines.count - rows))
        for (i, line) in lines.dropFirst(top).prefix(rows).enumerated() {
            var x = 2
            for run in line { x = screen.put(run.text, x: x, y: headerRows + i, style: run.style) }
        }
    }

    private func renderEmpty(into screen: inout Screen) {
        let top = max(headerRows + 1, height / 2 - 3)
        let lines: [(String, Style)] = [
            ("Nothing left for you in \(project).", .success),
            ("You labeled \(progress.mine) items; the team has \(progress.teamDone) of \(progress.teamTotal) answers.", .plain),
            ("Items come back if someone skips or releases one; run meow label again later.", .dim),
        ]
        for (i, (l, style)) in lines.enumerated() {
            screen.put(l, x: max(2, (width - DisplayWidth.of(l)) / 2), y: top + i * 2, style: style)
        }
    }

    /// The guideline as wrapped lines: the Markdown body, then every label's definition and
    /// examples; on the acknowledgement screen after an update, what changed comes first.
    func guidelineLines() -> [TextLayout.Line] {
        let w = width - 4
        var out: [TextLayout.Line] = []
        if case .acknowledge = mode, let notice = guidelineNotice { out = noticeLines(notice, width: w) + [[]] }
        out += MarkdownText.lines(guideline.body, width: w)
        out.append([])
        out += TextLayout.wrap("Labels", width: w, style: .accent)
        for (i, l) in guideline.labels.enumerated() {
            let key = chipKey(i, l)
            out += TextLayout.wrap([TextLayout.Run(text: "[\(key)] ", style: .hotkey), TextLayout.Run(text: chipText(l), style: .bold),
                                    TextLayout.Run(text: " — " + l.definition, style: .plain)], width: w)
            for e in l.examples { out += indented(TextLayout.wrap("yes: " + e, width: w - 4), by: 4) }
            for e in l.counterExamples { out += indented(TextLayout.wrap("no:  " + e, width: w - 4, style: .dim), by: 4) }
        }
        out.append([])
        out += TextLayout.wrap("— end of the guideline —", width: w, style: .dim)
        return out
    }

    /// "Guideline v2 replaced v1 while you were labeling", what changed in each version, and an
    /// answer that was not saved.
    func noticeLines(_ n: GuidelineNotice, width w: Int) -> [TextLayout.Line] {
        var out = TextLayout.wrap("Guideline v\(n.version) replaced v\(n.previous) while you were labeling. What changed:", width: w, style: .accent)
        for v in n.changes.keys.sorted() {
            for line in n.changes[v]?.summary ?? [] {
                out += indented(TextLayout.wrap((n.changes.count > 1 ? "v\(v) " : "") + "· " + line, width: w - 2), by: 2)
            }
        }
        if let item = n.unsavedItem {
            out += TextLayout.wrap("Your answer to \(TextLayout.sanitize(item).map(\.text).joined()) was not saved: it came after v\(n.version).",
                                   width: w, style: .error)
        }
        return out
    }

    private func indented(_ lines: [TextLayout.Line], by n: Int) -> [TextLayout.Line] {
        lines.map { [TextLayout.Run(text: String(repeating: " ", count: n), style: .plain)] + $0 }
    }

    /// Rows of the guideline view, and the largest useful scroll.
    var guidelineRows: Int { max(1, height - headerRows - 2) }

    private func renderGuideline(scroll: Int, into screen: inout Screen) {
        let lines = guidelineLines()
        let maxScroll = max(0, lines.count - guidelineRows)
        let top = min(scroll, maxScroll)
        for (i, line) in lines.dropFirst(top).prefix(guidelineRows).enumerated() {
            var cx = 2
            for run in line { cx = screen.put(run.text, x: cx, y: headerRows + i, style: run.style) }
        }
        let pos = maxScroll == 0 ? "all shown" : (top >= maxScroll ? "end" : "\(Int(Double(top) / Double(maxScroll) * 100))%")
        screen.put(pos, x: width - DisplayWidth.of(pos) - 1, y: headerRows - 1, style: .dim)
    }

    private func renderFooter(into screen: inout Screen, itemLines: [TextLayout.Line]) {
        let sep = height - 5
        if showsLabelChips {
            screen.fill("─", x: 0, y: sep, count: width, style: .dim)
            if mode == .labeling {
                let total = itemLines.count
                let maxScroll = max(0, total - textRows)
                if maxScroll > 0 {
                    let top = min(scroll, maxScroll)
                    let more = top < maxScroll ? " ↓ more: lines \(top + 1)-\(top + textRows) of \(total) (↑↓ PgUp PgDn) " : " end: lines \(top + 1)-\(total) of \(total) "
                    screen.put(more, x: width - DisplayWidth.of(more) - 2, y: sep, style: .accent)
                }
            }
            renderLabelChips(into: &screen, rows: [height - 4, height - 3])
        }
        // Message or input line.
        if case .typing(let field) = mode {
            let prompt: String
            switch field { case .comment: prompt = "comment: "; case .unsureNote: prompt = "unsure — note (optional): " }
            var x = screen.put(prompt, x: 1, y: height - 2, style: .accent)
            let text = TextLayout.sanitize(field.text).map(\.text).joined()
            let visible = String(text.suffix(max(0, width - x - 3)))
            x = screen.put(visible, x: x, y: height - 2)
            screen.put("▏", x: x, y: height - 2, style: .accent)
        } else if let message {
            screen.put(" " + message.text, x: 0, y: height - 2, style: message.isError ? .error : .success)
        }
        // The key line: always says what the keys do.
        screen.fill(" ", x: 0, y: height - 1, count: width, style: .title)
        let (keys, gap) = fittedKeyLine()
        // The usual one-cell margin, unless the line needs that cell too.
        var x = keys.reduce(0) { $0 + DisplayWidth.of($1.0) + DisplayWidth.of($1.1) + 1 + gap.count } - gap.count < width ? 1 : 0
        for (key, help) in keys {
            if x + DisplayWidth.of(key) + DisplayWidth.of(help) + 1 > width { break }
            x = screen.put(key, x: x, y: height - 1, style: .hotkey)
            x = screen.put(" " + help + gap, x: x, y: height - 1, style: .title)
        }
    }

    /// The key line at this width: every listed binding with two spaces between when that fits,
    /// else one space; when even that is too wide (narrow windows), bindings whose keys the
    /// screen shows elsewhere (the label chips) go first, then those before the last, so that
    /// `q quit` always shows.
    func fittedKeyLine() -> (keys: [(String, String)], gap: String) {
        var bindings = Keymap.bindings(for: self).filter { $0.help != nil }
        /// Cells the line takes with one space between bindings, without the left margin.
        func length() -> Int { bindings.reduce(0) { $0 + DisplayWidth.of($1.label) + DisplayWidth.of($1.help ?? "") + 2 } - 1 }
        func entries() -> [(String, String)] { bindings.map { ($0.label, $0.help ?? "") } }
        if length() + bindings.count + 2 <= width { return (entries(), "  ") }
        if length() > width, showsLabelChips { bindings.removeAll { $0.shownOnChips } }
        while length() > width, bindings.count > 1 { bindings.remove(at: bindings.count - 2) }
        return (entries(), " ")
    }

    private var showsLabelChips: Bool {
        switch mode {
        case .labeling, .typing, .loading, .empty, .quitting: return true
        default: return false
        }
    }

    /// What the key line shows in the current mode (from the mode's table in `Keymap`).
    func keyLine() -> [(String, String)] { Keymap.keyLine(for: self) }

    private func renderLabelChips(into screen: inout Screen, rows: [Int]) {
        var row = 0
        var x = 1
        for (i, l) in guideline.labels.enumerated() {
            let key = chipKey(i, l)
            let isOn = selected.contains(l.value)
            let chip = (isOn ? "✓" : "") + chipText(l)
            let w = DisplayWidth.of(key) + DisplayWidth.of(chip) + 4
            if x + w > width, row + 1 < rows.count { row += 1; x = 1 }
            x = screen.put("[" + key + "]", x: x, y: rows[row], style: .hotkey)
            // On the span screen the chips are the legend: each label in its colour.
            let style: Style = guideline.task == .spans ? .span(i) : (isOn ? .selected : .bold)
            x = screen.put(" " + chip, x: x, y: rows[row], style: style)
            x += 2
        }
    }
}
