// The header of a safetensors file as a JSON value tree. Decoded with Foundation's JSONDecoder
// (which bounds nesting depth and rejects malformed text) into this enum, so that every
// structural check on the header is ours and can report the exact offending tensor.

import Foundation

enum SafeTensorsHeaderJSON: Decodable, Equatable {
    case null
    case bool(Bool)
    case integer(Int)
    /// Any number that is not an integer representable as `Int` (fractions, 1e30, …).
    case number(Double)
    case string(String)
    case array([SafeTensorsHeaderJSON])
    case object([String: SafeTensorsHeaderJSON])

    init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null; return }
        if let value = try? container.decode(Bool.self) { self = .bool(value); return }
        if let value = try? container.decode(Int.self) { self = .integer(value); return }
        if let value = try? container.decode(Double.self) { self = .number(value); return }
        if let value = try? container.decode(String.self) { self = .string(value); return }
        if let value = try? container.decode([SafeTensorsHeaderJSON].self) { self = .array(value); return }
        self = .object(try container.decode([String: SafeTensorsHeaderJSON].self))
    }

    /// A short rendering for error messages; never the whole (possibly huge) value.
    var brief: String {
        switch self {
        case .null: return "null"
        case .bool(let value): return String(value)
        case .integer(let value): return String(value)
        case .number(let value): return String(value)
        case .string(let value): return "\"" + String(value.prefix(40)) + (value.count > 40 ? "…\"" : "\"")
        case .array(let values): return "an array of \(values.count)"
        case .object(let members): return "an object of \(members.count) keys"
        }
    }
}
