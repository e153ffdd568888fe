import ZhibiaoPostgres

/// What `zhibiao-report serve` checks before it serves: that its login cannot write.
///
/// The server's read-only promise rests on the login's privileges (see `ReportServerConfiguration.database`). A
/// superuser, the schema's owner or the ingest role would answer the same requests while able to change everything,
/// so such a login is refused at start, naming what it can do, rather than trusted to be harmless.
public enum ReadOnlyLogin {
    public struct Refused: Error, CustomStringConvertible {
        public let login: String
        public let reasons: [String]

        public var description: String {
            "will not serve as \(login): it " + reasons.joined(separator: " and ")
                + ". Log in as zhibiao_reporting, which can only read the reporting views (docs/roles.md)."
        }
    }

    /// Connects once to `target` and throws `Refused` when its login is a superuser, or can write a table of the
    /// schema: itself, or as a role it may become (`SET ROLE`).
    public static func verify(_ target: ConnectionTarget) throws {
        let connection = try PostgresConnection(target)
        let row = try connection.query(
            """
            WITH able AS (
                SELECT r.oid, r.rolname, r.rolsuper FROM pg_roles r WHERE pg_has_role(current_user, r.oid, 'MEMBER')
            )
            SELECT current_user::text,
                   (SELECT string_agg(rolname, ', ' ORDER BY rolname) FROM able WHERE rolsuper),
                   (SELECT string_agg(DISTINCT a.rolname, ', ') FROM able a
                    CROSS JOIN pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname IN ('zhibiao', 'reporting') AND c.relkind IN ('r', 'p', 'm')
                      AND has_table_privilege(a.oid, c.oid, 'INSERT, UPDATE, DELETE, TRUNCATE'))
            """
        ).first!
        let login = try row.decode(String.self, at: 0)
        let reasons = [
            try row.decode(String?.self, at: 1).map { "is or may become a superuser (\($0))" },
            try row.decode(String?.self, at: 2).map { "can write the schema's tables (as \($0))" },
        ].compactMap { $0 }
        guard reasons.isEmpty else { throw Refused(login: login, reasons: reasons) }
    }
}
