// Batch normalization over [n, c, hw] in two fused passes each way, split by channel over the
// OpenMP pool. Statistics accumulate in double precision.
#include "SwiftGANKernels.h"
#include "parallel.h"
#include <math.h>

#define SG_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))

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
            float s = 0;
            for (int64_t j = 0; j < a->hw; j++) s += row[j];
            sum += s;
        }
        double count = (double)(a->n * a->hw);
        double mean = sum / count;
        for (int64_t i = 0; i < a->n; i++) {
            const float *row = a->x + (i * a->c + ch) * a->hw;
            float q = 0, m = (float)mean;
            for (int64_t j = 0; j < a->hw; j++) { float d = row[j] - m; q += d * d; }
            sq += q;
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
    sg_parallel_for(bn_forward_range, &a, c, n * hw >= 4096 ? 1 : c);
}

SG_CLONES static void bn_backward_range(void *context, int64_t c0, int64_t c1) {
    bn_args *a = (bn_args *)context;
    for (int64_t ch = c0; ch < c1; ch++) {
        float m = a->saved_mean[ch], is = a->saved_invstd[ch];
        double sum_g = 0, sum_gx = 0;
        for (int64_t i = 0; i < a->n; i++) {
            const float *g = a->g + (i * a->c + ch) * a->hw, *x = a->x + (i * a->c + ch) * a->hw;
            float s = 0, sx = 0;
            for (int64_t j = 0; j < a->hw; j++) { s += g[j]; sx += g[j] * (x[j] - m); }
            sum_g += s;
            sum_gx += sx;
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
    sg_parallel_for(bn_backward_range, &a, c, n * hw >= 4096 ? 1 : c);
}
