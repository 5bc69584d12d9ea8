import Glibc

/// The fifo the created init blocks on until `start`: opening it for
/// reading and taking its byte releases the init.
enum ExecFifo {
    /// Opens the fifo for reading without blocking, then waits for the
    /// init's byte, checking that the init is still alive meanwhile.
    static func release(_ path: String, record: ContainerRecord) throws {
        let fd = try Sys.open(path, O_RDONLY | O_NONBLOCK)
        defer { Sys.close(fd) }
        while true {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let r = poll(&pfd, 1, 100)
            if r < 0 && errno != EINTR { throw RuntimeError("poll", path: path, errno: errno) }
            if r > 0 {
                var b: UInt8 = 0
                let n = Glibc.read(fd, &b, 1)
                if n == 1 { break }
                if n == 0 && pfd.revents & Int16(POLLHUP) != 0 {
                    throw RuntimeError("the container init closed the exec fifo without starting")
                }
                if n < 0 && errno != EAGAIN && errno != EINTR { throw RuntimeError("read", path: path, errno: errno) }
            }
            if !StatusResolver.initAlive(record) {
                throw RuntimeError("the container init exited before start")
            }
        }
        unlink(path)
    }
}
