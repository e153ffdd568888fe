import ArgumentParser
import ZhibiaoProtocol

/// `--param key=value` (repeatable), `--param key:=JSON` and `--json OBJECT`: a request's parameters from the
/// command line, shared by `query` and `chart`.
struct RequestParameters: ParsableArguments {
    @Option(name: .customLong("param"), help: "a parameter, key=value or key:=JSON (repeatable)")
    var params: [String] = []
    @Option(help: "all parameters as one JSON object")
    var json: String?

    /// The parameters for `method`. `key=value` takes the value as the parameter's type says, which `describe` on
    /// `session` tells (asked only when there are such parameters).
    func members(for method: String, session: ServerSession) async throws -> [(String, JSONValue)] {
        var members: [(String, JSONValue)] = []
        if let json {
            guard case .object(let object)? = try? JSONValue(parsing: json) else {
                throw ValidationError("--json must be a JSON object")
            }
            members = object
        }
        guard !params.isEmpty else { return members }
        let types = try await parameterTypes(method, session)
        for param in params {
            if let range = param.range(of: ":=") {
                let key = String(param[..<range.lowerBound])
                guard let value = try? JSONValue(parsing: String(param[range.upperBound...])) else {
                    throw ValidationError("--param \(key):= must be followed by JSON")
                }
                members.append((key, value))
            } else if let equals = param.firstIndex(of: "=") {
                let key = String(param[..<equals])
                let text = String(param[param.index(after: equals)...])
                members.append((key, Self.coerce(text, type: types[key])))
            } else {
                throw ValidationError("--param \(param) is not key=value or key:=JSON")
            }
        }
        return members
    }

    private func parameterTypes(_ method: String, _ session: ServerSession) async throws -> [String: String] {
        let described = try await session.result("describe")
        var types: [String: String] = [:]
        for spec in described["methods"]?.arrayValue ?? [] where spec["name"]?.stringValue == method {
            for param in spec["params"]?.arrayValue ?? [] {
                if let name = param["name"]?.stringValue { types[name] = param["type"]?.stringValue }
            }
        }
        return types
    }

    /// A command-line value as the parameter's type: integers and booleans parsed, lists split on commas.
    static func coerce(_ text: String, type: String?) -> JSONValue {
        switch type {
        case "integer": return Int(text).map(JSONValue.int) ?? .string(text)
        case "boolean": return text == "true" ? .bool(true) : text == "false" ? .bool(false) : .string(text)
        case "string or array of strings" where text.contains(","):
            return .array(text.split(separator: ",").map { .string(String($0)) })
        default: return .string(text)
        }
    }
}
