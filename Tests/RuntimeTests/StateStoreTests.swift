import Glibc
import OCI
@testable import SwrunRuntime
import Foundation
import XCTest

final class StateStoreTests: XCTestCase {
    var root = ""

    override func setUpWithError() throws {
        root = try makeTemporaryDirectory("unit")
    }

    override func tearDown() { Sys.removeTree(root) }

    func record(_ id: String) -> ContainerRecord {
        ContainerRecord(id: id, bundle: "/b", rootfs: "/b/rootfs", created: "t", owner: "", annotations: ["a": "b"],
                        ownPidNamespace: true)
    }

    func testCreateSaveLoadRemove() throws {
        let store = StateStore(root: root + "/state")
        let lock = try store.create(record("c1"))
        lock.release()
        XCTAssertEqual(try store.load("c1"), record("c1"))
        XCTAssertEqual(store.ids(), ["c1"])
        var st = stat()
        XCTAssertEqual(stat(store.statePath("c1"), &st), 0)
        XCTAssertEqual(st.st_mode & 0o777, 0o600)
        store.remove("c1")
        XCTAssertEqual(store.ids(), [])
        XCTAssertThrowsError(try store.load("c1")) { XCTAssertTrue("\($0)".contains("does not exist")) }
    }

    /// start writes nothing: removing the exec fifo is what makes a
    /// created container read as running.
    func testCreatedReadsRunningOnceTheExecFifoIsGone() throws {
        let store = StateStore(root: root)
        var r = record("f1")
        let lock = try store.create(r)
        defer { lock.release() }
        r.status = .created
        try store.save(r)
        XCTAssertEqual(mkfifo(store.fifoPath("f1"), 0o600), 0)
        XCTAssertEqual(try store.load("f1").status, .created)
        unlink(store.fifoPath("f1"))
        XCTAssertEqual(try store.load("f1").status, .running)
    }

    /// A verb waiting for the lock while the container is deleted and
    /// created again under the same id must end up holding the new
    /// directory's lock, not the old inode's.
    func testLockWaiterFollowsADirectoryReplacedWhileItWaited() throws {
        let store = StateStore(root: root)
        let old = try store.create(record("r1"))
        let phase = ManagedAtomicInt()
        let acquiredIn = ManagedAtomicInt()
        let waiter = Thread {
            if let lock = try? store.lock("r1") {
                acquiredIn.value = phase.value
                lock.release()
            }
        }
        waiter.start()
        Sys.sleepMillis(100)
        store.remove("r1")
        let new = try store.create(record("r1"))
        phase.value = 1
        old.release()
        Sys.sleepMillis(100)
        phase.value = 2
        new.release()
        for _ in 0..<300 where acquiredIn.value == 0 { Sys.sleepMillis(10) }
        XCTAssertEqual(acquiredIn.value, 2, "the waiter got the lock only once the new directory's holder let go")
    }

    func testDuplicateIdIsRefused() throws {
        let store = StateStore(root: root)
        let lock = try store.create(record("dup"))
        defer { lock.release() }
        XCTAssertThrowsError(try store.create(record("dup"))) { XCTAssertTrue("\($0)".contains("exists")) }
        XCTAssertEqual(try Sys.listDirectory(root), ["dup"], "no temporary is left behind")
    }

    func testIdsWithPathCharactersAreRefused() {
        for bad in ["", ".", "..", "a/b", "../x", "a b", "x\u{0}"] {
            XCTAssertThrowsError(try StateStore.validate(id: bad), "id \(bad.debugDescription)")
        }
        for good in ["a", "A-b_c.d+1", String(repeating: "x", count: 64)] {
            XCTAssertNoThrow(try StateStore.validate(id: good))
        }
    }

    func testLockOfMissingContainerSaysSo() {
        let store = StateStore(root: root)
        XCTAssertThrowsError(try store.lock("nope")) { XCTAssertTrue("\($0)".contains("does not exist")) }
    }

