import Foundation

// Element-wise arithmetic on tensors of equal shape, and with scalars.
// Operands of different layouts are brought to plain first.

extension Tensor {
    public static func + (a: Tensor, b: Tensor) -> Tensor {
        guard a.layout == b.layout else { return a.plain() + b.plain() }
        let out = ElementwiseKernels.binary(a, b) { $0 + $1 }
        return Autograd.record(out, inputs: [a, b]) { g in [g, g] }
    }

    public static func - (a: Tensor, b: Tensor) -> Tensor {
        guard a.layout == b.layout else { return a.plain() - b.plain() }
        let out = ElementwiseKernels.binary(a, b) { $0 - $1 }
        return Autograd.record(out, inputs: [a, b]) { g in [g, -g] }
    }

    public static func * (a: Tensor, b: Tensor) -> Tensor {
        guard a.layout == b.layout else { return a.plain() * b.plain() }
        let out = ElementwiseKernels.binary(a, b) { $0 * $1 }
        let (sa, sb) = (a.detached(), b.detached())
        return Autograd.record(out, inputs: [a, b]) { g in [g * sb, g * sa] }
    }

    public static func / (a: Tensor, b: Tensor) -> Tensor {
        guard a.layout == b.layout else { return a.plain() / b.plain() }
        let out = ElementwiseKernels.binary(a, b) { $0 / $1 }
        let (sa, sb) = (a.detached(), b.detached())
        return Autograd.record(out, inputs: [a, b]) { g in
            // d(a/b)/da = 1/b, d(a/b)/db = -a/b²
            [g / sb, ElementwiseKernels.ternary(g, sa, sb) { g, a, b in -g * a / (b * b) }]
        }
    }

    public static prefix func - (a: Tensor) -> Tensor {
        let out = ElementwiseKernels.unary(a) { -$0 }
        return Autograd.record(out, inputs: [a]) { g in [-g] }
    }

    public static func + (a: Tensor, s: Float) -> Tensor {
        let out = ElementwiseKernels.unary(a) { $0 + s }
        return Autograd.record(out, inputs: [a]) { g in [g] }
    }

    public static func + (s: Float, a: Tensor) -> Tensor { a + s }
    public static func - (a: Tensor, s: Float) -> Tensor { a + (-s) }

    public static func - (s: Float, a: Tensor) -> Tensor {
        let out = ElementwiseKernels.unary(a) { s - $0 }
        return Autograd.record(out, inputs: [a]) { g in [-g] }
    }

    public static func * (a: Tensor, s: Float) -> Tensor {
        let out = ElementwiseKernels.unary(a) { $0 * s }
        return Autograd.record(out, inputs: [a]) { g in [g * s] }
    }

    public static func * (s: Float, a: Tensor) -> Tensor { a * s }
    public static func / (a: Tensor, s: Float) -> Tensor { a * (1 / s) }

    /// x²
    public func squared() -> Tensor {
        let out = ElementwiseKernels.unary(self) { $0 * $0 }
        let saved = detached()
        return Autograd.record(out, inputs: [self]) { g in
            [ElementwiseKernels.binary(g, saved) { g, x in 2 * g * x }]
        }
    }

    /// √x
    public func sqrt() -> Tensor {
        let out = ElementwiseKernels.unary(self) { $0.squareRoot() }
        let saved = out.detached()
        return Autograd.record(out, inputs: [self]) { g in
            [ElementwiseKernels.binary(g, saved) { g, y in g / (2 * y) }]
        }
    }

    /// eˣ
    public func exp() -> Tensor {
        let out = ElementwiseKernels.unary(self) { Foundation.exp($0) }
        let saved = out.detached()
        return Autograd.record(out, inputs: [self]) { g in [g * saved] }
    }

    /// ln x
    public func log() -> Tensor {
        let out = ElementwiseKernels.unary(self) { Foundation.log($0) }
        let saved = detached()
        return Autograd.record(out, inputs: [self]) { g in [g / saved] }
    }

    /// |x|, with gradient sign(x) (0 at 0, as PyTorch).
    public func abs() -> Tensor {
        let out = ElementwiseKernels.unary(self) { Swift.abs($0) }
        let saved = detached()
        return Autograd.record(out, inputs: [self]) { g in
            [ElementwiseKernels.binary(g, saved) { g, x in x > 0 ? g : (x < 0 ? -g : 0) }]
        }
    }

    /// min(max(x, low), high); the gradient passes only where x is inside the range.
    public func clamped(_ low: Float, _ high: Float) -> Tensor {
        let out = ElementwiseKernels.unary(self) { Swift.min(Swift.max($0, low), high) }
        let saved = detached()
        return Autograd.record(out, inputs: [self]) { g in
            [ElementwiseKernels.binary(g, saved) { g, x in (x >= low && x <= high) ? g : 0 }]
        }
    }
}
