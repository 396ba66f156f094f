/*
 * Casts between NPY_QUAD and the other numeric dtypes, registered as
 * ArrayMethods (the string casts are legacy ones, see quad_arrfuncs.c).
 *
 * Every bool, integer and real float type converts into quad exactly, so
 * those casts are safe.  Out of quad, each conversion is one correct
 * rounding (npymath's npy_quad_to_*): quad -> float32 never passes through a
 * rounded double.  long double converts by value, never as a bit copy, even
 * though both are 16 bytes of kind 'f' on x86-64.
 *
 * numpy-quaddtype's QuadPrecDType, a DType of its own loaded from a wheel
 * built against stock NumPy, gets its casts to and from np.quad the first
 * time one is asked for (quad_peer_casting_impl, at the end).
 */
#define NPY_NO_DEPRECATED_API NPY_API_VERSION
#define _MULTIARRAYMODULE

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "numpy/arrayobject.h"
#include "numpy/halffloat.h"
#include "numpy/npy_math.h"

#include "npy_config.h"
#include "array_method.h"
#include "convert_datatype.h"
#include "dtypemeta.h"
#include "fast_loop_macros.h"
#include "quadtype.h"

/*
 * A strided loop converting `from_type` values to `to_type` with
 * CONVERT(value); loads and stores go through memcpy, so unaligned data is
 * fine.  QUAD_CAST_LOOPS makes the pair for one type: name_to_quad with
 * TO_QUAD and quad_to_name with FROM_QUAD.
 */
#define QUAD_CAST_LOOP(loop_name, from_type, to_type, CONVERT)              \
static int                                                                  \
loop_name(PyArrayMethod_Context *NPY_UNUSED(context),                       \
          char *const args[], npy_intp const dimensions[],                  \
          npy_intp const steps[], NpyAuxData *NPY_UNUSED(auxdata))          \
{                                                                           \
    UNARY_LOOP {                                                            \
        from_type value;                                                    \
        memcpy(&value, ip1, sizeof(value));                                 \
        to_type result = CONVERT(value);                                    \
        memcpy(op1, &result, sizeof(result));                               \
    }                                                                       \
    return 0;                                                               \
}

