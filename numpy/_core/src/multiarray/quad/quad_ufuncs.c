/*
 * The ufunc loops of NPY_QUAD.
 *
 * Each loop is an ArrayMethod registered on the ufunc for quad operands; the
 * elementwise function (an npymath npy_quad_* routine) is the method's
 * static data, so one strided loop serves every function of a shape.  The
 * arithmetic raises the IEEE flags itself, and the ufunc machinery turns
 * them into np.errstate's warnings or errors.
 *
 * Promoters send a quad with any other real number type (or Python int and
 * float) to the quad loop; quad with complex has no common DType and
 * raises, and quad with a string has no loop, as float64 has none.
 */
#define NPY_NO_DEPRECATED_API NPY_API_VERSION
#define _MULTIARRAYMODULE
#define _UMATHMODULE

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "numpy/arrayobject.h"
#include "numpy/npy_math.h"
#include "numpy/ufuncobject.h"

#include "abstractdtypes.h"
#include "array_method.h"
#include "dispatching.h"
#include "dtypemeta.h"
#include "fast_loop_macros.h"
#include "quadtype.h"
#include "quad_arith.h"
#include "quad_matmul_blas.h"
#include "quad_ufuncs.h"
#include "ufunc_type_resolution.h"


typedef npy_quad (quad_unary_func)(npy_quad);
typedef npy_quad (quad_binary_func)(npy_quad, npy_quad);
typedef int (quad_predicate_func)(npy_quad);
typedef int (quad_relation_func)(npy_quad, npy_quad);


static int
unary_loop(PyArrayMethod_Context *context, char *const args[],
           npy_intp const dimensions[], npy_intp const steps[],
           NpyAuxData *NPY_UNUSED(auxdata))
{
    quad_unary_func *func = (quad_unary_func *)context->method->static_data;
    UNARY_LOOP {
        npy_quad_store(op1, func(npy_quad_load(ip1)));
    }
    return 0;
}


static int
predicate_loop(PyArrayMethod_Context *context, char *const args[],
               npy_intp const dimensions[], npy_intp const steps[],
               NpyAuxData *NPY_UNUSED(auxdata))
{
    quad_predicate_func *func =
            (quad_predicate_func *)context->method->static_data;
    UNARY_LOOP {
        *(npy_bool *)op1 = (npy_bool)(func(npy_quad_load(ip1)) != 0);
    }
    return 0;
}


static int
binary_loop(PyArrayMethod_Context *context, char *const args[],
            npy_intp const dimensions[], npy_intp const steps[],
            NpyAuxData *NPY_UNUSED(auxdata))
{
    quad_binary_func *func = (quad_binary_func *)context->method->static_data;
    BINARY_LOOP {
        npy_quad_store(op1, func(npy_quad_load(ip1), npy_quad_load(ip2)));
    }
    return 0;
}


static int
relation_loop(PyArrayMethod_Context *context, char *const args[],
              npy_intp const dimensions[], npy_intp const steps[],
              NpyAuxData *NPY_UNUSED(auxdata))
{
    quad_relation_func *func =
            (quad_relation_func *)context->method->static_data;
    BINARY_LOOP {
        *(npy_bool *)op1 = (npy_bool)(func(npy_quad_load(ip1), npy_quad_load(ip2)) != 0);
    }
    return 0;
}


/* quad_arith.dispatch.c's loops for this CPU, set by init_quad_ufuncs */
typedef void (quad_binary_strided_func)(int op, const char *a, npy_intp sa,
                                        const char *b, npy_intp sb, char *out,
                                        npy_intp so, npy_intp n);
static quad_binary_strided_func *binary_strided;
typedef void (quad_dot_strided_func)(const char *a, npy_intp sa, const char *b,
                                     npy_intp sb, npy_intp n, char *sum);
static quad_dot_strided_func *dot_strided;
typedef void (quad_products_row_func)(const char *x, npy_intp x_step, const char *y,
                                      npy_intp y_row, npy_intp y_col, npy_intp n,
                                      char *chains, npy_intp count);
static quad_products_row_func *products_row_chains;

/* Blocks of this many elements are summed with eight accumulators. */
#define QUAD_PAIRWISE_BLOCKSIZE 128

/*
 * Pairwise summation, as NumPy does for the other float types: the rounding
 * error grows as O(log n) instead of O(n).
 */
