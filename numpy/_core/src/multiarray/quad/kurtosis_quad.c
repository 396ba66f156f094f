/*
 * ndarray.kurtosis of np.quad data, computed in quad: the two passes of
 * kurtosis.c.src (sum, min and max; then the power sums of the shifted and
 * scaled data) with npy_quad arithmetic, so that the result has quad's
 * precision and range.  The double and long double loops round quad data
 * to their own type; these never do.
 *
 * Sums along the iterator's inner axis are pairwise, as np.sum's: the
 * rounding error grows as O(log n) ulps of the sum.
 *
 * The patch that joins kurtosis and np.quad builds this file and calls
 * kurtosis_register_quad at import; each feature builds without the other.
 */
#define NPY_NO_DEPRECATED_API NPY_API_VERSION
#define _MULTIARRAYMODULE

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "numpy/arrayobject.h"
#include "numpy/npy_quad.h"

#include "kurtosis.h"
#include "kurtosis_loops.h"
#include "quadtype.h"

/* Values summed one after the other at the leaves of the pairwise sums. */
#define PAIRWISE_LEAF 64

static inline npy_quad
quad_at(const char *base, npy_intp i, npy_intp stride)
{
    return npy_quad_load(base + i * stride);
}

/* (x*factor + offset)**k for k = 1..4 summed into sums[0..3], pairwise */
static void
power_sums(const char *x, npy_intp n, npy_intp stride, npy_quad factor,
           npy_quad offset, npy_quad *sums)
{
    if (n > PAIRWISE_LEAF) {
        npy_quad right[4];
        npy_intp half = n / 2;
        power_sums(x, half, stride, factor, offset, sums);
        power_sums(x + half * stride, n - half, stride, factor, offset, right);
        for (int k = 0; k < 4; k++) {
            sums[k] = npy_quad_add(sums[k], right[k]);
        }
        return;
    }
    npy_quad zero = npy_quad_from_int64(0);
    sums[0] = sums[1] = sums[2] = sums[3] = zero;
    for (npy_intp i = 0; i < n; i++) {
        npy_quad d = npy_quad_fma(quad_at(x, i, stride), factor, offset);
        npy_quad square = npy_quad_mul(d, d);
        sums[0] = npy_quad_add(sums[0], d);
        sums[1] = npy_quad_add(sums[1], square);
        sums[2] = npy_quad_add(sums[2], npy_quad_mul(square, d));
        sums[3] = npy_quad_add(sums[3], npy_quad_mul(square, square));
    }
}

/* the sum of n values, pairwise; min and max skip NaNs (as in pass 1) */
static npy_quad
sum_min_max(const char *x, npy_intp n, npy_intp stride, npy_quad *lo,
            npy_quad *hi)
{
    if (n > PAIRWISE_LEAF) {
        npy_intp half = n / 2;
        npy_quad left = sum_min_max(x, half, stride, lo, hi);
        return npy_quad_add(left, sum_min_max(x + half * stride, n - half,
                                              stride, lo, hi));
    }
    npy_quad sum = npy_quad_from_int64(0);
    for (npy_intp i = 0; i < n; i++) {
        npy_quad v = quad_at(x, i, stride);
        sum = npy_quad_add(sum, v);
        *lo = npy_quad_lt(v, *lo) ? v : *lo;
        *hi = npy_quad_gt(v, *hi) ? v : *hi;
    }
    return sum;
}

static void
pass1_row(char **data, const npy_intp *strides, npy_intp count, int masked)
{
    const char *x = data[KURTOSIS_OP_IN];
    const char *where = masked ? data[KURTOSIS_OP_WHERE] : NULL;
    char **acc = data + 1 + masked;
    const npy_intp *acc_strides = strides + 1 + masked;
    npy_intp sx = strides[KURTOSIS_OP_IN], sw = masked ? strides[KURTOSIS_OP_WHERE] : 0;

    if (!masked && acc_strides[KURTOSIS_P1_SUM] == 0) {
        npy_quad lo = npy_quad_load(acc[KURTOSIS_P1_LO]);
        npy_quad hi = npy_quad_load(acc[KURTOSIS_P1_HI]);
        npy_quad sum = sum_min_max(x, count, sx, &lo, &hi);
        npy_quad_store(acc[KURTOSIS_P1_SUM],
                   npy_quad_add(npy_quad_load(acc[KURTOSIS_P1_SUM]), sum));
        npy_quad_store(acc[KURTOSIS_P1_LO], lo);
        npy_quad_store(acc[KURTOSIS_P1_HI], hi);
        return;
    }
    for (npy_intp i = 0; i < count; i++) {
        if (masked && !*(const npy_bool *)(where + i * sw)) {
            continue;
        }
        npy_quad v = quad_at(x, i, sx);
        char *sum = acc[KURTOSIS_P1_SUM] + i * acc_strides[KURTOSIS_P1_SUM];
        char *lo = acc[KURTOSIS_P1_LO] + i * acc_strides[KURTOSIS_P1_LO];
        char *hi = acc[KURTOSIS_P1_HI] + i * acc_strides[KURTOSIS_P1_HI];
        npy_quad_store(sum, npy_quad_add(npy_quad_load(sum), v));
        if (npy_quad_lt(v, npy_quad_load(lo))) {
            npy_quad_store(lo, v);
        }
        if (npy_quad_gt(v, npy_quad_load(hi))) {
            npy_quad_store(hi, v);
        }
        if (masked) {
            *(npy_intp *)(acc[KURTOSIS_P1_COUNT] +
                          i * acc_strides[KURTOSIS_P1_COUNT]) += 1;
        }
    }
}

