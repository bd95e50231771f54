// PNG decode/encode with libpng's classic API.
//
// Why the classic API rather than the simplified png_image_* one: the simplified API converts
// 16-bit data to 8-bit with a gamma curve unless a linear format is requested, and linear
// formats pre-multiply alpha. We want the samples exactly as stored (no gamma correction, no
// premultiplication, full 16-bit precision), which the classic API gives with png_set_expand
// (palette → RGB, gray 1/2/4 → 8, tRNS → alpha) and png_set_interlace_handling.
//
// libpng signals errors by longjmp to png_jmpbuf: every exported function calls setjmp itself, so
// the jump never crosses a Swift frame.
#include <png.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "CLatentShim.h"

void latent_free(void *pointer) { free(pointer); }

enum { MESSAGE_CAPACITY = 512, WARNINGS_CAPACITY = 1024 };

struct latent_png_reader {
    png_structp png;
    png_infop info;
    const uint8_t *data;
    size_t size;
    size_t position;
    int ran_out;            // set when libpng asked for bytes past the end
    int header_read;
    uint8_t *icc;
    size_t icc_size;
    uint8_t *exif;
    size_t exif_size;
    latent_png_header header;
    char error[MESSAGE_CAPACITY];
    char warnings[WARNINGS_CAPACITY];
};

static void append_warning(char *buffer, size_t capacity, const char *message) {
    size_t used = strlen(buffer);
    if (used + 2 >= capacity) return;  // keep the first warnings; later ones add nothing new
    snprintf(buffer + used, capacity - used, "%s%s", used ? "\n" : "", message);
}

static void png_reader_error(png_structp png, png_const_charp message) {
    struct latent_png_reader *reader = png_get_error_ptr(png);
    snprintf(reader->error, sizeof reader->error, "%s", message);
    png_longjmp(png, 1);
}

static void png_reader_warning(png_structp png, png_const_charp message) {
    struct latent_png_reader *reader = png_get_error_ptr(png);
    append_warning(reader->warnings, sizeof reader->warnings, message);
}

static void png_reader_read(png_structp png, png_bytep out, size_t length) {
    struct latent_png_reader *reader = png_get_io_ptr(png);
    if (length > reader->size - reader->position) {
        reader->ran_out = 1;
        png_error(png, "read beyond end of data");
    }
    memcpy(out, reader->data + reader->position, length);
    reader->position += length;
}

latent_png_reader *latent_png_reader_create(const uint8_t *data, size_t size) {
    struct latent_png_reader *reader = calloc(1, sizeof *reader);
    if (!reader) return NULL;
    reader->data = data;
    reader->size = size;
    reader->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, reader,
                                         png_reader_error, png_reader_warning);
    if (!reader->png) { free(reader); return NULL; }
    reader->info = png_create_info_struct(reader->png);
    if (!reader->info) {
        png_destroy_read_struct(&reader->png, NULL, NULL);
        free(reader);
        return NULL;
    }
    png_set_read_fn(reader->png, reader, png_reader_read);
    // Size limits are policy of the Swift layer (ImageLimits), checked before any allocation.
    png_set_user_limits(reader->png, PNG_UINT_31_MAX, PNG_UINT_31_MAX);
    // Keep ancillary-chunk problems (bad iCCP, bad CRC on text chunks) as warnings.
    png_set_benign_errors(reader->png, 1);
    return reader;
}

static int png_failure_code(const struct latent_png_reader *reader) {
    if (reader->ran_out) return LATENT_ERR_TRUNCATED;
    if (strstr(reader->error, "Out of memory") || strstr(reader->error, "out of memory"))
        return LATENT_ERR_NOMEM;
    return LATENT_ERR_CORRUPT;
}

int latent_png_reader_read_header(latent_png_reader *reader, latent_png_header *header) {
    png_structp png = reader->png;
    png_infop info = reader->info;
    if (setjmp(png_jmpbuf(png))) return png_failure_code(reader);

    png_read_info(png, info);
    png_uint_32 width, height;
    int bit_depth, color_type, interlace;
    png_get_IHDR(png, info, &width, &height, &bit_depth, &color_type, &interlace, NULL, NULL);

    png_charp icc_name;
    int compression;
    png_bytep icc = NULL;
    png_uint_32 icc_size = 0;
    if (png_get_iCCP(png, info, &icc_name, &compression, &icc, &icc_size) && icc && icc_size) {
        reader->icc = malloc(icc_size);
        if (!reader->icc) { snprintf(reader->error, MESSAGE_CAPACITY, "out of memory"); return LATENT_ERR_NOMEM; }
        memcpy(reader->icc, icc, icc_size);
        reader->icc_size = icc_size;
    }
#ifdef PNG_eXIf_SUPPORTED
    png_bytep exif = NULL;
    png_uint_32 exif_size = 0;
    if (png_get_eXIf_1(png, info, &exif_size, &exif) && exif && exif_size) {
        reader->exif = malloc(exif_size);
        if (!reader->exif) { snprintf(reader->error, MESSAGE_CAPACITY, "out of memory"); return LATENT_ERR_NOMEM; }
        memcpy(reader->exif, exif, exif_size);
        reader->exif_size = exif_size;
    }
#endif

    // Expansion to 8-bit gray/RGB(A) with alpha from tRNS; 16-bit stays 16-bit, no gamma.
    png_set_expand(png);
    if (bit_depth == 16) png_set_swap(png);  // PNG is big-endian; hand Swift native uint16
    png_set_interlace_handling(png);
    png_read_update_info(png, info);

    memset(header, 0, sizeof *header);
    header->width = width;
    header->height = height;
    header->bit_depth = bit_depth;
    header->color_type = color_type;
    header->interlaced = interlace != PNG_INTERLACE_NONE;
    header->out_channels = png_get_channels(png, info);
    header->out_bit_depth = png_get_bit_depth(png, info);
    header->icc = reader->icc;
    header->icc_size = reader->icc_size;
    header->exif = reader->exif;
    header->exif_size = reader->exif_size;
    reader->header = *header;
    reader->header_read = 1;
    return LATENT_OK;
}

