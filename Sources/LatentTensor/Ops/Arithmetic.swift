import Foundation

// Element-wise arithmetic on tensors of equal shape, and with scalars.
// Operands of different layouts are brought to plain first.

extension Tensor {
    public static func + (a: Tensor, b: Tensor) -> Tensor {
        guard a.layout == b.layout else { return a.plain() + b.plain() }
        let out = ElementwiseKernels.addScaled(a, b, sign: 1)
        return Autograd.record(out, inputs: [a, b]) { g in [g, g] }
    }

    public static func - (a: Tensor, b: Tensor) -> Tensor {
        guard a.layout == b.layout else { return a.plain() - b.plain() }
        let out = ElementwiseKernels.addScaled(a, b, sign: -1)
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

// Broadcasting of a per-channel vector: over the channels (axis 1) of [N, C, H, W] tensors
// in either layout, or over the rows of [N, F] matrices.

extension Tensor {
    /// y[n, c, …] = x[n, c, …] + bias[c]. x: [N, C, H, W] or [N, F], bias: [C] → y: like x.
    public func addingPerChannel(_ bias: Tensor) -> Tensor {
        precondition((rank == 4 || rank == 2) && bias.shape == [shape[1]],
                     "addingPerChannel: bias \(bias.shape) for \(shape)")
        let y = rank == 4 ? ChannelKernels.addPerChannel(self, bias) : RowKernels.addRow(self, bias)
        let rank = self.rank
        return Autograd.record(y, inputs: [self, bias]) { g in
            [g, rank == 4 ? ChannelKernels.sumPerChannel(g) : RowKernels.sumRows(g)]
        }
    }

    /// y[n, c, …] = x[n, c, …] · scale[c]. x: [N, C, H, W] or [N, F], scale: [C] → y: like x.
    public func multipliedPerChannel(_ scale: Tensor) -> Tensor {
        precondition((rank == 4 || rank == 2) && scale.shape == [shape[1]],
                     "multipliedPerChannel: scale \(scale.shape) for \(shape)")
        let y = Tensor.scalePerChannel(self, scale)
        let (savedX, savedScale) = (detached(), scale.detached())
        return Autograd.record(y, inputs: [self, scale]) { g in
            let dx = Tensor.scalePerChannel(g, savedScale)
            guard scale.requiresGrad else { return [dx, nil] }
            if savedX.rank == 2 { return [dx, RowKernels.sumRowsOfProduct(g, savedX)] }
            let gx = ChannelKernels.inLayout(of: savedX, g)
            let zeros = [Float](repeating: 0, count: savedX.shape[1])
            let ds = ChannelKernels.reduce(gx, savedX, center: zeros) { g, x, _ in g * x }
            return [dx, Tensor(ds.map { Float($0) }, shape: [savedX.shape[1]])]
        }
    }

    private static func scalePerChannel(_ x: Tensor, _ scale: Tensor) -> Tensor {
        if x.rank == 2 { return RowKernels.multiplyRow(x, scale) }
        return ChannelKernels.scaleShift(x, scale: scale.toArray(), shift: [Float](repeating: 0, count: x.shape[1]))
    }
}

/// Element-wise max(a, b). At ties each operand gets half the gradient (as PyTorch).
public func maximum(_ a: Tensor, _ b: Tensor) -> Tensor {
    selectElementwise(a, b, preferringA: { $0 > $1 })
}

/// Element-wise min(a, b). At ties each operand gets half the gradient (as PyTorch).
public func minimum(_ a: Tensor, _ b: Tensor) -> Tensor {
    selectElementwise(a, b, preferringA: { $0 < $1 })
}

/// Picks a where `aWins(a, b)`, b where `aWins(b, a)`, either at ties; the gradient follows the pick.
private func selectElementwise(_ a: Tensor, _ b: Tensor, preferringA aWins: @escaping (Float, Float) -> Bool) -> Tensor {
    guard a.layout == b.layout else { return selectElementwise(a.plain(), b.plain(), preferringA: aWins) }
    let out = ElementwiseKernels.binary(a, b) { aWins($1, $0) ? $1 : $0 }
    let (sa, sb) = (a.detached(), b.detached())
    return Autograd.record(out, inputs: [a, b]) { g in
        let shareA = ElementwiseKernels.binary(sa, sb) { x, y in aWins(x, y) ? 1 : (aWins(y, x) ? 0 : 0.5) }
        let ga = g * shareA
        return [ga, g - ga]
    }
}
