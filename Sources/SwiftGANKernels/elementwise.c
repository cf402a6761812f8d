// Elementwise kernels: unary math, broadcasting binary ops, strided copies, fills and sums, each
// split over the compute pool above a size threshold. Elementwise results do not depend on the
// split; sums add fixed-size chunks in a fixed order, so they are bitwise the same for every
// thread count.
#include "SwiftGANKernels.h"
#include "fastmath.h"

/// Elements per thread below which splitting costs more than it saves (cheap ops, measured on
/// the 2-core machine with the pool's threads already spinning).
#define SG_GRAIN ((int64_t)1 << 15)
/// Elements per partial sum: a sum over more is added up chunk by chunk, in order.
#define SG_SUM_CHUNK ((int64_t)1 << 14)

#define SG_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))

#define SG_MAP(expr) for (int64_t i = 0; i < n; i++) { float v = x[i]; y[i] = (expr); } break

SG_CLONES static void unary_kernel(int op, const float *x, float *y, int64_t n, float a, float b) {
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

typedef struct { int op; const float *x; float *y; float a, b; } unary_args;

static void unary_range(void *context, int64_t begin, int64_t end) {
    const unary_args *u = context;
    unary_kernel(u->op, u->x + begin, u->y + begin, end - begin, u->a, u->b);
}

void sg_unary(int op, const float *x, float *y, int64_t n, float a, float b) {
    unary_args u = {op, x, y, a, b};
    // Transcendental ops cost several times a multiply: they pay for a thread sooner.
    int costly = op == SG_U_EXP || op == SG_U_LOG || op == SG_U_TANH || op == SG_U_SIGMOID
        || op == SG_U_SOFTPLUS || op == SG_U_POW;
    sg_parallel_for(unary_range, &u, n, costly ? SG_GRAIN / 4 : SG_GRAIN);
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

/// Two strided operands walked over the flat index range [begin, end) of an `ndim`-dimensional
/// index space, one innermost row segment at a time: each segment gets both operands' offsets,
/// its flat start and its length. Any split of the range visits the same segments' elements.
typedef struct {
    int ndim;
    const int64_t *shape, *s0, *s1;
    void (*segment)(void *context, int64_t o0, int64_t o1, int64_t flat, int64_t count);
    void *context;
} strided_walk;

static void walk_range(void *context, int64_t begin, int64_t end) {
    const strided_walk *w = context;
    int nd = w->ndim;
    int64_t inner = w->shape[nd - 1];
    if (inner == 0 || begin >= end) return;
    int64_t row = begin / inner, col = begin - row * inner;
    int64_t idx[8] = {0}, o0 = 0, o1 = 0;
    for (int d = nd - 2; d >= 0; d--) {  // the row's multi-index and offsets
        idx[d] = row % w->shape[d]; row /= w->shape[d];
        o0 += idx[d] * w->s0[d]; o1 += idx[d] * w->s1[d];
    }
    int64_t flat = begin;
    while (flat < end) {
        int64_t count = inner - col < end - flat ? inner - col : end - flat;
        w->segment(w->context, o0 + col * w->s0[nd - 1], o1 + col * w->s1[nd - 1], flat, count);
        flat += count;
        col = 0;
        for (int d = nd - 2; d >= 0; d--) {  // odometer over the outer dimensions
            idx[d]++; o0 += w->s0[d]; o1 += w->s1[d];
            if (idx[d] < w->shape[d]) break;
            o0 -= w->s0[d] * w->shape[d]; o1 -= w->s1[d] * w->shape[d]; idx[d] = 0;
        }
    }
}

static void walk(int ndim, const int64_t *shape, const int64_t *s0, const int64_t *s1,
                 void (*segment)(void *, int64_t, int64_t, int64_t, int64_t), void *context) {
    int64_t n = 1;
    for (int d = 0; d < ndim; d++) n *= shape[d];
    strided_walk w = {ndim, shape, s0, s1, segment, context};
    sg_parallel_for(walk_range, &w, n, SG_GRAIN);
}

typedef struct { int op; const float *a, *b; int64_t as, bs; float *out; } binary_args;

static void binary_segment(void *context, int64_t ao, int64_t bo, int64_t flat, int64_t count) {
    const binary_args *x = context;
    sg_binary_row(x->op, x->a + ao, x->as, x->b + bo, x->bs, x->out + flat, count);
}

void sg_binary(int op, int ndim, const int64_t *shape, const float *a, const int64_t *astride,
               const float *b, const int64_t *bstride, float *out) {
    if (ndim == 0) { sg_binary_row(op, a, 0, b, 0, out, 1); return; }
    binary_args x = {op, a, b, astride[ndim - 1], bstride[ndim - 1], out};
    walk(ndim, shape, astride, bstride, binary_segment, &x);
}

SG_CLONES static void sg_copy_row(const float *src, int64_t ss, float *dst, int64_t ds, int64_t n) {
    if (ss == 1 && ds == 1) { memcpy(dst, src, (size_t)n * sizeof(float)); }
    else if (ss == 0 && ds == 1) { float v = src[0]; for (int64_t i = 0; i < n; i++) dst[i] = v; }
    else { for (int64_t i = 0; i < n; i++) dst[i * ds] = src[i * ss]; }
}

typedef struct { const float *src; int64_t ss; float *dst; int64_t ds; } copy_args;

static void copy_segment(void *context, int64_t so, int64_t dof, int64_t flat, int64_t count) {
    (void)flat;
    const copy_args *x = context;
    sg_copy_row(x->src + so, x->ss, x->dst + dof, x->ds, count);
}

void sg_copy_strided(int ndim, const int64_t *shape, const float *src, const int64_t *sstride,
                     float *dst, const int64_t *dstride) {
    if (ndim == 0) { dst[0] = src[0]; return; }
    copy_args x = {src, sstride[ndim - 1], dst, dstride[ndim - 1]};
    walk(ndim, shape, sstride, dstride, copy_segment, &x);
}

typedef struct { float *x; float value; } fill_args;

SG_CLONES static void fill_range(void *context, int64_t begin, int64_t end) {
    const fill_args *f = context;
    float *x = f->x, v = f->value;
    for (int64_t i = begin; i < end; i++) x[i] = v;
}

void sg_fill(float *x, int64_t n, float value) {
    fill_args f = {x, value};
    sg_parallel_for(fill_range, &f, n, SG_GRAIN);
}

/// The sum of n contiguous values: 16 independent partial sums keep both speed and accuracy.
SG_CLONES static float contiguous_sum(const float *row, int64_t n) {
    float acc[16] = {0};
    int64_t k = 0;
    for (; k + 16 <= n; k += 16)
        for (int j = 0; j < 16; j++) acc[j] += row[k + j];
    float s = 0.0f;
    for (; k < n; k++) s += row[k];
    for (int j = 0; j < 16; j++) s += acc[j];
    return s;
}

SG_CLONES static double contiguous_squares(const float *x, int64_t n) {
    double acc[8] = {0};
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int j = 0; j < 8; j++) acc[j] += (double)x[i + j] * (double)x[i + j];
    double s = 0;
    for (; i < n; i++) s += (double)x[i] * (double)x[i];
    for (int j = 0; j < 8; j++) s += acc[j];
    return s;
}

static int64_t contiguous_nonfinite(const float *x, int64_t n) {
    int64_t k = 0;
    for (int64_t i = 0; i < n; i++) k += !isfinite(x[i]);
    return k;
}

// Chunked reductions of contiguous rows. Rows of length r are cut into fixed chunks of
// SG_SUM_CHUNK values; task t is chunk t % chunks of row t / chunks. Tasks run on the pool a
// window at a time, each writing its own slot, and the caller folds the slots in task order:
// the same additions in the same order for every thread count.
typedef enum { SG_SUM, SG_SQUARES, SG_NONFINITE } chunk_kind;
#define SG_WINDOW 4096

typedef struct {
    const float *x;
    int64_t r, chunks, first;
    chunk_kind kind;
    double slot[SG_WINDOW];
} chunk_job;

static void chunk_range(void *context, int64_t begin, int64_t end) {
    chunk_job *a = context;
    for (int64_t t = begin; t < end; t++) {
        int64_t task = a->first + t, row = task / a->chunks, chunk = task - row * a->chunks;
        int64_t start = chunk * SG_SUM_CHUNK, len = a->r - start < SG_SUM_CHUNK ? a->r - start : SG_SUM_CHUNK;
        const float *x = a->x + row * a->r + start;
        switch (a->kind) {
        case SG_SUM: a->slot[t] = contiguous_sum(x, len); break;
        case SG_SQUARES: a->slot[t] = contiguous_squares(x, len); break;
        case SG_NONFINITE: a->slot[t] = (double)contiguous_nonfinite(x, len); break;
        }
    }
}

/// Runs every chunk of `rows` rows of length r; `fold(context, row, chunk, value)` receives the
/// results in task order.
static void chunked(const float *x, int64_t rows, int64_t r, chunk_kind kind,
                    void (*fold)(void *, int64_t, int64_t, double), void *context) {
    int64_t chunks = r > SG_SUM_CHUNK ? (r + SG_SUM_CHUNK - 1) / SG_SUM_CHUNK : 1;
    int64_t per_task = r < SG_SUM_CHUNK ? (r > 0 ? r : 1) : SG_SUM_CHUNK;
    chunk_job window;  // 32 KB of slots
    chunk_job *job = &window;
    job->x = x; job->r = r; job->chunks = chunks; job->kind = kind;
    int64_t tasks = rows * chunks;
    for (int64_t first = 0; first < tasks; first += SG_WINDOW) {
        int64_t n = tasks - first < SG_WINDOW ? tasks - first : SG_WINDOW;
        job->first = first;
        sg_parallel_for(chunk_range, job, n, (SG_GRAIN + per_task - 1) / per_task);
        for (int64_t t = 0; t < n; t++) {
            int64_t task = first + t, row = task / chunks;
            fold(context, row, task - row * chunks, job->slot[t]);
        }
    }
}

static void fold_rows(void *context, int64_t row, int64_t chunk, double value) {
    float *y = context;
    y[row] = (chunk == 0 ? 0.0f : y[row]) + (float)value;
}

static void fold_total(void *context, int64_t row, int64_t chunk, double value) {
    (void)row; (void)chunk;
    *(double *)context += value;
}

typedef struct { const float *x; float *y; int64_t r, inner; } strided_sum_args;

// Strided sums (inner > 1): outputs [begin, end) of the flat [outer, inner] output, each
// summed over k in order.
SG_CLONES static void sum_strided_range(void *context, int64_t begin, int64_t end) {
    const strided_sum_args *a = context;
    int64_t inner = a->inner, r = a->r;
    for (int64_t t = begin; t < end;) {
        int64_t o = t / inner, i0 = t - o * inner;
        int64_t i1 = end - o * inner < inner ? end - o * inner : inner;
        float *dst = a->y + o * inner;
        const float *src = a->x + o * r * inner;
        for (int64_t i = i0; i < i1; i++) dst[i] = r > 0 ? src[i] : 0.0f;
        for (int64_t k = 1; k < r; k++) {
            const float *row = src + k * inner;
            for (int64_t i = i0; i < i1; i++) dst[i] += row[i];
        }
        t = o * inner + i1;
    }
}

void sg_reduce_sum(const float *x, float *y, int64_t outer, int64_t r, int64_t inner) {
    if (inner == 1) { chunked(x, outer, r, SG_SUM, fold_rows, y); return; }
    strided_sum_args a = {x, y, r, inner};
    sg_parallel_for(sum_strided_range, &a, outer * inner, (SG_GRAIN + r - 1) / (r > 0 ? r : 1));
}

double sg_sum_squares(const float *x, int64_t n) {
    double total = 0;
    chunked(x, 1, n, SG_SQUARES, fold_total, &total);
    return total;
}

int64_t sg_count_nonfinite(const float *x, int64_t n) {
    double total = 0;
    chunked(x, 1, n, SG_NONFINITE, fold_total, &total);
    return (int64_t)total;
}
