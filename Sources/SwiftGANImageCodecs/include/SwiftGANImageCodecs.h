#ifndef SWIFTGAN_IMAGE_CODECS_H
#define SWIFTGAN_IMAGE_CODECS_H

#include <stddef.h>

// PNG and JPEG decoding through libpng and libjpeg-turbo. Both libraries report errors by
// calling an error handler that must not return; these functions catch them with setjmp, so a
// damaged file comes back as -1 with a one-line reason in `message`, never as a crash or exit.
// Decoded pixels are 8-bit gray (1 channel) or RGB (3 channels), rows top to bottom.

#define SGIC_MESSAGE_SIZE 200

typedef struct sgic_image {
    int width;
    int height;
    int channels;
    /// width * height * channels bytes, allocated with malloc; release with sgic_free.
    unsigned char *pixels;
} sgic_image;

/// The size of a PNG and whether it is grayscale (1) or color (3), from its header alone.
int sgic_png_header(const unsigned char *data, size_t size, int *width, int *height, int *channels, char *message);
/// Decodes a PNG: palettes expanded to RGB, 16-bit samples reduced to 8, alpha dropped.
int sgic_png_decode(const unsigned char *data, size_t size, sgic_image *image, char *message);

/// The size of a JPEG and its channels (1 or 3), from its header alone.
int sgic_jpeg_header(const unsigned char *data, size_t size, int *width, int *height, int *channels, char *message);
/// Decodes a JPEG to gray or RGB. A file libjpeg only warns about (truncated, corrupt entropy
/// data) is an error here: it would decode to partly invented pixels.
int sgic_jpeg_decode(const unsigned char *data, size_t size, sgic_image *image, char *message);
/// Encodes gray or RGB pixels as a baseline JPEG (used to make test data).
int sgic_jpeg_encode(const unsigned char *pixels, int width, int height, int channels, int quality,
                     unsigned char **output, unsigned long *output_size, char *message);

void sgic_free(void *pointer);

#endif
