/*
 * Unsigned 128-bit integers for the binary128 routines: the bits of an
 * npy_quad, its significands and the fixed-point values of the math kernels.
 *
 * With a compiler that has `unsigned __int128` (GCC and Clang on 64-bit
 * targets) each operation is a macro over the compiler's operator.  Elsewhere (MSVC, 32-bit targets), or when the build
 * defines NPY_QUAD_PORTABLE (site.cfg's `portable` profile, which proves
 * this branch on x86-64), a u128 is a pair of 64-bit words and the same
 * operations are written in C99, as halffloat.cpp does without hardware
 * half floats.  Signed 128-bit values are u128 in two's complement:
 * u128_sar and u128_is_negative read them.
 *
 * Shift counts are in [0, 128).  Private to npymath.
 */
#ifndef NUMPY_CORE_SRC_NPYMATH_NPY_QUAD_U128_H_
#define NUMPY_CORE_SRC_NPYMATH_NPY_QUAD_U128_H_

#include "numpy/npy_common.h"
#include "numpy/npy_endian.h"

#if defined(_MSC_VER) && !defined(__clang__)
#include <intrin.h>
#endif

#if defined(__SIZEOF_INT128__) && !defined(NPY_QUAD_PORTABLE)
#define NPY_QUAD_HAVE_INT128 1
#endif

#if defined(NPY_QUAD_PORTABLE) && defined(__GNUC__)
/* the portable build proves that nothing after this needs either */
#pragma GCC poison __int128 __float128
#endif

/* The number of leading and trailing zeros of x != 0. */
static inline int
npy_quad_clz64(npy_uint64 x)
{
#if defined(__GNUC__) && !defined(NPY_QUAD_PORTABLE)
    return __builtin_clzll(x);
#elif defined(_MSC_VER) && defined(_M_X64) && !defined(NPY_QUAD_PORTABLE)
    unsigned long index;
    _BitScanReverse64(&index, x);
    return 63 - (int)index;
#else
    int n = 0;
    for (int step = 32; step > 0; step >>= 1) {
        if (!(x >> (64 - step))) {
            n += step;
            x <<= step;
        }
    }
    return n;
#endif
}

static inline int
npy_quad_ctz64(npy_uint64 x)
{
#if defined(__GNUC__) && !defined(NPY_QUAD_PORTABLE)
    return __builtin_ctzll(x);
#elif defined(_MSC_VER) && defined(_M_X64) && !defined(NPY_QUAD_PORTABLE)
    unsigned long index;
    _BitScanForward64(&index, x);
    return (int)index;
#else
    /* x & -x isolates the lowest set bit; count the zeros above it */
    return 63 - npy_quad_clz64(x & (~x + 1));
#endif
}


#ifdef NPY_QUAD_HAVE_INT128

__extension__ typedef unsigned __int128 u128;

/* A constant u128 from its two halves, usable in static initializers */
#define U128(hi, lo) (((u128)(hi) << 64) | (u128)(lo))

/*
 * Macros rather than inline functions, so that GCC sees the operators
 * themselves: its branch heuristics run before inlining, and with calls in
 * the conditions the kernels' branches were laid out differently (sin
 * took 10% longer).
 */
#define u128_make(hi, lo) (((u128)(npy_uint64)(hi) << 64) | (npy_uint64)(lo))
#define u128_from64(x) ((u128)(npy_uint64)(x))
/* sign-extended: a negative x becomes 2**128 + x */
#define u128_from_i64(x) ((u128)(npy_int64)(x))
#define u128_lo(x) ((npy_uint64)(x))
#define u128_hi(x) ((npy_uint64)((u128)(x) >> 64))

#define u128_add(a, b) ((u128)(a) + (u128)(b))
#define u128_sub(a, b) ((u128)(a) - (u128)(b))
#define u128_neg(a) (-(u128)(a))
/* the low 128 bits of a * b */
#define u128_mul(a, b) ((u128)(a) * (u128)(b))
#define u128_mul64(a, b) ((u128)(npy_uint64)(a) * (npy_uint64)(b))
#define u128_div(a, b) ((u128)(a) / (u128)(b))
#define u128_mod(a, b) ((u128)(a) % (u128)(b))

#define u128_and(a, b) ((u128)(a) & (u128)(b))
#define u128_or(a, b) ((u128)(a) | (u128)(b))
#define u128_xor(a, b) ((u128)(a) ^ (u128)(b))
#define u128_not(a) (~(u128)(a))
#define u128_shl(a, n) ((u128)(a) << (n))
#define u128_shr(a, n) ((u128)(a) >> (n))
#define u128_sar(a, n) ((u128)((__int128)(u128)(a) >> (n)))

#define u128_eq(a, b) ((u128)(a) == (u128)(b))
#define u128_ne(a, b) ((u128)(a) != (u128)(b))
#define u128_lt(a, b) ((u128)(a) < (u128)(b))
#define u128_le(a, b) ((u128)(a) <= (u128)(b))
#define u128_gt(a, b) ((u128)(a) > (u128)(b))
#define u128_ge(a, b) ((u128)(a) >= (u128)(b))
#define u128_is_zero(a) ((u128)(a) == 0)
#define u128_nonzero(a) ((u128)(a) != 0)

#else  /* the portable u128 */

/* in the byte order of the machine, so that memcpy to and from npy_quad works */
typedef struct {
#if NPY_BYTE_ORDER == NPY_BIG_ENDIAN
    npy_uint64 hi, lo;
#else
    npy_uint64 lo, hi;
#endif
} u128;

#define U128(hi_, lo_) {.lo = (lo_), .hi = (hi_)}

