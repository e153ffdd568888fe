import Foundation

extension String {
    /// The text with every character that could start a line or steer a terminal written as an escape: control
    /// characters (C0, DEL, C1) as `\n`, `\r`, `\t` or `\u{1B}`, and likewise line and paragraph separators and
    /// bidirectional controls. For text from outside — a file name, a producer's field, an error — printed where one
    /// line must stay one line: `status`, `submit`'s output, text logs.
    public var escapingControlCharacters: String {
        guard unicodeScalars.contains(where: Self.needsEscape) else { return self }
        var escaped = ""
        for scalar in unicodeScalars {
            switch scalar {
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\\t"
            case _ where Self.needsEscape(scalar):
                escaped += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        return escaped
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .lineSeparator, .paragraphSeparator: true
        default: scalar.properties.isBidiControl
        }
    }
}
