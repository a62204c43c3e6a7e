import Foundation

/// The CSV half of `LongFormatParser`: a plain-record fast path, the general quote-aware scan,
/// and the header that names the columns.
extension LongFormatParser {
    mutating func consumeCSV(_ p: UnsafePointer<UInt8>, _ count: Int, final: Bool) throws(LongFormatError) -> Int {
        var pos = 0
        while pos < count {
            if !generalPathsOnly, let columns, let next = try plainRecord(p, from: pos, count: count, final: final, columns: columns) {
                pos = next
                continue
            }
            guard let lineEnd = Self.lineEnd(p, from: pos, count: count, final: final) else { break }
            var e = lineEnd
            if e > pos && p[e - 1] == 0x0D { e -= 1 }
            if Self.firstNonBlank(p, pos, e) == nil {
                line += 1
                pos = lineEnd + 1
                continue
            }
            if !generalPathsOnly && Self.find(0x22, p, from: pos, to: e) == nil {
                // No quotes: fields are the bytes between commas.
                line += 1
                fieldStart.removeAll(keepingCapacity: true)
                fieldEnd.removeAll(keepingCapacity: true)
                var s = pos
                while let comma = Self.find(0x2C, p, from: s, to: e) {
                    fieldStart.append(s)
                    fieldEnd.append(comma)
                    s = comma + 1
                }
                fieldStart.append(s)
                fieldEnd.append(e)
                try record(p, line: line)
                pos = lineEnd + 1
                continue
            }
            // Quoted fields, possibly spanning lines.
            let first = line + 1
            guard let (next, lines) = try quotedRecord(p, from: pos, count: count, final: final, firstLine: first) else {
                return pos
            }
            line += lines
            pos = next
            // A record of one blank field (`""`, `"  "`) is a blank line, as an unquoted one is.
            if fieldStart.count == 1 && Self.firstNonBlank(scratch.base, fieldStart[0], fieldEnd[0]) == nil { continue }
            try record(UnsafePointer(scratch.base), line: first)
        }
        return min(pos, count)
    }

    /// The common record once the header is read: one line without quotes and with every
    /// column the header named. Its fields are found in one pass over its bytes and handed to
    /// the sink; returns where the next line starts, or nil (nothing consumed) for any other
    /// line, which the scan below reads by the same rules. Why: at a million records the
    /// general scan's calls (a `memchr` per comma, quote and line end) and field arrays were a
    /// quarter of the read.
    @inline(__always)
    private mutating func plainRecord(_ p: UnsafePointer<UInt8>, from pos: Int, count: Int, final: Bool,
                                      columns: (item: Int, annotator: Int, label: Int)) throws(LongFormatError) -> Int? {
        var item = (0, 0), annotator = (0, 0), label = (0, 0)
        var field = 0, start = pos, i = pos
        while i < count {
            let b = p[i]
            // ',' (0x2C), '"' (0x22) and '\n' (0x0A) are the only bytes that matter here, and
            // names are mostly letters and digits, above 0x2C: one comparison for those.
            if b <= 0x2C {
                if b == 0x2C {
                    if field == columns.item { item = (start, i) }
                    if field == columns.annotator { annotator = (start, i) }
                    if field == columns.label { label = (start, i) }
                    field += 1
                    start = i + 1
                } else if b == 0x0A {
                    break
                } else if b == 0x22 {
                    return nil
                }
            }
            i += 1
        }
        if i == count && !final { return nil } // the line's end is not in the buffer yet
        var e = i
        if e > start && p[e - 1] == 0x0D { e -= 1 }
        if field == columns.item { item = (start, e) }
        if field == columns.annotator { annotator = (start, e) }
        if field == columns.label { label = (start, e) }
        // Too few fields (or a blank line): the general scan says so.
        if field < max(columns.item, columns.annotator, columns.label) { return nil }
        line += 1
        try deliver(p, item: item, annotator: annotator, label: label, line: line)
        return i + 1
    }

