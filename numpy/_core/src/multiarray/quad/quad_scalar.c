/*
 * np.quad, the scalar type of NPY_QUAD.
 *
 * Construction and conversion out are exact (quad_convert.c); str and repr
 * print the shortest text that reads back as the same value (Dragon4's
 * binary128 path).  Arithmetic and comparisons between quad scalars and
 * Python or NumPy real numbers are computed here directly, with the same
 * floating point error handling as the ufuncs; anything else takes the
 * generic scalar path through the ufuncs.
 */
#define NPY_NO_DEPRECATED_API NPY_API_VERSION
#define _MULTIARRAYMODULE
#define _UMATHMODULE

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "numpy/arrayobject.h"
#include "numpy/arrayscalars.h"
#include "numpy/npy_math.h"
#include "numpy/ufuncobject.h"

#include "dragon4.h"
#include "multiarraymodule.h"  /* get_legacy_print_mode */
#include "npy_static_data.h"  /* the interned names */
#include "quadtype.h"


static PyObject *
quad_scalar_new_value(npy_quad value)
{
    PyObject *scalar = PyArrayScalar_New(Quad);
    if (scalar != NULL) {
        PyArrayScalar_VAL(scalar, Quad) = value;
    }
    return scalar;
}


static PyObject *
quad_arrtype_new(PyTypeObject *type, PyObject *args, PyObject *kwds)
{
    static char *kwnames[] = {"", NULL};  /* positional-only */
    PyObject *value = NULL;
    npy_quad quad = npy_quad_from_int64(0);

    if (!PyArg_ParseTupleAndKeywords(args, kwds, "|O:quad", kwnames, &value)) {
        return NULL;
    }
    if (value != NULL && (PyArray_Check(value) || PyList_Check(value)
                          || PyTuple_Check(value))) {
        /* like np.float64([1, 2]): an array, or a scalar for 0-d input */
        PyArray_Descr *descr = PyArray_DescrFromType(NPY_QUAD);
        if (descr == NULL) {
            return NULL;
        }
        PyObject *array = PyArray_FromAny(
                value, descr, 0, 0, NPY_ARRAY_FORCECAST, NULL);
        if (array == NULL || PyArray_NDIM((PyArrayObject *)array) > 0) {
            return array;
        }
        if (quad_from_pyobject(array, &quad) < 0) {
            Py_DECREF(array);
            return NULL;
        }
        Py_DECREF(array);
    }
    else if (value != NULL && quad_from_pyobject(value, &quad) < 0) {
        return NULL;
    }
    PyObject *scalar = type->tp_alloc(type, 0);
    if (scalar != NULL) {
        PyArrayScalar_VAL(scalar, Quad) = quad;
    }
    return scalar;
}


/*
 * As for float64: positional notation between 1e-4 and 1e16, scientific
 * outside, always the shortest digits that round-trip.
 */
NPY_NO_EXPORT const char *
quad_scalar_text(npy_quad value)
{
    npy_quad magnitude = npy_quad_absolute(value);
    int positional = npy_quad_isnan(value) || npy_quad_iszero(value) || (
            npy_quad_lt(magnitude, npy_quad_from_double(1e16))
            && npy_quad_ge(magnitude, npy_quad_from_double(1e-4)));
    if (positional) {
        return Dragon4_Quad_Shortest(&value, 0, TrimMode_LeaveOneZero);
    }
    return Dragon4_Quad_Shortest(&value, 1, TrimMode_DptZeros);
}


NPY_NO_EXPORT PyObject *
quad_scalar_str(npy_quad value)
{
    const char *text = quad_scalar_text(value);
    return text == NULL ? NULL : PyUnicode_FromString(text);
}


static PyObject *
quadtype_str(PyObject *self)
{
    return quad_scalar_str(PyArrayScalar_VAL(self, Quad));
}


static PyObject *
quadtype_repr(PyObject *self)
{
    PyObject *string = quad_scalar_str(PyArrayScalar_VAL(self, Quad));
    if (string == NULL) {
        return NULL;
    }
    int legacy_print_mode = get_legacy_print_mode();
    if (legacy_print_mode == -1) {
        Py_DECREF(string);
        return NULL;
    }
    if (legacy_print_mode > 125) {
        /* quoted, as a float literal would be rounded to double */
        Py_SETREF(string, PyUnicode_FromFormat("np.quad('%S')", string));
    }
    return string;
}


static Py_hash_t
quadtype_hash(PyObject *self)
{
    return quad_hash(PyArrayScalar_VAL(self, Quad), self);
}


/*
 * The real numbers whose values a quad holds exactly: these combine with a
 * quad into a quad.  Returns 1 and sets *out, 0 for other objects, -1 on
 * error.
 */
