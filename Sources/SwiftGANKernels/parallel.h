#ifndef SWIFTGAN_PARALLEL_H
#define SWIFTGAN_PARALLEL_H
#include <stdint.h>

typedef void (*sg_range_body)(void *context, int64_t begin, int64_t end);

/// Runs body over [0, n) split into contiguous ranges across the OpenMP pool, using no more
/// threads than leave each at least `min_per_thread` elements.
void sg_parallel_for(sg_range_body body, void *context, int64_t n, int64_t min_per_thread);
#endif
