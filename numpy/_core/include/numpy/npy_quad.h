#ifndef NUMPY_CORE_INCLUDE_NUMPY_NPY_QUAD_H_
#define NUMPY_CORE_INCLUDE_NUMPY_NPY_QUAD_H_

#include <string.h>

#include <numpy/npy_common.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Quadruple-precision (IEEE 754 binary128) routines.
 *
 * `npy_quad` is opaque storage, like `npy_half`: the 16 bytes are those of a
 * binary128 value in native byte order (on little-endian machines bits[0] is
 * the low 64 bits of the encoding).  It is a struct so that no consumer
 * needs compiler support for `__float128`; use the functions below, or
 * `npy_quad_from_words`/`npy_quad_to_words` for an endian-neutral view of the
 * encoding.
 *
 * Unless noted otherwise, results are correctly rounded to nearest, ties to
 * even, and the IEEE flags are raised in the floating-point environment
 * (overflow, underflow, invalid, divide-by-zero; inexact may or may not be
 * raised), where `np.errstate` sees them.  Underflow follows x86: tininess
 * is detected after rounding, and is only signalled when the result is
 * inexact.  A NaN result of an operation with a NaN operand is the first
 * NaN operand, quieted; invalid is raised only for a signalling NaN operand.
 * A NaN made by an invalid operation is the platform's default NaN (negative
 * on x86, as for `double`).  add/sub/mul/div and the conversions to double,
 * float and long double follow the dynamic rounding mode (fesetround); the
 * other routines always round to nearest.
 */

#if defined(_MSC_VER) && !defined(__clang__)
typedef __declspec(align(16)) struct {
    npy_uint64 bits[2];
} npy_quad;
#else
typedef struct {
    npy_uint64 bits[2];
} __attribute__((aligned(16))) npy_quad;
#endif

#ifndef NPY_SIZEOF_QUAD
#define NPY_SIZEOF_QUAD 16
#endif
#ifndef NPY_BITSOF_QUAD
#define NPY_BITSOF_QUAD 128
#endif

/*
 * Encoding and finfo-style parameters.  The *_HI values are the high 64 bits
 * of the encoding; the low 64 bits are zero except for NPY_QUAD_MAX_HI,
 * whose low word is NPY_QUAD_MAX_LO.
 */
#define NPY_QUAD_SIGN_HI            0x8000000000000000ull
#define NPY_QUAD_PINF_HI            0x7fff000000000000ull
#define NPY_QUAD_NINF_HI            0xffff000000000000ull
#define NPY_QUAD_NAN_HI             0x7fff800000000000ull
#define NPY_QUAD_ONE_HI             0x3fff000000000000ull
#define NPY_QUAD_MAX_HI             0x7ffeffffffffffffull
#define NPY_QUAD_MAX_LO             0xffffffffffffffffull
#define NPY_QUAD_TINY_HI            0x0001000000000000ull  /* 2**-16382 */
#define NPY_QUAD_EPS_HI             0x3f8f000000000000ull  /* 2**-112 */
#define NPY_QUAD_EPSNEG_HI          0x3f8e000000000000ull  /* 2**-113 */
/* smallest subnormal, 2**-16494: high word 0, low word 1 */

/* significand bits with the implicit one; stored bits (finfo.nmant) */
#define NPY_QUAD_MANT_DIG           113
#define NPY_QUAD_NMANT              112
/* finfo.minexp and finfo.maxexp */
#define NPY_QUAD_MINEXP             (-16382)
#define NPY_QUAD_MAXEXP             16384
/* decimal digits kept through decimal -> quad -> decimal (finfo.precision) */
#define NPY_QUAD_DIG                33
/* decimal digits that round-trip every quad through a string */
#define NPY_QUAD_DECIMAL_DIG        36

/*
 * One value loaded from, or stored to, memory of any alignment (array data
 * need not be aligned to 16 bytes).
 */
static inline npy_quad
npy_quad_load(const void *data)
{
    npy_quad value;
    memcpy(&value, data, sizeof(value));
    return value;
}

static inline void
npy_quad_store(void *data, npy_quad value)
{
    memcpy(data, &value, sizeof(value));
}

/* Construction and constants */
npy_quad npy_quad_from_words(npy_uint64 hi, npy_uint64 lo);
void npy_quad_to_words(npy_quad q, npy_uint64 *hi, npy_uint64 *lo);
npy_quad npy_quad_nan(void);   /* positive quiet NaN */
npy_quad npy_quad_inf(void);   /* +inf */

