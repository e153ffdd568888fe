import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why the server cannot take its socket path.
public struct SocketFileError: Error, CustomStringConvertible, Sendable {
    public let description: String
}

/// The server's socket file: checked before bind, created with its mode, removed at shutdown if still ours.
enum SocketFile {
    /// Unix socket paths are limited by `sockaddr_un.sun_path` (108 bytes on Linux, 104 on macOS).
    static let maximumPathBytes = 103

    /// Makes `path` free to bind: removes a socket file left by a dead server; refuses a live one, or a file that
    /// is not a socket.
    static func prepare(_ path: String) throws {
        guard path.utf8.count <= maximumPathBytes else {
            throw SocketFileError(
                description: "socket path is \(path.utf8.count) bytes, more than the "
                    + "\(maximumPathBytes) a Unix socket allows: \(path)")
        }
        var info = stat()
        guard lstat(path, &info) == 0 else { return }  // nothing there
        guard (info.st_mode & S_IFMT) == S_IFSOCK else {
            throw SocketFileError(description: "\(path) exists and is not a socket; refusing to replace it")
        }
        if isAlive(path) {
            throw SocketFileError(
                description: "another server is already listening on \(path); "
                    + "stop it first or choose another --socket")
        }
        guard unlink(path) == 0 || errno == ENOENT else {
            throw SocketFileError(
                description: "cannot remove the stale socket \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// True when something accepts connections on the socket at `path`.
    static func isAlive(_ path: String) -> Bool {
        let fd = makeSocket()
        guard fd >= 0 else { return false }
        defer { close(fd) }
        return withAddress(path) { connect(fd, $0, $1) } == 0
    }

    /// A socket file this server created: the listening descriptor and the file's inode.
    struct Bound {
        let descriptor: Int32
        let inode: ino_t
    }

    /// Binds a new socket at `path` (which `prepare` freed) and gives the file `mode`.
    ///
    /// The server binds the descriptor itself, rather than letting NIO bind the path, because NIO unlinks a path it
    /// bound when it closes the socket — whatever file is at that path by then, a newer server's included. Only
    /// `remove(_:inode:)` removes the file, and only if it is still this one.
    static func create(_ path: String, mode: mode_t) throws -> Bound {
        let fd = makeSocket()
        guard fd >= 0 else { throw failure("cannot create a socket for \(path)") }
        guard withAddress(path, { bind(fd, $0, $1) }) == 0 else {
            let error = failure("cannot bind \(path)")
            close(fd)
            throw error
        }
        guard chmod(path, mode) == 0 else {
            let error = failure("cannot set mode \(String(mode, radix: 8)) on \(path)")
            close(fd)
            unlink(path)
            throw error
        }
        var info = stat()
        guard lstat(path, &info) == 0 else {
            close(fd)
            throw SocketFileError(description: "the socket \(path) vanished after bind")
        }
        return Bound(descriptor: fd, inode: info.st_ino)
    }

    /// Removes the socket if it is still the one this server bound (not a newer server's).
    static func remove(_ path: String, inode: ino_t) {
        var info = stat()
        guard lstat(path, &info) == 0, info.st_ino == inode else { return }
        unlink(path)
    }

    private static func makeSocket() -> Int32 {
        #if canImport(Glibc)
            socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        #else
            socket(AF_UNIX, SOCK_STREAM, 0)
        #endif
    }

    /// Calls `body` with `path` as a `sockaddr_un` and its length.
    private static func withAddress(_ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Int32) -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (offset, byte) in path.utf8.enumerated() where offset < raw.count - 1 { raw[offset] = byte }
        }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
    }

    private static func failure(_ what: String) -> SocketFileError {
        SocketFileError(description: "\(what): \(String(cString: strerror(errno)))")
    }
}