    /// One CSV record whose fields are `fieldStart`/`fieldEnd` ranges in `p`.
    private mutating func record(_ p: UnsafePointer<UInt8>, line: Int) throws(LongFormatError) {
        guard let columns else {
            try readHeader(p, line: line)
            return
        }
        let needed = max(columns.item, columns.annotator, columns.label) + 1
        guard fieldStart.count >= needed else {
            throw error("expected at least \(needed) fields, found \(fieldStart.count)", line: line)
        }
        try deliver(p, item: (fieldStart[columns.item], fieldEnd[columns.item]),
                    annotator: (fieldStart[columns.annotator], fieldEnd[columns.annotator]),
                    label: (fieldStart[columns.label], fieldEnd[columns.label]), line: line)
    }

    /// The header names the columns, in any order and case, with spaces around a name ignored;
    /// other columns are ignored, and a name given twice counts where it first appears.
    private mutating func readHeader(_ p: UnsafePointer<UInt8>, line: Int) throws(LongFormatError) {
        let names = (0..<fieldStart.count).map { k in
            String(decoding: UnsafeBufferPointer(start: p + fieldStart[k], count: fieldEnd[k] - fieldStart[k]), as: UTF8.self)
                .trimmingCharacters(in: .whitespaces).lowercased()
        }
        var found: [String: Int] = [:]
        for (k, name) in names.enumerated() where found[name] == nil { found[name] = k }
        guard let item = found["item"], let annotator = found["annotator"], let label = found["label"] else {
            let required = ["item", "annotator", "label"].first { found[$0] == nil } ?? "item"
            throw error("missing column \"\(required)\" in the header (expected item,annotator,label; found \(names.joined(separator: ",")))", line: line)
        }
        columns = (item, annotator, label)
    }

    /// Reads the record starting at `s` into `scratch` (unescaped bytes) and
    /// `fieldStart`/`fieldEnd`; returns where the next record starts and how many physical
    /// lines this one used, or nil when the record does not end inside the buffer yet.
    ///
    /// The rules are `CSVReader`'s, line by line: a field that starts with a double quote
    /// runs to the matching quote, and inside it commas, line breaks and doubled quotes (`""`)
    /// are literal; after the closing quote comes a comma or the end of the line, anything
    /// else is an error on that line; a quote inside an unquoted field is an ordinary
    /// character; a quoted field still open at the end of the file is an error on the
    /// record's first line. A line break inside quotes is kept as written (LF or CRLF).
    private mutating func quotedRecord(_ p: UnsafePointer<UInt8>, from s: Int, count: Int, final: Bool,
                                       firstLine: Int) throws(LongFormatError) -> (next: Int, lines: Int)? {
        let out = scratch
        out.start = 0
        out.end = 0
        fieldStart.removeAll(keepingCapacity: true)
        fieldEnd.removeAll(keepingCapacity: true)
        var fieldBegin = 0
        var inQuotes = false
        var lines = 0
        var i = s
        var lineBreakCRLF = false
        while true {
            guard let lineEnd = Self.lineEnd(p, from: i, count: count, final: final) else { return nil }
            var e = lineEnd
            var crlf = false
            if e > i && p[e - 1] == 0x0D { e -= 1; crlf = true }
            lines += 1
            if inQuotes {
                if lineBreakCRLF { out.append(0x0D) }
                out.append(0x0A)
            }
            var j = i
            while j < e {
                let c = p[j]
                if inQuotes {
                    if c == 0x22 {
                        if j + 1 < e && p[j + 1] == 0x22 {
                            out.append(0x22)
                            j += 2
                            continue
                        }
                        inQuotes = false
                        j += 1
                        if j < e && p[j] != 0x2C {
                            throw error("CSV: text after a closing quote (a quote inside a quoted field must be doubled)", line: firstLine + lines - 1)
                        }
                        continue
                    }
                    out.append(c)
                } else if c == 0x2C {
                    fieldStart.append(fieldBegin)
                    fieldEnd.append(out.end)
                    fieldBegin = out.end
                } else if c == 0x22 && out.end == fieldBegin {
                    inQuotes = true
                } else {
                    out.append(c)
                }
                j += 1
            }
            lineBreakCRLF = crlf
            let atEnd = lineEnd >= count
            i = atEnd ? count : lineEnd + 1
            if !inQuotes {
                fieldStart.append(fieldBegin)
                fieldEnd.append(out.end)
                return (i, lines)
            }
            if atEnd { throw error("CSV: a quoted field is never closed", line: firstLine) }
        }
    }
}
