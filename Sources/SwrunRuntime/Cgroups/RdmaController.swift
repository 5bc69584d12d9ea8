import OCI

/// rdma.max: the same format in v1 and v2.
enum RdmaController {
    static func writes(_ rdma: [String: LinuxRdma]) -> [CgroupWrite] {
        rdma.sorted { $0.key < $1.key }.compactMap { dev, r in
            var parts = [dev]
            if let h = r.hcaHandles { parts.append("hca_handle=\(h)") }
            if let o = r.hcaObjects { parts.append("hca_object=\(o)") }
            return parts.count > 1 ? CgroupWrite("rdma", "rdma.max", parts.joined(separator: " "), field: "linux.resources.rdma[\"\(dev)\"]") : nil
        }
    }
}
