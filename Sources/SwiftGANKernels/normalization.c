// Batch normalization over [n, c, hw] in two fused passes each way, split by channel over the
// OpenMP pool. Statistics and the backward's sums accumulate in double precision, element by
// element (PyTorch's CPU kernels do too): the backward subtracts the mean gradient, and when
// the gradient is nearly constant over a channel, as under a PatchGAN's averaged loss, float
// sums of it lose the small difference that is the answer.
#include "SwiftGANKernels.h"

/// The fewest channels a thread takes: enough for about 4,096 values (instance norm runs this
/// kernel with one channel per image plane, often of only 16 to 1,024 values).
static int64_t channels_per_thread(int64_t per_channel) {
    return per_channel >= 4096 ? 1 : (4096 + per_channel - 1) / per_channel;
}
#include <math.h>

#define SG_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))

// Row sums in double with four independent accumulators, so the adds overlap rather than wait
// on each other (no reassociation by the compiler is needed).
static inline double row_sum(const float *row, int64_t n) {
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int64_t j = 0;
    for (; j + 4 <= n; j += 4) { s0 += row[j]; s1 += row[j + 1]; s2 += row[j + 2]; s3 += row[j + 3]; }
    for (; j < n; j++) s0 += row[j];
    return (s0 + s1) + (s2 + s3);
}

static inline double row_centered_squares(const float *row, float m, int64_t n) {
    double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    int64_t j = 0;
    for (; j + 4 <= n; j += 4) {
        double d0 = row[j] - m, d1 = row[j + 1] - m, d2 = row[j + 2] - m, d3 = row[j + 3] - m;
        s0 += d0 * d0; s1 += d1 * d1; s2 += d2 * d2; s3 += d3 * d3;
    }
    for (; j < n; j++) { double d = row[j] - m; s0 += d * d; }
    return (s0 + s1) + (s2 + s3);
}

/// Adds Σ g and Σ g·(x − m) over a row to *sum_g and *sum_gx.
static inline void row_gradient_sums(const float *g, const float *x, float m, int64_t n, double *sum_g, double *sum_gx) {
    double s0 = 0, s1 = 0, q0 = 0, q1 = 0;
    int64_t j = 0;
    for (; j + 2 <= n; j += 2) {
        s0 += g[j]; s1 += g[j + 1];
        q0 += (double)g[j] * (x[j] - m); q1 += (double)g[j + 1] * (x[j + 1] - m);
    }
    for (; j < n; j++) { s0 += g[j]; q0 += (double)g[j] * (x[j] - m); }
    *sum_g += s0 + s1;
    *sum_gx += q0 + q1;
}

typedef struct {
    const float *x, *g, *gamma, *beta;
    int64_t n, c, hw;
    float eps;
    float *y, *mean, *invstd, *var, *dx, *dgamma, *dbeta;
    const float *saved_mean, *saved_invstd;
} bn_args;

SG_CLONES static void bn_forward_range(void *context, int64_t c0, int64_t c1) {
    bn_args *a = (bn_args *)context;
    for (int64_t ch = c0; ch < c1; ch++) {
        double sum = 0, sq = 0;
        for (int64_t i = 0; i < a->n; i++) {
            const float *row = a->x + (i * a->c + ch) * a->hw;
            sum += row_sum(row, a->hw);
        }
        double count = (double)(a->n * a->hw);
        double mean = sum / count;
        for (int64_t i = 0; i < a->n; i++) {
            const float *row = a->x + (i * a->c + ch) * a->hw;
            float m = (float)mean;
            sq += row_centered_squares(row, m, a->hw);
        }
        double var = sq / count;
        float invstd = (float)(1.0 / sqrt(var + a->eps));
        float scale = a->gamma ? a->gamma[ch] * invstd : invstd;
        float shift = (a->beta ? a->beta[ch] : 0.0f) - (float)mean * scale;
        for (int64_t i = 0; i < a->n; i++) {
            const float *row = a->x + (i * a->c + ch) * a->hw;
            float *out = a->y + (i * a->c + ch) * a->hw;
            for (int64_t j = 0; j < a->hw; j++) out[j] = row[j] * scale + shift;
        }
        a->mean[ch] = (float)mean;
        a->invstd[ch] = invstd;
        a->var[ch] = (float)var;
    }
}

void sg_batch_norm_forward(const float *x, int64_t n, int64_t c, int64_t hw, const float *gamma, const float *beta,
                           float eps, float *y, float *mean, float *invstd, float *var) {
    bn_args a = {.x = x, .gamma = gamma, .beta = beta, .n = n, .c = c, .hw = hw, .eps = eps,
                 .y = y, .mean = mean, .invstd = invstd, .var = var};
    sg_parallel_for(bn_forward_range, &a, c, channels_per_thread(n * hw));
}

SG_CLONES static void bn_backward_range(void *context, int64_t c0, int64_t c1) {
    bn_args *a = (bn_args *)context;
    for (int64_t ch = c0; ch < c1; ch++) {
        float m = a->saved_mean[ch], is = a->saved_invstd[ch];
        double sum_g = 0, sum_gx = 0;
        for (int64_t i = 0; i < a->n; i++) {
            const float *g = a->g + (i * a->c + ch) * a->hw, *x = a->x + (i * a->c + ch) * a->hw;
            row_gradient_sums(g, x, m, a->hw, &sum_g, &sum_gx);
        }
        float dgamma = (float)sum_gx * is, dbeta = (float)sum_g;
        if (a->dgamma) a->dgamma[ch] = dgamma;
        if (a->dbeta) a->dbeta[ch] = dbeta;
        if (!a->dx) continue;
        float count = (float)(a->n * a->hw);
        float gm = a->gamma ? a->gamma[ch] : 1.0f;
        // dx = γ·invstd·(g - mean(g) - x̂·mean(g·x̂)), x̂ = (x - μ)·invstd
        float k = gm * is, mean_g = dbeta / count, coef = dgamma / count * is;
        for (int64_t i = 0; i < a->n; i++) {
            const float *g = a->g + (i * a->c + ch) * a->hw, *x = a->x + (i * a->c + ch) * a->hw;
            float *dx = a->dx + (i * a->c + ch) * a->hw;
            for (int64_t j = 0; j < a->hw; j++) dx[j] = k * (g[j] - mean_g - (x[j] - m) * coef);
        }
    }
}

void sg_batch_norm_backward(const float *g, const float *x, int64_t n, int64_t c, int64_t hw, const float *mean,
                            const float *invstd, const float *gamma, float *dx, float *dgamma, float *dbeta) {
    bn_args a = {.g = g, .x = x, .gamma = gamma, .n = n, .c = c, .hw = hw, .saved_mean = mean, .saved_invstd = invstd,
                 .dx = dx, .dgamma = dgamma, .dbeta = dbeta};
    sg_parallel_for(bn_backward_range, &a, c, channels_per_thread(n * hw));
}
