import Foundation
import Testing
import ZhibiaoIngest
import ZhibiaoPostgres
import ZhibiaoSchema
import ZhibiaoTestSupport

/// A test's database, the `zhibiao-ingest` binary, and helpers to run it and watch the queue.
struct IngestFixture {
    let database: TestDatabase?
    let connection: PostgresConnection
    let binary: String
    /// The database as a `--database-url` value, logged in as the ingest role (the suite proves what it may do).
    let url: String
    /// The same, logged in as the superuser that owns the schema (for `migrate`).
    var ownerURL: String { url.replacingOccurrences(of: " user=zhibiao_ingest", with: " user=postgres") }

    /// A new database with the migrations up to `version` (all by default).
    init(migratedThrough version: Int = .max) throws {
        let database = try TestDatabase.create(through: version)
        self.database = database
        connection = try database.connect()
        binary = try Repository.executable("zhibiao-ingest")
        url = try TestDatabase.clusterTarget().conninfo + " dbname=\(database.name) user=zhibiao_ingest"
    }

    /// Uses another cluster (for tests that restart the server), migrated as its superuser.
    init(cluster: TemporaryCluster) throws {
        database = nil
        connection = try PostgresConnection(cluster.target)
        try Migrator().migrate(connection)
        binary = try Repository.executable("zhibiao-ingest")
        url = cluster.target.conninfo + " user=zhibiao_ingest"
    }

    func drop() { database?.drop() }

    /// Runs a `zhibiao-ingest` subcommand to its end against this database.
    func run(_ arguments: [String], environment: [String: String] = [:]) throws -> Subprocess.Outcome {
        var arguments = arguments
        arguments.insert(contentsOf: ["--database-url", url], at: 1)
        return try Subprocess.run(binary, arguments, environment: environment)
    }

    /// Starts `zhibiao-ingest serve` with `arguments`.
    func serve(_ arguments: [String] = []) throws -> ChildProcess {
        try ChildProcess(binary, ["serve", "--database-url", url, "--poll-interval", "0.2"] + arguments)
    }

    func scalar<T: PostgresDecodable>(_ sql: String, _ type: T.Type = T.self) throws -> T {
        try connection.query(sql).first!.decode(T.self, at: 0)
    }

    func doneCount() throws -> Int {
        try scalar("SELECT count(*) FROM zhibiao.ingest_queue WHERE state = 'done'")
    }

    /// Every document once: as many documents as done messages, each with its own document, the clean run's facts.
    func expectExactlyOnce(documents: Int, expectedFacts: Int, sourceLocation: SourceLocation = #_sourceLocation)
        throws
    {
        #expect(
            try scalar("SELECT count(*) FROM zhibiao.documents", Int.self) == documents,
            sourceLocation: sourceLocation)
        #expect(try doneCount() == documents, sourceLocation: sourceLocation)
        #expect(
            try scalar("SELECT count(DISTINCT document_id) FROM zhibiao.ingest_queue WHERE state = 'done'", Int.self)
                == documents, sourceLocation: sourceLocation)
        #expect(
            try scalar("SELECT count(*) FROM zhibiao.facts", Int.self) == expectedFacts,
            sourceLocation: sourceLocation)
        #expect(try danglingFactReferences(on: connection) == 0, sourceLocation: sourceLocation)
    }
}

/// Polls `condition` until it holds or `timeout` passes (then fails with `what`).
func eventually(
    _ what: String, timeout: Duration = .seconds(30), every interval: Duration = .milliseconds(50),
    _ condition: () throws -> Bool,
    sourceLocation: SourceLocation = #_sourceLocation
) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try condition() { return }
        try await Task.sleep(for: interval)
    }
    Issue.record("timed out waiting until \(what)", sourceLocation: sourceLocation)
    throw TestSupportError("timed out waiting until \(what)")
}

/// Polls `condition` without suspending, keeping this thread, for waits that must catch a moment (a daemon
/// mid-run before a fault). An `await` between polls can resume only when other tests free one of the two
/// cooperative threads, by which time the daemon may have finished.
func holdUntil(
    _ what: String, timeout: Duration = .seconds(60), every interval: Duration = .milliseconds(5),
    _ condition: () throws -> Bool,
    sourceLocation: SourceLocation = #_sourceLocation
) throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try condition() { return }
        Thread.sleep(forTimeInterval: Double(interval.components.attoseconds) / 1e18)
    }
    Issue.record("timed out waiting until \(what)", sourceLocation: sourceLocation)
    throw TestSupportError("timed out waiting until \(what)")
}

/// Report files made from the seeds: `count` documents, each a passage of four lines of a seed plus a numbered line
/// of its own, so that every one has distinct bytes (a distinct SHA-256) and real figures. Passages rather than
/// whole seeds keep a 500-document run within seconds in a debug build.
enum VariedDocuments {
    static let passages: [String] = {
        let lines = Submitter.files(in: [Repository.path("seeds")]).flatMap { path in
            ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").components(separatedBy: "\n")
                .filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        }
        return stride(from: 0, to: lines.count, by: 4).map {
            lines[$0..<min($0 + 4, lines.count)].joined(separator: "\n")
        }
    }()

    static func text(_ index: Int) -> String {
        passages[index % passages.count] + "\n（简报编号\(index)）\n"
    }

    /// Writes the documents into a new temporary folder and returns it.
    static func write(count: Int) throws -> String {
        let folder = NSTemporaryDirectory() + "zhibiao-docs-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for index in 0..<count {
            try Data(text(index).utf8).write(to: URL(fileURLWithPath: folder + "/doc\(index).txt"))
        }
        return folder
    }

    /// The facts a clean run stores for those documents, by the parser. A document differs from its passage only by
    /// its numbered line, so each passage is parsed once — after checking, on its first variant, that the line adds
    /// no fact.
    static func expectedFacts(count: Int) throws -> Int {
        let parser = try ExtractionParser()
        func facts(_ text: String) throws -> Int {
            try parser.parse(bytes: Array(text.utf8), name: "doc", metadata: DocumentMetadata()).facts.count
        }
        let perPassage = try passages.map(facts)
        for index in 0..<min(count, passages.count) where try facts(text(index)) != perPassage[index] {
            throw TestSupportError("the numbered line of variant \(index) changes its facts")
        }
        return (0..<count).reduce(0) { $0 + perPassage[$1 % passages.count] }
    }
}