#define QUAD_CAST_LOOPS(name, ctype, TO_QUAD, FROM_QUAD)                    \
    QUAD_CAST_LOOP(name##_to_quad, ctype, npy_quad, TO_QUAD)                \
    QUAD_CAST_LOOP(quad_to_##name, npy_quad, ctype, FROM_QUAD)

#define FROM_SIGNED(value) npy_quad_from_int64((npy_int64)(value))
#define FROM_UNSIGNED(value) npy_quad_from_uint64((npy_uint64)(value))
#define TO_BOOL(quad) ((npy_bool)!npy_quad_iszero(quad))

QUAD_CAST_LOOPS(bool, npy_bool, FROM_SIGNED, TO_BOOL)
/*
 * The integer casts behave as float64's do on x86-64, value for value and
 * warning for warning: narrow types go through a 32-bit conversion (NaN and
 * values outside int32 give INT32_MIN with invalid, then wrap), uint32
 * through a 64-bit one, uint64 wraps negative values and gives 0 from
 * 2**64 on.
 */
static inline npy_int32
quad_to_int32(npy_quad quad)
{
    npy_int64 value = npy_quad_to_int64(quad);
    if (value < NPY_MIN_INT32 || value > NPY_MAX_INT32) {
        npy_set_floatstatus_invalid();
        return NPY_MIN_INT32;
    }
    return (npy_int32)value;
}

static inline npy_uint64
quad_to_uint64(npy_quad quad)
{
    if (npy_quad_signbit(quad) || npy_quad_isnan(quad)) {
        return (npy_uint64)npy_quad_to_int64(quad);
    }
    if (npy_quad_ge(quad, npy_quad_ldexp(npy_quad_from_int64(1), 64))) {
        npy_set_floatstatus_invalid();
        return 0;
    }
    return npy_quad_to_uint64(quad);
}

QUAD_CAST_LOOPS(byte, npy_byte, FROM_SIGNED, (npy_byte)quad_to_int32)
QUAD_CAST_LOOPS(short, npy_short, FROM_SIGNED, (npy_short)quad_to_int32)
QUAD_CAST_LOOPS(int, npy_int, FROM_SIGNED, (npy_int)quad_to_int32)
QUAD_CAST_LOOPS(long, npy_long, FROM_SIGNED, (npy_long)npy_quad_to_int64)
QUAD_CAST_LOOPS(longlong, npy_longlong, FROM_SIGNED,
                (npy_longlong)npy_quad_to_int64)
QUAD_CAST_LOOPS(ubyte, npy_ubyte, FROM_UNSIGNED, (npy_ubyte)quad_to_int32)
QUAD_CAST_LOOPS(ushort, npy_ushort, FROM_UNSIGNED, (npy_ushort)quad_to_int32)
QUAD_CAST_LOOPS(uint, npy_uint, FROM_UNSIGNED, (npy_uint)npy_quad_to_int64)
QUAD_CAST_LOOPS(ulong, npy_ulong, FROM_UNSIGNED, (npy_ulong)quad_to_uint64)
QUAD_CAST_LOOPS(ulonglong, npy_ulonglong, FROM_UNSIGNED,
                (npy_ulonglong)quad_to_uint64)
QUAD_CAST_LOOPS(half, npy_half, npy_quad_from_half, npy_quad_to_half)
QUAD_CAST_LOOPS(float, npy_float, npy_quad_from_float, npy_quad_to_float)
QUAD_CAST_LOOPS(double, npy_double, npy_quad_from_double, npy_quad_to_double)
QUAD_CAST_LOOPS(longdouble, npy_longdouble,
                npy_quad_from_longdouble, npy_quad_to_longdouble)

#undef FROM_SIGNED
#undef FROM_UNSIGNED
#undef TO_BOOL

/* Complex values are (real, imag) pairs; only the real part is kept. */
typedef struct { npy_float parts[2]; } quad_cfloat;
typedef struct { npy_double parts[2]; } quad_cdouble;
typedef struct { npy_longdouble parts[2]; } quad_clongdouble;

static inline npy_quad
cfloat_real(quad_cfloat value) { return npy_quad_from_float(value.parts[0]); }
static inline npy_quad
cdouble_real(quad_cdouble value) { return npy_quad_from_double(value.parts[0]); }
static inline npy_quad
clongdouble_real(quad_clongdouble value)
{
    return npy_quad_from_longdouble(value.parts[0]);
}
static inline quad_cfloat
cfloat_from_quad(npy_quad quad)
{
    return (quad_cfloat){{npy_quad_to_float(quad), 0}};
}
static inline quad_cdouble
cdouble_from_quad(npy_quad quad)
{
    return (quad_cdouble){{npy_quad_to_double(quad), 0}};
}
static inline quad_clongdouble
clongdouble_from_quad(npy_quad quad)
{
    return (quad_clongdouble){{npy_quad_to_longdouble(quad), 0}};
}

QUAD_CAST_LOOPS(cfloat, quad_cfloat, cfloat_real, cfloat_from_quad)
QUAD_CAST_LOOPS(cdouble, quad_cdouble, cdouble_real, cdouble_from_quad)
QUAD_CAST_LOOPS(clongdouble, quad_clongdouble,
                clongdouble_real, clongdouble_from_quad)

#undef QUAD_CAST_LOOPS
#undef QUAD_CAST_LOOP


/* quad -> quad: a copy, swapping the bytes when the byte orders differ. */
static int
quad_to_quad(PyArrayMethod_Context *context,
             char *const args[], npy_intp const dimensions[],
             npy_intp const steps[], NpyAuxData *NPY_UNUSED(auxdata))
{
    int swap = PyDataType_ISNOTSWAPPED(context->descriptors[0])
               != PyDataType_ISNOTSWAPPED(context->descriptors[1]);
    UNARY_LOOP {
        char buffer[sizeof(npy_quad)];
        memcpy(buffer, ip1, sizeof(buffer));
        if (swap) {
            quad_byteswap(buffer);
        }
        memcpy(op1, buffer, sizeof(buffer));
    }
    return 0;
}


typedef struct {
    int type_num;
    PyArrayMethod_StridedLoop *to_quad;
    PyArrayMethod_StridedLoop *from_quad;
} quad_cast_pair;

static const quad_cast_pair quad_cast_pairs[] = {
    {NPY_BOOL, bool_to_quad, quad_to_bool},
    {NPY_BYTE, byte_to_quad, quad_to_byte},
    {NPY_UBYTE, ubyte_to_quad, quad_to_ubyte},
    {NPY_SHORT, short_to_quad, quad_to_short},
    {NPY_USHORT, ushort_to_quad, quad_to_ushort},
    {NPY_INT, int_to_quad, quad_to_int},
    {NPY_UINT, uint_to_quad, quad_to_uint},
    {NPY_LONG, long_to_quad, quad_to_long},
    {NPY_ULONG, ulong_to_quad, quad_to_ulong},
    {NPY_LONGLONG, longlong_to_quad, quad_to_longlong},
    {NPY_ULONGLONG, ulonglong_to_quad, quad_to_ulonglong},
    {NPY_HALF, half_to_quad, quad_to_half},
    {NPY_FLOAT, float_to_quad, quad_to_float},
    {NPY_DOUBLE, double_to_quad, quad_to_double},
    {NPY_LONGDOUBLE, longdouble_to_quad, quad_to_longdouble},
    {NPY_CFLOAT, cfloat_to_quad, quad_to_cfloat},
    {NPY_CDOUBLE, cdouble_to_quad, quad_to_cdouble},
    {NPY_CLONGDOUBLE, clongdouble_to_quad, quad_to_clongdouble},
};


/* How safely `type_num` casts into quad: does quad hold all its values? */
static NPY_CASTING
casting_to_quad(int type_num)
{
    if (PyTypeNum_ISCOMPLEX(type_num)) {
        return NPY_UNSAFE_CASTING;
    }
#if defined(HAVE_LDOUBLE_IBM_DOUBLE_DOUBLE_LE) || \
    defined(HAVE_LDOUBLE_IBM_DOUBLE_DOUBLE_BE)
    /* a double-double can need more than quad's 113 significand bits */
    if (type_num == NPY_LONGDOUBLE) {
        return NPY_SAME_KIND_CASTING;
    }
#endif
    return NPY_SAFE_CASTING;
}


static NPY_CASTING
casting_from_quad(int type_num)
{
    if (type_num == NPY_BOOL || PyTypeNum_ISINTEGER(type_num)) {
        return NPY_UNSAFE_CASTING;
    }
#if defined(HAVE_LDOUBLE_IEEE_QUAD_LE) || defined(HAVE_LDOUBLE_IEEE_QUAD_BE)
    if (type_num == NPY_LONGDOUBLE) {
        return NPY_SAFE_CASTING;
    }
#endif
    return NPY_SAME_KIND_CASTING;
}


static int
add_quad_cast(PyArray_DTypeMeta *from, PyArray_DTypeMeta *to,
              NPY_CASTING casting, NPY_ARRAYMETHOD_FLAGS flags,
              PyArrayMethod_StridedLoop *loop)
{
    PyArray_DTypeMeta *dtypes[2] = {from, to};
    PyType_Slot slots[5];
    int n = 0;
    /* the loops load and store through memcpy: alignment does not matter */
    slots[n++] = (PyType_Slot){NPY_METH_strided_loop, loop};
    slots[n++] = (PyType_Slot){NPY_METH_unaligned_strided_loop, loop};
    if (from == to) {
        slots[n++] = (PyType_Slot){NPY_METH_resolve_descriptors,
                                   &legacy_same_dtype_resolve_descriptors};
    }
    else if (PyTypeNum_ISCOMPLEX(from->type_num)) {
        slots[n++] = (PyType_Slot){NPY_METH_get_loop,
                                   &complex_to_noncomplex_get_loop};
    }
    slots[n] = (PyType_Slot){0, NULL};

    PyArrayMethod_Spec spec = {
        .name = "quad_cast",
        .nin = 1,
        .nout = 1,
        .casting = casting,
        .flags = flags | NPY_METH_SUPPORTS_UNALIGNED,
        .dtypes = dtypes,
        .slots = slots,
    };
    return PyArray_AddCastingImplementation_FromSpec(&spec, 1);
}


NPY_NO_EXPORT int
quad_initialize_casts(void)
{
    PyArray_DTypeMeta *quad = &PyArray_QuadDType;

    if (add_quad_cast(quad, quad, NPY_NO_CASTING,
                      NPY_METH_NO_FLOATINGPOINT_ERRORS, quad_to_quad) < 0) {
        return -1;
    }
    for (size_t i = 0; i < sizeof(quad_cast_pairs) / sizeof(quad_cast_pairs[0]);
         i++) {
        const quad_cast_pair *pair = &quad_cast_pairs[i];
        PyArray_DTypeMeta *other = PyArray_DTypeFromTypeNum(pair->type_num);
        /* into quad nothing overflows or rounds: no flags to check */
        int result = add_quad_cast(
                other, quad, casting_to_quad(pair->type_num),
                NPY_METH_NO_FLOATINGPOINT_ERRORS, pair->to_quad);
        if (result == 0) {
            result = add_quad_cast(
                    quad, other, casting_from_quad(pair->type_num), 0,
                    pair->from_quad);
        }
        Py_DECREF(other);
        if (result < 0) {
            return -1;
        }
    }
    return 0;
}


/*
 * np.quad <-> numpy-quaddtype's QuadPrecDType.
 *
 * The package cannot know np.quad, and NumPy cannot import the package, so
 * the pair is recognised by the DType's name when NumPy first looks for the
 * cast, as it makes the casts of legacy user dtypes lazily.  A QuadPrecDType
 * descriptor stores, by its `backend`, either the same IEEE binary128 bits
 * as np.quad (SLEEF's Sleef_quad), which copy both ways and view each other,
 * or a C long double, which converts as np.quad <-> np.longdouble does.
 */
#define QUADDTYPE_PEER_NAME "numpy_quaddtype.QuadPrecDType"

/* numpy_quaddtype's QuadBackendType */
enum { QUADDTYPE_BACKEND_SLEEF = 0, QUADDTYPE_BACKEND_LONGDOUBLE = 1 };

static int
is_quaddtype_peer(PyArray_DTypeMeta *dtype)
{
    return !NPY_DT_is_legacy(dtype)
           && strcmp(((PyTypeObject *)dtype)->tp_name, QUADDTYPE_PEER_NAME) == 0;
}


NPY_NO_EXPORT int
quad_is_peer_cast(PyArray_DTypeMeta *from, PyArray_DTypeMeta *to)
{
    return (from == &PyArray_QuadDType && is_quaddtype_peer(to))
           || (to == &PyArray_QuadDType && is_quaddtype_peer(from));
}


/* The backend of a QuadPrecDType descriptor, or -1 with an exception set. */
static int
peer_backend(PyArray_Descr *peer)
{
    PyObject *backend = PyObject_GetAttrString((PyObject *)peer, "backend");
    if (backend == NULL) {
        return -1;
    }
    long value = PyLong_Check(backend) ? PyLong_AsLong(backend) : -1;
    Py_DECREF(backend);
    if (PyErr_Occurred()) {
        return -1;
    }
    if (peer->elsize != sizeof(npy_quad)
            || (value != QUADDTYPE_BACKEND_SLEEF
                && value != QUADDTYPE_BACKEND_LONGDOUBLE)) {
        PyErr_Format(PyExc_TypeError,
                "cannot cast between quad and %S: numpy-dive knows the "
                "16-byte 'sleef' and 'longdouble' backends of "
                "numpy-quaddtype only", peer);
        return -1;
    }
    return (int)value;
}


static NPY_CASTING
peer_resolve_descriptors(PyArrayMethodObject *NPY_UNUSED(self),
                         PyArray_DTypeMeta *const dtypes[2],
                         PyArray_Descr *const given_descrs[2],
                         PyArray_Descr *loop_descrs[2],
                         npy_intp *view_offset)
{
    int peer_index = dtypes[0] == &PyArray_QuadDType;
    /* loop_descrs get new references; on error both are cleared */
    for (int i = 0; i < 2; i++) {
        loop_descrs[i] = given_descrs[i] != NULL
                         ? NPY_DT_CALL_ensure_canonical(given_descrs[i])
                         : NPY_DT_CALL_default_descr(dtypes[i]);
        if (loop_descrs[i] == NULL) {
            goto fail;
        }
    }
    int backend = peer_backend(loop_descrs[peer_index]);
    if (backend < 0) {
        goto fail;
    }
    if (backend == QUADDTYPE_BACKEND_SLEEF) {
        *view_offset = 0;
        return NPY_SAFE_CASTING;
    }
    /* a long double holds every value quad rounds to; quad holds every long double */
    return peer_index == 1 ? NPY_SAME_KIND_CASTING : NPY_SAFE_CASTING;

  fail:
    Py_CLEAR(loop_descrs[0]);
    Py_CLEAR(loop_descrs[1]);
    return _NPY_ERROR_OCCURRED_IN_CAST;
}


static int
peer_get_loop(PyArrayMethod_Context *context,
              int NPY_UNUSED(aligned), int NPY_UNUSED(move_references),
              const npy_intp *NPY_UNUSED(strides),
              PyArrayMethod_StridedLoop **out_loop,
              NpyAuxData **out_transferdata,
              NPY_ARRAYMETHOD_FLAGS *flags)
{
    int from_quad = context->descriptors[0]->type_num == NPY_QUAD;
    int backend = peer_backend(context->descriptors[from_quad]);
    if (backend < 0) {
        return -1;
    }
    *out_transferdata = NULL;
    *flags = NPY_METH_NO_FLOATINGPOINT_ERRORS;
    if (backend == QUADDTYPE_BACKEND_SLEEF) {
        /* both descriptors are native here: quad_to_quad copies */
        *out_loop = &quad_to_quad;
    }
    else if (from_quad) {
        /* rounding to long double can overflow or underflow */
        *out_loop = &quad_to_longdouble;
        *flags = 0;
    }
    else {
        *out_loop = &longdouble_to_quad;
    }
    return 0;
}


NPY_NO_EXPORT PyObject *
quad_peer_casting_impl(PyArray_DTypeMeta *from, PyArray_DTypeMeta *to)
{
    PyArray_DTypeMeta *dtypes[2] = {from, to};
    PyType_Slot slots[] = {
        {NPY_METH_resolve_descriptors, &peer_resolve_descriptors},
        {NPY_METH_get_loop, &peer_get_loop},
        {0, NULL},
    };
    PyArrayMethod_Spec spec = {
        .name = "quad_quaddtype_cast",
        .nin = 1,
        .nout = 1,
        /* the least safe of the backends; resolve_descriptors says which */
        .casting = NPY_SAME_KIND_CASTING,
        .flags = NPY_METH_SUPPORTS_UNALIGNED,
        .dtypes = dtypes,
        .slots = slots,
    };
    PyBoundArrayMethodObject *bound = PyArrayMethod_FromSpec_int(&spec, 1);
    if (bound == NULL) {
        return NULL;
    }
    /* the caller stores the unbound method in from's castingimpls */
    PyObject *method = Py_NewRef((PyObject *)bound->method);
    Py_DECREF(bound);
    return method;
}