int latent_png_reader_decode(latent_png_reader *reader, void *pixels, size_t size) {
    if (!reader->header_read) {
        snprintf(reader->error, MESSAGE_CAPACITY, "header not read");
        return LATENT_ERR_ARGUMENT;
    }
    const latent_png_header *h = &reader->header;
    size_t row_bytes = (size_t)h->width * (size_t)h->out_channels * (size_t)(h->out_bit_depth / 8);
    if (row_bytes != png_get_rowbytes(reader->png, reader->info) || row_bytes * h->height != size) {
        snprintf(reader->error, MESSAGE_CAPACITY, "output buffer size mismatch");
        return LATENT_ERR_ARGUMENT;
    }
    png_bytep *rows = malloc(sizeof(png_bytep) * (h->height ? h->height : 1));
    if (!rows) { snprintf(reader->error, MESSAGE_CAPACITY, "out of memory"); return LATENT_ERR_NOMEM; }
    for (uint32_t y = 0; y < h->height; y++) rows[y] = (png_bytep)pixels + (size_t)y * row_bytes;

    // `volatile`: modified between setjmp and a possible longjmp.
    volatile int rows_done = 0;
    if (setjmp(png_jmpbuf(reader->png))) {
        free(rows);
        if (rows_done) {
            // Every pixel arrived; only the trailing chunks (after IDAT) are damaged or missing.
            char message[MESSAGE_CAPACITY + 32];
            snprintf(message, sizeof message, "after image data: %s", reader->error);
            append_warning(reader->warnings, sizeof reader->warnings, message);
            reader->error[0] = 0;
            return LATENT_OK;
        }
        return png_failure_code(reader);
    }
    png_read_image(reader->png, rows);
    rows_done = 1;
    png_read_end(reader->png, NULL);
    free(rows);
    return LATENT_OK;
}

const char *latent_png_reader_error(const latent_png_reader *reader) { return reader->error; }
const char *latent_png_reader_warnings(const latent_png_reader *reader) { return reader->warnings; }

void latent_png_reader_destroy(latent_png_reader *reader) {
    if (!reader) return;
    png_destroy_read_struct(&reader->png, &reader->info, NULL);
    free(reader->icc);
    free(reader->exif);
    free(reader);
}

// MARK: - Encoding

struct png_writer_state {
    uint8_t *data;
    size_t size;
    size_t capacity;
    int out_of_memory;
    char *error;
    size_t error_capacity;
};

static void png_writer_error(png_structp png, png_const_charp message) {
    struct png_writer_state *state = png_get_error_ptr(png);
    snprintf(state->error, state->error_capacity, "%s", message);
    png_longjmp(png, 1);
}

static void png_writer_warning(png_structp png, png_const_charp message) {
    (void)png; (void)message;  // write warnings (e.g. an ICC profile libpng dislikes) stay silent
}

static void png_writer_write(png_structp png, png_bytep bytes, size_t length) {
    struct png_writer_state *state = png_get_io_ptr(png);
    if (length > state->capacity - state->size) {
        size_t capacity = state->capacity ? state->capacity : 65536;
        while (length > capacity - state->size) capacity *= 2;
        uint8_t *grown = realloc(state->data, capacity);
        if (!grown) { state->out_of_memory = 1; png_error(png, "out of memory"); }
        state->data = grown;
        state->capacity = capacity;
    }
    memcpy(state->data + state->size, bytes, length);
    state->size += length;
}

static void png_writer_flush(png_structp png) { (void)png; }

