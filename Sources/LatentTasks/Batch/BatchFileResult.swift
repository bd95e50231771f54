/// What happened to one input.
public struct BatchFileResult: Sendable, Equatable {
    public enum Status: String, Sendable {
        case ok, skipped, error
    }

    /// The message of a file skipped because its output is already there (a resumed run).
    public static let outputExists = "output exists"

    public var input: String
    public var output: String?
    public var status: Status
    /// The reason for `error`, or why the file was skipped.
    public var message: String?
    /// Wall time from reading the header to the rename of the output.
    public var milliseconds: Double
    /// Input megapixels (0 when the file was not decoded).
    public var megapixels: Double

    public init(input: String, output: String?, status: Status, message: String? = nil,
                milliseconds: Double = 0, megapixels: Double = 0) {
        self.input = input
        self.output = output
        self.status = status
        self.message = message
        self.milliseconds = milliseconds
        self.megapixels = megapixels
    }

    /// The `--json` line: input, output, status, error, ms.
    public var json: String {
        JSONLine.encode(["input": .string(input), "output": output.map { .string($0) } ?? .null,
                         "status": .string(status.rawValue),
                         "error": status == .ok ? .null : message.map { .string($0) } ?? .null,
                         "ms": .number(milliseconds.rounded())])
    }
}
