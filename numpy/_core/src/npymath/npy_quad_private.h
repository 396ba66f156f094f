/*
 * What the binary128 routines of libnpymath share: the 128-bit integer
 * types and the bit-level view of an npy_quad.  Private to npymath.
 */
#ifndef NUMPY_CORE_SRC_NPYMATH_NPY_QUAD_PRIVATE_H_
#define NUMPY_CORE_SRC_NPYMATH_NPY_QUAD_PRIVATE_H_

#include "numpy/npy_math.h"
#include "numpy/npy_quad.h"

#include <string.h>

#if !defined(__SIZEOF_INT128__)
#error "the npy_quad routines need unsigned __int128 (a 64-bit GCC or Clang target)"
#endif

__extension__ typedef unsigned __int128 u128;
__extension__ typedef __int128 i128;

#define MANT_BITS   112
#define EXP_BIAS    16383
#define SIGN_BIT    ((u128)1 << 127)
#define ABS_MASK    (SIGN_BIT - 1)
#define INF_BITS    ((u128)0x7fff << MANT_BITS)
#define QUIET_BIT   ((u128)1 << (MANT_BITS - 1))
#define MIN_NORMAL  ((u128)1 << MANT_BITS)
#define FRAC_MASK   (MIN_NORMAL - 1)
#define MAX_BITS    (INF_BITS - 1)
#define ONE_BITS    ((u128)EXP_BIAS << MANT_BITS)
#define HALF_BITS   ((u128)(EXP_BIAS - 1) << MANT_BITS)

/* The NaN an invalid operation makes, as libgcc's soft-fp (and SSE) do */
#if defined(__x86_64__) || defined(__i386__)
#define DEFAULT_NAN (SIGN_BIT | INF_BITS | QUIET_BIT)
#else
#define DEFAULT_NAN (INF_BITS | QUIET_BIT)
#endif

/*
 * Binary exponents beyond +-2**20 are as far outside binary128's range as
 * any (the result overflows or underflows alike): clamped to that bound,
 * sums and products of exponents stay exact in 64-bit integers.
 */
#define EXPONENT_CLAMP (1 << 20)

static inline npy_int64
clamp_exponent(npy_int64 exp2)
{
    return exp2 > EXPONENT_CLAMP ? EXPONENT_CLAMP
                                 : (exp2 < -EXPONENT_CLAMP ? -EXPONENT_CLAMP : exp2);
}

/* memcpy keeps the native byte order and is free after optimisation */
static inline u128
get_bits(npy_quad q)
{
    u128 u;
    memcpy(&u, &q, sizeof(u));
    return u;
}

static inline npy_quad
from_bits(u128 u)
{
    npy_quad q;
    memcpy(&q, &u, sizeof(q));
    return q;
}

static inline int
bitlen128(u128 x)
{
    npy_uint64 hi = (npy_uint64)(x >> 64), lo = (npy_uint64)x;
    if (hi) {
        return 128 - __builtin_clzll(hi);
    }
    return lo ? 64 - __builtin_clzll(lo) : 0;
}

static inline int
ctz128(u128 x)
{
    npy_uint64 lo = (npy_uint64)x;
    if (lo) {
        return __builtin_ctzll(lo);
    }
    return 64 + __builtin_ctzll((npy_uint64)(x >> 64));
}

static inline int
is_nan_bits(u128 u)
{
    return (u & ABS_MASK) > INF_BITS;
}

static inline int
is_snan_bits(u128 u)
{
    return is_nan_bits(u) && !(u & QUIET_BIT);
}

/* NaN u quieted, raising invalid if it was signalling */
static inline u128
quiet_nan(u128 u)
{
    if (!(u & QUIET_BIT)) {
        npy_set_floatstatus_invalid();
    }
    return u | QUIET_BIT;
}

/* The first NaN of a and b, quieted; invalid if either signals */
static inline u128
nan_result(u128 a, u128 b)
{
    if (is_snan_bits(a) || is_snan_bits(b)) {
        npy_set_floatstatus_invalid();
    }
    return (is_nan_bits(a) ? a : b) | QUIET_BIT;
}

static inline npy_quad
invalid_result(void)
{
    npy_set_floatstatus_invalid();
    return from_bits(DEFAULT_NAN);
}

/* A NaN argument returned quieted (invalid when it signals). */
static inline npy_quad
nan_argument(npy_quad x)
{
    return from_bits(quiet_nan(get_bits(x)));
}

/* inf with divide-by-zero (a pole), signed */
static inline npy_quad
pole(int negative)
{
    npy_set_floatstatus_divbyzero();
    return from_bits((negative ? SIGN_BIT : 0) | INF_BITS);
}

static inline npy_quad
quad_one(void)
{
    return from_bits(ONE_BITS);
}

static inline npy_quad
quad_signed_zero(int negative)
{
    return from_bits(negative ? SIGN_BIT : 0);
}

/* For finite magnitude bits u: |x| == sig * 2**exp2 (sig == 0 for zero) */
static inline u128
decode(u128 u, npy_int64 *exp2)
{
    int e = (int)(u >> MANT_BITS);
    if (e == 0) {
        *exp2 = 1 - EXP_BIAS - MANT_BITS;
        return u;
    }
    *exp2 = e - EXP_BIAS - MANT_BITS;
    return (u & FRAC_MASK) | MIN_NORMAL;
}

#endif  /* NUMPY_CORE_SRC_NPYMATH_NPY_QUAD_PRIVATE_H_ */