int latent_png_encode(const void *pixels, uint32_t width, uint32_t height, int channels,
                      int bit_depth, int compression_level,
                      const uint8_t *icc, size_t icc_size,
                      uint8_t **out, size_t *out_size, char *error, size_t error_capacity) {
    static const int color_types[5] = {0, PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA,
                                       PNG_COLOR_TYPE_RGB, PNG_COLOR_TYPE_RGB_ALPHA};
    if (channels < 1 || channels > 4 || (bit_depth != 8 && bit_depth != 16) || !width || !height) {
        snprintf(error, error_capacity, "invalid PNG parameters");
        return LATENT_ERR_ARGUMENT;
    }
    struct png_writer_state state = {0};
    state.error = error;
    state.error_capacity = error_capacity;
    size_t row_bytes = (size_t)width * channels * (bit_depth / 8);
    png_bytep *rows = malloc(sizeof(png_bytep) * height);
    if (!rows) { snprintf(error, error_capacity, "out of memory"); return LATENT_ERR_NOMEM; }
    for (uint32_t y = 0; y < height; y++) rows[y] = (png_bytep)pixels + (size_t)y * row_bytes;

    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &state,
                                              png_writer_error, png_writer_warning);
    png_infop info = png ? png_create_info_struct(png) : NULL;
    if (!png || !info) {
        png_destroy_write_struct(&png, &info);
        free(rows);
        snprintf(error, error_capacity, "out of memory");
        return LATENT_ERR_NOMEM;
    }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(rows);
        free(state.data);
        return state.out_of_memory ? LATENT_ERR_NOMEM : LATENT_ERR_CORRUPT;
    }
    png_set_benign_errors(png, 1);
    png_set_write_fn(png, &state, png_writer_write, png_writer_flush);
    png_set_compression_level(png, compression_level);
    png_set_IHDR(png, info, width, height, bit_depth, color_types[channels], PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    if (icc && icc_size)
        png_set_iCCP(png, info, "ICC profile", PNG_COMPRESSION_TYPE_BASE, icc, (png_uint_32)icc_size);
    png_write_info(png, info);
    if (bit_depth == 16) png_set_swap(png);  // native uint16 in, big-endian in the file
    png_write_image(png, rows);
    png_write_end(png, info);
    png_destroy_write_struct(&png, &info);
    free(rows);
    *out = state.data;
    *out_size = state.size;
    return LATENT_OK;
}

// MARK: - Decoding to planar floats

size_t latent_png_reader_planar_scratch_size(const latent_png_reader *reader) {
    if (!reader->header_read) return 0;
    const latent_png_header *h = &reader->header;
    size_t row_bytes = (size_t)h->width * h->out_channels * (size_t)(h->out_bit_depth / 8);
    // Adam7 passes revisit every row: the whole image is decoded first, then converted.
    return h->interlaced ? row_bytes * h->height : row_bytes;
}

int latent_png_reader_decode_planar(latent_png_reader *reader, float *planes, size_t count,
                                    void *scratch, size_t scratch_size) {
    if (!reader->header_read) {
        snprintf(reader->error, MESSAGE_CAPACITY, "header not read");
        return LATENT_ERR_ARGUMENT;
    }
    const latent_png_header *h = &reader->header;
    size_t plane_size = (size_t)h->width * h->height;
    size_t bytes_per_sample = (size_t)(h->out_bit_depth / 8);
    if (plane_size * (size_t)h->out_channels != count) {
        snprintf(reader->error, MESSAGE_CAPACITY, "output buffer size mismatch");
        return LATENT_ERR_ARGUMENT;
    }
    if (!scratch || scratch_size < latent_png_reader_planar_scratch_size(reader)) {
        snprintf(reader->error, MESSAGE_CAPACITY, "scratch buffer too small");
        return LATENT_ERR_ARGUMENT;
    }
    size_t row_bytes = (size_t)h->width * h->out_channels * bytes_per_sample;
    if (h->interlaced) {
        int code = latent_png_reader_decode(reader, scratch, row_bytes * h->height);
        if (code == LATENT_OK) {
            if (bytes_per_sample == 2)
                latent_interleaved_u16_to_planar((const uint16_t *)scratch, h->out_channels, plane_size, planes, plane_size, 0);
            else
                latent_interleaved_u8_to_planar(scratch, h->out_channels, plane_size, planes, plane_size, 0);
        }
        return code;
    }
    uint8_t *row = scratch;
    volatile int rows_done = 0;
    if (setjmp(png_jmpbuf(reader->png))) {
        if (rows_done) {
            char message[MESSAGE_CAPACITY + 32];
            snprintf(message, sizeof message, "after image data: %s", reader->error);
            append_warning(reader->warnings, sizeof reader->warnings, message);
            reader->error[0] = 0;
            return LATENT_OK;
        }
        return png_failure_code(reader);
    }
    for (uint32_t y = 0; y < h->height; y++) {
        png_read_row(reader->png, row, NULL);
        if (bytes_per_sample == 2)
            latent_interleaved_u16_to_planar((const uint16_t *)row, h->out_channels, h->width, planes, plane_size, (size_t)y * h->width);
        else
            latent_interleaved_u8_to_planar(row, h->out_channels, h->width, planes, plane_size, (size_t)y * h->width);
    }
    rows_done = 1;
    png_read_end(reader->png, NULL);
    return LATENT_OK;
}
