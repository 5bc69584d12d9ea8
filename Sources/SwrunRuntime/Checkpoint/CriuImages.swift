import FoundationEssentials
import Glibc
import OCI

/// The directories CRIU works in, opened for it: CRIU opens them again
/// through /proc/<our pid>/fd, so they need not be inherited.
struct CriuImages {
    let imagePath: String
    let imageFd: Int32
    let workPath: String?
    let workFd: Int32

    /// Where CRIU's log of this operation goes (named in errors).
    func logPath(_ name: String) -> String { (workPath ?? imagePath) + "/" + name }

    func close() {
        Sys.close(imageFd)
        Sys.close(workFd)
    }

    /// For a checkpoint: the image (and work) directories, made (0700,
    /// with parents) when missing, as runc makes them. `parent`, relative
    /// to the image directory, must be a directory.
    static func forCheckpoint(_ o: CriuCommonOptions, parent: String) throws -> CriuImages {
        let image = o.absoluteImagePath
        if !parent.isEmpty {
            if parent.hasPrefix("/") { throw RuntimeError("--parent-path must be relative") }
        }
        try makeAll(image)
        if !parent.isEmpty {
            let real = image + "/" + parent
            var st = stat()
            if stat(real, &st) < 0 { throw RuntimeError("invalid --parent-path: stat", path: real, errno: errno) }
            if st.st_mode & S_IFMT != S_IFDIR { throw RuntimeError("invalid --parent-path: stat", path: real, errno: ENOTDIR) }
        }
        return try open(image: image, work: o.absoluteWorkPath, makeWork: true)
    }

    /// For a restore: the image directory must exist (runc would make an
    /// empty one); the work directory is made when missing.
    static func forRestore(_ o: CriuCommonOptions) throws -> CriuImages {
        try open(image: o.absoluteImagePath, work: o.absoluteWorkPath, makeWork: true)
    }

    private static func open(image: String, work: String?, makeWork: Bool) throws -> CriuImages {
        let imageFd: Int32
        do {
            imageFd = try Sys.open(image, O_RDONLY | O_DIRECTORY)
        } catch let e as RuntimeError {
            throw RuntimeError("open the image directory (--image-path)", path: image, errno: e.errno)
        }
        var workFd: Int32 = -1
        if let work {
            do {
                if makeWork { try makeAll(work) }
                workFd = try Sys.open(work, O_RDONLY | O_DIRECTORY)
            } catch {
                Sys.close(imageFd)
                throw error
            }
        }
        return CriuImages(imagePath: image, imageFd: imageFd, workPath: work, workFd: workFd)
    }

    /// mkdir -p, mode 0700 for what it makes.
    static func makeAll(_ path: String) throws {
        var prefix = ""
        for c in path.split(separator: "/") {
            prefix += "/" + c
            if Glibc.mkdir(prefix, 0o700) < 0 && errno != EEXIST {
                throw RuntimeError("mkdir", path: prefix, errno: errno)
            }
        }
        guard Sys.isDirectory(path) else { throw RuntimeError("mkdir", path: path, errno: ENOTDIR) }
    }
}

/// `descriptors.json` in the image directory, as runc writes it: what the
/// init's fds 0, 1 and 2 were (`readlink /proc/PID/fd/N`). At restore, a
/// pipe among them is replaced by the restoring swrun's own fd of that
/// number (`inherit_fd`), so a caller's stdio pipes carry over.
enum CriuDescriptors {
    static let fileName = "descriptors.json"

    static func write(pid: Int32, to images: CriuImages) throws {
        let links = (0...2).map { (try? Sys.readLink("/proc/\(pid)/fd/\($0)")) ?? "" }
        let path = images.imagePath + "/" + fileName
        try Sys.writeAtomic(path, encodeJSONCompactBytes(links), mode: 0o600)
    }

    /// The inherit_fd entries for the pipes among the recorded descriptors.
    static func inheritedPipes(from images: CriuImages) throws -> [InheritFd] {
        let path = images.imagePath + "/" + fileName
        let links: [String]
        do {
            links = try decodeJSONDocument([String].self, from: Data(try Sys.readDocument(path)), file: path)
        } catch let e as RuntimeError {
            throw RuntimeError("read the checkpoint's descriptors", path: path, errno: e.errno)
        }
        return links.enumerated().compactMap { i, link in
            guard link.contains("pipe:") else { return nil }
            var e = InheritFd()
            e.key = link
            e.fd = Int32(i)
            return e
        }
    }
}
