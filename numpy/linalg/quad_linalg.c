/*
 * np.linalg on np.quad: loops of _umath_linalg's gufuncs for NPY_QUAD, in
 * quad arithmetic and without LAPACK (there is none for binary128).
 *
 * Each loop copies one matrix of the stack into row-major scratch and
 * factors it as P A = L U with partial pivoting, as LAPACK's getrf does (the
 * entry of largest magnitude in the column, the first of equals), each
 * update one fused multiply-add, so that an entry is rounded once per step.
 * solve and inv then substitute back; det and slogdet take the product of
 * U's diagonal, kept as a mantissa and a power of two so that it overflows
 * only if the determinant does.  cholesky factors A = L L^T from one
 * triangle, as LAPACK's potrf does, and the QR loops leave A = Q R in
 * geqrf's form (R above, Householder vectors below, their scalars apart)
 * and form Q from it as orgqr does.
 *
 * As the LAPACK loops do, a loop clears the floating-point flags its own
 * arithmetic raises and raises invalid for a singular matrix (a zero pivot,
 * getrf's info > 0), or one that is not positive definite for cholesky,
 * after filling the output with NaN: np.linalg turns that flag into
 * LinAlgError.  The loops run without the GIL.
 */
#define NPY_TARGET_VERSION NPY_2_1_API_VERSION
#define NPY_NO_DEPRECATED_API NPY_API_VERSION
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

#include "numpy/arrayobject.h"
#include "numpy/dtype_api.h"
#include "numpy/npy_math.h"
#include "numpy/npy_quad.h"
#include "numpy/ufuncobject.h"

#include "quad_linalg.h"

static inline npy_quad
load(const char *p)
{
    npy_quad q;
    memcpy(&q, p, sizeof(q));
    return q;
}

static inline void
store(char *p, npy_quad q)
{
    memcpy(p, &q, sizeof(q));
}

/* A strided m x n matrix: its first element and its strides in bytes. */
typedef struct {
    char *data;
    npy_intp rows, cols;
} strided_matrix;

/* `m` (m x n) into row-major `dst`. */
static void
gather(npy_quad *dst, strided_matrix m, npy_intp n_rows, npy_intp n_cols)
{
    for (npy_intp i = 0; i < n_rows; i++) {
        for (npy_intp j = 0; j < n_cols; j++) {
            dst[i * n_cols + j] = load(m.data + i * m.rows + j * m.cols);
        }
    }
}

static void
scatter(strided_matrix m, const npy_quad *src, npy_intp n_rows, npy_intp n_cols)
{
    for (npy_intp i = 0; i < n_rows; i++) {
        for (npy_intp j = 0; j < n_cols; j++) {
            store(m.data + i * m.rows + j * m.cols, src[i * n_cols + j]);
        }
    }
}

static void
fill(strided_matrix m, npy_quad value, npy_intp n_rows, npy_intp n_cols)
{
    for (npy_intp i = 0; i < n_rows; i++) {
        for (npy_intp j = 0; j < n_cols; j++) {
            store(m.data + i * m.rows + j * m.cols, value);
        }
    }
}

static void
swap_rows(npy_quad *a, npy_intp n_cols, npy_intp i, npy_intp k)
{
    for (npy_intp j = 0; j < n_cols; j++) {
        npy_quad t = a[i * n_cols + j];
        a[i * n_cols + j] = a[k * n_cols + j];
        a[k * n_cols + j] = t;
    }
}

/* row_i += factor * row_k, one fused multiply-add per entry */
static void
add_multiple(npy_quad *row_i, npy_quad factor, const npy_quad *row_k, npy_intp count)
{
    for (npy_intp j = 0; j < count; j++) {
        row_i[j] = npy_quad_fma(factor, row_k[j], row_i[j]);
    }
}

/*
 * P A = L U in place in the row-major n x n `a` (U on and above the
 * diagonal, L's multipliers below it), with P and L applied to the rows of
 * the row-major n x nrhs `rhs` along the way (none when nrhs is 0).  Returns the
 * sign of P, or 0 at a zero pivot (a singular matrix; the factorisation
 * stops there).
 */
