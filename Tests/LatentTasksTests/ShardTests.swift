import Foundation
import XCTest
@testable import LatentTasks

final class ShardTests: XCTestCase {
    func testParsing() throws {
        XCTAssertEqual(try Shard(parsing: "2/8"), try Shard(index: 2, count: 8))
        for bad in ["0/3", "4/3", "1/0", "x/3", "3", "1/2/3"] {
            XCTAssertThrowsError(try Shard(parsing: bad), bad)
        }
    }

    func testShardsCoverEveryInputExactlyOnce() throws {
        let root = try BatchFixtures.temporaryFolder("shards")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let input = try BatchFixtures.makeTree(in: root)
        let all = try BatchInputs.collect([input], recursive: true).map(\.path)
        XCTAssertEqual(all.count, 8)
        for n in [1, 2, 3, 5, 8, 11] {
            let shards = try (1...n).map { try Shard(index: $0, count: n).select(all) }
            XCTAssertEqual(shards.flatMap { $0 }.sorted(), all.sorted(), "N = \(n)")
            XCTAssertLessThanOrEqual(shards.map(\.count).max()! - shards.map(\.count).min()!, 1, "balanced")
        }
        // And whole runs: three shards write every output once and nothing twice.
        var written: [String] = []
        for k in 1...3 {
            var configuration = BatchConfiguration(inputs: [input], naming: OutputNaming(folder: root + "/out"))
            configuration.recursive = true
            configuration.shard = try Shard(index: k, count: 3)
            let observer = RecordingObserver()
            let task = DenoiseBatch.task(gray: BatchFixtures.denoiser(channels: 1), color: BatchFixtures.denoiser(channels: 3),
                                         tileSize: nil, activationBudget: 1 << 28)
            try BatchRunner(configuration: configuration, task: task, observer: observer).run()
            XCTAssertEqual(observer.results.filter { $0.message == BatchFileResult.outputExists }, [])
            written += observer.results.filter { $0.status == .ok }.compactMap(\.output)
        }
        XCTAssertEqual(written.count, 5)
        XCTAssertEqual(Set(written).count, 5)
    }

    func testInputOrderIsStableAndSorted() throws {
        let root = try BatchFixtures.temporaryFolder("order")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let input = try BatchFixtures.makeTree(in: root)
        let listed = try BatchInputs.collect([input, input + "/a.png"], recursive: true)
        XCTAssertEqual(listed.map(\.relativePath), ["a.png", "b.jpg", "broken/corrupt.png", "broken/truncated.jpg",
                                                    "nested/deeper/c.png", "nested/rgba.png", "nested/sixteen.png", "readme.txt"])
        XCTAssertNil(listed.last?.format)
        XCTAssertEqual(try BatchInputs.collect([input], recursive: false).count, 3)
    }
}