/* Conversions to quad: exact (a signalling NaN is quieted, with invalid) */
npy_quad npy_quad_from_double(double d);
npy_quad npy_quad_from_float(float f);
npy_quad npy_quad_from_longdouble(npy_longdouble ld);
npy_quad npy_quad_from_half(npy_half h);
npy_quad npy_quad_from_int64(npy_int64 i);
npy_quad npy_quad_from_uint64(npy_uint64 u);

/*
 * Conversions from quad: rounded once, directly to the target format (no
 * intermediate double), raising overflow/underflow as IEEE does.
 * npy_quad_to_half returns the half's bits, like npy_double_to_half.
 */
double npy_quad_to_double(npy_quad q);
float npy_quad_to_float(npy_quad q);
npy_half npy_quad_to_half(npy_quad q);
npy_longdouble npy_quad_to_longdouble(npy_quad q);

/*
 * Conversions to integers truncate toward zero, like a C cast.  NaN and
 * values whose truncation is out of range raise invalid and return
 * 0x8000000000000000, what x86-64's cvttsd2si gives (INT64_MIN for int64).
 * For uint64 "out of range" includes every value <= -1; values in (-1, 0]
 * give 0.
 */
npy_int64 npy_quad_to_int64(npy_quad q);
npy_uint64 npy_quad_to_uint64(npy_quad q);

/*
 * (-1)**negative * (hi*2**64 + lo + (sticky ? e : 0)) * 2**exp2, 0 < e < 1,
 * rounded once to binary128 (subnormals, overflow to inf and underflow to
 * zero handled, with the flags).  exp2 may be any int64.  With `sticky`, the
 * result is the correct rounding for every such e when the rounding point
 * lies above bit 0 of lo, which hi:lo >= 2**113 guarantees; for a shorter
 * hi:lo with a normal result, e is taken to be below half a unit in the last
 * place of the result (the value is then hi:lo * 2**exp2, inexact).
 * hi == lo == 0 gives a signed zero (sticky is ignored).
 */
npy_quad npy_quad_from_significand(int negative, npy_uint64 hi, npy_uint64 lo,
                                   int sticky, npy_int64 exp2);
/*
 * For finite q: |q| == (hi*2**64 + lo) * 2**exp2 with hi:lo odd, or zero
 * with exp2 == 0 for +-0; returns 0.  Returns -1 for inf and NaN.  The sign
 * is npy_quad_signbit(q).
 */
int npy_quad_to_significand(npy_quad q, npy_uint64 *hi, npy_uint64 *lo,
                            npy_int64 *exp2);

/* Arithmetic: correctly rounded, all flags */
npy_quad npy_quad_add(npy_quad a, npy_quad b);
npy_quad npy_quad_sub(npy_quad a, npy_quad b);
npy_quad npy_quad_mul(npy_quad a, npy_quad b);
npy_quad npy_quad_div(npy_quad a, npy_quad b);
/* a*b + c with a single rounding; inf*0 is invalid unless c is a quiet NaN */
npy_quad npy_quad_fma(npy_quad a, npy_quad b, npy_quad c);
/* sqrt(-0) == -0; x < 0 gives NaN with invalid */
npy_quad npy_quad_sqrt(npy_quad x);
/* Sign-bit operations: exact, no flags, also for NaN */
npy_quad npy_quad_negative(npy_quad x);
npy_quad npy_quad_absolute(npy_quad x);
npy_quad npy_quad_copysign(npy_quad x, npy_quad y);

/* Comparisons: IEEE results (false for unordered, ne true); no flags */
int npy_quad_eq(npy_quad a, npy_quad b);
int npy_quad_ne(npy_quad a, npy_quad b);
int npy_quad_lt(npy_quad a, npy_quad b);
int npy_quad_le(npy_quad a, npy_quad b);
int npy_quad_gt(npy_quad a, npy_quad b);
int npy_quad_ge(npy_quad a, npy_quad b);

/* Classification: no flags */
int npy_quad_isnan(npy_quad x);
int npy_quad_isinf(npy_quad x);
int npy_quad_isfinite(npy_quad x);
int npy_quad_signbit(npy_quad x);
int npy_quad_iszero(npy_quad x);

/*
 * C99 nextafter: y when x == y; overflow at the step to inf, underflow when
 * the result is subnormal.
 */
npy_quad npy_quad_nextafter(npy_quad x, npy_quad y);
/*
 * Like npy_spacing: the next value away from zero minus x (so negative for
 * negative x; +-0 give the smallest positive subnormal, with underflow).
 * Overflow and +-inf at the largest finite values; inf and NaN give NaN and
 * raise invalid, as npy_half_spacing does.
 */
