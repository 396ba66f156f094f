#ifndef NUMPY_CORE_SRC_MULTIARRAY_QUAD_QUAD_MATMUL_BLAS_H_
#define NUMPY_CORE_SRC_MULTIARRAY_QUAD_QUAD_MATMUL_BLAS_H_

#include "numpy/ndarraytypes.h"

/*
 * out (m x n) = a (m x k) @ b (k x n), np.quad matrices given by their first
 * entries and their row and column strides in bytes, through float64
 * products on the BLAS (quad_matmul_blas.c): each entry the exact sum of
 * its products, correctly rounded.  Returns 0 when done, 1 when the
 * product is left to the caller (small, not finite, too wide a range in a
 * row or column, no memory, no BLAS); no Python error is set either way,
 * and the GIL is not needed.
 */
NPY_NO_EXPORT int
quad_matmul_blas(const char *a, npy_intp a_row, npy_intp a_col, const char *b,
                 npy_intp b_row, npy_intp b_col, char *out, npy_intp out_row,
                 npy_intp out_col, npy_intp m, npy_intp k, npy_intp n);

#endif  /* NUMPY_CORE_SRC_MULTIARRAY_QUAD_QUAD_MATMUL_BLAS_H_ */
