// The engine suite: the 3×3 64→64 convolution on 1×64×128×128 and a 1024³ sgemm, on 2
// threads. Raw oneDNN (primitives created and executed directly on blocked buffers) is the
// yardstick; Latent's `conv2d` (cached primitives, per-call weight reorder, autograd) must
// stay within 1.3× of it.
import CDNNL
import CLatentShim
import Dispatch
import Foundation
import LatentTasks
import LatentTensor

func runEngineBenchmarks(json: Bool) throws {
    Engine.setThreads(2)
    print("engine benchmarks: \(Engine.threads) threads, median of \(BenchmarkTimer.runs) runs after \(BenchmarkTimer.warmUp) warm-up")

    let geometry = ConvolutionGeometry(batch: 1, inChannels: 64, outChannels: 64, inHeight: 128, inWidth: 128,
                                       kernelHeight: 3, kernelWidth: 3, padTop: 1, padLeft: 1, padBottom: 1, padRight: 1)
    let gflop = geometry.flops / 1e9
    let raw = RawDNNLConvolution(geometry)

    var rng = RandomSource(seed: 1)
    let x = Tensor.normal(geometry.inputShape, using: &rng).blocked().detached().requiringGrad()
    let weight = Tensor.normal(geometry.weightShape, std: 0.05, using: &rng).requiringGrad()
    let bias = Tensor.normal([64], using: &rng).requiringGrad()
    let upstream = Tensor.normal(geometry.outputShape, using: &rng).blocked().detached()
    // Raw and op runs alternate so that both see the same load on a shared machine.
    let (rawForward, opForward) = BenchmarkTimer.medians({ raw.forward() }, {
        _ = conv2d(x, weight: weight, bias: bias, padding: .symmetric(1))
    })
    let (rawTraining, opTraining) = BenchmarkTimer.medians({ raw.forward(); raw.backwardData(); raw.backwardWeights() }, {
        for t in [x, weight, bias] { t.grad = nil }
        conv2d(x, weight: weight, bias: bias, padding: .symmetric(1)).backward(upstream)
    })

    var record: [String: JSONLine.Value] = ["suite": .string("engine"), "threads": .number(Double(Engine.threads))]
    func row(_ name: String, _ ms: Double, flop: Double, key: String) {
        print(String(format: "  %-40@ %8.2f ms  %7.1f GFLOP/s", name as NSString, ms, flop / ms * 1e3))
        record[key + "_gflop_per_s"] = .number((flop / ms * 1e4).rounded() / 10)
        record[key + "_ms"] = .number((ms * 100).rounded() / 100)
    }
    print("conv 3×3 64→64 pad 1 on 1×64×128×128 (\(String(format: "%.2f", gflop)) GFLOP forward):")
    row("raw oneDNN forward", rawForward, flop: gflop, key: "conv_raw_forward")
    row("raw oneDNN forward+backward", rawTraining, flop: 3 * gflop, key: "conv_raw_training")
    row("conv2d forward (autograd recording)", opForward, flop: gflop, key: "conv_forward")
    row("conv2d forward+backward (.backward(dy))", opTraining, flop: 3 * gflop, key: "conv_training")
    print(String(format: "  ratio conv2d / raw: forward %.2f×, forward+backward %.2f× (target ≤ 1.30×)",
                 opForward / rawForward, opTraining / rawTraining))

    // A conv-heavy training step: four 3×3 64→64 convolutions with ReLU, forward and backward,
    // allocating 4 MiB activations and gradients every step as training does; with the storage
    // pool recycling them (default) against fresh allocations every time, alternating.
    let weights = (0..<4).map { _ in Tensor.normal(geometry.weightShape, std: 0.05, using: &rng).requiringGrad() }
    func step() {
        for w in weights { w.grad = nil }
        var h = x
        for w in weights { h = conv2d(h, weight: w, bias: bias, padding: .symmetric(1)).relu() }
        h.backward(upstream)
    }
    let poolCapacity = StoragePool.capacity
    let (pooledStep, freshStep) = BenchmarkTimer.medians({ StoragePool.capacity = poolCapacity; step() },
                                                         { StoragePool.capacity = 0; step() })
    StoragePool.capacity = poolCapacity
    row("4× conv+relu step, storage pool (default)", pooledStep, flop: 12 * gflop, key: "step_pooled")
    row("4× conv+relu step, fresh buffers", freshStep, flop: 12 * gflop, key: "step_fresh")
    print(String(format: "  ratio pooled / fresh: %.2f×", pooledStep / freshStep))

    let n = 1024
    let a = Tensor.normal([n, n], using: &rng), b = Tensor.normal([n, n], using: &rng), c = Tensor.zeros([n, n])
    let gemm = BenchmarkTimer.median {
        dnnl_sgemm(CChar(UInt8(ascii: "N")), CChar(UInt8(ascii: "N")), dnnl_dim_t(n), dnnl_dim_t(n), dnnl_dim_t(n), 1,
                   a.storage.pointer, dnnl_dim_t(n), b.storage.pointer, dnnl_dim_t(n), 0, c.storage.pointer, dnnl_dim_t(n))
    }
    row("dnnl_sgemm 1024³", gemm, flop: 2 * pow(Double(n), 3) / 1e9, key: "sgemm")
    record["conv_forward_ratio"] = .number((opForward / rawForward * 1000).rounded() / 1000)
    record["conv_training_ratio"] = .number((opTraining / rawTraining * 1000).rounded() / 1000)
    record["load_average_1min"] = .number((oneMinuteLoadAverage() * 100).rounded() / 100)
    if json { print(JSONLine.encode(record)) }
}

