import XCTest
import LatentNN
import LatentTensor
@testable import LatentTasks

/// The loop the patch trainers share: when it checkpoints, validates and pauses, and that a
/// paused and resumed run equals an uninterrupted one. (Each trainer's tests run it for real.)
final class TrainingLoopTests: XCTestCase {
    private struct Options: TrainingLoopOptions, Equatable {
        var steps = 10
        var batch = 2
        var seed: UInt64 = 3
        var checkpointEvery = 3
        var learningRate: Float = 0.1
        var checkpointPath: String
        func sameRun(as other: Options) -> Bool { learningRate == other.learningRate && seed == other.seed }
    }

    /// What a run saw: the steps its step closure ran at, the steps validations ran at (in eval
    /// mode), the checkpoint steps found on disk before each step, and the calls of beforeFinish.
    private struct Trace: Equatable {
        var steps: [Int] = []
        var validations: [Int] = []
        var checkpoints: [Int] = []
        var finishes = 0
        var paused = false
        var final: Int?
    }

    private var folder: String!

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "latent-training-loop-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(atPath: folder)
    }

    private func options(_ name: String) -> Options { Options(checkpointPath: "\(folder!)/\(name).checkpoint.safetensors") }

    /// A linear model fitted to zero on random inputs drawn from the loop's stream; returns the
    /// trace and the final weights.
    private func train(_ o: Options, resume: Bool, pauseAt: Int?, validateEvery: Int = 4,
                       validates: Bool = true) throws -> (Trace, [Float]) {
        var seedRNG = RandomSource(seed: o.seed)
        let model = Linear(2, 1, using: &seedRNG)
        let optimizer = Adam(model.namedParameters(), learningRate: o.learningRate)
        let loop = try TrainingLoop(options: o, validateEvery: validateEvery, model: model, optimizer: optimizer,
                                    progress: TrainingProgress(totalSteps: o.steps, every: 1000), resume: resume)
        var trace = Trace()
        let validate: ((Int) throws -> TrainingLoop.Validation<Int>)? = validates ? { step in
            XCTAssertFalse(model.training, "validation runs in eval mode")
            trace.validations.append(step)
            return TrainingLoop.Validation(result: step, history: ["value": Double(step)], line: "validated at \(step)")
        } : nil
        let outcome = try loop.run(pauseAt: pauseAt, validate: validate, beforeFinish: { trace.finishes += 1 }) { done, rng in
            XCTAssertTrue(model.training)
            trace.steps.append(done)
            if FileManager.default.fileExists(atPath: o.checkpointPath) {
                let step = try Checkpoint.restore(from: o.checkpointPath, model: Linear(2, 1, using: &seedRNG),
                                                  optimizer: Adam(Linear(2, 1, using: &seedRNG).namedParameters(), learningRate: 0)).step
                if trace.checkpoints.last != step { trace.checkpoints.append(step) }
            }
            let x = Tensor.uniform([o.batch, 2], using: &rng)
            model.zeroGrad()
            let loss = Loss.mse(model(x), Tensor.zeros([o.batch, 1]))
            loss.backward()
            optimizer.step()
            return .init(loss: loss.item, learningRate: optimizer.learningRate)
        }
        trace.paused = outcome.paused
        trace.final = outcome.final
        return (trace, model.weight.toArray() + model.bias!.toArray())
    }

    func testHooksFireAtTheirSteps() throws {
        let (trace, _) = try train(options("hooks"), resume: false, pauseAt: nil)
        XCTAssertEqual(trace.steps, Array(0..<10))
        XCTAssertEqual(trace.checkpoints, [3, 6, 9], "a checkpoint after every third step")
        XCTAssertEqual(trace.validations, [4, 8, 10], "every fourth step, and once at the end")
        XCTAssertEqual(trace.final, 10)
        XCTAssertEqual(trace.finishes, 1)
        XCTAssertFalse(trace.paused)
        let checkpoint = try SafeTensorsFile(path: options("hooks").checkpointPath)
        XCTAssertEqual(checkpoint.metadata["latent.checkpoint.step"], "10")
        let history = try XCTUnwrap(checkpoint.metadata["latent.validation_history"])
        let entries = try JSONDecoder().decode([[String: Double]].self, from: Data(history.utf8))
        XCTAssertEqual(entries.map { $0["step"] }, [4, 8, 10])
        XCTAssertEqual(entries.map { $0["value"] }, [4, 8, 10])
        XCTAssertTrue(entries.allSatisfy { $0["seconds"] != nil })
    }

    func testPauseWritesACheckpointAndResumeContinuesExactly() throws {
        let (straight, straightWeights) = try train(options("straight"), resume: false, pauseAt: nil)

        let (first, _) = try train(options("paused"), resume: false, pauseAt: 5)
        XCTAssertTrue(first.paused)
        XCTAssertNil(first.final)
        XCTAssertEqual(first.steps, Array(0..<5))
        XCTAssertEqual(first.validations, [4], "no final validation when paused")
        XCTAssertEqual(first.finishes, 0)
        XCTAssertEqual(try SafeTensorsFile(path: options("paused").checkpointPath).metadata["latent.checkpoint.step"], "5")

        let (second, resumedWeights) = try train(options("paused"), resume: true, pauseAt: nil)
        XCTAssertEqual(second.steps, Array(5..<10))
        XCTAssertEqual(second.checkpoints, [5, 6, 9])
        XCTAssertEqual(second.validations, [8, 10])
        XCTAssertEqual(resumedWeights, straightWeights)
        XCTAssertEqual(straight.validations, first.validations + second.validations)
        // The history survives the pause.
        let history = try XCTUnwrap(try SafeTensorsFile(path: options("paused").checkpointPath).metadata["latent.validation_history"])
        XCTAssertEqual(try JSONDecoder().decode([[String: Double]].self, from: Data(history.utf8)).map { $0["step"] }, [4, 8, 10])
    }

    func testPauseAtOrAfterTheLastStepFinishes() throws {
        let (trace, _) = try train(options("late"), resume: false, pauseAt: 10)
        XCTAssertFalse(trace.paused)
        XCTAssertEqual(trace.finishes, 1)
    }

    func testResumeRefusesOtherOptionsAndIgnoresAMissingCheckpoint() throws {
        let (fresh, _) = try train(options("missing"), resume: true, pauseAt: 2)
        XCTAssertEqual(fresh.steps, [0, 1], "no checkpoint yet: resume starts at step 0")
        var changed = options("missing")
        changed.learningRate = 0.05
        XCTAssertThrowsError(try train(changed, resume: true, pauseAt: nil))
    }

    func testWithoutValidationNothingIsValidated() throws {
        let (trace, _) = try train(options("plain"), resume: false, pauseAt: nil, validates: false)
        XCTAssertEqual(trace.validations, [])
        XCTAssertNil(trace.final)
        XCTAssertEqual(trace.finishes, 1)
    }
}