static int
quad_operand(PyObject *obj, npy_quad *out)
{
    if (PyArray_IsScalar(obj, Quad) || PyFloat_Check(obj)
            || PyLong_Check(obj) || PyArray_IsScalar(obj, Integer)
            || PyArray_IsScalar(obj, Floating) || PyArray_IsScalar(obj, Bool)) {
        return quad_from_pyobject(obj, out) < 0 ? -1 : 1;
    }
    return 0;
}


/*
 * Both operands as quads: 1, or 0 when one is not a real number a quad
 * holds exactly (the generic scalar path takes those), -1 on error.
 */
static int
quad_operands(PyObject *a, PyObject *b, npy_quad *x, npy_quad *y)
{
    int a_is_quad = quad_operand(a, x);
    if (a_is_quad <= 0) {
        return a_is_quad;
    }
    return quad_operand(b, y);
}


/* Raises as np.errstate says for the flags `name` left behind; 0 or -1. */
static int
quad_check_flags(npy_quad value, const char *name)
{
    int fpes = npy_get_floatstatus_barrier((char *)&value);
    if (fpes && PyUFunc_GiveFloatingpointErrors(name, fpes) < 0) {
        return -1;
    }
    return 0;
}


static PyObject *
quad_result(npy_quad value, const char *name)
{
    if (quad_check_flags(value, name) < 0) {
        return NULL;
    }
    return quad_scalar_new_value(value);
}


