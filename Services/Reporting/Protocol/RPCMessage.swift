import Foundation

/// The reporting protocol's version: additive changes keep the major number (see docs/protocol.md).
public enum ReportProtocol {
    public static let version = "1.0"
}

/// One request line: `{"id": …, "method": "…", "params": {…}}` (JSON-RPC 2.0 shape; `"jsonrpc"` is accepted and
/// ignored).
public struct RPCRequest: Sendable, Equatable {
    /// Echoed in the reply: a string, a number or null.
    public var id: JSONValue
    public var method: String
    /// Named parameters (an absent `params` is `[]`).
    public var params: [(String, JSONValue)]

    public init(id: JSONValue, method: String, params: [(String, JSONValue)] = []) {
        self.id = id
        self.method = method
        self.params = params
    }

    public static func == (lhs: RPCRequest, rhs: RPCRequest) -> Bool {
        lhs.id == rhs.id && lhs.method == rhs.method && JSONValue.object(lhs.params) == JSONValue.object(rhs.params)
    }

    /// Reads a parsed line. The error is the reply to send (`-32600`), carrying whatever id could be read.
    public init(_ value: JSONValue) throws(RPCError) {
        guard case .object(let members) = value else {
            throw RPCError(code: .invalidRequest, message: "a request is a JSON object")
        }
        let id = value["id"] ?? .null
        switch id {
        case .null, .string, .number: self.id = id
        default: throw RPCError(code: .invalidRequest, message: "id must be a string, a number or null")
        }
        guard let method = value["method"] else {
            throw RPCError(code: .invalidRequest, message: "the request has no method", id: id)
        }
        guard let name = method.stringValue else {
            throw RPCError(code: .invalidRequest, message: "method must be a string", id: id)
        }
        self.method = name
        switch value["params"] {
        case nil, .null?: self.params = []
        case .object(let params)?: self.params = params
        default:
            throw RPCError(code: .invalidRequest, message: "params must be an object of named parameters", id: id)
        }
        for (key, _) in members where !["id", "method", "params", "jsonrpc"].contains(key) {
            throw RPCError(
                code: .invalidRequest, message: "unknown member \(key.debugDescription) in the request",
                id: id)
        }
    }

    public var json: JSONValue {
        .object([("id", id), ("method", .string(method)), ("params", .object(params))])
    }
}

/// An error reply's `error` member, also thrown inside the server.
public struct RPCError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: RawRepresentable, Hashable, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }

        /// The line is not JSON (the reply's id is null).
        public static let parseError = Code(rawValue: -32700)
        /// JSON, but not a request object.
        public static let invalidRequest = Code(rawValue: -32600)
        public static let methodNotFound = Code(rawValue: -32601)
        /// `data.param` names the parameter.
        public static let invalidParams = Code(rawValue: -32602)
        public static let internalError = Code(rawValue: -32603)
        /// The database failed the query (`data.sqlstate`).
        public static let databaseError = Code(rawValue: -32000)
        /// The server has as many connections as it accepts.
        public static let tooManyConnections = Code(rawValue: -32001)
        /// The document, fact or region asked for does not exist.
        public static let notFound = Code(rawValue: -32002)
        /// The request line exceeds the server's limit; the connection closes after this reply.
        public static let lineTooLong = Code(rawValue: -32003)
        /// The query ran past the statement timeout.
        public static let timeout = Code(rawValue: -32004)
        /// The database is unreachable.
        public static let unavailable = Code(rawValue: -32005)
        /// The request line did not arrive whole within the line timeout; the connection closes after this reply.
        public static let lineTimeout = Code(rawValue: -32006)
        /// The answer is larger than the server's reply limit (`data.max_reply_bytes`): ask for fewer rows.
        public static let replyTooLarge = Code(rawValue: -32007)
    }

    public var code: Code
    public var message: String
    public var data: JSONValue?
    /// The id of the request this answers (not part of the `error` object).
    public var id: JSONValue

    public init(code: Code, message: String, data: JSONValue? = nil, id: JSONValue = .null) {
        self.code = code
        self.message = message
        self.data = data
        self.id = id
    }

    /// `-32602` naming the parameter in `data.param`.
    public static func invalidParam(_ name: String, _ message: String) -> RPCError {
        RPCError(code: .invalidParams, message: message, data: .object([("param", .string(name))]))
    }

    public var description: String { "error \(code.rawValue): \(message)" }

    public var json: JSONValue {
        var members: [(String, JSONValue)] = [("code", .int(code.rawValue)), ("message", .string(message))]
        if let data { members.append(("data", data)) }
        return .object(members)
    }
}

/// One reply line: `{"id": …, "result": …}` or `{"id": …, "error": {…}}`.
public struct RPCResponse: Sendable, Equatable {
    public var id: JSONValue
    public var outcome: Result<JSONValue, RPCError>

    public init(id: JSONValue, result: JSONValue) {
        self.id = id
        self.outcome = .success(result)
    }

    public init(error: RPCError) {
        self.id = error.id
        self.outcome = .failure(error)
    }

    public var result: JSONValue? { try? outcome.get() }
    public var error: RPCError? {
        if case .failure(let error) = outcome { return error }
        return nil
    }

    public var json: JSONValue {
        switch outcome {
        case .success(let result): .object([("id", id), ("result", result)])
        case .failure(let error): .object([("id", id), ("error", error.json)])
        }
    }

    /// Reads a reply line (clients).
    public init(_ value: JSONValue) throws(RPCError) {
        let id = value["id"] ?? .null
        self.id = id
        if let result = value["result"] {
            outcome = .success(result)
        } else if let error = value["error"], let code = error["code"]?.intValue,
            let message = error["message"]?.stringValue
        {
            outcome = .failure(RPCError(code: .init(rawValue: code), message: message, data: error["data"], id: id))
        } else {
            throw RPCError(code: .invalidRequest, message: "a reply has result or error")
        }
    }

    /// Parses one reply line (clients).
    public init(line: String) throws {
        try self.init(JSONValue(parsing: line))
    }
}
