import Foundation
import CLibPQ

/// A libpq connection string (`key=value …` or a `postgresql://` URI) plus keyword overrides, and how to name it
/// without its secrets.
///
/// Anything neither says (host, user, database …) comes from the `PG*` environment variables, exactly as libpq
/// applies them; an empty string means "all from the environment". Overrides are applied by libpq itself
/// (`PQconnectdbParams` with `expand_dbname`), so they work for URIs and keyword strings alike.
public struct ConnectionTarget: Sendable, Hashable, CustomStringConvertible {
    public let conninfo: String
    public private(set) var overrides: [String: String]

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

    /// The target as `host=… port=… dbname=… user=…`, never with a password, for messages and logs.
    public var description: String {
        var error: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(conninfo, &error) else {
            if let error { PQfreemem(error) }
            return "<unreadable connection string>"
        }
        defer { PQconninfoFree(options) }
        var values: [String: String] = [:]
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val { values[String(cString: keyword)] = String(cString: value) }
            option += 1
        }
        values.merge(overrides) { _, override in override }
        let parts = ["host", "hostaddr", "port", "dbname", "user"].compactMap { key in
            values[key].map { "\(key)=\($0)" }
        }
        return parts.isEmpty ? "<PG* environment defaults>" : parts.joined(separator: " ")
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
            keywords.forEach { free($0) }
            values.forEach { free($0) }
        }
        let keywordArray = keywords.map { UnsafePointer($0) } + [nil]
        let valueArray = values.map { UnsafePointer($0) } + [nil]
        return keywordArray.withUnsafeBufferPointer { k in
            valueArray.withUnsafeBufferPointer { v in body(k.baseAddress!, v.baseAddress!) }
        }
    }
}
