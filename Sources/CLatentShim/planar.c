// Interleaved integer samples → planar Float32, per strip of rows (see CLatentShim.h).
#include "CLatentShim.h"

// Exact value/255 for every byte (a table keeps the division out of the hot loop).
static float unit_from_u8[256];
static int table_ready;

static void ensure_table(void) {
    if (table_ready) return;
    for (int v = 0; v < 256; v++) unit_from_u8[v] = (float)v / 255.0f;
    table_ready = 1;  // idempotent: concurrent first calls write the same values
}

void latent_interleaved_u8_to_planar(const uint8_t *src, int channels, size_t pixels,
                                     float *planes, size_t plane_size, size_t offset) {
    ensure_table();
    if (channels == 1) {
        float *g = planes + offset;
        for (size_t i = 0; i < pixels; i++) g[i] = unit_from_u8[src[i]];
    } else if (channels == 3) {
        float *r = planes + offset, *g = r + plane_size, *b = g + plane_size;
        for (size_t i = 0; i < pixels; i++) {
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