enum BenchmarkTimer {
    static let warmUp = 3
    static let runs = 15

    /// Median wall times in milliseconds of `a` and `b`, run alternately.
    static func medians(_ a: () -> Void, _ b: () -> Void) -> (Double, Double) {
        for _ in 0..<warmUp { a(); b() }
        var (timesA, timesB): ([Double], [Double]) = ([], [])
        for _ in 0..<runs {
            timesA.append(milliseconds(a))
            timesB.append(milliseconds(b))
        }
        return (timesA.sorted()[runs / 2], timesB.sorted()[runs / 2])
    }

    static func milliseconds(_ body: () -> Void) -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
    }

    /// Median wall time and median process CPU time (all threads) of `body`, in milliseconds:
    /// on a shared machine CPU time is the steadier measure of work.
    static func medianWallAndCPU(runs: Int = runs, warmUp: Int = warmUp, _ body: () -> Void) -> (wall: Double, cpu: Double) {
        for _ in 0..<warmUp { body() }
        var walls: [Double] = [], cpus: [Double] = []
        for _ in 0..<runs {
            let cpu0 = processCPUMilliseconds()
            walls.append(milliseconds(body))
            cpus.append(processCPUMilliseconds() - cpu0)
        }
        return (walls.sorted()[runs / 2], cpus.sorted()[runs / 2])
    }

    static func processCPUMilliseconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) * 1e3 + Double(t.tv_nsec) / 1e6
    }

    /// Median wall time of `body` in milliseconds.
    static func median(runs: Int = runs, warmUp: Int = warmUp, _ body: () -> Void) -> Double {
        for _ in 0..<warmUp { body() }
        let times = (0..<runs).map { _ in milliseconds(body) }
        return times.sorted()[runs / 2]
    }
}

/// oneDNN's own convolution, the way a C program would drive it: activations and weights in
/// the blocked formats the forward picked, every primitive made up front.
final class RawDNNLConvolution {
    private var engine: dnnl_engine_t?
    private var stream: dnnl_stream_t?
    private var forwardPrimitive: dnnl_primitive_t?
    private var backwardDataPrimitive: dnnl_primitive_t?
    private var backwardWeightsPrimitive: dnnl_primitive_t?
    private var forwardArguments: [dnnl_exec_arg_t] = []
    private var backwardDataArguments: [dnnl_exec_arg_t] = []
    private var backwardWeightsArguments: [dnnl_exec_arg_t] = []
    private var buffers: [UnsafeMutableRawPointer] = []

    private static func check(_ status: dnnl_status_t, _ call: String) {
        if status != dnnl_success { fatalError("\(call) failed with status \(status.rawValue)") }
    }

