// SwiftGAN's CPU kernels: elementwise math, strided copies, reductions, optimizer updates and a
// counter-based random generator. Each hot loop is compiled for several instruction sets
// (function multiversioning) and picks the best at run time, so no build flags are needed.
#ifndef SWIFTGAN_KERNELS_H
#define SWIFTGAN_KERNELS_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Unary elementwise ops; `a` and `b` are the op's scalar parameters where it has any.
typedef enum {
    SG_U_NEG = 0,      // -x
    SG_U_EXP,          // e^x
    SG_U_LOG,          // ln x
    SG_U_SQRT,         // sqrt x
    SG_U_TANH,         // tanh x
    SG_U_SIGMOID,      // 1 / (1 + e^-x)
    SG_U_RELU,         // max(x, 0)
    SG_U_ABS,          // |x|
    SG_U_SOFTPLUS,     // ln(1 + e^x), stable for any x
    SG_U_SIGN,         // -1, 0 or 1
    SG_U_LEAKY_RELU,   // x > 0 ? x : a * x
    SG_U_POW,          // x^a
    SG_U_CLAMP,        // min(max(x, a), b)
    SG_U_AFFINE,       // a * x + b
    SG_U_GT,           // x > a ? 1 : 0
    SG_U_IN_RANGE,     // a <= x <= b ? 1 : 0
    SG_U_LEAKY_SLOPE,  // x > 0 ? 1 : a   (the derivative of leaky ReLU)
    SG_U_RECIPROCAL,   // a / x
} sg_unary_op;

/// Binary elementwise ops.
typedef enum {
    SG_B_ADD = 0, SG_B_SUB, SG_B_MUL, SG_B_DIV, SG_B_MAX, SG_B_MIN, SG_B_GT, SG_B_GE, SG_B_EQ,
} sg_binary_op;

void sg_unary(int op, const float *x, float *y, int64_t n, float a, float b);

/// out[i...] = a[i...] op b[i...] over an `ndim`-dimensional index space (ndim <= 8) with element
/// strides for a and b (0 where broadcast); `out` is contiguous.
void sg_binary(int op, int ndim, const int64_t *shape, const float *a, const int64_t *astride,
               const float *b, const int64_t *bstride, float *out);

/// dst[i...] = src[i...] over an `ndim`-dimensional index space with element strides for both
/// (expand, permute, slice and its inverse are all this one loop).
void sg_copy_strided(int ndim, const int64_t *shape, const float *src, const int64_t *sstride,
                     float *dst, const int64_t *dstride);

/// y[o, i] = sum_k x[o, k, i] for x of shape [outer, r, inner], on the compute pool; bitwise the
/// same for every thread count (long rows are added in fixed chunks, in order).
void sg_reduce_sum(const float *x, float *y, int64_t outer, int64_t r, int64_t inner);

void sg_fill(float *x, int64_t n, float value);

/// Adam as in torch.optim.Adam (L2 weight decay added to the gradient, bias-corrected moments).
void sg_adam(float *p, const float *g, float *m, float *v, int64_t n, float lr, float beta1,
             float beta2, float eps, float weight_decay, int64_t step);
/// SGD as in torch.optim.SGD; `first` is 1 on the first step (buffer = gradient).
void sg_sgd(float *p, const float *g, float *buf, int64_t n, float lr, float momentum,
            float dampening, float weight_decay, int nesterov, int first);
/// RMSprop as in torch.optim.RMSprop (square average, optional momentum and centering).
void sg_rmsprop(float *p, const float *g, float *sq, float *buf, float *gavg, int64_t n, float lr,
                float alpha, float eps, float weight_decay, float momentum, int centered);

/// Counter-based random numbers (Philox-4x32-10): element i of a draw depends only on the key,
/// the draw's offset and i, so results never depend on threads or chunking. `offset` must be a
/// multiple of 4. Uniform in [low, high); normal by Box-Muller.
void sg_philox_uniform(uint64_t key, uint64_t offset, float *out, int64_t n, float low, float high);
void sg_philox_bits(uint64_t key, uint64_t offset, uint32_t *out, int64_t n);
void sg_philox_normal(uint64_t key, uint64_t offset, float *out, int64_t n, float mean, float std);

