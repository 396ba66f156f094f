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
            dst[i * n_cols + j] = npy_quad_load(m.data + i * m.rows + j * m.cols);
        }
    }
}

static void
scatter(strided_matrix m, const npy_quad *src, npy_intp n_rows, npy_intp n_cols)
{
    for (npy_intp i = 0; i < n_rows; i++) {
        for (npy_intp j = 0; j < n_cols; j++) {
            npy_quad_store(m.data + i * m.rows + j * m.cols, src[i * n_cols + j]);
        }
    }
}

static void
fill(strided_matrix m, npy_quad value, npy_intp n_rows, npy_intp n_cols)
{
    for (npy_intp i = 0; i < n_rows; i++) {
        for (npy_intp j = 0; j < n_cols; j++) {
            npy_quad_store(m.data + i * m.rows + j * m.cols, value);
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
 * The core of one gufunc call: its core dimensions, and each operand's core
 * strides (the data pointer is set matrix by matrix).
 */
typedef struct {
    npy_intp m, n, k;
    npy_intp q_cols;            /* Q's columns, for qr_reduced and qr_complete */
    strided_matrix at[3];
} core_shape;

/* Operand `i` of the current matrix. */
static inline strided_matrix
operand(const core_shape *shape, char **operands, int i)
{
    strided_matrix at = shape->at[i];
    at.data = operands[i];
    return at;
}

/*
 * Work on one matrix of the stack, in `scratch`: returns 1 when it had no
 * factorisation (its outputs are NaN), else 0.
 */
typedef int (matrix_step)(char **operands, npy_quad *scratch, const core_shape *shape);

/*
 * `step` for each of the `count` matrices of a gufunc call (operand k of
 * matrix s at data[k] + s * outer[k]), with `scratch_size` quads of
 * scratch.  Keeps the caller's invalid flag, drops what the arithmetic
 * raised, and raises invalid if a matrix had no factorisation.  -1 with
 * MemoryError set (the GIL taken) if there is no scratch.
 */
static int
for_each_matrix(char *const data[], const npy_intp outer[], int nargs, npy_intp count,
                npy_intp scratch_size, matrix_step *step, const core_shape *shape)
{
    npy_quad *scratch = PyMem_RawMalloc((scratch_size > 0 ? scratch_size : 1)
                                        * sizeof(npy_quad));
    if (scratch == NULL) {
        NPY_ALLOW_C_API_DEF
        NPY_ALLOW_C_API;
        PyErr_NoMemory();
        NPY_DISABLE_C_API;
        return -1;
    }
    char barrier;
    int invalid = (npy_clear_floatstatus_barrier(&barrier) & NPY_FPE_INVALID) != 0;
    int failed = 0;
    char *operands[3];
    for (npy_intp s = 0; s < count; s++) {
        for (int k = 0; k < nargs; k++) {
            operands[k] = data[k] + s * outer[k];
        }
        failed |= step(operands, scratch, shape);
    }
    PyMem_RawFree(scratch);
    npy_clear_floatstatus_barrier(&barrier);
    if (invalid || failed) {
        npy_set_floatstatus_invalid();
    }
    return 0;
}

/* One gufunc loop: the core shape from dimensions and steps, then the stack. */
#define QUAD_LINALG_LOOP(name, nargs, scratch_size, step, ...)               \
static int                                                                   \
name(PyArrayMethod_Context *NPY_UNUSED(context), char *const data[],         \
     npy_intp const dimensions[], npy_intp const steps[],                    \
     NpyAuxData *NPY_UNUSED(auxdata))                                        \
{                                                                            \
    const core_shape shape = __VA_ARGS__;                                    \
    return for_each_matrix(data, steps, nargs, dimensions[0], scratch_size,  \
                           step, &shape);                                    \
}


/* X = A^-1 B, B m x n (operand 1; the identity for inv), X operand `x` */
static int
solve_into(char **operands, npy_quad *a, const core_shape *shape, int identity, int x)
{
    npy_intp m = shape->m, nrhs = shape->n;
    npy_quad *b = a + m * m;
    gather(a, operand(shape, operands, 0), m, m);
    if (identity) {
        for (npy_intp i = 0; i < m * m; i++) {
            b[i] = npy_quad_from_int64(i % (m + 1) == 0);
        }
    }
    else {
        gather(b, operand(shape, operands, 1), m, nrhs);
    }
    if (lu_factor(a, m, b, nrhs) == 0) {
        fill(operand(shape, operands, x), npy_quad_nan(), m, nrhs);
        return 1;
    }
    back_substitute(a, m, b, nrhs);
    scatter(operand(shape, operands, x), b, m, nrhs);
    return 0;
}

static int
solve_step(char **operands, npy_quad *scratch, const core_shape *shape)
{
    return solve_into(operands, scratch, shape, 0, 2);
}

static int
inv_step(char **operands, npy_quad *scratch, const core_shape *shape)
{
    return solve_into(operands, scratch, shape, 1, 1);
}

#define DIM_M dimensions[1]
#define DIM_N dimensions[2]
/* solve: (m,m),(m,n)->(m,n); solve1: (m,m),(m)->(m); inv: (m,m)->(m,m) */
QUAD_LINALG_LOOP(solve_loop, 3, DIM_M * DIM_M + DIM_M * DIM_N, solve_step,
                 {DIM_M, DIM_N, 0, 0, {{NULL, steps[3], steps[4]},
                                       {NULL, steps[5], steps[6]},
                                       {NULL, steps[7], steps[8]}}})
QUAD_LINALG_LOOP(solve1_loop, 3, DIM_M * DIM_M + DIM_M, solve_step,
                 {DIM_M, 1, 0, 0, {{NULL, steps[3], steps[4]},
                                   {NULL, steps[5], 0},
                                   {NULL, steps[6], 0}}})
QUAD_LINALG_LOOP(inv_loop, 2, 2 * DIM_M * DIM_M, inv_step,
                 {DIM_M, DIM_M, 0, 0, {{NULL, steps[2], steps[3]},
                                       {NULL, steps[4], steps[5]}}})


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


/*
 * det: (m,m)->() and slogdet: (m,m)->(),(): sign * |det|, or the sign and
 * log|det| (0 and -inf for a singular matrix, as LAPACK's loops give).
 */
static void
determinant_of(char **operands, npy_quad *a, const core_shape *shape,
               npy_quad *mantissa, npy_int64 *exponent)
{
    gather(a, operand(shape, operands, 0), shape->m, shape->m);
    lu_determinant(a, shape->m, lu_factor(a, shape->m, NULL, 0), mantissa, exponent);
}

static int
det_step(char **operands, npy_quad *a, const core_shape *shape)
{
    npy_quad mantissa;
    npy_int64 exponent;
    determinant_of(operands, a, shape, &mantissa, &exponent);
    /* (ldexp takes an int; beyond +-2**30 the result is 0 or inf anyway) */
    exponent = exponent > (1 << 30) ? (1 << 30) : exponent;
    exponent = exponent < -(1 << 30) ? -(1 << 30) : exponent;
    npy_quad_store(operands[1], npy_quad_ldexp(mantissa, (int)exponent));
    return 0;
}

static int
slogdet_step(char **operands, npy_quad *a, const core_shape *shape)
{
    npy_quad mantissa;
    npy_int64 exponent;
    determinant_of(operands, a, shape, &mantissa, &exponent);
    if (npy_quad_iszero(mantissa)) {
        npy_quad_store(operands[1], npy_quad_from_int64(0));
        npy_quad_store(operands[2], npy_quad_negative(npy_quad_inf()));
        return 0;
    }
    npy_quad_store(operands[1], npy_quad_from_int64(npy_quad_signbit(mantissa) ? -1 : 1));
    npy_quad log2 = npy_quad_log(npy_quad_from_int64(2));
    npy_quad_store(operands[2], npy_quad_fma(npy_quad_from_int64(exponent), log2,
                                    npy_quad_log(npy_quad_absolute(mantissa))));
    return 0;
}

QUAD_LINALG_LOOP(det_loop, 2, DIM_M * DIM_M, det_step,
                 {DIM_M, DIM_M, 0, 0, {{NULL, steps[2], steps[3]}}})
QUAD_LINALG_LOOP(slogdet_loop, 3, DIM_M * DIM_M, slogdet_step,
                 {DIM_M, DIM_M, 0, 0, {{NULL, steps[3], steps[4]}}})


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
cholesky_step(char **operands, npy_quad *a, const core_shape *shape)
{
    npy_intp m = shape->m;
    gather(a, operand(shape, operands, 0), m, m);
    if (!cholesky_factor(a, m)) {
        fill(operand(shape, operands, 1), npy_quad_nan(), m, m);
        return 1;
    }
    scatter(operand(shape, operands, 1), a, m, m);
    return 0;
}

QUAD_LINALG_LOOP(cholesky_lo_loop, 2, DIM_M * DIM_M, cholesky_step,
                 {DIM_M, DIM_M, 0, 0, {{NULL, steps[2], steps[3]},
                                       {NULL, steps[4], steps[5]}}})
QUAD_LINALG_LOOP(cholesky_up_loop, 2, DIM_M * DIM_M, cholesky_step,
                 {DIM_M, DIM_M, 0, 0, {{NULL, steps[3], steps[2]},
                                       {NULL, steps[5], steps[4]}}})


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
qr_r_raw_step(char **operands, npy_quad *a, const core_shape *shape)
{
    npy_intp m = shape->m, n = shape->n, p = shape->k;
    npy_quad *tau = a + m * n;
    gather(a, operand(shape, operands, 0), m, n);
    householder_qr(a, m, n, tau);
    scatter(operand(shape, operands, 0), a, m, n);
    scatter(operand(shape, operands, 1), tau, p, 1);
    return 0;
}

/*
 * qr_reduced: (m,n),(k)->(m,k) and qr_complete: (m,n),(n)->(m,m): the
 * first q_cols columns of Q = H_0 ...
 * H_{k-1}, from qr_r_raw's output, applied to the identity's columns last
 * reflector first, as orgqr does.
 */
static int
q_step(char **operands, npy_quad *a, const core_shape *shape)
{
    npy_intp m = shape->m, n = shape->n, k = shape->k;
    npy_intp q_cols = shape->q_cols;
    npy_quad *tau = a + m * n, *q = tau + k;
    gather(a, operand(shape, operands, 0), m, n);
    gather(tau, operand(shape, operands, 1), k, 1);
    for (npy_intp i = 0; i < m * q_cols; i++) {
        q[i] = npy_quad_from_int64(i / q_cols == i % q_cols);
    }
    for (npy_intp r = k - 1; r >= 0; r--) {
        /* columns left of r are still zero from row r down */
        apply_reflector(a, n, r, tau[r], q, q_cols, r, m);
    }
    scatter(operand(shape, operands, 2), q, m, q_cols);
    return 0;
}

#define DIM_K dimensions[3]
QUAD_LINALG_LOOP(qr_r_raw_loop, 2, DIM_M * DIM_N + DIM_K, qr_r_raw_step,
                 {DIM_M, DIM_N, DIM_K, 0, {{NULL, steps[2], steps[3]},
                                           {NULL, steps[4], 0}}})
QUAD_LINALG_LOOP(qr_reduced_loop, 3, DIM_M * DIM_N + DIM_K + DIM_M * DIM_K, q_step,
                 {DIM_M, DIM_N, DIM_K, DIM_K, {{NULL, steps[3], steps[4]},
                                               {NULL, steps[5], 0},
                                               {NULL, steps[6], steps[7]}}})
QUAD_LINALG_LOOP(qr_complete_loop, 3, DIM_M * DIM_N + DIM_N + DIM_M * DIM_M, q_step,
                 {DIM_M, DIM_N, DIM_N, DIM_M, {{NULL, steps[3], steps[4]},
                                               {NULL, steps[5], 0},
                                               {NULL, steps[6], steps[7]}}})
#undef DIM_K
#undef DIM_N
#undef DIM_M


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
