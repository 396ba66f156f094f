/*
 * Exact conversions between NPY_QUAD and Python objects.
 *
 * Everything that enters a quad goes through one rounding: a value is
 * reduced to an integer significand of at most 117 bits, a power of two and
 * a sticky bit, and npy_quad_from_significand rounds that half to even.
 * Python ints of any size, decimal strings with any number of digits,
 * Fractions and Decimals take this path, so none of them is rounded twice.
 */
#define NPY_NO_DEPRECATED_API NPY_API_VERSION
#define _MULTIARRAYMODULE

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "numpy/arrayobject.h"
#include "numpy/arrayscalars.h"
#include "numpy/halffloat.h"
#include "numpy/npy_math.h"

#include "dtypemeta.h"  /* PyArray_GETITEM */
#include "npy_static_data.h"  /* ComplexWarning, the interned names */
#include "npy_pycompat.h"  /* Npy_HashDouble, PyObject_GetOptionalAttr */
#include "quadtype.h"

/*
 * Significand bits kept before the final rounding: binary128 has 113, and
 * three more make the round and sticky decision exact.
 */
#define QUAD_WORKING_BITS 116

/* CPython's numeric hash modulus, 2**61 - 1 (sys.hash_info.modulus). */
#define QUAD_HASH_BITS 61
#define QUAD_HASH_MODULUS ((((npy_uint64)1) << QUAD_HASH_BITS) - 1)


/* |value| as a Python int: the integer significand (hi, lo). */
static PyObject *
significand_to_pylong(npy_uint64 hi, npy_uint64 lo)
{
    PyObject *high = NULL, *shift = NULL, *shifted = NULL, *low = NULL;
    PyObject *result = NULL;

    high = PyLong_FromUnsignedLongLong(hi);
    shift = PyLong_FromLong(64);
    low = PyLong_FromUnsignedLongLong(lo);
    if (high == NULL || shift == NULL || low == NULL) {
        goto finish;
    }
    shifted = PyNumber_Lshift(high, shift);
    if (shifted == NULL) {
        goto finish;
    }
    result = PyNumber_Or(shifted, low);
  finish:
    Py_XDECREF(high);
    Py_XDECREF(shift);
    Py_XDECREF(shifted);
    Py_XDECREF(low);
    return result;
}


/* Splits a non-negative Python int below 2**128 into two words. */
static int
pylong_to_significand(PyObject *value, npy_uint64 *hi, npy_uint64 *lo)
{
    PyObject *shift = PyLong_FromLong(64);
    if (shift == NULL) {
        return -1;
    }
    PyObject *high = PyNumber_Rshift(value, shift);
    Py_DECREF(shift);
    if (high == NULL) {
        return -1;
    }
    *hi = PyLong_AsUnsignedLongLongMask(high);
    Py_DECREF(high);
    *lo = PyLong_AsUnsignedLongLongMask(value);
    if (PyErr_Occurred()) {
        return -1;
    }
    return 0;
}


/* a << shift for shift >= 0, a >> -shift otherwise; a new reference. */
static PyObject *
pylong_shift(PyObject *a, Py_ssize_t shift)
{
    PyObject *count = PyLong_FromSsize_t(shift >= 0 ? shift : -shift);
    if (count == NULL) {
        return NULL;
    }
    PyObject *result = shift >= 0 ? PyNumber_Lshift(a, count)
                                  : PyNumber_Rshift(a, count);
    Py_DECREF(count);
    return result;
}


/*
 * A finite number beyond quad's range is an OverflowError, as for float64
 * (np.float64(2**20000)); the overflow flag rounding left is cleared.
 */
static int
quad_overflow_error(npy_quad *out, const char *message)
{
    npy_clear_floatstatus_barrier((char *)out);
    PyErr_SetString(PyExc_OverflowError, message);
    return -1;
}


/*
 * Rounds num / den to the nearest quad; num is any Python int, den a
 * positive one.  The quotient is scaled to QUAD_WORKING_BITS or one more
 * bits, and the remainder becomes the sticky bit.  With `bias` +1 or -1 the
 * value rounded is num / den plus or minus an infinitesimal (the ends of an
 * open interval).
 */
