import Foundation
import ZhibiaoPostgres

/// Reading one file for the queue, with the checks `submit` and `--watch` share.
public enum SubmissionFile {
    public enum Reading: Sendable {
        case accepted(IngestQueue.Submission)
        case rejected(reason: String)
    }

    /// Reads `path` as a report named `name`; rejects an empty, too large or unreadable file, saying why.
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
///
/// Submits may run at once over overlapping folders. Two transactions inserting the same report wait on each other
/// (the queue's unique `sha256`), so each inserts its reports in the order of a hash of their contents, not of their
/// paths: the same report comes at the same place in both and they cannot deadlock over them. A deadlock with any
/// other writer still rolls the transaction back, and it is run again. Outcomes are reported only once committed,
/// so nothing is said "queued" that a rollback took back.
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

    /// Reads and enqueues `files` in one transaction (the NOTIFY goes out at its commit). `progress` is called with
    /// the number of files read so far. Blocking.
    ///
    /// Every file is read twice, to order and then to send, so that memory holds one report at a time.
    public func submit(_ files: [String], on connection: PostgresConnection, progress: (Int) -> Void = { _ in })
        throws -> Summary
    {
        var rejected: [Int: String] = [:]
        var order: [(index: Int, key: ContentKey)] = []
        for (index, path) in files.enumerated() {
            switch SubmissionFile.read(path: path, name: Self.name(of: path), maxBytes: maxBytes) {
            case .rejected(let reason): rejected[index] = reason
            case .accepted(let submission): order.append((index, ContentKey(submission.bytes)))
            }
            progress(index + 1)
        }
        order.sort { ($0.key, $0.index) < ($1.key, $1.index) }

        var attempt = 1
        while true {
            do {
                let outcomes = try enqueue(files, in: order.map(\.index), on: connection)
                return Summary(events: files.indices.map { index in
                    if let reason = rejected[index] ?? outcomes.rejected[index] {
                        return .rejected(path: files[index], reason: reason)
                    }
                    switch outcomes.enqueued[index]! {
                    case .queued(let id): return .queued(path: files[index], id: id)
                    case .alreadyKnown: return .alreadyKnown(path: files[index])
                    }
                })
            } catch let error as PostgresError
                where (error.sqlState == "40P01" || error.sqlState == "40001") && attempt < Self.transactionAttempts
            {
                attempt += 1
                Thread.sleep(forTimeInterval: .random(in: 0.01...0.1))  // let the other transaction finish first
            }
        }
    }

    /// One transaction: the files at `indices`, in that order, each read again (it may have changed or gone since).
    private func enqueue(_ files: [String], in indices: [Int], on connection: PostgresConnection) throws
        -> (enqueued: [Int: IngestQueue.EnqueueOutcome], rejected: [Int: String])
    {
        try connection.transaction { connection in
            var enqueued: [Int: IngestQueue.EnqueueOutcome] = [:]
            var rejected: [Int: String] = [:]
            for index in indices {
                switch SubmissionFile.read(path: files[index], name: Self.name(of: files[index]), maxBytes: maxBytes) {
                case .rejected(let reason): rejected[index] = reason
                case .accepted(let submission):
                    enqueued[index] = try IngestQueue.enqueue([submission], maxAttempts: maxAttempts, on: connection)[0]
                }
            }
            return (enqueued, rejected)
        }
    }

    private static func name(of path: String) -> String { (path as NSString).lastPathComponent }
}

/// The order in which submits insert reports: the same for the same bytes in every process (unlike Swift's
/// `Hasher`, which is seeded per process). FNV-1a over the bytes, then their count; reports that differ but share
/// both are ordered by their place in the list, and a deadlock between two such is retried.
struct ContentKey: Comparable {
    let hash: UInt64
    let count: Int

    init(_ bytes: [UInt8]) {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        self.hash = hash
        self.count = bytes.count
    }

    static func < (lhs: ContentKey, rhs: ContentKey) -> Bool { (lhs.hash, lhs.count) < (rhs.hash, rhs.count) }
}
