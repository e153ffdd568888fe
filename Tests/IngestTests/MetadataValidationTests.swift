import Foundation
import Testing
import ZhibiaoIngest
import ZhibiaoPostgres
import ZhibiaoTestSupport

/// Issue 13, item 11: a producer's metadata is checked field by field, at submit and at claim, and a message whose
/// metadata breaks the rules is refused with an error naming the field — never stored, never silently emptied.
@Suite("metadata is validated, not taken on trust")
struct MetadataValidationTests {
    /// Written with plain SQL, as any producer may: each bad message is discarded after one attempt with its field
    /// named, the good ones are stored with their metadata.
    @Test func messagesWithImplausibleMetadataAreDiscardedNamingTheField() throws {
        let fixture = try IngestFixture()
        defer { fixture.drop() }
        let cases: [(metadata: String, error: String?)] = [
            (#"{"published_on": "infinity"}"#, "published_on \"infinity\" is not a date"),
            (#"{"published_on": "today"}"#, "published_on \"today\" is not a date"),
            (#"{"published_on": "294276-01-01"}"#, "published_on \"294276-01-01\" is not a date"),
            (#"{"published_on": "0001-01-01 BC"}"#, "published_on \"0001-01-01 BC\" is not a date"),
            (#"{"published_on": "2023-02-29"}"#, "published_on \"2023-02-29\" is not a date"),
            (#"{"published_on": "1899-12-31"}"#, "published_on 1899-12-31 is outside 1900-01-01"),
            (#"{"published_on": "2999-01-01"}"#, "published_on 2999-01-01 is outside 1900-01-01"),
            (#"{"published_on": 20240131, "source_url": "https://example.gov.cn/a"}"#, "published_on is not a string"),
            (#"{"source_url": ["https://example.gov.cn/a"]}"#, "source_url is not a string"),
            (#"{"region_hint": "上街区\nforged"}"#, "region_hint contains control characters"),
            (#"{"region_hint": ""}"#, "region_hint is empty"),
            (#"{"published_on": "2024-01-31", "source_url": "https://example.gov.cn/a", "region_hint": "上街区"}"#, nil),
            (#"{"published_on": null, "note": "unknown keys are ignored"}"#, nil),
        ]
        for (index, item) in cases.enumerated() {
            try fixture.connection.query(
                "INSERT INTO zhibiao.ingest_queue (bytes, source_name, metadata) VALUES (convert_to($1, 'UTF8'), $2, $3::jsonb)",
                [VariedDocuments.text(index), "case\(index).txt", item.metadata])
        }
        let served = try fixture.run(["serve", "--once"])
        #expect(served.exitCode == 0, "\(served.stderr)")

        for (index, item) in cases.enumerated() {
            let row = try #require(
                try fixture.connection.query(
                    "SELECT state, attempt, errors->-1->>'error' FROM zhibiao.ingest_queue WHERE source_name = $1",
                    ["case\(index).txt"]
                ).first)
            let state = try row.decode(String.self, at: 0)
            if let expected = item.error {
                #expect(state == "discarded", "\(item.metadata)")
                #expect(try row.decode(Int.self, at: 1) == 1, "discarded at once: \(item.metadata)")
                let error = try row.decode(String?.self, at: 2) ?? ""
                #expect(error.contains("invalid metadata: " + expected), "\(item.metadata): \(error)")
            } else {
                #expect(state == "done", "\(item.metadata)")
            }
        }
        let stored = try fixture.connection.query(
            "SELECT coalesce(published_on::text, '-'), coalesce(source_url, '-'), coalesce(region_hint, '-') FROM zhibiao.documents ORDER BY id"
        )
        #expect(
            try stored.map { row in try (0..<3).map { try row.decode(String.self, at: $0) }.joined(separator: " ") }
                == ["2024-01-31 https://example.gov.cn/a 上街区", "- - -"])
        #expect(try fixture.run(["status"]).stdout.contains("invalid metadata: published_on"))
    }

    /// At submit: the whole batch is refused before anything is written, with the report and the field named.
    @Test func enqueueRefusesInvalidMetadataAndWritesNothing() throws {
        let fixture = try IngestFixture()
        defer { fixture.drop() }
        let good = IngestQueue.Submission(
            bytes: Array(VariedDocuments.text(0).utf8), sourceName: "good.txt",
            metadata: DocumentMetadata(publishedOn: "2024-01-31"))
        let bad = IngestQueue.Submission(
            bytes: Array(VariedDocuments.text(1).utf8), sourceName: "bad.txt",
            metadata: DocumentMetadata(publishedOn: "today"))
        let error = try #require(throws: InvalidMetadata.self) {
            try IngestQueue.enqueue([good, bad], maxAttempts: 5, on: fixture.connection)
        }
        #expect(error.field == "published_on")
        #expect(error.description == #"invalid metadata of bad.txt: published_on "today" is not a date (YYYY-MM-DD)"#)
        #expect(try fixture.scalar("SELECT count(*) FROM zhibiao.ingest_queue", Int.self) == 0)
        #expect(try IngestQueue.enqueue([good], maxAttempts: 5, on: fixture.connection).count == 1)
    }

    /// The date range's ends, against a fixed "today".
    @Test func publicationDatesRunFrom1900ToTomorrow() throws {
        let today = try #require(ISO8601DateFormatter().date(from: "2024-02-28T23:00:00Z"))
        for accepted in ["1900-01-01", "2024-02-28", "2024-02-29", "2000-02-29"] {
            #expect(throws: Never.self, "\(accepted)") {
                try DocumentMetadata(publishedOn: accepted).validate(today: today)
            }
        }
        for refused in ["1899-12-31", "2024-03-01", "1900-02-29", "2024-2-28", "２０２４-01-01", "2024-01-01T00:00"] {
            #expect(throws: InvalidMetadata.self, "\(refused)") {
                try DocumentMetadata(publishedOn: refused).validate(today: today)
            }
        }
    }
}