static int
quad_from_ratio_biased(PyObject *num, PyObject *den, int bias, npy_quad *out)
{
    PyObject *magnitude = NULL, *scaled_num = NULL, *scaled_den = NULL;
    PyObject *quotient_remainder = NULL;
    int result = -1;

    int negative = _PyLong_Sign(num) < 0;
    magnitude = PyNumber_Absolute(num);
    if (magnitude == NULL) {
        return -1;
    }
    int64_t num_bits = (int64_t)_PyLong_NumBits(magnitude);
    int64_t den_bits = (int64_t)_PyLong_NumBits(den);
    if (num_bits < 0 || den_bits < 0) {
        goto finish;
    }
    if (num_bits == 0) {
        *out = npy_quad_from_double(negative ? -0.0 : 0.0);
        result = 0;
        goto finish;
    }
    /* magnitude * 2**shift / den lies in [2**115, 2**117) */
    int64_t shift = QUAD_WORKING_BITS - (num_bits - den_bits);
    if (shift >= 0) {
        scaled_num = pylong_shift(magnitude, shift);
        scaled_den = Py_NewRef(den);
    }
    else {
        scaled_num = Py_NewRef(magnitude);
        scaled_den = pylong_shift(den, -shift);
    }
    if (scaled_num == NULL || scaled_den == NULL) {
        goto finish;
    }
    quotient_remainder = PyNumber_Divmod(scaled_num, scaled_den);
    if (quotient_remainder == NULL) {
        goto finish;
    }
    npy_uint64 hi, lo;
    if (pylong_to_significand(
            PyTuple_GET_ITEM(quotient_remainder, 0), &hi, &lo) < 0) {
        goto finish;
    }
    int sticky = PyObject_IsTrue(PyTuple_GET_ITEM(quotient_remainder, 1));
    if (sticky < 0) {
        goto finish;
    }
    if (negative) {
        bias = -bias;   /* toward larger magnitude is toward +inf's opposite */
    }
    if (bias < 0 && !sticky) {
        /* just below an exact quotient: the one below it, and more */
        lo -= 1;
        hi -= lo == ~(npy_uint64)0;
    }
    sticky |= bias != 0;
    *out = npy_quad_from_significand(negative, hi, lo, sticky, -shift);
    result = 0;
  finish:
    Py_XDECREF(magnitude);
    Py_XDECREF(scaled_num);
    Py_XDECREF(scaled_den);
    Py_XDECREF(quotient_remainder);
    return result;
}

static int
quad_from_ratio(PyObject *num, PyObject *den, npy_quad *out)
{
    return quad_from_ratio_biased(num, den, 0, out);
}


NPY_NO_EXPORT int
quad_from_pylong(PyObject *value, npy_quad *out)
{
    int overflow;
    long long small = PyLong_AsLongLongAndOverflow(value, &overflow);
    if (small == -1 && PyErr_Occurred()) {
        return -1;
    }
    if (!overflow) {
        *out = npy_quad_from_int64(small);
        return 0;
    }
    PyObject *one = PyLong_FromLong(1);
    if (one == NULL) {
        return -1;
    }
    int result = quad_from_ratio(value, one, out);
    Py_DECREF(one);
    if (result == 0 && npy_quad_isinf(*out)) {
        return quad_overflow_error(out, "int too large to convert to quad");
    }
    return result;
}


/*
 * Decimal exponents beyond these bounds overflow to inf or round to zero
 * whatever the digits are: quad's largest finite value is below 1.19e4932
 * and half its smallest subnormal is above 3.2e-4966.
 */
#define QUAD_DECIMAL_EXPONENT_MAX 4933
#define QUAD_DECIMAL_EXPONENT_MIN (-4967)

/* Appends the digits at *p (with Python's underscore rules) to `digits`. */
static int
scan_digits(const char **p, char *digits, Py_ssize_t *ndigits)
{
    const char *s = *p;
    int count = 0;
    while (1) {
        if (*s >= '0' && *s <= '9') {
            if (digits != NULL) {
                digits[(*ndigits)++] = *s;
            }
            count++;
            s++;
        }
        else if (*s == '_' && count > 0 && s[1] >= '0' && s[1] <= '9') {
            s++;
        }
        else {
            break;
        }
    }
    *p = s;
    return count;
}


static int
match_word(const char *s, const char *word)
{
    return PyOS_stricmp(s, word) == 0;
}


/*
 * Parses the ASCII text of a float literal as Python's float() accepts it
 * (surrounding whitespace, underscores between digits, inf/infinity/nan).
 * Returns 0 with *failed set when the text is not a number, or -1 with an
 * exception set.
 */
/*
 * Significant digits parsed exactly; beyond them, parse_decimal rounds the
 * ends of the interval the rest of the digits leave (linear time).
 */
#define QUAD_DIGITS_KEPT 160
/* digits per int conversion, below CPython's 4300-digit limit */
#define QUAD_DIGITS_PER_CHUNK 4000

