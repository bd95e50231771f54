import Foundation

/// `print(…, to: &StandardError.shared)` for messages that must not mix with stdout output.
struct StandardError: TextOutputStream {
    nonisolated(unsafe) static var shared = StandardError()
    func write(_ string: String) { FileHandle.standardError.write(Data(string.utf8)) }
}
