import CLibPQ
import Foundation

/// One libpq connection. The only type in Zhibiao that holds a `PGconn`.
///
/// Calls are blocking and serialized by a lock, so the connection may be shared, but it is meant to be used by one
/// task at a time; `run(_:)` moves blocking work off Swift's cooperative thread pool onto the connection's own
/// serial queue. After the server went away, the next call reconnects (`PQreset`) before it runs.
public final class PostgresConnection: @unchecked Sendable {
    public let target: ConnectionTarget
    /// SQL run after every (re)connect, after Zhibiao's own session settings (`SET statement_timeout …`).
    public let sessionSetup: String?
    private var handle: OpaquePointer
    private let lock = NSRecursiveLock()
    private let queue: DispatchQueue
    private var transactionDepth = 0
    /// Statements prepared in the current session, by SQL text (see `query(prepared:_:)`); a new session has none.
    private var preparedNames: [String: String] = [:]

    /// Connects (blocking). Every session runs in UTC with ISO dates so that timestamps decode the same everywhere;
    /// `sessionSetup` runs next, and again after each reconnect.
    public init(_ target: ConnectionTarget, sessionSetup: String? = nil) throws {
        self.target = target
        self.sessionSetup = sessionSetup
        guard let handle = target.withConnectParameters({ PQconnectdbParams($0, $1, 1) }) else {
            throw PostgresError(code: .connectionFailed, message: "out of memory", target: target.description)
        }
        self.handle = handle
        self.queue = DispatchQueue(label: "zhibiao.postgres.connection")
        guard PQstatus(handle) == CONNECTION_OK else {
            // deinit runs on this throw (every stored property is set) and calls PQfinish.
            throw PostgresError(code: .connectionFailed, message: libpqMessage, target: target.description)
        }
        PQsetNoticeProcessor(handle, { _, _ in }, nil)  // NOTICEs are not errors; keep stderr clean.
        try configureSession()
    }

    deinit {
        PQfinish(handle)
    }

    private func configureSession() throws {
        try execute("SET TIME ZONE 'UTC'; SET DateStyle = 'ISO, YMD'; SET bytea_output = 'hex'")
        if let sessionSetup { try execute(sessionSetup) }
    }

    /// The backend's process id (useful in tests and logs).
    public var backendPID: Int32 {
        lock.withLock { PQbackendPID(handle) }
    }

    /// Notices, without a round trip, a session the server ended while this connection sat idle: a restarting or
    /// stopping server sends a FATAL message and closes, which libpq only reads when asked. A zero-timeout `poll`
    /// and, when something arrived, `PQconsumeInput` mark such a connection broken, so that its next statement
    /// reconnects instead of failing. For connections that wait in a pool.
    public func noticeIfClosedWhileIdle() {
        lock.withLock {
            guard transactionDepth == 0, PQstatus(handle) == CONNECTION_OK else { return }
            let socket = PQsocket(handle)
            guard socket >= 0 else { return }
            var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
            if poll(&descriptor, 1, 0) > 0 { _ = PQconsumeInput(handle) }
        }
    }

    /// Re-establishes a broken connection. Called before each statement; cheap when the connection is fine.
    func reconnectIfNeeded() throws {
        guard PQstatus(handle) != CONNECTION_OK else { return }
        guard transactionDepth == 0 else {
            throw PostgresError(
                code: .connectionLost, message: "the connection broke inside a transaction",
                target: target.description)
        }
        PQreset(handle)
        preparedNames.removeAll()
        guard PQstatus(handle) == CONNECTION_OK else {
            throw PostgresError(code: .connectionFailed, message: libpqMessage, target: target.description)
        }
        try configureSession()
    }

    // MARK: Statements

    /// Runs one statement with `$1…$n` parameters (`PQexecParams`) and returns its rows.
    @discardableResult
    public func query(_ sql: String, _ parameters: [any PostgresBindable] = []) throws -> PostgresRows {
        try run(sql, parameters, prepared: false)
    }

