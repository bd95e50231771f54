// JPEG decode/encode with libjpeg-turbo.
//
// libjpeg reports fatal errors through error_exit, which must not return: we longjmp back to the
// setjmp placed in each exported function, so the jump never crosses a Swift frame. Warnings
// (emit_message with level -1, e.g. "Premature end of JPEG file") are collected, never printed.
#include <stdio.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <jpeglib.h>
#include <jerror.h>  // message codes, to tell truncation and unsupported features apart
#include "CLatentShim.h"

enum { MESSAGE_CAPACITY = 512, WARNINGS_CAPACITY = 1024 };
/// A progressive file may legally have many scans, but thousands mean a hostile or corrupt file
/// that would otherwise take very long to decode.
enum { MAX_SCANS = 1000 };

struct latent_error_manager {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    char error[MESSAGE_CAPACITY];
    char warnings[WARNINGS_CAPACITY];
    int warning_count;
    int saw_end_of_data;  // libjpeg's source manager ran out of bytes (JWRN_JPEG_EOF)
};

static void jpeg_error_exit(j_common_ptr cinfo) {
    struct latent_error_manager *manager = (struct latent_error_manager *)cinfo->err;
    char message[JMSG_LENGTH_MAX];
    manager->pub.format_message(cinfo, message);
    snprintf(manager->error, sizeof manager->error, "%s", message);
    longjmp(manager->jump, 1);
}

static void jpeg_emit_message(j_common_ptr cinfo, int level) {
    struct latent_error_manager *manager = (struct latent_error_manager *)cinfo->err;
    if (level >= 0) return;  // trace messages
    manager->pub.num_warnings++;
    manager->warning_count++;
    if (manager->pub.msg_code == JWRN_JPEG_EOF) manager->saw_end_of_data = 1;
    if (manager->warning_count > 8) return;  // corrupt data can warn once per MCU; keep the first
    char message[JMSG_LENGTH_MAX];
    manager->pub.format_message(cinfo, message);
    size_t used = strlen(manager->warnings);
    if (used + 2 < sizeof manager->warnings)
        snprintf(manager->warnings + used, sizeof manager->warnings - used, "%s%s",
                 used ? "\n" : "", message);
}

static void jpeg_output_message(j_common_ptr cinfo) { (void)cinfo; }

static void install_error_manager(struct latent_error_manager *manager) {
    jpeg_std_error(&manager->pub);
    manager->pub.error_exit = jpeg_error_exit;
    manager->pub.emit_message = jpeg_emit_message;
    manager->pub.output_message = jpeg_output_message;
}

struct latent_jpeg_reader {
    struct jpeg_decompress_struct cinfo;
    struct latent_error_manager errors;
    struct jpeg_progress_mgr progress;
    const uint8_t *data;
    size_t size;
    int header_read;
    uint8_t *icc;
    size_t icc_size;
    latent_jpeg_header header;
};

static void jpeg_limit_scans(j_common_ptr cinfo) {
    if (!cinfo->is_decompressor) return;
    j_decompress_ptr d = (j_decompress_ptr)cinfo;
    if (d->input_scan_number > MAX_SCANS) {
        struct latent_error_manager *manager = (struct latent_error_manager *)cinfo->err;
        snprintf(manager->error, sizeof manager->error, "more than %d scans", MAX_SCANS);
        longjmp(manager->jump, 1);
    }
}

latent_jpeg_reader *latent_jpeg_reader_create(const uint8_t *data, size_t size) {
    struct latent_jpeg_reader *reader = calloc(1, sizeof *reader);
    if (!reader) return NULL;
    reader->data = data;
    reader->size = size;
    install_error_manager(&reader->errors);
    reader->cinfo.err = &reader->errors.pub;
    if (setjmp(reader->errors.jump)) { free(reader); return NULL; }
    jpeg_create_decompress(&reader->cinfo);
    reader->progress.progress_monitor = jpeg_limit_scans;
    reader->cinfo.progress = &reader->progress;
    return reader;
}

