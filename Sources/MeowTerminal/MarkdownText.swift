/// Just enough Markdown for reading a guideline in a terminal: headings stand out, paragraphs
/// and list items are reflowed to the width, code blocks stay verbatim, emphasis marks go.
public enum MarkdownText {
    public static func lines(_ markdown: String, width: Int) -> [TextLayout.Line] {
        var out: [TextLayout.Line] = []
        var paragraph = ""
        var paragraphIndent = 0
        var hangingIndent = 0
        var inFence = false

        func clean(_ s: String) -> String {
            s.replacingOccurrences(of: "**", with: "").replacingOccurrences(of: "__", with: "").replacingOccurrences(of: "`", with: "")
        }
        func flush() {
            guard !paragraph.isEmpty else { return }
            let runs = TextLayout.sanitize(clean(paragraph))
            let wrapped = TextLayout.wrap(runs, width: max(10, width - paragraphIndent - hangingIndent))
            for (i, l) in wrapped.enumerated() {
                let pad = paragraphIndent + (i > 0 ? hangingIndent : 0)
                out.append(pad == 0 ? l : [TextLayout.Run(text: String(repeating: " ", count: pad), style: .plain)] + l)
            }
            paragraph = ""
        }

        for raw in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(raw)
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("```") {
                flush()
                inFence.toggle()
                continue
            }
            if inFence {
                out.append(TextLayout.sanitize(line).map { TextLayout.Run(text: $0.text, style: $0.style == .escaped ? .escaped : .dim) })
                continue
            }
            if trimmed.isEmpty {
                flush()
                if out.last.map({ !$0.isEmpty }) ?? false { out.append([]) }
                continue
            }
            if trimmed.hasPrefix("#") {
                flush()
                let heading = clean(String(trimmed.drop(while: { $0 == "#" })).trimmingCharacters(in: .whitespaces))
                out += TextLayout.wrap(TextLayout.sanitize(heading).map { TextLayout.Run(text: $0.text, style: .accent) }, width: width)
                continue
            }
            let indent = line.prefix(while: { $0 == " " }).count
            let marker = listMarker(trimmed)
            if marker > 0 {
                flush()
                paragraphIndent = indent
                hangingIndent = marker
                paragraph = trimmed
                continue
            }
            if paragraph.isEmpty { paragraphIndent = indent; hangingIndent = 0; paragraph = trimmed }
            else { paragraph += " " + trimmed }
        }
        flush()
        return out
    }

    /// Width of a list marker ("- ", "* ", "12. ") at the start of the line, or 0.
    static func listMarker(_ s: String) -> Int {
        if s.hasPrefix("- ") || s.hasPrefix("* ") || s.hasPrefix("+ ") { return 2 }
        let digits = s.prefix(while: { $0.isASCII && $0.isNumber })
        if !digits.isEmpty, s.dropFirst(digits.count).hasPrefix(". ") { return digits.count + 2 }
        return 0
    }
}
