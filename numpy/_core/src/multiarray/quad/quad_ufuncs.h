#ifndef NUMPY_CORE_SRC_UMATH_QUAD_UFUNCS_H_
#define NUMPY_CORE_SRC_UMATH_QUAD_UFUNCS_H_

/* Registers the NPY_QUAD loops and promoters on the ufuncs in `umath`. */
NPY_NO_EXPORT int
init_quad_ufuncs(PyObject *umath);

#endif  /* NUMPY_CORE_SRC_UMATH_QUAD_UFUNCS_H_ */