static npy_quad
pairwise_sum(const char *data, npy_intp n, npy_intp stride)
{
    if (n < 8) {
        npy_quad sum = npy_quad_from_int64(0);
        for (npy_intp i = 0; i < n; i++) {
            sum = npy_quad_add(sum, npy_quad_load(data + i * stride));
        }
        return sum;
    }
    if (n <= QUAD_PAIRWISE_BLOCKSIZE) {
        npy_quad r[8];
        for (int j = 0; j < 8; j++) {
            r[j] = npy_quad_load(data + j * stride);
        }
        npy_intp i;
        for (i = 8; i < n - (n % 8); i += 8) {
            /* r[j] += data[i + j] for the eight j at once */
            binary_strided(QUAD_ADD, (const char *)r, sizeof(npy_quad), data + i * stride,
                           stride, (char *)r, sizeof(npy_quad), 8);
        }
        npy_quad sum = npy_quad_add(
                npy_quad_add(npy_quad_add(r[0], r[1]),
                             npy_quad_add(r[2], r[3])),
                npy_quad_add(npy_quad_add(r[4], r[5]),
                             npy_quad_add(r[6], r[7])));
        for (; i < n; i++) {
            sum = npy_quad_add(sum, npy_quad_load(data + i * stride));
        }
        return sum;
    }
    npy_intp half = n / 2;
    half -= half % 8;
    return npy_quad_add(pairwise_sum(data, half, stride),
                        pairwise_sum(data + half * stride, n - half, stride));
}


/*
 * The operations of quad_arith.dispatch.c, as the loops' static data: its
 * loop vectorizes + - * and /.
 */
static const int arithmetic_ops[] = {QUAD_ADD, QUAD_SUBTRACT, QUAD_MULTIPLY, QUAD_DIVIDE};

static int
arithmetic(int op, char *const args[], npy_intp const dimensions[],
           npy_intp const steps[])
{
    binary_strided(op, args[0], steps[0], args[1], steps[1], args[2], steps[2],
                   dimensions[0]);
    return 0;
}


/* - * and /: the operation is the method's static data */
static int
arithmetic_loop(PyArrayMethod_Context *context, char *const args[],
                npy_intp const dimensions[], npy_intp const steps[],
                NpyAuxData *NPY_UNUSED(auxdata))
{
    return arithmetic(*(const int *)context->method->static_data, args, dimensions,
                      steps);
}


/* square, x * x: the multiply loop with x twice */
static int
square_loop(PyArrayMethod_Context *NPY_UNUSED(context), char *const args[],
            npy_intp const dimensions[], npy_intp const steps[],
            NpyAuxData *NPY_UNUSED(auxdata))
{
    binary_strided(QUAD_MULTIPLY, args[0], steps[0], args[0], steps[0], args[1], steps[1],
                   dimensions[0]);
    return 0;
}


static int
add_strided_loop(PyArrayMethod_Context *NPY_UNUSED(context), char *const args[],
                 npy_intp const dimensions[], npy_intp const steps[],
                 NpyAuxData *NPY_UNUSED(auxdata))
{
    if (!IS_BINARY_REDUCE) {
        return arithmetic(QUAD_ADD, args, dimensions, steps);
    }
    npy_quad sum = npy_quad_add(
            npy_quad_load(args[0]), pairwise_sum(args[1], dimensions[0], steps[1]));
    npy_quad_store(args[2], sum);
    return 0;
}


static int
divmod_loop(PyArrayMethod_Context *NPY_UNUSED(context), char *const args[],
            npy_intp const dimensions[], npy_intp const steps[],
            NpyAuxData *NPY_UNUSED(auxdata))
{
    BINARY_LOOP_TWO_OUT {
        npy_quad mod;
        npy_quad_store(op1, npy_quad_divmod(npy_quad_load(ip1), npy_quad_load(ip2), &mod));
        npy_quad_store(op2, mod);
    }
    return 0;
}


static int
ldexp_loop(PyArrayMethod_Context *context, char *const args[],
           npy_intp const dimensions[], npy_intp const steps[],
           NpyAuxData *NPY_UNUSED(auxdata))
{
    /* the exponent is a C int or long; beyond +-2**20 any result is 0 or inf */
    int long_exponent = context->descriptors[1]->elsize == sizeof(npy_long);
    BINARY_LOOP {
        npy_long exponent;
        if (long_exponent) {
            memcpy(&exponent, ip2, sizeof(exponent));
        }
        else {
            int narrow;
            memcpy(&narrow, ip2, sizeof(narrow));
            exponent = narrow;
        }
        /* to an int: npy_quad_ldexp clamps whatever is beyond the range */
        exponent = exponent > INT_MAX ? INT_MAX : (exponent < INT_MIN ? INT_MIN : exponent);
        npy_quad_store(op1, npy_quad_ldexp(npy_quad_load(ip1), (int)exponent));
    }
    return 0;
}


static int
frexp_loop(PyArrayMethod_Context *NPY_UNUSED(context), char *const args[],
           npy_intp const dimensions[], npy_intp const steps[],
           NpyAuxData *NPY_UNUSED(auxdata))
{
    UNARY_LOOP_TWO_OUT {
        int exponent;
        npy_quad_store(op1, npy_quad_frexp(npy_quad_load(ip1), &exponent));
        memcpy(op2, &exponent, sizeof(exponent));
    }
    return 0;
}


