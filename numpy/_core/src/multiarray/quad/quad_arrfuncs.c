/*
 * The NPY_QUAD descriptor and its legacy ArrFuncs (item access, copyswap,
 * compare, argmax/argmin, dot, fill), the finfo constants, and the set-up
 * that set_typeinfo calls to make np.dtype('quad') a builtin dtype.
 *
 * Elements may be unaligned or byte-swapped, so every access goes through
 * memcpy and an explicit 16-byte swap.
 */
#define NPY_NO_DEPRECATED_API NPY_API_VERSION
#define _MULTIARRAYMODULE

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "numpy/arrayobject.h"
#include "numpy/arrayscalars.h"
#include "numpy/npy_math.h"

#include "abstractdtypes.h"
#include "common.h"  /* NPY_ALIGNOF */
#include "dtypemeta.h"
#include "npy_static_data.h"
#include "scalartypes.h"  /* _npy_type_promotion_table */
#include "quadtype.h"


static PyObject *
QUAD_getitem(void *data, void *vap)
{
    PyArrayObject *ap = vap;
    npy_quad value = npy_quad_load(data);
    if (ap != NULL && PyArray_ISBYTESWAPPED(ap)) {
        quad_byteswap(&value);
    }
    PyObject *scalar = PyArrayScalar_New(Quad);
    if (scalar != NULL) {
        PyArrayScalar_VAL(scalar, Quad) = value;
    }
    return scalar;
}


static int
QUAD_setitem(PyArray_Descr *descr, PyObject *obj, char *data)
{
    npy_quad value;
    if (obj == Py_None) {
        /* as for the other float types: None is NaN */
        value = npy_quad_nan();
    }
    else if (quad_from_pyobject(obj, &value) < 0) {
        return -1;
    }
    /* descr is NULL on the scalar paths, which are native */
    if (descr != NULL && PyDataType_ISBYTESWAPPED(descr)) {
        quad_byteswap(&value);
    }
    npy_quad_store(data, value);
    return 0;
}


static int
QUAD_legacy_setitem(PyObject *obj, void *data, void *vap)
{
    PyArray_Descr *descr = vap == NULL ? NULL : PyArray_DESCR(vap);
    return QUAD_setitem(descr, obj, data);
}


static void
QUAD_copyswapn(void *dst, npy_intp dstride, void *src, npy_intp sstride,
               npy_intp n, int swap, void *NPY_UNUSED(arr))
{
    char *d = dst;
    const char *s = src;
    if (src != NULL) {
        for (npy_intp i = 0; i < n; i++, d += dstride, s += sstride) {
            memmove(d, s, sizeof(npy_quad));
        }
        d = dst;
    }
    if (swap) {
        for (npy_intp i = 0; i < n; i++, d += dstride) {
            quad_byteswap(d);
        }
    }
}


static void
QUAD_copyswap(void *dst, void *src, int swap, void *NPY_UNUSED(arr))
{
    if (src != NULL) {
        memmove(dst, src, sizeof(npy_quad));
    }
    if (swap) {
        quad_byteswap(dst);
    }
}


/* Total order for sorting: NaNs last, as for the other float types. */
static int
QUAD_compare(const void *pa, const void *pb, void *NPY_UNUSED(arr))
{
    npy_quad a = npy_quad_load(pa), b = npy_quad_load(pb);
    if (npy_quad_lt(a, b)) {
        return -1;
    }
    if (npy_quad_lt(b, a)) {
        return 1;
    }
    int a_nan = npy_quad_isnan(a), b_nan = npy_quad_isnan(b);
    return a_nan - b_nan;
}


/*
 * The index of the first element that is not `before` (le for the maximum,
 * ge for the minimum) every later one; the first NaN wins, as for float64.
 */
