import CShim
import OCI

/// A step the child reported as failed: its index in the plan, errno, and
/// the child's detail (the sub-operation at fault, when the step has
/// several). Rendered once, here: "config field: step: detail: errno".
struct StepFailure {
    let index: Int
    let errno: Int32
    let detail: String
    let plan: InitPlan

    init(report: shim_report, plan: InitPlan) {
        index = Int(report.step)
        errno = report.err
        detail = withUnsafeBytes(of: report.detail) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        self.plan = plan
    }

    /// What the step did, with the config field it comes from.
    var step: String {
        var step = index >= 0 && index < plan.steps.count ? plan.steps[index].description : "step \(index)"
        if let field = plan.stepFields[index] { step = field + ": " + step }
        return step
    }

    func error(operation: String) -> RuntimeError {
        let message = detail.isEmpty ? "\(operation): \(step)" : "\(operation): \(step): \(detail)"
        return RuntimeError(message, errno: errno == 0 ? nil : errno)
    }
}