    /// Like `query(_:_:)` for a statement run many times in a session (a queue's claim, an ingest's inserts): it is
    /// prepared on first use (`PQprepare`) and then executed by name, so the server parses it once and, after five
    /// runs, may keep a generic plan. Statements whose best plan depends on their parameters belong in `query`.
    /// With `target.preparedStatements` off it is the same as `query`.
    @discardableResult
    public func query(prepared sql: String, _ parameters: [any PostgresBindable] = []) throws -> PostgresRows {
        try run(sql, parameters, prepared: true)
    }

    private func run(_ sql: String, _ parameters: [any PostgresBindable], prepared: Bool) throws -> PostgresRows {
        try lock.withLock {
            try reconnectIfNeeded()
            var name: String?
            if prepared && target.preparedStatements {
                name = preparedNames[sql]
                if name == nil {
                    name = "zhibiao_\(preparedNames.count + 1)"
                    _ = try consume(PQprepare(handle, name, sql, 0, nil), sql: sql)
                    preparedNames[sql] = name
                }
            }
            let bound = parameters.map(\.postgresParameter)
            let result = try withParameterPointers(bound) { values, lengths, formats in
                if let name {
                    PQexecPrepared(handle, name, Int32(bound.count), values, lengths, formats, 0)
                } else {
                    PQexecParams(handle, sql, Int32(bound.count), nil, values, lengths, formats, 0)
                }
            }
            return try consume(result, sql: sql)
        }
    }

    /// Runs one or more statements without parameters (`PQexec`): DDL, migrations, `SET`.
    public func execute(_ sql: String) throws {
        try lock.withLock {
            try reconnectIfNeeded()
            _ = try consume(PQexec(handle, sql), sql: sql)
        }
    }

