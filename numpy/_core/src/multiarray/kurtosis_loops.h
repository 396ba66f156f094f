#ifndef NUMPY_CORE_SRC_MULTIARRAY_KURTOSIS_LOOPS_H_
#define NUMPY_CORE_SRC_MULTIARRAY_KURTOSIS_LOOPS_H_

/*
 * Inner loops of ndarray.kurtosis's two reductions (kurtosis.c.src), one
 * per CPU target (kurtosis_loops.dispatch.c.src).
 *
 * The operands of each iterator: the input, the `where` mask when masked,
 * then the accumulators, all of the keepdims shape.
 */
enum { KURTOSIS_OP_IN = 0, KURTOSIS_OP_WHERE = 1 };
/* pass 1 accumulators; COUNT only when masked */
enum {
    KURTOSIS_P1_SUM, KURTOSIS_P1_LO, KURTOSIS_P1_HI, KURTOSIS_P1_COUNT,
    KURTOSIS_P1_NACC
};
/* pass 2: read-only centring (SHIFT, SCALE, PRE), then the power sums */
enum {
    KURTOSIS_P2_SHIFT, KURTOSIS_P2_SCALE, KURTOSIS_P2_PRE,
    KURTOSIS_P2_S1, KURTOSIS_P2_S2, KURTOSIS_P2_S3, KURTOSIS_P2_S4,
    KURTOSIS_P2_NACC
};

/*
 * An inner loop: `count` elements along the iterator's inner axis, repeated
 * `outer_n` times along an outer reduced axis that the caller took out of
 * the iterator (outer_strides: the input's and the mask's strides along it).
 */
typedef void (kurtosis_loop)(char **data, const npy_intp *strides,
                             npy_intp count, int masked, npy_intp outer_n,
                             const npy_intp *outer_strides);

#include "kurtosis_loops.dispatch.h"
/* One kurtosis_loop per pass and accumulation type, for every CPU target. */
#define KURTOSIS_DECLARE_LOOP(name)                                       \
    NPY_CPU_DISPATCH_DECLARE(NPY_NO_EXPORT void name,                     \
        (char **data, const npy_intp *strides, npy_intp count, int masked, \
         npy_intp outer_n, const npy_intp *outer_strides))
KURTOSIS_DECLARE_LOOP(kurtosis_pass1_DOUBLE)
KURTOSIS_DECLARE_LOOP(kurtosis_pass2_DOUBLE)
KURTOSIS_DECLARE_LOOP(kurtosis_pass1_LONGDOUBLE)
KURTOSIS_DECLARE_LOOP(kurtosis_pass2_LONGDOUBLE)
#undef KURTOSIS_DECLARE_LOOP

#endif  /* NUMPY_CORE_SRC_MULTIARRAY_KURTOSIS_LOOPS_H_ */
