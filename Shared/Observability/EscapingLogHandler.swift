import Logging

/// The text log format (swift-log's `StreamLogHandler`) with control characters escaped in the message and in every
/// metadata value, so that a file name or an error holding a newline or a terminal escape cannot forge a log line.
/// (The JSON format needs no such help: JSON strings escape them.)
public struct EscapingLogHandler: LogHandler {
    private var output: StreamLogHandler
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?

    public init(_ output: StreamLogHandler) {
        self.output = output
    }

    public var logLevel: Logger.Level {
        get { output.logLevel }
        set { output.logLevel = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { $1 } }
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        var escaped = event
        if let error = event.error {  // as StreamLogHandler would print it, but escaped
            merged["error.message"] = "\(error)"
            merged["error.type"] = "\(String(reflecting: type(of: error)))"
            escaped.error = nil
        }
        escaped.message = "\(event.message.description.escapingControlCharacters)"
        escaped.metadata = merged.mapValues(Self.escaping)
        output.log(event: escaped)
    }

    private static func escaping(_ value: Logger.MetadataValue) -> Logger.MetadataValue {
        switch value {
        case .string(let text): .string(text.escapingControlCharacters)
        case .stringConvertible(let convertible): .string(convertible.description.escapingControlCharacters)
        case .array(let values): .array(values.map(escaping))
        case .dictionary(let values): .dictionary(values.mapValues(escaping))
        }
    }
}
