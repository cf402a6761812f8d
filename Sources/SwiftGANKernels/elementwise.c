// Elementwise kernels: unary math, broadcasting binary ops, strided copies and fills.
#include "SwiftGANKernels.h"
#include "fastmath.h"

#define SG_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))

#define SG_MAP(expr) for (int64_t i = 0; i < n; i++) { float v = x[i]; y[i] = (expr); } break

SG_CLONES void sg_unary(int op, const float *x, float *y, int64_t n, float a, float b) {
    switch (op) {
    case SG_U_NEG: SG_MAP(-v);
    case SG_U_EXP: SG_MAP(sg_expf(v));
    case SG_U_LOG: SG_MAP(sg_logf(v));
    case SG_U_SQRT: SG_MAP(__builtin_elementwise_sqrt(v));
    case SG_U_TANH: SG_MAP(sg_tanhf(v));
    case SG_U_SIGMOID: SG_MAP(sg_sigmoidf(v));
    // NaN compares false with everything: each test below is written so that NaN takes the
    // branch that returns it, as torch.relu, torch.maximum and torch.minimum propagate NaN.
    case SG_U_RELU: SG_MAP(v <= 0.0f ? 0.0f : v);
    case SG_U_ABS: SG_MAP(fabsf(v));
    case SG_U_SOFTPLUS: SG_MAP(sg_softplusf(v));
    case SG_U_SIGN: SG_MAP(v > 0.0f ? 1.0f : (v < 0.0f ? -1.0f : 0.0f));
    case SG_U_LEAKY_RELU: SG_MAP(v > 0.0f ? v : a * v);
    case SG_U_CLAMP: SG_MAP(v < a ? a : (v > b ? b : v));
    case SG_U_AFFINE: SG_MAP(a * v + b);
    case SG_U_GT: SG_MAP(v > a ? 1.0f : 0.0f);
    case SG_U_IN_RANGE: SG_MAP((v >= a && v <= b) ? 1.0f : 0.0f);
    case SG_U_LEAKY_SLOPE: SG_MAP(v > 0.0f ? 1.0f : a);
    case SG_U_RECIPROCAL: SG_MAP(a / v);
    case SG_U_POW: {
        if (a == 2.0f) { SG_MAP(v * v); }
        if (a == 1.0f) { SG_MAP(v); }
        if (a == 0.0f) { SG_MAP(1.0f); }
        if (a == 0.5f) { SG_MAP(__builtin_elementwise_sqrt(v)); }
        if (a == -1.0f) { SG_MAP(1.0f / v); }
        if (a == 3.0f) { SG_MAP(v * v * v); }
        float ia = __builtin_floorf(a);
        if (ia == a && fabsf(a) <= 64.0f) {
            // Integer powers keep the sign of negative bases, as torch.pow does.
            int k = (int)fabsf(a);
            for (int64_t i = 0; i < n; i++) {
                float r = 1.0f, base = x[i];
                for (int j = k; j > 0; j >>= 1) { if (j & 1) r *= base; base *= base; }
                y[i] = a < 0.0f ? 1.0f / r : r;
            }
            break;
        }
        SG_MAP(v > 0.0f ? sg_expf(a * sg_logf(v)) : (v == 0.0f ? (a > 0.0f ? 0.0f : INFINITY) : NAN));
    }
    default: break;
    }
}

#define SG_BIN_LOOP(expr) \
    if (as == 1 && bs == 1) { for (int64_t i = 0; i < n; i++) { float u = a[i], v = b[i]; out[i] = (expr); } } \
    else if (as == 1 && bs == 0) { float v = b[0]; for (int64_t i = 0; i < n; i++) { float u = a[i]; out[i] = (expr); } } \
    else if (as == 0 && bs == 1) { float u = a[0]; for (int64_t i = 0; i < n; i++) { float v = b[i]; out[i] = (expr); } } \
    else { for (int64_t i = 0; i < n; i++) { float u = a[i * as], v = b[i * bs]; out[i] = (expr); } } \
    break

SG_CLONES static void sg_binary_row(int op, const float *a, int64_t as, const float *b, int64_t bs,
                                    float *out, int64_t n) {
    switch (op) {
    case SG_B_ADD: SG_BIN_LOOP(u + v);
    case SG_B_SUB: SG_BIN_LOOP(u - v);
    case SG_B_MUL: SG_BIN_LOOP(u * v);
    case SG_B_DIV: SG_BIN_LOOP(u / v);
    case SG_B_MAX: SG_BIN_LOOP((u > v || u != u) ? u : v);  // NaN in either operand is the result
    case SG_B_MIN: SG_BIN_LOOP((u < v || u != u) ? u : v);
    case SG_B_GT: SG_BIN_LOOP(u > v ? 1.0f : 0.0f);
    case SG_B_GE: SG_BIN_LOOP(u >= v ? 1.0f : 0.0f);
    case SG_B_EQ: SG_BIN_LOOP(u == v ? 1.0f : 0.0f);
    default: break;
    }
}

