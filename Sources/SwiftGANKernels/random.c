// Philox-4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3"): a counter-based
// generator, so element i of a draw is a pure function of (key, counter) and any split of the
// work gives the same numbers.
#include "SwiftGANKernels.h"
#include <math.h>

static inline void philox(uint64_t key, uint64_t counter, uint32_t out[4]) {
    uint32_t c0 = (uint32_t)counter, c1 = (uint32_t)(counter >> 32), c2 = 0, c3 = 0;
    uint32_t k0 = (uint32_t)key, k1 = (uint32_t)(key >> 32);
    for (int round = 0; round < 10; round++) {
        uint64_t p0 = (uint64_t)0xD2511F53u * c0;
        uint64_t p1 = (uint64_t)0xCD9E8D57u * c2;
        uint32_t n0 = (uint32_t)(p1 >> 32) ^ c1 ^ k0;
        uint32_t n2 = (uint32_t)(p0 >> 32) ^ c3 ^ k1;
        c1 = (uint32_t)p1; c3 = (uint32_t)p0; c0 = n0; c2 = n2;
        k0 += 0x9E3779B9u; k1 += 0xBB67AE85u;
    }
    out[0] = c0; out[1] = c1; out[2] = c2; out[3] = c3;
}

/// A float in [0, 1) with 24 random bits.
static inline float unit(uint32_t u) { return (float)(u >> 8) * (1.0f / 16777216.0f); }

typedef enum { SG_UNIFORM, SG_BITS, SG_NORMAL } draw_kind;

typedef struct {
    uint64_t key, block0;
    void *out;
    int64_t n;
    draw_kind kind;
    float a, b;  // low and high, or mean and std
} draw_args;

// Blocks [begin, end) of four values each: block j gives elements 4j to 4j + 3.
static void draw_range(void *context, int64_t begin, int64_t end) {
    const draw_args *d = context;
    for (int64_t block = begin; block < end; block++) {
        uint32_t r[4];
        philox(d->key, d->block0 + (uint64_t)block, r);
        int64_t i = 4 * block;
        int m = d->n - i < 4 ? (int)(d->n - i) : 4;
        switch (d->kind) {
        case SG_UNIFORM:
            for (int j = 0; j < m; j++) ((float *)d->out)[i + j] = d->a + (d->b - d->a) * unit(r[j]);
            break;
        case SG_BITS:
            for (int j = 0; j < m; j++) ((uint32_t *)d->out)[i + j] = r[j];
            break;
        case SG_NORMAL:
            for (int pair = 0; pair < 2; pair++) {
                double u1 = 1.0 - (double)unit(r[2 * pair]);  // (0, 1]: the log stays finite
                double u2 = (double)unit(r[2 * pair + 1]);
                double rad = sqrt(-2.0 * log(u1));
                double z0 = rad * cos(6.283185307179586 * u2), z1 = rad * sin(6.283185307179586 * u2);
                if (2 * pair < m) ((float *)d->out)[i + 2 * pair] = d->a + d->b * (float)z0;
                if (2 * pair + 1 < m) ((float *)d->out)[i + 2 * pair + 1] = d->a + d->b * (float)z1;
            }
            break;
        }
    }
}

/// Blocks per thread below which a draw stays on the calling thread.
#define SG_DRAW_GRAIN 2048

static void draw(uint64_t key, uint64_t offset, void *out, int64_t n, draw_kind kind, float a, float b) {
    draw_args d = {key, offset / 4, out, n, kind, a, b};
    sg_parallel_for(draw_range, &d, (n + 3) / 4, kind == SG_NORMAL ? SG_DRAW_GRAIN / 4 : SG_DRAW_GRAIN);
}

void sg_philox_uniform(uint64_t key, uint64_t offset, float *out, int64_t n, float low, float high) {
    draw(key, offset, out, n, SG_UNIFORM, low, high);
}

void sg_philox_bits(uint64_t key, uint64_t offset, uint32_t *out, int64_t n) {
    draw(key, offset, out, n, SG_BITS, 0, 0);
}

void sg_philox_normal(uint64_t key, uint64_t offset, float *out, int64_t n, float mean, float std) {
    draw(key, offset, out, n, SG_NORMAL, mean, std);
}
