import CSQLite
import Foundation

/// Turns "SQLite error 14" into what a user can act on: which path, and why (a directory,
/// permission denied, a read-only file system, a missing directory).
enum WorkspaceFile {
    /// Checks the path before SQLite sees it, for the causes SQLite reports only by number.
    static func checkBeforeOpening(_ path: String, create: Bool) throws {
        if path == ":memory:" { return }
        var st = stat()
        if stat(path, &st) == 0 {
            if st.st_mode & S_IFMT == S_IFDIR {
                throw StoreError.cannotOpen(path: path, reason: "it is a directory (pass the workspace file, e.g. \(path)/meow.sqlite)")
            }
            if st.st_mode & S_IFMT != S_IFREG { throw StoreError.cannotOpen(path: path, reason: "it is not a regular file") }
            if access(path, R_OK) != 0 { throw StoreError.cannotOpen(path: path, reason: cause(errno)) }
            if access(path, W_OK) != 0 { throw StoreError.readOnly(path: path, reason: cause(errno)) }
            let dir = directory(of: path)
            if access(dir, W_OK) != 0 { throw StoreError.readOnly(path: path, reason: "its directory \(dir): \(cause(errno))") }
        } else if errno == ENOENT {
            guard create else { throw StoreError.noWorkspace(path: path) }
            let dir = directory(of: path)
            var dst = stat()
            if stat(dir, &dst) != 0 { throw StoreError.cannotOpen(path: path, reason: "the directory \(dir) does not exist") }
            if dst.st_mode & S_IFMT != S_IFDIR { throw StoreError.cannotOpen(path: path, reason: "\(dir) is not a directory") }
            if access(dir, W_OK) != 0 { throw StoreError.cannotOpen(path: path, reason: "cannot create it in \(dir): \(cause(errno))") }
        } else {
            throw StoreError.cannotOpen(path: path, reason: cause(errno))
        }
    }

    /// A SQLite failure while opening or writing, said with the path and the cause.
    static func explain(_ e: SQLiteError, path: String) -> Error {
        switch e.code & 0xff {
        case SQLITE_READONLY:
            return StoreError.readOnly(path: path, reason: readOnlyCause(path))
        case SQLITE_CANTOPEN:
            var st = stat()
            if stat(path, &st) != 0 { return StoreError.cannotOpen(path: path, reason: cause(errno)) }
            return StoreError.cannotOpen(path: path, reason: "SQLite cannot open it (\(e.message))")
        case SQLITE_FULL:
            return StoreError.diskFull(path: path)
        case SQLITE_IOERR:
            return StoreError.cannotOpen(path: path, reason: "an I/O error (\(e.message))")
        default:
            return e
        }
    }

    /// Why a file SQLite found read-only is so: the file system, the file, or its directory.
    static func readOnlyCause(_ path: String) -> String {
        var vfs = statvfs()
        if statvfs(directory(of: path), &vfs) == 0, vfs.f_flag & UInt(ST_RDONLY) != 0 { return "read-only file system" }
        if access(path, W_OK) != 0 { return cause(errno) }
        let dir = directory(of: path)
        if access(dir, W_OK) != 0 { return "its directory \(dir): \(cause(errno))" }
        return "it is read-only"
    }

    static func cause(_ e: Int32) -> String {
        switch e {
        case EACCES, EPERM: return "permission denied"
        case EROFS: return "read-only file system"
        case ENOENT: return "no such file or directory"
        case ENOTDIR: return "a part of the path is not a directory"
        default: return String(cString: strerror(e)).lowercased()
        }
    }

    static func directory(of path: String) -> String {
        let d = (path as NSString).deletingLastPathComponent
        return d.isEmpty ? "." : d
    }
}
