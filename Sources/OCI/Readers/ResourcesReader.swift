extension LinuxResources: JSONTreeReadable {
    init(tree: JSONNode, path: JSONPathBuilder) throws {
        let o = try JSONObjectReader(tree, at: path)
        devices = try o.optionalArray("devices")
        memory = try o.optionalObject("memory")
        cpu = try o.optionalObject("cpu")
        pids = try o.optionalObject("pids")
        blockIO = try o.optionalObject("blockIO")
        hugepageLimits = try o.optionalArray("hugepageLimits")
        network = try o.optionalObject("network")
        rdma = try o.optionalMap("rdma")
        unified = try o.optionalStringMap("unified")
    }
}

extension LinuxDeviceCgroup: JSONTreeReadable {
    init(tree: JSONNode, path: JSONPathBuilder) throws {
        let o = try JSONObjectReader(tree, at: path)
        allow = try o.bool("allow")
        type = try o.optionalString("type")
        major = try o.optionalInt64("major")
        minor = try o.optionalInt64("minor")
        access = try o.optionalString("access")
    }
}

extension LinuxMemory: JSONTreeReadable {
    init(tree: JSONNode, path: JSONPathBuilder) throws {
        let o = try JSONObjectReader(tree, at: path)
        limit = try o.optionalInt64("limit")
        reservation = try o.optionalInt64("reservation")
        swap = try o.optionalInt64("swap")
        kernel = try o.optionalInt64("kernel")
        kernelTCP = try o.optionalInt64("kernelTCP")
        swappiness = try o.optionalUInt64("swappiness")
        disableOOMKiller = try o.optionalBool("disableOOMKiller")
        useHierarchy = try o.optionalBool("useHierarchy")
        checkBeforeUpdate = try o.optionalBool("checkBeforeUpdate")
    }
}

extension LinuxCPU: JSONTreeReadable {
    init(tree: JSONNode, path: JSONPathBuilder) throws {
        let o = try JSONObjectReader(tree, at: path)
        shares = try o.optionalUInt64("shares")
        quota = try o.optionalInt64("quota")
        burst = try o.optionalUInt64("burst")
        period = try o.optionalUInt64("period")
        realtimeRuntime = try o.optionalInt64("realtimeRuntime")
        realtimePeriod = try o.optionalUInt64("realtimePeriod")
        cpus = try o.optionalString("cpus")
        mems = try o.optionalString("mems")
        idle = try o.optionalInt64("idle")
    }
}

extension LinuxPids: JSONTreeReadable {
    init(tree: JSONNode, path: JSONPathBuilder) throws {
        let o = try JSONObjectReader(tree, at: path)
        limit = try o.optionalInt64("limit")
    }
}

extension LinuxBlockIO: JSONTreeReadable {
    init(tree: JSONNode, path: JSONPathBuilder) throws {
        let o = try JSONObjectReader(tree, at: path)
        weight = try o.optionalUInt16("weight")
        leafWeight = try o.optionalUInt16("leafWeight")
        weightDevice = try o.optionalArray("weightDevice")
        throttleReadBpsDevice = try o.optionalArray("throttleReadBpsDevice")
        throttleWriteBpsDevice = try o.optionalArray("throttleWriteBpsDevice")
        throttleReadIOPSDevice = try o.optionalArray("throttleReadIOPSDevice")
        throttleWriteIOPSDevice = try o.optionalArray("throttleWriteIOPSDevice")
    }
}

extension LinuxWeightDevice: JSONTreeReadable {
    init(tree: JSONNode, path: JSONPathBuilder) throws {
        let o = try JSONObjectReader(tree, at: path)
        major = try o.int64("major")
        minor = try o.int64("minor")
        weight = try o.optionalUInt16("weight")
        leafWeight = try o.optionalUInt16("leafWeight")
    }
}

extension LinuxThrottleDevice: JSONTreeReadable {
    init(tree: JSONNode, path: JSONPathBuilder) throws {
        let o = try JSONObjectReader(tree, at: path)
        major = try o.int64("major")
        minor = try o.int64("minor")
        rate = try o.uint64("rate")
    }
}

extension LinuxHugepageLimit: JSONTreeReadable {
    init(tree: JSONNode, path: JSONPathBuilder) throws {
        let o = try JSONObjectReader(tree, at: path)
        pageSize = try o.string("pageSize")
        limit = try o.uint64("limit")
    }
}

extension LinuxNetwork: JSONTreeReadable {
    init(tree: JSONNode, path: JSONPathBuilder) throws {
        let o = try JSONObjectReader(tree, at: path)
        classID = try o.optionalUInt32("classID")
        priorities = try o.optionalArray("priorities")
    }
}

extension LinuxInterfacePriority: JSONTreeReadable {
    init(tree: JSONNode, path: JSONPathBuilder) throws {
        let o = try JSONObjectReader(tree, at: path)
        name = try o.string("name")
        priority = try o.uint32("priority")
    }
}

extension LinuxRdma: JSONTreeReadable {
    init(tree: JSONNode, path: JSONPathBuilder) throws {
        let o = try JSONObjectReader(tree, at: path)
        hcaHandles = try o.optionalUInt32("hcaHandles")
        hcaObjects = try o.optionalUInt32("hcaObjects")
    }
}
