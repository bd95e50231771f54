import CLatentShim

extension Array {
    /// An array of `count` elements filled by `body`, whose storage — when it is large (≥ 4 MiB)
    /// and huge pages are enabled for images (LATENT_HUGE_PAGES=all; off by default) — is advised
    /// onto transparent huge pages before anything touches it (see `latent_advise_huge_pages`).
    /// A 12 MP RGB image is 144 MB of Float32: on 4 KiB pages the first write to it costs
    /// ~35,000 page faults, more than decoding the JPEG itself.
    /// `body` must initialize all `count` elements.
    init(largeBufferCount count: Int, initializingWith body: (UnsafeMutableBufferPointer<Element>) throws -> Void) rethrows {
        try self.init(unsafeUninitializedCapacity: count) { buffer, initialized in
            latent_advise_huge_pages(buffer.baseAddress, count * MemoryLayout<Element>.stride,
                                     Int32(LATENT_HUGE_PAGES_IMAGES))
            try body(buffer)
            initialized = count
        }
    }
}
