import CLibPQ
import Foundation

extension PostgresConnection {
    /// Sets `role`'s password without sending it: libpq hashes it as the server's `password_encryption` says
    /// (SCRAM-SHA-256 by default) and only the verifier travels, and may reach the server's log — as psql's
    /// `\password` does.
    public func setPassword(_ password: String, for role: String) throws {
        let statement = try withHandle { handle -> String in
            guard let verifier = PQencryptPasswordConn(handle, password, role, nil) else {
                throw PostgresError(code: .misuse, message: "cannot hash a password: \(lastError(handle))")
            }
            defer { PQfreemem(verifier) }
            guard let literal = PQescapeLiteral(handle, verifier, strlen(verifier)) else {
                throw PostgresError(code: .misuse, message: "cannot quote a password verifier: \(lastError(handle))")
            }
            defer { PQfreemem(literal) }
            return String(cString: literal)
        }
        try execute("ALTER ROLE \(try quoteIdentifier(role)) PASSWORD \(statement)")
    }

    private func lastError(_ handle: OpaquePointer) -> String {
        String(cString: PQerrorMessage(handle)).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