static int
modf_loop(PyArrayMethod_Context *NPY_UNUSED(context), char *const args[],
          npy_intp const dimensions[], npy_intp const steps[],
          NpyAuxData *NPY_UNUSED(auxdata))
{
    UNARY_LOOP_TWO_OUT {
        npy_quad integral;
        npy_quad_store(op1, npy_quad_modf(npy_quad_load(ip1), &integral));
        npy_quad_store(op2, integral);
    }
    return 0;
}


NPY_NO_EXPORT void
quad_dot(const char *a, npy_intp a_step, const char *b, npy_intp b_step, npy_intp n,
         char *sum)
{
    dot_strided(a, a_step, b, b_step, n, sum);
}


/* The sum of the n products a[k * a_step] * b[k * b_step], stored at out. */
static void
store_dot(const char *a, npy_intp a_step, const char *b, npy_intp b_step, npy_intp n,
          char *out)
{
    npy_quad_store(out, npy_quad_from_int64(0));
    dot_strided(a, a_step, b, b_step, n, out);
}


/*
 * A row of `count` outputs, out[j * out_step] = the sum over k < n of
 * x[k * x_step] * y[k * y_row + j * y_col]. With scratch `chains`
 * (QUAD_CHAINS * count quads) and eight outputs or more, the row goes k by
 * k, eight outputs at a time on AVX-512; otherwise one dot per output, its
 * eight chains at a time. The results are the same bits.
 */
static void
products_row(const char *x, npy_intp x_step, const char *y, npy_intp y_row,
             npy_intp y_col, npy_intp n, char *out, npy_intp out_step,
             npy_intp count, char *chains)
{
    if (chains == NULL || count < QUAD_CHAINS) {
        for (npy_intp j = 0; j < count; j++) {
            store_dot(x, x_step, y + j * y_col, y_row, n, out + j * out_step);
        }
        return;
    }
    products_row_chains(x, x_step, y, y_row, y_col, n, chains, count);
    for (npy_intp j = 0; j < count; j++) {
        memcpy(out + j * out_step, chains + j * sizeof(npy_quad), sizeof(npy_quad));
    }
}


/*
 * Scratch for products_row's chains; NULL (no error) if none, or if a row
 * of `count` outputs is too short to use them.
 */
static char *
row_scratch(npy_intp count)
{
    if (count < QUAD_CHAINS) {
        return NULL;
    }
    return PyMem_RawMalloc(QUAD_CHAINS * count * sizeof(npy_quad));
}


/*
 * matmul, (m,n),(n,p)->(m,p): a product large enough goes to the float64
 * BLAS (quad_matmul_blas.c, each entry correctly rounded); the
 * others, and those it declines, are rows of dot products.
 */
static int
matmul_loop(PyArrayMethod_Context *NPY_UNUSED(context), char *const args[],
            npy_intp const dimensions[], npy_intp const steps[],
            NpyAuxData *NPY_UNUSED(auxdata))
{
    npy_intp m = dimensions[1], n = dimensions[2], p = dimensions[3];
    npy_intp a_m = steps[3], a_n = steps[4], b_n = steps[5];
    npy_intp b_p = steps[6], out_m = steps[7], out_p = steps[8];
    char *acc = row_scratch(p);
    for (npy_intp outer = 0; outer < dimensions[0]; outer++) {
        const char *a = args[0] + outer * steps[0];
        const char *b = args[1] + outer * steps[1];
        char *out = args[2] + outer * steps[2];
        if (quad_matmul_blas(a, a_m, a_n, b, b_n, b_p, out, out_m, out_p, m, n, p) == 0) {
            continue;
        }
        for (npy_intp i = 0; i < m; i++) {
            products_row(a + i * a_m, a_n, b, b_n, b_p, n, out + i * out_m, out_p, p, acc);
        }
    }
    PyMem_RawFree(acc);
    return 0;
}


/* vecdot, (n),(n)->(): a real type's conjugate is itself */
static int
vecdot_loop(PyArrayMethod_Context *NPY_UNUSED(context), char *const args[],
            npy_intp const dimensions[], npy_intp const steps[],
            NpyAuxData *NPY_UNUSED(auxdata))
{
    for (npy_intp outer = 0; outer < dimensions[0]; outer++) {
        store_dot(args[0] + outer * steps[0], steps[3], args[1] + outer * steps[1],
                  steps[4], dimensions[1], args[2] + outer * steps[2]);
    }
    return 0;
}


/*
 * matvec, (m,n),(n)->(m), and vecmat, (n),(n,m)->(m): out[j] is the sum of
 * v[k] * a[k-th product of output j], the rows of products walked along j.
 * The static data says whether the vector comes first (vecmat).
 */
static const int vector_first_of[] = {0, 1};

