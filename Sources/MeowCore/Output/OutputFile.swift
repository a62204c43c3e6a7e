import Foundation

/// A file meow writes (an export, its manifest, an HTML report). Every file meow writes goes
/// through this one writer, because a careless `--out` must never cost a workspace:
///
/// - It refuses the workspace itself, its `-wal`, `-shm` and `-journal` companions (by path
///   and by inode, so a hard link or symlink is caught too) and any existing SQLite database.
/// - `-` is standard output; character devices, FIFOs and sockets are written in place
///   (`/dev/full` reports its error instead of being replaced by a regular file).
/// - A regular file is written to a temporary beside it and renamed into place after an
///   fsync, so a failure (a full disk, a kill) leaves the old file whole. The new file keeps
///   the old one's permissions (and owner, when meow runs as root). A symlink is written
///   through: its target is replaced, the link stays.
/// - Every write is checked; the first failure is an error naming the file and the cause.
/// - Temporaries are named `FILE.tmp-PID`; ones left by a killed meow are removed on the next
///   write to the same file.
public final class OutputFile {
    public let path: String
    enum Kind {
        case standardOutput
        case inPlace(fd: Int32)
        case replacing(fd: Int32, target: String, temporary: String)
    }
    let kind: Kind
    private var buffer: [UInt8] = []
    private var finished = false

