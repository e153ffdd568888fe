import Foundation
import Logging
import ZhibiaoPostgres
import ZhibiaoProtocol

/// Turns one request line into one reply line: parsing, validation, cache, freshness, the method, error mapping.
struct RequestDispatcher: Sendable {
    let queries: ReportQueries
    let freshness: Freshness
    let configuration: ReportServerConfiguration
    static let version = "0.1.0"

    /// The reply line (without `\n`) for one request line. Never throws: every failure is an error reply.
    /// `logger` carries the request's id; every line logged while answering it goes through it.
    func reply(to line: some Collection<UInt8>, logger: Logger) async -> String {
        let started = ContinuousClock.now
        var method = "invalid"
        var code = "ok"
        defer {
            let duration = ContinuousClock.now - started
            ReportMetrics.requestAnswered(method: method, code: code, duration: duration)
            let milliseconds =
                Double(duration.components.seconds) * 1e3 + Double(duration.components.attoseconds) / 1e15
            logger.debug(
                "answered",
                metadata: [
                    "method": "\(method)", "code": "\(code)", "ms": "\((milliseconds * 1000).rounded() / 1000)",
                ])
        }
        let value: JSONValue
        do {
            value = try JSONValue(parsing: line, limits: .request)
        } catch {
            code = String(RPCError.Code.parseError.rawValue)
            // A line past the parser's limits names the limit, so that a client can tell it from a typo.
            let data = (error as? JSONParseError)?.limit.map { limit in
                JSONValue.object([("limit", .string(limit.name)), ("maximum", .int(limit.maximum))])
            }
            return RPCResponse(error: RPCError(code: .parseError, message: "parse error: \(error)", data: data))
                .json.encoded()
        }
        let request: RPCRequest
        do {
            request = try RPCRequest(value)
        } catch {
            code = String(Self.rpcError(for: error).code.rawValue)
            return RPCResponse(error: error).json.encoded()
        }
        method = MethodCatalog.byName[request.method] == nil ? "unknown" : request.method
        var logger = logger
        logger[metadataKey: "rpc_id"] = "\(request.id.encoded())"
        do {
            let result = try await answer(request)
            return "{\"id\":" + request.id.encoded() + ",\"result\":" + result + "}"
        } catch var error as RPCError {
            error.id = request.id
            code = String(error.code.rawValue)
            return RPCResponse(error: error).json.encoded()
        } catch {
            var failure = Self.rpcError(for: error)
            failure.id = request.id
            code = String(failure.code.rawValue)
            if failure.code == .internalError || failure.code == .databaseError {
                logger.error(
                    "request failed",
                    metadata: ["method": "\(request.method)", "error": "\(String(reflecting: error))"])
            }
            return RPCResponse(error: failure).json.encoded()
        }
    }

    /// The encoded `result` of a valid request.
    private func answer(_ request: RPCRequest) async throws -> String {
        guard let spec = MethodCatalog.byName[request.method] else {
            throw RPCError(
                code: .methodNotFound,
                message: "unknown method \(request.method.debugDescription) "
                    + "(see `describe`)", data: .object([("method", .string(request.method))]))
        }
        let params = try Params(request.params, spec: spec)
        let query: @Sendable (ReportQueries, Params) async throws -> JSONValue
        switch spec.handler {
        case .server(let answer): return answer(self).encoded()
        case .query(let handler): query = handler
        }
        let stamp = try await freshness.current()
        let key = spec.name + "?" + params.canonical
        if let cached = await freshness.cached(key) {
            ReportMetrics.cacheHits.increment()
            return cached
        }
        ReportMetrics.cacheMisses.increment()
        let body = try await queries.addingDisplayForms(spec.name, to: try await query(queries, params))
        var members: [(String, JSONValue)] = [
            ("as_of", .string(stamp.asOf)), ("generation", .int(Int(stamp.generation))),
        ]
        if case .object(let fields) = body { members += fields } else { members.append(("value", body)) }
        let encoded = JSONValue.object(members).encoded()
        let size = encoded.utf8.count
        guard size <= configuration.maxReplyBytes else {
            throw RPCError(
                code: .replyTooLarge,
                message: "the answer is \(size) bytes, more than the reply limit "
                    + "(\(configuration.maxReplyBytes)): ask for fewer rows with limit",
                data: .object([("max_reply_bytes", .int(configuration.maxReplyBytes)), ("reply_bytes", .int(size))]))
        }
        await freshness.store(key, encoded, stamp: stamp)
        return encoded
    }

    func describe() -> JSONValue {
        .object([
            ("name", .string("zhibiao-report")), ("version", .string(Self.version)),
            ("protocol_version", .string(ReportProtocol.version)),
            (
                "limits",
                .object([
                    ("max_line_bytes", .int(configuration.maxLineBytes)), ("row_cap", .int(configuration.rowCap)),
                    ("max_offset", .int(configuration.maxOffset)),
                    ("max_reply_bytes", .int(configuration.maxReplyBytes)),
                    ("max_connections", .int(configuration.maxConnections)),
                    ("max_connections_per_uid", .int(configuration.maxConnectionsPerUser)),
                    ("idle_timeout_seconds", .int(Int(configuration.idleTimeout.components.seconds))),
                    ("line_timeout_seconds", .int(Int(configuration.lineTimeout.components.seconds))),
                    ("max_depth", .int(JSONLimits.request.depth)),
                    ("max_object_members", .int(JSONLimits.request.objectMembers)),
                    ("max_array_elements", .int(JSONLimits.request.arrayElements)),
                ])
            ),
            ("methods", .array(MethodCatalog.all.map(\.json))),
            (
                "errors",
                .array(
                    MethodCatalog.errors.map {
                        .object([("code", .int($0.0.rawValue)), ("message", .string($0.1))])
                    })
            ),
        ])
    }

    /// Maps a failure to a reply error whose message is safe to show (no SQL, no connection string).
    static func rpcError(for error: any Error) -> RPCError {
        if let error = error as? RPCError { return error }
        if let error = error as? PostgresError {
            if error.sqlState == "57014" {
                return RPCError(code: .timeout, message: "the query ran past the statement timeout")
            }
            if error.isConnectionProblem {
                return RPCError(code: .unavailable, message: "the database is unavailable")
            }
            return RPCError(
                code: .databaseError, message: "database error: \(error.message)",
                data: error.sqlState.map { .object([("sqlstate", .string($0))]) })
        }
        return RPCError(code: .internalError, message: "internal error")
    }
}