static npy_intp
quad_arg_extreme(const char *data, npy_intp n,
                 int (*before)(npy_quad, npy_quad))
{
    npy_quad best = npy_quad_load(data);
    npy_intp index = 0;
    for (npy_intp i = 1; i < n && !npy_quad_isnan(best); i++) {
        npy_quad value = npy_quad_load(data + i * sizeof(npy_quad));
        /* false for a better value, and for NaN */
        if (!before(value, best)) {
            best = value;
            index = i;
        }
    }
    return index;
}


static int
QUAD_argmax(void *data, npy_intp n, npy_intp *index, void *NPY_UNUSED(arr))
{
    *index = quad_arg_extreme(data, n, npy_quad_le);
    return 0;
}


static int
QUAD_argmin(void *data, npy_intp n, npy_intp *index, void *NPY_UNUSED(arr))
{
    *index = quad_arg_extreme(data, n, npy_quad_ge);
    return 0;
}


/* As every quad sum of products: one fused multiply-add per step */
static void
QUAD_dot(char *ip1, npy_intp is1, char *ip2, npy_intp is2, char *op,
         npy_intp n, void *NPY_UNUSED(ignore))
{
    npy_quad_store(op, npy_quad_from_int64(0));
    quad_dot(ip1, is1, ip2, is2, n, op);
}


static npy_bool
QUAD_nonzero(void *data, void *vap)
{
    /* swapped, the sign bit of -0.0 would read as a subnormal's low bit */
    PyArrayObject *ap = (PyArrayObject *)vap;
    npy_quad value = npy_quad_load(data);
    if (ap != NULL && PyArray_ISBYTESWAPPED(ap)) {
        quad_byteswap(&value);
    }
    return !npy_quad_iszero(value);
}


/* For arange: element i is start + i * delta, without accumulated error. */
static int
QUAD_fill(void *buffer, npy_intp length, void *NPY_UNUSED(ignored))
{
    char *p = buffer;
    npy_quad start = npy_quad_load(p);
    npy_quad delta = npy_quad_sub(npy_quad_load(p + sizeof(npy_quad)), start);
    for (npy_intp i = 2; i < length; i++) {
        npy_quad offset = npy_quad_mul(npy_quad_from_int64(i), delta);
        npy_quad_store(p + i * sizeof(npy_quad), npy_quad_add(start, offset));
    }
    return 0;
}


static int
QUAD_fillwithscalar(void *buffer, npy_intp length, void *value,
                    void *NPY_UNUSED(ignored))
{
    char *p = buffer;
    for (npy_intp i = 0; i < length; i++, p += sizeof(npy_quad)) {
        memcpy(p, value, sizeof(npy_quad));
    }
    return 0;
}


/*
 * Text input (np.fromstring and np.fromfile with a separator): a token is a
 * run of the characters a float literal can have, parsed exactly like
 * np.quad(text).  Underscores end a token: float64's text reader does not
 * take them either (np.quad("1_0") does, as float("1_0") does).  The
 * readers run without the GIL; the parser needs it.
 */
#define QUAD_TOKEN_MAX 4096

static int
is_literal_char(int c)
{
    return (c >= '0' && c <= '9')
           || (c != '\0' && strchr("+-.eEinfatyINFATY", c) != NULL);
}


/* 0 and *out set, or -1 if the token is not a number (no error left set). */
static int
quad_from_token(const char *token, Py_ssize_t length, npy_quad *out)
{
    NPY_ALLOW_C_API_DEF;
    NPY_ALLOW_C_API;
    PyObject *text = PyUnicode_DecodeASCII(token, length, NULL);
    int result = text == NULL ? -1 : quad_from_string(text, out);
    Py_XDECREF(text);
    if (result < 0) {
        /* the reader reports where the text stopped being numbers */
        PyErr_Clear();
    }
    NPY_DISABLE_C_API;
    return result;
}


static int
QUAD_fromstr(char *str, void *data, char **endptr,
             PyArray_Descr *NPY_UNUSED(ignore))
{
    char *start = str;
    while (Py_ISSPACE(*start)) {
        start++;
    }
    char *end = start;
    while (is_literal_char(*end)) {
        end++;
    }
    npy_quad value;
    if (end == start || quad_from_token(start, end - start, &value) < 0) {
        *endptr = str;
        return -1;
    }
    npy_quad_store(data, value);
    *endptr = end;
    return 0;
}