    init(_ g: ConvolutionGeometry) {
        Self.check(dnnl_engine_create(&engine, dnnl_cpu, 0), "dnnl_engine_create")
        Self.check(dnnl_stream_create(&stream, engine, dnnl_stream_default_flags.rawValue), "dnnl_stream_create")
        func dims(_ v: [Int]) -> [dnnl_dim_t] { v.map { dnnl_dim_t($0) } + Array(repeating: 0, count: 12 - v.count) }
        func md(_ shape: [Int], _ tag: dnnl_format_tag_t) -> dnnl_memory_desc_t {
            var d = dnnl_memory_desc_t()
            Self.check(dnnl_memory_desc_init_by_tag(&d, Int32(shape.count), dims(shape), dnnl_f32, tag), "dnnl_memory_desc_init_by_tag")
            return d
        }
        // Activations in the blocked format oneDNN's fastest kernel for this CPU picks
        // (nChw16c with AVX-512, nChw8c with AVX2), weights likewise.
        var src = md(g.inputShape, dnnl_format_tag_any), dst = md(g.outputShape, dnnl_format_tag_any)
        var anyWeights = md(g.weightShape, dnnl_format_tag_any), bias = md([g.outChannels], dnnl_x)
        let (strides, dilates) = (dims([g.strideH, g.strideW]), dims([g.dilationH - 1, g.dilationW - 1]))
        let (padL, padR) = (dims([g.padTop, g.padLeft]), dims([g.padBottom, g.padRight]))

        var desc = dnnl_convolution_desc_t()
        Self.check(dnnl_dilated_convolution_forward_desc_init(&desc, dnnl_forward_training, dnnl_convolution_direct, &src, &anyWeights,
                                                              &bias, &dst, strides, dilates, padL, padR), "forward desc")
        var forwardPD: dnnl_primitive_desc_t?
        Self.check(dnnl_primitive_desc_create(&forwardPD, &desc, nil, engine, nil), "forward pd")
        var weights = dnnl_primitive_desc_query_md(forwardPD, dnnl_query_weights_md, 0)!.pointee
        src = dnnl_primitive_desc_query_md(forwardPD, dnnl_query_src_md, 0)!.pointee
        dst = dnnl_primitive_desc_query_md(forwardPD, dnnl_query_dst_md, 0)!.pointee

        Self.check(dnnl_dilated_convolution_backward_data_desc_init(&desc, dnnl_convolution_direct, &src, &anyWeights, &dst,
                                                                    strides, dilates, padL, padR), "backward data desc")
        var backwardDataPD: dnnl_primitive_desc_t?
        Self.check(dnnl_primitive_desc_create(&backwardDataPD, &desc, nil, engine, forwardPD), "backward data pd")
        var backwardDataWeights = dnnl_primitive_desc_query_md(backwardDataPD, dnnl_query_weights_md, 0)!.pointee

        Self.check(dnnl_dilated_convolution_backward_weights_desc_init(&desc, dnnl_convolution_direct, &src, &anyWeights, &bias, &dst,
                                                                       strides, dilates, padL, padR), "backward weights desc")
        var backwardWeightsPD: dnnl_primitive_desc_t?
        Self.check(dnnl_primitive_desc_create(&backwardWeightsPD, &desc, nil, engine, forwardPD), "backward weights pd")
        var diffWeights = dnnl_primitive_desc_query_md(backwardWeightsPD, dnnl_query_diff_weights_md, 0)!.pointee

        func memory(_ d: inout dnnl_memory_desc_t, fill: Float) -> dnnl_memory_t {
            let bytes = dnnl_memory_desc_get_size(&d)
            var raw: UnsafeMutableRawPointer?
            posix_memalign(&raw, 64, bytes)
            let floats = raw!.bindMemory(to: Float.self, capacity: bytes / 4)
            for i in 0..<bytes / 4 { floats[i] = fill * Float(i % 7 - 3) }
            buffers.append(raw!)
            var m: dnnl_memory_t?
            Self.check(dnnl_memory_create(&m, &d, engine, raw), "dnnl_memory_create")
            return m!
        }
        let (srcM, dstM, wM, bM) = (memory(&src, fill: 0.1), memory(&dst, fill: 0), memory(&weights, fill: 0.01), memory(&bias, fill: 0.1))
        // Backward data may want the weights in another blocking (AVX2: OIhw8o8i vs OIhw8i8o);
        // a training loop would keep that copy too, so it is made here, outside the timing.
        let backwardDataWM = dnnl_memory_desc_equal(&weights, &backwardDataWeights) != 0 ? wM : memory(&backwardDataWeights, fill: 0.01)
        let (diffSrcM, diffDstM) = (memory(&src, fill: 0), memory(&dst, fill: 0.1))
        let (diffWM, diffBM) = (memory(&diffWeights, fill: 0), memory(&bias, fill: 0))

        Self.check(dnnl_primitive_create(&forwardPrimitive, forwardPD), "forward primitive")
        Self.check(dnnl_primitive_create(&backwardDataPrimitive, backwardDataPD), "backward data primitive")
        Self.check(dnnl_primitive_create(&backwardWeightsPrimitive, backwardWeightsPD), "backward weights primitive")
        for pd in [forwardPD, backwardDataPD, backwardWeightsPD] { dnnl_primitive_desc_destroy(pd) }
        func arg(_ a: Int32, _ m: dnnl_memory_t) -> dnnl_exec_arg_t { dnnl_exec_arg_t(arg: a, memory: m) }
        forwardArguments = [arg(Int32(LATENT_DNNL_ARG_SRC), srcM), arg(Int32(LATENT_DNNL_ARG_WEIGHTS), wM),
                            arg(Int32(LATENT_DNNL_ARG_BIAS), bM), arg(Int32(LATENT_DNNL_ARG_DST), dstM)]
        backwardDataArguments = [arg(Int32(LATENT_DNNL_ARG_DIFF_DST), diffDstM), arg(Int32(LATENT_DNNL_ARG_WEIGHTS), backwardDataWM),
                                 arg(Int32(LATENT_DNNL_ARG_DIFF_SRC), diffSrcM)]
        backwardWeightsArguments = [arg(Int32(LATENT_DNNL_ARG_SRC), srcM), arg(Int32(LATENT_DNNL_ARG_DIFF_DST), diffDstM),
                                    arg(Int32(LATENT_DNNL_ARG_DIFF_WEIGHTS), diffWM), arg(Int32(LATENT_DNNL_ARG_DIFF_BIAS), diffBM)]
    }

    private func run(_ primitive: dnnl_primitive_t?, _ arguments: [dnnl_exec_arg_t]) {
        Self.check(dnnl_primitive_execute(primitive, stream, Int32(arguments.count), arguments), "dnnl_primitive_execute")
        Self.check(dnnl_stream_wait(stream), "dnnl_stream_wait")
    }

    func forward() { run(forwardPrimitive, forwardArguments) }
    func backwardData() { run(backwardDataPrimitive, backwardDataArguments) }
    func backwardWeights() { run(backwardWeightsPrimitive, backwardWeightsArguments) }
}
