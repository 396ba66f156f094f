/*
 * The integer fast paths of binary128 + - and *, shared by npy_quad.c and
 * the quad ufunc loops (multiarray/quad/quad_arith.dispatch.c), which inline them.
 * Private to numpy-dive's quad code.
 */
#ifndef NUMPY_CORE_SRC_NPYMATH_NPY_QUAD_FASTPATH_H_
#define NUMPY_CORE_SRC_NPYMATH_NPY_QUAD_FASTPATH_H_

#include "npy_quad_private.h"

/*
 * The common case of + - and *, in integer arithmetic: normal operands and
 * a normal result. Everything else (zeros, subnormals, infinities, NaNs,
 * overflow, underflow, an exact zero from cancellation) takes npy_quad.c's
 * general routines (libgcc's soft-fp), which also raise the flags; the
 * results are the same bits.
 * Inexact is the one flag the fast path does not raise, and NumPy does not
 * look at it.
 */

/* The significand of normal magnitude bits u, with 3 bits more below. */
static inline u128
wide_significand(u128 u)
{
    return u128_shl(u128_or(u128_and(u, FRAC_MASK), MIN_NORMAL), 3);
}

/*
 * m, a significand whose leading bit is bit MANT_BITS + 3 with guard, round
 * and sticky bits below bit 3, rounded to nearest (ties to even) into the
 * bits of a normal number of biased exponent e and sign `sign`. Returns 0
 * when the rounded result overflows.
 */
static inline int
round_wide(u128 sign, int e, u128 m, u128 *result)
{
    unsigned int low = (unsigned int)u128_lo(m) & 7;
    m = u128_shr(m, 3);
    m = u128_add(m,
                 u128_from64(low > 4 ||
                             (low == 4 && u128_nonzero(u128_and(m, u128_from64(1))))));
    if (u128_nonzero(u128_shr(m, MANT_BITS + 1))) {
        m = u128_shr(m, 1);
        e++;
    }
    if (e >= 0x7fff) {
        return 0;
    }
    *result = u128_or(u128_or(sign, u128_shl(u128_from_i64(e), MANT_BITS)),
                      u128_and(m, FRAC_MASK));
    return 1;
}

/*
 * a + b (bits) when both are normal and so is their sum; returns 0, with
 * *result untouched, otherwise. b's significand, aligned to a's (the larger
 * magnitude), keeps what it loses in a sticky bit: three extra bits round
 * correctly, since more than one bit cancels only where the alignment
 * shifted by at most one, which is exact. Selects instead of branches where
 * the data decide (which operand is larger, a carry, a cancellation), so
 * that random operands cost no mispredictions.
 */
static inline int
add_normals(u128 a, u128 b, u128 *result)
{
    u128 swap = u128_neg(
            u128_from64(u128_lt(u128_and(a, ABS_MASK), u128_and(b, ABS_MASK))));
    u128 exchange = u128_and(u128_xor(a, b), swap);
    a = u128_xor(a, exchange);
    b = u128_xor(b, exchange);
    int ea = (int)u128_lo(u128_shr(u128_and(a, ABS_MASK), MANT_BITS)),
        eb = (int)u128_lo(u128_shr(u128_and(b, ABS_MASK), MANT_BITS));
    if (eb == 0 || ea == 0x7fff) {
        return 0;
    }
    u128 ma = wide_significand(a), mb = wide_significand(b);
    int d = ea - eb < MANT_BITS + 4 ? ea - eb : MANT_BITS + 4;
    mb = u128_or(u128_shr(mb, d),
                 u128_from64(u128_nonzero(u128_and(mb, u128_mask(d)))));
    u128 negate =
            u128_neg(u128_from64(u128_nonzero(u128_and(u128_xor(a, b), SIGN_BIT))));
    u128 m = u128_add(ma, u128_sub(u128_xor(mb, negate), negate));
    int length = bitlen128(m);
    if (length == 0) {
        return 0;   /* an exact zero: its sign follows the rounding rules */
    }
    /* a carry out of an addition shifts right by one, a cancellation left */
    int carry = length > MANT_BITS + 4;
    int shift = MANT_BITS + 4 - length + carry;
    int e = ea + carry - shift;
    if (e < 1) {
        return 0;
    }
    m = u128_or(u128_shr(m, carry), u128_and(m, u128_from_i64(carry)));
    return round_wide(u128_and(a, SIGN_BIT), e, u128_shl(m, shift), result);
}

/*
 * a * b (bits) when both are normal and so is their product; returns 0
 * otherwise. The 226-bit product of the significands comes from four
 * 64 x 64-bit products; below its top 116 bits, one sticky bit.
 */
static inline int
mul_normals(u128 a, u128 b, u128 *result)
{
    int ea = (int)u128_lo(u128_shr(u128_and(a, ABS_MASK), MANT_BITS)),
        eb = (int)u128_lo(u128_shr(u128_and(b, ABS_MASK), MANT_BITS));
    if (ea == 0 || eb == 0 || ea == 0x7fff || eb == 0x7fff) {
        return 0;
    }
    u128 ma = u128_or(u128_and(a, FRAC_MASK), MIN_NORMAL),
         mb = u128_or(u128_and(b, FRAC_MASK), MIN_NORMAL);
    npy_uint64 a0 = u128_lo(ma), a1 = u128_hi(ma);
    npy_uint64 b0 = u128_lo(mb), b1 = u128_hi(mb);
    u128 low = u128_mul64(a0, b0),
         middle = u128_add(u128_mul64(a0, b1), u128_mul64(a1, b0));
    u128 carry = u128_add(u128_shr(low, 64), u128_from64(u128_lo(middle)));
    u128 hi = u128_add(u128_add(u128_mul64(a1, b1), u128_shr(middle, 64)),
                       u128_shr(carry, 64));
    u128 lo = u128_or(u128_shl(u128_from64(u128_lo(carry)), 64),
                      u128_from64(u128_lo(low)));
    /* the product has 225 or 226 bits: hi holds the top 97 or 98 */
    int longer = (int)u128_lo(u128_shr(hi, 97));
    int e = ea + eb - EXP_BIAS + longer, cut = MANT_BITS - 3 + longer;
    if (e < 1) {
        return 0;
    }
    u128 m = u128_or(u128_shl(hi, 128 - cut), u128_shr(lo, cut));
    m = u128_or(m, u128_from64(u128_nonzero(u128_and(lo, u128_mask(cut)))));
    return round_wide(u128_and(u128_xor(a, b), SIGN_BIT), e, m, result);
}

#endif  /* NUMPY_CORE_SRC_NPYMATH_NPY_QUAD_FASTPATH_H_ */
