import ZhibiaoProtocol

/// A request's parameters, checked against the method's `ParamSpec`s: unknown names, wrong types and missing
/// required parameters are `-32602` errors whose `data.param` names the parameter.
struct Params: Sendable {
    private let values: [String: JSONValue]

    init(_ pairs: [(String, JSONValue)], spec: MethodSpec) throws(RPCError) {
        var values: [String: JSONValue] = [:]
        for (name, value) in pairs {
            guard let param = spec.params.first(where: { $0.name == name }) else {
                let known = spec.params.map(\.name).joined(separator: ", ")
                throw RPCError.invalidParam(
                    name,
                    "unknown parameter \(name) for \(spec.name)"
                        + (known.isEmpty ? " (it takes none)" : " (it takes \(known))"))
            }
            if value.isNull { continue }  // null means "not given"
            try Self.check(value, against: param)
            values[name] = value
        }
        for param in spec.params where param.required && values[param.name] == nil {
            throw RPCError.invalidParam(param.name, "missing required parameter \(param.name) (\(param.kind.name))")
        }
        self.values = values
    }

    private static func check(_ value: JSONValue, against param: ParamSpec) throws(RPCError) {
        // libpq passes parameters as C strings: a NUL would silently cut the text short.
        let texts = value.arrayValue.map { $0.compactMap(\.stringValue) } ?? value.stringValue.map { [$0] } ?? []
        if texts.contains(where: { $0.unicodeScalars.contains("\u{0}") }) {
            throw RPCError.invalidParam(param.name, "\(param.name) must not contain NUL (U+0000)")
        }
        let wrong = RPCError.invalidParam(
            param.name, "\(param.name) must be \(param.kind.name), not \(value.typeName)")
        switch param.kind {
        case .string:
            guard value.stringValue != nil else { throw wrong }
        case .boolean:
            guard value.boolValue != nil else { throw wrong }
        case .strings:
            if value.stringValue != nil { return }
            guard let elements = value.arrayValue, !elements.isEmpty, elements.allSatisfy({ $0.stringValue != nil })
            else {
                throw RPCError.invalidParam(
                    param.name, "\(param.name) must be a string or a non-empty array of strings")
            }
        case .oneOf(let allowed):
            guard let text = value.stringValue, allowed.contains(text) else {
                throw RPCError.invalidParam(
                    param.name, "\(param.name) must be one of \(allowed.joined(separator: ", "))")
            }
        case .integer(let minimum, let maximum):
            guard let number = value.intValue else {
                throw RPCError.invalidParam(param.name, "\(param.name) must be an integer, not \(value.encoded())")
            }
            guard number >= minimum, number <= maximum else {
                throw RPCError.invalidParam(param.name, "\(param.name) must be between \(minimum) and \(maximum)")
            }
        }
    }

    func string(_ name: String) -> String? { values[name]?.stringValue }
    func int(_ name: String) -> Int? { values[name]?.intValue }
    func bool(_ name: String) -> Bool? { values[name]?.boolValue }
    func strings(_ name: String) -> [String]? {
        guard let value = values[name] else { return nil }
        if let text = value.stringValue { return [text] }
        return value.arrayValue?.compactMap(\.stringValue)
    }
    func has(_ name: String) -> Bool { values[name] != nil }

    /// A canonical text of the parameters (sorted keys): the cache key's second half.
    var canonical: String {
        values.keys.sorted().map { "\($0)=\(values[$0]!.encoded())" }.joined(separator: "&")
    }
}