/* The Python int of n decimal digits, in chunks that CPython accepts. */
static PyObject *
pylong_from_digits(const char *digits, Py_ssize_t n)
{
    char chunk[QUAD_DIGITS_PER_CHUNK + 1];
    PyObject *value = PyLong_FromLong(0);
    for (Py_ssize_t start = 0; value != NULL && start < n;
         start += QUAD_DIGITS_PER_CHUNK) {
        Py_ssize_t length = n - start < QUAD_DIGITS_PER_CHUNK
                            ? n - start : QUAD_DIGITS_PER_CHUNK;
        memcpy(chunk, digits + start, length);
        chunk[length] = '\0';
        PyObject *part = PyLong_FromString(chunk, NULL, 10);
        PyObject *ten = PyLong_FromLong(10);
        PyObject *length_obj = PyLong_FromSsize_t(length);
        PyObject *scale = (ten && length_obj)
                          ? PyNumber_Power(ten, length_obj, Py_None) : NULL;
        PyObject *shifted = scale ? PyNumber_Multiply(value, scale) : NULL;
        Py_SETREF(value, (shifted && part) ? PyNumber_Add(shifted, part) : NULL);
        Py_XDECREF(part);
        Py_XDECREF(ten);
        Py_XDECREF(length_obj);
        Py_XDECREF(scale);
        Py_XDECREF(shifted);
    }
    return value;
}

/*
 * Clinger's fast path, in binary128: at most QUAD_EXACT_DIGITS digits are
 * an integer that a quad holds exactly (10**34 < 2**113 * 2), and so is
 * 10**k for k <= QUAD_EXACT_POWER (5**48 < 2**113); one correctly rounded
 * multiplication or division of the two is then the correctly rounded
 * value, with no big integers.
 */
#define QUAD_EXACT_DIGITS 34
#define QUAD_EXACT_POWER 48

static const npy_uint64 powers_of_ten[20] = {
    1ull, 10ull, 100ull, 1000ull, 10000ull, 100000ull, 1000000ull, 10000000ull,
    100000000ull, 1000000000ull, 10000000000ull, 100000000000ull,
    1000000000000ull, 10000000000000ull, 100000000000000ull,
    1000000000000000ull, 10000000000000000ull, 100000000000000000ull,
    1000000000000000000ull, 10000000000000000000ull,
};

/* 10**k, 0 <= k <= QUAD_EXACT_POWER, exactly: every product is representable */
static npy_quad
quad_power_of_ten(int k)
{
    npy_quad power = npy_quad_from_uint64(powers_of_ten[k < 19 ? k : 19]);
    for (k -= 19; k > 0; k -= 19) {
        power = npy_quad_mul(power,
                             npy_quad_from_uint64(powers_of_ten[k < 19 ? k : 19]));
    }
    return power;
}

/* The decimal digits[0:n] (n <= 19) as an integer. */
static npy_uint64
digits_value(const char *digits, Py_ssize_t n)
{
    npy_uint64 value = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        value = value * 10 + (npy_uint64)(digits[i] - '0');
    }
    return value;
}

/* quad_from_digits for bias 0 when the fast path applies: 1, else 0. */
static int
quad_from_few_digits(const char *digits, Py_ssize_t n, int negative, int64_t exponent,
                     npy_quad *out)
{
    if (n > QUAD_EXACT_DIGITS || exponent < -QUAD_EXACT_POWER
            || exponent > QUAD_EXACT_POWER) {
        return 0;
    }
    Py_ssize_t head = n < 19 ? n : 19;
    npy_quad value = npy_quad_from_uint64(digits_value(digits, head));
    if (n > head) {
        /* head * 10**(n - head) + tail, all exact below 2**113 */
        value = npy_quad_add(
                npy_quad_mul(value, npy_quad_from_uint64(powers_of_ten[n - head])),
                npy_quad_from_uint64(digits_value(digits + head, n - head)));
    }
    npy_quad power = quad_power_of_ten((int)(exponent < 0 ? -exponent : exponent));
    value = exponent < 0 ? npy_quad_div(value, power) : npy_quad_mul(value, power);
    *out = negative ? npy_quad_negative(value) : value;
    return 1;
}

/* (-1)**negative * digits * 10**exponent rounded (see quad_from_ratio_biased) */
static int
quad_from_digits(const char *digits, Py_ssize_t n, int negative,
                 int64_t exponent, int bias, npy_quad *out)
{
    PyObject *integer = NULL, *power = NULL, *num = NULL, *den = NULL;
    PyObject *ten = NULL, *abs_exponent = NULL;
    int result = -1;

    if (bias == 0 && quad_from_few_digits(digits, n, negative, exponent, out)) {
        return 0;
    }

    integer = pylong_from_digits(digits, n);
    if (integer == NULL) {
        goto finish;
    }
    if (negative) {
        Py_SETREF(integer, PyNumber_Negative(integer));
        if (integer == NULL) {
            goto finish;
        }
    }
    ten = PyLong_FromLong(10);
    abs_exponent = PyLong_FromLongLong(exponent < 0 ? -exponent : exponent);
    if (ten == NULL || abs_exponent == NULL) {
        goto finish;
    }
    power = PyNumber_Power(ten, abs_exponent, Py_None);
    if (power == NULL) {
        goto finish;
    }
    if (exponent >= 0) {
        num = PyNumber_Multiply(integer, power);
        den = PyLong_FromLong(1);
    }
    else {
        num = Py_NewRef(integer);
        den = Py_NewRef(power);
    }
    if (num == NULL || den == NULL) {
        goto finish;
    }
    result = quad_from_ratio_biased(num, den, bias, out);
  finish:
    Py_XDECREF(integer);
    Py_XDECREF(power);
    Py_XDECREF(num);
    Py_XDECREF(den);
    Py_XDECREF(ten);
    Py_XDECREF(abs_exponent);
    return result;
}