static void
pass2_row(char **data, const npy_intp *strides, npy_intp count, int masked)
{
    const char *x = data[KURTOSIS_OP_IN];
    const char *where = masked ? data[KURTOSIS_OP_WHERE] : NULL;
    char **acc = data + 1 + masked;
    const npy_intp *acc_strides = strides + 1 + masked;
    npy_intp sx = strides[KURTOSIS_OP_IN], sw = masked ? strides[KURTOSIS_OP_WHERE] : 0;

    if (!masked && acc_strides[KURTOSIS_P2_S1] == 0) {
        npy_quad sums[4];
        power_sums(x, count, sx, npy_quad_load(acc[KURTOSIS_P2_FACTOR]),
                   npy_quad_load(acc[KURTOSIS_P2_OFFSET]), sums);
        for (int k = 0; k < 4; k++) {
            char *s = acc[KURTOSIS_P2_S1 + k];
            npy_quad_store(s, npy_quad_add(npy_quad_load(s), sums[k]));
        }
        return;
    }
    for (npy_intp i = 0; i < count; i++) {
        if (masked && !*(const npy_bool *)(where + i * sw)) {
            continue;
        }
        npy_quad one[4];
        power_sums(x + i * sx, 1, sx,
                   npy_quad_load(acc[KURTOSIS_P2_FACTOR] + i * acc_strides[KURTOSIS_P2_FACTOR]),
                   npy_quad_load(acc[KURTOSIS_P2_OFFSET] + i * acc_strides[KURTOSIS_P2_OFFSET]),
                   one);
        for (int k = 0; k < 4; k++) {
            char *s = acc[KURTOSIS_P2_S1 + k] + i * acc_strides[KURTOSIS_P2_S1 + k];
            npy_quad_store(s, npy_quad_add(npy_quad_load(s), one[k]));
        }
    }
}

/* The loops walk the outer axis the caller took out of the iterator. */
static void
for_each_row(void (*row_loop)(char **, const npy_intp *, npy_intp, int),
             char **data, const npy_intp *strides, npy_intp count, int masked,
             npy_intp outer_n, const npy_intp *outer_strides, int nacc)
{
    char *row[2 + KURTOSIS_P2_NACC];
    memcpy(row, data, sizeof(char *) * (1 + masked + nacc));
    for (npy_intp r = 0; r < outer_n; r++) {
        row[KURTOSIS_OP_IN] = data[KURTOSIS_OP_IN] + r * outer_strides[KURTOSIS_OP_IN];
        if (masked) {
            row[KURTOSIS_OP_WHERE] = data[KURTOSIS_OP_WHERE] +
                                     r * outer_strides[KURTOSIS_OP_WHERE];
        }
        row_loop(row, strides, count, masked);
    }
}

static void
kurtosis_pass1_quad(char **data, const npy_intp *strides, npy_intp count,
                    int masked, npy_intp outer_n, const npy_intp *outer_strides,
                    NPY_cast_info *NPY_UNUSED(cast))
{
    for_each_row(pass1_row, data, strides, count, masked, outer_n,
                 outer_strides, KURTOSIS_P1_NACC);
}

static void
kurtosis_pass2_quad(char **data, const npy_intp *strides, npy_intp count,
                    int masked, npy_intp outer_n, const npy_intp *outer_strides,
                    NPY_cast_info *NPY_UNUSED(cast))
{
    for_each_row(pass2_row, data, strides, count, masked, outer_n,
                 outer_strides, KURTOSIS_P2_NACC);
}

/* 2**-exponent(spread): deviations within spread map into (-1, 1) */
static npy_quad
spread_scale(npy_quad spread)
{
    int exponent;
    npy_quad_frexp(spread, &exponent);
    exponent = exponent > NPY_QUAD_MINEXP ? exponent : NPY_QUAD_MINEXP;
    return npy_quad_ldexp(npy_quad_from_int64(1), -exponent);
}

