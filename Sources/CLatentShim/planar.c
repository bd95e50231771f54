// Interleaved integer samples → planar Float32, per strip of rows (see CLatentShim.h).
//
// For 8-bit gray and RGB — nearly every photo — an AVX2 path converts 16 pixels at a time: three
// byte shuffles split R, G and B, then widening and a corrected reciprocal multiply give bit for
// bit the scalar `v / 255.0f`. The scalar loop (one table lookup and one store per sample) is
// instruction-bound at ~2 cycles per sample, which made converting a 12 MP photo cost a third of
// what libjpeg takes to decode it; the vector path is bound by writing the 144 MB of floats.
// (Non-temporal stores were tried for that and measured no faster here.)
#include "CLatentShim.h"
#if defined(__x86_64__) && (defined(__clang__) || defined(__GNUC__))
#include <immintrin.h>
#define LATENT_PLANAR_AVX2 1
#endif

// Exact value/255 for every byte (a table keeps the division out of the scalar loop).
static float unit_from_u8[256];
static int table_ready;

static void ensure_table(void) {
    if (table_ready) return;
    for (int v = 0; v < 256; v++) unit_from_u8[v] = (float)v / 255.0f;
    table_ready = 1;  // idempotent: concurrent first calls write the same values
}

#ifdef LATENT_PLANAR_AVX2
static int avx2_state = -1;  // -1 unknown; idempotent, so a racing first call is harmless

static int have_avx2(void) {
    if (avx2_state < 0) {
        __builtin_cpu_init();
        avx2_state = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") ? 1 : 0;
    }
    return avx2_state;
}

// v / 255, correctly rounded, for integer v in [0, 255] as floats: the product with the rounded
// reciprocal is off by one ulp for half of the values; one FMA step on the residual corrects
// every one of them (checked exhaustively in DecodeBuffersTests), at a fraction of a division's cost.
__attribute__((target("avx2,fma"))) static inline __m256 units(__m256 v) {
    const __m256 reciprocal = _mm256_set1_ps(1.0f / 255.0f), scale = _mm256_set1_ps(255.0f);
    __m256 q = _mm256_mul_ps(v, reciprocal);
    __m256 residual = _mm256_fnmadd_ps(q, scale, v);  // v − q·255, exact
    return _mm256_fmadd_ps(residual, reciprocal, q);
}

// 16 bytes → 16 floats v / 255 at dst (unaligned).
__attribute__((target("avx2,fma"))) static inline void store_units16(__m128i bytes, float *dst) {
    _mm256_storeu_ps(dst, units(_mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(bytes))));
    _mm256_storeu_ps(dst + 8, units(_mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_srli_si128(bytes, 8)))));
}

// src: 3·pixels interleaved RGB bytes → r, g, b: `pixels` floats each. Returns pixels done (a
// multiple of 16); the caller finishes the rest.
__attribute__((target("avx2,fma"))) static size_t rgb_u8_avx2(const uint8_t *src, size_t pixels, float *r, float *g,
                                                         float *b) {
    // For channel c and the k-th 16-byte load of a 16-pixel group: the byte each output lane
    // takes (3p + c − 16k), or 0x80 (zero) when it lies in another load.
    uint8_t masks[3][3][16];
    for (int c = 0; c < 3; c++)
        for (int k = 0; k < 3; k++)
            for (int p = 0; p < 16; p++) {
                int at = 3 * p + c - 16 * k;
                masks[c][k][p] = (uint8_t)(at >= 0 && at < 16 ? at : 0x80);
            }
    __m128i m[3][3];
    for (int c = 0; c < 3; c++)
        for (int k = 0; k < 3; k++) m[c][k] = _mm_loadu_si128((const __m128i *)masks[c][k]);
    float *planes[3] = {r, g, b};
    size_t i = 0;
    for (; i + 16 <= pixels; i += 16) {
        const uint8_t *s = src + 3 * i;
        __m128i x = _mm_loadu_si128((const __m128i *)s), y = _mm_loadu_si128((const __m128i *)(s + 16)),
                z = _mm_loadu_si128((const __m128i *)(s + 32));
        for (int c = 0; c < 3; c++) {
            __m128i v = _mm_or_si128(_mm_or_si128(_mm_shuffle_epi8(x, m[c][0]), _mm_shuffle_epi8(y, m[c][1])),
                                     _mm_shuffle_epi8(z, m[c][2]));
            store_units16(v, planes[c] + i);
        }
    }
    return i;
}

__attribute__((target("avx2,fma"))) static size_t gray_u8_avx2(const uint8_t *src, size_t pixels, float *g) {
    size_t i = 0;
    for (; i + 16 <= pixels; i += 16) store_units16(_mm_loadu_si128((const __m128i *)(src + i)), g + i);
    return i;
}
#endif

void latent_interleaved_u8_to_planar(const uint8_t *src, int channels, size_t pixels,
                                     float *planes, size_t plane_size, size_t offset) {
    ensure_table();
    if (channels == 1) {
        float *g = planes + offset;
        size_t i = 0;
#ifdef LATENT_PLANAR_AVX2
        if (have_avx2()) i = gray_u8_avx2(src, pixels, g);
#endif
        for (; i < pixels; i++) g[i] = unit_from_u8[src[i]];
    } else if (channels == 3) {
        float *r = planes + offset, *g = r + plane_size, *b = g + plane_size;
        size_t i = 0;
#ifdef LATENT_PLANAR_AVX2
        if (have_avx2()) i = rgb_u8_avx2(src, pixels, r, g, b);
#endif
        for (; i < pixels; i++) {
            r[i] = unit_from_u8[src[3 * i]];
            g[i] = unit_from_u8[src[3 * i + 1]];
            b[i] = unit_from_u8[src[3 * i + 2]];
        }
    } else {
        for (int c = 0; c < channels; c++) {
            float *p = planes + (size_t)c * plane_size + offset;
            for (size_t i = 0; i < pixels; i++) p[i] = unit_from_u8[src[(size_t)channels * i + c]];
        }
    }
}

void latent_interleaved_u16_to_planar(const uint16_t *src, int channels, size_t pixels,
                                      float *planes, size_t plane_size, size_t offset) {
    for (int c = 0; c < channels; c++) {
        float *p = planes + (size_t)c * plane_size + offset;
        for (size_t i = 0; i < pixels; i++) p[i] = (float)src[(size_t)channels * i + c] / 65535.0f;
    }
}
