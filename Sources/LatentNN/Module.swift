import LatentTensor

/// A layer or a model: a tree of modules holding named tensors.
///
/// Parameter names are found by reflection over stored properties, so a property called
/// `conv1` holding a `Conv2d` yields `conv1.weight` and `conv1.bias` — PyTorch's
/// `state_dict` names, which is what makes our checkpoints load in PyTorch unchanged.
/// Arrays of modules are numbered (`blocks.0.weight`), as `nn.ModuleList` does.
open class Module {
    /// Training mode (batch statistics, dropout) or evaluation mode.
    public private(set) var training = true

    public init() {}

    /// Switches this module and all of its children between training and evaluation mode.
    public func train(_ on: Bool = true) {
        training = on
        for (_, child) in namedChildren() { child.train(on) }
    }

    public func eval() { train(false) }

    /// Direct sub-modules with their names, in declaration order.
    public func namedChildren() -> [(String, Module)] {
        var result: [(String, Module)] = []
        for child in Mirror(reflecting: self).allChildren {
            guard let label = child.label.map(Module.propertyName) else { continue }
            if let module = child.value as? Module {
                result.append((label, module))
            } else if let modules = child.value as? [Module] {
                for (i, m) in modules.enumerated() { result.append(("\(label).\(i)", m)) }
            } else if let optional = child.value as? Module? , let module = optional {
                result.append((label, module))
            }
        }
        return result
    }

    /// Tensors held directly by this module (parameters and buffers), with their names.
    open func namedLocalTensors() -> [(String, Tensor)] {
        var result: [(String, Tensor)] = []
        for child in Mirror(reflecting: self).allChildren {
            guard let label = child.label.map(Module.propertyName) else { continue }
            if let tensor = child.value as? Tensor {
                result.append((label, tensor))
            } else if let optional = child.value as? Tensor?, let tensor = optional {
                result.append((label, tensor))
            }
        }
        return result
    }

    /// Integer buffers held directly by this module (PyTorch stores e.g. batch norm's
    /// `num_batches_tracked` as int64); subclasses that have some override both methods.
    open func localIntegerBuffers() -> [(String, Int)] { [] }
    open func setLocalIntegerBuffer(_ name: String, _ value: Int) {}

    /// Every tensor in the tree, PyTorch `state_dict` style: trainable parameters and buffers.
    public func namedTensors() -> [(String, Tensor)] {
        var result = namedLocalTensors()
        for (name, child) in namedChildren() {
            result += child.namedTensors().map { ("\(name).\($0.0)", $0.1) }
        }
        return result
    }

    /// Trainable parameters (tensors that require gradients), with their names.
    public func namedParameters() -> [(String, Tensor)] {
        namedTensors().filter { $0.1.requiresGrad }
    }

    public func parameters() -> [Tensor] { namedParameters().map(\.1) }

    /// The number of trainable scalars.
    public var parameterCount: Int { parameters().reduce(0) { $0 + $1.count } }

    /// Forgets accumulated gradients.
    public func zeroGrad() {
        for p in parameters() { p.grad = nil }
    }

    /// Swift lets property wrappers and lazy properties appear with a leading underscore or
    /// `$__lazy_storage_$_` prefix; checkpoint names use the plain property name.
    static func propertyName(_ label: String) -> String {
        if label.hasPrefix("$__lazy_storage_$_") { return String(label.dropFirst("$__lazy_storage_$_".count)) }
        if label.hasPrefix("_") { return String(label.dropFirst()) }
        return label
    }
}

extension Mirror {
    /// Children of this type and of its superclasses (subclassed modules keep their parents' tensors).
    var allChildren: [Mirror.Child] {
        var children = Array(self.children)
        var parent = superclassMirror
        while let p = parent {
            children = Array(p.children) + children
            parent = p.superclassMirror
        }
        return children
    }
}