    /// Turns a `PGresult` into rows or an error, and frees it.
    private func consume(_ result: OpaquePointer?, sql: String) throws -> PostgresRows {
        guard let result else { throw connectionError(sql: sql) }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            return rows(of: result)
        default:
            throw error(from: result, sql: sql)
        }
    }

    private func rows(of result: OpaquePointer) -> PostgresRows {
        let rowCount = Int(PQntuples(result))
        let columnCount = Int(PQnfields(result))
        let columns = (0..<columnCount).map { String(cString: PQfname(result, Int32($0))) }
        var cells: [[String?]] = []
        cells.reserveCapacity(rowCount)
        for row in 0..<Int32(rowCount) {
            cells.append(
                (0..<Int32(columnCount)).map { column in
                    PQgetisnull(result, row, column) == 1 ? nil : String(cString: PQgetvalue(result, row, column))
                })
        }
        return PostgresRows(
            columns: columns, cells: cells, affectedRows: Int(String(cString: PQcmdTuples(result))) ?? 0)
    }

    func error(from result: OpaquePointer, sql: String?) -> PostgresError {
        func field(_ code: Int32) -> String? {
            PQresultErrorField(result, code).map { String(cString: $0) }
        }
        let sqlState = field(Int32(UInt8(ascii: "C")))
        let primary = field(Int32(UInt8(ascii: "M"))) ?? String(cString: PQresultErrorMessage(result))
        let detail = [field(Int32(UInt8(ascii: "D"))), field(Int32(UInt8(ascii: "H")))].compactMap { $0 }
        let lost = PQstatus(handle) != CONNECTION_OK
        return PostgresError(
            code: lost ? .connectionLost : .server, sqlState: sqlState, message: primary,
            detail: detail.isEmpty ? nil : detail.joined(separator: "; "),
            target: target.description, statement: sql)
    }

    func connectionError(sql: String?) -> PostgresError {
        PostgresError(
            code: PQstatus(handle) == CONNECTION_OK ? .server : .connectionLost,
            message: libpqMessage, target: target.description, statement: sql)
    }

    /// libpq's last error on this connection, without anything of the connection string it may echo.
    private var libpqMessage: String {
        target.redacting(String(cString: PQerrorMessage(handle)))
    }

    // MARK: Transactions

    /// Runs `body` in a transaction: COMMIT when it returns, ROLLBACK when it throws (the error is rethrown).
    /// Nested calls become savepoints.
    ///
    /// The depth counts this transaction until its COMMIT or ROLLBACK has run, and is lowered exactly once however
    /// that ends: a COMMIT on a connection that broke must fail (not reconnect and "commit" on a new session), and
    /// the next statement after it must reconnect.
    public func transaction<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        try lock.withLock {
            let savepoint = transactionDepth == 0 ? nil : "zhibiao_sp_\(transactionDepth)"
            try execute(savepoint.map { "SAVEPOINT \($0)" } ?? "BEGIN")
            transactionDepth += 1
            defer { transactionDepth -= 1 }
            let value: T
            do {
                value = try body(self)
            } catch {
                if PQstatus(handle) == CONNECTION_OK {
                    try? execute(savepoint.map { "ROLLBACK TO SAVEPOINT \($0)" } ?? "ROLLBACK")
                }
                throw error
            }
            try execute(savepoint.map { "RELEASE SAVEPOINT \($0)" } ?? "COMMIT")
            return value
        }
    }

    // MARK: Async bridge

    /// Connects from async code: connecting blocks on the network, so it happens on a dispatch thread, never on one
    /// of Swift's cooperative threads.
    public static func connect(_ target: ConnectionTarget, sessionSetup: String? = nil) async throws
        -> PostgresConnection
    {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try PostgresConnection(target, sessionSetup: sessionSetup) })
            }
        }
    }

    /// Runs blocking work with this connection on its own serial queue, so that waiting on the server never
    /// occupies one of Swift's cooperative threads.
    public func run<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            queue.async {
                continuation.resume(with: Result { try body(self) })
            }
        }
    }

    // MARK: Helpers for extensions

    /// Gives an extension exclusive use of the raw handle (COPY, notifications).
    func withHandle<T>(_ body: (OpaquePointer) throws -> T) throws -> T {
        try lock.withLock {
            try reconnectIfNeeded()
            return try body(handle)
        }
    }

    /// Quotes an identifier with libpq's own rules (for LISTEN, which takes no parameters).
    public func quoteIdentifier(_ name: String) throws -> String {
        try lock.withLock {
            guard let quoted = PQescapeIdentifier(handle, name, name.utf8.count) else {
                throw PostgresError(code: .misuse, message: String(cString: PQerrorMessage(handle)))
            }
            defer { PQfreemem(quoted) }
            return String(cString: quoted)
        }
    }
}

/// Lays out parameters as the three parallel C arrays `PQexecParams` takes.
private func withParameterPointers<T>(
    _ parameters: [PostgresParameter?],
    _ body: (UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?) throws -> T
) throws -> T {
    let buffers: [UnsafeMutablePointer<CChar>?] = parameters.map { parameter in
        guard let parameter else { return nil }
        let buffer = UnsafeMutablePointer<CChar>.allocate(capacity: parameter.bytes.count + 1)
        parameter.bytes.withUnsafeBytes { bytes in
            guard let source = bytes.baseAddress else { return }
            UnsafeMutableRawPointer(buffer).copyMemory(from: source, byteCount: bytes.count)
        }
        buffer[parameter.bytes.count] = 0
        return buffer
    }
    defer { for buffer in buffers { buffer?.deallocate() } }
    let values = buffers.map { UnsafePointer($0) }
    let lengths = parameters.map { Int32($0?.bytes.count ?? 0) }
    let formats = parameters.map { $0?.format.rawValue ?? 0 }
    return try values.withUnsafeBufferPointer { v in
        try lengths.withUnsafeBufferPointer { l in
            try formats.withUnsafeBufferPointer { f in try body(v.baseAddress, l.baseAddress, f.baseAddress) }
        }
    }
}
