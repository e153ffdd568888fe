import Foundation
import Testing
import ZhibiaoProtocol
import ZhibiaoReporting
import ZhibiaoTestSupport

#if canImport(Glibc)
    import Glibc
#endif

/// The real `zhibiao-report` binary: Prometheus text through `metrics`, request ids in the logs, exit code 2 for
/// invalid settings.
@Suite("zhibiao-report metrics, request ids and settings")
struct ObservabilityTests {
    @Test func metricsCountRequestsAndEveryRequestLogLineHasAnId() async throws {
        let binary = try Repository.executable("zhibiao-report")
        let database = try IngestedSeeds.database()
        defer { database.drop() }
        let socket = temporarySocketPath()
        let environment = [
            "ZHIBIAO_DATABASE_URL": database.target(loggedInAs: "zhibiao_reporting").description,
            "ZHIBIAO_SOCKET": socket,
        ]
        let server = try ChildProcess(
            binary, ["serve", "--log-level", "debug", "--log-format", "json"],
            environment: environment)
        defer {
            server.signal(SIGKILL)
            server.wait()
        }
        try await eventually(.seconds(20)) {
            (try? await ReportClient.withConnection(socket: socket) { try await $0.call("ping") }) != nil
        }

        let first = try await metricsText(socket)
        #expect(first.contains("# TYPE zhibiao_report_requests_total counter"), "\(first)")
        let pingsBefore = try #require(Self.sample(first, #"zhibiao_report_requests_total{method="ping",code="ok"}"#))
        _ = try await ReportClient.withConnection(socket: socket) { connection in
            _ = try await connection.call("ping")
            _ = try await connection.call("ping")
            _ = try await connection.call("regions")
            _ = try await connection.call("regions")
            return try await connection.call("nope")
        }
        let second = try await metricsText(socket)
        #expect(Self.sample(second, #"zhibiao_report_requests_total{method="ping",code="ok"}"#) == pingsBefore + 2)
        #expect(Self.sample(second, #"zhibiao_report_requests_total{method="unknown",code="-32601"}"#) == 1)
        #expect(Self.sample(second, #"zhibiao_report_requests_total{method="metrics",code="ok"}"#) == 1)
        #expect((Self.sample(second, "zhibiao_report_cache_hits_total") ?? 0) >= 1, "\(second)")
        #expect(second.contains("zhibiao_report_request_duration_seconds_bucket{method=\"regions\""))
        #expect(second.contains("zhibiao_report_connections"))

        server.signal(SIGTERM)
        #expect(await Task.detached { server.wait() }.value == 0)
        let answered = server.stderr.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        }.filter { $0["msg"] as? String == "answered" }
        #expect(answered.count >= 8, "\(server.stderr)")
        for line in answered {
            let id = line["request_id"] as? String ?? ""
            #expect(id.wholeMatch(of: /[0-9]+-[0-9]+/) != nil, "\(line)")
        }
        // The five requests on one connection are numbered 1 to 5 on that connection.
        let sequences = answered.filter { $0["method"] as? String == "regions" }.compactMap {
            ($0["request_id"] as? String)?.split(separator: "-").last
        }
        #expect(sequences == ["3", "4"])
    }

    @Test func anInvalidSettingExitsWithTwoAndNamesIt() throws {
        let binary = try Repository.executable("zhibiao-report")
        let environment = ["ZHIBIAO_DATABASE_URL": "host=/nonexistent", "ZHIBIAO_SOCKET": temporarySocketPath()]
        let flag = try Subprocess.run(binary, ["serve", "--max-connections", "many"], environment: environment)
        #expect(flag.exitCode == 2)
        #expect(
            flag.stderr
                == "zhibiao-report: invalid value for --max-connections: \"many\" (expected an integer ≥ 1)\n")
        let variable = try Subprocess.run(
            binary, ["serve"], environment: environment.merging(["ZHIBIAO_IDLE_TIMEOUT": "0"]) { $1 })
        #expect(variable.exitCode == 2)
        #expect(variable.stderr.contains("ZHIBIAO_IDLE_TIMEOUT"))
        #expect(variable.stderr.split(separator: "\n").count == 1, "\(variable.stderr)")
        let logLevel = try Subprocess.run(binary, ["serve", "--log-level", "loud"], environment: environment)
        #expect(logLevel.exitCode == 2)
        #expect(logLevel.stderr.contains("--log-level"))
        // A server that cannot be reached is not an invalid setting.
        let unreachable = try Subprocess.run(binary, ["query", "ping"], environment: environment)
        #expect(unreachable.exitCode == 3, "\(unreachable.stderr)")
    }

    private func metricsText(_ socket: String) async throws -> String {
        let reply = try await ReportClient.withConnection(socket: socket) { try await $0.call("metrics") }
        return try #require(reply.result?["text"]?.stringValue, "\(reply)")
    }

    /// The value of the sample line `series value` in a Prometheus exposition.
    static func sample(_ text: String, _ series: String) -> Int? {
        for line in text.split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1)).map { Int($0) }
        }
        return nil
    }
}
