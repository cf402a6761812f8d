// oneDNN 2.x C API (operation descriptors). Primitives are created once per (kind, geometry)
// and kept: creating one costs milliseconds, running a cached one microseconds of overhead.
// Convolutions run in the memory formats oneDNN picks for speed (blocked, nChw16c and the
// like); SwiftGAN's tensors stay plain NCHW, with reorders on the way in and out. A convolution
// whose kernel covers its whole input (a DCGAN's first or last layer) is a matrix product and
// runs as one GEMM.
//
// Every primitive uses a scratchpad that SwiftGAN provides (scratchpad mode "user"). With the
// library's default mode, as Debian builds oneDNN (DNNL_ENABLE_CONCURRENT_EXEC off), a
// primitive's scratchpad belongs to the thread that created it, and running the primitive on
// another thread (a cached primitive used by a second training loop, a server worker, parallel
// tests) writes through a missing scratchpad: a crash at a small address inside JIT code.
#include "SwiftGANDNNL.h"
#include "SwiftGANKernels.h"
#include <oneapi/dnnl/dnnl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

enum { KIND_FORWARD = 1, KIND_FORWARD_BIAS, KIND_BACKWARD_DATA, KIND_BACKWARD_WEIGHTS, KIND_BACKWARD_WEIGHTS_BIAS };
enum { MAX_ARGS = 4 };

/// One argument of a cached primitive: the plain memory the caller's buffer is bound to and,
/// when the primitive wants another layout, its own buffer and the reorder between the two.
typedef struct {
    int arg;
    int is_output;
    dnnl_memory_t plain;
    dnnl_memory_t internal;      // NULL when the primitive takes the plain layout
    dnnl_primitive_t reorder;    // plain -> internal for inputs, internal -> plain for outputs
    dnnl_memory_t reorder_scratch;  // the reorder's scratchpad, NULL when it needs none
    void *buffer;
} cached_arg;

typedef struct {
    int kind;
    sg_conv_geometry geometry;
    dnnl_primitive_t primitive;
    dnnl_memory_t scratch;       // the primitive's scratchpad, NULL when it needs none
    int nargs;
    cached_arg args[MAX_ARGS];
} cache_entry;

static dnnl_engine_t engine;
static dnnl_stream_t stream;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static cache_entry **entries;
static int64_t entry_count, entry_capacity;
static dnnl_primitive_attr_t user_scratchpad;
// One scratchpad serves every primitive: executions are serialized by `lock`. It grows to the
// largest size a primitive asks for.
static void *scratch_buffer;
static size_t scratch_bytes;

static void init_engine(void) {
    dnnl_engine_create(&engine, dnnl_cpu, 0);
    dnnl_stream_create(&stream, engine, dnnl_stream_default_flags);
    dnnl_primitive_attr_create(&user_scratchpad);
    dnnl_primitive_attr_set_scratchpad_mode(user_scratchpad, dnnl_scratchpad_mode_user);
}

/// A memory object for `pd`'s scratchpad (NULL when it needs none), growing the shared buffer
/// to fit it. Called with `lock` held.
static dnnl_status_t scratchpad_for(const_dnnl_primitive_desc_t pd, dnnl_memory_t *memory) {
    *memory = NULL;
    const dnnl_memory_desc_t *md = dnnl_primitive_desc_query_md(pd, dnnl_query_scratchpad_md, 0);
    size_t bytes = md ? dnnl_memory_desc_get_size(md) : 0;
    if (bytes == 0) return dnnl_success;
    if (bytes > scratch_bytes) {
        void *grown = NULL;
        if (posix_memalign(&grown, 64, bytes) != 0) return dnnl_out_of_memory;
        free(scratch_buffer);
        scratch_buffer = grown;
        scratch_bytes = bytes;
    }
    return dnnl_memory_create(memory, md, engine, DNNL_MEMORY_NONE);
}

