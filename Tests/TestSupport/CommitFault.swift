import Foundation
import ZhibiaoPostgres

/// A fault for tests: the first transaction that commits a row into a table loses its connection at COMMIT.
///
/// A deferred constraint trigger runs at COMMIT and terminates its own backend; a sequence is the once-flag, because
/// `nextval` is not rolled back with the transaction it ran in. Every later commit goes through untouched.
public enum CommitFault {
    /// Arms the fault on `table` (qualified name) of the database `connection` is on; needs a superuser.
    public static func install(on table: String, _ connection: PostgresConnection) throws {
        try connection.execute(
            """
            CREATE SEQUENCE public.zhibiao_commit_fault;
            -- SECURITY DEFINER: the session that commits may be a role without rights on the sequence.
            CREATE FUNCTION public.zhibiao_commit_fault() RETURNS trigger
            LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
            BEGIN
                IF nextval('public.zhibiao_commit_fault') = 1 THEN
                    PERFORM pg_terminate_backend(pg_backend_pid());
                END IF;
                RETURN NULL;
            END $$;
            CREATE CONSTRAINT TRIGGER zhibiao_commit_fault AFTER INSERT ON \(table)
                DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION public.zhibiao_commit_fault();
            """)
    }

    /// True once the fault has fired.
    public static func fired(_ connection: PostgresConnection) throws -> Bool {
        try connection.query("SELECT is_called FROM public.zhibiao_commit_fault").first!.decode(Bool.self, at: 0)
    }
}
