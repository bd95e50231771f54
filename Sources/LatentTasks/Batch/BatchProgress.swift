import Foundation

/// The numbers behind the live progress line: files done of total, megapixels per second and
/// the estimated time left.
public struct BatchProgress: Sendable, Equatable {
    public var total: Int
    /// Files finished, whatever their status.
    public var finished = 0
    /// Files skipped without work (outputs already there, not images): left out of the rate.
    public var skippedFast = 0
    /// Fraction of the file now being processed.
    public var currentFraction = 0.0
    public var megapixelsDone = 0.0
    public var currentMegapixels = 0.0
    public var elapsed = 0.0

    public init(total: Int) { self.total = total }

    public var megapixelsPerSecond: Double {
        elapsed > 0 ? (megapixelsDone + currentFraction * currentMegapixels) / elapsed : 0
    }

    /// Seconds left, from the pace of the files that needed work; nil before there is a pace.
    public var secondsLeft: Double? {
        let worked = Double(finished - skippedFast) + currentFraction
        guard worked > 0.05, elapsed > 0 else { return nil }
        let remaining = Double(total - finished) - currentFraction
        return max(0, remaining) * elapsed / worked
    }

    public var line: String {
        var text = "[\(finished)/\(total)]"
        if megapixelsPerSecond > 0 { text += String(format: " %.2f MP/s", megapixelsPerSecond) }
        if let left = secondsLeft { text += " ETA " + Self.duration(left) }
        return text
    }

    /// "0:42", "12:05", "1:02:03".
    public static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s < 60 { return String(format: "%.1f s", seconds) }
        return s >= 3600 ? String(format: "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60) : String(format: "%d:%02d", s / 60, s % 60)
    }
}