static int
vector_matrix_loop(PyArrayMethod_Context *context, char *const args[],
                   npy_intp const dimensions[], npy_intp const steps[],
                   NpyAuxData *NPY_UNUSED(auxdata))
{
    int vector_first = *(const int *)context->method->static_data;
    int v_arg = vector_first ? 0 : 1, a_arg = 1 - v_arg;
    npy_intp m = vector_first ? dimensions[2] : dimensions[1];
    npy_intp n = vector_first ? dimensions[1] : dimensions[2];
    /* the core steps: vecmat's are v_n, a_n, a_m; matvec's a_m, a_n, v_n */
    npy_intp v_n = vector_first ? steps[3] : steps[5];
    npy_intp a_k = steps[4];
    npy_intp a_j = vector_first ? steps[5] : steps[3];
    char *acc = row_scratch(m);
    for (npy_intp outer = 0; outer < dimensions[0]; outer++) {
        products_row(args[v_arg] + outer * steps[v_arg], v_n,
                     args[a_arg] + outer * steps[a_arg], a_k, a_j, n,
                     args[2] + outer * steps[2], steps[6], m, acc);
    }
    PyMem_RawFree(acc);
    return 0;
}


/* clip(x, lo, hi) propagates NaNs, as maximum and minimum do. */
static int
clip_loop(PyArrayMethod_Context *NPY_UNUSED(context), char *const args[],
          npy_intp const dimensions[], npy_intp const steps[],
          NpyAuxData *NPY_UNUSED(auxdata))
{
    TERNARY_LOOP {
        npy_quad x = npy_quad_load(ip1), lo = npy_quad_load(ip2), hi = npy_quad_load(ip3);
        x = (npy_quad_isnan(x) || npy_quad_ge(x, lo)) ? x : lo;
        x = (npy_quad_isnan(x) || npy_quad_le(x, hi)) ? x : hi;
        npy_quad_store(op1, x);
    }
    return 0;
}


static int
zero_initial(PyArrayMethod_Context *NPY_UNUSED(context),
             npy_bool NPY_UNUSED(reduction_is_empty), void *initial)
{
    npy_quad_store(initial, npy_quad_from_int64(0));
    return 1;
}


static int
one_initial(PyArrayMethod_Context *NPY_UNUSED(context),
            npy_bool NPY_UNUSED(reduction_is_empty), void *initial)
{
    npy_quad_store(initial, npy_quad_from_int64(1));
    return 1;
}


/* logaddexp's and logaddexp2's identity, as for the other float types */
static int
minus_inf_initial(PyArrayMethod_Context *NPY_UNUSED(context),
                  npy_bool NPY_UNUSED(reduction_is_empty), void *initial)
{
    npy_quad_store(initial, npy_quad_negative(npy_quad_inf()));
    return 1;
}


/* The elementwise functions that npymath does not have under their name. */
static npy_quad
quad_positive(npy_quad x)
{
    return x;
}

static npy_quad
quad_reciprocal(npy_quad x)
{
    return npy_quad_div(npy_quad_from_int64(1), x);
}

/* As numpy's sign for floats: NaN stays NaN, both zeros give +0. */
static npy_quad
quad_sign(npy_quad x)
{
    npy_quad zero = npy_quad_from_int64(0);
    if (npy_quad_gt(x, zero)) {
        return npy_quad_from_int64(1);
    }
    if (npy_quad_lt(x, zero)) {
        return npy_quad_from_int64(-1);
    }
    return npy_quad_isnan(x) ? x : zero;
}

/* maximum and minimum propagate NaNs, as they do for float64 */
static npy_quad
quad_maximum(npy_quad a, npy_quad b)
{
    return (npy_quad_isnan(a) || npy_quad_ge(a, b)) ? a : b;
}

static npy_quad
quad_minimum(npy_quad a, npy_quad b)
{
    return (npy_quad_isnan(a) || npy_quad_le(a, b)) ? a : b;
}

/* 0 for x < 0, h0 for x == 0, 1 for x > 0, NaN for NaN: as for float64 */
static npy_quad
quad_heaviside(npy_quad x, npy_quad h0)
{
    npy_quad zero = npy_quad_from_int64(0);
    if (npy_quad_isnan(x)) {
        return x;
    }
    if (npy_quad_eq(x, zero)) {
        return h0;
    }
    return npy_quad_from_int64(npy_quad_gt(x, zero) ? 1 : 0);
}

static int
quad_logical_not(npy_quad x)
{
    return npy_quad_iszero(x);
}

static int
quad_logical_and(npy_quad a, npy_quad b)
{
    return !npy_quad_iszero(a) && !npy_quad_iszero(b);
}

static int
quad_logical_or(npy_quad a, npy_quad b)
{
    return !npy_quad_iszero(a) || !npy_quad_iszero(b);
}

