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
 * and form Q from it as orgqr does.  svd and lstsq run one-sided Jacobi,
 * eigh and eigvalsh two-sided Jacobi (see jacobi_svd).
 *
 * As the LAPACK loops do, a loop clears the floating-point flags its own
 * arithmetic raises and raises invalid for a singular matrix (a zero pivot,
 * getrf's info > 0), one that is not positive definite for cholesky, or
 * NaN or infinite entries or no convergence for Jacobi, after filling the
 * output with NaN: np.linalg turns that flag into
 * LinAlgError.  The loops run without the GIL.
 */
#define NPY_TARGET_VERSION NPY_2_1_API_VERSION
#define NPY_NO_DEPRECATED_API NPY_API_VERSION
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <limits.h>
#include <string.h>

#include "numpy/arrayobject.h"
#include "numpy/dtype_api.h"
#include "numpy/npy_math.h"
#include "numpy/npy_quad.h"
#include "numpy/ufuncobject.h"

#include "quad_linalg.h"
#include "../_core/src/multiarray/quad/quad_matmul_blas.h"

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
 * LU's panels: this many columns are factored at a time, and the rest of
 * the matrix then updated by one product on the BLAS.
 */
#define LU_PANEL 32

/*
 * c -= l u, c count x cols, l count x width and u width x cols, c and l
 * row-major with their leading dimensions, u's entry (t, j) at
 * u[t * u_row + j * u_col].  Through quad_matmul_blas into `product`
 * (count x cols quads; none if NULL), else one fused multiply-add per
 * entry and product in the order of the unblocked factorisations, whose
 * bits it then gives.
 */
static void
subtract_product(npy_quad *c, npy_intp ld_c, const npy_quad *l, npy_intp ld_l,
                 const npy_quad *u, npy_intp u_row, npy_intp u_col, npy_intp count,
                 npy_intp width, npy_intp cols, npy_quad *product)
{
    const npy_intp size = sizeof(npy_quad);
    if (product != NULL
            && quad_matmul_blas((const char *)l, ld_l * size, size, (const char *)u,
                                u_row * size, u_col * size, (char *)product, cols * size,
                                size, count, width, cols) == 0) {
        for (npy_intp i = 0; i < count; i++) {
            for (npy_intp j = 0; j < cols; j++) {
                c[i * ld_c + j] = npy_quad_sub(c[i * ld_c + j], product[i * cols + j]);
            }
        }
        return;
    }
    for (npy_intp i = 0; i < count; i++) {
        for (npy_intp t = 0; t < width; t++) {
            npy_quad factor = l[i * ld_l + t];
            if (npy_quad_iszero(factor)) {
                continue;
            }
            factor = npy_quad_negative(factor);
            for (npy_intp j = 0; j < cols; j++) {
                c[i * ld_c + j] = npy_quad_fma(factor, u[t * u_row + j * u_col],
                                               c[i * ld_c + j]);
            }
        }
    }
}

/*
 * P A = L U in place in the row-major n x n `a` (U on and above the
 * diagonal, L's multipliers below it), with P and L applied to the rows of
 * the row-major n x nrhs `rhs` along the way (none when nrhs is 0).  Returns
 * the sign of P, or 0 at a zero pivot (a singular matrix; the
 * factorisation stops there).  Right-looking and blocked, as getrf is: a
 * panel of LU_PANEL columns is factored, U's rows beside it solved with its
 * L, and the rest of the matrix (and of rhs) less L21 U12 is one product,
 * in `product` (from product_scratch).
 */
static int
lu_factor(npy_quad *a, npy_intp n, npy_quad *rhs, npy_intp nrhs, npy_quad *product)
{
    int sign = 1;
    for (npy_intp first = 0; first < n && sign != 0; first += LU_PANEL) {
        npy_intp end = first + LU_PANEL < n ? first + LU_PANEL : n;
        for (npy_intp k = first; k < end; k++) {
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
                sign = 0;
                break;
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
                if (!npy_quad_iszero(multiplier)) {
                    add_multiple(a + i * n + k + 1, npy_quad_negative(multiplier),
                                 a + k * n + k + 1, end - k - 1);
                }
            }
        }
        if (sign == 0) {
            break;
        }
        /* U12 = L11^-1 A12, and the panel's rows of rhs */
        for (npy_intp i = first + 1; i < end; i++) {
            subtract_product(a + i * n + end, n, a + i * n + first, n, a + first * n + end,
                             n, 1, 1, i - first, n - end, NULL);
            if (nrhs > 0) {
                subtract_product(rhs + i * nrhs, nrhs, a + i * n + first, n,
                                 rhs + first * nrhs, nrhs, 1, 1, i - first, nrhs, NULL);
            }
        }
        /* A22 -= L21 U12 and rhs2 -= L21 rhs1 */
        subtract_product(a + end * n + end, n, a + end * n + first, n, a + first * n + end,
                         n, 1, n - end, end - first, n - end, product);
        if (nrhs > 0) {
            subtract_product(rhs + end * nrhs, nrhs, a + end * n + first, n,
                             rhs + first * nrhs, nrhs, 1, n - end, end - first, nrhs,
                             product);
        }
    }
    return sign;
}

