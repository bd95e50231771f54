import XCTest
import LatentTensor

/// Central finite differences of a scalar function of several tensors, compared with autograd.
///
/// The forward runs in Float32, so the step is large (1e-2 on inputs scaled ~1) and the
/// tolerance is stated per call; functions should be smooth near the sample points (tests
/// keep ReLU/max-pool inputs away from their kinks).
public func checkGradients(_ inputs: [Tensor], step: Float = 1e-2, tolerance: Float = 2e-2,
                    file: StaticString = #filePath, line: UInt = #line,
                    _ f: ([Tensor]) -> Tensor) {
    for t in inputs { t.requiresGrad = true; t.grad = nil }
    let loss = f(inputs)
    loss.backward()
    for (k, t) in inputs.enumerated() {
        guard let analytic = t.grad?.toArray() else {
            XCTFail("input \(k) received no gradient", file: file, line: line); continue
        }
        let p = t.storage.pointer
        var worst: Float = 0
        // Each perturbation writes the tensor in place: mark it, so that caches of derived
        // copies (oneDNN's reordered weights) see the new values.
        for i in 0..<t.count {
            let saved = p[i]
            p[i] = saved + step
            t.storage.markModified()
            let up = Autograd.withoutGrad { f(inputs).item }
            p[i] = saved - step
            t.storage.markModified()
            let down = Autograd.withoutGrad { f(inputs).item }
            p[i] = saved
            t.storage.markModified()
            let numeric = (up - down) / (2 * step)
            let error = abs(numeric - analytic[i]) / max(1, abs(numeric), abs(analytic[i]))
            worst = max(worst, error)
            if error > tolerance {
                XCTFail("input \(k) element \(i): autograd \(analytic[i]) vs finite difference \(numeric)", file: file, line: line)
                return
            }
        }
        _ = worst
    }
}
