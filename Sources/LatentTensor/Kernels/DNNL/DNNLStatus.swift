import CDNNL
import CLatentShim

/// Stops the program when a oneDNN call fails. Every failure here is a programming error
/// (inconsistent descriptors, a geometry the backend should have routed elsewhere), never
/// bad user input, so there is nothing sensible to recover.
@inline(__always)
func dnnlCheck(_ status: dnnl_status_t, _ call: StaticString, file: StaticString = #fileID, line: UInt = #line) {
    if status != dnnl_success {
        let name = dnnl_status2str(status).map { String(cString: $0) } ?? "status \(status.rawValue)"
        fatalError("\(call) failed: \(name)", file: file, line: line)
    }
}