static inline u128
u128_make(npy_uint64 hi, npy_uint64 lo)
{
    u128 r;
    r.hi = hi;
    r.lo = lo;
    return r;
}

static inline u128 u128_from64(npy_uint64 x) { return u128_make(0, x); }
static inline u128
u128_from_i64(npy_int64 x)
{
    return u128_make(x < 0 ? ~(npy_uint64)0 : 0, (npy_uint64)x);
}
static inline npy_uint64 u128_lo(u128 x) { return x.lo; }
static inline npy_uint64 u128_hi(u128 x) { return x.hi; }

static inline u128
u128_add(u128 a, u128 b)
{
    npy_uint64 lo = a.lo + b.lo;
    return u128_make(a.hi + b.hi + (lo < a.lo), lo);
}

static inline u128
u128_sub(u128 a, u128 b)
{
    return u128_make(a.hi - b.hi - (a.lo < b.lo), a.lo - b.lo);
}

static inline u128
u128_neg(u128 a)
{
    return u128_sub(u128_from64(0), a);
}

/* the full product of two 64-bit words, from four 32 x 32-bit products */
static inline u128
u128_mul64(npy_uint64 a, npy_uint64 b)
{
#if defined(_MSC_VER) && defined(_M_X64) && !defined(NPY_QUAD_PORTABLE)
    npy_uint64 hi, lo = _umul128(a, b, &hi);
    return u128_make(hi, lo);
#else
    npy_uint64 a0 = a & 0xffffffffu, a1 = a >> 32;
    npy_uint64 b0 = b & 0xffffffffu, b1 = b >> 32;
    npy_uint64 p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0, p11 = a1 * b1;
    /* the middle column cannot overflow: each term is below 2**64 - 2**33 */
    npy_uint64 middle = (p00 >> 32) + (p01 & 0xffffffffu) + (p10 & 0xffffffffu);
    return u128_make(p11 + (p01 >> 32) + (p10 >> 32) + (middle >> 32),
                     (middle << 32) | (p00 & 0xffffffffu));
#endif
}

static inline u128
u128_mul(u128 a, u128 b)
{
    u128 low = u128_mul64(a.lo, b.lo);
    low.hi += a.lo * b.hi + a.hi * b.lo;
    return low;
}

static inline u128
u128_and(u128 a, u128 b)
{
    return u128_make(a.hi & b.hi, a.lo & b.lo);
}
static inline u128
u128_or(u128 a, u128 b)
{
    return u128_make(a.hi | b.hi, a.lo | b.lo);
}
static inline u128
u128_xor(u128 a, u128 b)
{
    return u128_make(a.hi ^ b.hi, a.lo ^ b.lo);
}
static inline u128 u128_not(u128 a) { return u128_make(~a.hi, ~a.lo); }

static inline u128
u128_shl(u128 a, int n)
{
    if (n == 0) {
        return a;
    }
    if (n >= 64) {
        return u128_make(a.lo << (n - 64), 0);
    }
    return u128_make((a.hi << n) | (a.lo >> (64 - n)), a.lo << n);
}

static inline u128
u128_shr(u128 a, int n)
{
    if (n == 0) {
        return a;
    }
    if (n >= 64) {
        return u128_make(0, a.hi >> (n - 64));
    }
    return u128_make(a.hi >> n, (a.lo >> n) | (a.hi << (64 - n)));
}

static inline u128
u128_sar(u128 a, int n)
{
    u128 fill = a.hi >> 63 ? u128_not(u128_shr(u128_not(u128_from64(0)), n))
                           : u128_from64(0);
    return u128_or(u128_shr(a, n), fill);
}

static inline int u128_eq(u128 a, u128 b) { return a.hi == b.hi && a.lo == b.lo; }
static inline int u128_ne(u128 a, u128 b) { return !u128_eq(a, b); }
static inline int
u128_lt(u128 a, u128 b)
{
    return a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo);
}
static inline int u128_le(u128 a, u128 b) { return !u128_lt(b, a); }
static inline int u128_gt(u128 a, u128 b) { return u128_lt(b, a); }
static inline int u128_ge(u128 a, u128 b) { return !u128_lt(a, b); }
static inline int u128_is_zero(u128 a) { return (a.hi | a.lo) == 0; }
static inline int u128_nonzero(u128 a) { return (a.hi | a.lo) != 0; }

/* a / b and a % b, b != 0, by shift and subtract */
static inline u128
u128_divmod(u128 a, u128 b, u128 *remainder)
{
    u128 quotient = u128_from64(0), r = u128_from64(0);
    for (int i = 127; i >= 0; i--) {
        r = u128_or(u128_shl(r, 1), u128_and(u128_shr(a, i), u128_from64(1)));
        if (u128_ge(r, b)) {
            r = u128_sub(r, b);
            quotient = u128_or(quotient, u128_shl(u128_from64(1), i));
        }
    }
    *remainder = r;
    return quotient;
}

static inline u128
u128_div(u128 a, u128 b)
{
    u128 r;
    return u128_divmod(a, b, &r);
}

static inline u128
u128_mod(u128 a, u128 b)
{
    u128 r;
    u128_divmod(a, b, &r);
    return r;
}

#endif  /* NPY_QUAD_HAVE_INT128 */

/* 2**n */
static inline u128
u128_bit(int n)
{
    return u128_shl(u128_from64(1), n);
}

/* the n low bits set: 2**n - 1 */
static inline u128
u128_mask(int n)
{
    return u128_sub(u128_bit(n), u128_from64(1));
}

/* a u128 read as a signed two's complement value is below zero */
static inline int
u128_is_negative(u128 a)
{
    return (int)(u128_hi(a) >> 63);
}

#endif  /* NUMPY_CORE_SRC_NPYMATH_NPY_QUAD_U128_H_ */
