import CDNNL
import CLatentShim

/// One execution argument of a pass: the layout the caller's buffer has, the layout the
/// primitive chose, and the reorder between them when they differ.
struct DNNLOperand {
    let argument: Int32
    let user: dnnl_memory_desc_t
    let chosen: dnnl_memory_desc_t
    /// user → chosen for inputs, chosen → user for outputs; nil when the layouts agree.
    let reorder: DNNLReorder?

    init(argument: Int32, user: dnnl_memory_desc_t, primitive: DNNLPrimitive, isOutput: Bool) {
        self.argument = argument
        self.user = user
        chosen = primitive.memoryDescriptor(argument: argument)
        if DNNLMemory.equal(user, chosen) {
            reorder = nil
        } else {
            reorder = isOutput ? DNNLReorder.shared(from: chosen, to: user) : DNNLReorder.shared(from: user, to: chosen)
        }
    }
}

/// A primitive bound to the layouts of its callers' buffers: inputs are reordered into the
/// primitive's formats on the way in and outputs back on the way out, only where they differ
/// (on the hot path — blocked activations — only the small weight tensors are reordered).
final class DNNLPass {
    let primitive: DNNLPrimitive
    let inputs: [DNNLOperand]
    let outputs: [DNNLOperand]

    /// `inputs` and `outputs`: (DNNL_ARG_*, descriptor of the caller's buffer).
    init(_ primitive: DNNLPrimitive, inputs: [(Int32, dnnl_memory_desc_t)], outputs: [(Int32, dnnl_memory_desc_t)]) {
        self.primitive = primitive
        self.inputs = inputs.map { DNNLOperand(argument: $0.0, user: $0.1, primitive: primitive, isOutput: false) }
        self.outputs = outputs.map { DNNLOperand(argument: $0.0, user: $0.1, primitive: primitive, isOutput: true) }
    }

    /// Executes with the callers' buffers, in the order of `inputs` and `outputs`.
    /// `persistent` names inputs whose storage outlives the call and changes only through
    /// `markModified()` (weights): their reordered copies are cached on the storage
    /// (`DerivedValues`) instead of being redone on every call.
    func run(inputs inputBuffers: [UnsafeMutablePointer<Float>], outputs outputBuffers: [UnsafeMutablePointer<Float>],
             persistent: [Int: TensorStorage] = [:]) {
        precondition(inputBuffers.count == inputs.count && outputBuffers.count == outputs.count,
                     "pass wants \(inputs.count) inputs and \(outputs.count) outputs")
        var staging: [TensorStorage] = []  // reorder targets, alive until the pass is done
        var memories: [dnnl_memory_t] = []
        var arguments: [dnnl_exec_arg_t] = []
        defer { memories.forEach { dnnl_memory_destroy($0) } }

        func attach(_ operand: DNNLOperand, _ buffer: UnsafeMutableRawPointer) {
            let memory = DNNLMemory.wrap(operand.chosen, buffer)
            memories.append(memory)
            arguments.append(dnnl_exec_arg_t(arg: operand.argument, memory: memory))
        }
        func stagingBuffer(_ operand: DNNLOperand) -> UnsafeMutablePointer<Float> {
            let storage = TensorStorage(count: DNNLMemory.byteSize(operand.chosen) / MemoryLayout<Float>.stride)
            staging.append(storage)
            return storage.pointer
        }

        for (index, (operand, buffer)) in zip(inputs, inputBuffers).enumerated() {
            if let reorder = operand.reorder, let source = persistent[index] {
                precondition(source.pointer == buffer, "persistent input \(index) is not its storage's buffer")
                let reordered = DerivedValues.value(of: source, key: reorder) { () -> TensorStorage in
                    let storage = TensorStorage(count: DNNLMemory.byteSize(operand.chosen) / MemoryLayout<Float>.stride)
                    reorder.run(from: buffer, to: storage.pointer)
                    return storage
                }
                staging.append(reordered)
                attach(operand, reordered.pointer)
            } else if let reorder = operand.reorder {
                let staged = stagingBuffer(operand)
                reorder.run(from: buffer, to: staged)
                attach(operand, staged)
            } else {
                attach(operand, buffer)
            }
        }
        var pendingOutputs: [(DNNLReorder, UnsafeMutablePointer<Float>, UnsafeMutablePointer<Float>)] = []
        for (operand, buffer) in zip(outputs, outputBuffers) {
            if let reorder = operand.reorder {
                let staged = stagingBuffer(operand)
                pendingOutputs.append((reorder, staged, buffer))
                attach(operand, staged)
            } else {
                attach(operand, buffer)
            }
        }
        primitive.execute(arguments)
        for (reorder, staged, buffer) in pendingOutputs { reorder.run(from: staged, to: buffer) }
        withExtendedLifetime(staging) {}
    }
}