void sg_binary(int op, int ndim, const int64_t *shape, const float *a, const int64_t *astride,
               const float *b, const int64_t *bstride, float *out) {
    if (ndim == 0) { sg_binary_row(op, a, 0, b, 0, out, 1); return; }
    int64_t inner = shape[ndim - 1];
    int64_t outer = 1;
    for (int d = 0; d < ndim - 1; d++) outer *= shape[d];
    int64_t idx[8] = {0};
    int64_t ao = 0, bo = 0;
    for (int64_t o = 0; o < outer; o++) {
        sg_binary_row(op, a + ao, astride[ndim - 1], b + bo, bstride[ndim - 1], out + o * inner, inner);
        for (int d = ndim - 2; d >= 0; d--) {  // odometer over the outer dimensions
            idx[d]++; ao += astride[d]; bo += bstride[d];
            if (idx[d] < shape[d]) break;
            ao -= astride[d] * shape[d]; bo -= bstride[d] * shape[d]; idx[d] = 0;
        }
    }
}

SG_CLONES static void sg_copy_row(const float *src, int64_t ss, float *dst, int64_t ds, int64_t n) {
    if (ss == 1 && ds == 1) { memcpy(dst, src, (size_t)n * sizeof(float)); }
    else if (ss == 0 && ds == 1) { float v = src[0]; for (int64_t i = 0; i < n; i++) dst[i] = v; }
    else { for (int64_t i = 0; i < n; i++) dst[i * ds] = src[i * ss]; }
}

void sg_copy_strided(int ndim, const int64_t *shape, const float *src, const int64_t *sstride,
                     float *dst, const int64_t *dstride) {
    if (ndim == 0) { dst[0] = src[0]; return; }
    int64_t inner = shape[ndim - 1];
    int64_t outer = 1;
    for (int d = 0; d < ndim - 1; d++) outer *= shape[d];
    int64_t idx[8] = {0};
    int64_t so = 0, dof = 0;
    for (int64_t o = 0; o < outer; o++) {
        sg_copy_row(src + so, sstride[ndim - 1], dst + dof, dstride[ndim - 1], inner);
        for (int d = ndim - 2; d >= 0; d--) {
            idx[d]++; so += sstride[d]; dof += dstride[d];
            if (idx[d] < shape[d]) break;
            so -= sstride[d] * shape[d]; dof -= dstride[d] * shape[d]; idx[d] = 0;
        }
    }
}

SG_CLONES void sg_fill(float *x, int64_t n, float value) {
    for (int64_t i = 0; i < n; i++) x[i] = value;
}

SG_CLONES void sg_reduce_sum(const float *x, float *y, int64_t outer, int64_t r, int64_t inner) {
    if (inner == 1) {
        // Contiguous sums: 16 independent partial sums keep both speed and accuracy.
        for (int64_t o = 0; o < outer; o++) {
            const float *row = x + o * r;
            float acc[16] = {0};
            int64_t k = 0;
            for (; k + 16 <= r; k += 16)
                for (int j = 0; j < 16; j++) acc[j] += row[k + j];
            float s = 0.0f;
            for (; k < r; k++) s += row[k];
            for (int j = 0; j < 16; j++) s += acc[j];
            y[o] = s;
        }
        return;
    }
    for (int64_t o = 0; o < outer; o++) {
        float *dst = y + o * inner;
        const float *src = x + o * r * inner;
        for (int64_t i = 0; i < inner; i++) dst[i] = r > 0 ? src[i] : 0.0f;
        for (int64_t k = 1; k < r; k++) {
            const float *row = src + k * inner;
            for (int64_t i = 0; i < inner; i++) dst[i] += row[i];
        }
    }
}

SG_CLONES double sg_sum_squares(const float *x, int64_t n) {
    double acc[8] = {0};
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int j = 0; j < 8; j++) acc[j] += (double)x[i + j] * (double)x[i + j];
    double s = 0;
    for (; i < n; i++) s += (double)x[i] * (double)x[i];
    for (int j = 0; j < 8; j++) s += acc[j];
    return s;
}

int64_t sg_count_nonfinite(const float *x, int64_t n) {
    int64_t c = 0;
    for (int64_t i = 0; i < n; i++) c += !isfinite(x[i]);
    return c;
}
