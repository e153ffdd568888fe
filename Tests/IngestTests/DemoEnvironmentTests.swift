import Foundation
import Testing
import ZhibiaoTestSupport

/// `source .zhibiao/env` gives a shell the demo's settings and both CLIs on PATH, as the README's commands need.
@Suite("the demo's env file")
struct DemoEnvironmentTests {
    @Test func sourcingTheEnvFilePutsBothBinariesOnPath() throws {
        let binaries = URL(fileURLWithPath: try Repository.executable("zhibiao-ingest"))
            .deletingLastPathComponent().path
        let home = NSTemporaryDirectory() + "zhibiao-env-" + UUID().uuidString.prefix(8)
        defer { try? FileManager.default.removeItem(atPath: home) }
        let written = try Subprocess.run(
            "/bin/bash", [Repository.path("scripts/demo.sh"), "env"],
            environment: ["ZHIBIAO_HOME": home, "ZHIBIAO_BIN": binaries, "ZHIBIAO_DATABASE_URL": ""])
        #expect(written.exitCode == 0, "\(written.stderr)")

        // A fresh shell with a bare PATH, as a person's would be; sourcing twice adds the folder once.
        let shell = try Subprocess.run(
            "/usr/bin/env",
            [
                "-i", "HOME=\(home)", "PATH=/usr/bin:/bin", "/bin/bash", "-c",
                "source '\(home)/env' && source '\(home)/env' && command -v zhibiao-ingest zhibiao-report "
                    + "&& zhibiao-report query --help >/dev/null && echo \"$PATH\" && echo \"$ZHIBIAO_SOCKET\"",
            ])
        #expect(shell.exitCode == 0, "\(shell.stderr)")
        let lines = shell.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 4, "\(shell.stdout)")
        guard lines.count == 4 else { return }
        #expect(lines[0] == binaries + "/zhibiao-ingest")
        #expect(lines[1] == binaries + "/zhibiao-report")
        #expect(lines[2] == binaries + ":/usr/bin:/bin")
        #expect(lines[3] == URL(fileURLWithPath: home).standardizedFileURL.path + "/report.sock")
    }
}
