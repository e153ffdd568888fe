import Foundation
import Logging
import ZhibiaoPostgres

/// Applies the SQL migrations shipped in `Migrations/` (files `NNNN_name.sql`) in order, each exactly once.
///
/// Each migration runs in its own transaction and is recorded in `zhibiao.schema_migrations` with a checksum; the
/// whole run holds an advisory lock, so any number of processes may call `migrate()` at once (services do at start).
/// A recorded migration whose file changed since is an error, not something to re-run.
public struct Migrator: Sendable {
    public struct Migration: Sendable, Equatable {
        public let version: Int
        public let name: String
        public let sql: String
    }

    /// Any advisory-lock key unique to Zhibiao's migrations.
    static let lockKey: Int64 = 0x5A48_4942_4941_4F01

    public let migrations: [Migration]
    private let logger: Logger

    public init(logger: Logger = Logger(label: "zhibiao.migrate")) throws {
        self.migrations = try Self.bundled()
        self.logger = logger
    }

    /// Applies what is missing, up to `lastVersion` (tests stop at an older schema to upgrade it); returns the
    /// versions applied by this call (empty when up to date).
    @discardableResult
    public func migrate(_ connection: PostgresConnection, through lastVersion: Int = .max) throws -> [Int] {
        try connection.query("SELECT pg_advisory_lock($1)", [Self.lockKey])
        defer { _ = try? connection.query("SELECT pg_advisory_unlock($1)", [Self.lockKey]) }
        try connection.execute("""
            CREATE SCHEMA IF NOT EXISTS zhibiao;
            CREATE TABLE IF NOT EXISTS zhibiao.schema_migrations (
                version    integer PRIMARY KEY,
                name       text NOT NULL,
                checksum   text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """)
        var applied: [Int: String] = [:]
        for row in try connection.query("SELECT version, checksum FROM zhibiao.schema_migrations") {
            applied[try row.decode(Int.self, at: 0)] = try row.decode(String.self, at: 1)
        }
        var newlyApplied: [Int] = []
        for migration in migrations where migration.version <= lastVersion {
            let checksum = try connection.query(
                "SELECT encode(sha256(convert_to($1, 'UTF8')), 'hex')", [migration.sql]
            ).first!.decode(String.self, at: 0)
            if let recorded = applied[migration.version] {
                guard recorded == checksum else {
                    throw PostgresError(code: .misuse, message: "migration \(migration.version) (\(migration.name)) "
                        + "was changed after it was applied; add a new migration instead")
                }
                continue
            }
            try connection.transaction { connection in
                try connection.execute(migration.sql)
                try connection.query(
                    "INSERT INTO zhibiao.schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                    [migration.version, migration.name, checksum])
            }
            logger.info("applied migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
            newlyApplied.append(migration.version)
        }
        return newlyApplied
    }

    /// The migrations shipped with the package, sorted by version.
    static func bundled() throws -> [Migration] {
        guard let folder = Bundle.module.url(forResource: "Migrations", withExtension: nil) else {
            throw PostgresError(code: .misuse, message: "the Migrations resource folder is missing from the build")
        }
        let files = try FileManager.default.contentsOfDirectory(at: folder, includingPropertiesForKeys: nil)
        let migrations = try files.filter { $0.pathExtension == "sql" }.map { url in
            let stem = url.deletingPathExtension().lastPathComponent
            guard let separator = stem.firstIndex(of: "_"), let version = Int(stem[..<separator]) else {
                throw PostgresError(code: .misuse, message: "migration file \(url.lastPathComponent) is not NNNN_name.sql")
            }
            return Migration(version: version, name: String(stem[stem.index(after: separator)...]),
                             sql: try String(contentsOf: url, encoding: .utf8))
        }.sorted { $0.version < $1.version }
        guard Set(migrations.map(\.version)).count == migrations.count else {
            throw PostgresError(code: .misuse, message: "two migration files share a version number")
        }
        return migrations
    }
}