static int jpeg_failure_code(const struct latent_jpeg_reader *reader) {
    int code = reader->errors.pub.msg_code;
    if (code == JERR_BAD_PRECISION || code == JERR_CONVERSION_NOTIMPL || code == JERR_BAD_J_COLORSPACE ||
        code == JERR_NOTIMPL || code == JERR_ARITH_NOTIMPL)
        return LATENT_ERR_UNSUPPORTED;
    if (code == JERR_OUT_OF_MEMORY) return LATENT_ERR_NOMEM;
    if (code == JERR_INPUT_EMPTY || code == JERR_INPUT_EOF || reader->errors.saw_end_of_data)
        return LATENT_ERR_TRUNCATED;
    return LATENT_ERR_CORRUPT;
}

int latent_jpeg_reader_read_header(latent_jpeg_reader *reader, latent_jpeg_header *header) {
    j_decompress_ptr cinfo = &reader->cinfo;
    if (setjmp(reader->errors.jump)) return jpeg_failure_code(reader);

    jpeg_mem_src(cinfo, reader->data, (unsigned long)reader->size);
    jpeg_save_markers(cinfo, JPEG_APP0 + 1, 0xFFFF);  // EXIF
    jpeg_save_markers(cinfo, JPEG_APP0 + 2, 0xFFFF);  // ICC_PROFILE chunks
    // A file that holds no image at all (only tables) is an error, not "nothing to do".
    jpeg_read_header(cinfo, TRUE);

    memset(header, 0, sizeof *header);
    header->width = cinfo->image_width;
    header->height = cinfo->image_height;
    header->components = cinfo->num_components;
    header->color_space = cinfo->jpeg_color_space;
    header->progressive = cinfo->progressive_mode ? 1 : 0;
    header->adobe_inverted = cinfo->saw_Adobe_marker ? 1 : 0;

    switch (cinfo->jpeg_color_space) {
    case JCS_GRAYSCALE:
        cinfo->out_color_space = JCS_GRAYSCALE;
        header->out_channels = 1;
        break;
    case JCS_YCbCr:
    case JCS_RGB:
        cinfo->out_color_space = JCS_RGB;
        header->out_channels = 3;
        break;
    case JCS_CMYK:
    case JCS_YCCK:
        // libjpeg converts YCCK to CMYK; CMYK → RGB happens row by row in decode.
        cinfo->out_color_space = JCS_CMYK;
        header->out_channels = 3;
        break;
    default:
        snprintf(reader->errors.error, MESSAGE_CAPACITY,
                 "unsupported JPEG colour space (%d components)", cinfo->num_components);
        return LATENT_ERR_UNSUPPORTED;
    }

    // Reassemble ICC_PROFILE APP2 chunks (libjpeg-turbo checks sequence numbers and counts).
    JOCTET *icc = NULL;
    unsigned int icc_size = 0;
    if (jpeg_read_icc_profile(cinfo, &icc, &icc_size) && icc && icc_size) {
        reader->icc = icc;
        reader->icc_size = icc_size;
    } else if (icc) {
        free(icc);
    }
    header->icc = reader->icc;
    header->icc_size = reader->icc_size;

    for (jpeg_saved_marker_ptr marker = cinfo->marker_list; marker; marker = marker->next) {
        if (marker->marker == JPEG_APP0 + 1 && marker->data_length > 6 &&
            memcmp(marker->data, "Exif\0\0", 6) == 0) {
            header->exif = marker->data + 6;  // owned by cinfo until destroy
            header->exif_size = marker->data_length - 6;
            break;
        }
    }
    reader->header = *header;
    reader->header_read = 1;
    return LATENT_OK;
}