/* As fscanf: 1 when a value was read, 0 when the text is no number, EOF. */
static int
QUAD_scan(FILE *fp, void *data, void *NPY_UNUSED(ignore),
          PyArray_Descr *NPY_UNUSED(ignored))
{
    char token[QUAD_TOKEN_MAX];
    Py_ssize_t length = 0;
    int c = getc(fp);
    while (c != EOF && Py_ISSPACE(c)) {
        c = getc(fp);
    }
    if (c == EOF) {
        return EOF;
    }
    while (c != EOF && is_literal_char(c) && length < QUAD_TOKEN_MAX) {
        token[length++] = (char)c;
        c = getc(fp);
    }
    if (c != EOF) {
        ungetc(c, fp);
    }
    npy_quad value;
    if (length == 0 || length == QUAD_TOKEN_MAX
            || quad_from_token(token, length, &value) < 0) {
        return 0;
    }
    npy_quad_store(data, value);
    return 1;
}


/*
 * Legacy casts to and from the string dtypes: str(q) is the shortest text
 * that reads back as q, and text is parsed exactly, as np.quad(text) does
 * (quadtype.h).  Neither makes a Python object per element.  NumPy hands a
 * legacy cast native byte order only (it wraps the cast in byte swaps).
 */

/* text as the length code points of a U item, zero-padded */
static void
store_ucs4(char *item, npy_intp length, const char *text, npy_intp text_length)
{
    for (npy_intp i = 0; i < length; i++) {
        Py_UCS4 c = i < text_length ? (unsigned char)text[i] : 0;
        memcpy(item + i * sizeof(c), &c, sizeof(c));
    }
}


static void
quad_to_flexible(void *input, void *output, npy_intp n,
                 void *NPY_UNUSED(vaip), void *vaop)
{
    PyArrayObject *aop = vaop;
    int unicode = PyArray_TYPE(aop) == NPY_UNICODE;
    npy_intp out_size = PyArray_ITEMSIZE(aop);
    char *ip = input, *op = output;

    for (npy_intp i = 0; i < n; i++, ip += sizeof(npy_quad), op += out_size) {
        const char *text = quad_scalar_text(npy_quad_load(ip));
        if (text == NULL) {
            return;
        }
        /* truncated to the item, as for the other floats */
        npy_intp length = (npy_intp)strlen(text);
        if (unicode) {
            store_ucs4(op, out_size / 4, text, length);
        }
        else {
            npy_intp kept = length < out_size ? length : out_size;
            memcpy(op, text, kept);
            memset(op + kept, 0, out_size - kept);
        }
    }
}


/* An S or U item's text: trailing NULs are padding, as getitem strips them */
static int
flexible_item_to_quad(const char *item, npy_intp size, int unicode, npy_quad *out)
{
    if (unicode) {
        npy_intp length = size / 4;
        for (; length > 0; length--) {
            npy_uint32 last;
            memcpy(&last, item + (length - 1) * 4, sizeof(last));
            if (last != 0) {
                break;
            }
        }
        return quad_from_ucs4(item, length, out);
    }
    while (size > 0 && item[size - 1] == '\0') {
        size--;
    }
    return quad_from_bytes(item, size, out);
}


static void
flexible_to_quad(void *input, void *output, npy_intp n,
                 void *vaip, void *NPY_UNUSED(vaop))
{
    PyArrayObject *aip = vaip;
    int unicode = PyArray_TYPE(aip) == NPY_UNICODE;
    npy_intp in_size = PyArray_ITEMSIZE(aip);
    char *ip = input, *op = output;

    for (npy_intp i = 0; i < n; i++, ip += in_size, op += sizeof(npy_quad)) {
        npy_quad value;
        if (flexible_item_to_quad(ip, in_size, unicode, &value) < 0) {
            return;
        }
        npy_quad_store(op, value);
    }
}