/*
 * A decimal number as the text writes it (decimal_lex): its sign, and
 * either a special value or digits[0:ndigits] * 10**exponent, the digits
 * without leading or trailing zeros (none at all for zero).
 */
typedef struct {
    int negative;
    enum { DECIMAL_DIGITS, DECIMAL_INFINITY, DECIMAL_NAN } kind;
    char *digits;       /* PyMem_Malloc'd, NUL-free */
    Py_ssize_t ndigits;
    int64_t exponent;
} decimal_number;


/*
 * The lexer: Python's float() syntax (surrounding space, a sign, "inf",
 * "infinity", "nan", digits with single underscores between them, a point,
 * an exponent). Returns 0 with *failed set for text that is not a number,
 * -1 on error; number->digits is the caller's to free either way.
 */
static int
decimal_lex(const char *text, decimal_number *number, int *failed)
{
    const char *s = text;

    *failed = 0;
    number->negative = 0;
    number->kind = DECIMAL_DIGITS;
    number->digits = NULL;
    number->ndigits = 0;
    number->exponent = 0;
    while (Py_ISSPACE(*s)) {
        s++;
    }
    if (*s == '+' || *s == '-') {
        number->negative = (*s == '-');
        s++;
    }
    const char *end = s + strlen(s);
    while (end > s && Py_ISSPACE(end[-1])) {
        end--;
    }
    Py_ssize_t length = end - s;
    /* the digits, and after them the body's copy (NUL-terminated) */
    number->digits = PyMem_Malloc(2 * length + 3);
    if (number->digits == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    char *body = number->digits + length + 1;
    memcpy(body, s, length);
    body[length] = '\0';

    if (match_word(body, "inf") || match_word(body, "infinity")) {
        number->kind = DECIMAL_INFINITY;
        return 0;
    }
    if (match_word(body, "nan")) {
        number->kind = DECIMAL_NAN;
        return 0;
    }
    Py_ssize_t ndigits = 0;
    const char *p = body;
    int int_count = scan_digits(&p, number->digits, &ndigits);
    int frac_count = 0;
    if (*p == '.') {
        p++;
        frac_count = scan_digits(&p, number->digits, &ndigits);
    }
    if (int_count + frac_count == 0) {
        *failed = 1;
        return 0;
    }
    /* exponent digits beyond the ninth only push further past the bounds */
    int64_t exponent = 0;
    if (*p == 'e' || *p == 'E') {
        p++;
        int exponent_negative = 0;
        if (*p == '+' || *p == '-') {
            exponent_negative = (*p == '-');
            p++;
        }
        const char *exponent_start = p;
        Py_ssize_t unused = 0;
        if (scan_digits(&p, NULL, &unused) == 0) {
            *failed = 1;
            return 0;
        }
        for (const char *e = exponent_start; e < p; e++) {
            if (*e != '_' && exponent < 1000000000) {
                exponent = exponent * 10 + (*e - '0');
            }
        }
        if (exponent_negative) {
            exponent = -exponent;
        }
    }
    if (*p != '\0') {
        *failed = 1;
        return 0;
    }
    exponent -= frac_count;

    /* strip leading zeros; trailing ones move into the exponent */
    Py_ssize_t first = 0;
    while (first < ndigits && number->digits[first] == '0') {
        first++;
    }
    while (ndigits > first && number->digits[ndigits - 1] == '0') {
        ndigits--;
        exponent++;
    }
    memmove(number->digits, number->digits + first, ndigits - first);
    number->ndigits = ndigits - first;
    number->exponent = exponent;
    return 0;
}


/* The quad nearest to a lexed number (ties to even); 0, or -1 on error. */
static int
decimal_to_quad(decimal_number *number, npy_quad *out)
{
    int negative = number->negative;
    char *digits = number->digits;
    Py_ssize_t significant = number->ndigits;
    int64_t exponent = number->exponent;

    if (number->kind != DECIMAL_DIGITS) {
        *out = number->kind == DECIMAL_INFINITY ? npy_quad_inf() : npy_quad_nan();
        *out = negative ? npy_quad_negative(*out) : *out;
        return 0;
    }
    if (significant == 0) {
        *out = npy_quad_from_double(negative ? -0.0 : 0.0);
        return 0;
    }
    /* the value lies in [10**(significant-1+exponent), 10**(significant+exponent)) */
    if (significant - 1 + exponent > QUAD_DECIMAL_EXPONENT_MAX) {
        *out = npy_quad_inf();
        *out = negative ? npy_quad_negative(*out) : *out;
        return 0;
    }
    if (significant + exponent < QUAD_DECIMAL_EXPONENT_MIN) {
        *out = npy_quad_from_double(negative ? -0.0 : 0.0);
        return 0;
    }
    if (significant <= QUAD_DIGITS_KEPT) {
        return quad_from_digits(digits, significant, negative, exponent, 0, out);
    }
    /*
     * Many digits: the value lies in the open interval (T, T + 1) * 10**e
     * for T its first QUAD_DIGITS_KEPT digits (the last digit is nonzero).
     * That interval is far narrower than a quad's ulp, so both its ends
     * nearly always round alike, to the answer; only when a rounding
     * boundary falls inside do all the digits take part.
     */
    Py_ssize_t dropped = significant - QUAD_DIGITS_KEPT;
    npy_quad low, high;
    if (quad_from_digits(digits, QUAD_DIGITS_KEPT, negative, exponent + dropped, 1,
                         &low) < 0) {
        return -1;
    }
    /* T + 1, in place: T is followed by a nonzero digit, so T < 99...9 */
    char saved[QUAD_DIGITS_KEPT];
    memcpy(saved, digits, QUAD_DIGITS_KEPT);
    char *d = digits + QUAD_DIGITS_KEPT - 1;
    while (*d == '9') {
        *d-- = '0';
    }
    (*d)++;
    int result = quad_from_digits(digits, QUAD_DIGITS_KEPT, negative,
                                  exponent + dropped, -1, &high);
    memcpy(digits, saved, QUAD_DIGITS_KEPT);
    if (result < 0) {
        return -1;
    }
    if (memcmp(&low, &high, sizeof(low)) == 0) {
        *out = low;
        return 0;
    }
    return quad_from_digits(digits, significant, negative, exponent, 0, out);
}


/* text -> quad: lexed, then converted; *failed for text that is no number */
static int
parse_decimal(const char *text, npy_quad *out, int *failed)
{
    decimal_number number;
    int result = decimal_lex(text, &number, failed);
    if (result == 0 && !*failed) {
        result = decimal_to_quad(&number, out);
    }
    PyMem_Free(number.digits);
    return result;
}


/* whether str or bytes text has a decimal digit */
static int
text_has_digit(PyObject *text)
{
    if (PyBytes_Check(text)) {
        const char *chars = PyBytes_AS_STRING(text);
        for (Py_ssize_t i = 0; i < PyBytes_GET_SIZE(text); i++) {
            if (chars[i] >= '0' && chars[i] <= '9') {
                return 1;
            }
        }
        return 0;
    }
    Py_ssize_t length = PyUnicode_GET_LENGTH(text);
    for (Py_ssize_t i = 0; i < length; i++) {
        Py_UCS4 c = PyUnicode_READ_CHAR(text, i);
        if (c >= '0' && c <= '9') {
            return 1;
        }
    }
    return 0;
}


NPY_NO_EXPORT int
quad_from_string(PyObject *text, npy_quad *out)
{
    PyObject *ascii = NULL;
    int failed = 1;

    if (PyUnicode_Check(text)) {
        ascii = PyUnicode_AsASCIIString(text);
        if (ascii == NULL) {
            if (!PyErr_ExceptionMatches(PyExc_UnicodeEncodeError)) {
                return -1;
            }
            PyErr_Clear();  /* non-ASCII text is not a number we read */
        }
    }
    else if (PyBytes_Check(text)) {
        ascii = Py_NewRef(text);
    }
    else {
        PyErr_Format(PyExc_TypeError,
                "quad() argument must be a string or a number, not '%s'",
                Py_TYPE(text)->tp_name);
        return -1;
    }
    if (ascii != NULL) {
        const char *chars = PyBytes_AS_STRING(ascii);
        /* text with an embedded NUL is not a number either */
        if ((Py_ssize_t)strlen(chars) == PyBytes_GET_SIZE(ascii)
                && parse_decimal(chars, out, &failed) < 0) {
            Py_DECREF(ascii);
            return -1;
        }
        Py_DECREF(ascii);
    }
    if (failed) {
        PyErr_Format(PyExc_ValueError,
                "could not convert string to quad: %R", text);
        return -1;
    }
    if (npy_quad_isinf(*out) && text_has_digit(text)) {
        /* a number beyond the range (not "inf"): np.longdouble's warning */
        npy_clear_floatstatus_barrier((char *)out);
        if (PyErr_WarnEx(PyExc_RuntimeWarning,
                "overflow encountered in conversion from string", 1) < 0) {
            return -1;
        }
    }
    return 0;
}


/* Longer text is rare enough for the general path */
#define QUAD_SHORT_TEXT 128


/*
 * The string casts' fast path: NUL-terminated ASCII text parsed without a
 * Python object.  0 with *out set; 1 when the text is no number or
 * overflows, for quad_from_string's error or warning; -1 on error.
 */
static int
parse_short_text(const char *text, npy_quad *out)
{
    int failed;
    if (parse_decimal(text, out, &failed) < 0) {
        return -1;
    }
    /* an overflow warns (quad_from_string); "inf" itself does not */
    if (failed || (npy_quad_isinf(*out) && strpbrk(text, "0123456789") != NULL)) {
        return 1;
    }
    return 0;
}


/* chars[0:length] as parse_short_text's text, or 1 if it cannot be */
static int
parse_short_chars(const char *chars, npy_intp length, npy_quad *out)
{
    char text[QUAD_SHORT_TEXT];

    if (length == 0 || length >= QUAD_SHORT_TEXT
            || memchr(chars, '\0', length) != NULL) {
        return 1;
    }
    memcpy(text, chars, length);
    text[length] = '\0';
    return parse_short_text(text, out);
}


/* quad_from_string(text), its new reference released; text may be NULL */
static int
quad_from_new_text(PyObject *text, npy_quad *out)
{
    if (text == NULL) {
        return -1;
    }
    int result = quad_from_string(text, out);
    Py_DECREF(text);
    return result;
}


NPY_NO_EXPORT int
quad_from_bytes(const char *chars, npy_intp length, npy_quad *out)
{
    int parsed = parse_short_chars(chars, length, out);
    if (parsed != 1) {
        return parsed;
    }
    return quad_from_new_text(PyBytes_FromStringAndSize(chars, length), out);
}


NPY_NO_EXPORT int
quad_from_utf8(const char *chars, npy_intp length, npy_quad *out)
{
    int parsed = parse_short_chars(chars, length, out);
    if (parsed != 1) {
        return parsed;
    }
    return quad_from_new_text(PyUnicode_DecodeUTF8(chars, length, NULL), out);
}


/* code point i of UCS4 data that may be unaligned */
static Py_UCS4
ucs4_at(const char *data, npy_intp i)
{
    Py_UCS4 c;
    memcpy(&c, data + i * sizeof(c), sizeof(c));
    return c;
}


NPY_NO_EXPORT int
quad_from_ucs4(const char *data, npy_intp length, npy_quad *out)
{
    char text[QUAD_SHORT_TEXT];
    npy_intp ascii = 0;

    if (length < QUAD_SHORT_TEXT) {
        for (; ascii < length; ascii++) {
            Py_UCS4 c = ucs4_at(data, ascii);
            if (c == 0 || c > 127) {
                break;
            }
            text[ascii] = (char)c;
        }
    }
    if (length > 0 && ascii == length) {
        text[length] = '\0';
        int parsed = parse_short_text(text, out);
        if (parsed != 1) {
            return parsed;
        }
    }
    /* the general path's str, from an aligned copy of the code points */
    Py_UCS4 *aligned = PyMem_Malloc((length > 0 ? length : 1) * sizeof(Py_UCS4));
    if (aligned == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    memcpy(aligned, data, length * sizeof(Py_UCS4));
    PyObject *str = PyUnicode_FromKindAndData(PyUnicode_4BYTE_KIND, aligned, length);
    PyMem_Free(aligned);
    return quad_from_new_text(str, out);
}


/*
 * Numbers that know their exact value as a ratio (Fraction, Decimal):
 * `method` is obj's bound as_integer_ratio.
 */
static int
quad_from_integer_ratio(PyObject *obj, PyObject *method, npy_quad *out)
{
    PyObject *ratio = PyObject_CallNoArgs(method);
    if (ratio == NULL) {
        if (!PyErr_ExceptionMatches(PyExc_ValueError)
                && !PyErr_ExceptionMatches(PyExc_OverflowError)) {
            return -1;
        }
        /* nan and inf have no ratio; float() keeps them and their sign */
        PyErr_Clear();
        double value = PyFloat_AsDouble(obj);
        if (value == -1.0 && PyErr_Occurred()) {
            return -1;
        }
        *out = npy_quad_from_double(value);
        return 0;
    }
    if (!PyTuple_Check(ratio) || PyTuple_GET_SIZE(ratio) != 2
            || !PyLong_Check(PyTuple_GET_ITEM(ratio, 0))
            || !PyLong_Check(PyTuple_GET_ITEM(ratio, 1))) {
        PyErr_Format(PyExc_TypeError,
                "%s.as_integer_ratio() did not return a pair of ints",
                Py_TYPE(obj)->tp_name);
        Py_DECREF(ratio);
        return -1;
    }
    PyObject *num = PyTuple_GET_ITEM(ratio, 0), *den = PyTuple_GET_ITEM(ratio, 1);
    int den_sign = _PyLong_Sign(den);
    int result = -1;
    if (den_sign == 0) {
        PyErr_Format(PyExc_ZeroDivisionError,
                "%s.as_integer_ratio() returned a zero denominator",
                Py_TYPE(obj)->tp_name);
    }
    else if (den_sign < 0) {
        /* (1, -2) is -1/2, as Fraction reads it */
        PyObject *neg_num = PyNumber_Negative(num);
        PyObject *neg_den = PyNumber_Negative(den);
        if (neg_num != NULL && neg_den != NULL) {
            result = quad_from_ratio(neg_num, neg_den, out);
        }
        Py_XDECREF(neg_num);
        Py_XDECREF(neg_den);
    }
    else {
        result = quad_from_ratio(num, den, out);
    }
    Py_DECREF(ratio);
    if (result == 0 && npy_quad_isinf(*out)) {
        return quad_overflow_error(
                out, "integer division result too large for a quad");
    }
    return result;
}


/* Integers of any kind: numpy's, and objects with __index__. */
static int
quad_from_index(PyObject *obj, npy_quad *out)
{
    PyObject *value = PyNumber_Index(obj);
    if (value == NULL) {
        return -1;
    }
    int result = quad_from_pylong(value, out);
    Py_DECREF(value);
    return result;
}


NPY_NO_EXPORT int
quad_from_pyobject(PyObject *obj, npy_quad *out)
{
    if (PyArray_IsScalar(obj, Quad)) {
        *out = PyArrayScalar_VAL(obj, Quad);
        return 0;
    }
    if (PyLong_Check(obj)) {
        return quad_from_pylong(obj, out);
    }
    if (PyFloat_Check(obj)) {
        *out = npy_quad_from_double(PyFloat_AS_DOUBLE(obj));
        return 0;
    }
    if (PyUnicode_Check(obj) || PyBytes_Check(obj)) {
        return quad_from_string(obj, out);
    }
    if (PyArray_IsScalar(obj, Half)) {
        *out = npy_quad_from_half(PyArrayScalar_VAL(obj, Half));
        return 0;
    }
    if (PyArray_IsScalar(obj, Float)) {
        *out = npy_quad_from_float(PyArrayScalar_VAL(obj, Float));
        return 0;
    }
    if (PyArray_IsScalar(obj, LongDouble)) {
        *out = npy_quad_from_longdouble(PyArrayScalar_VAL(obj, LongDouble));
        return 0;
    }
    if (PyArray_IsScalar(obj, Bool)) {
        *out = npy_quad_from_int64(PyArrayScalar_VAL(obj, Bool));
        return 0;
    }
    if (PyArray_IsScalar(obj, Timedelta) || PyArray_IsScalar(obj, Datetime)) {
        /* the count of units, as float64 takes it (NaT is INT64_MIN) */
        npy_int64 count = PyArray_IsScalar(obj, Timedelta)
                          ? PyArrayScalar_VAL(obj, Timedelta)
                          : PyArrayScalar_VAL(obj, Datetime);
        *out = npy_quad_from_int64(count);
        return 0;
    }
    if (PyArray_IsScalar(obj, Integer)) {
        return quad_from_index(obj, out);
    }
    if (obj == Py_None) {
        /* as np.float64(None) and np.array([None], float) */
        *out = npy_quad_nan();
        return 0;
    }
    if (PyArray_IsScalar(obj, ComplexFloating)) {
        /* the real part, with float64's ComplexWarning */
        if (PyErr_WarnEx(npy_static_pydata.ComplexWarning,
                "Casting complex values to real discards the imaginary part",
                1) < 0) {
            return -1;
        }
        PyObject *real = PyObject_GetAttr(obj, npy_interned_str.real);
        if (real == NULL) {
            return -1;
        }
        int result = quad_from_pyobject(real, out);
        Py_DECREF(real);
        return result;
    }
    if (PyComplex_Check(obj)) {
        PyErr_Format(PyExc_TypeError,
                "quad() argument must be a real number, not '%s'",
                Py_TYPE(obj)->tp_name);
        return -1;
    }
    if (PyArray_Check(obj) && PyArray_NDIM((PyArrayObject *)obj) == 0) {
        PyObject *item = PyArray_GETITEM(
                (PyArrayObject *)obj, PyArray_DATA((PyArrayObject *)obj));
        if (item == NULL) {
            return -1;
        }
        int result = quad_from_pyobject(item, out);
        Py_DECREF(item);
        return result;
    }
    PyObject *as_integer_ratio;
    if (PyObject_GetOptionalAttr(obj, npy_interned_str.as_integer_ratio,
                                 &as_integer_ratio) < 0) {
        return -1;
    }
    if (as_integer_ratio != NULL) {
        int result = quad_from_integer_ratio(obj, as_integer_ratio, out);
        Py_DECREF(as_integer_ratio);
        return result;
    }
    if (PyIndex_Check(obj)) {
        return quad_from_index(obj, out);
    }
    if (Py_TYPE(obj)->tp_as_number != NULL
            && Py_TYPE(obj)->tp_as_number->nb_float != NULL) {
        double value = PyFloat_AsDouble(obj);
        if (value == -1.0 && PyErr_Occurred()) {
            return -1;
        }
        *out = npy_quad_from_double(value);
        return 0;
    }
    PyErr_Format(PyExc_TypeError,
            "quad() argument must be a string or a real number, not '%s'",
            Py_TYPE(obj)->tp_name);
    return -1;
}


NPY_NO_EXPORT PyObject *
quad_to_pylong(npy_quad value)
{
    npy_uint64 hi, lo;
    npy_int64 exponent;

    if (npy_quad_isnan(value)) {
        PyErr_SetString(PyExc_ValueError,
                "cannot convert float NaN to integer");
        return NULL;
    }
    if (npy_quad_isinf(value)) {
        PyErr_SetString(PyExc_OverflowError,
                "cannot convert float infinity to integer");
        return NULL;
    }
    npy_quad_to_significand(value, &hi, &lo, &exponent);
    PyObject *magnitude = significand_to_pylong(hi, lo);
    if (magnitude == NULL) {
        return NULL;
    }
    /* a right shift of the non-negative significand truncates toward 0 */
    Py_SETREF(magnitude, pylong_shift(magnitude, (Py_ssize_t)exponent));
    if (magnitude == NULL || !npy_quad_signbit(value)) {
        return magnitude;
    }
    PyObject *result = PyNumber_Negative(magnitude);
    Py_DECREF(magnitude);
    return result;
}


NPY_NO_EXPORT PyObject *
quad_as_integer_ratio(npy_quad value)
{
    npy_uint64 hi, lo;
    npy_int64 exponent;

    if (npy_quad_isnan(value)) {
        PyErr_SetString(PyExc_ValueError,
                "cannot convert NaN to integer ratio");
        return NULL;
    }
    if (npy_quad_isinf(value)) {
        PyErr_SetString(PyExc_OverflowError,
                "cannot convert Infinity to integer ratio");
        return NULL;
    }
    npy_quad_to_significand(value, &hi, &lo, &exponent);
    if (hi == 0 && lo == 0) {
        return Py_BuildValue("(ii)", 0, 1);
    }
    /* the significand is odd: with a power of two below, in lowest terms */
    PyObject *numerator = significand_to_pylong(hi, lo);
    PyObject *one = PyLong_FromLong(1);
    PyObject *denominator = NULL, *result = NULL;
    if (numerator == NULL || one == NULL) {
        goto finish;
    }
    if (exponent > 0) {
        Py_SETREF(numerator, pylong_shift(numerator, (Py_ssize_t)exponent));
        if (numerator == NULL) {
            goto finish;
        }
        denominator = Py_NewRef(one);
    }
    else {
        denominator = pylong_shift(one, (Py_ssize_t)-exponent);
        if (denominator == NULL) {
            goto finish;
        }
    }
    if (npy_quad_signbit(value)) {
        Py_SETREF(numerator, PyNumber_Negative(numerator));
        if (numerator == NULL) {
            goto finish;
        }
    }
    result = PyTuple_Pack(2, numerator, denominator);
  finish:
    Py_XDECREF(numerator);
    Py_XDECREF(one);
    Py_XDECREF(denominator);
    return result;
}


/*
 * CPython hashes a rational m * 2**e as m * 2**e modulo 2**61 - 1; as
 * 2**61 == 1 there, 2**e is 2**(e mod 61) for negative e as well.
 */
NPY_NO_EXPORT Py_hash_t
quad_hash(npy_quad value, PyObject *self)
{
    npy_uint64 hi, lo;
    npy_int64 exponent;

    if (!npy_quad_isfinite(value)) {
        /* inf and nan hash as the float does (nan by identity) */
        return Npy_HashDouble(self, npy_quad_to_double(value));
    }
    npy_quad_to_significand(value, &hi, &lo, &exponent);
    /*
     * Modulo the Mersenne prime 2**61 - 1, 2**61 is 1: 2**64 is 8 (hi has
     * at most 49 bits), and multiplying by 2**power rotates 61 bits.
     */
    npy_uint64 reduced = ((hi << 3) + lo % QUAD_HASH_MODULUS) % QUAD_HASH_MODULUS;
    int power = (int)(((exponent % QUAD_HASH_BITS) + QUAD_HASH_BITS)
                      % QUAD_HASH_BITS);
    reduced = ((reduced << power) & QUAD_HASH_MODULUS) |
              (reduced >> (QUAD_HASH_BITS - power));
    Py_hash_t hash = (Py_hash_t)reduced;
    if (npy_quad_signbit(value)) {
        hash = -hash;
    }
    return hash == -1 ? -2 : hash;
}