static int
lu_factor(npy_quad *a, npy_intp n, npy_quad *rhs, npy_intp nrhs)
{
    int sign = 1;
    for (npy_intp k = 0; k < n; k++) {
        npy_intp pivot = k;
        npy_quad largest = npy_quad_absolute(a[k * n + k]);
        for (npy_intp i = k + 1; i < n; i++) {
            npy_quad size = npy_quad_absolute(a[i * n + k]);
            if (npy_quad_gt(size, largest)) {
                largest = size;
                pivot = i;
            }
        }
        if (npy_quad_iszero(largest)) {
            return 0;
        }
        if (pivot != k) {
            swap_rows(a, n, k, pivot);
            if (nrhs > 0) {
                swap_rows(rhs, nrhs, k, pivot);
            }
            sign = -sign;
        }
        for (npy_intp i = k + 1; i < n; i++) {
            npy_quad multiplier = npy_quad_div(a[i * n + k], a[k * n + k]);
            a[i * n + k] = multiplier;
            if (npy_quad_iszero(multiplier)) {
                continue;
            }
            npy_quad minus = npy_quad_negative(multiplier);
            add_multiple(a + i * n + k + 1, minus, a + k * n + k + 1, n - k - 1);
            if (nrhs > 0) {
                add_multiple(rhs + i * nrhs, minus, rhs + k * nrhs, nrhs);
            }
        }
    }
    return sign;
}

/* U X = Y in place in `rhs` (n x nrhs), U from lu_factor. */
static void
back_substitute(const npy_quad *a, npy_intp n, npy_quad *rhs, npy_intp nrhs)
{
    for (npy_intp k = n - 1; k >= 0; k--) {
        npy_quad *row = rhs + k * nrhs;
        for (npy_intp j = 0; j < nrhs; j++) {
            row[j] = npy_quad_div(row[j], a[k * n + k]);
        }
        for (npy_intp i = 0; i < k; i++) {
            add_multiple(rhs + i * nrhs, npy_quad_negative(a[i * n + k]), row, nrhs);
        }
    }
}

/*
 * The determinant of the factored `a` as sign * mantissa * 2**exponent,
 * mantissa in [0.5, 1) (1 for n = 0); `sign` from lu_factor.
 */
static void
lu_determinant(const npy_quad *a, npy_intp n, int sign, npy_quad *mantissa,
               npy_int64 *exponent)
{
    npy_quad product = npy_quad_from_int64(1);
    npy_int64 power = 0;
    for (npy_intp k = 0; k < n && sign != 0; k++) {
        int e;
        npy_quad diagonal = a[k * n + k];
        if (npy_quad_signbit(diagonal)) {
            sign = -sign;
        }
        product = npy_quad_mul(product, npy_quad_frexp(npy_quad_absolute(diagonal), &e));
        power += e;
        product = npy_quad_frexp(product, &e);
        power += e;
    }
    *mantissa = sign == 0 ? npy_quad_from_int64(0)
                          : (sign < 0 ? npy_quad_negative(product) : product);
    *exponent = power;
}


/* Scratch for one loop call, or NULL with MemoryError set (the GIL taken). */
static npy_quad *
scratch(npy_intp count)
{
    npy_quad *memory = PyMem_RawMalloc((count > 0 ? count : 1) * sizeof(npy_quad));
    if (memory == NULL) {
        NPY_ALLOW_C_API_DEF
        NPY_ALLOW_C_API;
        PyErr_NoMemory();
        NPY_DISABLE_C_API;
    }
    return memory;
}

/*
 * Keeps the caller's invalid flag, drops what this loop's arithmetic raised,
 * and raises invalid if a matrix had no factorisation.
 */
static void
report(int invalid_before, int singular)
{
    char barrier;
    npy_clear_floatstatus_barrier(&barrier);
    if (invalid_before || singular) {
        npy_set_floatstatus_invalid();
    }
}

static int
invalid_so_far(void)
{
    char barrier;
    return (npy_clear_floatstatus_barrier(&barrier) & NPY_FPE_INVALID) != 0;
}


/*
 * X = A^-1 B for `count` stacked systems (m x m A, m x nrhs B and X), the
 * i-th at data[k] + i * outer[k]; with `identity`, B is the identity (inv).
 */
