/*
 * NPY_QUAD, the builtin IEEE 754 binary128 type: the declarations that the
 * multiarray and umath sources share.  The storage type npy_quad and its
 * npymath routines are public (numpy/npy_quad.h); everything here is internal.
 *
 * Where the pieces live:
 *   quad_arrfuncs.c  the descriptor, its ArrFuncs and the dtype's set-up
 *   quad_convert.c   exact conversions between quad and Python objects
 *   quad_scalar.c    the scalar type np.quad
 *   quad_casts.c     casts between quad and the other builtin dtypes
 *   quad_einsum.c    einsum's inner loop
 *   quad_sort.c      the typed sorts, selection and binary search (quad_sort.h)
 *   multiarray/quad/quad_ufuncs.c  the ufunc loops
 */
#ifndef NUMPY_CORE_SRC_MULTIARRAY_QUADTYPE_H_
#define NUMPY_CORE_SRC_MULTIARRAY_QUADTYPE_H_

#include "numpy/ndarraytypes.h"
#include "numpy/arrayscalars.h"
#include "numpy/npy_quad.h"
#include "quad_sort.h"

#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

extern NPY_NO_EXPORT PyTypeObject PyQuadArrType_Type;
extern NPY_NO_EXPORT _PyArray_LegacyDescr QUAD_Descr;

/* Reverses the 16 bytes of one element (the other byte order). */
static inline void
quad_byteswap(void *data)
{
    char *bytes = (char *)data;
    for (int i = 0; i < 8; i++) {
        char tmp = bytes[i];
        bytes[i] = bytes[15 - i];
        bytes[15 - i] = tmp;
    }
}

/* The DType class, a borrowed reference once set_typeinfo has run. */
#define PyArray_QuadDType (*(PyArray_DTypeMeta *)Py_TYPE(&QUAD_Descr))

/* quad_arrfuncs.c */
NPY_NO_EXPORT int
quad_setup_dtype(PyObject *typeinfo);

/* scalartypes.c.src's initialize_casting_tables: quad's promotion row */
NPY_NO_EXPORT void
quad_fill_promotion_table(void);

/* quad_casts.c */
NPY_NO_EXPORT int
quad_initialize_casts(void);

/*
 * The casts between np.quad and numpy-quaddtype's QuadPrecDType, made the
 * first time convert_datatype.c's create_casting_impl is asked for one:
 * quad_is_peer_cast says whether (from, to) is such a pair, and
 * quad_peer_casting_impl returns a new reference to its ArrayMethod (NULL
 * with an exception set on error).
 */
NPY_NO_EXPORT int
quad_is_peer_cast(PyArray_DTypeMeta *from, PyArray_DTypeMeta *to);

NPY_NO_EXPORT PyObject *
quad_peer_casting_impl(PyArray_DTypeMeta *from, PyArray_DTypeMeta *to);

/*
 * quad_convert.c: each returns 0 on success, or -1 with a Python exception
 * set.  Conversions into quad are exact where the value is representable and
 * correctly rounded (half to even) otherwise.
 */
NPY_NO_EXPORT int
quad_from_pyobject(PyObject *obj, npy_quad *out);

NPY_NO_EXPORT int
quad_from_pylong(PyObject *value, npy_quad *out);

NPY_NO_EXPORT int
quad_from_string(PyObject *text, npy_quad *out);

/*
 * np.quad(text) for the string casts, from an item's characters: short
 * ASCII text that is a number in range (the common case) without a Python
 * object, other text through quad_from_string for its error or warning.
 * quad_from_bytes reads S items (an error shows b'...'), quad_from_utf8
 * StringDType's strings, quad_from_ucs4 `length` code points of a U item
 * (native byte order, maybe unaligned).
 */
NPY_NO_EXPORT int
quad_from_bytes(const char *chars, npy_intp length, npy_quad *out);

NPY_NO_EXPORT int
quad_from_utf8(const char *chars, npy_intp length, npy_quad *out);

NPY_NO_EXPORT int
quad_from_ucs4(const char *data, npy_intp length, npy_quad *out);

/* New references, or NULL with an exception set. */
NPY_NO_EXPORT PyObject *
quad_to_pylong(npy_quad value);

NPY_NO_EXPORT PyObject *
quad_as_integer_ratio(npy_quad value);

/* Equal to hash(x) for every int, float or Fraction x that equals value. */
NPY_NO_EXPORT Py_hash_t
quad_hash(npy_quad value, PyObject *self);

/*
 * quad_ufuncs.c: *sum plus the n products a[k * a_step] * b[k * b_step]
 * (strides in bytes), in the order of every quad sum of products
 * (quad_arith.h): np.dot's, matmul's and einsum's.
 */
NPY_NO_EXPORT void
quad_dot(const char *a, npy_intp a_step, const char *b, npy_intp b_step, npy_intp n,
         char *sum);

/*
 * quad_einsum.c: einsum's sum of products for quad, for any number of
 * operands (einsum_sumprod.c.src's tables cover the legacy types only).
 */
NPY_NO_EXPORT void
quad_einsum_sum_of_products(int nop, char **dataptr, npy_intp const *strides,
                            npy_intp count);

/* quad_scalar.c: str(q) and repr(q). */
NPY_NO_EXPORT PyObject *
quad_scalar_str(npy_quad value);

/*
 * str(q)'s text without a Python object (the string casts): Dragon4's
 * thread-local buffer, valid until its next use on this thread; NULL with
 * an exception set.
 */
NPY_NO_EXPORT const char *
quad_scalar_text(npy_quad value);

#ifdef __cplusplus
}
#endif

#endif  /* NUMPY_CORE_SRC_MULTIARRAY_QUADTYPE_H_ */