/// Executes `p` with `args` plus its scratchpad `scratch` (when it has one).
static dnnl_status_t execute(dnnl_primitive_t p, dnnl_memory_t scratch, int nargs, const dnnl_exec_arg_t *args) {
    dnnl_exec_arg_t all[MAX_ARGS + 1];
    for (int i = 0; i < nargs; i++) all[i] = args[i];
    if (scratch) {
        dnnl_status_t s = dnnl_memory_set_data_handle(scratch, scratch_buffer);
        if (s != dnnl_success) return s;
        all[nargs].arg = DNNL_ARG_SCRATCHPAD;
        all[nargs].memory = scratch;
        nargs++;
    }
    return dnnl_primitive_execute(p, stream, nargs, all);
}

int sg_dnnl_sgemm(char transa, char transb, int64_t m, int64_t n, int64_t k, float alpha, const float *a,
                  int64_t lda, const float *b, int64_t ldb, float beta, float *c, int64_t ldc) {
    return (int)dnnl_sgemm(transa, transb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

static void md4(dnnl_memory_desc_t *md, int64_t a, int64_t b, int64_t c, int64_t d, dnnl_format_tag_t tag) {
    dnnl_dims_t dims = {a, b, c, d};
    dnnl_memory_desc_init_by_tag(md, 4, dims, dnnl_f32, tag);
}

/// Binds argument `arg` of a new entry: the plain layout the caller uses and, if `wanted`
/// differs, an internal buffer with a reorder.
static dnnl_status_t bind_arg(cache_entry *e, int arg, int is_output, const dnnl_memory_desc_t *plain,
                              const dnnl_memory_desc_t *wanted) {
    cached_arg *a = &e->args[e->nargs++];
    a->arg = arg;
    a->is_output = is_output;
    dnnl_status_t s = dnnl_memory_create(&a->plain, plain, engine, DNNL_MEMORY_NONE);
    if (s != dnnl_success || dnnl_memory_desc_equal(plain, wanted)) return s;
    size_t bytes = dnnl_memory_desc_get_size(wanted);
    if (posix_memalign(&a->buffer, 64, bytes ? bytes : 64) != 0) return dnnl_out_of_memory;
    s = dnnl_memory_create(&a->internal, wanted, engine, a->buffer);
    if (s != dnnl_success) return s;
    dnnl_primitive_desc_t rpd;
    s = is_output ? dnnl_reorder_primitive_desc_create(&rpd, wanted, engine, plain, engine, user_scratchpad)
                  : dnnl_reorder_primitive_desc_create(&rpd, plain, engine, wanted, engine, user_scratchpad);
    if (s != dnnl_success) return s;
    s = scratchpad_for(rpd, &a->reorder_scratch);
    if (s == dnnl_success) s = dnnl_primitive_create(&a->reorder, rpd);
    dnnl_primitive_desc_destroy(rpd);
    return s;
}

static cache_entry *lookup(int kind, const sg_conv_geometry *g) {
    for (int64_t i = 0; i < entry_count; i++)
        if (entries[i]->kind == kind && memcmp(&entries[i]->geometry, g, sizeof(*g)) == 0) return entries[i];
    return NULL;
}

/// Creates the primitive for (kind, geometry) and binds its arguments.
static dnnl_status_t create_entry(cache_entry *e) {
    const sg_conv_geometry *g = &e->geometry;
    dnnl_memory_desc_t src, weights, dst, bias, src_any, weights_any, dst_any;
    md4(&src, g->n, g->ic, g->ih, g->iw, dnnl_nchw);
    md4(&weights, g->oc, g->ic, g->kh, g->kw, dnnl_oihw);
    md4(&dst, g->n, g->oc, g->oh, g->ow, dnnl_nchw);
    md4(&src_any, g->n, g->ic, g->ih, g->iw, dnnl_format_tag_any);
    md4(&weights_any, g->oc, g->ic, g->kh, g->kw, dnnl_format_tag_any);
    md4(&dst_any, g->n, g->oc, g->oh, g->ow, dnnl_format_tag_any);
    dnnl_dims_t bias_dims = {g->oc};
    dnnl_memory_desc_init_by_tag(&bias, 1, bias_dims, dnnl_f32, dnnl_a);
    dnnl_dims_t strides = {g->stride_h, g->stride_w};
    dnnl_dims_t dilates = {g->dilation_h - 1, g->dilation_w - 1};
    dnnl_dims_t pad_l = {g->pad_h, g->pad_w}, pad_r = {g->pad_h_end, g->pad_w_end};
    int with_bias = e->kind == KIND_FORWARD_BIAS || e->kind == KIND_BACKWARD_WEIGHTS_BIAS;

    dnnl_convolution_desc_t forward_desc, desc;
    dnnl_primitive_desc_t hint = NULL, pd = NULL;
    dnnl_status_t s = dnnl_dilated_convolution_forward_desc_init(
        &forward_desc, dnnl_forward_training, dnnl_convolution_direct, &src_any, &weights_any,
        with_bias ? &bias : NULL, &dst_any, strides, dilates, pad_l, pad_r);
    if (s == dnnl_success && (e->kind == KIND_FORWARD || e->kind == KIND_FORWARD_BIAS)) {
        s = dnnl_primitive_desc_create(&pd, &forward_desc, user_scratchpad, engine, NULL);
    } else if (s == dnnl_success) {
        s = dnnl_primitive_desc_create(&hint, &forward_desc, NULL, engine, NULL);
        if (s == dnnl_success && e->kind == KIND_BACKWARD_DATA)
            s = dnnl_dilated_convolution_backward_data_desc_init(&desc, dnnl_convolution_direct, &src_any, &weights_any,
                                                                 &dst_any, strides, dilates, pad_l, pad_r);
        else if (s == dnnl_success)
            s = dnnl_dilated_convolution_backward_weights_desc_init(&desc, dnnl_convolution_direct, &src_any, &weights_any,
                                                                    with_bias ? &bias : NULL, &dst_any,
                                                                    strides, dilates, pad_l, pad_r);
        if (s == dnnl_success) s = dnnl_primitive_desc_create(&pd, &desc, user_scratchpad, engine, hint);
    }
    if (s == dnnl_success) s = scratchpad_for(pd, &e->scratch);
    if (s == dnnl_success) s = dnnl_primitive_create(&e->primitive, pd);
    if (s == dnnl_success) {
        const dnnl_memory_desc_t *(*q)(const_dnnl_primitive_desc_t, dnnl_query_t, int) = dnnl_primitive_desc_query_md;
        switch (e->kind) {
        case KIND_FORWARD_BIAS: s = bind_arg(e, DNNL_ARG_BIAS, 0, &bias, &bias); /* fall through */
        case KIND_FORWARD:
            if (s == dnnl_success) s = bind_arg(e, DNNL_ARG_SRC, 0, &src, q(pd, dnnl_query_src_md, 0));
            if (s == dnnl_success) s = bind_arg(e, DNNL_ARG_WEIGHTS, 0, &weights, q(pd, dnnl_query_weights_md, 0));
            if (s == dnnl_success) s = bind_arg(e, DNNL_ARG_DST, 1, &dst, q(pd, dnnl_query_dst_md, 0));
            break;
        case KIND_BACKWARD_DATA:
            s = bind_arg(e, DNNL_ARG_DIFF_DST, 0, &dst, q(pd, dnnl_query_diff_dst_md, 0));
            if (s == dnnl_success) s = bind_arg(e, DNNL_ARG_WEIGHTS, 0, &weights, q(pd, dnnl_query_weights_md, 0));
            if (s == dnnl_success) s = bind_arg(e, DNNL_ARG_DIFF_SRC, 1, &src, q(pd, dnnl_query_diff_src_md, 0));
            break;
        case KIND_BACKWARD_WEIGHTS_BIAS: s = bind_arg(e, DNNL_ARG_DIFF_BIAS, 1, &bias, &bias); /* fall through */
        default:
            if (s == dnnl_success) s = bind_arg(e, DNNL_ARG_SRC, 0, &src, q(pd, dnnl_query_src_md, 0));
            if (s == dnnl_success) s = bind_arg(e, DNNL_ARG_DIFF_DST, 0, &dst, q(pd, dnnl_query_diff_dst_md, 0));
            if (s == dnnl_success) s = bind_arg(e, DNNL_ARG_DIFF_WEIGHTS, 1, &weights, q(pd, dnnl_query_diff_weights_md, 0));
            break;
        }
    }
    if (hint) dnnl_primitive_desc_destroy(hint);
    if (pd) dnnl_primitive_desc_destroy(pd);
    return s;
}

/// Finds or creates the cached primitive; NULL with *status set on failure.
static cache_entry *primitive_for(int kind, const sg_conv_geometry *g, dnnl_status_t *status) {
    pthread_once(&once, init_engine);
    pthread_mutex_lock(&lock);
    cache_entry *e = lookup(kind, g);
    if (!e) {
        e = calloc(1, sizeof(cache_entry));
        e->kind = kind;
        e->geometry = *g;
        *status = create_entry(e);
        if (*status != dnnl_success) {
            free(e);  // (a failed entry's partial oneDNN objects are few and leaked on purpose)
            pthread_mutex_unlock(&lock);
            return NULL;
        }
        if (entry_count == entry_capacity) {
            entry_capacity = entry_capacity ? 2 * entry_capacity : 32;
            entries = realloc(entries, (size_t)entry_capacity * sizeof(cache_entry *));
        }
        entries[entry_count++] = e;
    }
    pthread_mutex_unlock(&lock);
    return e;
}

/// Runs a cached primitive on the caller's buffers, in the order its arguments were bound.
/// Executions are serialized: entries are shared and their memory objects rebound per call.
static int run(cache_entry *e, void *const *buffers) {
    pthread_mutex_lock(&lock);
    dnnl_exec_arg_t args[MAX_ARGS];
    dnnl_status_t s = dnnl_success;
    for (int i = 0; i < e->nargs && s == dnnl_success; i++) {
        cached_arg *a = &e->args[i];
        s = dnnl_memory_set_data_handle(a->plain, buffers[i]);
        args[i].arg = a->arg;
        args[i].memory = a->internal ? a->internal : a->plain;
        if (s == dnnl_success && a->internal && !a->is_output) {
            dnnl_exec_arg_t r[2] = {{DNNL_ARG_FROM, a->plain}, {DNNL_ARG_TO, a->internal}};
            s = execute(a->reorder, a->reorder_scratch, 2, r);
        }
    }
    if (s == dnnl_success) s = execute(e->primitive, e->scratch, e->nargs, args);
    for (int i = 0; i < e->nargs && s == dnnl_success; i++) {
        cached_arg *a = &e->args[i];
        if (a->internal && a->is_output) {
            dnnl_exec_arg_t r[2] = {{DNNL_ARG_FROM, a->internal}, {DNNL_ARG_TO, a->plain}};
            s = execute(a->reorder, a->reorder_scratch, 2, r);
        }
    }
    if (s == dnnl_success) s = dnnl_stream_wait(stream);
    pthread_mutex_unlock(&lock);
    return (int)s;
}

/// Whether the kernel covers the whole (unpadded) input, so the convolution is a matrix product
/// of the flattened input [n, ic·kh·kw] with the flattened weights [oc, ic·kh·kw].
static int is_full_kernel(const sg_conv_geometry *g) {
    return g->oh == 1 && g->ow == 1 && g->kh == g->ih && g->kw == g->iw && g->pad_h == 0 && g->pad_w == 0
        && g->pad_h_end == 0 && g->pad_w_end == 0 && g->dilation_h == 1 && g->dilation_w == 1;
}

int sg_dnnl_conv_forward(const sg_conv_geometry *g, const float *src, const float *weights,
                         const float *bias, float *dst) {
    if (is_full_kernel(g)) {
        int64_t k = g->ic * g->kh * g->kw;
        if (bias)
            for (int64_t i = 0; i < g->n; i++) memcpy(dst + i * g->oc, bias, (size_t)g->oc * sizeof(float));
        return (int)dnnl_sgemm('N', 'T', g->n, g->oc, k, 1.0f, src, k, weights, k, bias ? 1.0f : 0.0f, dst, g->oc);
    }
    dnnl_status_t status;
    cache_entry *e = primitive_for(bias ? KIND_FORWARD_BIAS : KIND_FORWARD, g, &status);
    if (!e) return (int)status;
    if (bias) {
        void *buffers[4] = {(void *)bias, (void *)src, (void *)weights, dst};
        return run(e, buffers);
    }
    void *buffers[3] = {(void *)src, (void *)weights, dst};
    return run(e, buffers);
}

/// Whether the input has so few channels (an image's 1 or 3) that the gradient for it is better
/// computed as a GEMM and a scatter than by oneDNN's backward-data kernel, which vectorizes over
/// input channels: for a DCGAN's 1-channel image layers it ran at ~11 GFLOP/s against ~160 for
/// the other layers (4.3 ms against 1.1 for 64 images of 28×28 from 128 channels, 1 thread).
static int is_small_input(const sg_conv_geometry *g) {
    return g->ic <= 4 && g->ic * g->kh * g->kw <= 64;
}

typedef struct {
    const sg_conv_geometry *g;
    const float *diff_dst, *weights;
    float *diff_src;
    int failed;
} small_input_job;

/// Samples [begin, end) of `small_input_backward_data`: for each, the columns
/// cols [oh·ow, ic·kh·kw] = diff_dst[i]ᵀ [oh·ow, oc] · weights [oc, ic·kh·kw] (one GEMM, single
/// threaded inside the pool's range), then each column added back to the input position its tap
/// came from (col2im). Inside the pool the GEMM runs on its thread alone; a single sample (or a
/// pool of one) runs outside it, where oneDNN may split the GEMM, so a sample's last bits can
/// differ between batch 1 and larger batches.
static void small_input_range(void *context, int64_t begin, int64_t end) {
    small_input_job *job = context;
    const sg_conv_geometry *g = job->g;
    int64_t positions = g->oh * g->ow, taps = g->ic * g->kh * g->kw, plane = g->ih * g->iw;
    float *cols = malloc((size_t)(positions * taps > 0 ? positions * taps : 1) * sizeof(float));
    if (!cols) { __atomic_store_n(&job->failed, (int)dnnl_out_of_memory, __ATOMIC_RELAXED); return; }
    for (int64_t i = begin; i < end; i++) {
        dnnl_status_t s = dnnl_sgemm('T', 'N', positions, taps, g->oc, 1.0f, job->diff_dst + i * g->oc * positions,
                                     positions, job->weights, taps, 0.0f, cols, taps);
        if (s != dnnl_success) { __atomic_store_n(&job->failed, (int)s, __ATOMIC_RELAXED); break; }
        float *dx = job->diff_src + i * g->ic * plane;
        memset(dx, 0, (size_t)(g->ic * plane) * sizeof(float));
        for (int64_t oy = 0; oy < g->oh; oy++)
            for (int64_t ox = 0; ox < g->ow; ox++) {
                const float *col = cols + (oy * g->ow + ox) * taps;
                for (int64_t c = 0; c < g->ic; c++)
                    for (int64_t ky = 0; ky < g->kh; ky++) {
                        int64_t y = oy * g->stride_h - g->pad_h + ky * g->dilation_h;
                        if (y < 0 || y >= g->ih) continue;
                        const float *tap = col + (c * g->kh + ky) * g->kw;
                        float *row = dx + c * plane + y * g->iw;
                        for (int64_t kx = 0; kx < g->kw; kx++) {
                            int64_t x = ox * g->stride_w - g->pad_w + kx * g->dilation_w;
                            if (x >= 0 && x < g->iw) row[x] += tap[kx];
                        }
                    }
            }
    }
    free(cols);
}

/// The input gradient of a convolution with few input channels, split by samples over the pool.
static int small_input_backward_data(const sg_conv_geometry *g, const float *diff_dst, const float *weights,
                                     float *diff_src) {
    small_input_job job = {g, diff_dst, weights, diff_src, 0};
    sg_parallel_for(small_input_range, &job, g->n, 1);
    return job.failed;
}

int sg_dnnl_conv_backward_data(const sg_conv_geometry *g, const float *diff_dst, const float *weights,
                               float *diff_src) {
    if (is_small_input(g) && !is_full_kernel(g)) return small_input_backward_data(g, diff_dst, weights, diff_src);
    if (is_full_kernel(g)) {
        int64_t k = g->ic * g->kh * g->kw;
        return (int)dnnl_sgemm('N', 'N', g->n, k, g->oc, 1.0f, diff_dst, g->oc, weights, k, 0.0f, diff_src, k);
    }
    dnnl_status_t status;
    cache_entry *e = primitive_for(KIND_BACKWARD_DATA, g, &status);
    if (!e) return (int)status;
    void *buffers[3] = {(void *)diff_dst, (void *)weights, diff_src};
    return run(e, buffers);
}

int sg_dnnl_conv_backward_weights(const sg_conv_geometry *g, const float *src, const float *diff_dst,
                                  float *diff_weights, float *diff_bias) {
    if (is_full_kernel(g)) {
        int64_t k = g->ic * g->kh * g->kw;
        if (diff_bias)
            for (int64_t o = 0; o < g->oc; o++) {
                float s = 0.0f;
                for (int64_t i = 0; i < g->n; i++) s += diff_dst[i * g->oc + o];
                diff_bias[o] = s;
            }
        return (int)dnnl_sgemm('T', 'N', g->oc, k, g->n, 1.0f, diff_dst, g->oc, src, k, 0.0f, diff_weights, k);
    }
    dnnl_status_t status;
    cache_entry *e = primitive_for(diff_bias ? KIND_BACKWARD_WEIGHTS_BIAS : KIND_BACKWARD_WEIGHTS, g, &status);
    if (!e) return (int)status;
    if (diff_bias) {
        void *buffers[4] = {diff_bias, (void *)src, (void *)diff_dst, diff_weights};
        return run(e, buffers);
    }
    void *buffers[3] = {(void *)src, (void *)diff_dst, diff_weights};
    return run(e, buffers);
}

// ---------------------------------------------------------------------------- batched matmul

/// A cached matmul primitive for one (batch, m, n, k, transposes): its memory objects are bound
/// to the caller's buffers on each run, under `lock` like the convolutions.
typedef struct {
    int64_t batch, m, n, k;
    int transa, transb;
    dnnl_primitive_t primitive;
    dnnl_memory_t scratch, src, weights, dst;
} matmul_entry;

static matmul_entry **matmuls;
static int64_t matmul_count, matmul_capacity;

/// Creates the primitive for `e`'s shape: the transposes are strides of plain memory, so
/// nothing is copied.
static dnnl_status_t create_matmul(matmul_entry *e) {
    dnnl_memory_desc_t src, weights, dst;
    dnnl_dims_t src_dims = {e->batch, e->m, e->k}, weights_dims = {e->batch, e->k, e->n}, dst_dims = {e->batch, e->m, e->n};
    dnnl_dims_t src_strides = {e->m * e->k, e->transa ? 1 : e->k, e->transa ? e->m : 1};
    dnnl_dims_t weights_strides = {e->k * e->n, e->transb ? 1 : e->n, e->transb ? e->k : 1};
    dnnl_dims_t dst_strides = {e->m * e->n, e->n, 1};
    dnnl_status_t s = dnnl_memory_desc_init_by_strides(&src, 3, src_dims, dnnl_f32, src_strides);
    if (s == dnnl_success) s = dnnl_memory_desc_init_by_strides(&weights, 3, weights_dims, dnnl_f32, weights_strides);
    if (s == dnnl_success) s = dnnl_memory_desc_init_by_strides(&dst, 3, dst_dims, dnnl_f32, dst_strides);
    dnnl_matmul_desc_t desc;
    if (s == dnnl_success) s = dnnl_matmul_desc_init(&desc, &src, &weights, NULL, &dst);
    dnnl_primitive_desc_t pd = NULL;
    if (s == dnnl_success) s = dnnl_primitive_desc_create(&pd, &desc, user_scratchpad, engine, NULL);
    if (s == dnnl_success) s = scratchpad_for(pd, &e->scratch);
    if (s == dnnl_success) s = dnnl_primitive_create(&e->primitive, pd);
    if (s == dnnl_success) s = dnnl_memory_create(&e->src, &src, engine, DNNL_MEMORY_NONE);
    if (s == dnnl_success) s = dnnl_memory_create(&e->weights, &weights, engine, DNNL_MEMORY_NONE);
    if (s == dnnl_success) s = dnnl_memory_create(&e->dst, &dst, engine, DNNL_MEMORY_NONE);
    if (pd) dnnl_primitive_desc_destroy(pd);
    return s;
}

int sg_dnnl_batched_matmul(int transa, int transb, int64_t batch, int64_t m, int64_t n, int64_t k, const float *a,
                           const float *b, float *c) {
    pthread_once(&once, init_engine);
    pthread_mutex_lock(&lock);
    matmul_entry *e = NULL;
    for (int64_t i = 0; i < matmul_count && !e; i++) {
        matmul_entry *x = matmuls[i];
        if (x->batch == batch && x->m == m && x->n == n && x->k == k && x->transa == !!transa && x->transb == !!transb) e = x;
    }
    dnnl_status_t s = dnnl_success;
    if (!e) {
        e = calloc(1, sizeof(matmul_entry));
        *e = (matmul_entry){.batch = batch, .m = m, .n = n, .k = k, .transa = !!transa, .transb = !!transb};
        s = create_matmul(e);
        if (s != dnnl_success) {
            free(e);  // (as for convolutions, a failed entry's partial objects are leaked on purpose)
            pthread_mutex_unlock(&lock);
            return (int)s;
        }
        if (matmul_count == matmul_capacity) {
            matmul_capacity = matmul_capacity ? 2 * matmul_capacity : 16;
            matmuls = realloc(matmuls, (size_t)matmul_capacity * sizeof(matmul_entry *));
        }
        matmuls[matmul_count++] = e;
    }
    s = dnnl_memory_set_data_handle(e->src, (void *)a);
    if (s == dnnl_success) s = dnnl_memory_set_data_handle(e->weights, (void *)b);
    if (s == dnnl_success) s = dnnl_memory_set_data_handle(e->dst, c);
    dnnl_exec_arg_t args[3] = {{DNNL_ARG_SRC, e->src}, {DNNL_ARG_WEIGHTS, e->weights}, {DNNL_ARG_DST, e->dst}};
    if (s == dnnl_success) s = execute(e->primitive, e->scratch, 3, args);
    if (s == dnnl_success) s = dnnl_stream_wait(stream);
    pthread_mutex_unlock(&lock);
    return (int)s;
}
