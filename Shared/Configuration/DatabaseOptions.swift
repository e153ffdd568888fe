import ArgumentParser
import ZhibiaoPostgres

/// `--database-url`, shared by every command that talks to PostgreSQL.
public struct DatabaseOptions: ParsableArguments, Sendable {
    @Option(
        name: .customLong("database-url"),
        help: ArgumentHelp(
            "libpq connection string or postgresql:// URI [env: ZHIBIAO_DATABASE_URL]",
            discussion: """
                Unset: the embedded cluster under $ZHIBIAO_HOME (default ./.zhibiao), as the command's own role \
                (migrate: postgres; other ingest commands: zhibiao_ingest; the reporting server: zhibiao_reporting). \
                PG* variables apply.
                """))
    public var databaseURL: String?

    @Option(
        name: .customLong("prepared-statements"),
        help: ArgumentHelp(
            "on | off [env: ZHIBIAO_PREPARED_STATEMENTS; default: on]",
            discussion: """
                off: no server-side prepared statement is ever created (every statement is sent with its parameters, \
                unnamed), for a pooler in transaction mode that does not track them, such as pgbouncer before 1.21 \
                (docs/scale.md).
                """))
    public var preparedStatements: String?

    public init() {}

    /// The resolved target (the embedded cluster logged in as `login` when none is configured), tagged with this
    /// program's name for `pg_stat_activity`.
    public func target(applicationName: String, login: ZhibiaoPaths.Login) throws -> ConnectionTarget {
        var target = ZhibiaoPaths().database(flag: databaseURL, login: login)
            .setting("fallback_application_name", to: applicationName)
        target.preparedStatements = try Setting.value(
            preparedStatements, flag: "--prepared-statements", variable: "ZHIBIAO_PREPARED_STATEMENTS", default: true,
            expected: "on or off"
        ) { ["on": true, "off": false][$0] }
        return target
    }
}