/*
 * Scratch for the products of an n x n factorisation with nrhs right-hand
 * sides, to be freed with PyMem_RawFree; NULL, with no error, when there
 * is no memory or the matrix is too small to have products (the
 * factorisation and the solves then work entry by entry).
 */
static npy_quad *
product_scratch(npy_intp n, npy_intp nrhs)
{
    npy_intp widest = n > nrhs ? n : nrhs;
    return n > LU_PANEL ? PyMem_RawMalloc(n * widest * sizeof(npy_quad)) : NULL;
}

/*
 * U X = Y in place in rows first..first+size-1 of `rhs` (n x nrhs), U the
 * upper triangle from lu_factor: the lower half of the rows solved first,
 * the upper half less U12 X2 as one product, and up to LU_PANEL rows one
 * row at a time.
 */
static void
back_substitute(const npy_quad *a, npy_intp n, npy_intp first, npy_intp size,
                npy_quad *rhs, npy_intp nrhs, npy_quad *product)
{
    if (size > LU_PANEL) {
        npy_intp half = size / 2, mid = first + half;
        back_substitute(a, n, mid, size - half, rhs, nrhs, product);
        subtract_product(rhs + first * nrhs, nrhs, a + first * n + mid, n,
                         rhs + mid * nrhs, nrhs, 1, half, size - half, nrhs, product);
        back_substitute(a, n, first, half, rhs, nrhs, product);
        return;
    }
    for (npy_intp k = first + size - 1; k >= first; k--) {
        npy_quad *row = rhs + k * nrhs;
        for (npy_intp j = 0; j < nrhs; j++) {
            row[j] = npy_quad_div(row[j], a[k * n + k]);
        }
        for (npy_intp i = first; i < k; i++) {
            add_multiple(rhs + i * nrhs, npy_quad_negative(a[i * n + k]), row, nrhs);
        }
    }
}


/*
 * The core of one gufunc call: its core dimensions, and each operand's core
 * strides (the data pointer is set matrix by matrix).
 */
