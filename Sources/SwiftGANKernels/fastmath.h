// Branch-free float math that the compiler can vectorize. Accuracy is within a few ulp of libm
// over the ranges GAN training meets; coefficients are the classic Cephes minimax polynomials.
#ifndef SWIFTGAN_FASTMATH_H
#define SWIFTGAN_FASTMATH_H
#include <stdint.h>
#include <string.h>
#include <math.h>

static inline float sg_bits_to_float(int32_t i) { float f; memcpy(&f, &i, 4); return f; }
static inline int32_t sg_float_to_bits(float f) { int32_t i; memcpy(&i, &f, 4); return i; }

static inline float sg_expf(float x) {
    float c = x < -87.0f ? -87.0f : (x > 88.5f ? 88.5f : x);
    float n = __builtin_floorf(c * 1.44269504088896341f + 0.5f);
    float r = c - n * 0.693359375f + n * 2.12194440e-4f;
    float r2 = r * r;
    float p = ((((1.9875691500e-4f * r + 1.3981999507e-3f) * r + 8.3334519073e-3f) * r
                + 4.1665795894e-2f) * r + 1.6666665459e-1f) * r + 5.0000001201e-1f;
    float e = p * r2 + r + 1.0f;
    float y = e * sg_bits_to_float(((int32_t)n + 127) << 23);
    y = x < -87.0f ? 0.0f : y;
    y = x > 88.5f ? INFINITY : y;
    return x != x ? x : y;
}

static inline float sg_logf(float x) {
    int32_t ix = sg_float_to_bits(x);
    float e = (float)(((ix >> 23) & 0xff) - 126);
    float m = sg_bits_to_float((ix & 0x007fffff) | 0x3f000000);  // [0.5, 1)
    int small = m < 0.707106781186547524f;
    e = small ? e - 1.0f : e;
    float f = small ? m + m - 1.0f : m - 1.0f;
    float z = f * f;
    float y = ((((((((7.0376836292e-2f * f - 1.1514610310e-1f) * f + 1.1676998740e-1f) * f
                    - 1.2420140846e-1f) * f + 1.4249322787e-1f) * f - 1.6668057665e-1f) * f
                 + 2.0000714765e-1f) * f - 2.4999993993e-1f) * f + 3.3333331174e-1f) * f * z;
    y += -2.12194440e-4f * e;
    y += -0.5f * z;
    float r = f + y + 0.693359375f * e;
    r = x == INFINITY ? INFINITY : r;
    r = x == 0.0f ? -INFINITY : r;
    r = (x < 0.0f || x != x) ? NAN : r;
    // Subnormals: fall back to the exact library call (rare, and never vectorized away wrongly).
    return (x > 0.0f && x < 1.17549435e-38f) ? logf(x) : r;
}

/// ln(1 + t) for t >= 0, accurate also where 1 + t rounds to 1.
static inline float sg_log1pf(float t) {
    float u = 1.0f + t;
    float d = u - 1.0f;
    return d == 0.0f ? t : sg_logf(u) * (t / d);
}

static inline float sg_tanhf(float x) {
    float ax = fabsf(x);
    float z = x * x;
    float small = ((((-5.70498872745e-3f * z + 2.06390887954e-2f) * z - 5.37397155531e-2f) * z
                    + 1.33314422036e-1f) * z - 3.33332819422e-1f) * z * x + x;
    float big = 1.0f - 2.0f / (sg_expf(2.0f * ax) + 1.0f);
    big = x < 0.0f ? -big : big;
    return ax < 0.625f ? small : big;
}

static inline float sg_sigmoidf(float x) { return 1.0f / (1.0f + sg_expf(-x)); }

static inline float sg_softplusf(float x) {
    float pos = x > 0.0f ? x : 0.0f;
    return pos + sg_log1pf(sg_expf(-fabsf(x)));
}
#endif
