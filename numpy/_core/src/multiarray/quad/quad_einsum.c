/*
 * einsum's inner loop for NPY_QUAD.
 *
 * einsum reduces to out += in[0] * in[1] * ... * in[nop-1], elementwise over
 * `count` strided elements (an output stride of 0 sums into one element).
 * The last product is fused with the addition (npy_quad_fma), so a
 * contraction rounds once per step and its result is a quad-precision sum
 * of products. A two-operand sum into one element is quad_dot, np.dot's
 * sum, started at the element: einsum("i,i", a, b) has np.dot's bits.
 */
#define NPY_NO_DEPRECATED_API NPY_API_VERSION
#define _MULTIARRAYMODULE

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "numpy/ndarraytypes.h"
#include "quadtype.h"


/* Operand k's element i. */
static inline npy_quad
operand(char *const *dataptr, npy_intp const *strides, int k, npy_intp i)
{
    return npy_quad_load(dataptr[k] + i * strides[k]);
}


NPY_NO_EXPORT void
quad_einsum_sum_of_products(int nop, char **dataptr, npy_intp const *strides,
                            npy_intp count)
{
    if (nop == 2 && strides[2] == 0) {
        quad_dot(dataptr[0], strides[0], dataptr[1], strides[1], count, dataptr[2]);
        return;
    }
    for (npy_intp i = 0; i < count; i++) {
        npy_quad sum = operand(dataptr, strides, nop, i);
        if (nop == 1) {
            sum = npy_quad_add(operand(dataptr, strides, 0, i), sum);
        }
        else {
            npy_quad product = operand(dataptr, strides, 0, i);
            for (int k = 1; k < nop - 1; k++) {
                product = npy_quad_mul(product, operand(dataptr, strides, k, i));
            }
            sum = npy_quad_fma(product, operand(dataptr, strides, nop - 1, i), sum);
        }
        npy_quad_store(dataptr[nop] + i * strides[nop], sum);
    }
}
