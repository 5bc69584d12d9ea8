// Swift names for the generated message types of CRIU's rpc.proto
// (`CriuRPC.pb.swift` keeps the proto's snake_case names).
typealias CriuOpts = criu_opts
typealias CriuReq = criu_req
typealias CriuResp = criu_resp
typealias CriuNotify = criu_notify
typealias CriuCgMode = criu_cg_mode
typealias ExtMountMap = ext_mount_map
typealias InheritFd = inherit_fd
typealias JoinNamespace = join_namespace
typealias CgroupRoot = cgroup_root
