// Which parity check runs for which fixture, and the test that every fixture has one.
//
// Each family file adds a `[fixture name: check]` table; the family's XCTest method runs its
// table, and the coverage test below requires that the union of the tables (plus the explicit
// exclusions) is exactly the set of files in Tests/Fixtures/torch. So adding a fixture without
// a check, or leaving a check whose fixture was removed, fails the suite.

import XCTest
import LatentTensor
@testable import LatentNN

typealias TorchParityCheck = (TorchFixture) throws -> Void

enum TorchParityCatalog {
    static var families: [[String: TorchParityCheck]] {
        [convolution, poolingAndResampling, elementwise, shapesAndReductions, normalization, losses, optimizers, models,
         codecLayers]
    }

    /// Fixtures deliberately without a parity check, each with the reason. Empty since grouped
    /// convolution (`conv2d_groups2_s2`) was implemented; a fixture for a feature the engine
    /// lacks goes here, never silently missing.
    static let excluded: [String: String] = [:]
}

/// Runs every check of `table`, one fixture at a time; a failure names its fixture.
func runParity(_ table: [String: TorchParityCheck], file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertFalse(table.isEmpty, "empty parity table", file: file, line: line)
    for name in table.keys.sorted() {
        do {
            try table[name]!(try TorchFixture(name))
        } catch {
            XCTFail("\(name): \(error)", file: file, line: line)
        }
    }
}

final class TorchParityCoverageTests: XCTestCase {
    func testEveryFixtureHasAParityCheck() throws {
        let files = Set(try TorchFixtureLocation.fileURLs().map { $0.deletingPathExtension().lastPathComponent })
        XCTAssertGreaterThanOrEqual(files.count, 51)
        var checked: [String] = []
        for family in TorchParityCatalog.families { checked += family.keys }
        XCTAssertEqual(checked.count, Set(checked).count, "a fixture is checked by two families")
        for name in files.sorted() where !checked.contains(name) && TorchParityCatalog.excluded[name] == nil {
            XCTFail("no parity test for \(name)")
        }
        for name in Set(checked).union(TorchParityCatalog.excluded.keys).sorted() where !files.contains(name) {
            XCTFail("parity test or exclusion for \(name), which has no fixture file")
        }
        for name in TorchParityCatalog.excluded.keys where checked.contains(name) {
            XCTFail("\(name) is both excluded and checked")
        }
    }
}
