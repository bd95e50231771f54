// Every way a safetensors file can be rejected, with the file and tensor it concerns, so that a
// message such as `model.safetensors: tensor "conv1.weight": data_offsets [0, 400] do not match
// shape [8, 3, 3, 3] × F32 = 864 bytes` can point the user at the exact defect.

public struct SafeTensorsError: Error, Equatable, CustomStringConvertible, Sendable {
    public enum Problem: Equatable, Sendable {
        /// The file is shorter than the 8-byte header length prefix.
        case shorterThanLengthPrefix(fileSize: Int)
        /// The header length exceeds the limit that protects against absurd allocations.
        case headerTooLarge(length: UInt64, limit: Int)
        /// The header length points past the end of the file.
        case headerLongerThanFile(length: UInt64, fileSize: Int)
        case headerNotUTF8
        case headerNotJSONObject(detail: String)
        case invalidMetadata(detail: String)
        case invalidEntry(detail: String)
        case unknownDType(String)
        /// A dimension is negative, or the element/byte count overflows `Int`.
        case invalidShape([Int])
        case offsetsDoNotMatchShape(begin: Int, end: Int, shape: [Int], dtype: StoredTensor.DType, expectedBytes: Int)
        case offsetsOutsideData(begin: Int, end: Int, dataSize: Int)
        /// Tensors overlap or leave a gap: the reference implementation requires a contiguous packing.
        case offsetsNotContiguous(begin: Int, expectedBegin: Int)
        case trailingBytes(dataEnd: Int, dataSize: Int)
        case tensorNotFound
        /// The element bytes do not match shape × dtype size (constructing a tensor in memory).
        case byteCountMismatch(bytes: Int, shape: [Int], dtype: StoredTensor.DType)
        case conversionUnsupported(from: StoredTensor.DType, to: String)
        case valueNotRepresentable(from: StoredTensor.DType, to: String)
        case writeFailed(detail: String)
        case readFailed(detail: String)
    }

    /// The file name (or "<memory>") the problem was found in.
    public var source: String
    /// The tensor name, when the problem concerns one tensor.
    public var tensor: String?
    public var problem: Problem

    public init(source: String, tensor: String? = nil, problem: Problem) {
        self.source = source
        self.tensor = tensor
        self.problem = problem
    }

    public var description: String {
        var prefix = source + ": "
        if let tensor { prefix += "tensor \"\(tensor)\": " }
        return prefix + Self.explain(problem)
    }

    private static func explain(_ problem: Problem) -> String {
        func shapeText(_ shape: [Int]) -> String { "[" + shape.map(String.init).joined(separator: ", ") + "]" }
        switch problem {
        case .shorterThanLengthPrefix(let size):
            return "file is \(size) bytes, shorter than the 8-byte header length prefix"
        case .headerTooLarge(let length, let limit):
            return "header length \(length) exceeds the limit of \(limit) bytes"
        case .headerLongerThanFile(let length, let size):
            return "header length \(length) runs past the end of the \(size)-byte file (truncated?)"
        case .headerNotUTF8:
            return "header is not valid UTF-8"
        case .headerNotJSONObject(let detail):
            return "header is not a JSON object: \(detail)"
        case .invalidMetadata(let detail):
            return "__metadata__ must map strings to strings: \(detail)"
        case .invalidEntry(let detail):
            return detail
        case .unknownDType(let name):
            return "unknown dtype \"\(name)\" (known: \(StoredTensor.DType.allCases.map(\.rawValue).joined(separator: ", ")))"
        case .invalidShape(let shape):
            return "shape \(shapeText(shape)) has a negative dimension or its element count overflows"
        case .offsetsDoNotMatchShape(let begin, let end, let shape, let dtype, let expected):
            return "data_offsets [\(begin), \(end)] do not match shape \(shapeText(shape)) × \(dtype.rawValue) = \(expected) bytes"
        case .offsetsOutsideData(let begin, let end, let size):
            return "data_offsets [\(begin), \(end)] lie outside the \(size)-byte data section"
        case .offsetsNotContiguous(let begin, let expected):
            return "data_offsets begin at \(begin) but the previous tensor ends at \(expected) (tensors must be packed without overlap or gap)"
        case .trailingBytes(let end, let size):
            return "tensors end at byte \(end) of the \(size)-byte data section; the rest is unaccounted for"
        case .tensorNotFound:
            return "no such tensor"
        case .byteCountMismatch(let bytes, let shape, let dtype):
            return "\(bytes) bytes do not match shape \(shapeText(shape)) × \(dtype.rawValue)"
        case .conversionUnsupported(let from, let to):
            return "cannot convert \(from.rawValue) to \(to)"
        case .valueNotRepresentable(let from, let to):
            return "a \(from.rawValue) value is not representable as \(to)"
        case .writeFailed(let detail):
            return "could not write: \(detail)"
        case .readFailed(let detail):
            return "could not read: \(detail)"
        }
    }
}