int latent_jpeg_reader_decode(latent_jpeg_reader *reader, uint8_t *pixels, size_t size) {
    j_decompress_ptr cinfo = &reader->cinfo;
    if (!reader->header_read) {
        snprintf(reader->errors.error, MESSAGE_CAPACITY, "header not read");
        return LATENT_ERR_ARGUMENT;
    }
    const latent_jpeg_header *h = &reader->header;
    size_t row_bytes = (size_t)h->width * (size_t)h->out_channels;
    if (row_bytes * h->height != size) {
        snprintf(reader->errors.error, MESSAGE_CAPACITY, "output buffer size mismatch");
        return LATENT_ERR_ARGUMENT;
    }
    // `volatile`: read after a possible longjmp.
    JSAMPLE *volatile cmyk_row = NULL;
    if (setjmp(reader->errors.jump)) {
        free(cmyk_row);
        return jpeg_failure_code(reader);
    }
    jpeg_start_decompress(cinfo);
    if (cinfo->output_width != h->width || cinfo->output_height != h->height) {
        snprintf(reader->errors.error, MESSAGE_CAPACITY, "unexpected output size");
        return LATENT_ERR_CORRUPT;
    }
    if (cinfo->out_color_space == JCS_CMYK) {
        cmyk_row = malloc((size_t)h->width * 4);
        if (!cmyk_row) { snprintf(reader->errors.error, MESSAGE_CAPACITY, "out of memory"); return LATENT_ERR_NOMEM; }
        // Adobe writers store CMYK inverted (0 = full ink); others store plain ink amounts.
        const int inverted = h->adobe_inverted;
        while (cinfo->output_scanline < cinfo->output_height) {
            uint8_t *out = pixels + (size_t)cinfo->output_scanline * row_bytes;
            JSAMPROW row = cmyk_row;
            jpeg_read_scanlines(cinfo, &row, 1);
            for (uint32_t x = 0; x < h->width; x++) {
                unsigned c = cmyk_row[4 * x], m = cmyk_row[4 * x + 1], y = cmyk_row[4 * x + 2],
                         k = cmyk_row[4 * x + 3];
                if (!inverted) { c = 255 - c; m = 255 - m; y = 255 - y; k = 255 - k; }
                // Now 255 means no ink: RGB = (1 − ink) · (1 − black).
                out[3 * x] = (uint8_t)((c * k + 127) / 255);
                out[3 * x + 1] = (uint8_t)((m * k + 127) / 255);
                out[3 * x + 2] = (uint8_t)((y * k + 127) / 255);
            }
        }
        free(cmyk_row);
        cmyk_row = NULL;
    } else {
        JSAMPROW rows[16];
        while (cinfo->output_scanline < cinfo->output_height) {
            JDIMENSION count = 0;
            while (count < 16 && cinfo->output_scanline + count < cinfo->output_height) {
                rows[count] = pixels + (size_t)(cinfo->output_scanline + count) * row_bytes;
                count++;
            }
            jpeg_read_scanlines(cinfo, rows, count);
        }
    }
    // jpeg_finish_decompress would read to EOI; a damaged tail after the last row must not cost
    // the decoded pixels, so abort instead.
    jpeg_abort_decompress(cinfo);
    return LATENT_OK;
}

const char *latent_jpeg_reader_error(const latent_jpeg_reader *reader) { return reader->errors.error; }
const char *latent_jpeg_reader_warnings(const latent_jpeg_reader *reader) { return reader->errors.warnings; }

void latent_jpeg_reader_destroy(latent_jpeg_reader *reader) {
    if (!reader) return;
    if (!setjmp(reader->errors.jump)) jpeg_destroy_decompress(&reader->cinfo);
    free(reader->icc);
    free(reader);
}

// MARK: - Encoding

int latent_jpeg_encode(const uint8_t *pixels, uint32_t width, uint32_t height, int channels,
                       int quality, int chroma_420, int progressive,
                       const uint8_t *icc, size_t icc_size,
                       uint8_t **out, size_t *out_size, char *error, size_t error_capacity) {
    if ((channels != 1 && channels != 3) || !width || !height || width > JPEG_MAX_DIMENSION ||
        height > JPEG_MAX_DIMENSION) {
        snprintf(error, error_capacity, "invalid JPEG parameters (channels %d, %ux%u)", channels, width, height);
        return LATENT_ERR_ARGUMENT;
    }
    struct jpeg_compress_struct cinfo;
    struct latent_error_manager errors;
    memset(&errors, 0, sizeof errors);
    install_error_manager(&errors);
    cinfo.err = &errors.pub;
    // `volatile`: jpeg_mem_dest may grow and replace the buffer before a longjmp.
    unsigned char *volatile buffer = NULL;
    unsigned long buffer_size = 0;
    if (setjmp(errors.jump)) {
        snprintf(error, error_capacity, "%s", errors.error);
        jpeg_destroy_compress(&cinfo);
        free(buffer);
        return LATENT_ERR_CORRUPT;
    }
    jpeg_create_compress(&cinfo);
    jpeg_mem_dest(&cinfo, (unsigned char **)&buffer, &buffer_size);
    cinfo.image_width = width;
    cinfo.image_height = height;
    cinfo.input_components = channels;
    cinfo.in_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality < 1 ? 1 : quality > 100 ? 100 : quality, TRUE);
    cinfo.optimize_coding = TRUE;
    if (channels == 3) {
        // jpeg_set_defaults gives luma 2×2 (4:2:0); 1×1 keeps chroma at full resolution.
        int factor = chroma_420 ? 2 : 1;
        cinfo.comp_info[0].h_samp_factor = factor;
        cinfo.comp_info[0].v_samp_factor = factor;
        cinfo.comp_info[1].h_samp_factor = cinfo.comp_info[1].v_samp_factor = 1;
        cinfo.comp_info[2].h_samp_factor = cinfo.comp_info[2].v_samp_factor = 1;
    }
    if (progressive) jpeg_simple_progression(&cinfo);
    jpeg_start_compress(&cinfo, TRUE);
    if (icc && icc_size) jpeg_write_icc_profile(&cinfo, icc, (unsigned int)icc_size);
    size_t row_bytes = (size_t)width * channels;
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + (size_t)cinfo.next_scanline * row_bytes);
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    *out = buffer;
    *out_size = buffer_size;
    return LATENT_OK;
}

