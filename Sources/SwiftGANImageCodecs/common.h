#ifndef SWIFTGAN_IMAGE_CODECS_COMMON_H
#define SWIFTGAN_IMAGE_CODECS_COMMON_H

#include <stdio.h>
#include <string.h>

// Larger images are refused rather than allocated (a corrupt header may claim any size): 2^26
// pixels (8192 x 8192, a 67-megapixel photo) decode in under 1 GiB even as progressive JPEG,
// whose decoder holds every coefficient of the image as well as the pixels.
#define SGIC_MAX_PIXELS ((size_t)1 << 26)
#define SGIC_MAX_PIXELS_TEXT "image too large (more than 67,108,864 pixels)"
// What libjpeg may allocate for one image (it refuses with an error past this).
#define SGIC_MAX_DECODER_MEMORY ((long)1 << 30)

static inline void sgic_set_message(char *message, const char *text) {
    if (message) snprintf(message, SGIC_MESSAGE_SIZE, "%s", text);
}

#endif
