/*
 * quad + - * and / over strided arrays, and the rows of fused multiply-adds
 * of the product gufuncs, compiled per CPU target
 * (quad_arith.dispatch.c) and picked at run time by quad_ufuncs.c.
 */
#ifndef NUMPY_CORE_SRC_UMATH_QUAD_ARITH_H_
#define NUMPY_CORE_SRC_UMATH_QUAD_ARITH_H_

#include "numpy/ndarraytypes.h"  /* npy_intp, NPY_NO_EXPORT */

#include "quad_arith.dispatch.h"

enum { QUAD_ADD, QUAD_SUBTRACT, QUAD_MULTIPLY, QUAD_DIVIDE };

/*
 * out[i * so] = a[i * sa] op b[i * sb] (strides in bytes) for n quads, bit
 * for bit and flag for flag what npy_quad_add, _sub, _mul or _div gives; op
 * is one of the QUAD_ constants.
 */
NPY_CPU_DISPATCH_DECLARE(NPY_NO_EXPORT void quad_binary_strided,
    (int op, const char *a, npy_intp sa, const char *b, npy_intp sb, char *out,
     npy_intp so, npy_intp n))

/*
 * acc[j] = fma(*scalar, b[j * sb], acc[j]) for n contiguous accumulators:
 * a step of matmul, matvec or vecmat along a row of outputs.
 */
NPY_CPU_DISPATCH_DECLARE(NPY_NO_EXPORT void quad_fma_row,
    (const char *scalar, const char *b, npy_intp sb, char *acc, npy_intp n))

#endif  /* NUMPY_CORE_SRC_UMATH_QUAD_ARITH_H_ */
