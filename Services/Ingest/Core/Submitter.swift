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

/// `zhibiao-ingest submit PATH...`: files, and directories walked recursively, enqueued in one transaction, in the
/// order given (the queue's order, and so the order in which they are ingested).
///
/// Submits may run at once over overlapping folders. Two transactions inserting the same report wait on each other
/// (the queue's unique `sha256`), and two submits inserting each other's reports in their own orders could deadlock:
/// so a submit first takes a transaction-scoped advisory lock that every submit takes, and inserts only while it holds
/// it; the other waits its turn, holding nothing. A deadlock with any other writer (plain SQL holds no such lock)
/// still rolls the transaction back, and it is run again. Outcomes are reported only once committed, so nothing is
/// said "queued" that a rollback took back.
public struct Submitter: Sendable {
    /// What became of each file, in the order the files were given.
    public struct Summary: Sendable {
        public var events: [Event] = []

        public var queued: Int { events.filter { if case .queued = $0 { true } else { false } }.count }
        public var alreadyKnown: Int { events.filter { if case .alreadyKnown = $0 { true } else { false } }.count }
        public var rejected: [(path: String, reason: String)] {
            events.compactMap { if case .rejected(let path, let reason) = $0 { (path, reason) } else { nil } }
        }
    }

    /// The outcome of one file.
    public enum Event: Sendable {
        case queued(path: String, id: Int64)
        case alreadyKnown(path: String)
        case rejected(path: String, reason: String)
    }

    public let maxBytes: Int
    public let maxAttempts: Int
    /// How many times a transaction that lost a deadlock (or a serialization conflict) is run.
    static let transactionAttempts = 5
    /// The advisory lock every submit holds while it inserts (any key unique to Zhibiao; the migrations' is `…01`).
    static let lockKey: Int64 = 0x5A48_4942_4941_4F02

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

    /// Reads and enqueues `files` in one transaction (the NOTIFY goes out at its commit), in their order. `progress`
    /// is called with the number of files read so far (from 0 again when the transaction is run again). Blocking.
    ///
    /// Memory holds one report at a time.
    public func submit(_ files: [String], on connection: PostgresConnection, progress: (Int) -> Void = { _ in })
        throws -> Summary
    {
        var attempt = 1
        while true {
            do {
                return Summary(events: try enqueue(files, on: connection, progress: progress))
            } catch let error as PostgresError
                where (error.sqlState == "40P01" || error.sqlState == "40001") && attempt < Self.transactionAttempts
            {
                attempt += 1
                Thread.sleep(forTimeInterval: .random(in: 0.01...0.1))  // let the other transaction finish first
            }
        }
    }

    /// One transaction: the submit lock, then each file read and enqueued in turn.
    private func enqueue(_ files: [String], on connection: PostgresConnection, progress: (Int) -> Void) throws
        -> [Event]
    {
        try connection.transaction { connection in
            try connection.query("SELECT pg_advisory_xact_lock($1)", [Self.lockKey])
            var events: [Event] = []
            for (index, path) in files.enumerated() {
                switch SubmissionFile.read(path: path, name: Self.name(of: path), maxBytes: maxBytes) {
                case .rejected(let reason):
                    events.append(.rejected(path: path, reason: reason))
                case .accepted(let submission):
                    switch try IngestQueue.enqueue([submission], maxAttempts: maxAttempts, on: connection)[0] {
                    case .queued(let id): events.append(.queued(path: path, id: id))
                    case .alreadyKnown: events.append(.alreadyKnown(path: path))
                    }
                }
                progress(index + 1)
            }
            return events
        }
    }

    private static func name(of path: String) -> String { (path as NSString).lastPathComponent }
}
