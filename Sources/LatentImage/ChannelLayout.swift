/// How many channels an `Image` has and what they mean. Colour channels come first, alpha last.
public enum ChannelLayout: Int, Sendable, CaseIterable, CustomStringConvertible {
    case gray = 1
    case grayAlpha = 2
    case rgb = 3
    case rgba = 4

    public init?(channelCount: Int) { self.init(rawValue: channelCount) }

    public var channelCount: Int { rawValue }
    public var hasAlpha: Bool { self == .grayAlpha || self == .rgba }
    /// Channels that carry colour (1 or 3), i.e. without alpha.
    public var colorChannelCount: Int { hasAlpha ? rawValue - 1 : rawValue }
    /// The same colours without alpha.
    public var withoutAlpha: ChannelLayout { self == .grayAlpha ? .gray : self == .rgba ? .rgb : self }
    /// The same colours with alpha.
    public var withAlpha: ChannelLayout { self == .gray ? .grayAlpha : self == .rgb ? .rgba : self }

    public var description: String {
        switch self {
        case .gray: return "gray"
        case .grayAlpha: return "gray+alpha"
        case .rgb: return "RGB"
        case .rgba: return "RGBA"
        }
    }
}