static int
quad_logical_xor(npy_quad a, npy_quad b)
{
    return !npy_quad_iszero(a) != !npy_quad_iszero(b);
}


/*
 * One row of a loop table: the ufunc, the element function (the method's
 * static data, for the table's default loop), flags (reorderable: a
 * reduction may regroup), the identity of a reduction, and a loop of its
 * own where the row has one (NULL: the table's).
 */
typedef struct {
    const char *ufunc;
    void *func;
    NPY_ARRAYMETHOD_FLAGS flags;
    PyArrayMethod_GetReductionInitial *initial;
    PyArrayMethod_StridedLoop *loop;
} quad_loop;

static const quad_loop unary_loops[] = {
    {"square", NULL, 0, NULL, square_loop},
    {"negative", npy_quad_negative},
    {"positive", quad_positive},
    {"absolute", npy_quad_absolute},
    {"fabs", npy_quad_absolute},
    {"conjugate", quad_positive},
    {"sign", quad_sign},
    {"reciprocal", quad_reciprocal},
    {"sqrt", npy_quad_sqrt},
    {"floor", npy_quad_floor},
    {"ceil", npy_quad_ceil},
    {"trunc", npy_quad_trunc},
    {"rint", npy_quad_rint},
    {"spacing", npy_quad_spacing},
    {"exp", npy_quad_exp},
    {"exp2", npy_quad_exp2},
    {"expm1", npy_quad_expm1},
    {"log", npy_quad_log},
    {"log2", npy_quad_log2},
    {"log10", npy_quad_log10},
    {"log1p", npy_quad_log1p},
    {"sin", npy_quad_sin},
    {"cos", npy_quad_cos},
    {"tan", npy_quad_tan},
    {"arcsin", npy_quad_asin},
    {"arccos", npy_quad_acos},
    {"arctan", npy_quad_atan},
    {"sinh", npy_quad_sinh},
    {"cosh", npy_quad_cosh},
    {"tanh", npy_quad_tanh},
    {"arcsinh", npy_quad_asinh},
    {"arccosh", npy_quad_acosh},
    {"arctanh", npy_quad_atanh},
    {"cbrt", npy_quad_cbrt},
    {"deg2rad", npy_quad_deg2rad},
    {"radians", npy_quad_deg2rad},
    {"rad2deg", npy_quad_rad2deg},
    {"degrees", npy_quad_rad2deg},
};

static const quad_loop predicate_loops[] = {
    {"isnan", npy_quad_isnan},
    {"isinf", npy_quad_isinf},
    {"isfinite", npy_quad_isfinite},
    {"signbit", npy_quad_signbit},
    {"logical_not", quad_logical_not},
};

static const quad_loop binary_loops[] = {
    /* quad_arith.dispatch.c's loops, vectorized */
    {"add", NULL, NPY_METH_IS_REORDERABLE, zero_initial, add_strided_loop},
    {"subtract", (void *)&arithmetic_ops[QUAD_SUBTRACT], 0, NULL, arithmetic_loop},
    {"multiply", (void *)&arithmetic_ops[QUAD_MULTIPLY], NPY_METH_IS_REORDERABLE,
     one_initial, arithmetic_loop},
    {"divide", (void *)&arithmetic_ops[QUAD_DIVIDE], 0, NULL, arithmetic_loop},
    {"maximum", quad_maximum, NPY_METH_IS_REORDERABLE, NULL},
    {"minimum", quad_minimum, NPY_METH_IS_REORDERABLE, NULL},
    {"fmax", npy_quad_fmax, NPY_METH_IS_REORDERABLE, NULL},
    {"fmin", npy_quad_fmin, NPY_METH_IS_REORDERABLE, NULL},
    {"copysign", npy_quad_copysign},
    {"nextafter", npy_quad_nextafter},
    {"fmod", npy_quad_fmod},
    {"floor_divide", npy_quad_floor_divide},
    {"remainder", npy_quad_remainder},
    {"arctan2", npy_quad_atan2},
    {"hypot", npy_quad_hypot},
    {"logaddexp", npy_quad_logaddexp, NPY_METH_IS_REORDERABLE,
     minus_inf_initial},
    {"logaddexp2", npy_quad_logaddexp2, NPY_METH_IS_REORDERABLE,
     minus_inf_initial},
    {"heaviside", quad_heaviside},
    {"power", npy_quad_pow},
    {"float_power", npy_quad_pow},
};

/* the gufuncs: fused multiply-adds in np.dot's order */
static const quad_loop product_loops[] = {
    {"matmul", NULL, 0, NULL, matmul_loop},
    {"vecdot", NULL, 0, NULL, vecdot_loop},
    {"matvec", (void *)&vector_first_of[0], 0, NULL, vector_matrix_loop},
    {"vecmat", (void *)&vector_first_of[1], 0, NULL, vector_matrix_loop},
};

