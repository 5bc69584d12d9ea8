import Glibc
@testable import SwrunRuntime
import XCTest

final class ClockTests: XCTestCase {
    func testRFC3339InUTCWithAndWithoutNanoseconds() {
        XCTAssertEqual(Clock.rfc3339(seconds: 0, nanoseconds: 0), "1970-01-01T00:00:00.000000000Z")
        XCTAssertEqual(Clock.rfc3339(seconds: 1_700_000_000, nanoseconds: 5_000_007), "2023-11-14T22:13:20.005000007Z")
        XCTAssertEqual(Clock.rfc3339(seconds: 951_782_400, nanoseconds: nil), "2000-02-29T00:00:00Z")
    }

    /// The hand-made calendar agrees with glibc's gmtime_r.
    func testAgreesWithGmtimeAcrossCenturies() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<5000 {
            var t = time_t(Int64.random(in: -5_000_000_000...10_000_000_000, using: &rng))
            var tm = tm()
            gmtime_r(&t, &tm)
            let want = String(Int(tm.tm_year) + 1900) + "-" + two(tm.tm_mon + 1) + "-" + two(tm.tm_mday)
                + "T" + two(tm.tm_hour) + ":" + two(tm.tm_min) + ":" + two(tm.tm_sec) + "Z"
            XCTAssertEqual(Clock.rfc3339(seconds: t, nanoseconds: nil), want, "t=\(t)")
        }
    }

    private func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }

    func testNowHasTheShapeRuncWrites() {
        let now = Clock.rfc3339(nanos: true)
        XCTAssertEqual(now.count, 30, now)
        XCTAssertTrue(now.hasSuffix("Z") && now.dropFirst(19).hasPrefix("."), now)
    }
}

