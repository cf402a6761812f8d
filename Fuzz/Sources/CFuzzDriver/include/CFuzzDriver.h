// libFuzzer's entry for programs that keep their own main (compiler-rt's FuzzerInterface.h):
// it parses libFuzzer's flags from argv and calls `callback` with each input.
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

/// The callback LLVMFuzzerTestOneInput forwards to.
extern int (*swiftgan_fuzz_callback)(const uint8_t *data, size_t size);
