// CLatentShim: the C that Swift cannot write.
#ifndef CLATENTSHIM_H
#define CLATENTSHIM_H
#include <stddef.h>
#include <stdint.h>

#include "dnnl_shim.h"
#include "process_setup.h"

/// Number of logical CPUs the process may run on.
int latent_cpu_count(void);

/// 1 when the CPU has AVX-512F (oneDNN then prefers 16-channel blocks, else 8).
int latent_cpu_has_avx512f(void);

// MARK: - Large buffers on transparent huge pages

/// Buffers at least this large (4 MiB) are worth backing by 2 MiB transparent huge pages.
#define LATENT_HUGE_PAGE_THRESHOLD ((size_t)4 << 20)
size_t latent_huge_page_threshold(void);

/// Which large buffers get the huge-page advice.
enum {
    LATENT_HUGE_PAGES_TENSORS = 1,  ///< TensorStorage (on by default)
    LATENT_HUGE_PAGES_IMAGES = 2,   ///< decoded image samples (off by default, see below)
};

/// Asks Linux to back the 2 MiB-aligned interior of [pointer, pointer + bytes) with transparent
/// huge pages (madvise MADV_HUGEPAGE) when `bytes` >= LATENT_HUGE_PAGE_THRESHOLD and `use` is
/// enabled; a no-op otherwise and on other systems. Call on freshly allocated memory *before*
/// first touching it: a 144 MB buffer then takes ~70 faults that each zero 2 MiB instead of
/// ~35,000 4 KiB faults (measured back to back: 140 ms → 28 ms to allocate and touch, munmap
/// 25 ms → 1 ms; a 4-convolution training step 8–16% faster). THP "enabled" is commonly
/// `madvise` (only advised ranges get huge pages); with "defrag" at `madvise` a fault in an
/// advised range may compact memory synchronously when no free 2 MiB block is left, and falls
/// back to 4 KiB pages if that fails.
///
/// Why images are off by default, measured on a VM whose guest kernel reports free 2 MiB blocks
/// to the hypervisor (virtio_balloon free page reporting, page_reporting_order 9): a 2 MiB block
/// that stayed free for a second or two has been handed back to the host, and faulting it in
/// again costs far more than 512 small pages (144 MB: 550–850 ms instead of ~140–180 ms).
/// Tensor buffers are recycled within a training step and keep the gain; a decoded image is
/// often a lone allocation after idling (or a PNG decode that itself takes a second), and lost.
void latent_advise_huge_pages(void *pointer, size_t bytes, int use);
/// Sets the LATENT_HUGE_PAGES_* uses advised from now on (0: none). The environment variable
/// LATENT_HUGE_PAGES sets the starting value: `0` or `none`, `all`; unset: tensors only.
void latent_set_huge_page_uses(int uses);
int latent_huge_page_uses(void);

// MARK: - Shared result codes
//
// libpng and libjpeg report fatal errors by longjmp. Every entry point below establishes its own
// setjmp inside C, so a longjmp never crosses a Swift frame; Swift only sees these codes and the
// message text kept in the reader/writer.

enum {
    LATENT_OK = 0,
    LATENT_ERR_CORRUPT = 1,     ///< malformed data (bad CRC, bad Huffman table, bad header…)
    LATENT_ERR_TRUNCATED = 2,   ///< the data ended before the image did
    LATENT_ERR_UNSUPPORTED = 3, ///< valid but not handled (e.g. 12-bit JPEG, unknown colour space)
    LATENT_ERR_NOMEM = 4,       ///< allocation failed
    LATENT_ERR_ARGUMENT = 5,    ///< caller passed inconsistent sizes
};

/// Frees buffers that the shim allocated with malloc (encoded files).
void latent_free(void *pointer);

// MARK: - PNG (libpng classic API)

typedef struct latent_png_reader latent_png_reader;

/// What the PNG header (all chunks before IDAT) says, and what `latent_png_reader_decode` will
/// produce: `out_channels` interleaved samples per pixel of `out_bit_depth` bits (8 → uint8,
/// 16 → native-endian uint16), rows top to bottom, no padding.
typedef struct {
    uint32_t width;
    uint32_t height;
    int bit_depth;          ///< IHDR bit depth: 1, 2, 4, 8 or 16 (palette: index depth)
    int color_type;         ///< IHDR colour type: 0, 2, 3, 4 or 6
    int interlaced;         ///< 1 for Adam7
    int out_channels;       ///< 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA (after palette/tRNS expansion)
    int out_bit_depth;      ///< 8 or 16
    const uint8_t *icc;     ///< iCCP profile (decompressed) or NULL; owned by the reader
    size_t icc_size;
    const uint8_t *exif;    ///< eXIf payload (TIFF header onwards) or NULL; owned by the reader
    size_t exif_size;
} latent_png_header;

/// Creates a reader over `data` (not copied: it must outlive the reader). NULL if out of memory.
latent_png_reader *latent_png_reader_create(const uint8_t *data, size_t size);
/// Reads every chunk up to the first IDAT and fills `header`. Returns a LATENT_* code.
int latent_png_reader_read_header(latent_png_reader *reader, latent_png_header *header);
/// Decodes all rows into `pixels` (`size` must equal width*height*out_channels*out_bit_depth/8).
/// Must follow a successful `latent_png_reader_read_header`. Returns a LATENT_* code.
int latent_png_reader_decode(latent_png_reader *reader, void *pixels, size_t size);
/// The last error message ("" if none).
const char *latent_png_reader_error(const latent_png_reader *reader);
/// libpng warnings collected so far, separated by '\n' ("" if none).
const char *latent_png_reader_warnings(const latent_png_reader *reader);
void latent_png_reader_destroy(latent_png_reader *reader);