static int
solve_stack(char *const data[], const npy_intp outer[], npy_intp count,
            npy_intp m, npy_intp nrhs, strided_matrix a_at, strided_matrix b_at,
            strided_matrix x_at, int identity)
{
    npy_quad *a = scratch(m * m + m * nrhs);
    if (a == NULL) {
        return -1;
    }
    npy_quad *b = a + m * m;
    int invalid = invalid_so_far(), singular = 0;
    int x_index = identity ? 1 : 2;
    for (npy_intp s = 0; s < count; s++) {
        a_at.data = data[0] + s * outer[0];
        x_at.data = data[x_index] + s * outer[x_index];
        gather(a, a_at, m, m);
        if (identity) {
            for (npy_intp i = 0; i < m * m; i++) {
                b[i] = npy_quad_from_int64(i % (m + 1) == 0);
            }
        }
        else {
            b_at.data = data[1] + s * outer[1];
            gather(b, b_at, m, nrhs);
        }
        if (lu_factor(a, m, b, nrhs) == 0) {
            fill(x_at, npy_quad_nan(), m, nrhs);
            singular = 1;
            continue;
        }
        back_substitute(a, m, b, nrhs);
        scatter(x_at, b, m, nrhs);
    }
    PyMem_RawFree(a);
    report(invalid, singular);
    return 0;
}

/* solve: (m,m),(m,n)->(m,n) */
static int
solve_loop(PyArrayMethod_Context *NPY_UNUSED(context), char *const data[],
           npy_intp const dimensions[], npy_intp const steps[],
           NpyAuxData *NPY_UNUSED(auxdata))
{
    return solve_stack(data, steps, dimensions[0], dimensions[1], dimensions[2],
                       (strided_matrix){NULL, steps[3], steps[4]},
                       (strided_matrix){NULL, steps[5], steps[6]},
                       (strided_matrix){NULL, steps[7], steps[8]}, 0);
}

/* solve1: (m,m),(m)->(m) */
static int
solve1_loop(PyArrayMethod_Context *NPY_UNUSED(context), char *const data[],
            npy_intp const dimensions[], npy_intp const steps[],
            NpyAuxData *NPY_UNUSED(auxdata))
{
    return solve_stack(data, steps, dimensions[0], dimensions[1], 1,
                       (strided_matrix){NULL, steps[3], steps[4]},
                       (strided_matrix){NULL, steps[5], 0},
                       (strided_matrix){NULL, steps[6], 0}, 0);
}

/* inv: (m,m)->(m,m) */
static int
inv_loop(PyArrayMethod_Context *NPY_UNUSED(context), char *const data[],
         npy_intp const dimensions[], npy_intp const steps[],
         NpyAuxData *NPY_UNUSED(auxdata))
{
    npy_intp m = dimensions[1];
    return solve_stack(data, steps, dimensions[0], m, m,
                       (strided_matrix){NULL, steps[2], steps[3]},
                       (strided_matrix){NULL, 0, 0},
                       (strided_matrix){NULL, steps[4], steps[5]}, 1);
}

/*
 * det: (m,m)->() and slogdet: (m,m)->(),(): sign * |det|, or the sign and
 * log|det| (0 and -inf for a singular matrix, as LAPACK's loops give).
 */
static int
determinant_stack(char *const data[], npy_intp const dimensions[],
                  npy_intp const steps[], int logarithm)
{
    npy_intp count = dimensions[0], m = dimensions[1];
    int n_out = logarithm ? 2 : 1;
    strided_matrix a_at = {NULL, steps[1 + n_out], steps[2 + n_out]};
    npy_quad *a = scratch(m * m);
    if (a == NULL) {
        return -1;
    }
    int invalid = invalid_so_far();
    npy_quad log2 = npy_quad_log(npy_quad_from_int64(2));
    for (npy_intp s = 0; s < count; s++) {
        npy_quad mantissa;
        npy_int64 exponent;
        a_at.data = data[0] + s * steps[0];
        gather(a, a_at, m, m);
        lu_determinant(a, m, lu_factor(a, m, NULL, 0), &mantissa, &exponent);
        char *out = data[1] + s * steps[1];
        if (!logarithm) {
            /* (ldexp takes an int; beyond +-2**30 the result is 0 or inf anyway) */
            exponent = exponent > (1 << 30) ? (1 << 30) : exponent;
            exponent = exponent < -(1 << 30) ? -(1 << 30) : exponent;
            store(out, npy_quad_ldexp(mantissa, (int)exponent));
            continue;
        }
        if (npy_quad_iszero(mantissa)) {
            store(out, npy_quad_from_int64(0));
            store(data[2] + s * steps[2], npy_quad_negative(npy_quad_inf()));
            continue;
        }
        store(out, npy_quad_from_int64(npy_quad_signbit(mantissa) ? -1 : 1));
        npy_quad logdet = npy_quad_fma(npy_quad_from_int64(exponent), log2,
                                       npy_quad_log(npy_quad_absolute(mantissa)));
        store(data[2] + s * steps[2], logdet);
    }
    PyMem_RawFree(a);
    report(invalid, 0);
    return 0;
}