static PyArray_ArrFuncs quad_arrfuncs = {
    .cast = {
        [NPY_STRING] = quad_to_flexible,
        [NPY_UNICODE] = quad_to_flexible,
    },
    .getitem = QUAD_getitem,
    .setitem = QUAD_legacy_setitem,
    .copyswapn = QUAD_copyswapn,
    .copyswap = QUAD_copyswap,
    .compare = QUAD_compare,
    .sort = {
        [NPY_QUICKSORT] = quad_quicksort,
        [NPY_STABLESORT] = quad_mergesort,
    },
    .argsort = {
        [NPY_QUICKSORT] = quad_aquicksort,
        [NPY_STABLESORT] = quad_amergesort,
    },
    .argmax = QUAD_argmax,
    .dotfunc = (PyArray_DotFunc *)QUAD_dot,
    .scanfunc = (PyArray_ScanFunc *)QUAD_scan,
    .fromstr = QUAD_fromstr,
    .nonzero = QUAD_nonzero,
    .fill = QUAD_fill,
    .fillwithscalar = QUAD_fillwithscalar,
    .argmin = QUAD_argmin,
};


NPY_NO_EXPORT _PyArray_LegacyDescr QUAD_Descr = {
    PyObject_HEAD_INIT(&PyArrayDescr_Type)
    .typeobj = &PyQuadArrType_Type,
    .kind = NPY_FLOATINGLTR,
    .type = NPY_QUADLTR,
    .byteorder = '=',
    .flags = 0,
    .type_num = NPY_QUAD,
    .elsize = sizeof(npy_quad),
    .alignment = NPY_ALIGNOF(npy_quad),
    .hash = -1,
};


/* The values np.finfo(np.quad) reports: IEEE 754 binary128. */
static int
QUAD_get_constant(PyArray_Descr *descr, int constant_id, void *ptr)
{
    npy_quad value;
    switch (constant_id) {
        case NPY_CONSTANT_zero:
            value = npy_quad_from_words(0, 0);
            break;
        case NPY_CONSTANT_one:
            value = npy_quad_from_words(NPY_QUAD_ONE_HI, 0);
            break;
        case NPY_CONSTANT_minimum_finite:
            value = npy_quad_from_words(NPY_QUAD_SIGN_HI | NPY_QUAD_MAX_HI, NPY_QUAD_MAX_LO);
            break;
        case NPY_CONSTANT_maximum_finite:
            value = npy_quad_from_words(NPY_QUAD_MAX_HI, NPY_QUAD_MAX_LO);
            break;
        case NPY_CONSTANT_inf:
            value = npy_quad_from_words(NPY_QUAD_PINF_HI, 0);
            break;
        case NPY_CONSTANT_nan:
            value = npy_quad_from_words(NPY_QUAD_NAN_HI, 0);
            break;
        case NPY_CONSTANT_finfo_radix:
            value = npy_quad_from_int64(2);
            break;
        case NPY_CONSTANT_finfo_eps:
            value = npy_quad_from_words(NPY_QUAD_EPS_HI, 0);
            break;
        case NPY_CONSTANT_finfo_smallest_normal:
            value = npy_quad_from_words(NPY_QUAD_TINY_HI, 0);
            break;
        case NPY_CONSTANT_finfo_smallest_subnormal:
            value = npy_quad_from_words(0, 1);
            break;
        case NPY_CONSTANT_finfo_nmant:
            *(npy_intp *)ptr = NPY_QUAD_NMANT;
            return 1;
        case NPY_CONSTANT_finfo_min_exp:
            *(npy_intp *)ptr = NPY_QUAD_MINEXP;
            return 1;
        case NPY_CONSTANT_finfo_max_exp:
            *(npy_intp *)ptr = NPY_QUAD_MAXEXP;
            return 1;
        case NPY_CONSTANT_finfo_decimal_digits:
            *(npy_intp *)ptr = NPY_QUAD_DIG;
            return 1;
        default:
            return 0;
    }
    QUAD_copyswap(ptr, &value, PyDataType_ISBYTESWAPPED(descr), NULL);
    return 1;
}