    func testExclusiveLockExcludesAnotherOpenFileDescription() throws {
        let store = StateStore(root: root)
        let lock = try store.create(record("l1"))
        let fd = open(store.directory("l1"), O_RDONLY | O_DIRECTORY)
        defer { close(fd) }
        XCTAssertEqual(flock(fd, LOCK_EX | LOCK_NB), -1, "the container lock must be held")
        lock.release()
        XCTAssertEqual(flock(fd, LOCK_EX | LOCK_NB), 0, "release must unlock")
    }

    func testStaleTemporaryOfADeadCreatorIsRemoved() throws {
        let store = StateStore(root: root)
        try Sys.mkdir(root + "/new@999999999.1", 0o711)
        let lock = try store.create(record("fresh"))
        lock.release()
        XCTAssertEqual(try Sys.listDirectory(root), ["fresh"])
    }

    func testNewerStateFormatIsRefused() throws {
        let store = StateStore(root: root)
        var r = record("v")
        r.version = 99
        try store.create(r).release()
        XCTAssertThrowsError(try store.load("v")) { XCTAssertTrue("\($0)".contains("format 99")) }
    }

    func testStatusIsDerivedFromTheInit() throws {
        var r = record("s")
        XCTAssertEqual(StatusResolver.status(of: r, isFrozen: { _ in false }), .creating, "our own process is the live creator")
        r.creatorStartTime += 1
        XCTAssertEqual(StatusResolver.status(of: r, isFrozen: { _ in false }), .stopped, "a dead creator means a crashed create")
        r.status = .created
        XCTAssertEqual(StatusResolver.status(of: r, isFrozen: { _ in false }), .stopped, "no init recorded")
        r.pid = getpid()
        r.initStartTime = ProcStat.read(pid: getpid())!.startTime
        r.status = .created
        XCTAssertEqual(StatusResolver.status(of: r, isFrozen: { _ in false }), .created)
        r.status = .running
        XCTAssertEqual(StatusResolver.status(of: r, isFrozen: { _ in false }), .running)
        XCTAssertEqual(StatusResolver.status(of: r, isFrozen: { _ in true }), .paused, "frozen cgroups: paused")
        r.initStartTime! += 1
        XCTAssertEqual(StatusResolver.status(of: r, isFrozen: { _ in false }), .stopped, "a reused pid is not our init")
    }
}

final class ProcStatTests: XCTestCase {
    func testParsesACommandNameWithParenthesesAndSpaces() {
        let fields = (4...52).map(String.init).joined(separator: " ")
        let text = "123 (a) (b c) S " + fields
        let st = ProcStat.parse(text)
        XCTAssertEqual(st?.state, "S")
        XCTAssertEqual(st?.startTime, 22)
        XCTAssertNil(ProcStat.parse("garbage"))
    }

    func testZombieIsDead() {
        XCTAssertTrue(ProcStat(state: "Z", startTime: 1).isDead)
        XCTAssertFalse(ProcStat(state: "S", startTime: 1).isDead)
    }
}

final class SignalsTests: XCTestCase {
    func testNamesAndNumbers() {
        XCTAssertEqual(Signals.parse("TERM"), SIGTERM)
        XCTAssertEqual(Signals.parse("SIGKILL"), SIGKILL)
        XCTAssertEqual(Signals.parse("sigusr1"), SIGUSR1)
        XCTAssertEqual(Signals.parse("9"), 9)
        XCTAssertEqual(Signals.parse("RTMIN+1"), SIGRTMIN + 1)
        XCTAssertEqual(Signals.parse("SIGRTMAX-2"), SIGRTMAX - 2)
        for bad in ["", "FOO", "0", "-1", "99", "SIG", "RTMIN+99"] {
            XCTAssertNil(Signals.parse(bad), bad)
        }
    }
}

/// An Int shared between the test and one thread.
final class ManagedAtomicInt: @unchecked Sendable {
    private let lock = NSLock()
    private var v = 0
    var value: Int {
        get { lock.lock(); defer { lock.unlock() }; return v }
        set { lock.lock(); v = newValue; lock.unlock() }
    }
}
