/*
 * What the binary128 routines of libnpymath share: the bit-level view of
 * an npy_quad (npy_quad_u128.h gives the 128-bit integers).  Private to
 * npymath.
 */
#ifndef NUMPY_CORE_SRC_NPYMATH_NPY_QUAD_PRIVATE_H_
#define NUMPY_CORE_SRC_NPYMATH_NPY_QUAD_PRIVATE_H_

#include "numpy/npy_math.h"
#include "numpy/npy_quad.h"

#include "npy_quad_u128.h"

#include <string.h>

#define MANT_BITS   112
#define EXP_BIAS    16383
#define SIGN_BIT    u128_make(0x8000000000000000ull, 0)
#define ABS_MASK    u128_make(0x7fffffffffffffffull, ~0ull)
#define INF_BITS    u128_make(0x7fff000000000000ull, 0)
#define QUIET_BIT   u128_make(0x0000800000000000ull, 0)
#define MIN_NORMAL  u128_make(0x0001000000000000ull, 0)
#define FRAC_MASK   u128_make(0x0000ffffffffffffull, ~0ull)
#define MAX_BITS    u128_make(0x7ffeffffffffffffull, ~0ull)
#define ONE_BITS    u128_make(0x3fff000000000000ull, 0)
#define HALF_BITS   u128_make(0x3ffe000000000000ull, 0)

/* The NaN an invalid operation makes, as libgcc's soft-fp (and SSE) do */
#if defined(__x86_64__) || defined(__i386__) || defined(_M_X64) || defined(_M_IX86)
#define DEFAULT_NAN u128_make(0xffff800000000000ull, 0)
#else
#define DEFAULT_NAN u128_make(0x7fff800000000000ull, 0)
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
    npy_uint64 hi = u128_hi(x), lo = u128_lo(x);
    if (hi) {
        return 128 - npy_quad_clz64(hi);
    }
    return lo ? 64 - npy_quad_clz64(lo) : 0;
}

static inline int
ctz128(u128 x)
{
    npy_uint64 lo = u128_lo(x);
    if (lo) {
        return npy_quad_ctz64(lo);
    }
    return 64 + npy_quad_ctz64(u128_hi(x));
}

static inline int
is_nan_bits(u128 u)
{
    return u128_gt(u128_and(u, ABS_MASK), INF_BITS);
}

static inline int
is_snan_bits(u128 u)
{
    return is_nan_bits(u) && u128_is_zero(u128_and(u, QUIET_BIT));
}

/* NaN u quieted, raising invalid if it was signalling */
static inline u128
quiet_nan(u128 u)
{
    if (u128_is_zero(u128_and(u, QUIET_BIT))) {
        npy_set_floatstatus_invalid();
    }
    return u128_or(u, QUIET_BIT);
}

/* The first NaN of a and b, quieted; invalid if either signals */
static inline u128
nan_result(u128 a, u128 b)
{
    if (is_snan_bits(a) || is_snan_bits(b)) {
        npy_set_floatstatus_invalid();
    }
    return u128_or(is_nan_bits(a) ? a : b, QUIET_BIT);
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
    return from_bits(u128_or(negative ? SIGN_BIT : u128_from64(0), INF_BITS));
}

static inline npy_quad
quad_one(void)
{
    return from_bits(ONE_BITS);
}

static inline npy_quad
quad_signed_zero(int negative)
{
    return from_bits(negative ? SIGN_BIT : u128_from64(0));
}

/* For finite magnitude bits u: |x| == sig * 2**exp2 (sig == 0 for zero) */
static inline u128
decode(u128 u, npy_int64 *exp2)
{
    int e = (int)u128_lo(u128_shr(u, MANT_BITS));
    if (e == 0) {
        *exp2 = 1 - EXP_BIAS - MANT_BITS;
        return u;
    }
    *exp2 = e - EXP_BIAS - MANT_BITS;
    return u128_or(u128_and(u, FRAC_MASK), MIN_NORMAL);
}

#endif  /* NUMPY_CORE_SRC_NPYMATH_NPY_QUAD_PRIVATE_H_ */