    /// Opens `path` for writing. `protected` lists files that must never be written (the
    /// workspace); their SQLite companions are protected with them. `newFileMode` is the mode of
    /// a file that does not exist yet (a manifest takes its data file's), before the umask.
    public init(_ path: String, protecting protected: [String] = [], newFileMode: mode_t = 0o666) throws {
        self.path = path
        if path == "-" { kind = .standardOutput; return }
        guard !path.isEmpty else { throw OutputFileError(path: path, reason: "empty file name") }
        var st = stat()
        // What the kernel reaches through every link (`/dev/stdout`, `/dev/fd/3`, `>(cmd)`): a
        // device, FIFO or socket is written in place, exactly where the user pointed.
        if stat(path, &st) == 0 {
            let type = st.st_mode & S_IFMT
            if type == S_IFDIR { throw OutputFileError(path: path, reason: "is a directory") }
            if type == S_IFCHR || type == S_IFIFO || type == S_IFSOCK || type == S_IFBLK {
                let fd = open(path, O_WRONLY | O_CLOEXEC)
                if fd < 0 { throw OutputFileError(path: path, errno: errno, doing: "cannot open") }
                kind = .inPlace(fd: fd)
                return
            }
        }
        // A regular file (or a new one): replaced atomically, so the final target of any
        // symlinks is what gets renamed over.
        let target = try OutputFile.resolvingSymlinks(path)
        try OutputFile.refuseProtected(target, shownAs: path, protected: protected)
        let dir = (target as NSString).deletingLastPathComponent
        let dirPath = dir.isEmpty ? "." : dir
        var dst = stat()
        if stat(dirPath, &dst) != 0 { throw OutputFileError(path: path, reason: "the directory \(dirPath) does not exist") }
        let exists = stat(target, &st) == 0
        if exists {
            if OutputFile.isSQLiteFile(target) {
                throw OutputFileError(path: path, reason: "is a SQLite database; meow never writes over one (choose another file name)")
            }
            // Replacing needs only the directory's permission; a file the user may not write
            // (or could not give back to its owner and group) is refused, as `>` would refuse it.
            if access(target, W_OK) != 0 { throw OutputFileError(path: path, errno: errno, doing: "cannot write") }
            if geteuid() != 0 && st.st_uid != geteuid() {
                throw OutputFileError(path: path, reason: "belongs to another user; meow replaces files whole and would take it over (remove it first, or choose another name)")
            }
        }
        OutputFile.removeStaleTemporaries(of: target)
        let tmp = target + ".tmp-\(getpid())"
        unlink(tmp)   // our own leftover, should a previous OutputFile in this process have died
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, exists ? (st.st_mode & 0o7777) : newFileMode)
        if fd < 0 {
            let e = errno
            if e == EACCES || e == EROFS || e == EPERM {
                throw OutputFileError(path: path, reason: "its directory \(dirPath) is not writable (\(String(cString: strerror(e)))); meow writes the new file beside the old one and renames it into place")
            }
            throw OutputFileError(path: path, errno: e, doing: "cannot write")
        }
        if exists {
            // open() applies the umask; an existing file's exact mode, owner and group are kept.
            _ = fchmod(fd, st.st_mode & 0o7777)
            if geteuid() == 0 {
                _ = fchown(fd, st.st_uid, st.st_gid)
            } else if st.st_gid != getegid(), fchown(fd, uid_t.max, st.st_gid) != 0 {
                close(fd); unlink(tmp)
                throw OutputFileError(path: path, reason: "its group could not be kept (you are not a member of it); remove it first, or choose another name")
            }
        }
        existingMode = exists ? st.st_mode & 0o7777 : nil
        kind = .replacing(fd: fd, target: target, temporary: tmp)
    }

    /// The mode of the file being replaced, if it existed (a manifest beside it takes it).
    public private(set) var existingMode: mode_t?

    deinit { if !finished { abandon() } }

    /// True for a regular file (replaced atomically); false for standard output and devices.
    public var isRegularFile: Bool {
        if case .replacing = kind { return true }
        return false
    }

    /// Appends bytes; they reach the file in blocks, each write checked.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        buffer.append(contentsOf: bytes)
        if buffer.count >= 1 << 18 { try drain() }
    }

    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    public func write(_ text: String) throws {
        try write(Array(text.utf8))
    }

    private var fd: Int32 {
        switch kind {
        case .standardOutput: return 1
        case .inPlace(let fd), .replacing(let fd, _, _): return fd
        }
    }

    private func drain() throws {
        var off = 0
        while off < buffer.count {
            let n = buffer.withUnsafeBytes { Foundation.write(fd, $0.baseAddress! + off, $0.count - off) }
            if n < 0 {
                if errno == EINTR { continue }
                let e = errno
                buffer.removeAll()
                throw OutputFileError(path: path, errno: e, doing: "write failed")
            }
            off += n
        }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Writes what is buffered and makes it durable (fsync), without yet replacing the old file.
    func flushAndSync() throws {
        try drain()
        if case .replacing(let fd, _, _) = kind {
            if fsync(fd) != 0 { throw OutputFileError(path: path, errno: errno, doing: "write failed") }
        }
    }

    /// Finishes the file: flushed, synced and (for a regular file) renamed into place.
    public func commit() throws {
        try OutputFile.commit([self])
    }

    /// Finishes several files as one: a data file and its manifest must never disagree. All
    /// are written and synced first (a full disk fails here, before anything is replaced);
    /// then the old companions (the files after the first) are removed, the first file is
    /// renamed into place and the companions after it. A crash in between leaves the new data
    /// without a manifest, never beside an old manifest that describes other data.
    public static func commit(_ files: [OutputFile]) throws {
        do {
            for f in files { try f.flushAndSync() }
            for f in files {
                switch f.kind {
                case .standardOutput: break
                case .inPlace(let fd), .replacing(let fd, _, _):
                    if close(fd) != 0 { throw OutputFileError(path: f.path, errno: errno, doing: "write failed") }
                }
            }
        } catch {
            for f in files { f.abandon() }
            throw error
        }
        // Two meows exporting to the same file at once must not interleave their renames (new
        // data of one beside the manifest of the other): the swap holds a lock on the directory.
        var lockFD: Int32 = -1
        if case .replacing(_, let target, _) = files.first?.kind {
            let dir = (target as NSString).deletingLastPathComponent
            lockFD = open(dir.isEmpty ? "." : dir, O_RDONLY | O_CLOEXEC)
            if lockFD >= 0 { _ = flock(lockFD, LOCK_EX) }
        }
        defer { if lockFD >= 0 { flock(lockFD, LOCK_UN); close(lockFD) } }
        for f in files.dropFirst() {
            if case .replacing(_, let target, _) = f.kind { unlink(target) }
        }
        for f in files {
            f.finished = true
            if case .replacing(_, let target, let tmp) = f.kind {
                if rename(tmp, target) != 0 {
                    let e = errno
                    unlink(tmp)
                    for g in files where !g.finished { g.abandon() }
                    throw OutputFileError(path: f.path, errno: e, doing: "cannot rename into place")
                }
                syncDirectory(of: target)
            }
        }
    }

    /// Drops the file: the temporary is removed and the old file stays as it was.
    public func abandon() {
        guard !finished else { return }
        finished = true
        buffer.removeAll()
        switch kind {
        case .standardOutput: break
        case .inPlace(let fd): close(fd)
        case .replacing(let fd, _, let tmp): close(fd); unlink(tmp)
        }
    }

    // MARK: Checks

    /// The path that writing to `path` really changes: a symlink's final target.
    static func resolvingSymlinks(_ path: String) throws -> String {
        var current = path
        for _ in 0..<40 {
            var st = stat()
            guard lstat(current, &st) == 0, st.st_mode & S_IFMT == S_IFLNK else { return current }
            // The kernel's protected_symlinks rule, which following by hand would bypass: a link
            // in a sticky, world-writable directory (/tmp) is followed only when it belongs to
            // us or to the directory's owner.
            var dst = stat()
            let linkDir = (current as NSString).deletingLastPathComponent
            if stat(linkDir.isEmpty ? "." : linkDir, &dst) == 0, dst.st_mode & S_ISVTX != 0, dst.st_mode & 0o002 != 0,
               st.st_uid != geteuid(), st.st_uid != dst.st_uid {
                throw OutputFileError(path: path, reason: "is a symlink another user owns in a shared directory; meow does not write through it")
            }
            var buf = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let n = readlink(current, &buf, buf.count - 1)
            if n < 0 { throw OutputFileError(path: path, errno: errno, doing: "cannot read the symlink") }
            let dest = String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            current = dest.hasPrefix("/") ? dest : ((current as NSString).deletingLastPathComponent as NSString).appendingPathComponent(dest)
        }
        throw OutputFileError(path: path, reason: "too many levels of symbolic links")
    }

    /// An absolute path with the directory part resolved (the file itself may not exist).
    static func canonical(_ path: String) -> String {
        let dir = (path as NSString).deletingLastPathComponent
        let base = (path as NSString).lastPathComponent
        var buf = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        guard realpath(dir.isEmpty ? "." : dir, &buf) != nil else { return path }
        let real = String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return real == "/" ? "/" + base : real + "/" + base
    }

    /// Throws when writing `path` would touch a protected file or a SQLite database's companion.
    public static func refuseProtected(_ path: String, protecting protected: [String]) throws {
        try refuseProtected(try resolvingSymlinks(path), shownAs: path, protected: protected)
    }

    static func refuseProtected(_ target: String, shownAs path: String, protected: [String]) throws {
        let suffixes = ["", "-wal", "-shm", "-journal"]
        let canonicalTarget = canonical(target)
        var tst = stat()
        let targetExists = stat(target, &tst) == 0
        for p in protected where !p.isEmpty && p != ":memory:" {
            let base = (try? resolvingSymlinks(p)) ?? p
            for s in suffixes {
                let candidate = base + s
                var pst = stat()
                let sameInode = targetExists && stat(candidate, &pst) == 0 && pst.st_dev == tst.st_dev && pst.st_ino == tst.st_ino
                if sameInode || canonical(candidate) == canonicalTarget {
                    throw OutputFileError(path: path, reason: s.isEmpty ? "is the workspace itself; meow never writes over it (choose another file name)"
                                                                        : "is the workspace's \(s.dropFirst()) file; meow never writes over it (choose another file name)")
                }
            }
        }
        // Any database's companions: writing `x.sqlite-wal` beside a database would be read
        // by SQLite as that database's journal.
        for s in suffixes.dropFirst() where target.hasSuffix(s) {
            let db = String(target.dropLast(s.count))
            if isSQLiteFile(db) {
                throw OutputFileError(path: path, reason: "is the \(s.dropFirst()) file of the SQLite database \(db); meow never writes over it")
            }
        }
    }

    /// True when the file starts with SQLite's header ("SQLite format 3\0").
    public static func isSQLiteFile(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG else { return false }
        var header = [UInt8](repeating: 0, count: 16)
        guard read(fd, &header, 16) == 16 else { return false }
        return header == Array("SQLite format 3\0".utf8)
    }

    /// Removes `FILE.tmp-PID` files whose process is gone (left by a killed export).
    public static func removeStaleTemporaries(of target: String) {
        let dir = (target as NSString).deletingLastPathComponent
        let prefix = (target as NSString).lastPathComponent + ".tmp-"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir.isEmpty ? "." : dir) else { return }
        for name in names where name.hasPrefix(prefix) {
            guard let pid = Int32(name.dropFirst(prefix.count)), pid > 0, pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH {
                unlink(dir.isEmpty ? name : dir + "/" + name)
            }
        }
    }

    static func syncDirectory(of path: String) {
        let dir = (path as NSString).deletingLastPathComponent
        let fd = open(dir.isEmpty ? "." : dir, O_RDONLY | O_CLOEXEC)
        if fd >= 0 { fsync(fd); close(fd) }
    }
}

/// A file could not be written; says which and why.
public struct OutputFileError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var reason: String
    /// The errno behind the failure, if any (EPIPE on standard output is a closed pipe).
    public var errno: Int32 = 0

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    init(path: String, errno e: Int32, doing: String) {
        self.path = path
        self.reason = "\(doing): \(String(cString: strerror(e)))"
        self.errno = e
    }

    public var description: String { "\(path == "-" ? "standard output" : path): \(reason)" }
}
