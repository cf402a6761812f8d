#ifndef SWIFTGAN_IMAGE_CODECS_COMMON_H
#define SWIFTGAN_IMAGE_CODECS_COMMON_H

#include <stdio.h>
#include <string.h>

// Larger images are refused rather than allocated (a corrupt header may claim any size).
#define SGIC_MAX_PIXELS ((size_t)1 << 28)

static inline void sgic_set_message(char *message, const char *text) {
    if (message) snprintf(message, SGIC_MESSAGE_SIZE, "%s", text);
}

#endif