static int
det_loop(PyArrayMethod_Context *NPY_UNUSED(context), char *const data[],
         npy_intp const dimensions[], npy_intp const steps[],
         NpyAuxData *NPY_UNUSED(auxdata))
{
    return determinant_stack(data, dimensions, steps, 0);
}

static int
slogdet_loop(PyArrayMethod_Context *NPY_UNUSED(context), char *const data[],
             npy_intp const dimensions[], npy_intp const steps[],
             NpyAuxData *NPY_UNUSED(auxdata))
{
    return determinant_stack(data, dimensions, steps, 1);
}


/*
 * L with A = L L^T in place in the row-major n x n `a`, from its lower
 * triangle (L's entries below the diagonal, zeros above); 0 if A is not
 * positive definite (a pivot not above zero, or NaN).
 */
static int
cholesky_factor(npy_quad *a, npy_intp n)
{
    npy_quad zero = npy_quad_from_int64(0);
    for (npy_intp j = 0; j < n; j++) {
        npy_quad *row_j = a + j * n;
        npy_quad pivot = row_j[j];
        for (npy_intp k = 0; k < j; k++) {
            pivot = npy_quad_fma(npy_quad_negative(row_j[k]), row_j[k], pivot);
        }
        if (!npy_quad_gt(pivot, zero)) {
            return 0;
        }
        row_j[j] = npy_quad_sqrt(pivot);
        for (npy_intp i = j + 1; i < n; i++) {
            npy_quad *row_i = a + i * n;
            npy_quad sum = row_i[j];
            for (npy_intp k = 0; k < j; k++) {
                sum = npy_quad_fma(npy_quad_negative(row_i[k]), row_j[k], sum);
            }
            row_i[j] = npy_quad_div(sum, row_j[j]);
        }
        for (npy_intp k = j + 1; k < n; k++) {
            row_j[k] = zero;
        }
    }
    return 1;
}

/*
 * cholesky_lo and cholesky_up: (m,m)->(m,m).  The upper factor U = L^T of
 * A's upper triangle is L of the transpose's lower one: read and written
 * with the row and column strides swapped.
 */
static int
cholesky_stack(char *const data[], npy_intp const dimensions[],
               npy_intp const steps[], int upper)
{
    npy_intp count = dimensions[0], m = dimensions[1];
    strided_matrix a_at = {NULL, steps[upper ? 3 : 2], steps[upper ? 2 : 3]};
    strided_matrix l_at = {NULL, steps[upper ? 5 : 4], steps[upper ? 4 : 5]};
    npy_quad *a = scratch(m * m);
    if (a == NULL) {
        return -1;
    }
    int invalid = invalid_so_far(), failed = 0;
    for (npy_intp s = 0; s < count; s++) {
        a_at.data = data[0] + s * steps[0];
        l_at.data = data[1] + s * steps[1];
        gather(a, a_at, m, m);
        if (!cholesky_factor(a, m)) {
            fill(l_at, npy_quad_nan(), m, m);
            failed = 1;
            continue;
        }
        scatter(l_at, a, m, m);
    }
    PyMem_RawFree(a);
    report(invalid, failed);
    return 0;
}

static int
cholesky_lo_loop(PyArrayMethod_Context *NPY_UNUSED(context), char *const data[],
                 npy_intp const dimensions[], npy_intp const steps[],
                 NpyAuxData *NPY_UNUSED(auxdata))
{
    return cholesky_stack(data, dimensions, steps, 0);
}

static int
cholesky_up_loop(PyArrayMethod_Context *NPY_UNUSED(context), char *const data[],
                 npy_intp const dimensions[], npy_intp const steps[],
                 NpyAuxData *NPY_UNUSED(auxdata))
{
    return cholesky_stack(data, dimensions, steps, 1);
}


/*
 * c = H_k c for the rows k..m-1 of the row-major m x nc `c`, its columns
 * from `first` on: H_k = I - tau v v^T, v = (1, a[k+1][k], ..., a[m-1][k])
 * (column k of the row-major m x n `a`, below the diagonal).  `c` may be
 * `a` itself when first > k.
 */