#define QUAD_BINARY_OP(name, npymath_op, slot)                              \
static PyObject *                                                          \
quadtype_##name(PyObject *a, PyObject *b)                                  \
{                                                                          \
    npy_quad x, y;                                                         \
    int both = quad_operands(a, b, &x, &y);                                \
    if (both <= 0) {                                                       \
        return both < 0 ? NULL                                             \
                        : PyGenericArrType_Type.tp_as_number->slot(a, b);  \
    }                                                                      \
    npy_clear_floatstatus_barrier((char *)&x);                             \
    return quad_result(npymath_op(x, y), "scalar " #name);                 \
}

QUAD_BINARY_OP(add, npy_quad_add, nb_add)
QUAD_BINARY_OP(subtract, npy_quad_sub, nb_subtract)
QUAD_BINARY_OP(multiply, npy_quad_mul, nb_multiply)
QUAD_BINARY_OP(divide, npy_quad_div, nb_true_divide)
QUAD_BINARY_OP(floor_divide, npy_quad_floor_divide, nb_floor_divide)
QUAD_BINARY_OP(remainder, npy_quad_remainder, nb_remainder)

#undef QUAD_BINARY_OP


static PyObject *
quadtype_divmod(PyObject *a, PyObject *b)
{
    npy_quad x, y, modulo;
    int both = quad_operands(a, b, &x, &y);
    if (both <= 0) {
        return both < 0 ? NULL : PyGenericArrType_Type.tp_as_number->nb_divmod(a, b);
    }
    npy_clear_floatstatus_barrier((char *)&x);
    npy_quad quotient = npy_quad_divmod(x, y, &modulo);
    if (quad_check_flags(quotient, "scalar divmod") < 0) {
        return NULL;
    }
    PyObject *q = quad_scalar_new_value(quotient);
    PyObject *r = q == NULL ? NULL : quad_scalar_new_value(modulo);
    PyObject *pair = r == NULL ? NULL : PyTuple_Pack(2, q, r);
    /* PyTuple_Pack took its own references */
    Py_XDECREF(q);
    Py_XDECREF(r);
    return pair;
}


/* x ** y; with a third argument (pow(x, y, m)), the generic path refuses. */
static PyObject *
quadtype_power(PyObject *a, PyObject *b, PyObject *modulo)
{
    npy_quad x, y;
    int both = modulo == Py_None ? quad_operands(a, b, &x, &y) : 0;
    if (both <= 0) {
        return both < 0 ? NULL
                        : PyGenericArrType_Type.tp_as_number->nb_power(a, b, modulo);
    }
    npy_clear_floatstatus_barrier((char *)&x);
    return quad_result(npy_quad_pow(x, y), "scalar power");
}


static PyObject *
quadtype_negative(PyObject *self)
{
    return quad_scalar_new_value(
            npy_quad_negative(PyArrayScalar_VAL(self, Quad)));
}


static PyObject *
quadtype_positive(PyObject *self)
{
    return quad_scalar_new_value(PyArrayScalar_VAL(self, Quad));
}


static PyObject *
quadtype_absolute(PyObject *self)
{
    return quad_scalar_new_value(
            npy_quad_absolute(PyArrayScalar_VAL(self, Quad)));
}


static int
quadtype_bool(PyObject *self)
{
    return !npy_quad_iszero(PyArrayScalar_VAL(self, Quad));
}


static PyObject *
quadtype_float(PyObject *self)
{
    npy_quad value = PyArrayScalar_VAL(self, Quad);
    /* rounding to double is no error here, as for float(np.longdouble) */
    double result = npy_quad_to_double(value);
    npy_clear_floatstatus_barrier((char *)&result);
    return PyFloat_FromDouble(result);
}


static PyObject *
quadtype_int(PyObject *self)
{
    return quad_to_pylong(PyArrayScalar_VAL(self, Quad));
}


/*
 * Whether `other` is a number that compares with a quad exactly by its
 * ratio (as Python's float compares with int, Fraction and Decimal): a
 * Python int too long for a quad, or anything but a float with
 * as_integer_ratio (Fraction, Decimal).
 */
static int
compares_by_ratio(PyObject *other)
{
    if (PyLong_Check(other)) {
        return _PyLong_NumBits(other) > NPY_QUAD_MANT_DIG;
    }
    if (PyArray_Check(other) || PyArray_IsScalar(other, Generic) || PyFloat_Check(other)) {
        /* a float converts to quad exactly */
        return 0;
    }
    return PyObject_HasAttr(other, npy_interned_str.as_integer_ratio);
}

/*
 * Whether q <op> other holds, exactly, for a compares_by_ratio `other`:
 * 1 or 0, -1 on error.
 */
static int
quad_compare_exactly(npy_quad q, PyObject *other, int cmp_op)
{
    PyObject *ours = NULL, *theirs = NULL, *left = NULL, *right = NULL;
    int result = -1;
    if (PyLong_Check(other)) {
        theirs = Py_BuildValue("(Oi)", other, 1);
    }
    else {
        theirs = PyObject_CallMethodNoArgs(
                other, npy_interned_str.as_integer_ratio);
        if (theirs == NULL && (PyErr_ExceptionMatches(PyExc_ValueError)
                               || PyErr_ExceptionMatches(PyExc_OverflowError))) {
            /* a NaN or infinite Decimal: exact as a double */
            PyErr_Clear();
            npy_quad value;
            if (quad_from_pyobject(other, &value) < 0) {
                return -1;
            }
            PyObject *quad = quad_scalar_new_value(value);
            PyObject *self = quad_scalar_new_value(q);
            if (quad != NULL && self != NULL) {
                result = PyObject_RichCompareBool(self, quad, cmp_op);
            }
            Py_XDECREF(quad);
            Py_XDECREF(self);
            return result;
        }
    }
    if (theirs == NULL) {
        return -1;
    }
    if (npy_quad_isnan(q) || npy_quad_isinf(q)) {
        /* against any finite number: NaN is unordered, inf beyond it */
        int sign = npy_quad_isnan(q) ? 0 : (npy_quad_signbit(q) ? -1 : 1);
        int truth;
        switch (cmp_op) {
            case Py_EQ: truth = 0; break;
            case Py_NE: truth = 1; break;
            case Py_LT: case Py_LE: truth = sign < 0; break;
            default: truth = sign > 0; break;
        }
        Py_DECREF(theirs);
        return truth;
    }
    ours = quad_as_integer_ratio(q);
    if (ours != NULL && PyTuple_Check(theirs) && PyTuple_GET_SIZE(theirs) == 2) {
        /* p/q <op> r/s with q, s > 0: p*s <op> r*q */
        left = PyNumber_Multiply(PyTuple_GET_ITEM(ours, 0),
                                 PyTuple_GET_ITEM(theirs, 1));
        right = PyNumber_Multiply(PyTuple_GET_ITEM(theirs, 0),
                                  PyTuple_GET_ITEM(ours, 1));
        if (left != NULL && right != NULL) {
            result = PyObject_RichCompareBool(left, right, cmp_op);
        }
    }
    else if (ours != NULL) {
        PyErr_Format(PyExc_TypeError,
                "%s.as_integer_ratio() did not return a pair",
                Py_TYPE(other)->tp_name);
    }
    Py_XDECREF(ours);
    Py_XDECREF(theirs);
    Py_XDECREF(left);
    Py_XDECREF(right);
    return result;
}


static PyObject *
quadtype_richcompare(PyObject *self, PyObject *other, int cmp_op)
{
    npy_quad x, y;
    if (PyArray_IsScalar(self, Quad) && compares_by_ratio(other)) {
        int truth = quad_compare_exactly(PyArrayScalar_VAL(self, Quad), other, cmp_op);
        if (truth < 0) {
            return NULL;
        }
        if (!PyLong_Check(other)) {
            /* Fraction, Decimal: a Python bool, as they give for float64 */
            return PyBool_FromLong(truth);
        }
        /* an int: NumPy's bool, as float64 == int gives */
        PyArrayScalar_RETURN_BOOL_FROM_LONG(truth);
    }
    int self_is_quad = quad_operand(self, &x);
    int other_is_quad = self_is_quad > 0 ? quad_operand(other, &y) : 0;
    if (self_is_quad < 0 || other_is_quad < 0) {
        return NULL;
    }
    if (!other_is_quad) {
        return PyGenericArrType_Type.tp_richcompare(self, other, cmp_op);
    }
    int result;
    switch (cmp_op) {
        case Py_LT: result = npy_quad_lt(x, y); break;
        case Py_LE: result = npy_quad_le(x, y); break;
        case Py_EQ: result = npy_quad_eq(x, y); break;
        case Py_NE: result = npy_quad_ne(x, y); break;
        case Py_GT: result = npy_quad_gt(x, y); break;
        default: result = npy_quad_ge(x, y); break;
    }
    /* comparisons with NaN are quiet, as for the comparison ufuncs */
    npy_clear_floatstatus_barrier((char *)&result);
    PyArrayScalar_RETURN_BOOL_FROM_LONG(result);
}


static PyObject *
quadtype_as_integer_ratio(PyObject *self, PyObject *NPY_UNUSED(args))
{
    return quad_as_integer_ratio(PyArrayScalar_VAL(self, Quad));
}


static PyObject *
quadtype_is_integer(PyObject *self, PyObject *NPY_UNUSED(args))
{
    npy_quad value = PyArrayScalar_VAL(self, Quad);
    int is_integer = npy_quad_isfinite(value)
                     && npy_quad_eq(npy_quad_trunc(value), value);
    return PyBool_FromLong(is_integer);
}


/* format(q, spec) formats the exact decimal value (numpy._core._quad). */
static PyObject *
quadtype_format(PyObject *self, PyObject *args)
{
    PyObject *format_spec;
    if (!PyArg_ParseTuple(args, "U:__format__", &format_spec)) {
        return NULL;
    }
    PyObject *module = PyImport_ImportModule("numpy._core._quad");
    if (module == NULL) {
        return NULL;
    }
    PyObject *result = PyObject_CallMethod(
            module, "format_quad", "OO", self, format_spec);
    Py_DECREF(module);
    return result;
}


/*
 * The 16 bytes, read-only.  PEP 3118 has no binary128 code, so the format
 * is the type character 'Y': struct and NumPy refuse it instead of reading
 * the bytes as something else.
 */
static int
quadtype_getbuffer(PyObject *self, Py_buffer *view, int flags)
{
    static char format[] = "Y";

    if ((flags & PyBUF_WRITABLE) == PyBUF_WRITABLE) {
        PyErr_SetString(PyExc_BufferError, "scalar buffer is readonly");
        return -1;
    }
    view->ndim = 0;
    view->len = sizeof(npy_quad);
    view->itemsize = sizeof(npy_quad);
    view->shape = NULL;
    view->strides = NULL;
    view->suboffsets = NULL;
    view->readonly = 1;
    view->obj = Py_NewRef(self);
    view->buf = &PyArrayScalar_VAL(self, Quad);
    view->format = (flags & PyBUF_FORMAT) == PyBUF_FORMAT ? format : NULL;
    view->internal = NULL;
    return 0;
}


static PyBufferProcs quadtype_as_buffer = {
    .bf_getbuffer = quadtype_getbuffer,
};


static PyMethodDef quadtype_methods[] = {
    {"as_integer_ratio", quadtype_as_integer_ratio, METH_NOARGS, NULL},
    {"is_integer", quadtype_is_integer, METH_NOARGS, NULL},
    {"__format__", quadtype_format, METH_VARARGS, NULL},
    {NULL, NULL, 0, NULL}
};


static PyNumberMethods quadtype_as_number = {
    .nb_add = quadtype_add,
    .nb_subtract = quadtype_subtract,
    .nb_multiply = quadtype_multiply,
    .nb_true_divide = quadtype_divide,
    .nb_floor_divide = quadtype_floor_divide,
    .nb_remainder = quadtype_remainder,
    .nb_divmod = quadtype_divmod,
    .nb_power = quadtype_power,
    .nb_negative = quadtype_negative,
    .nb_positive = quadtype_positive,
    .nb_absolute = quadtype_absolute,
    .nb_bool = quadtype_bool,
    .nb_float = quadtype_float,
    .nb_int = quadtype_int,
};


/* tp_base (np.floating) is set by setup_scalartypes. */
NPY_NO_EXPORT PyTypeObject PyQuadArrType_Type = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "numpy.quad",
    .tp_basicsize = sizeof(PyQuadScalarObject),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_BASETYPE,
    .tp_new = quad_arrtype_new,
    .tp_repr = quadtype_repr,
    .tp_str = quadtype_str,
    .tp_hash = quadtype_hash,
    .tp_richcompare = quadtype_richcompare,
    .tp_as_number = &quadtype_as_number,
    .tp_as_buffer = &quadtype_as_buffer,
    .tp_methods = quadtype_methods,
};
