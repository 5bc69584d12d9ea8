extension String {
    /// The string without leading and trailing ASCII white space.
    var trimmed: String {
        let ws: Set<Character> = [" ", "\n", "\t", "\r"]
        guard let first = firstIndex(where: { !ws.contains($0) }),
              let last = lastIndex(where: { !ws.contains($0) }) else { return "" }
        return String(self[first...last])
    }
}
