import ArgumentParser
import Foundation
import ZhibiaoObservability

/// The exit code of a command given an invalid setting (a flag or environment variable it cannot use).
public let invalidSettingExitCode: Int32 = 2

/// Runs a command body so that configuration and runtime errors end in one clear line on stderr and a known exit
/// code: 2 for an invalid setting (the line names it), 1 for anything else. Both CLIs use it, so both agree.
public func reportingErrors<T>(_ program: String, _ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as ExitCode {
        throw error
    } catch let error as SettingError {
        FileHandle.standardError.write(Data("\(program): \(error.description)\n".utf8))
        throw ExitCode(invalidSettingExitCode)
    } catch {
        // PostgresError.description names the target without its password and never includes SQL. An error may
        // quote a file name or a producer's field: escaped, it stays one line.
        FileHandle.standardError.write(
            Data("\(program): \(String(describing: error).escapingControlCharacters)\n".utf8))
        throw ExitCode(1)
    }
}
