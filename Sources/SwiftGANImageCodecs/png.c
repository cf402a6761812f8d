#include "SwiftGANImageCodecs.h"
#include "common.h"

#include <png.h>
#include <setjmp.h>
#include <stdlib.h>

// The error handler must not return: it records libpng's message and jumps back to the
// setjmp in the caller.
typedef struct {
    const unsigned char *data;
    size_t size;
    size_t offset;
    char *message;
} png_source;

static void on_error(png_structp png, png_const_charp text) {
    png_source *source = png_get_error_ptr(png);
    sgic_set_message(source->message, text);
    png_longjmp(png, 1);
}

static void on_warning(png_structp png, png_const_charp text) { (void)png; (void)text; }

static void read_bytes(png_structp png, png_bytep out, png_size_t count) {
    png_source *source = png_get_io_ptr(png);
    if (count > source->size - source->offset) png_error(png, "truncated PNG data");
    memcpy(out, source->data + source->offset, count);
    source->offset += count;
}

// Reads the header into `info` and sets the transformations to 8-bit gray or RGB without alpha.
// Returns the number of output channels.
static int read_header(png_structp png, png_infop info) {
    png_read_info(png, info);
    int color = png_get_color_type(png, info);
    png_set_expand(png);  // palette to RGB, gray below 8 bits to 8, tRNS to alpha
    png_set_strip_16(png);
    png_set_strip_alpha(png);
    png_set_interlace_handling(png);
    png_read_update_info(png, info);
    return (color & PNG_COLOR_MASK_COLOR) ? 3 : 1;  // palettes count as color, even gray ones
}

static int check_signature(const unsigned char *data, size_t size, char *message) {
    if (size < 8 || png_sig_cmp(data, 0, 8) != 0) {
        sgic_set_message(message, "not a PNG file (bad signature)");
        return -1;
    }
    return 0;
}

int sgic_png_header(const unsigned char *data, size_t size, int *width, int *height, int *channels, char *message) {
    if (check_signature(data, size, message) != 0) return -1;
    png_source source = {data, size, 0, message};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &source, on_error, on_warning);
    if (!png) { sgic_set_message(message, "out of memory"); return -1; }
    png_infop info = png_create_info_struct(png);
    if (!info) { png_destroy_read_struct(&png, NULL, NULL); sgic_set_message(message, "out of memory"); return -1; }
    if (setjmp(png_jmpbuf(png))) {
        png_destroy_read_struct(&png, &info, NULL);
        return -1;
    }
    png_set_read_fn(png, &source, read_bytes);
    int out_channels = read_header(png, info);
    *width = (int)png_get_image_width(png, info);
    *height = (int)png_get_image_height(png, info);
    *channels = out_channels;
    png_destroy_read_struct(&png, &info, NULL);
    return 0;
}

int sgic_png_decode(const unsigned char *data, size_t size, sgic_image *image, char *message) {
    image->pixels = NULL;
    if (check_signature(data, size, message) != 0) return -1;
    png_source source = {data, size, 0, message};
    png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &source, on_error, on_warning);
    if (!png) { sgic_set_message(message, "out of memory"); return -1; }
    png_infop info = png_create_info_struct(png);
    if (!info) { png_destroy_read_struct(&png, NULL, NULL); sgic_set_message(message, "out of memory"); return -1; }
    // Written between setjmp and longjmp, so volatile: their values must survive the jump.
    unsigned char *volatile pixels = NULL;
    png_bytep *volatile rows = NULL;
    if (setjmp(png_jmpbuf(png))) {
        free(rows);
        free(pixels);
        png_destroy_read_struct(&png, &info, NULL);
        return -1;
    }
    png_set_read_fn(png, &source, read_bytes);
    int channels = read_header(png, info);
    size_t width = png_get_image_width(png, info), height = png_get_image_height(png, info);
    if (png_get_channels(png, info) != channels || png_get_rowbytes(png, info) != width * channels) {
        png_error(png, "unexpected PNG layout after conversion");
    }
    if (width == 0 || height == 0 || width > SGIC_MAX_PIXELS / height) png_error(png, SGIC_MAX_PIXELS_TEXT);
    pixels = malloc(width * height * channels);
    rows = malloc(height * sizeof(png_bytep));
    if (!pixels || !rows) png_error(png, "out of memory");
    for (size_t y = 0; y < height; y++) rows[y] = pixels + y * width * channels;
    png_read_image(png, rows);
    png_read_end(png, NULL);
    free(rows);
    png_destroy_read_struct(&png, &info, NULL);
    image->width = (int)width;
    image->height = (int)height;
    image->channels = channels;
    image->pixels = pixels;
    return 0;
}

void sgic_free(void *pointer) { free(pointer); }
