/*
 * quad_sort.c: the typed sorts of NPY_QUAD. A header of its own, free of
 * Python's headers, for npysort's C++ sources (patch 0014's hooks).
 */
#ifndef NUMPY_CORE_SRC_MULTIARRAY_QUAD_SORT_H_
#define NUMPY_CORE_SRC_MULTIARRAY_QUAD_SORT_H_

#include "numpy/ndarraytypes.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * ArrFuncs' sort (introsort; stable: merge sort) and argsort
 * slots, in np.sort's order (NaNs last, -0.0 equal to 0.0).
 */
NPY_NO_EXPORT int
quad_quicksort(void *start, npy_intp n, void *arr);

NPY_NO_EXPORT int
quad_mergesort(void *start, npy_intp n, void *arr);

NPY_NO_EXPORT int
quad_aquicksort(void *v, npy_intp *tosort, npy_intp n, void *arr);

NPY_NO_EXPORT int
quad_amergesort(void *v, npy_intp *tosort, npy_intp n, void *arr);

/*
 * Hooked in by patch 0014: np.partition and np.argpartition
 * (introselect; PyArray_PartitionFunc and PyArray_ArgPartitionFunc) and
 * np.searchsorted (PyArray_BinSearchFunc and PyArray_ArgBinSearchFunc).
 */
NPY_NO_EXPORT int
quad_introselect(void *v, npy_intp num, npy_intp kth, npy_intp *pivots,
                 npy_intp *npiv, npy_intp nkth, void *arr);

NPY_NO_EXPORT int
quad_aintroselect(void *v, npy_intp *tosort, npy_intp num, npy_intp kth,
                  npy_intp *pivots, npy_intp *npiv, npy_intp nkth, void *arr);

NPY_NO_EXPORT void
quad_binsearch_left(const char *sorted, const char *keys, char *ret, npy_intp sorted_len,
                    npy_intp key_len, npy_intp sorted_str, npy_intp key_str,
                    npy_intp ret_str, PyArrayObject *arr);

NPY_NO_EXPORT void
quad_binsearch_right(const char *sorted, const char *keys, char *ret, npy_intp sorted_len,
                     npy_intp key_len, npy_intp sorted_str, npy_intp key_str,
                     npy_intp ret_str, PyArrayObject *arr);

NPY_NO_EXPORT int
quad_argbinsearch_left(const char *sorted, const char *keys, const char *sorter,
                       char *ret, npy_intp sorted_len, npy_intp key_len,
                       npy_intp sorted_str, npy_intp key_str, npy_intp sorter_str,
                       npy_intp ret_str, PyArrayObject *arr);

NPY_NO_EXPORT int
quad_argbinsearch_right(const char *sorted, const char *keys, const char *sorter,
                        char *ret, npy_intp sorted_len, npy_intp key_len,
                        npy_intp sorted_str, npy_intp key_str, npy_intp sorter_str,
                        npy_intp ret_str, PyArrayObject *arr);

#ifdef __cplusplus
}
#endif

#endif  /* NUMPY_CORE_SRC_MULTIARRAY_QUAD_SORT_H_ */
