// Optimizer updates, written to follow torch.optim's single-tensor (for-loop) formulas.
#include "SwiftGANKernels.h"
#include <math.h>

#define SG_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))

typedef struct {
    float *p; const float *g; float *m; float *v;
    float beta1, beta2, eps, weight_decay, step_size, bc2_sqrt;
} adam_args;

SG_CLONES static void adam_range(void *context, int64_t begin, int64_t end) {
    adam_args *a = (adam_args *)context;
    float *restrict p = a->p, *restrict m = a->m, *restrict v = a->v;
    const float *restrict g = a->g;
    const float beta1 = a->beta1, beta2 = a->beta2, eps = a->eps, weight_decay = a->weight_decay;
    const float step_size = a->step_size, bc2_sqrt = a->bc2_sqrt;
    for (int64_t i = begin; i < end; i++) {
        float gi = g[i] + weight_decay * p[i];
        float mi = m[i] + (gi - m[i]) * (1.0f - beta1);  // torch's lerp_ form
        float vi = v[i] * beta2 + (1.0f - beta2) * gi * gi;
        m[i] = mi; v[i] = vi;
        float denom = __builtin_elementwise_sqrt(vi) / bc2_sqrt + eps;
        p[i] -= step_size * (mi / denom);
    }
}

void sg_adam(float *p, const float *g, float *m, float *v, int64_t n, float lr, float beta1,
             float beta2, float eps, float weight_decay, int64_t step) {
    float bc1 = 1.0f - powf(beta1, (float)step);
    float bc2 = 1.0f - powf(beta2, (float)step);
    adam_args args = {p, g, m, v, beta1, beta2, eps, weight_decay, lr / bc1, sqrtf(bc2)};
    sg_parallel_for(adam_range, &args, n, 1 << 16);
}

typedef struct {
    float *p; const float *g; float *buf; float *sq; float *gavg;
    float lr, momentum, dampening, weight_decay, alpha, eps;
    int nesterov, first, centered;
} update_args;

SG_CLONES static void sgd_range(void *context, int64_t begin, int64_t end) {
    const update_args *a = context;
    float *restrict p = a->p, *restrict buf = a->buf;
    const float *restrict g = a->g;
    const float lr = a->lr, momentum = a->momentum, dampening = a->dampening, weight_decay = a->weight_decay;
    for (int64_t i = begin; i < end; i++) {
        float d = g[i] + weight_decay * p[i];
        if (momentum != 0.0f) {
            float b = a->first ? d : buf[i] * momentum + (1.0f - dampening) * d;
            buf[i] = b;
            d = a->nesterov ? d + momentum * b : b;
        }
        p[i] -= lr * d;
    }
}

void sg_sgd(float *p, const float *g, float *buf, int64_t n, float lr, float momentum,
            float dampening, float weight_decay, int nesterov, int first) {
    update_args args = {.p = p, .g = g, .buf = buf, .lr = lr, .momentum = momentum, .dampening = dampening,
                        .weight_decay = weight_decay, .nesterov = nesterov, .first = first};
    sg_parallel_for(sgd_range, &args, n, 1 << 16);
}

SG_CLONES static void rmsprop_range(void *context, int64_t begin, int64_t end) {
    const update_args *a = context;
    float *restrict p = a->p, *restrict sq = a->sq, *restrict buf = a->buf, *restrict gavg = a->gavg;
    const float *restrict g = a->g;
    const float lr = a->lr, alpha = a->alpha, eps = a->eps, weight_decay = a->weight_decay, momentum = a->momentum;
    for (int64_t i = begin; i < end; i++) {
        float gi = g[i] + weight_decay * p[i];
        float s = sq[i] * alpha + (1.0f - alpha) * gi * gi;
        sq[i] = s;
        float avg;
        if (a->centered) {
            float ga = gavg[i] + (gi - gavg[i]) * (1.0f - alpha);
            gavg[i] = ga;
            avg = __builtin_elementwise_sqrt(s - ga * ga) + eps;
        } else {
            avg = __builtin_elementwise_sqrt(s) + eps;
        }
        if (momentum > 0.0f) {
            float b = buf[i] * momentum + gi / avg;
            buf[i] = b;
            p[i] -= lr * b;
        } else {
            p[i] -= lr * gi / avg;
        }
    }
}

void sg_rmsprop(float *p, const float *g, float *sq, float *buf, float *gavg, int64_t n,
                float lr, float alpha, float eps, float weight_decay, float momentum,
                int centered) {
    update_args args = {.p = p, .g = g, .buf = buf, .sq = sq, .gavg = gavg, .lr = lr, .momentum = momentum,
                        .weight_decay = weight_decay, .alpha = alpha, .eps = eps, .centered = centered};
    sg_parallel_for(rmsprop_range, &args, n, 1 << 16);
}