// MARK: - Decoding to planar floats

enum { PLANAR_STRIP = 16 };  // rows per jpeg_read_scanlines call (libjpeg-turbo's largest MCU row)

size_t latent_jpeg_reader_planar_scratch_size(const latent_jpeg_reader *reader) {
    if (!reader->header_read) return 0;
    const latent_jpeg_header *h = &reader->header;
    size_t row_bytes = (size_t)h->width * h->out_channels;
    // CMYK goes through the byte path (which converts to RGB) for the whole image.
    return row_bytes * (reader->cinfo.out_color_space == JCS_CMYK ? h->height : PLANAR_STRIP);
}

int latent_jpeg_reader_decode_planar(latent_jpeg_reader *reader, float *planes, size_t count,
                                     uint8_t *scratch, size_t scratch_size) {
    j_decompress_ptr cinfo = &reader->cinfo;
    if (!reader->header_read) {
        snprintf(reader->errors.error, MESSAGE_CAPACITY, "header not read");
        return LATENT_ERR_ARGUMENT;
    }
    const latent_jpeg_header *h = &reader->header;
    size_t plane_size = (size_t)h->width * h->height;
    size_t row_bytes = (size_t)h->width * h->out_channels;
    if (plane_size * (size_t)h->out_channels != count) {
        snprintf(reader->errors.error, MESSAGE_CAPACITY, "output buffer size mismatch");
        return LATENT_ERR_ARGUMENT;
    }
    if (!scratch || scratch_size < latent_jpeg_reader_planar_scratch_size(reader)) {
        snprintf(reader->errors.error, MESSAGE_CAPACITY, "scratch buffer too small");
        return LATENT_ERR_ARGUMENT;
    }
    if (cinfo->out_color_space == JCS_CMYK) {
        // Rare: reuse the byte path (which converts CMYK → RGB), then convert to floats.
        int code = latent_jpeg_reader_decode(reader, scratch, row_bytes * h->height);
        if (code == LATENT_OK) latent_interleaved_u8_to_planar(scratch, h->out_channels, plane_size, planes, plane_size, 0);
        return code;
    }
    if (setjmp(reader->errors.jump)) return jpeg_failure_code(reader);
    jpeg_start_decompress(cinfo);
    if (cinfo->output_width != h->width || cinfo->output_height != h->height) {
        snprintf(reader->errors.error, MESSAGE_CAPACITY, "unexpected output size");
        return LATENT_ERR_CORRUPT;
    }
    JSAMPROW rows[PLANAR_STRIP];
    for (int i = 0; i < PLANAR_STRIP; i++) rows[i] = scratch + (size_t)i * row_bytes;
    while (cinfo->output_scanline < cinfo->output_height) {
        size_t first = cinfo->output_scanline;
        JDIMENSION want = cinfo->output_height - cinfo->output_scanline;
        JDIMENSION got = jpeg_read_scanlines(cinfo, rows, want < PLANAR_STRIP ? want : PLANAR_STRIP);
        latent_interleaved_u8_to_planar(scratch, h->out_channels, (size_t)got * h->width, planes, plane_size,
                                        first * h->width);
    }
    jpeg_abort_decompress(cinfo);
    return LATENT_OK;
}