static void
apply_reflector(const npy_quad *a, npy_intp n, npy_intp k, npy_quad tau,
                npy_quad *c, npy_intp nc, npy_intp first, npy_intp m)
{
    if (npy_quad_iszero(tau)) {
        return;
    }
    for (npy_intp j = first; j < nc; j++) {
        npy_quad w = c[k * nc + j];
        for (npy_intp i = k + 1; i < m; i++) {
            w = npy_quad_fma(a[i * n + k], c[i * nc + j], w);
        }
        w = npy_quad_negative(npy_quad_mul(tau, w));
        c[k * nc + j] = npy_quad_add(c[k * nc + j], w);
        for (npy_intp i = k + 1; i < m; i++) {
            c[i * nc + j] = npy_quad_fma(w, a[i * n + k], c[i * nc + j]);
        }
    }
}

/*
 * A = Q R in place in the row-major m x n `a`, as LAPACK's geqrf leaves
 * it: R on and above the diagonal, the Householder vectors below it, and
 * their scalars in tau[0..min(m, n)), with Q = H_0 H_1 ... H_{p-1}.  Each
 * reflector is dlarfg's: beta = -sign(alpha) |(alpha, x)|, v = x / (alpha -
 * beta), tau = (beta - alpha) / beta, and none (tau = 0) when x is zero.
 */
static void
householder_qr(npy_quad *a, npy_intp m, npy_intp n, npy_quad *tau)
{
    npy_intp p = m < n ? m : n;
    for (npy_intp k = 0; k < p; k++) {
        npy_quad alpha = a[k * n + k];
        npy_quad x_norm = npy_quad_from_int64(0);
        for (npy_intp i = k + 1; i < m; i++) {
            x_norm = npy_quad_hypot(x_norm, a[i * n + k]);
        }
        tau[k] = npy_quad_from_int64(0);
        if (npy_quad_iszero(x_norm)) {
            continue;
        }
        npy_quad beta = npy_quad_hypot(alpha, x_norm);
        if (!npy_quad_signbit(alpha)) {
            beta = npy_quad_negative(beta);
        }
        tau[k] = npy_quad_div(npy_quad_sub(beta, alpha), beta);
        npy_quad denominator = npy_quad_sub(alpha, beta);
        for (npy_intp i = k + 1; i < m; i++) {
            a[i * n + k] = npy_quad_div(a[i * n + k], denominator);
        }
        a[k * n + k] = beta;
        apply_reflector(a, n, k, tau[k], a, n, k + 1, m);
    }
}

/* qr_r_raw: (m,n)->(p), the factorisation written back into the input */
static int
qr_r_raw_loop(PyArrayMethod_Context *NPY_UNUSED(context), char *const data[],
              npy_intp const dimensions[], npy_intp const steps[],
              NpyAuxData *NPY_UNUSED(auxdata))
{
    npy_intp count = dimensions[0], m = dimensions[1], n = dimensions[2];
    npy_intp p = dimensions[3];
    strided_matrix a_at = {NULL, steps[2], steps[3]};
    strided_matrix tau_at = {NULL, steps[4], 0};
    npy_quad *a = scratch(m * n + p);
    if (a == NULL) {
        return -1;
    }
    npy_quad *tau = a + m * n;
    int invalid = invalid_so_far();
    for (npy_intp s = 0; s < count; s++) {
        a_at.data = data[0] + s * steps[0];
        tau_at.data = data[1] + s * steps[1];
        gather(a, a_at, m, n);
        householder_qr(a, m, n, tau);
        scatter(a_at, a, m, n);
        scatter(tau_at, tau, p, 1);
    }
    PyMem_RawFree(a);
    report(invalid, 0);
    return 0;
}

/*
 * qr_reduced: (m,n),(k)->(m,k) and qr_complete: (m,n),(n)->(m,m): the
 * first `q_cols` columns of Q = H_0 ... H_{k-1}, from qr_r_raw's output,
 * applied to the identity's columns last reflector first, as orgqr does.
 */
