#ifndef NUMPY_CORE_SRC_MULTIARRAY_KURTOSIS_LOOPS_H_
#define NUMPY_CORE_SRC_MULTIARRAY_KURTOSIS_LOOPS_H_

#include <float.h>

#include "numpy/npy_math.h"
#include "dtype_transfer.h"

/*
 * Inner loops of ndarray.kurtosis's two reductions (kurtosis.c.src), one
 * per CPU target (kurtosis_loops.dispatch.c.src).
 *
 * The operands of each iterator: the input, the `where` mask when masked,
 * then the accumulators, all of the keepdims shape.
 */
enum { KURTOSIS_OP_IN = 0, KURTOSIS_OP_WHERE = 1 };

/* Why a result is NaN; also decides which warning is given. */
enum {
    SLICE_OK = 0,
    SLICE_EMPTY,         /* n == 0: RuntimeWarning, like np.mean */
    SLICE_NONFINITE,     /* an infinity in the slice: quiet NaN */
    SLICE_CONSTANT,      /* max == min (also n == 1): quiet NaN, no spread */
    SLICE_TOO_SMALL,     /* bias=False and n < 4: RuntimeWarning */
};

/*
 * Whether a slice of n values gives a number, and if not, why, from its
 * min and max: whether one is infinite, whether they are equal.  min and
 * max skip NaNs; a NaN in the data reaches the result through the sums.
 */
static inline char
kurtosis_classify(npy_intp n, int nonfinite, int constant, int bias)
{
    if (n == 0) {
        return SLICE_EMPTY;
    }
    if (nonfinite) {
        return SLICE_NONFINITE;
    }
    if (constant) {
        return SLICE_CONSTANT;
    }
    if (!bias && n < 4) {
        return SLICE_TOO_SMALL;
    }
    return SLICE_OK;
}
/* pass 1 accumulators; COUNT only when masked */
enum {
    KURTOSIS_P1_SUM, KURTOSIS_P1_LO, KURTOSIS_P1_HI, KURTOSIS_P1_COUNT,
    KURTOSIS_P1_NACC
};
/*
 * pass 2: the read-only centring d = x * FACTOR + OFFSET (the product is
 * exact: FACTOR is a power of two), then the power sums of d
 */
enum {
    KURTOSIS_P2_FACTOR, KURTOSIS_P2_OFFSET,
    KURTOSIS_P2_S1, KURTOSIS_P2_S2, KURTOSIS_P2_S3, KURTOSIS_P2_S4,
    KURTOSIS_P2_NACC
};

/*
 * The one-pass reduction (kurtosis_fused): a merged summary of the values
 * seen so far, per output. See the moments struct in the loops' source.
 */
enum {
    KURTOSIS_F_N, KURTOSIS_F_REF, KURTOSIS_F_MEAN,
    KURTOSIS_F_M2, KURTOSIS_F_M3, KURTOSIS_F_M4,
    KURTOSIS_F_LO, KURTOSIS_F_HI, KURTOSIS_F_SCALE,
    KURTOSIS_F_NACC
};
/*
 * Values per block of the one-pass loops. Its sums cannot overflow while
 * every |x| <= max / KURTOSIS_FUSED_HEADROOM; above that the caller uses the
 * two passes, which halve the data first.
 */
#define KURTOSIS_FUSED_BLOCK 2048
#define KURTOSIS_FUSED_HEADROOM (4.0 * KURTOSIS_FUSED_BLOCK)

/*
 * The power of two that maps deviations within `spread` into (-1, 1), so
 * that their fourth powers neither overflow nor underflow; a subnormal
 * spread must not make it overflow.
 */
#define KURTOSIS_DEFINE_SPREAD_SCALE(name, type, frexp, ldexp, min_exp)  \
    static inline type                                                  \
    name(type spread)                                                   \
    {                                                                   \
        int exponent;                                                   \
        frexp(spread, &exponent);                                       \
        return ldexp(1, -(exponent > min_exp ? exponent : min_exp));    \
    }
KURTOSIS_DEFINE_SPREAD_SCALE(kurtosis_spread_scale, npy_double, npy_frexp,
                             npy_ldexp, DBL_MIN_EXP)
KURTOSIS_DEFINE_SPREAD_SCALE(kurtosis_spread_scalel, npy_longdouble, npy_frexpl,
                             npy_ldexpl, LDBL_MIN_EXP)
#undef KURTOSIS_DEFINE_SPREAD_SCALE

/*
 * An inner loop: `count` elements along the iterator's inner axis, repeated
 * `outer_n` times along an outer reduced axis that the caller took out of
 * the iterator (outer_strides: the input's and the mask's strides along it).
 * `cast`, for the one-pass loops only: NULL when the input is of the
 * accumulation type, else the cast to it at the input's inner stride, which
 * the loops apply a block at a time (the iterator does not buffer).
 */
typedef void (kurtosis_loop)(char **data, const npy_intp *strides,
                             npy_intp count, int masked, npy_intp outer_n,
                             const npy_intp *outer_strides, NPY_cast_info *cast);

#include "kurtosis_loops.dispatch.h"
/*
 * One kurtosis_loop per pass (1, 2, or fused) and accumulation type, for
 * every CPU target.
 */
#define KURTOSIS_DECLARE_LOOP(name)                                       \
    NPY_CPU_DISPATCH_DECLARE(NPY_NO_EXPORT void name,                     \
        (char **data, const npy_intp *strides, npy_intp count, int masked, \
         npy_intp outer_n, const npy_intp *outer_strides,                 \
         NPY_cast_info *cast))
KURTOSIS_DECLARE_LOOP(kurtosis_pass1_DOUBLE)
KURTOSIS_DECLARE_LOOP(kurtosis_pass2_DOUBLE)
KURTOSIS_DECLARE_LOOP(kurtosis_pass1_LONGDOUBLE)
KURTOSIS_DECLARE_LOOP(kurtosis_pass2_LONGDOUBLE)
KURTOSIS_DECLARE_LOOP(kurtosis_fused_DOUBLE)
KURTOSIS_DECLARE_LOOP(kurtosis_fused_LONGDOUBLE)
#undef KURTOSIS_DECLARE_LOOP

/*
 * A compute type wider than long double that another feature adds, with its
 * two passes and the steps between and after them (see kurtosis_prepare and
 * kurtosis_finish in kurtosis.c.src; `result` holds values of the type).
 * np.quad's is in kurtosis_quad.c, which the patch that joins kurtosis and
 * np.quad builds; a build without np.quad has none.
 */
typedef struct {
    int type_num;
    kurtosis_loop *pass1;
    kurtosis_loop *pass2;
    void (*prepare)(char **acc, npy_intp size, const npy_intp *counts,
                    npy_intp count_all, int bias, char *status);
    void (*finish)(char **acc, npy_intp size, const npy_intp *counts,
                   npy_intp count_all, const char *status, int fisher,
                   int bias, char *result);
} kurtosis_wide_type;

/*
 * Makes `wide` (static storage) the compute type of its own data and of
 * dtype=, and the one that holds every 64-bit integer.
 */
NPY_NO_EXPORT void
kurtosis_register_wide_type(const kurtosis_wide_type *wide);

#endif  /* NUMPY_CORE_SRC_MULTIARRAY_KURTOSIS_LOOPS_H_ */
