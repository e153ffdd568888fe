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
    ///
    /// Up to date, it only reads: the services log in as roles that may not change the schema, and every command
    /// calls this at start. When something is missing and the login may not apply it, the error says to run
    /// `zhibiao-ingest migrate` as the schema's owner.
    @discardableResult
    public func migrate(_ connection: PostgresConnection, through lastVersion: Int = .max) throws -> [Int] {
        let wanted = migrations.filter { $0.version <= lastVersion }
        let checksums = try self.checksums(of: wanted, on: connection)
        if try missing(wanted, checksums: checksums, recorded: recorded(on: connection)).isEmpty { return [] }
        do {
            return try apply(wanted, checksums: checksums, on: connection)
        } catch let error as PostgresError where error.sqlState == "42501" {
            throw PostgresError(
                code: .misuse, sqlState: error.sqlState,
                message: "the schema lacks migrations and this login may not apply them (\(error.message)): "
                    + "run `zhibiao-ingest migrate` as the schema's owner",
                target: error.target)
        }
    }

    /// Throws unless every migration is applied: for the commands that only use the schema (`submit`, `status`,
    /// `retry`), which must not change it — an operator with a read-only login can run them, and only `migrate`
    /// and the daemons' start apply DDL.
    public func requireCurrent(_ connection: PostgresConnection) throws {
        let lacking = try missing(
            migrations, checksums: checksums(of: migrations, on: connection), recorded: recorded(on: connection))
        guard !lacking.isEmpty else { return }
        throw PostgresError(
            code: .misuse,
            message:
                "the schema lacks migrations \(lacking.map { "\($0.version) (\($0.name))" }.joined(separator: ", ")), "
                + "which only `migrate` and the daemons apply: run `zhibiao-ingest migrate` as the schema's owner")
    }

    /// The migrations recorded in the database with their checksums (empty before the first).
    private func recorded(on connection: PostgresConnection) throws -> [Int: String] {
        let exists = try connection.query("SELECT to_regclass('zhibiao.schema_migrations') IS NOT NULL")
        guard try exists.first!.decode(Bool.self, at: 0) else { return [:] }
        var recorded: [Int: String] = [:]
        for row in try connection.query("SELECT version, checksum FROM zhibiao.schema_migrations") {
            recorded[try row.decode(Int.self, at: 0)] = try row.decode(String.self, at: 1)
        }
        return recorded
    }

    /// The migrations of `wanted` not recorded yet. Versions recorded beyond them (a newer build migrated) are no
    /// concern; a recorded one whose file changed since is an error, not something to run again.
    private func missing(_ wanted: [Migration], checksums: [Int: String], recorded: [Int: String]) throws
        -> [Migration]
    {
        try wanted.filter { migration in
            guard let recorded = recorded[migration.version] else { return true }
            guard recorded == checksums[migration.version] else {
                throw PostgresError(
                    code: .misuse,
                    message: "migration \(migration.version) (\(migration.name)) "
                        + "was changed after it was applied; add a new migration instead")
            }
            return false
        }
    }

    /// Each migration's checksum as recorded: the hex SHA-256 of its SQL, computed by PostgreSQL.
    private func checksums(of migrations: [Migration], on connection: PostgresConnection) throws -> [Int: String] {
        var checksums: [Int: String] = [:]
        for migration in migrations {
            checksums[migration.version] = try connection.query(
                "SELECT encode(sha256(convert_to($1, 'UTF8')), 'hex')", [migration.sql]
            ).first!.decode(String.self, at: 0)
        }
        return checksums
    }

    private func apply(_ wanted: [Migration], checksums: [Int: String], on connection: PostgresConnection) throws
        -> [Int]
    {
        try connection.query("SELECT pg_advisory_lock($1)", [Self.lockKey])
        defer { _ = try? connection.query("SELECT pg_advisory_unlock($1)", [Self.lockKey]) }
        try connection.execute(
            """
            CREATE SCHEMA IF NOT EXISTS zhibiao;
            CREATE TABLE IF NOT EXISTS zhibiao.schema_migrations (
                version    integer PRIMARY KEY,
                name       text NOT NULL,
                checksum   text NOT NULL,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """)
        // Again, under the lock: another process may have migrated meanwhile.
        let missing = try missing(wanted, checksums: checksums, recorded: recorded(on: connection))
        var newlyApplied: [Int] = []
        for migration in missing {
            let checksum = checksums[migration.version]!
            try connection.transaction { connection in
                try connection.execute(migration.sql)
                try connection.query(
                    "INSERT INTO zhibiao.schema_migrations (version, name, checksum) VALUES ($1, $2, $3)",
                    [migration.version, migration.name, checksum])
            }
            logger.info(
                "applied migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
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
                throw PostgresError(
                    code: .misuse, message: "migration file \(url.lastPathComponent) is not NNNN_name.sql")
            }
            return Migration(
                version: version, name: String(stem[stem.index(after: separator)...]),
                sql: try String(contentsOf: url, encoding: .utf8))
        }.sorted { $0.version < $1.version }
        guard Set(migrations.map(\.version)).count == migrations.count else {
            throw PostgresError(code: .misuse, message: "two migration files share a version number")
        }
        return migrations
    }
}
