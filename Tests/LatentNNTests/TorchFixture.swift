// One PyTorch parity fixture (Tests/Fixtures/torch, convention in its README.md) and the
// comparisons every parity test makes against it.
//
// Agreement criterion, for every compared tensor (outputs, gradients, buffers, parameters):
//     max_i |actual_i − expected_i| ≤ 1e-4 · max_i |expected_i| + 1e-7
// i.e. relative to the tensor's largest magnitude, plus a floor far below any value we care
// about, for tensors that are zero in exact arithmetic (a linear bias before batch norm has
// gradient 0; PyTorch stores float noise of ~1e-9 there). Not max(1, max|b|): the model
// gradients are ~1e-4 in size, and an absolute 1e-4 would pass them even if 20 % wrong.
// The shapes must match exactly (a scalar is shape []).

import Foundation
import XCTest
import LatentTensor
@testable import LatentNN

struct TorchFixture {
    static let tolerance: Float = 1e-4
    static let absoluteFloor: Float = 1e-7

    let name: String
    let file: SafeTensorsFile
    /// The `args` metadata: the exact call arguments.
    let args: [String: Any]

    init(_ name: String) throws {
        self.name = name
        let url = TorchFixtureLocation.folder.appendingPathComponent("\(name).safetensors")
        file = try SafeTensorsFile(contentsOf: url)
        let json = try XCTUnwrap(file.metadata["args"], "\(name): no args")
        args = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any], "\(name): args")
    }

    func has(_ key: String) -> Bool { file.tensors[key] != nil }

    /// An F32 tensor of the file as an engine tensor of the same shape.
    func tensor(_ key: String, requiresGrad: Bool = false) throws -> Tensor {
        let stored = try file.tensor(key)
        return Tensor(try file.floats(key), shape: stored.shape, requiresGrad: requiresGrad)
    }

    func int64s(_ key: String) throws -> [Int64] { try file.int64s(key) }

    func int(_ arg: String) throws -> Int {
        try XCTUnwrap(args[arg] as? Int, "\(name): argument \(arg) is not an integer: \(String(describing: args[arg]))")
    }

    func float(_ arg: String) throws -> Float {
        let number = try XCTUnwrap(args[arg] as? NSNumber, "\(name): argument \(arg) is not a number")
        return number.floatValue
    }

    func bool(_ arg: String) throws -> Bool {
        try XCTUnwrap(args[arg] as? Bool, "\(name): argument \(arg) is not a boolean")
    }

    /// Every stored tensor under `prefix` ("param." but not "param.after."), keyed without it,
    /// as `loadStateDict` takes them.
    func stateDict(prefix: String, excluding excluded: String) -> [String: StoredTensor] {
        var result: [String: StoredTensor] = [:]
        for (key, value) in file.tensors where key.hasPrefix(prefix) && !key.hasPrefix(excluded) {
            result[String(key.dropFirst(prefix.count))] = value
        }
        return result
    }

    /// Fails unless `actual` has the shape of `expectedKey` and agrees within the criterion above.
    func assertMatches(_ actual: Tensor, _ expectedKey: String, context: String = "",
                       file: StaticString = #filePath, line: UInt = #line) throws {
        let where_ = "\(name)\(context.isEmpty ? "" : " [\(context)]"): \(expectedKey)"
        let stored = try self.file.tensor(expectedKey)
        guard actual.shape == stored.shape else {
            XCTFail("\(where_): shape \(actual.shape), PyTorch \(stored.shape)", file: file, line: line); return
        }
        TorchFixture.assertClose(actual.toArray(), try self.file.floats(expectedKey), where_, file: file, line: line)
    }

    static func assertClose(_ actual: [Float], _ expected: [Float], _ label: String,
                            file: StaticString = #filePath, line: UInt = #line) {
        guard actual.count == expected.count else {
            XCTFail("\(label): \(actual.count) values, PyTorch \(expected.count)", file: file, line: line); return
        }
        let bound = tolerance * (expected.map(abs).max() ?? 0) + absoluteFloor
        var worst: Float = 0, worstIndex = 0
        for i in actual.indices {
            let error = abs(actual[i] - expected[i])
            // `!(error <= worst)` also catches NaN.
            if !(error <= worst) { worst = error; worstIndex = i }
        }
        if !(worst <= bound) {
            XCTFail("\(label): max |Δ| = \(worst) at \(worstIndex) (\(actual[worstIndex]) vs PyTorch \(expected[worstIndex])) "
                    + "exceeds \(bound)", file: file, line: line)
        }
    }

    /// The standard forward/backward check of an op or loss: builds `input.<i>` (requiring
    /// gradients exactly when the file has `grad.input.<i>`) and `param.<name>` (requiring
    /// gradients), runs `call`, compares `output`, back-propagates `grad_output` and compares
    /// every `grad.*` tensor of the file, failing for any gradient it could not compare.
    /// Returns the parameters, for tests that also check buffers.
    @discardableResult
    func checkForwardAndBackward(context: String = "", file: StaticString = #filePath, line: UInt = #line,
                                 params paramNames: [String] = [], buffers bufferNames: [String] = [],
                                 _ call: (_ inputs: [Tensor], _ params: [String: Tensor]) throws -> Tensor) throws -> [String: Tensor] {
        var inputs: [Tensor] = []
        while has("input.\(inputs.count)") {
            let i = inputs.count
            if try self.file.tensor("input.\(i)").dtype == .i64 {
                inputs.append(Tensor.zeros([0]))  // integer inputs (indices) are read by the test itself
            } else {
                inputs.append(try tensor("input.\(i)", requiresGrad: has("grad.input.\(i)")))
            }
        }
        var params: [String: Tensor] = [:]
        for p in paramNames { params[p] = try tensor("param.\(p)", requiresGrad: true) }
        for b in bufferNames { params[b] = try tensor("param.\(b)") }
        let output = try call(inputs, params)
        try assertMatches(output, has("output") ? "output" : "output.0", context: context, file: file, line: line)
        output.backward(try tensor("grad_output"))

        var compared = Set<String>()
        for (i, input) in inputs.enumerated() where has("grad.input.\(i)") {
            let key = "grad.input.\(i)"
            guard let grad = input.grad else { XCTFail("\(name): no gradient for input \(i)", file: file, line: line); continue }
            try assertMatches(grad, key, context: context, file: file, line: line)
            compared.insert(key)
        }
        for p in paramNames where has("grad.param.\(p)") {
            let key = "grad.param.\(p)"
            guard let grad = params[p]?.grad else { XCTFail("\(name): no gradient for \(p)", file: file, line: line); continue }
            try assertMatches(grad, key, context: context, file: file, line: line)
            compared.insert(key)
        }
        for b in bufferNames {
            try assertMatches(params[b]!, "param.after.\(b)", context: context, file: file, line: line)
        }
        let uncompared = self.file.tensors.keys.filter { $0.hasPrefix("grad.") && !compared.contains($0) }.sorted()
        XCTAssertEqual(uncompared, [], "\(name): gradients in the fixture that the test did not compare", file: file, line: line)
        return params
    }
}
