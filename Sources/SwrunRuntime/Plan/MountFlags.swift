/// mount(2) flags, and the option words of config.json that set them.
public enum MountFlags {
    public static let rdonly: UInt = 0x1
    public static let nosuid: UInt = 0x2
    public static let nodev: UInt = 0x4
    public static let noexec: UInt = 0x8
    public static let synchronous: UInt = 0x10
    public static let remount: UInt = 0x20
    public static let mandlock: UInt = 0x40
    public static let dirsync: UInt = 0x80
    public static let nosymfollow: UInt = 0x100
    public static let noatime: UInt = 0x400
    public static let nodiratime: UInt = 0x800
    public static let bind: UInt = 0x1000
    public static let move: UInt = 0x2000
    public static let rec: UInt = 0x4000
    public static let unbindable: UInt = 0x20000
    public static let `private`: UInt = 0x40000
    public static let slave: UInt = 0x80000
    public static let shared: UInt = 0x100000
    public static let relatime: UInt = 0x200000
    public static let iversion: UInt = 0x800000
    public static let strictatime: UInt = 0x1000000
    public static let lazytime: UInt = 0x2000000

    public static let propagationMask: UInt = unbindable | `private` | slave | shared

    /// Option word → (set: true / clear: false, flag).
    static let options: [String: (Bool, UInt)] = [
        "defaults": (true, 0),
        "ro": (true, rdonly), "rw": (false, rdonly),
        "nosuid": (true, nosuid), "suid": (false, nosuid),
        "nodev": (true, nodev), "dev": (false, nodev),
        "noexec": (true, noexec), "exec": (false, noexec),
        "sync": (true, synchronous), "async": (false, synchronous),
        "dirsync": (true, dirsync),
        "remount": (true, remount),
        "mand": (true, mandlock), "nomand": (false, mandlock),
        "noatime": (true, noatime), "atime": (false, noatime),
        "nodiratime": (true, nodiratime), "diratime": (false, nodiratime),
        "relatime": (true, relatime), "norelatime": (false, relatime),
        "strictatime": (true, strictatime), "nostrictatime": (false, strictatime),
        "lazytime": (true, lazytime), "nolazytime": (false, lazytime),
        "iversion": (true, iversion), "noiversion": (false, iversion),
        "nosymfollow": (true, nosymfollow), "symfollow": (false, nosymfollow),
        "bind": (true, bind), "rbind": (true, bind | rec),
    ]

    static let propagation: [String: UInt] = [
        "private": `private`, "rprivate": `private` | rec,
        "shared": shared, "rshared": shared | rec,
        "slave": slave, "rslave": slave | rec,
        "unbindable": unbindable, "runbindable": unbindable | rec,
    ]

    static let names: [(UInt, String)] = [
        (rdonly, "MS_RDONLY"), (nosuid, "MS_NOSUID"), (nodev, "MS_NODEV"), (noexec, "MS_NOEXEC"),
        (synchronous, "MS_SYNCHRONOUS"), (remount, "MS_REMOUNT"), (mandlock, "MS_MANDLOCK"),
        (dirsync, "MS_DIRSYNC"), (nosymfollow, "MS_NOSYMFOLLOW"), (noatime, "MS_NOATIME"),
        (nodiratime, "MS_NODIRATIME"), (bind, "MS_BIND"), (move, "MS_MOVE"), (rec, "MS_REC"),
        (unbindable, "MS_UNBINDABLE"), (`private`, "MS_PRIVATE"), (slave, "MS_SLAVE"),
        (shared, "MS_SHARED"), (relatime, "MS_RELATIME"), (iversion, "MS_I_VERSION"),
        (strictatime, "MS_STRICTATIME"), (lazytime, "MS_LAZYTIME"),
    ]

    /// Symbolic flags, as runc's mountError prints them: "MS_BIND|MS_REC".
    public static func describe(_ flags: UInt) -> String {
        let parts = names.filter { flags & $0.0 != 0 }.map { $0.1 }
        return parts.isEmpty ? "0" : parts.joined(separator: "|")
    }
}

/// mount_setattr(2) attributes, and the recursive option words of
/// config.json (crun's extensions, used by podman) that set or clear them.
public enum MountAttributes {
    public static let rdonly: UInt64 = 0x1
    public static let nosuid: UInt64 = 0x2
    public static let nodev: UInt64 = 0x4
    public static let noexec: UInt64 = 0x8
    public static let atimeMask: UInt64 = 0x70
    public static let relatime: UInt64 = 0
    public static let noatime: UInt64 = 0x10
    public static let strictatime: UInt64 = 0x20
    public static let nodiratime: UInt64 = 0x80
    public static let nosymfollow: UInt64 = 0x200000

    /// Option → (set, clear).
    static let recursive: [String: (UInt64, UInt64)] = [
        "rro": (rdonly, 0), "rrw": (0, rdonly),
        "rnosuid": (nosuid, 0), "rsuid": (0, nosuid),
        "rnodev": (nodev, 0), "rdev": (0, nodev),
        "rnoexec": (noexec, 0), "rexec": (0, noexec),
        "rnodiratime": (nodiratime, 0), "rdiratime": (0, nodiratime),
        "rnosymfollow": (nosymfollow, 0), "rsymfollow": (0, nosymfollow),
        // The atime modes are one field: set one, clear the field.
        "rrelatime": (relatime, atimeMask), "rnorelatime": (strictatime, atimeMask),
        "rnoatime": (noatime, atimeMask), "ratime": (relatime, atimeMask),
        "rstrictatime": (strictatime, atimeMask), "rnostrictatime": (relatime, atimeMask),
    ]
}
