// The `__metadata__` keys Latent writes into its weight files (see docs/model-format.md), kept in
// one place so that writers and readers cannot drift apart by a typo.

public enum LatentMetadataKey {
    /// Version of the layout described in docs/model-format.md; a decimal integer as a string.
    public static let formatVersion = "latent.format_version"
    /// JSON describing the architecture and its hyper-parameters (schema per architecture).
    public static let architecture = "latent.architecture"
    /// JSON describing how the weights were trained (data, steps, loss, optimizer, …).
    public static let training = "latent.training"

    /// The value of `latent.format_version` this code writes.
    public static let currentFormatVersion = "1"
}