static int
q_stack(char *const data[], npy_intp count, npy_intp m, npy_intp n, npy_intp k,
        npy_intp q_cols, npy_intp const steps[])
{
    strided_matrix a_at = {NULL, steps[3], steps[4]};
    strided_matrix tau_at = {NULL, steps[5], 0};
    strided_matrix q_at = {NULL, steps[6], steps[7]};
    npy_quad *a = scratch(m * n + k + m * q_cols);
    if (a == NULL) {
        return -1;
    }
    npy_quad *tau = a + m * n, *q = tau + k;
    int invalid = invalid_so_far();
    for (npy_intp s = 0; s < count; s++) {
        a_at.data = data[0] + s * steps[0];
        tau_at.data = data[1] + s * steps[1];
        q_at.data = data[2] + s * steps[2];
        gather(a, a_at, m, n);
        gather(tau, tau_at, k, 1);
        for (npy_intp i = 0; i < m * q_cols; i++) {
            q[i] = npy_quad_from_int64(i / q_cols == i % q_cols);
        }
        for (npy_intp r = k - 1; r >= 0; r--) {
            /* columns left of r are still zero from row r down */
            apply_reflector(a, n, r, tau[r], q, q_cols, r, m);
        }
        scatter(q_at, q, m, q_cols);
    }
    PyMem_RawFree(a);
    report(invalid, 0);
    return 0;
}

static int
qr_reduced_loop(PyArrayMethod_Context *NPY_UNUSED(context), char *const data[],
                npy_intp const dimensions[], npy_intp const steps[],
                NpyAuxData *NPY_UNUSED(auxdata))
{
    npy_intp k = dimensions[3];
    return q_stack(data, dimensions[0], dimensions[1], dimensions[2], k, k, steps);
}

static int
qr_complete_loop(PyArrayMethod_Context *NPY_UNUSED(context), char *const data[],
                 npy_intp const dimensions[], npy_intp const steps[],
                 NpyAuxData *NPY_UNUSED(auxdata))
{
    npy_intp m = dimensions[1], n = dimensions[2];
    return q_stack(data, dimensions[0], m, n, n, m, steps);
}


/* np.quad at every operand of the gufunc `name` in `d`: `loop`. */
static int
add_loop(PyObject *d, const char *name, PyArrayMethod_StridedLoop *loop)
{
    PyObject *ufunc = PyDict_GetItemString(d, name);  /* borrowed */
    if (ufunc == NULL) {
        PyErr_Format(PyExc_RuntimeError, "_umath_linalg has no gufunc %s", name);
        return -1;
    }
    PyUFuncObject *uf = (PyUFuncObject *)ufunc;
    PyArray_Descr *quad = PyArray_DescrFromType(NPY_QUAD);
    if (quad == NULL) {
        return -1;
    }
    PyArray_DTypeMeta *dtypes[NPY_MAXARGS];
    for (int i = 0; i < uf->nargs; i++) {
        dtypes[i] = NPY_DTYPE(quad);
    }
    PyType_Slot slots[] = {{NPY_METH_strided_loop, (void *)loop}, {0, NULL}};
    PyArrayMethod_Spec spec = {
        .name = "quad_linalg",
        .nin = uf->nin,
        .nout = uf->nout,
        .casting = NPY_NO_CASTING,
        .flags = 0,
        .dtypes = dtypes,
        .slots = slots,
    };
    int result = PyUFunc_AddLoopFromSpec(ufunc, &spec);
    /* the DType outlives the descriptor: NumPy keeps its builtin DTypes */
    Py_DECREF(quad);
    return result;
}


int
quad_linalg_add_loops(PyObject *d)
{
    /* this file's own copies of the API tables (no PY_ARRAY_UNIQUE_SYMBOL) */
    if (PyArray_ImportNumPyAPI() < 0 || PyUFunc_ImportUFuncAPI() < 0) {
        return -1;
    }
    if (add_loop(d, "solve", solve_loop) < 0
            || add_loop(d, "solve1", solve1_loop) < 0
            || add_loop(d, "inv", inv_loop) < 0
            || add_loop(d, "det", det_loop) < 0
            || add_loop(d, "slogdet", slogdet_loop) < 0
            || add_loop(d, "cholesky_lo", cholesky_lo_loop) < 0
            || add_loop(d, "cholesky_up", cholesky_up_loop) < 0
            || add_loop(d, "qr_r_raw", qr_r_raw_loop) < 0
            || add_loop(d, "qr_reduced", qr_reduced_loop) < 0
            || add_loop(d, "qr_complete", qr_complete_loop) < 0) {
        return -1;
    }
    return 0;
}
