import Foundation
import Testing
import ZhibiaoPostgres
import ZhibiaoTestSupport

/// Issue 13, item 10: libpq's own errors quote the connection string, and a string it cannot parse may be quoted
/// password and all. Nothing of a password reaches an error, a log line or a terminal.
@Suite("connection strings keep their passwords")
struct ConnectionSecretTests {
    static let password = "secret123"

    /// Malformed or unusable connection strings whose libpq errors quote the password (or the whole string).
    static let targets = [
        "postgresql://bob:\(password)%zz@localhost/zhibiao",  // invalid percent-encoded token: "secret123%zz"
        "postgresql://bob:\(password)@[::1/zhibiao",  // … in URI: "postgresql://bob:secret123@[::1/zhibiao"
        "postgresql://bob:\(password)@[]/zhibiao",  // IPv6 host address may not be empty in URI: "<the URI>"
        "host=/nonexistent-zhibiao user=bob \(password)",  // missing "=" after "secret123"
        "postgresql://bob@/zhibiao?host=/nonexistent-zhibiao&sslmode=\(password)",  // invalid sslmode value: "…"
        "postgresql://bob:\(password)@/zhibiao?host=/nonexistent-zhibiao",  // parsed; no server there
    ]

    @Test(arguments: targets)
    func connectingFailsWithoutThePassword(_ conninfo: String) throws {
        let error = try #require(throws: PostgresError.self) { try PostgresConnection(ConnectionTarget(conninfo)) }
        #expect(error.code == .connectionFailed)
        #expect(!error.debugDescription.contains(Self.password), "\(error.debugDescription)")
        #expect(!error.message.isEmpty)
    }

    /// What helps to fix a target stays: the host, the user, the option names.
    @Test func redactionKeepsWhatTheDescriptionShows() throws {
        let error = try #require(throws: PostgresError.self) {
            try PostgresConnection(
                ConnectionTarget("postgresql://bob:\(Self.password)@/zhibiao?host=/nonexistent-zhibiao"))
        }
        #expect(error.description.contains("\"/nonexistent-zhibiao/.s.PGSQL.5432\""), "\(error)")
        let target = ConnectionTarget("host=db.example port=5x user=bob password=\(Self.password)")
        #expect(
            target.redacting(#"invalid integer value "5x" for connection option "port""#)
                == #"invalid integer value "5x" for connection option "port""#)
        #expect(
            target.redacting(#"could not translate host name "db.example" to address"#)
                == #"could not translate host name "db.example" to address"#)
        #expect(target.redacting("password \(Self.password) rejected") == "password … rejected")
        #expect(
            ConnectionTarget("user=bob \(Self.password)").redacting(
                #"missing "=" after "secret123" in connection info string"#)
                == #"missing "=" after "…" in connection info string"#)
    }

    /// Every command of both CLIs that connects, given the URI by flag and by environment, in text and JSON logs:
    /// one clear error, exit code 1, and no password anywhere in what they print.
    @Test func everyCommandOfBothCLIsKeepsThePasswordOutOfItsOutput() throws {
        let ingest = try Repository.executable("zhibiao-ingest")
        let report = try Repository.executable("zhibiao-report")
        let socket = NSTemporaryDirectory() + "zr-secret-\(getpid()).sock"
        let commands: [(String, [String])] = [
            (ingest, ["submit", Repository.path("seeds")]), (ingest, ["serve", "--once"]), (ingest, ["status"]),
            (ingest, ["status", "--json"]), (ingest, ["retry", "1"]), (ingest, ["reparse"]), (ingest, ["migrate"]),
            (report, ["serve", "--socket", socket]),
        ]
        // Each command with three of the strings: by flag in text logs, by environment in JSON, by flag in JSON.
        let ways = [(Self.targets[0], true, "text"), (Self.targets[1], false, "json"), (Self.targets[2], true, "json")]
        for (binary, arguments) in commands {
            for (conninfo, byFlag, format) in ways {
                let outcome = try Subprocess.run(
                    binary, byFlag ? [arguments[0], "--database-url", conninfo] + arguments.dropFirst() : arguments,
                    environment: ["ZHIBIAO_LOG_FORMAT": format].merging(
                        byFlag ? [:] : ["ZHIBIAO_DATABASE_URL": conninfo]
                    ) { $1 })
                let printed = outcome.stdout + outcome.stderr
                let what =
                    "\((binary as NSString).lastPathComponent) \(arguments.joined(separator: " ")) [\(format)] "
                    + "with \(conninfo): \(printed)"
                #expect(outcome.exitCode == 1, "\(what)")
                #expect(printed.contains("could not connect to PostgreSQL"), "\(what)")
                #expect(!printed.contains(Self.password), "\(what)")
            }
        }
    }
}
