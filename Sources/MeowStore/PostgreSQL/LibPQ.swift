import Foundation

/// libpq, PostgreSQL's reference client, loaded when a `postgresql://` workspace is first
/// opened. Loading it at run time (rather than linking it) keeps the SQLite default building
/// and running on a machine with only the README's packages; a machine without libpq gets a
/// message naming the package instead of a link error. Public for the benchmark's raw
/// reference loop, which must use the same client library.
public struct LibPQ: @unchecked Sendable {
    public typealias Conn = OpaquePointer
    public typealias Result = OpaquePointer

    public let connectdb: @convention(c) (UnsafePointer<CChar>) -> Conn?
    public let status: @convention(c) (Conn) -> Int32
    public let errorMessage: @convention(c) (Conn) -> UnsafePointer<CChar>?
    public let finish: @convention(c) (Conn) -> Void
    public let exec: @convention(c) (Conn, UnsafePointer<CChar>) -> Result?
    public let execParams: @convention(c) (Conn, UnsafePointer<CChar>, Int32, UnsafePointer<UInt32>?,
                                    UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?, Int32) -> Result?
    public let prepare: @convention(c) (Conn, UnsafePointer<CChar>, UnsafePointer<CChar>, Int32, UnsafePointer<UInt32>?) -> Result?
    public let execPrepared: @convention(c) (Conn, UnsafePointer<CChar>, Int32, UnsafePointer<UnsafePointer<CChar>?>?,
                                      UnsafePointer<Int32>?, UnsafePointer<Int32>?, Int32) -> Result?
    public let resultStatus: @convention(c) (Result) -> Int32
    public let resultErrorField: @convention(c) (Result, Int32) -> UnsafePointer<CChar>?
    public let resultErrorMessage: @convention(c) (Result) -> UnsafePointer<CChar>?
    public let ntuples: @convention(c) (Result) -> Int32
    public let nfields: @convention(c) (Result) -> Int32
    public let fname: @convention(c) (Result, Int32) -> UnsafePointer<CChar>?
    public let ftype: @convention(c) (Result, Int32) -> UInt32
    public let getvalue: @convention(c) (Result, Int32, Int32) -> UnsafePointer<CChar>?
    public let getlength: @convention(c) (Result, Int32, Int32) -> Int32
    public let getisnull: @convention(c) (Result, Int32, Int32) -> Int32
    public let cmdTuples: @convention(c) (Result) -> UnsafePointer<CChar>?
    public let clear: @convention(c) (Result) -> Void
    public let serverVersion: @convention(c) (Conn) -> Int32
    public let putCopyData: @convention(c) (Conn, UnsafePointer<CChar>, Int32) -> Int32
    public let putCopyEnd: @convention(c) (Conn, UnsafePointer<CChar>?) -> Int32
    public let getResult: @convention(c) (Conn) -> Result?
    public let setNoticeProcessor: @convention(c) (Conn, (@convention(c) (UnsafeMutableRawPointer?, UnsafePointer<CChar>?) -> Void)?, UnsafeMutableRawPointer?) -> OpaquePointer?

    // Result status codes (libpq-fe.h ExecStatusType).
    public static let commandOK: Int32 = 1, tuplesOK: Int32 = 2, copyIn: Int32 = 4
    // Error fields (postgres_ext.h).
    static let sqlstateField = Int32(UInt8(ascii: "C")), primaryField = Int32(UInt8(ascii: "M")), detailField = Int32(UInt8(ascii: "D"))

    /// The library, loaded once per process; the error says which package provides it.
    public static let shared: Swift.Result<LibPQ, PostgresError> = load()

