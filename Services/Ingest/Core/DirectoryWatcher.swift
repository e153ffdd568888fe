import Foundation
import Logging
import ZhibiaoPostgres

/// `serve --watch DIR`: files dropped in DIR are enqueued, then moved to `DIR/done/`, or to `DIR/failed/` with a
/// `NAME.error` beside them when they are rejected (empty, too large, unreadable).
///
/// Enqueue first, move second: if the daemon dies between the two, the file is still in DIR and is enqueued again
/// at the next start, which is harmless (the same bytes are "already known"). A file is taken only once it has not
/// changed for a second, so a file still being written is not enqueued half-way.
public struct DirectoryWatcher: Sendable {
    public let directory: String
    let settings: IngestSettings
    let logger: Logger

    public init(directory: String, settings: IngestSettings, logger: Logger) {
        self.directory = directory
        self.settings = settings
        self.logger = logger
    }

    var doneDirectory: String { directory + "/done" }
    var failedDirectory: String { directory + "/failed" }

    func run(on target: ConnectionTarget, wakeUp: WakeUp) async {
        var connection: PostgresConnection?
        var backoff = Backoff()
        while !IngestDaemon.stopping {
            do {
                if connection == nil { connection = try await PostgresConnection.connect(target) }
                let moved = try await connection!.run { [self] in try scanOnce(on: $0) }
                if moved > 0 { wakeUp.signal() }
                backoff.succeeded()
            } catch {
                _ = backoff.failed()  // the folder is polled anyway: only the logging policy applies
                if backoff.shouldLog {
                    logger.error(
                        "watch folder: error; retrying", metadata: ["error": "\(error)", "dir": "\(directory)"])
                }
            }
            try? await Task.sleep(for: settings.pollInterval)
        }
    }

    /// Enqueues and moves every settled file in the folder; returns how many were queued. Blocking.
    public func scanOnce(on connection: PostgresConnection) throws -> Int {
        let manager = FileManager.default
        try manager.createDirectory(atPath: doneDirectory, withIntermediateDirectories: true)
        try manager.createDirectory(atPath: failedDirectory, withIntermediateDirectories: true)
        let names = try manager.contentsOfDirectory(atPath: directory).filter { !$0.hasPrefix(".") }.sorted()
        var queued = 0
        for name in names {
            let path = directory + "/" + name
            guard let attributes = try? manager.attributesOfItem(atPath: path),
                attributes[.type] as? FileAttributeType == .typeRegular
            else { continue }
            if let modified = attributes[.modificationDate] as? Date, Date().timeIntervalSince(modified) < 1 {
                continue
            }
            switch SubmissionFile.read(path: path, name: name, maxBytes: settings.maxBytes) {
            case .rejected(let reason):
                logger.warning("watch folder: rejected file", metadata: ["file": "\(name)", "reason": "\(reason)"])
                try moveAside(path, name: name, into: failedDirectory)
                try Data((reason + "\n").utf8).write(to: URL(fileURLWithPath: failedDirectory + "/" + name + ".error"))
            case .accepted(let submission):
                let outcome = try IngestQueue.enqueue([submission], maxAttempts: settings.maxAttempts, on: connection)[
                    0]
                logger.info(
                    "watch folder: enqueued file",
                    metadata: [
                        "file": "\(name)", "outcome": outcome == .alreadyKnown ? "already known" : "queued",
                    ])
                try moveAside(path, name: name, into: doneDirectory)
                queued += 1
            }
        }
        return queued
    }

    /// Moves a file into `folder`, never over another one (a second `a.txt` becomes `a.1.txt`).
    private func moveAside(_ path: String, name: String, into folder: String) throws {
        var destination = folder + "/" + name
        var counter = 1
        let stem = (name as NSString).deletingPathExtension
        let ext = (name as NSString).pathExtension
        while FileManager.default.fileExists(atPath: destination) {
            destination = folder + "/" + stem + ".\(counter)" + (ext.isEmpty ? "" : "." + ext)
            counter += 1
        }
        try FileManager.default.moveItem(atPath: path, toPath: destination)
    }
}
