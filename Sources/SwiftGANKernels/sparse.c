// Sparse linear maps (pooling, upsampling, embedding lookups and their transposes), max-pool
// routing and the max reduction, split over the compute pool. Work is divided so that no two
// threads write the same output: gathers by output element, scatters by plane.
#include "SwiftGANKernels.h"
#include <math.h>

typedef struct {
    const float *src;
    const int64_t *idx;
    const float *w;
    int64_t k, n_out, in_plane;
    int shared;
    float *out;
} sparse_args;

static void gather_range(void *context, int64_t begin, int64_t end) {
    const sparse_args *a = context;
    for (int64_t t = begin; t < end; t++) {
        int64_t p = t / a->n_out, i = t - p * a->n_out;
        int64_t row = (a->shared ? i : t) * a->k;
        const float *src = a->src + p * a->in_plane;
        float s = 0.0f;
        for (int64_t j = row; j < row + a->k; j++)
            if (a->idx[j] >= 0) s += (a->w ? a->w[j] : 1.0f) * src[a->idx[j]];
        a->out[t] = s;
    }
}

void sg_sparse_gather(const float *src, const int64_t *idx, const float *w, int64_t k, int64_t n_out, int64_t planes,
                      int64_t in_plane, int shared, float *out) {
    sparse_args a = {src, idx, w, k, n_out, in_plane, shared, out};
    sg_parallel_for(gather_range, &a, planes * n_out, 1 << 14);
}

// Here `src` is the incoming gradient g (per output) and `out` the zeroed dst (per input).
static void scatter_range(void *context, int64_t begin, int64_t end) {
    const sparse_args *a = context;
    for (int64_t p = begin; p < end; p++) {
        const float *g = a->src + p * a->n_out;
        float *dst = a->out + p * a->in_plane;
        const int64_t *idx = a->shared ? a->idx : a->idx + p * a->n_out * a->k;
        const float *w = a->w ? (a->shared ? a->w : a->w + p * a->n_out * a->k) : 0;
        for (int64_t i = 0; i < a->n_out; i++)
            for (int64_t j = i * a->k; j < (i + 1) * a->k; j++)
                if (idx[j] >= 0) dst[idx[j]] += (w ? w[j] : 1.0f) * g[i];
    }
}

void sg_sparse_scatter(const float *g, const int64_t *idx, const float *w, int64_t k, int64_t n_out, int64_t planes,
                       int64_t in_plane, int shared, float *dst) {
    sparse_args a = {g, idx, w, k, n_out, in_plane, shared, dst};
    int64_t per_plane = n_out * k;
    sg_parallel_for(scatter_range, &a, planes, per_plane >= (1 << 14) ? 1 : (1 << 14) / (per_plane > 0 ? per_plane : 1));
}

typedef struct {
    const float *x;
    int64_t h, w, oh, ow, kh, kw, sh, sw, ph, pw, dh, dw;
    int64_t *idx;
} max_pool_args;

static void max_pool_range(void *context, int64_t begin, int64_t end) {
    const max_pool_args *a = context;
    for (int64_t p = begin; p < end; p++) {
        const float *x = a->x + p * a->h * a->w;
        int64_t *idx = a->idx + p * a->oh * a->ow;
        for (int64_t oy = 0; oy < a->oh; oy++)
            for (int64_t ox = 0; ox < a->ow; ox++) {
                float best = -INFINITY;
                int64_t best_index = -1;
                for (int64_t ky = 0; ky < a->kh; ky++) {
                    int64_t y = oy * a->sh - a->ph + ky * a->dh;
                    if (y < 0 || y >= a->h) continue;
                    for (int64_t kx = 0; kx < a->kw; kx++) {
                        int64_t xx = ox * a->sw - a->pw + kx * a->dw;
                        if (xx < 0 || xx >= a->w) continue;
                        float v = x[y * a->w + xx];
                        if (v > best || best_index < 0 || isnan(v)) { best = v; best_index = y * a->w + xx; }
                    }
                }
                idx[oy * a->ow + ox] = best_index;
            }
    }
}

void sg_max_pool2d_indices(const float *x, int64_t planes, int64_t h, int64_t w, int64_t oh, int64_t ow, int64_t kh,
                           int64_t kw, int64_t sh, int64_t sw, int64_t ph, int64_t pw, int64_t dh, int64_t dw,
                           int64_t *idx) {
    max_pool_args a = {x, h, w, oh, ow, kh, kw, sh, sw, ph, pw, dh, dw, idx};
    int64_t per_plane = oh * ow * kh * kw;
    sg_parallel_for(max_pool_range, &a, planes, per_plane >= (1 << 14) ? 1 : (1 << 14) / (per_plane > 0 ? per_plane : 1));
}

typedef struct {
    const float *x;
    float *y;
    int64_t r, inner;
} max_args;

static void max_range(void *context, int64_t begin, int64_t end) {
    const max_args *a = context;
    for (int64_t o = begin; o < end; o++) {
        const float *x = a->x + o * a->r * a->inner;
        float *y = a->y + o * a->inner;
        for (int64_t i = 0; i < a->inner; i++) y[i] = x[i];
        for (int64_t k = 1; k < a->r; k++)
            for (int64_t i = 0; i < a->inner; i++) y[i] = fmaxf(y[i], x[k * a->inner + i]);
    }
}

void sg_reduce_max(const float *x, float *y, int64_t outer, int64_t r, int64_t inner) {
    max_args a = {x, y, r, inner};
    int64_t per = r * inner;
    sg_parallel_for(max_range, &a, outer, per >= (1 << 14) ? 1 : (1 << 14) / (per > 0 ? per : 1));
}