static const quad_loop relation_loops[] = {
    {"equal", npy_quad_eq},
    {"not_equal", npy_quad_ne},
    {"less", npy_quad_lt},
    {"less_equal", npy_quad_le},
    {"greater", npy_quad_gt},
    {"greater_equal", npy_quad_ge},
    {"logical_and", quad_logical_and},
    {"logical_or", quad_logical_or},
    {"logical_xor", quad_logical_xor},
};


/*
 * Adds a loop for `ufunc_name` with the given DTypes (inputs, then
 * outputs).  `func` becomes the method's static data.
 */
static int
register_loop(PyObject *umath, const char *ufunc_name, int nin, int nout,
         PyArray_DTypeMeta **dtypes, PyArrayMethod_StridedLoop *loop,
         void *func, NPY_ARRAYMETHOD_FLAGS flags,
         PyArrayMethod_GetReductionInitial *initial)
{
    PyObject *ufunc = PyDict_GetItemString(umath, ufunc_name);  /* borrowed */
    if (ufunc == NULL) {
        PyErr_Format(PyExc_RuntimeError,
                "quad loops: numpy has no ufunc %s", ufunc_name);
        return -1;
    }
    char name[64];
    PyOS_snprintf(name, sizeof(name), "quad_%s", ufunc_name);

    PyType_Slot slots[5];
    int n = 0;
    /* the loops load and store through memcpy: alignment does not matter */
    slots[n++] = (PyType_Slot){NPY_METH_strided_loop, loop};
    slots[n++] = (PyType_Slot){NPY_METH_unaligned_strided_loop, loop};
    slots[n++] = (PyType_Slot){_NPY_METH_static_data, func};
    if (initial != NULL) {
        slots[n++] = (PyType_Slot){NPY_METH_get_reduction_initial, initial};
    }
    slots[n] = (PyType_Slot){0, NULL};

    PyArrayMethod_Spec spec = {
        .name = name,
        .nin = nin,
        .nout = nout,
        .casting = NPY_NO_CASTING,
        .flags = flags | NPY_METH_SUPPORTS_UNALIGNED,
        .dtypes = dtypes,
        .slots = slots,
    };
    return PyUFunc_AddLoopFromSpec_int(ufunc, &spec, 1);
}


/*
 * For a quad operand next to any other: the inputs become their common
 * DType with quad (an error for complex), the outputs not given the
 * loop's, `natural` (quad, or bool for the comparisons).  With dtype= (or a
 * signature) giving another DType to the outputs and none to the inputs,
 * the inputs become that DType instead, as the legacy type resolver
 * treats every other type.
 */
static int
promote_to_quad(PyObject *ufunc, PyArray_DTypeMeta *const op_dtypes[],
                PyArray_DTypeMeta *const signature[],
                PyArray_DTypeMeta *new_op_dtypes[], PyArray_DTypeMeta *natural)
{
    PyUFuncObject *uf = (PyUFuncObject *)ufunc;
    int nargs = uf->nin + uf->nout;
    PyArray_DTypeMeta *requested = NULL;
    for (int i = 0; i < nargs; i++) {
        if (i < uf->nin && signature[i] != NULL) {
            requested = NULL;
            break;
        }
        if (i >= uf->nin && signature[i] != NULL && signature[i] != natural) {
            requested = signature[i];
        }
    }
    if (requested != NULL) {
        for (int i = 0; i < nargs; i++) {
            new_op_dtypes[i] = NPY_DT_NewRef(
                    i >= uf->nin && signature[i] != NULL ? signature[i] : requested);
        }
        return 0;
    }
    PyArray_DTypeMeta *common = NPY_DT_NewRef(&PyArray_QuadDType);
    for (int i = 0; i < uf->nin; i++) {
        PyArray_DTypeMeta *dtype = signature[i] ? signature[i] : op_dtypes[i];
        if (dtype == NULL) {
            /* a reduction's first input is the not yet known output */
            continue;
        }
        Py_SETREF(common, PyArray_CommonDType(common, dtype));
        if (common == NULL) {
            return -1;
        }
    }
    if (common != &PyArray_QuadDType && common != &PyArray_ObjectDType) {
        /*
         * A string (common DType U, S, T): the string loops must not run on
         * a quad's text.  No loop, as for float64 ('+' raises, '==' is
         * False).
         */
        Py_DECREF(common);
        return raise_no_loop_found_error(uf, (PyObject **)op_dtypes);
    }
    for (int i = 0; i < nargs; i++) {
        if (signature[i] != NULL) {
            new_op_dtypes[i] = NPY_DT_NewRef(signature[i]);
        }
        else if (i < uf->nin) {
            new_op_dtypes[i] = NPY_DT_NewRef(common);
        }
        else {
            /* object in, object out; else what the quad loop gives */
            new_op_dtypes[i] = NPY_DT_NewRef(common == &PyArray_ObjectDType ? common : natural);
        }
    }
    Py_DECREF(common);
    return 0;
}