#define MAX_OPERANDS 7           /* lstsq's */
typedef struct {
    npy_intp m, n, k;
    npy_intp q_cols;            /* Q's columns, for qr_reduced and qr_complete */
    strided_matrix at[MAX_OPERANDS];
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
 * Work on one matrix of the stack, in `scratch`: returns STEP_FAILED when
 * it had no factorisation (its outputs are NaN), STEP_OVERFLOWED when a
 * result is out of quad's range (det), else 0.
 */
typedef int (matrix_step)(char **operands, npy_quad *scratch, const core_shape *shape);
enum { STEP_FAILED = 1, STEP_OVERFLOWED = 2 };

/*
 * `step` for each of the `count` matrices of a gufunc call (operand k of
 * matrix s at data[k] + s * outer[k]), with `scratch_size` quads of
 * scratch.  Keeps the caller's invalid flag, drops what the arithmetic
 * raised, and raises invalid if a matrix had no factorisation, overflow if
 * a result overflowed.  -1 with
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
    int outcome = 0;
    char *operands[MAX_OPERANDS];
    for (npy_intp s = 0; s < count; s++) {
        for (int k = 0; k < nargs; k++) {
            operands[k] = data[k] + s * outer[k];
        }
        outcome |= step(operands, scratch, shape);
    }
    PyMem_RawFree(scratch);
    npy_clear_floatstatus_barrier(&barrier);
    if (invalid || (outcome & STEP_FAILED)) {
        npy_set_floatstatus_invalid();
    }
    if (outcome & STEP_OVERFLOWED) {
        npy_set_floatstatus_overflow();
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
    npy_quad *product = product_scratch(m, nrhs);
    int sign = lu_factor(a, m, b, nrhs, product);
    if (sign != 0) {
        back_substitute(a, m, 0, m, b, nrhs, product);
    }
    PyMem_RawFree(product);
    if (sign == 0) {
        fill(operand(shape, operands, x), npy_quad_nan(), m, nrhs);
        return STEP_FAILED;
    }
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
    npy_quad *product = product_scratch(shape->m, 0);
    lu_determinant(a, shape->m, lu_factor(a, shape->m, NULL, 0, product), mantissa,
                   exponent);
    PyMem_RawFree(product);
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
    npy_quad determinant = npy_quad_ldexp(mantissa, (int)exponent);
    npy_quad_store(operands[1], determinant);
    /* (a NaN or infinite entry gives a NaN or an infinity, with no flag) */
    return npy_quad_isinf(determinant) && npy_quad_isfinite(mantissa) ? STEP_OVERFLOWED : 0;
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
 * positive definite (a pivot not above zero, or NaN).  Blocked as potrf
 * is: the columns of a panel of LU_PANEL from the panel's own, and the rest
 * of the matrix less L21 L21^T as one product, in `product` (from
 * product_scratch).
 */
static int
cholesky_factor(npy_quad *a, npy_intp n, npy_quad *product)
{
    npy_quad zero = npy_quad_from_int64(0);
    for (npy_intp first = 0; first < n; first += LU_PANEL) {
        npy_intp end = first + LU_PANEL < n ? first + LU_PANEL : n;
        for (npy_intp j = first; j < end; j++) {
            npy_quad *row_j = a + j * n;
            npy_quad pivot = row_j[j];
            for (npy_intp k = first; k < j; k++) {
                pivot = npy_quad_fma(npy_quad_negative(row_j[k]), row_j[k], pivot);
            }
            if (!npy_quad_gt(pivot, zero)) {
                return 0;
            }
            row_j[j] = npy_quad_sqrt(pivot);
            for (npy_intp i = j + 1; i < n; i++) {
                npy_quad *row_i = a + i * n;
                npy_quad sum = row_i[j];
                for (npy_intp k = first; k < j; k++) {
                    sum = npy_quad_fma(npy_quad_negative(row_i[k]), row_j[k], sum);
                }
                row_i[j] = npy_quad_div(sum, row_j[j]);
            }
            for (npy_intp k = j + 1; k < n; k++) {
                row_j[k] = zero;
            }
        }
        /* rows and columns end..n-1 less L21 L21^T (the upper half unused) */
        subtract_product(a + end * n + end, n, a + end * n + first, n, a + end * n + first,
                         1, n, n - end, end - first, n - end, product);
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
    npy_quad *product = product_scratch(m, 0);
    int factored = cholesky_factor(a, m, product);
    PyMem_RawFree(product);
    if (!factored) {
        fill(operand(shape, operands, 1), npy_quad_nan(), m, m);
        return STEP_FAILED;
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
 * Columns first..first+q_cols-1 of Q = H_0 H_1 ... H_{k-1} into the
 * row-major m x q_cols `q`, the reflectors as householder_qr left them in
 * the row-major m x n `a` and `tau`: applied to the identity's columns last
 * reflector first, as orgqr does.
 */
static void
form_q_columns(const npy_quad *a, npy_intp m, npy_intp n, const npy_quad *tau,
               npy_intp k, npy_quad *q, npy_intp first, npy_intp q_cols)
{
    for (npy_intp i = 0; i < m * q_cols; i++) {
        q[i] = npy_quad_from_int64(i / q_cols == first + i % q_cols);
    }
    for (npy_intp r = k - 1; r >= 0; r--) {
        /* the columns of e_j with j < r are still zero from row r down */
        npy_intp zero_below = r - first;
        apply_reflector(a, n, r, tau[r], q, q_cols, zero_below > 0 ? zero_below : 0, m);
    }
}

/*
 * qr_reduced: (m,n),(k)->(m,k) and qr_complete: (m,n),(n)->(m,m): the
 * first q_cols columns of Q from qr_r_raw's output.
 */
static int
q_step(char **operands, npy_quad *a, const core_shape *shape)
{
    npy_intp m = shape->m, n = shape->n, k = shape->k;
    npy_quad *tau = a + m * n, *q = tau + k;
    gather(a, operand(shape, operands, 0), m, n);
    gather(tau, operand(shape, operands, 1), k, 1);
    form_q_columns(a, m, n, tau, k, q, 0, shape->q_cols);
    scatter(operand(shape, operands, 2), q, m, shape->q_cols);
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


/*
 * The singular value decomposition and the symmetric eigenproblem, by
 * Jacobi's method: rotations in one plane at a time, each annihilating one
 * inner product (one-sided, Hestenes's, for the SVD) or one off-diagonal
 * entry (two-sided, for eigh), swept cyclically until a sweep finds nothing
 * above the threshold.  Against a threshold relative to the two vectors'
 * norms (or the two diagonal entries), Jacobi finds small singular values
 * and the eigenvalues of a positive definite matrix to high relative
 * accuracy, which the bidiagonal and tridiagonal reductions of LAPACK do
 * not (Demmel and Veselic, SIAM J. Matrix Anal. Appl. 13, 1992).
 */
#define JACOBI_MAX_SWEEPS 60

static npy_quad
dot(const npy_quad *x, const npy_quad *y, npy_intp count)
{
    npy_quad sum = npy_quad_from_int64(0);
    for (npy_intp j = 0; j < count; j++) {
        sum = npy_quad_fma(x[j], y[j], sum);
    }
    return sum;
}

/* (x, y) = (c x - s y, s x + c y), x and y `stride` quads apart */
static void
rotate(npy_quad *x, npy_quad *y, npy_intp stride, npy_quad c, npy_quad s,
       npy_intp count)
{
    for (npy_intp j = 0; j < count * stride; j += stride) {
        npy_quad xj = x[j], yj = y[j];
        x[j] = npy_quad_fma(c, xj, npy_quad_negative(npy_quad_mul(s, yj)));
        y[j] = npy_quad_fma(s, xj, npy_quad_mul(c, yj));
    }
}

static void
set_identity(npy_quad *a, npy_intp n)
{
    for (npy_intp i = 0; i < n * n; i++) {
        a[i] = npy_quad_from_int64(i % (n + 1) == 0);
    }
}

/*
 * Scales the `count` values of `a` by a power of two that brings the
 * largest magnitude into [0.5, 1), so that squares and products of entries
 * neither overflow nor lose the small ones; returns its exponent (the
 * values were a * 2**exponent), or INT_MIN if a value is NaN or infinite.
 */
static int
scale_to_unit(npy_quad *a, npy_intp count)
{
    npy_quad largest = npy_quad_from_int64(0);
    for (npy_intp i = 0; i < count; i++) {
        if (!npy_quad_isfinite(a[i])) {
            return INT_MIN;
        }
        largest = npy_quad_fmax(largest, npy_quad_absolute(a[i]));
    }
    int exponent = 0;
    if (!npy_quad_iszero(largest)) {
        npy_quad_frexp(largest, &exponent);
    }
    for (npy_intp i = 0; i < count; i++) {
        a[i] = npy_quad_ldexp(a[i], -exponent);
    }
    return exponent;
}

/*
 * t = tan(phi) of the rotation that annihilates `off` between the diagonal
 * entries (or squared norms) `first` and `second`: the root of
 * t**2 + 2 zeta t - 1 = 0 of smaller magnitude, zeta = (second - first) /
 * (2 off), so that |phi| <= pi/4; c = cos(phi), s = sin(phi).
 */
static npy_quad
rotation(npy_quad first, npy_quad second, npy_quad off, npy_quad *c, npy_quad *s)
{
    npy_quad one = npy_quad_from_int64(1);
    npy_quad zeta = npy_quad_div(npy_quad_sub(second, first), npy_quad_ldexp(off, 1));
    npy_quad t = npy_quad_div(one, npy_quad_add(npy_quad_absolute(zeta),
                                                npy_quad_hypot(one, zeta)));
    t = npy_quad_copysign(t, zeta);
    *c = npy_quad_div(one, npy_quad_hypot(one, t));
    *s = npy_quad_mul(*c, t);
    return t;
}

/* True if |off| is within tol * sqrt(|first|) * sqrt(|second|). */
static int
negligible(npy_quad off, npy_quad first, npy_quad second, npy_quad tol)
{
    npy_quad bound = npy_quad_mul(npy_quad_mul(tol, npy_quad_sqrt(npy_quad_absolute(first))),
                                  npy_quad_sqrt(npy_quad_absolute(second)));
    return npy_quad_le(npy_quad_absolute(off), bound);
}

/* n times the unit roundoff's double: the threshold of n-vectors' sweeps */
static npy_quad
sweep_threshold(npy_intp n)
{
    return npy_quad_ldexp(npy_quad_from_int64(n > 0 ? n : 1), -112);
}

static void
swap_quads(npy_quad *x, npy_intp i, npy_intp k)
{
    npy_quad t = x[i];
    x[i] = x[k];
    x[k] = t;
}

/*
 * Orders `values` (count) descending or ascending, and the rows of the
 * row-major count x len `rows` and count x count `more` with them (either
 * may be NULL); selection sort, as Jacobi leaves them nearly sorted.
 */
static void
sort_with_rows(npy_quad *values, npy_intp count, int descending, npy_quad *rows,
               npy_intp len, npy_quad *more)
{
    for (npy_intp i = 0; i < count; i++) {
        npy_intp best = i;
        for (npy_intp k = i + 1; k < count; k++) {
            if (descending ? npy_quad_gt(values[k], values[best])
                           : npy_quad_lt(values[k], values[best])) {
                best = k;
            }
        }
        if (best != i) {
            swap_quads(values, i, best);
            if (rows != NULL) {
                swap_rows(rows, len, i, best);
            }
            if (more != NULL) {
                swap_rows(more, count, i, best);
            }
        }
    }
}

/*
 * True if every entry of `row` is within its column's floor: the row is
 * rounding error, left of a row in the others' span (a rank-deficient
 * matrix).  Rotated, its relative direction would stay random and its size
 * shrink by 2**-112 a sweep, without end.  The floor is relative to each
 * column's norm, which the rotations keep, so that a row small only
 * because the matrix's columns are graded is not taken for zero.
 */
static int
within_floor(const npy_quad *row, const npy_quad *floor, npy_intp len)
{
    for (npy_intp l = 0; l < len; l++) {
        if (npy_quad_gt(npy_quad_absolute(row[l]), floor[l])) {
            return 0;
        }
    }
    return 1;
}

/*
 * One-sided Jacobi on the k rows (k <= len) of the row-major k x len `x`:
 * finds the orthogonal J (row-major k x k into `j`, unless NULL) for which
 * the rows of J X are orthogonal, so that X = J^T diag(sigma) Y.  On return
 * `sigma` holds the singular values, descending, and `x` the rows of Y:
 * unit vectors, and zeros where sigma is 0.  Before each vector's turn in a
 * sweep the longest of those left takes its place (de Rijk's pivoting),
 * and a row found within_floor is made zero.  `floor` is scratch for len
 * quads.  0 if X has a NaN or an infinity, or no convergence (x is then
 * garbage).
 */
static int
jacobi_svd(npy_quad *x, npy_intp k, npy_intp len, npy_quad *j, npy_quad *sigma,
           npy_quad *floor)
{
    int exponent = scale_to_unit(x, k * len);
    if (exponent == INT_MIN) {
        return 0;
    }
    if (j != NULL) {
        set_identity(j, k);
    }
    for (npy_intp i = 0; i < k; i++) {
        sigma[i] = dot(x + i * len, x + i * len, len);
    }
    npy_quad tol = sweep_threshold(len);
    /* 2**-100 of each column's norm (about 2**12 roundings of it) */
    for (npy_intp l = 0; l < len; l++) {
        npy_quad column = npy_quad_from_int64(0);
        for (npy_intp i = 0; i < k; i++) {
            column = npy_quad_fma(x[i * len + l], x[i * len + l], column);
        }
        floor[l] = npy_quad_ldexp(npy_quad_sqrt(column), -100);
    }
    int rotated = 1;
    for (int sweep = 0; sweep < JACOBI_MAX_SWEEPS && rotated; sweep++) {
        rotated = 0;
        for (npy_intp p = 0; p < k - 1; p++) {
            npy_intp longest = p;
            for (npy_intp q = p + 1; q < k; q++) {
                if (npy_quad_gt(sigma[q], sigma[longest])) {
                    longest = q;
                }
            }
            if (longest != p) {
                swap_quads(sigma, p, longest);
                swap_rows(x, len, p, longest);
                if (j != NULL) {
                    swap_rows(j, k, p, longest);
                }
            }
            npy_quad *xp = x + p * len;
            for (npy_intp q = p + 1; q < k; q++) {
                npy_quad *xq = x + q * len;
                npy_quad gamma = dot(xp, xq, len);
                if (negligible(gamma, sigma[p], sigma[q], tol)) {
                    continue;
                }
                npy_intp smaller = npy_quad_le(sigma[q], sigma[p]) ? q : p;
                if (within_floor(x + smaller * len, floor, len)) {
                    memset(x + smaller * len, 0, len * sizeof(npy_quad));
                    sigma[smaller] = npy_quad_from_int64(0);
                    continue;
                }
                npy_quad c, s;
                rotation(sigma[p], sigma[q], gamma, &c, &s);
                rotate(xp, xq, 1, c, s, len);
                if (j != NULL) {
                    rotate(j + p * k, j + q * k, 1, c, s, k);
                }
                sigma[p] = dot(xp, xp, len);
                sigma[q] = dot(xq, xq, len);
                rotated = 1;
            }
        }
    }
    if (rotated) {
        return 0;
    }
    for (npy_intp i = 0; i < k; i++) {
        npy_quad norm = npy_quad_sqrt(sigma[i]);
        npy_quad *row = x + i * len;
        for (npy_intp l = 0; l < len; l++) {
            row[l] = npy_quad_iszero(norm) ? norm : npy_quad_div(row[l], norm);
        }
        sigma[i] = npy_quad_ldexp(norm, exponent);
    }
    sort_with_rows(sigma, k, 1, x, len, j);
    return 1;
}

/*
 * Rows rank..total-1 of the row-major `x` (len columns) made an
 * orthonormal basis of the complement of its first `rank` rows (which are
 * orthonormal): the last columns of Q in the QR factorisation of the
 * len x rank matrix of those rows, `work` its (len + 1) x len scratch and Q's.
 */
static void
complete_rows(npy_quad *x, npy_intp rank, npy_intp total, npy_intp len, npy_quad *work)
{
    if (rank == total) {
        return;
    }
    npy_quad *tau = work + len * rank, *q = tau + rank;
    for (npy_intp i = 0; i < len; i++) {
        for (npy_intp r = 0; r < rank; r++) {
            work[i * rank + r] = x[r * len + i];
        }
    }
    householder_qr(work, len, rank, tau);
    form_q_columns(work, len, rank, tau, rank, q, rank, total - rank);
    for (npy_intp i = rank; i < total; i++) {
        for (npy_intp l = 0; l < len; l++) {
            x[i * len + l] = q[l * (total - rank) + i - rank];
        }
    }
}

static inline strided_matrix
transposed(strided_matrix m)
{
    strided_matrix t = {m.data, m.cols, m.rows};
    return t;
}

/*
 * svd: (m,n)->(p) and svd_s: (m,n)->(m,p),(p),(p,n) and svd_f:
 * (m,n)->(m,m),(p),(n,n).  Jacobi runs on the p = min(m, n) rows of A or of
 * A^T: A = J^T diag(s) Y when m <= n, so U = J^T and Vh = Y; A = Y^T
 * diag(s) J when m > n, so U = Y^T and Vh = J.  Y's rows of zero singular
 * values and, for full matrices, its rows up to max(m, n), are an
 * orthonormal completion.
 */
enum { VALUES_ONLY, REDUCED, FULL };

static int
svd_of(char **operands, npy_quad *scratch, const core_shape *shape, int vectors)
{
    npy_intp m = shape->m, n = shape->n;
    int tall = m > n;
    npy_intp p = tall ? n : m, len = tall ? m : n;
    npy_quad *x = scratch, *sigma = x + len * len, *j = sigma + p;
    npy_quad *work = j + p * p;
    strided_matrix a = operand(shape, operands, 0);
    gather(x, tall ? transposed(a) : a, p, len);
    int converged = jacobi_svd(x, p, len, vectors == VALUES_ONLY ? NULL : j, sigma, work);
    if (vectors == VALUES_ONLY) {
        if (!converged) {
            fill(operand(shape, operands, 1), npy_quad_nan(), p, 1);
            return STEP_FAILED;
        }
        scatter(operand(shape, operands, 1), sigma, p, 1);
        return 0;
    }
    npy_intp y_rows = vectors == FULL ? len : p;
    strided_matrix u = operand(shape, operands, 1), s = operand(shape, operands, 2);
    strided_matrix vh = operand(shape, operands, 3);
    npy_intp u_cols = vectors == FULL ? m : p, vh_rows = vectors == FULL ? n : p;
    if (!converged) {
        fill(u, npy_quad_nan(), m, u_cols);
        fill(s, npy_quad_nan(), p, 1);
        fill(vh, npy_quad_nan(), vh_rows, n);
        return STEP_FAILED;
    }
    npy_intp rank = 0;
    while (rank < p && !npy_quad_iszero(sigma[rank])) {
        rank++;
    }
    complete_rows(x, rank, y_rows, len, work);
    scatter(s, sigma, p, 1);
    if (tall) {
        scatter(transposed(u), x, y_rows, len);
        scatter(vh, j, p, p);
    }
    else {
        scatter(transposed(u), j, p, p);
        scatter(vh, x, y_rows, len);
    }
    return 0;
}

static int
svd_values_step(char **operands, npy_quad *scratch, const core_shape *shape)
{
    return svd_of(operands, scratch, shape, VALUES_ONLY);
}

static int
svd_reduced_step(char **operands, npy_quad *scratch, const core_shape *shape)
{
    return svd_of(operands, scratch, shape, REDUCED);
}

static int
svd_full_step(char **operands, npy_quad *scratch, const core_shape *shape)
{
    return svd_of(operands, scratch, shape, FULL);
}


/*
 * lstsq: (m,n),(m,nrhs),()->(n,nrhs),(nrhs),(),(p), as LAPACK's gelsd
 * answers it: the minimum-norm solution X = A^+ B, with A^+ from the SVD
 * without the singular values at or below rcond * s[0] (rcond < 0: the
 * unit roundoff), their count the rank, and the residuals |B - A X|**2 of
 * each column.  With A = Y^T diag(s) J (m > n), A^+ = J^T diag(s)^+ Y; with
 * A = J^T diag(s) Y, A^+ = Y^T diag(s)^+ J.
 */
static int
lstsq_step(char **operands, npy_quad *scratch, const core_shape *shape)
{
    npy_intp m = shape->m, n = shape->n, nrhs = shape->k;
    int tall = m > n;
    npy_intp p = tall ? n : m, len = tall ? m : n;
    npy_quad *x = scratch, *sigma = x + p * len, *j = sigma + p;
    npy_quad *b = j + p * p, *c = b + m * nrhs, *solution = c + p * nrhs;
    strided_matrix a = operand(shape, operands, 0);
    gather(x, tall ? transposed(a) : a, p, len);
    gather(b, operand(shape, operands, 1), m, nrhs);
    npy_quad rcond = npy_quad_load(operands[2]);
    strided_matrix out_x = operand(shape, operands, 3);
    strided_matrix residuals = operand(shape, operands, 4);
    strided_matrix out_s = operand(shape, operands, 6);
    if (!jacobi_svd(x, p, len, j, sigma, solution + n * nrhs)) {
        fill(out_x, npy_quad_nan(), n, nrhs);
        fill(residuals, npy_quad_nan(), nrhs, 1);
        fill(out_s, npy_quad_nan(), p, 1);
        *(npy_int *)operands[5] = 0;
        return STEP_FAILED;
    }
    if (npy_quad_signbit(rcond)) {
        rcond = npy_quad_ldexp(npy_quad_from_int64(1), -113);
    }
    npy_quad cutoff = p > 0 ? npy_quad_mul(rcond, sigma[0]) : rcond;
    npy_intp rank = 0;
    while (rank < p && npy_quad_gt(sigma[rank], cutoff)) {
        rank++;
    }
    /* c = diag(s)^+ (Y B or J B), over the rank rows that count */
    const npy_quad *left = tall ? x : j, *right = tall ? j : x;
    npy_intp left_len = tall ? m : p, right_len = tall ? p : n;
    for (npy_intp r = 0; r < rank; r++) {
        for (npy_intp col = 0; col < nrhs; col++) {
            npy_quad sum = npy_quad_from_int64(0);
            for (npy_intp i = 0; i < left_len; i++) {
                sum = npy_quad_fma(left[r * left_len + i], b[i * nrhs + col], sum);
            }
            c[r * nrhs + col] = npy_quad_div(sum, sigma[r]);
        }
    }
    /* X = (J^T or Y^T) c */
    for (npy_intp i = 0; i < n * nrhs; i++) {
        solution[i] = npy_quad_from_int64(0);
    }
    for (npy_intp r = 0; r < rank; r++) {
        for (npy_intp i = 0; i < n; i++) {
            add_multiple(solution + i * nrhs, right[r * right_len + i], c + r * nrhs, nrhs);
        }
    }
    /* B - A X, A read again from the input */
    for (npy_intp i = 0; i < m; i++) {
        for (npy_intp l = 0; l < n; l++) {
            npy_quad entry = npy_quad_load(a.data + i * a.rows + l * a.cols);
            add_multiple(b + i * nrhs, npy_quad_negative(entry), solution + l * nrhs, nrhs);
        }
    }
    for (npy_intp col = 0; col < nrhs; col++) {
        npy_quad sum = npy_quad_from_int64(0);
        for (npy_intp i = 0; i < m; i++) {
            sum = npy_quad_fma(b[i * nrhs + col], b[i * nrhs + col], sum);
        }
        npy_quad_store(residuals.data + col * residuals.rows, sum);
    }
    scatter(out_x, solution, n, nrhs);
    scatter(out_s, sigma, p, 1);
    *(npy_int *)operands[5] = (npy_int)rank;
    return 0;
}


/*
 * eigh_lo, eigh_up: (m,m)->(m),(m,m) and eigvalsh_lo, eigvalsh_up:
 * (m,m)->(m).  The symmetric matrix of one triangle (the upper one read as
 * the transpose's lower) is diagonalised by two-sided Jacobi, V^T A V = W;
 * the eigenvalues ascending, as LAPACK's syevd returns them, V's columns
 * the eigenvectors.  The rotated rows of V^T are kept.
 */
static int
jacobi_eigh(npy_quad *a, npy_intp n, npy_quad *vt, npy_quad *w)
{
    int exponent = scale_to_unit(a, n * n);
    if (exponent == INT_MIN) {
        return 0;
    }
    if (vt != NULL) {
        set_identity(vt, n);
    }
    npy_quad tol = sweep_threshold(n);
    int rotated = 1;
    for (int sweep = 0; sweep < JACOBI_MAX_SWEEPS && rotated; sweep++) {
        rotated = 0;
        for (npy_intp p = 0; p < n - 1; p++) {
            for (npy_intp q = p + 1; q < n; q++) {
                npy_quad app = a[p * n + p], aqq = a[q * n + q], apq = a[p * n + q];
                if (npy_quad_iszero(apq) || negligible(apq, app, aqq, tol)) {
                    continue;
                }
                npy_quad c, s;
                npy_quad t = rotation(app, aqq, apq, &c, &s);
                rotate(a + p, a + q, n, c, s, n);
                rotate(a + p * n, a + q * n, 1, c, s, n);
                a[p * n + p] = npy_quad_fma(npy_quad_negative(t), apq, app);
                a[q * n + q] = npy_quad_fma(t, apq, aqq);
                a[p * n + q] = a[q * n + p] = npy_quad_from_int64(0);
                if (vt != NULL) {
                    rotate(vt + p * n, vt + q * n, 1, c, s, n);
                }
                rotated = 1;
            }
        }
    }
    if (rotated) {
        return 0;
    }
    for (npy_intp i = 0; i < n; i++) {
        w[i] = npy_quad_ldexp(a[i * n + i], exponent);
    }
    sort_with_rows(w, n, 0, vt, n, NULL);
    return 1;
}

static int
eigh_of(char **operands, npy_quad *a, const core_shape *shape, int vectors)
{
    npy_intp m = shape->m;
    npy_quad *w = a + m * m, *vt = w + m;
    gather(a, operand(shape, operands, 0), m, m);
    for (npy_intp i = 0; i < m; i++) {
        for (npy_intp j = i + 1; j < m; j++) {
            a[i * m + j] = a[j * m + i];
        }
    }
    strided_matrix out_w = operand(shape, operands, 1);
    if (!jacobi_eigh(a, m, vectors ? vt : NULL, w)) {
        fill(out_w, npy_quad_nan(), m, 1);
        if (vectors) {
            fill(operand(shape, operands, 2), npy_quad_nan(), m, m);
        }
        return STEP_FAILED;
    }
    scatter(out_w, w, m, 1);
    if (vectors) {
        scatter(transposed(operand(shape, operands, 2)), vt, m, m);
    }
    return 0;
}

static int
eigh_step(char **operands, npy_quad *scratch, const core_shape *shape)
{
    return eigh_of(operands, scratch, shape, 1);
}

static int
eigvalsh_step(char **operands, npy_quad *scratch, const core_shape *shape)
{
    return eigh_of(operands, scratch, shape, 0);
}

#define DIM_M dimensions[1]
#define DIM_N dimensions[2]
#define DIM_K dimensions[3]
#define DIM_LONG (DIM_M > DIM_N ? DIM_M : DIM_N)
#define DIM_SHORT (DIM_M < DIM_N ? DIM_M : DIM_N)
/* Y (long x long), sigma, J, and complete_rows's QR */
#define SVD_SCRATCH (DIM_LONG * DIM_LONG + DIM_SHORT + DIM_SHORT * DIM_SHORT \
                     + (DIM_LONG + 1) * DIM_LONG + DIM_LONG * DIM_LONG)
QUAD_LINALG_LOOP(svd_loop, 2, SVD_SCRATCH, svd_values_step,
                 {DIM_M, DIM_N, 0, 0, {{NULL, steps[2], steps[3]},
                                       {NULL, steps[4], 0}}})
QUAD_LINALG_LOOP(svd_s_loop, 4, SVD_SCRATCH, svd_reduced_step,
                 {DIM_M, DIM_N, 0, 0, {{NULL, steps[4], steps[5]},
                                       {NULL, steps[6], steps[7]},
                                       {NULL, steps[8], 0},
                                       {NULL, steps[9], steps[10]}}})
QUAD_LINALG_LOOP(svd_f_loop, 4, SVD_SCRATCH, svd_full_step,
                 {DIM_M, DIM_N, 0, 0, {{NULL, steps[4], steps[5]},
                                       {NULL, steps[6], steps[7]},
                                       {NULL, steps[8], 0},
                                       {NULL, steps[9], steps[10]}}})
/* lstsq's dimensions are m, n, nrhs, p; Y, sigma, J, B, c, X and the floor */
QUAD_LINALG_LOOP(lstsq_loop, 7,
                 DIM_SHORT * DIM_LONG + DIM_SHORT + DIM_SHORT * DIM_SHORT
                 + (DIM_M + DIM_SHORT + DIM_N) * DIM_K + DIM_LONG,
                 lstsq_step,
                 {DIM_M, DIM_N, DIM_K, 0, {{NULL, steps[7], steps[8]},
                                           {NULL, steps[9], steps[10]},
                                           {NULL, 0, 0},
                                           {NULL, steps[11], steps[12]},
                                           {NULL, steps[13], 0},
                                           {NULL, 0, 0},
                                           {NULL, steps[14], 0}}})
/* A, w and V^T */
QUAD_LINALG_LOOP(eigh_lo_loop, 3, 2 * DIM_M * DIM_M + DIM_M, eigh_step,
                 {DIM_M, DIM_M, 0, 0, {{NULL, steps[3], steps[4]},
                                       {NULL, steps[5], 0},
                                       {NULL, steps[6], steps[7]}}})
QUAD_LINALG_LOOP(eigh_up_loop, 3, 2 * DIM_M * DIM_M + DIM_M, eigh_step,
                 {DIM_M, DIM_M, 0, 0, {{NULL, steps[4], steps[3]},
                                       {NULL, steps[5], 0},
                                       {NULL, steps[6], steps[7]}}})
QUAD_LINALG_LOOP(eigvalsh_lo_loop, 2, DIM_M * DIM_M + DIM_M, eigvalsh_step,
                 {DIM_M, DIM_M, 0, 0, {{NULL, steps[2], steps[3]},
                                       {NULL, steps[4], 0}}})
QUAD_LINALG_LOOP(eigvalsh_up_loop, 2, DIM_M * DIM_M + DIM_M, eigvalsh_step,
                 {DIM_M, DIM_M, 0, 0, {{NULL, steps[3], steps[2]},
                                       {NULL, steps[4], 0}}})
#undef SVD_SCRATCH
#undef DIM_SHORT
#undef DIM_LONG
#undef DIM_K
#undef DIM_N
#undef DIM_M


/*
 * `loop` for the gufunc `name` in `d`, np.quad at every operand but
 * `int_operand` (lstsq's rank; -1 for none), which is NumPy's int.
 */
static int
add_loop(PyObject *d, const char *name, PyArrayMethod_StridedLoop *loop, int int_operand)
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
    PyArray_Descr *integer = PyArray_DescrFromType(NPY_INT);
    if (integer == NULL) {
        Py_DECREF(quad);
        return -1;
    }
    PyArray_DTypeMeta *dtypes[NPY_MAXARGS];
    for (int i = 0; i < uf->nargs; i++) {
        dtypes[i] = NPY_DTYPE(i == int_operand ? integer : quad);
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
    /* the DTypes outlive the descriptors: NumPy keeps its builtin DTypes */
    Py_DECREF(integer);
    Py_DECREF(quad);
    return result;
}


int
quad_linalg_add_loops(PyObject *d)
{
    static const struct {
        const char *name;
        PyArrayMethod_StridedLoop *loop;
        int int_operand;
    } loops[] = {
        {"solve", solve_loop, -1},
        {"solve1", solve1_loop, -1},
        {"inv", inv_loop, -1},
        {"det", det_loop, -1},
        {"slogdet", slogdet_loop, -1},
        {"cholesky_lo", cholesky_lo_loop, -1},
        {"cholesky_up", cholesky_up_loop, -1},
        {"qr_r_raw", qr_r_raw_loop, -1},
        {"qr_reduced", qr_reduced_loop, -1},
        {"qr_complete", qr_complete_loop, -1},
        {"svd", svd_loop, -1},
        {"svd_s", svd_s_loop, -1},
        {"svd_f", svd_f_loop, -1},
        {"lstsq", lstsq_loop, 5},
        {"eigh_lo", eigh_lo_loop, -1},
        {"eigh_up", eigh_up_loop, -1},
        {"eigvalsh_lo", eigvalsh_lo_loop, -1},
        {"eigvalsh_up", eigvalsh_up_loop, -1},
    };
    /* this file's own copies of the API tables (no PY_ARRAY_UNIQUE_SYMBOL) */
    if (PyArray_ImportNumPyAPI() < 0 || PyUFunc_ImportUFuncAPI() < 0) {
        return -1;
    }
    for (size_t i = 0; i < sizeof(loops) / sizeof(loops[0]); i++) {
        if (add_loop(d, loops[i].name, loops[i].loop, loops[i].int_operand) < 0) {
            return -1;
        }
    }
    return 0;
}