npy_quad npy_quad_spacing(npy_quad x);

/* Exact rounding to integral values (rint: ties to even); no flags */
npy_quad npy_quad_floor(npy_quad x);
npy_quad npy_quad_ceil(npy_quad x);
npy_quad npy_quad_trunc(npy_quad x);
npy_quad npy_quad_rint(npy_quad x);

/* C fmod: exact, sign of x; invalid for x = inf or y = 0 */
npy_quad npy_quad_fmod(npy_quad x, npy_quad y);
/*
 * Python's divmod, following npy_divmod step by step (the same signed
 * zeros, inf and NaN results and flags); returns the floor quotient.
 */
npy_quad npy_quad_divmod(npy_quad x, npy_quad y, npy_quad *mod);
/* its two halves: Python's x // y and x % y (npy_floor_divide, npy_remainder) */
npy_quad npy_quad_floor_divide(npy_quad x, npy_quad y);
npy_quad npy_quad_remainder(npy_quad x, npy_quad y);

/* C99 semantics; ldexp rounds (subnormal results) with the flags */
npy_quad npy_quad_ldexp(npy_quad x, int exp);
npy_quad npy_quad_frexp(npy_quad x, int *exp);
npy_quad npy_quad_modf(npy_quad x, npy_quad *intpart);
/* C99: a NaN operand is ignored; -0 counts as smaller than +0 */
npy_quad npy_quad_fmax(npy_quad x, npy_quad y);
npy_quad npy_quad_fmin(npy_quad x, npy_quad y);

/*
 * Elementary functions (C23 Annex F special values and flags).  Each is
 * evaluated with 128 significant bits and rounded once to nearest: the
 * result is correctly rounded except when the exact value lies within
 * about 2**-124 (relative) of a point halfway between two binary128
 * values, and is never more than 0.501 units in the last place off.
 * doc/quad.rst gives the measured error of each.  Overflow, underflow,
 * divide-by-zero (poles: log(0), atanh(1), ...) and invalid (domain
 * errors: log(-1), sin(inf), ...) are raised; inexact may or may not be.
 */
npy_quad npy_quad_exp(npy_quad x);
npy_quad npy_quad_exp2(npy_quad x);
npy_quad npy_quad_expm1(npy_quad x);
npy_quad npy_quad_log(npy_quad x);
npy_quad npy_quad_log2(npy_quad x);
npy_quad npy_quad_log10(npy_quad x);
npy_quad npy_quad_log1p(npy_quad x);
npy_quad npy_quad_sin(npy_quad x);
npy_quad npy_quad_cos(npy_quad x);
npy_quad npy_quad_tan(npy_quad x);
npy_quad npy_quad_asin(npy_quad x);
npy_quad npy_quad_acos(npy_quad x);
npy_quad npy_quad_atan(npy_quad x);
/* C's argument order: atan2(y, x) is the angle of the point (x, y) */
npy_quad npy_quad_atan2(npy_quad y, npy_quad x);
npy_quad npy_quad_sinh(npy_quad x);
npy_quad npy_quad_cosh(npy_quad x);
npy_quad npy_quad_tanh(npy_quad x);
npy_quad npy_quad_asinh(npy_quad x);
npy_quad npy_quad_acosh(npy_quad x);
npy_quad npy_quad_atanh(npy_quad x);
npy_quad npy_quad_cbrt(npy_quad x);
/* hypot(inf, NaN) is +inf */
npy_quad npy_quad_hypot(npy_quad x, npy_quad y);
/* log(exp(a) + exp(b)) and log2(2**a + 2**b), without overflow */
npy_quad npy_quad_logaddexp(npy_quad a, npy_quad b);
npy_quad npy_quad_logaddexp2(npy_quad a, npy_quad b);
/*
 * C's pow, every real exponent (x < 0 needs an integral one: invalid
 * otherwise); pow(x, 0) and pow(1, y) are 1 even for NaN, 0**-y is a pole
 */
npy_quad npy_quad_pow(npy_quad x, npy_quad y);
/* x * (pi / 180) and x * (180 / pi), rounded once */
npy_quad npy_quad_deg2rad(npy_quad x);
npy_quad npy_quad_rad2deg(npy_quad x);

#ifdef __cplusplus
}
#endif

#endif  /* NUMPY_CORE_INCLUDE_NUMPY_NPY_QUAD_H_ */
