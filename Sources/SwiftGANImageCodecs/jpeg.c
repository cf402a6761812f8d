#include "SwiftGANImageCodecs.h"
#include "common.h"

#include <jpeglib.h>
#include <setjmp.h>
#include <stdlib.h>

// libjpeg's default error_exit calls exit(); this one records the message and jumps back to
// the caller's setjmp. Warnings are counted: the decoder treats any as damage.
typedef struct {
    struct jpeg_error_mgr base;
    jmp_buf jump;
    char *message;
    int warnings;
} error_manager;

static void on_error(j_common_ptr cinfo) {
    error_manager *errors = (error_manager *)cinfo->err;
    char text[JMSG_LENGTH_MAX];
    errors->base.format_message(cinfo, text);
    sgic_set_message(errors->message, text);
    longjmp(errors->jump, 1);
}

static void on_message(j_common_ptr cinfo, int level) {
    error_manager *errors = (error_manager *)cinfo->err;
    if (level >= 0) return;  // trace messages
    if (errors->warnings++ == 0) {
        char text[JMSG_LENGTH_MAX];
        errors->base.format_message(cinfo, text);
        sgic_set_message(errors->message, text);
    }
}

static void install(error_manager *errors, char *message) {
    jpeg_std_error(&errors->base);
    errors->base.error_exit = on_error;
    errors->base.emit_message = on_message;
    errors->message = message;
    errors->warnings = 0;
}

static int check_signature(const unsigned char *data, size_t size, char *message) {
    if (size < 3 || data[0] != 0xFF || data[1] != 0xD8 || data[2] != 0xFF) {
        sgic_set_message(message, "not a JPEG file (bad signature)");
        return -1;
    }
    return 0;
}

int sgic_jpeg_header(const unsigned char *data, size_t size, int *width, int *height, int *channels, char *message) {
    if (check_signature(data, size, message) != 0) return -1;
    struct jpeg_decompress_struct cinfo;
    error_manager errors;
    install(&errors, message);
    cinfo.err = &errors.base;
    if (setjmp(errors.jump)) {
        jpeg_destroy_decompress(&cinfo);
        return -1;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long)size);
    jpeg_read_header(&cinfo, TRUE);
    *width = (int)cinfo.image_width;
    *height = (int)cinfo.image_height;
    *channels = cinfo.num_components == 1 ? 1 : 3;
    jpeg_destroy_decompress(&cinfo);
    return 0;
}

int sgic_jpeg_decode(const unsigned char *data, size_t size, sgic_image *image, char *message) {
    image->pixels = NULL;
    if (check_signature(data, size, message) != 0) return -1;
    struct jpeg_decompress_struct cinfo;
    error_manager errors;
    install(&errors, message);
    cinfo.err = &errors.base;
    unsigned char *volatile pixels = NULL;
    if (setjmp(errors.jump)) {
        free(pixels);
        jpeg_destroy_decompress(&cinfo);
        return -1;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, (unsigned long)size);
    jpeg_read_header(&cinfo, TRUE);
    // Checked before jpeg_start_decompress, which allocates for the claimed size (a 391-byte
    // progressive JPEG claiming 28276 x 21833 pixels made it ask for gigabytes; found by FuzzJPEG).
    if (cinfo.image_width == 0 || cinfo.image_height == 0
        || (size_t)cinfo.image_width > SGIC_MAX_PIXELS / cinfo.image_height) {
        sgic_set_message(message, SGIC_MAX_PIXELS_TEXT);
        jpeg_destroy_decompress(&cinfo);
        return -1;
    }
    cinfo.mem->max_memory_to_use = SGIC_MAX_DECODER_MEMORY;
    cinfo.out_color_space = cinfo.num_components == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_start_decompress(&cinfo);
    size_t width = cinfo.output_width, height = cinfo.output_height, channels = cinfo.output_components;
    pixels = malloc(width * height * channels);
    if (!pixels) {
        sgic_set_message(message, "out of memory");
        jpeg_destroy_decompress(&cinfo);
        return -1;
    }
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = pixels + (size_t)cinfo.output_scanline * width * channels;
        jpeg_read_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    if (errors.warnings > 0) {  // message holds the first warning
        free(pixels);
        return -1;
    }
    image->width = (int)width;
    image->height = (int)height;
    image->channels = (int)channels;
    image->pixels = pixels;
    return 0;
}

int sgic_jpeg_encode(const unsigned char *pixels, int width, int height, int channels, int quality,
                     unsigned char **output, unsigned long *output_size, char *message) {
    *output = NULL;
    *output_size = 0;
    if ((channels != 1 && channels != 3) || width <= 0 || height <= 0) {
        sgic_set_message(message, "need gray or RGB pixels and a positive size");
        return -1;
    }
    struct jpeg_compress_struct cinfo;
    error_manager errors;
    install(&errors, message);
    cinfo.err = &errors.base;
    if (setjmp(errors.jump)) {
        jpeg_destroy_compress(&cinfo);
        free(*output);
        *output = NULL;
        return -1;
    }
    jpeg_create_compress(&cinfo);
    jpeg_mem_dest(&cinfo, output, output_size);
    cinfo.image_width = (JDIMENSION)width;
    cinfo.image_height = (JDIMENSION)height;
    cinfo.input_components = channels;
    cinfo.in_color_space = channels == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality, TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + (size_t)cinfo.next_scanline * width * channels);
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    return 0;
}
