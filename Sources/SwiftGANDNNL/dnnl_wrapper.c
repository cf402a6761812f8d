// oneDNN 2.x C API (operation descriptors). Primitives are created once per (kind, geometry)
// and kept: creating one costs milliseconds, running a cached one microseconds of overhead.
#include "SwiftGANDNNL.h"
#include <oneapi/dnnl/dnnl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

enum { KIND_FORWARD = 1, KIND_FORWARD_BIAS, KIND_BACKWARD_DATA, KIND_BACKWARD_WEIGHTS, KIND_BACKWARD_WEIGHTS_BIAS };

typedef struct {
    int kind;
    sg_conv_geometry geometry;
    dnnl_primitive_t primitive;
    int nargs;
    dnnl_exec_arg_t args[4];
} cache_entry;

static dnnl_engine_t engine;
static dnnl_stream_t stream;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static cache_entry *entries;
static int64_t entry_count, entry_capacity;

static void init_engine(void) {
    dnnl_engine_create(&engine, dnnl_cpu, 0);
    dnnl_stream_create(&stream, engine, dnnl_stream_default_flags);
}

int sg_dnnl_sgemm(char transa, char transb, int64_t m, int64_t n, int64_t k, float alpha, const float *a,
                  int64_t lda, const float *b, int64_t ldb, float beta, float *c, int64_t ldc) {
    return (int)dnnl_sgemm(transa, transb, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

int64_t sg_dnnl_cached_primitives(void) { return entry_count; }

static void plain_md(dnnl_memory_desc_t *md, int64_t a, int64_t b, int64_t c, int64_t d) {
    dnnl_dims_t dims = {a, b, c, d};
    dnnl_memory_desc_init_by_tag(md, 4, dims, dnnl_f32, dnnl_abcd);
}

static cache_entry *lookup(int kind, const sg_conv_geometry *g) {
    for (int64_t i = 0; i < entry_count; i++)
        if (entries[i].kind == kind && memcmp(&entries[i].geometry, g, sizeof(*g)) == 0) return &entries[i];
    return NULL;
}

/// Finds or creates the primitive for (kind, geometry); NULL with *status set on failure.
static cache_entry *primitive_for(int kind, const sg_conv_geometry *g, dnnl_status_t *status) {
    pthread_once(&once, init_engine);
    pthread_mutex_lock(&lock);
    cache_entry *e = lookup(kind, g);
    if (e) { pthread_mutex_unlock(&lock); return e; }

    dnnl_memory_desc_t src, weights, dst, bias;
    plain_md(&src, g->n, g->ic, g->ih, g->iw);
    plain_md(&weights, g->oc, g->ic, g->kh, g->kw);
    plain_md(&dst, g->n, g->oc, g->oh, g->ow);
    dnnl_dims_t bias_dims = {g->oc};
    dnnl_memory_desc_init_by_tag(&bias, 1, bias_dims, dnnl_f32, dnnl_a);
    dnnl_dims_t strides = {g->stride_h, g->stride_w};
    dnnl_dims_t dilates = {g->dilation_h - 1, g->dilation_w - 1};
    dnnl_dims_t pad_l = {g->pad_h, g->pad_w}, pad_r = {g->pad_h_end, g->pad_w_end};

    dnnl_convolution_desc_t forward_desc, desc;
    dnnl_primitive_desc_t hint = NULL, pd = NULL;
    int with_bias = kind == KIND_FORWARD_BIAS || kind == KIND_BACKWARD_WEIGHTS_BIAS;
    *status = dnnl_dilated_convolution_forward_desc_init(&forward_desc, dnnl_forward_training, dnnl_convolution_direct,
                                                         &src, &weights, with_bias ? &bias : NULL, &dst,
                                                         strides, dilates, pad_l, pad_r);
    if (*status == dnnl_success && (kind == KIND_FORWARD || kind == KIND_FORWARD_BIAS)) {
        *status = dnnl_primitive_desc_create(&pd, &forward_desc, NULL, engine, NULL);
    } else if (*status == dnnl_success) {
        *status = dnnl_primitive_desc_create(&hint, &forward_desc, NULL, engine, NULL);
        if (*status == dnnl_success && kind == KIND_BACKWARD_DATA)
            *status = dnnl_dilated_convolution_backward_data_desc_init(&desc, dnnl_convolution_direct, &src, &weights, &dst,
                                                                       strides, dilates, pad_l, pad_r);
        else if (*status == dnnl_success)
            *status = dnnl_dilated_convolution_backward_weights_desc_init(&desc, dnnl_convolution_direct, &src, &weights,
                                                                          with_bias ? &bias : NULL, &dst,
                                                                          strides, dilates, pad_l, pad_r);
        if (*status == dnnl_success) *status = dnnl_primitive_desc_create(&pd, &desc, NULL, engine, hint);
    }
    dnnl_primitive_t primitive = NULL;
    if (*status == dnnl_success) *status = dnnl_primitive_create(&primitive, pd);
    if (hint) dnnl_primitive_desc_destroy(hint);
    if (pd) dnnl_primitive_desc_destroy(pd);
    if (*status != dnnl_success) { pthread_mutex_unlock(&lock); return NULL; }

    if (entry_count == entry_capacity) {
        entry_capacity = entry_capacity ? 2 * entry_capacity : 32;
        entries = realloc(entries, (size_t)entry_capacity * sizeof(cache_entry));
    }
    e = &entries[entry_count++];
    memset(e, 0, sizeof(*e));
    e->kind = kind;
    e->geometry = *g;
    e->primitive = primitive;
    const dnnl_memory_desc_t *mds[4];
    int ids[4], n = 0;
    switch (kind) {
    case KIND_FORWARD_BIAS: mds[n] = &bias; ids[n++] = DNNL_ARG_BIAS; /* fall through */
    case KIND_FORWARD:
        mds[n] = &src; ids[n++] = DNNL_ARG_SRC; mds[n] = &weights; ids[n++] = DNNL_ARG_WEIGHTS;
        mds[n] = &dst; ids[n++] = DNNL_ARG_DST; break;
    case KIND_BACKWARD_DATA:
        mds[n] = &dst; ids[n++] = DNNL_ARG_DIFF_DST; mds[n] = &weights; ids[n++] = DNNL_ARG_WEIGHTS;
        mds[n] = &src; ids[n++] = DNNL_ARG_DIFF_SRC; break;
    case KIND_BACKWARD_WEIGHTS_BIAS: mds[n] = &bias; ids[n++] = DNNL_ARG_DIFF_BIAS; /* fall through */
    default:
        mds[n] = &src; ids[n++] = DNNL_ARG_SRC; mds[n] = &dst; ids[n++] = DNNL_ARG_DIFF_DST;
        mds[n] = &weights; ids[n++] = DNNL_ARG_DIFF_WEIGHTS; break;
    }
    e->nargs = n;
    for (int i = 0; i < n; i++) {
        e->args[i].arg = ids[i];
        dnnl_memory_create(&e->args[i].memory, mds[i], engine, DNNL_MEMORY_NONE);
    }
    pthread_mutex_unlock(&lock);
    return e;
}

/// Runs a cached primitive on the given buffers (in the order its arguments were registered).
static int run(cache_entry *e, void *const *buffers) {
    // Entries are shared; executions are serialized so two threads never swap each other's
    // data handles mid-call.
    pthread_mutex_lock(&lock);
    for (int i = 0; i < e->nargs; i++) dnnl_memory_set_data_handle(e->args[i].memory, buffers[i]);
    dnnl_status_t status = dnnl_primitive_execute(e->primitive, stream, e->nargs, e->args);
    if (status == dnnl_success) status = dnnl_stream_wait(stream);
    pthread_mutex_unlock(&lock);
    return (int)status;
}

int sg_dnnl_conv_forward(const sg_conv_geometry *g, const float *src, const float *weights,
                         const float *bias, float *dst) {
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

int sg_dnnl_conv_backward_data(const sg_conv_geometry *g, const float *diff_dst, const float *weights,
                               float *diff_src) {
    dnnl_status_t status;
    cache_entry *e = primitive_for(KIND_BACKWARD_DATA, g, &status);
    if (!e) return (int)status;
    void *buffers[3] = {(void *)diff_dst, (void *)weights, diff_src};
    return run(e, buffers);
}

int sg_dnnl_conv_backward_weights(const sg_conv_geometry *g, const float *src, const float *diff_dst,
                                  float *diff_weights, float *diff_bias) {
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
