import Testing
import ZhibiaoPostgres

/// The reconnecting loops' one policy: doubling delays from 0.1 s up to 5 s, a log line for the first failure and
/// every tenth, and a success that ends the run.
struct BackoffTests {
    @Test func delaysDoubleUpToFiveSecondsAndASuccessResetsThem() {
        var backoff = Backoff()
        let delays = (1...9).map { _ in backoff.failed() }
        #expect(delays.prefix(4) == [.milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800)])
        #expect(delays.suffix(3) == [.seconds(5), .seconds(5), .seconds(5)])
        let ended = backoff.succeeded()
        let endedAgain = backoff.succeeded()
        #expect(ended && !endedAgain)
        let afterSuccess = backoff.failed()
        #expect(afterSuccess == .milliseconds(100))
    }

    @Test func theFirstFailureAndEveryTenthAreLogged() {
        var backoff = Backoff()
        var logged: [Int] = []
        for _ in 1...30 {
            _ = backoff.failed()
            if backoff.shouldLog { logged.append(backoff.failures) }
        }
        #expect(logged == [1, 10, 20, 30])
    }
}
