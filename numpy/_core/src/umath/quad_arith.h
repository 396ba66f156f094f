/*
 * quad + - and * over strided arrays, compiled per CPU target
 * (quad_arith.dispatch.c) and picked at run time by quad_ufuncs.c.
 */
#ifndef NUMPY_CORE_SRC_UMATH_QUAD_ARITH_H_
#define NUMPY_CORE_SRC_UMATH_QUAD_ARITH_H_

#include "numpy/ndarraytypes.h"  /* npy_intp, NPY_NO_EXPORT */

#include "quad_arith.dispatch.h"

/*
 * out[i * so] = a[i * sa] + b[i * sb] (a - b when `subtract`; strides in
 * bytes) for n quads, bit for bit and flag for flag what npy_quad_add and
 * npy_quad_sub give.
 */
NPY_CPU_DISPATCH_DECLARE(NPY_NO_EXPORT void quad_add_strided,
    (const char *a, npy_intp sa, const char *b, npy_intp sb, char *out, npy_intp so,
     npy_intp n, int subtract))

/* out[i * so] = a[i * sa] * b[i * sb], as npy_quad_mul gives it. */
NPY_CPU_DISPATCH_DECLARE(NPY_NO_EXPORT void quad_multiply_strided,
    (const char *a, npy_intp sa, const char *b, npy_intp sb, char *out, npy_intp so,
     npy_intp n))

#endif  /* NUMPY_CORE_SRC_UMATH_QUAD_ARITH_H_ */
