import Foundation

/// A folder of files written as one (a Hugging Face dataset: splits and a card). Nothing
/// appears at the target until every file is complete and synced: the files go into a hidden
/// temporary folder beside the target (`.NAME.partial-PID`, same file system), which is then
/// renamed into place. A half-written dataset is never visible, and a failure leaves the old
/// folder as it was.
///
/// An existing folder is replaced only when it is empty, or with `force` when it holds nothing
/// but what an export writes (`README.md` and `*.jsonl` files): `--force` on `.` or a home
/// folder is refused rather than wiping it. The workspace can never be inside what is replaced.
public final class OutputFolder {
    public let path: String
    let target: String
    let temporary: String
    /// The target existed and was not empty (replaced under `force`).
    let replacesFiles: Bool
    private var files: [OutputFile] = []
    private var finished = false

    public init(_ path: String, force: Bool, protecting protected: [String]) throws {
        self.path = path
        guard !path.isEmpty, path != "-" else { throw OutputFileError(path: path, reason: "a dataset is a folder: give a folder name to --out") }
        let resolved = try OutputFile.resolvingSymlinks(path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path)
        target = Self.absolute(resolved)
        guard target != "/" else { throw OutputFileError(path: path, reason: "is the root folder; give a folder for the dataset") }
        let parent = Self.parent(of: target)
        var st = stat()
        guard stat(parent, &st) == 0, st.st_mode & S_IFMT == S_IFDIR else {
            throw OutputFileError(path: path, reason: "the directory \(parent) does not exist")
        }
        var entries: [String] = []
        if stat(target, &st) == 0 {
            guard st.st_mode & S_IFMT == S_IFDIR else { throw OutputFileError(path: path, reason: "exists and is not a folder") }
            entries = try FileManager.default.contentsOfDirectory(atPath: target)
        }
        replacesFiles = !entries.isEmpty
        if replacesFiles {
            guard force else {
                throw OutputFileError(path: path, reason: "exists and is not empty; --force replaces a previous export there (README.md and .jsonl files only)")
            }
            for name in entries.sorted() {
                var est = stat()
                let isFile = lstat(target + "/" + name, &est) == 0 && est.st_mode & S_IFMT == S_IFREG
                guard isFile, name == "README.md" || name.hasSuffix(".jsonl") || name.hasSuffix(".jsonl.manifest.json") else {
                    throw OutputFileError(path: path, reason: "holds '\(name)', which is not part of an export; --force replaces only a folder of README.md and .jsonl files")
                }
                // A name is not a content: an export's files are text, never a database.
                if Self.isDatabase(target + "/" + name) {
                    throw OutputFileError(path: path, reason: "holds '\(name)', a SQLite database, not an export; meow never replaces it")
                }
            }
            for p in protected where !p.isEmpty && p != ":memory:" {
                let real = OutputFile.canonical((try? OutputFile.resolvingSymlinks(p)) ?? p)
                if real.hasPrefix(target + "/") { throw OutputFileError(path: path, reason: "holds the workspace; meow never replaces it") }
            }
        }
        let base = Self.lastComponent(target)
        Self.removeStalePartials(in: parent, of: base)
        temporary = parent + "/." + base + ".partial-\(getpid())"
        try? FileManager.default.removeItem(atPath: temporary)
        if mkdir(temporary, 0o777) != 0 { throw OutputFileError(path: path, errno: errno, doing: "cannot create a folder beside it") }
    }

    deinit { if !finished { abandon() } }

    /// A new file in the folder (written in the temporary folder until `commit`).
    public func file(_ name: String) throws -> OutputFile {
        let f = try OutputFile(temporary + "/" + name)
        files.append(f)
        return f
    }

    /// Completes every file, then puts the folder in place of the target.
    public func commit() throws {
        do {
            for f in files { try f.commit() }
            OutputFile.syncDirectory(of: temporary + "/x")
        } catch {
            abandon()
            throw error
        }
        finished = true
        let parent = Self.parent(of: target)
        if !replacesFiles {
            // rename(2) puts a folder over a missing or empty one in one step.
            if rename(temporary, target) != 0 {
                let e = errno
                try? FileManager.default.removeItem(atPath: temporary)
                throw OutputFileError(path: path, errno: e, doing: "cannot rename into place")
            }
        } else {
            let old = parent + "/." + Self.lastComponent(target) + ".old-\(getpid())"
            try? FileManager.default.removeItem(atPath: old)
            guard rename(target, old) == 0 else {
                let e = errno
                try? FileManager.default.removeItem(atPath: temporary)
                throw OutputFileError(path: path, errno: e, doing: "cannot move the old folder aside")
            }
            if rename(temporary, target) != 0 {
                let e = errno
                _ = rename(old, target)
                try? FileManager.default.removeItem(atPath: temporary)
                throw OutputFileError(path: path, errno: e, doing: "cannot rename into place")
            }
            try? FileManager.default.removeItem(atPath: old)
        }
        OutputFile.syncDirectory(of: target)
    }

    /// Drops everything written; the target stays as it was.
    public func abandon() {
        guard !finished else { return }
        finished = true
        for f in files { f.abandon() }
        try? FileManager.default.removeItem(atPath: temporary)
    }

    /// An absolute path without `.`, `..` or symlinks in it (`.`, `..` and `ds/` included,
    /// which Foundation's path methods do not all survive), for a folder that may not exist yet.
    static func absolute(_ path: String) -> String {
        if let real = realPath(path) { return real }
        let slash = path.lastIndex(of: "/")
        let dir = slash.map { String(path[..<$0]) } ?? "."
        let base = slash.map { String(path[path.index(after: $0)...]) } ?? path
        let realDir = realPath(dir.isEmpty ? "/" : dir) ?? dir
        return realDir == "/" ? "/" + base : realDir + "/" + base
    }

    static func realPath(_ path: String) -> String? {
        var buf = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard realpath(path, &buf) != nil else { return nil }
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The folder holding an absolute path.
    static func parent(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
        return String(path[..<slash])
    }

    static func lastComponent(_ path: String) -> String {
        path.lastIndex(of: "/").map { String(path[path.index(after: $0)...]) } ?? path
    }

    /// Removes `.NAME.partial-PID` and `.NAME.old-PID` folders whose process is gone (a killed export).
    static func removeStalePartials(in dir: String, of base: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return }
        for prefix in ["." + base + ".partial-", "." + base + ".old-"] {
            for name in names where name.hasPrefix(prefix) {
                guard let pid = Int32(name.dropFirst(prefix.count)), pid > 0, pid != getpid() else { continue }
                if kill(pid, 0) != 0 && errno == ESRCH { try? FileManager.default.removeItem(atPath: dir + "/" + name) }
            }
        }
    }
}

extension OutputFolder {
    /// Whether the file starts with SQLite's header ("SQLite format 3" and a NUL).
    static func isDatabase(_ path: String) -> Bool {
        guard let h = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? h.close() }
        let head = (try? h.read(upToCount: 16)) ?? Data()
        return head == Data("SQLite format 3\0".utf8)
    }
}