    private static func load() -> Swift.Result<LibPQ, PostgresError> {
        var handle: UnsafeMutableRawPointer?
        for name in ["libpq.so.5", "libpq.so", "libpq.5.dylib", "libpq.dylib"] {
            handle = dlopen(name, RTLD_NOW)
            if handle != nil { break }
        }
        guard let handle else {
            return .failure(PostgresError(message: "PostgreSQL support needs libpq, which is not installed (Debian/Ubuntu: apt-get install libpq5)"))
        }
        var missing: [String] = []
        func fn<T>(_ name: String, _ type: T.Type) -> T? {
            guard let p = dlsym(handle, name) else { missing.append(name); return nil }
            return unsafeBitCast(p, to: type)
        }
        guard let connectdb = fn("PQconnectdb", (@convention(c) (UnsafePointer<CChar>) -> Conn?).self),
              let status = fn("PQstatus", (@convention(c) (Conn) -> Int32).self),
              let errorMessage = fn("PQerrorMessage", (@convention(c) (Conn) -> UnsafePointer<CChar>?).self),
              let finish = fn("PQfinish", (@convention(c) (Conn) -> Void).self),
              let exec = fn("PQexec", (@convention(c) (Conn, UnsafePointer<CChar>) -> Result?).self),
              let execParams = fn("PQexecParams", (@convention(c) (Conn, UnsafePointer<CChar>, Int32, UnsafePointer<UInt32>?,
                                                                    UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?, Int32) -> Result?).self),
              let prepare = fn("PQprepare", (@convention(c) (Conn, UnsafePointer<CChar>, UnsafePointer<CChar>, Int32, UnsafePointer<UInt32>?) -> Result?).self),
              let execPrepared = fn("PQexecPrepared", (@convention(c) (Conn, UnsafePointer<CChar>, Int32, UnsafePointer<UnsafePointer<CChar>?>?,
                                                                        UnsafePointer<Int32>?, UnsafePointer<Int32>?, Int32) -> Result?).self),
              let resultStatus = fn("PQresultStatus", (@convention(c) (Result) -> Int32).self),
              let resultErrorField = fn("PQresultErrorField", (@convention(c) (Result, Int32) -> UnsafePointer<CChar>?).self),
              let resultErrorMessage = fn("PQresultErrorMessage", (@convention(c) (Result) -> UnsafePointer<CChar>?).self),
              let ntuples = fn("PQntuples", (@convention(c) (Result) -> Int32).self),
              let nfields = fn("PQnfields", (@convention(c) (Result) -> Int32).self),
              let fname = fn("PQfname", (@convention(c) (Result, Int32) -> UnsafePointer<CChar>?).self),
              let ftype = fn("PQftype", (@convention(c) (Result, Int32) -> UInt32).self),
              let getvalue = fn("PQgetvalue", (@convention(c) (Result, Int32, Int32) -> UnsafePointer<CChar>?).self),
              let getlength = fn("PQgetlength", (@convention(c) (Result, Int32, Int32) -> Int32).self),
              let getisnull = fn("PQgetisnull", (@convention(c) (Result, Int32, Int32) -> Int32).self),
              let cmdTuples = fn("PQcmdTuples", (@convention(c) (Result) -> UnsafePointer<CChar>?).self),
              let clear = fn("PQclear", (@convention(c) (Result) -> Void).self),
              let serverVersion = fn("PQserverVersion", (@convention(c) (Conn) -> Int32).self),
              let putCopyData = fn("PQputCopyData", (@convention(c) (Conn, UnsafePointer<CChar>, Int32) -> Int32).self),
              let putCopyEnd = fn("PQputCopyEnd", (@convention(c) (Conn, UnsafePointer<CChar>?) -> Int32).self),
              let getResult = fn("PQgetResult", (@convention(c) (Conn) -> Result?).self),
              let setNoticeProcessor = fn("PQsetNoticeProcessor", (@convention(c) (Conn, (@convention(c) (UnsafeMutableRawPointer?, UnsafePointer<CChar>?) -> Void)?, UnsafeMutableRawPointer?) -> OpaquePointer?).self)
        else {
            return .failure(PostgresError(message: "the libpq found lacks \(missing.joined(separator: ", ")); install a newer libpq5"))
        }
        return .success(LibPQ(connectdb: connectdb, status: status, errorMessage: errorMessage, finish: finish, exec: exec,
                     execParams: execParams, prepare: prepare, execPrepared: execPrepared, resultStatus: resultStatus,
                     resultErrorField: resultErrorField, resultErrorMessage: resultErrorMessage, ntuples: ntuples,
                     nfields: nfields, fname: fname, ftype: ftype, getvalue: getvalue, getlength: getlength,
                     getisnull: getisnull, cmdTuples: cmdTuples, clear: clear, serverVersion: serverVersion,
                     putCopyData: putCopyData, putCopyEnd: putCopyEnd, getResult: getResult, setNoticeProcessor: setNoticeProcessor))
    }
}

/// An error from PostgreSQL or libpq: the SQLSTATE code when the server sent one, its message,
/// and where (the server and database, or the statement).
public struct PostgresError: Error, CustomStringConvertible, Sendable {
    public var sqlstate: String?
    public var message: String
    public var detail: String?
    public var sql: String?

    public init(sqlstate: String? = nil, message: String, detail: String? = nil, sql: String? = nil) {
        self.sqlstate = sqlstate; self.message = message; self.detail = detail; self.sql = sql
    }

    public var description: String {
        var s = "PostgreSQL" + (sqlstate.map { " error \($0)" } ?? "") + ": " + message
        if let detail { s += " (\(detail))" }
        if let sql { s += " — in: \(sql.prefix(200))" }
        return s
    }

    /// Raised by one of meow's own protection triggers (RAISE EXCEPTION: SQLSTATE P0001).
    var isRefusal: Bool { sqlstate == "P0001" }
    var isUniqueViolation: Bool { sqlstate == "23505" }
    /// lock_timeout (55P03), a deadlock (40P01) or a serialization failure (40001).
    var isBusy: Bool { ["55P03", "40P01", "40001"].contains(sqlstate ?? "") }
}
