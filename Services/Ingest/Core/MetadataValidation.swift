import Foundation

/// Metadata a message cannot be stored with, naming the field and why. The same at every attempt, so the queue
/// discards such a message at once instead of retrying it.
public struct InvalidMetadata: Error, Sendable, CustomStringConvertible {
    /// The JSON key (`published_on` …), or `metadata` when the whole value is wrong.
    public let field: String
    public let problem: String
    /// The report it came with, when known (at submit).
    public var source: String?

    public var description: String {
        "invalid metadata" + (source.map { " of \($0)" } ?? "") + ": \(field) \(problem)"
    }
}

/// The rules a producer's metadata must follow, at submit (`IngestQueue.enqueue`) and again at claim (any producer
/// can write the queue with plain SQL): each known field a string, none empty or with control characters, and
/// `published_on` a real `YYYY-MM-DD` date from 1900 to tomorrow (UTC, so that a report dated in UTC+14 passes).
/// PostgreSQL's own date input would take `today`, `infinity`, year 294276 or 1 BC; the reporting service lets the
/// most recent document win, so one such value outvoted every other source.
extension DocumentMetadata {
    static let maxURLLength = 2048
    static let maxRegionHintLength = 100
    static let earliestPublication = Day("1900-01-01")!

    /// Decodes the queue's jsonb (unknown keys ignored) and validates it.
    static func validated(json: String) throws -> DocumentMetadata {
        let metadata: DocumentMetadata
        do {
            metadata = try JSONDecoder().decode(DocumentMetadata.self, from: Data(json.utf8))
        } catch DecodingError.typeMismatch(_, let context) {
            throw InvalidMetadata(
                field: context.codingPath.first?.stringValue ?? "metadata",
                problem: context.codingPath.isEmpty ? "is not a JSON object" : "is not a string")
        } catch {
            throw InvalidMetadata(field: "metadata", problem: "is unreadable (\(error))")
        }
        try metadata.validate()
        return metadata
    }

    /// Throws `InvalidMetadata` for the first field that breaks the rules above.
    public func validate(today: Date = Date()) throws {
        try Self.check(sourceURL, field: .sourceURL, maxLength: Self.maxURLLength)
        try Self.check(regionHint, field: .regionHint, maxLength: Self.maxRegionHintLength)
        guard let publishedOn else { return }
        let field = CodingKeys.publishedOn.stringValue
        guard let day = Day(publishedOn) else {
            throw InvalidMetadata(field: field, problem: "\(publishedOn.debugDescription) is not a date (YYYY-MM-DD)")
        }
        let latest = Day(today.addingTimeInterval(86_400))
        guard day >= Self.earliestPublication, day <= latest else {
            throw InvalidMetadata(
                field: field, problem: "\(publishedOn) is outside \(Self.earliestPublication) … \(latest)")
        }
    }

    private static func check(_ value: String?, field: CodingKeys, maxLength: Int) throws {
        guard let value else { return }
        if value.isEmpty {
            throw InvalidMetadata(field: field.stringValue, problem: "is empty (leave it out instead)")
        }
        if value.count > maxLength {
            throw InvalidMetadata(field: field.stringValue, problem: "is longer than \(maxLength) characters")
        }
        if value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw InvalidMetadata(field: field.stringValue, problem: "contains control characters")
        }
    }
}

/// A day of the proleptic Gregorian calendar, ordered, printed as `YYYY-MM-DD`.
struct Day: Comparable, CustomStringConvertible {
    let year: Int, month: Int, day: Int

    /// Exactly `YYYY-MM-DD` naming a day that exists (no 2023-02-29); nil otherwise.
    init?(_ text: String) {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
            let year = Int(text.prefix(4)), let month = Int(text.dropFirst(5).prefix(2)),
            let day = Int(text.suffix(2)),
            bytes.enumerated().allSatisfy({ $0 == 4 || $0 == 7 || (48...57).contains($1) }),
            (1...12).contains(month)
        else { return nil }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        guard (1...days).contains(day) else { return nil }
        (self.year, self.month, self.day) = (year, month, day)
    }

    /// The UTC day of `date`.
    init(_ date: Date) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        (year, month, day) = (parts.year!, parts.month!, parts.day!)
    }

    static func < (lhs: Day, rhs: Day) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    var description: String {
        func padded(_ value: Int, _ width: Int) -> String {
            String(repeating: "0", count: max(0, width - String(value).count)) + String(value)
        }
        return "\(padded(year, 4))-\(padded(month, 2))-\(padded(day, 2))"
    }
}
