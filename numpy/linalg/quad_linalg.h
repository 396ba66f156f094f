#ifndef NUMPY_LINALG_QUAD_LINALG_H_
#define NUMPY_LINALG_QUAD_LINALG_H_

#include <Python.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Adds np.quad loops to the gufuncs of numpy.linalg._umath_linalg (found in
 * the module's dict `d`): solve, solve1, inv, det, slogdet, cholesky_lo,
 * cholesky_up, qr_r_raw, qr_reduced, qr_complete, svd, svd_s, svd_f,
 * lstsq, eigh_lo, eigh_up, eigvalsh_lo and eigvalsh_up, computed in quad
 * arithmetic by quad_linalg.c, LAPACK-free.
 * 0 on success, -1 with an exception set.
 */
int
quad_linalg_add_loops(PyObject *d);

#ifdef __cplusplus
}
#endif

#endif  /* NUMPY_LINALG_QUAD_LINALG_H_ */