static int
quad_promoter(PyObject *ufunc, PyArray_DTypeMeta *const op_dtypes[],
              PyArray_DTypeMeta *const signature[],
              PyArray_DTypeMeta *new_op_dtypes[])
{
    return promote_to_quad(ufunc, op_dtypes, signature, new_op_dtypes,
                           &PyArray_QuadDType);
}

static int
comparison_promoter(PyObject *ufunc, PyArray_DTypeMeta *const op_dtypes[],
                    PyArray_DTypeMeta *const signature[],
                    PyArray_DTypeMeta *new_op_dtypes[])
{
    return promote_to_quad(ufunc, op_dtypes, signature, new_op_dtypes,
                           &PyArray_BoolDType);
}


/* ldexp(quad, any integer): the exponent is taken as a C long. */
static int
ldexp_promoter(PyObject *NPY_UNUSED(ufunc),
               PyArray_DTypeMeta *const op_dtypes[],
               PyArray_DTypeMeta *const signature[],
               PyArray_DTypeMeta *new_op_dtypes[])
{
    PyArray_DTypeMeta *exponent = signature[1] ? signature[1] : op_dtypes[1];
    if (exponent != &PyArray_PyLongDType && exponent != &PyArray_BoolDType
            && !PyTypeNum_ISINTEGER(exponent->type_num)) {
        PyErr_Format(PyExc_TypeError,
                "np.ldexp(quad, x) needs an integer exponent, not %S",
                (PyObject *)exponent);
        return -1;
    }
    new_op_dtypes[0] = NPY_DT_NewRef(&PyArray_QuadDType);
    new_op_dtypes[1] = NPY_DT_NewRef(&PyArray_LongDType);
    new_op_dtypes[2] = signature[2] ? NPY_DT_NewRef(signature[2]) : NULL;
    return 0;
}


/*
 * Quad at the inputs in the bit mask `quad_inputs`, `others` (a DType, or
 * None for any) at the other inputs, any output.
 *
 * A library's promoters compete with these: numpy-quaddtype registers
 * (np.dtype, np.dtype, np.dtype) for + - * / and (np.dtype, PyLongDType,
 * np.dtype) for ldexp.  With None at the other inputs such a promoter would
 * match quad + int as well as this one does (worse at quad's position,
 * better at the other), and NumPy gives up on the tie; with the same DType
 * there this one is better.
 */
static int
add_promoter(PyObject *ufunc, unsigned int quad_inputs, PyObject *others,
             PyArrayMethod_PromoterFunction *promoter)
{
    PyUFuncObject *uf = (PyUFuncObject *)ufunc;
    int nargs = uf->nin + uf->nout;
    PyObject *dtypes = PyTuple_New(nargs);
    if (dtypes == NULL) {
        return -1;
    }
    for (int i = 0; i < nargs; i++) {
        PyObject *item = Py_None;
        if (i < uf->nin) {
            item = (quad_inputs >> i) & 1 ? (PyObject *)&PyArray_QuadDType : others;
        }
        PyTuple_SET_ITEM(dtypes, i, Py_NewRef(item));
    }
    PyObject *capsule = PyCapsule_New(
            (void *)promoter, "numpy._ufunc_promoter", NULL);
    int result = capsule == NULL ? -1 : PyUFunc_AddPromoter(
            ufunc, dtypes, capsule);
    Py_XDECREF(capsule);
    Py_DECREF(dtypes);
    return result;
}


/*
 * Promoters for every set of quad inputs (with any DType at the others),
 * so that each call with a quad input has one best promoter: with only
 * one-quad patterns, quad with quad and an output of another DType (or
 * clip's two quads and a float) matched two equally well, an error.
 * NumPy compares the patterns that match in the order they were added
 * and gives up at the first tie, so the more quads a pattern has, the
 * earlier it comes: the best is met first and the others lose to it.
 */
static int
add_promoters(PyObject *umath, const char *ufunc_name,
              PyArrayMethod_PromoterFunction *promoter)
{
    PyObject *ufunc = PyDict_GetItemString(umath, ufunc_name);  /* borrowed */
    if (ufunc == NULL) {
        return -1;
    }
    unsigned int every = (1u << ((PyUFuncObject *)ufunc)->nin) - 1;
    for (unsigned int quad_inputs = every; quad_inputs > 0; quad_inputs--) {
        if (add_promoter(ufunc, quad_inputs, (PyObject *)&PyArrayDescr_Type,
                         promoter) < 0) {
            return -1;
        }
    }
    return 0;
}


/*
 * A loop table and the shape its rows share: operand counts and DTypes,
 * the default loop, flags every row gets, and the promoter that makes
 * operands of other types quad (NULL: none).
 */
