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

/// The server's socket file: checked before bind, given its mode after, removed at shutdown if still ours.
enum SocketFile {
    /// Unix socket paths are limited by `sockaddr_un.sun_path` (108 bytes on Linux, 104 on macOS).
    static let maximumPathBytes = 103

    /// Makes `path` free to bind: removes a socket file left by a dead server; refuses a live one, or a file that
    /// is not a socket.
    static func prepare(_ path: String) throws {
        guard path.utf8.count <= maximumPathBytes else {
            throw SocketFileError(description: "socket path is \(path.utf8.count) bytes, more than the "
                + "\(maximumPathBytes) a Unix socket allows: \(path)")
        }
        var info = stat()
        guard lstat(path, &info) == 0 else { return }  // nothing there
        guard (info.st_mode & S_IFMT) == S_IFSOCK else {
            throw SocketFileError(description: "\(path) exists and is not a socket; refusing to replace it")
        }
        if isAlive(path) {
            throw SocketFileError(description: "another server is already listening on \(path); "
                + "stop it first or choose another --socket")
        }
        guard unlink(path) == 0 || errno == ENOENT else {
            throw SocketFileError(description: "cannot remove the stale socket \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// True when something accepts connections on the socket at `path`.
    static func isAlive(_ path: String) -> Bool {
        #if canImport(Glibc)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_UNIX, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (offset, byte) in path.utf8.enumerated() where offset < raw.count - 1 { raw[offset] = byte }
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        return result == 0
    }

    /// Sets the socket's permission bits; returns its inode so shutdown removes only this file.
    static func claim(_ path: String, mode: mode_t) throws -> ino_t {
        guard chmod(path, mode) == 0 else {
            throw SocketFileError(description: "cannot set mode \(String(mode, radix: 8)) on \(path): "
                + String(cString: strerror(errno)))
        }
        var info = stat()
        guard lstat(path, &info) == 0 else {
            throw SocketFileError(description: "the socket \(path) vanished after bind")
        }
        return info.st_ino
    }

    /// Removes the socket if it is still the one this server bound (not a newer server's).
    static func remove(_ path: String, inode: ino_t) {
        var info = stat()
        guard lstat(path, &info) == 0, info.st_ino == inode else { return }
        unlink(path)
    }
}