/// A sparse linear map with `k` terms per output, applied to each of `planes` planes of
/// `in_plane` inputs and `n_out` outputs: out[p n_out + i] = sum_j w[i k + j] * src[p in_plane + idx[i k + j]]
/// (w NULL means weights of 1; an index of -1 is skipped). With `shared` the one table [n_out, k]
/// serves every plane; otherwise each plane has its own ([planes, n_out, k], indices still
/// counted from the plane's start). Pooling, upsampling, embedding and max-pool gradients are
/// all such maps. Runs on the compute pool.
void sg_sparse_gather(const float *src, const int64_t *idx, const float *w, int64_t k, int64_t n_out, int64_t planes,
                      int64_t in_plane, int shared, float *out);
/// The transpose of that map: dst (zeroed by the caller) += w * g at the indexed places. Planes
/// run in parallel (they write disjoint parts of dst); one plane runs on the calling thread.
void sg_sparse_scatter(const float *g, const int64_t *idx, const float *w, int64_t k, int64_t n_out, int64_t planes,
                       int64_t in_plane, int shared, float *dst);

/// The flat index within its plane of the first maximum of each max-pooling window (-1 for a
/// window with no input), for x of `planes` planes [h, w] and outputs [oh, ow]; a NaN wins its
/// window, as in PyTorch. Planes run on the compute pool.
void sg_max_pool2d_indices(const float *x, int64_t planes, int64_t h, int64_t w, int64_t oh, int64_t ow, int64_t kh,
                           int64_t kw, int64_t sh, int64_t sw, int64_t ph, int64_t pw, int64_t dh, int64_t dw,
                           int64_t *idx);

/// y[o, i] = max_k x[o, k, i] for x of shape [outer, r, inner] (r > 0), on the compute pool.
void sg_reduce_max(const float *x, float *y, int64_t outer, int64_t r, int64_t inner);

/// Training-mode batch norm of x [n, c, hw]: y = (x - mean)·invstd·gamma + beta per channel
/// (gamma, beta may be NULL); writes the batch mean, 1/sqrt(var + eps) and the biased variance.
void sg_batch_norm_forward(const float *x, int64_t n, int64_t c, int64_t hw, const float *gamma, const float *beta,
                           float eps, float *y, float *mean, float *invstd, float *var);
/// Its gradient for the incoming gradient g: dx (may be NULL), dgamma and dbeta (may be NULL).
void sg_batch_norm_backward(const float *g, const float *x, int64_t n, int64_t c, int64_t hw, const float *mean,
                            const float *invstd, const float *gamma, float *dx, float *dgamma, float *dbeta);

/// Sum of squares in double precision (norms and diagnostics), added in fixed chunks: the same
/// value for every thread count.
double sg_sum_squares(const float *x, int64_t n);
/// Number of non-finite values.
int64_t sg_count_nonfinite(const float *x, int64_t n);

/// One contiguous range [begin, end) of a loop split by `sg_parallel_for`.
typedef void (*sg_range_body)(void *context, int64_t begin, int64_t end);

/// Runs body over [0, n) split into contiguous ranges across the OpenMP pool, using no more
/// threads than leave each at least `min_per_thread` elements. Kernels outside this target
/// (the convolution paths of SwiftGANDNNL) use it too, so every loop shares one pool.
void sg_parallel_for(sg_range_body body, void *context, int64_t n, int64_t min_per_thread);

/// The threads of the compute pool (OpenMP's maximum, 1 without it).
int64_t sg_compute_threads(void);
/// Sets the threads that later parallel work on the calling thread uses (as OMP_NUM_THREADS
/// does at start); returns the threads now in effect.
int64_t sg_set_compute_threads(int64_t n);

#ifdef __cplusplus
}
#endif
#endif