#define QUAD_COUNT(table) (sizeof(table) / sizeof(*(table)))

typedef struct {
    const quad_loop *rows;
    size_t count;
    int nin, nout;
    PyArray_DTypeMeta **dtypes;
    PyArrayMethod_StridedLoop *loop;
    NPY_ARRAYMETHOD_FLAGS flags;
    PyArrayMethod_PromoterFunction *promoter;
} quad_shape;


static int
register_table(PyObject *umath, const quad_shape *shape)
{
    for (size_t i = 0; i < shape->count; i++) {
        const quad_loop *row = &shape->rows[i];
        if (register_loop(umath, row->ufunc, shape->nin, shape->nout, shape->dtypes,
                          row->loop != NULL ? row->loop : shape->loop, row->func,
                          row->flags | shape->flags, row->initial) < 0
                || (shape->promoter != NULL
                    && add_promoters(umath, row->ufunc, shape->promoter) < 0)) {
            return -1;
        }
    }
    return 0;
}


NPY_NO_EXPORT int
init_quad_ufuncs(PyObject *umath)
{
    PyArray_DTypeMeta *Q = &PyArray_QuadDType;
    PyArray_DTypeMeta *B = &PyArray_BoolDType;
    PyArray_DTypeMeta *unary[] = {Q, Q};
    PyArray_DTypeMeta *predicate[] = {Q, B};
    PyArray_DTypeMeta *binary[] = {Q, Q, Q};
    PyArray_DTypeMeta *relation[] = {Q, Q, B};
    /* divmod: two in, two out; clip: three in, one out */
    PyArray_DTypeMeta *two_outputs[] = {Q, Q, Q, Q};
    const NPY_ARRAYMETHOD_FLAGS quiet = NPY_METH_NO_FLOATINGPOINT_ERRORS;
    /* comparisons and predicates with NaN are quiet, as for the other floats */
    const quad_shape shapes[] = {
        {unary_loops, QUAD_COUNT(unary_loops), 1, 1, unary, unary_loop, 0, NULL},
        {predicate_loops, QUAD_COUNT(predicate_loops), 1, 1, predicate,
         predicate_loop, quiet, NULL},
        {binary_loops, QUAD_COUNT(binary_loops), 2, 1, binary, binary_loop, 0,
         quad_promoter},
        {product_loops, QUAD_COUNT(product_loops), 2, 1, binary, NULL, 0, quad_promoter},
        {relation_loops, QUAD_COUNT(relation_loops), 2, 1, relation,
         relation_loop, quiet, comparison_promoter},
    };

    NPY_CPU_DISPATCH_CALL(binary_strided = quad_binary_strided);
    NPY_CPU_DISPATCH_CALL(dot_strided = quad_dot_strided);
    NPY_CPU_DISPATCH_CALL(products_row_chains = quad_products_row);
    for (size_t i = 0; i < QUAD_COUNT(shapes); i++) {
        if (register_table(umath, &shapes[i]) < 0) {
            return -1;
        }
    }
    if (register_loop(umath, "divmod", 2, 2, two_outputs, divmod_loop, NULL, 0,
                      NULL) < 0
            || add_promoters(umath, "divmod", quad_promoter) < 0) {
        return -1;
    }
    if (register_loop(umath, "clip", 3, 1, two_outputs, clip_loop, NULL, quiet,
                      NULL) < 0
            || add_promoters(umath, "clip", quad_promoter) < 0) {
        return -1;
    }
    /* (`I` would be complex.h's imaginary unit) */
    PyArray_DTypeMeta *Long = &PyArray_LongDType;
    PyArray_DTypeMeta *Int = &PyArray_IntDType;
    PyArray_DTypeMeta *ldexp_long[] = {Q, Long, Q}, *ldexp_int[] = {Q, Int, Q};
    PyArray_DTypeMeta *frexp_dtypes[] = {Q, Q, Int};
    PyObject *ldexp = PyDict_GetItemString(umath, "ldexp");  /* borrowed */
    if (register_loop(umath, "ldexp", 2, 1, ldexp_long, ldexp_loop, NULL, 0,
                      NULL) < 0
            || register_loop(umath, "ldexp", 2, 1, ldexp_int, ldexp_loop,
                             NULL, 0, NULL) < 0
            || ldexp == NULL
            || add_promoter(ldexp, 1, Py_None, ldexp_promoter) < 0
            || add_promoter(ldexp, 1, (PyObject *)&PyArray_PyLongDType,
                            ldexp_promoter) < 0
            || register_loop(umath, "frexp", 1, 2, frexp_dtypes, frexp_loop,
                             NULL, quiet, NULL) < 0
            || register_loop(umath, "modf", 1, 2, binary, modf_loop, NULL,
                             quiet, NULL) < 0) {
        return -1;
    }
    return 0;
}
