import Foundation
import ZhibiaoPostgres

/// Reading one file for the queue, with the checks `submit` and `--watch` share.
public enum SubmissionFile {
    public enum Reading: Sendable {
        case accepted(IngestQueue.Submission)
        case rejected(reason: String)
    }

    /// Reads `path` as a report named `name`; rejects an empty, too large or unreadable file, or one whose content is
    /// not text (`TextContent`), saying why.
    public static func read(path: String, name: String, maxBytes: Int) -> Reading {
        let size: Int
        do {
            size = (try FileManager.default.attributesOfItem(atPath: path)[.size] as? NSNumber)?.intValue ?? 0
        } catch {
            return .rejected(reason: "unreadable (\(Self.reason(error)))")
        }
        if size == 0 { return .rejected(reason: "empty") }
        if size > maxBytes { return .rejected(reason: "too large (\(size) bytes; the limit is \(maxBytes))") }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            return .rejected(reason: "unreadable (cannot open: \(String(cString: strerror(errno))))")
        }
        defer { try? handle.close() }
        do {
            let data = try handle.read(upToCount: maxBytes + 1) ?? Data()
            if data.isEmpty { return .rejected(reason: "empty") }
            if data.count > maxBytes { return .rejected(reason: "too large (more than \(maxBytes) bytes)") }
            if let problem = TextContent.problem([UInt8](data), name: name) { return .rejected(reason: problem) }
            return .accepted(IngestQueue.Submission(bytes: [UInt8](data), sourceName: name))
        } catch {
            return .rejected(reason: "unreadable (\(Self.reason(error)))")
        }
    }

    private static func reason(_ error: any Error) -> String {
        (error as NSError).localizedFailureReason ?? (error as NSError).localizedDescription
    }
}

/// `zhibiao-ingest submit PATH...`: files, and directories walked recursively, enqueued in one transaction.
public struct Submitter: Sendable {
    public struct Summary: Sendable, Equatable {
        public var queued = 0
        public var alreadyKnown = 0
        public var rejected: [(path: String, reason: String)] = []

        public static func == (lhs: Summary, rhs: Summary) -> Bool {
            lhs.queued == rhs.queued && lhs.alreadyKnown == rhs.alreadyKnown
                && lhs.rejected.map(\.path) == rhs.rejected.map(\.path)
        }
    }

    /// One event per file, for progress output.
    public enum Event: Sendable {
        case queued(path: String, id: Int64)
        case alreadyKnown(path: String)
        case rejected(path: String, reason: String)
    }

    public let maxBytes: Int
    public let maxAttempts: Int

    public init(maxBytes: Int, maxAttempts: Int) {
        self.maxBytes = maxBytes
        self.maxAttempts = maxAttempts
    }

    /// The regular files under `paths` (directories recursively, hidden entries skipped), sorted within each
    /// directory; a path that does not exist is kept, so that it is reported as unreadable.
    public static func files(in paths: [String]) -> [String] {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                files.append(path)
                continue
            }
            guard let enumerator = FileManager.default.enumerator(atPath: path) else { continue }
            var found: [String] = []
            while let relative = enumerator.nextObject() as? String {
                if (relative as NSString).lastPathComponent.hasPrefix(".") {
                    enumerator.skipDescendants()
                    continue
                }
                let full = (path as NSString).appendingPathComponent(relative)
                var nested: ObjCBool = false
                if FileManager.default.fileExists(atPath: full, isDirectory: &nested), !nested.boolValue {
                    found.append(full)
                }
            }
            files += found.sorted()
        }
        return files
    }

    /// Reads and enqueues `files` in one transaction (the NOTIFY goes out at its commit). Blocking.
    public func submit(
        _ files: [String], on connection: PostgresConnection, progress: (Event, Int) -> Void = { _, _ in }
    ) throws -> Summary {
        try connection.transaction { connection in
            var summary = Summary()
            for (index, path) in files.enumerated() {
                let name = (path as NSString).lastPathComponent
                let event: Event
                switch SubmissionFile.read(path: path, name: name, maxBytes: maxBytes) {
                case .rejected(let reason):
                    summary.rejected.append((path, reason))
                    event = .rejected(path: path, reason: reason)
                case .accepted(let submission):
                    switch try IngestQueue.enqueue([submission], maxAttempts: maxAttempts, on: connection)[0] {
                    case .queued(let id):
                        summary.queued += 1
                        event = .queued(path: path, id: id)
                    case .alreadyKnown:
                        summary.alreadyKnown += 1
                        event = .alreadyKnown(path: path)
                    }
                }
                progress(event, index + 1)
            }
            return summary
        }
    }
}
