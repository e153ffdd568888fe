import Foundation

/// An error from PostgreSQL or from libpq, with what a machine needs to react to it.
///
/// `description` is safe to show a user: it names the target without its password and never includes SQL text.
/// The statement and the server's detail go to `debugDescription`, for logs.
public struct PostgresError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// What kind of failure this is, independent of the server's SQLSTATE.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }

        /// The connection could not be established.
        public static let connectionFailed = Code("connectionFailed")
        /// The connection broke while in use (server restarted, network gone).
        public static let connectionLost = Code("connectionLost")
        /// The server rejected a statement; `sqlState` says why.
        public static let server = Code("server")
        /// A value in a result could not be decoded as the requested Swift type.
        public static let decoding = Code("decoding")
        /// COPY failed on the client side.
        public static let copy = Code("copy")
        /// The caller misused the API (for example a parameter that cannot be bound).
        public static let misuse = Code("misuse")

        public var description: String { name }
    }

    public let code: Code
    /// The five-character SQLSTATE when the server reported one (`23505` for a unique violation).
    public let sqlState: String?
    /// The primary message, safe to show.
    public let message: String
    /// The server's DETAIL and HINT fields, when any.
    public let detail: String?
    /// The connection target with its password removed, when known.
    public let target: String?
    /// The statement that failed; only in `debugDescription`.
    public let statement: String?

    public init(
        code: Code, sqlState: String? = nil, message: String, detail: String? = nil,
        target: String? = nil, statement: String? = nil
    ) {
        self.code = code
        self.sqlState = sqlState
        self.message = message.trimmingTrailingWhitespace()
        self.detail = detail
        self.target = target
        self.statement = statement
    }

    public var description: String {
        var text = ""
        switch code {
        case .connectionFailed: text = "could not connect to PostgreSQL"
        case .connectionLost: text = "lost the connection to PostgreSQL"
        default: text = "PostgreSQL"
        }
        if let target, code == .connectionFailed || code == .connectionLost { text += " (\(target))" }
        text += ": " + message.replacingNewlines()
        if let sqlState { text += " [SQLSTATE \(sqlState)]" }
        return text
    }

    public var debugDescription: String {
        var text = description
        if let detail { text += "\n  detail: \(detail)" }
        if let statement { text += "\n  statement: \(statement)" }
        return text
    }

    /// SQLSTATE classes worth naming at call sites.
    public var isUniqueViolation: Bool { sqlState == "23505" }
    /// True when the connection itself is gone and a reconnect may help (class 08, or admin shutdown 57P01–57P03).
    public var isConnectionProblem: Bool {
        code == .connectionFailed || code == .connectionLost
            || (sqlState.map { $0.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains($0) } ?? false)
    }
}

extension String {
    func trimmingTrailingWhitespace() -> String {
        var scalars = Substring(self)
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }

    func replacingNewlines() -> String {
        split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
    }
}
