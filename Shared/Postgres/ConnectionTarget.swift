import CLibPQ
import Foundation

/// A libpq connection string (`key=value …` or a `postgresql://` URI) plus keyword overrides, and how to name it
/// without its secrets.
///
/// Anything neither says (host, user, database …) comes from the `PG*` environment variables, exactly as libpq
/// applies them; an empty string means "all from the environment". Overrides are applied by libpq itself
/// (`PQconnectdbParams` with `expand_dbname`), so they work for URIs and keyword strings alike.
public struct ConnectionTarget: Sendable, Hashable, CustomStringConvertible {
    public let conninfo: String
    public private(set) var overrides: [String: String]
    /// False for a target behind a pooler in transaction mode (pgbouncer before 1.21): a statement prepared on one
    /// server session would be missing on the next, so `query(prepared:_:)` sends it unnamed, like `query`.
    public var preparedStatements = true

    public init(_ conninfo: String, overrides: [String: String] = [:]) {
        self.conninfo = conninfo
        self.overrides = overrides
    }

    /// The same server and credentials, another database (used to create and drop databases).
    public func withDatabase(_ name: String) -> ConnectionTarget {
        setting("dbname", to: name)
    }

    /// A copy with one libpq keyword set (`application_name`, `connect_timeout`, …).
    public func setting(_ keyword: String, to value: String) -> ConnectionTarget {
        var copy = self
        copy.overrides[keyword] = value
        return copy
    }

    /// The keywords whose values `description` shows: where the server is and who logs in, never a secret.
    private static let shownKeywords = ["host", "hostaddr", "port", "dbname", "user"]

    /// The target as `host=… port=… dbname=… user=…`, never with a password, for messages and logs.
    public var description: String {
        guard let values = parsedValues() else { return "<unreadable connection string>" }
        let parts = Self.shownKeywords.compactMap { key in values[key].map { "\(key)=\($0)" } }
        return parts.isEmpty ? "<PG* environment defaults>" : parts.joined(separator: " ")
    }

    /// A message from libpq about this target with whatever of the connection string it may echo removed.
    ///
    /// libpq quotes pieces of the connection string in its errors, and those of a string it cannot parse are
    /// anything, the password included (`invalid percent-encoded token: "secret%zz"`, or the whole URI). Every
    /// quoted piece longer than one character that occurs in the string is replaced by `"…"`, unless it is a keyword
    /// or a value that `description` shows anyway (a host, a port, a database, a user); the password itself goes
    /// wherever it appears.
    public func redacting(_ message: String) -> String {
        let values = parsedValues()
        var kept = Set(ConnectionTarget.keywords)
        for key in Self.shownKeywords {
            for value in values?[key]?.split(separator: ",").map(String.init) ?? [] { kept.insert(value) }
            if let value = values?[key] { kept.insert(value) }
        }
        let sources = [conninfo] + overrides.values
        var redacted = ""
        var rest = Substring(message)
        while let open = rest.firstIndex(of: "\""),
            let close = rest[rest.index(after: open)...].firstIndex(of: "\"")
        {
            let quoted = String(rest[rest.index(after: open)..<close])
            let secret = quoted.count > 1 && !kept.contains(quoted) && sources.contains { $0.contains(quoted) }
            redacted += String(rest[...open]) + (secret ? "…" : quoted) + "\""
            rest = rest[rest.index(after: close)...]
        }
        redacted += rest
        if let password = values?["password"], !password.isEmpty {
            redacted = redacted.replacingOccurrences(of: password, with: "…")
        }
        return redacted
    }

    /// Every libpq connection keyword (`host`, `sslmode` …), from libpq itself.
    private static let keywords: [String] = {
        guard let defaults = PQconndefaults() else { return [] }
        defer { PQconninfoFree(defaults) }
        var names: [String] = []
        var option = defaults
        while let keyword = option.pointee.keyword {
            names.append(String(cString: keyword))
            option += 1
        }
        return names
    }()

    /// The connection string's values by keyword, with the overrides applied; nil when libpq cannot parse it.
    private func parsedValues() -> [String: String]? {
        var error: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(conninfo, &error) else {
            if let error { PQfreemem(error) }
            return nil
        }
        defer { PQconninfoFree(options) }
        var values: [String: String] = [:]
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val { values[String(cString: keyword)] = String(cString: value) }
            option += 1
        }
        return values.merging(overrides) { _, override in override }
    }

    /// Calls `body` with NULL-terminated keyword and value arrays for `PQconnectdbParams` (expand_dbname = 1).
    func withConnectParameters<T>(
        _ body: (UnsafePointer<UnsafePointer<CChar>?>, UnsafePointer<UnsafePointer<CChar>?>) -> T
    ) -> T {
        // The first "dbname" carries the whole connection string; the overrides follow and win.
        let pairs = [("dbname", conninfo)] + overrides.sorted { $0.key < $1.key }
        let keywords = pairs.map { strdup($0.0) }
        let values = pairs.map { strdup($0.1) }
        defer {
            for keyword in keywords { free(keyword) }
            for value in values { free(value) }
        }
        let keywordArray = keywords.map { UnsafePointer($0) } + [nil]
        let valueArray = values.map { UnsafePointer($0) } + [nil]
        return keywordArray.withUnsafeBufferPointer { k in
            valueArray.withUnsafeBufferPointer { v in body(k.baseAddress!, v.baseAddress!) }
        }
    }
}
