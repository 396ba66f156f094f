#ifndef NUMPY_CORE_SRC_MULTIARRAY_KURTOSIS_H_
#define NUMPY_CORE_SRC_MULTIARRAY_KURTOSIS_H_

/* ndarray.kurtosis(axis=None, dtype=None, out=None, keepdims=False, *,
 *                  fisher=True, bias=True, where=True) */
NPY_NO_EXPORT PyObject *
array_kurtosis(PyArrayObject *self, PyObject *const *args, Py_ssize_t len_args,
               PyObject *kwnames);

/*
 * Kurtosis of np.quad data, in quad (kurtosis_quad.c): registers quad as
 * kurtosis's wide compute type.  Built and called only where kurtosis and
 * np.quad are both in the tree.
 */
NPY_NO_EXPORT void
kurtosis_register_quad(void);

#endif  /* NUMPY_CORE_SRC_MULTIARRAY_KURTOSIS_H_ */