/* Registers a legacy cast function in `from`'s castdict. */
static int
add_legacy_cast(PyArray_Descr *from, int to_type_num,
                PyArray_VectorUnaryFunc *cast)
{
    PyArray_ArrFuncs *arrfuncs = PyDataType_GetArrFuncs(from);
    if (arrfuncs->castdict == NULL) {
        arrfuncs->castdict = PyDict_New();
        if (arrfuncs->castdict == NULL) {
            return -1;
        }
    }
    PyObject *key = PyLong_FromLong(to_type_num);
    PyObject *capsule = PyCapsule_New((void *)cast, NULL, NULL);
    int result = -1;
    if (key != NULL && capsule != NULL) {
        result = PyDict_SetItem(arrfuncs->castdict, key, capsule);
    }
    Py_XDECREF(key);
    Py_XDECREF(capsule);
    return result;
}


/*
 * Quad holds every integer and real float type exactly, but no complex type
 * holds a quad: there is no common type with complex (an error, rather than
 * object or a lossy clongdouble).  The holes at NPY_CHAR and NPY_NOTYPE
 * promote with nothing.
 */
NPY_NO_EXPORT void
quad_fill_promotion_table(void)
{
    for (int i = 0; i < NPY_NTYPES_BUILTIN; i++) {
        int common = -1;
        if (i == NPY_BOOL || PyTypeNum_ISINTEGER(i) || PyTypeNum_ISFLOAT(i)) {
            common = NPY_QUAD;
        }
        else if (i == NPY_OBJECT) {
            common = NPY_OBJECT;
        }
        for (int hole = NPY_NTYPES_LEGACY; hole < NPY_QUAD; hole++) {
            _npy_type_promotion_table[i][hole] = -1;
            _npy_type_promotion_table[hole][i] = -1;
        }
        _npy_type_promotion_table[i][NPY_QUAD] = common;
        _npy_type_promotion_table[NPY_QUAD][i] = common;
    }
}


/*
 * Called from set_typeinfo, after the other builtin DTypes exist: wraps
 * QUAD_Descr in its DType class and adds 'quad' to the typeinfo dict that
 * numpy's Python layer builds np.quad, sctypeDict and sctypes from.
 */
NPY_NO_EXPORT int
quad_setup_dtype(PyObject *typeinfo)
{
    QUAD_Descr.fields = Py_None;
    PyArray_DTypeMeta *dtypemeta = dtypemeta_wrap_legacy_descriptor(
            &QUAD_Descr, &quad_arrfuncs,
            (PyTypeObject *)&PyArray_FloatAbstractDType,
            "numpy.dtypes.QuadDType", NULL);
    if (dtypemeta == NULL) {
        return -1;
    }
    NPY_DT_SLOTS(dtypemeta)->setitem = QUAD_setitem;
    NPY_DT_SLOTS(dtypemeta)->get_constant = QUAD_get_constant;
    npy_static_cdata._letter_to_num[NPY_QUADLTR - '?'] = NPY_QUAD;

    PyArray_Descr *string = PyArray_DescrFromType(NPY_STRING);
    PyArray_Descr *unicode = PyArray_DescrFromType(NPY_UNICODE);
    int result = -1;
    if (string == NULL || unicode == NULL) {
        goto finish;
    }
    if (add_legacy_cast(string, NPY_QUAD, flexible_to_quad) < 0
            || add_legacy_cast(unicode, NPY_QUAD, flexible_to_quad) < 0) {
        goto finish;
    }
    if (PyDict_SetItemString(typeinfo, "quad", (PyObject *)&QUAD_Descr) < 0
            || PyDict_SetItemString(
                    typeinfo, "NPY_QUAD", (PyObject *)&QUAD_Descr) < 0) {
        goto finish;
    }
    result = 0;
  finish:
    Py_XDECREF(string);
    Py_XDECREF(unicode);
    return result;
}
