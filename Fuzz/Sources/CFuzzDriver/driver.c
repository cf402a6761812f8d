#include "CFuzzDriver.h"

// libFuzzer's archive brings its own main, which needs this symbol to link; SwiftPM's
// executables start at their Swift entry point instead (which calls LLVMFuzzerRunDriver), so
// this is reached only if libFuzzer's main ever runs, and it then fuzzes the same callback.
int (*swiftgan_fuzz_callback)(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    return swiftgan_fuzz_callback ? swiftgan_fuzz_callback(data, size) : 0;
}
