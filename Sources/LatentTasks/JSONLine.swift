import Foundation

/// One-line JSON objects for `--json` output (keys sorted, so output is stable and diffable).
public enum JSONLine {
    public enum Value {
        case string(String)
        case number(Double)
        case bool(Bool)
        case null
    }

    public static func encode(_ object: [String: Value]) -> String {
        let body = object.keys.sorted().map { key in "\(quote(key)):\(render(object[key]!))" }
        return "{" + body.joined(separator: ",") + "}"
    }

    static func render(_ value: Value) -> String {
        switch value {
        case .string(let s): return quote(s)
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .number(let d):
            guard d.isFinite else { return "null" }
            if d == d.rounded() && abs(d) < 1e15 { return String(Int64(d)) }
            return String(format: "%.6g", d)
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }
}
