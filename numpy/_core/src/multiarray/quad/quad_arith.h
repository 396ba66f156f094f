/*
 * quad + - * and / over strided arrays, and the sums of products of dot,
 * matmul, the product gufuncs and einsum, compiled per CPU target
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
 * Every quad sum of products (dot, matmul, the product gufuncs, einsum's
 * two-operand sums) adds product k to chain k % QUAD_CHAINS with a fused
 * multiply-add, one rounding per step, and then the chains pairwise: eight
 * independent chains run eight lanes at once on AVX-512, and give the same
 * bits on every target.
 */
enum { QUAD_CHAINS = 8 };

/*
 * *sum = *sum plus the n products a[k * sa] * b[k * sb] (strides in bytes),
 * *sum starting chain 0.
 */
NPY_CPU_DISPATCH_DECLARE(NPY_NO_EXPORT void quad_dot_strided,
    (const char *a, npy_intp sa, const char *b, npy_intp sb, npy_intp n, char *sum))

/*
 * The count sums over k < n of x[k * x_step] * y[k * y_row + j * y_col], a
 * row of matmul, matvec or vecmat, each the bits quad_dot_strided gives,
 * stepped eight outputs at a time: `chains` is scratch for QUAD_CHAINS * count
 * quads, and the sums end in its first count.
 */
NPY_CPU_DISPATCH_DECLARE(NPY_NO_EXPORT void quad_products_row,
    (const char *x, npy_intp x_step, const char *y, npy_intp y_row, npy_intp y_col,
     npy_intp n, char *chains, npy_intp count))

#endif  /* NUMPY_CORE_SRC_UMATH_QUAD_ARITH_H_ */
