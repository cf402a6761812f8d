// The one place SwiftGAN calls oneDNN: GEMM and convolutions, with primitives created once per
// shape and cached. A newer oneDNN API, or another library, changes this target alone.
#ifndef SWIFTGAN_DNNL_H
#define SWIFTGAN_DNNL_H
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The geometry of a 2-D convolution from src [n, ic, ih, iw] to dst [n, oc, oh, ow] with
/// weights [oc, ic, kh, kw]. Dilation counts as in PyTorch (1 = none). Padding may differ on
/// the right/bottom (`pad_*_end`), which transposed convolutions with output padding need.
typedef struct {
    int64_t n, ic, ih, iw, oc, oh, ow, kh, kw;
    int64_t stride_h, stride_w, pad_h, pad_w, pad_h_end, pad_w_end, dilation_h, dilation_w;
} sg_conv_geometry;

/// 0 on success, else oneDNN's status code.
int sg_dnnl_sgemm(char transa, char transb, int64_t m, int64_t n, int64_t k, float alpha, const float *a,
                  int64_t lda, const float *b, int64_t ldb, float beta, float *c, int64_t ldc);

/// c[i] = op(a[i]) · op(b[i]) for i < batch, with a [batch, m, k] (stored [batch, k, m] when
/// transa), b [batch, k, n] (stored [batch, n, k] when transb) and c [batch, m, n], all packed.
/// One oneDNN matmul primitive per shape, cached; it splits the batch over oneDNN's threads.
int sg_dnnl_batched_matmul(int transa, int transb, int64_t batch, int64_t m, int64_t n, int64_t k, const float *a,
                           const float *b, float *c);

/// dst = conv(src, weights) + bias (bias may be NULL).
int sg_dnnl_conv_forward(const sg_conv_geometry *g, const float *src, const float *weights,
                         const float *bias, float *dst);
/// diff_src = the adjoint of the convolution applied to diff_dst (a transposed convolution).
int sg_dnnl_conv_backward_data(const sg_conv_geometry *g, const float *diff_dst, const float *weights,
                               float *diff_src);
/// diff_weights (and diff_bias unless NULL) from src and diff_dst.
int sg_dnnl_conv_backward_weights(const sg_conv_geometry *g, const float *src, const float *diff_dst,
                                  float *diff_weights, float *diff_bias);

#ifdef __cplusplus
}
#endif
#endif