/// Encodes interleaved samples (`channels` 1–4; `bit_depth` 8 → uint8, 16 → native uint16) as a
/// PNG, with an iCCP chunk when `icc` is not NULL. On success `*out` is a malloc'd buffer (free
/// with `latent_free`). `error` receives a message on failure.
int latent_png_encode(const void *pixels, uint32_t width, uint32_t height, int channels,
                      int bit_depth, int compression_level,
                      const uint8_t *icc, size_t icc_size,
                      uint8_t **out, size_t *out_size, char *error, size_t error_capacity);

// MARK: - JPEG (libjpeg-turbo)

typedef struct latent_jpeg_reader latent_jpeg_reader;

/// What the JPEG header (markers up to the first SOS) says. `latent_jpeg_reader_decode` produces
/// `out_channels` interleaved uint8 samples per pixel: 1 (gray) or 3 (RGB; YCbCr, RGB, CMYK and
/// YCCK sources are all converted to RGB).
typedef struct {
    uint32_t width;
    uint32_t height;
    int components;         ///< components stored in the file
    int color_space;        ///< libjpeg J_COLOR_SPACE of the file
    int progressive;        ///< 1 for progressive (SOF2)
    int adobe_inverted;     ///< 1 when an Adobe APP14 marker is present (CMYK stored inverted)
    int out_channels;       ///< 1 or 3
    const uint8_t *icc;     ///< reassembled APP2 ICC_PROFILE chunks or NULL; owned by the reader
    size_t icc_size;
    const uint8_t *exif;    ///< first APP1 "Exif\0\0" payload (TIFF header onwards) or NULL
    size_t exif_size;
} latent_jpeg_header;

latent_jpeg_reader *latent_jpeg_reader_create(const uint8_t *data, size_t size);
int latent_jpeg_reader_read_header(latent_jpeg_reader *reader, latent_jpeg_header *header);
/// Decodes into `pixels` (`size` must equal width*height*out_channels). A truncated file decodes
/// what is present (the rest is filled by libjpeg) and leaves a warning.
int latent_jpeg_reader_decode(latent_jpeg_reader *reader, uint8_t *pixels, size_t size);
const char *latent_jpeg_reader_error(const latent_jpeg_reader *reader);
const char *latent_jpeg_reader_warnings(const latent_jpeg_reader *reader);
void latent_jpeg_reader_destroy(latent_jpeg_reader *reader);

/// Encodes interleaved uint8 samples (`channels` 1 = gray or 3 = RGB) as a baseline or
/// progressive JPEG. `chroma_420` nonzero: 4:2:0 subsampling, zero: 4:4:4. `icc` is written as
/// APP2 ICC_PROFILE chunks. `*out` is malloc'd (free with `latent_free`).
int latent_jpeg_encode(const uint8_t *pixels, uint32_t width, uint32_t height, int channels,
                       int quality, int chroma_420, int progressive,
                       const uint8_t *icc, size_t icc_size,
                       uint8_t **out, size_t *out_size, char *error, size_t error_capacity);

// MARK: - Decoding straight to planar Float32

/// Like the `_decode` functions, but writes planar Float32 (CHW: `out_channels` planes of
/// width*height floats, value/255 or value/65535) converting each strip of rows while it is
/// still in cache, so the float conversion costs little on top of the decode. `count` is the
/// number of floats (width*height*out_channels). The decoder's integer rows go to `scratch`,
/// which the caller owns (so that decoding many images in a row reuses warm memory) and which
/// must hold at least `latent_*_reader_planar_scratch_size` bytes: a strip of rows, or the whole
/// image for interlaced PNG and CMYK JPEG, whose rows are not final until the end.
size_t latent_png_reader_planar_scratch_size(const latent_png_reader *reader);
size_t latent_jpeg_reader_planar_scratch_size(const latent_jpeg_reader *reader);
int latent_png_reader_decode_planar(latent_png_reader *reader, float *planes, size_t count,
                                    void *scratch, size_t scratch_size);
int latent_jpeg_reader_decode_planar(latent_jpeg_reader *reader, float *planes, size_t count,
                                     uint8_t *scratch, size_t scratch_size);

/// Interleaved samples → planar floats for `pixels` pixels starting at pixel `offset` of planes
/// that are `plane_size` floats apart.
void latent_interleaved_u8_to_planar(const uint8_t *src, int channels, size_t pixels,
                                     float *planes, size_t plane_size, size_t offset);
void latent_interleaved_u16_to_planar(const uint16_t *src, int channels, size_t pixels,
                                      float *planes, size_t plane_size, size_t offset);

/// Fixes glibc's mmap threshold (disabling its dynamic growth) so large freed buffers are
/// unmapped at once. Returns 1 on success, 0 where unsupported or refused.
int latent_set_mmap_threshold(size_t bytes);

#endif