static void
kurtosis_prepare_quad(char **acc, npy_intp size, const npy_intp *counts,
                      npy_intp count_all, int bias, char *status)
{
    npy_quad half = npy_quad_ldexp(npy_quad_from_int64(1), -1);
    for (npy_intp i = 0; i < size; i++) {
        char *sum_p = acc[KURTOSIS_P1_SUM] + i * sizeof(npy_quad);
        char *lo_p = acc[KURTOSIS_P1_LO] + i * sizeof(npy_quad);
        npy_quad sum = npy_quad_load(sum_p), lo = npy_quad_load(lo_p);
        npy_quad hi = npy_quad_load(acc[KURTOSIS_P1_HI] + i * sizeof(npy_quad));
        npy_intp n = counts ? counts[i] : count_all;
        npy_quad pre = npy_quad_from_int64(1), shift = npy_quad_from_int64(0);
        npy_quad scale = pre;

        status[i] = kurtosis_classify(n, !npy_quad_isfinite(lo) ||
                                         !npy_quad_isfinite(hi),
                                      npy_quad_eq(hi, lo), bias);
        if (status[i] == SLICE_OK) {
            /* as for double: halve the data when max - min or sum overflow */
            int sum_finite = npy_quad_isfinite(sum);
            if (!npy_quad_isfinite(npy_quad_sub(hi, lo)) || !sum_finite) {
                pre = half;
            }
            npy_quad spread = npy_quad_sub(npy_quad_mul(hi, pre),
                                           npy_quad_mul(lo, pre));
            shift = sum_finite
                    ? npy_quad_mul(npy_quad_div(sum, npy_quad_from_int64(n)), pre)
                    : npy_quad_add(npy_quad_mul(lo, pre),
                                   npy_quad_mul(spread, half));
            scale = spread_scale(spread);
        }
        npy_quad_store(lo_p, npy_quad_mul(pre, scale));
        npy_quad_store(sum_p, npy_quad_negative(npy_quad_mul(shift, scale)));
    }
}

static void
kurtosis_finish_quad(char **acc, npy_intp size, const npy_intp *counts,
                     npy_intp count_all, const char *status, int fisher,
                     int bias, char *result)
{
    npy_quad three = npy_quad_from_int64(3);
    for (npy_intp i = 0; i < size; i++) {
        npy_intp offset = i * sizeof(npy_quad);
        if (status[i] != SLICE_OK) {
            npy_quad_store(result + offset, npy_quad_nan());
            continue;
        }
        npy_quad S1 = npy_quad_load(acc[KURTOSIS_P2_S1] + offset);
        npy_quad S2 = npy_quad_load(acc[KURTOSIS_P2_S2] + offset);
        npy_quad S3 = npy_quad_load(acc[KURTOSIS_P2_S3] + offset);
        npy_quad S4 = npy_quad_load(acc[KURTOSIS_P2_S4] + offset);
        npy_intp count = counts ? counts[i] : count_all;
        npy_quad n = npy_quad_from_int64(count);
        /* M2 = S2 - c S1, M4 = S4 - 4c S3 + 6c**2 S2 - 3c**3 S1, c = S1/n */
        npy_quad c = npy_quad_div(S1, n);
        npy_quad m2 = npy_quad_sub(S2, npy_quad_mul(c, S1));
        npy_quad c2 = npy_quad_mul(c, c);
        npy_quad m4 = npy_quad_sub(S4, npy_quad_mul(npy_quad_from_int64(4),
                                                    npy_quad_mul(c, S3)));
        m4 = npy_quad_add(m4, npy_quad_mul(npy_quad_from_int64(6),
                                           npy_quad_mul(c2, S2)));
        m4 = npy_quad_sub(m4, npy_quad_mul(three, npy_quad_mul(
                npy_quad_mul(c2, c), S1)));
        npy_quad g2 = npy_quad_sub(
                npy_quad_div(npy_quad_mul(n, m4), npy_quad_mul(m2, m2)), three);
        if (!bias) {
            /* ((n + 1) g2 + 6) (n - 1) / ((n - 2)(n - 3)) */
            npy_quad numerator = npy_quad_mul(
                    npy_quad_add(npy_quad_mul(npy_quad_from_int64(count + 1), g2),
                                 npy_quad_from_int64(6)),
                    npy_quad_from_int64(count - 1));
            g2 = npy_quad_div(numerator,
                              npy_quad_mul(npy_quad_from_int64(count - 2),
                                           npy_quad_from_int64(count - 3)));
        }
        npy_quad_store(result + offset, fisher ? g2 : npy_quad_add(g2, three));
    }
}


static const kurtosis_wide_type quad_kurtosis = {
    .type_num = NPY_QUAD,
    .pass1 = kurtosis_pass1_quad,
    .pass2 = kurtosis_pass2_quad,
    .prepare = kurtosis_prepare_quad,
    .finish = kurtosis_finish_quad,
};

NPY_NO_EXPORT void
kurtosis_register_quad(void)
{
    kurtosis_register_wide_type(&quad_kurtosis);
}
