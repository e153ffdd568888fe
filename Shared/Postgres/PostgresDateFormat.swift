import Foundation

/// Text forms of dates and timestamps as PostgreSQL prints them with `DateStyle = ISO` and `TimeZone = UTC`
/// (which every `PostgresConnection` sets when it connects).
enum PostgresDateFormat {
    private static let utc = TimeZone(identifier: "UTC")!

    private static var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = utc
        return calendar
    }

    static func timestamp(_ date: Date) -> String {
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .nanosecond], from: date)
        let micros = (c.nanosecond ?? 0) / 1000
        return String(
            format: "%04d-%02d-%02d %02d:%02d:%02d.%06d+00", c.year!, c.month!, c.day!, c.hour!, c.minute!,
            c.second!, micros)
    }

    /// Parses `2024-03-19`, `2024-03-19 10:00:00`, `2024-03-19 10:00:00.5+00` (UTC only, as the session is UTC).
    static func parse(_ text: String) -> Date? {
        let scalars = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int? {
            guard range.upperBound <= scalars.count else { return nil }
            var value = 0
            for byte in scalars[range] {
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else { return nil }
        var components = DateComponents(year: year, month: month, day: day)
        if scalars.count >= 19, let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19) {
            components.hour = hour
            components.minute = minute
            components.second = second
            if scalars.count > 20, scalars[19] == UInt8(ascii: ".") {
                var end = 20
                while end < scalars.count, scalars[end] >= 48, scalars[end] <= 57 { end += 1 }
                let digits = String(decoding: scalars[20..<end], as: UTF8.self).padding(
                    toLength: 9, withPad: "0", startingAt: 0)
                components.nanosecond = Int(digits.prefix(9))
            }
        }
        return calendar.date(from: components)
    }
}
