/*
 * Exponentials, logarithms, hyperbolic functions, cbrt, hypot, logaddexp
 * and pow of binary128 values; numpy/npy_quad.h gives each contract.
 *
 * Each function evaluates in the 128-bit working precision of
 * npy_quad_xprec.h and rounds once.  The argument reductions are exact:
 *
 *   exp:  x * 2**14 / ln2 = k + f (a 305-bit product with a 192-bit
 *         constant), exp(x) = 2**(k >> 14) * T1[k >> 7 & 127] * T2[k & 127]
 *         * exp(f * ln2 / 2**14), the last by a degree-8 polynomial.
 *   log:  y in [0.707, 1.414) is brought to 1 + r2, |r2| < 2**-15, by two
 *         table factors (exact 256-bit products); log(1 + r2) by a degree-8
 *         polynomial, and the table logarithms are added, then E * ln2.
 *
 * The others are built from these pieces in working precision, arranged so
 * that no step cancels more than a bit or two.  The error before the final
 * rounding stays below about 2**-124 relative: results are correctly
 * rounded except when the exact value lies within that distance of a
 * rounding boundary (a few inputs in 10**4), and never more than
 * 0.5 + 2**-11 units in the last place off.
 */
#include "numpy/npy_math.h"
#include "numpy/npy_quad.h"
#include "npy_quad_xprec.h"
#include "npy_quad_math_tables.h"

#include <math.h>

/* |x| below 2**-120: exp(x) and cosh(x) round to 1, expm1(x) etc. to x */
#define TINY_BITS       u128_shl(u128_from64(EXP_BIAS - 120), MANT_BITS)
/* |x| at or beyond 2**14: exp overflows or underflows; 2**15 for exp2 */
#define HUGE_EXP_BITS   u128_shl(u128_from64(EXP_BIAS + 14), MANT_BITS)
#define HUGE_EXP2_BITS  u128_shl(u128_from64(EXP_BIAS + 15), MANT_BITS)
/* the top bits of sqrt(2) * 2**127: y at or above is halved for log */
#define SQRT2_M         u128_make(0xb504f333f9de6484u, 0x597d89b3754abe9fu)

/* +inf with overflow, or +0 with underflow */
static npy_quad
exp_out_of_range(int negative)
{
    return npy_quad_from_significand(0, (npy_uint64)1 << 63, 0, 1,
                                     negative ? -EXPONENT_CLAMP : EXPONENT_CLAMP);
}


/*
 *****************************************************************************
 *                               EXPONENTIALS                                *
 *****************************************************************************
 */

/*
 * (-1)**negative * V * 2**-point for the n-word V, as k + f with k an
 * integer and 0 <= f < 1: returns k (|k| < 2**62 for every caller) and
 * sets the top `nwords` words of f.  When V has bits below those words, a
 * negative value's f words are those of 1 - f rounded down (-(k + f +
 * tiny) = (-k - 1) + (1 - f - tiny)), so that they stay below 1.
 */
NPY_FINLINE npy_int64
split_integer(const npy_uint64 *value, int n, int point, int negative,
              npy_uint64 *fraction, int nwords)
{
    npy_int64 k = (npy_int64)u128_lo(bits_at(value, n, point));
    int low = point - 64 * nwords, any = 0;
    for (int i = 0; i < nwords; i += 2) {      /* nwords is even */
        u128 pair = bits_at(value, n, low + 64 * i);
        fraction[i] = u128_lo(pair);
        fraction[i + 1] = u128_hi(pair);
        any |= u128_nonzero(pair);
    }
    if (negative) {
        int sticky = words_any_below(value, n, low);
        k = (any || sticky) ? -k - 1 : -k;
        if (sticky) {
            for (int i = 0; i < nwords; i++) {
                fraction[i] = ~fraction[i];
            }
        }
        else {
            words_negate(fraction, nwords);
        }
    }
    return k;
}

/*
 * x * 2**14 / ln2 = k + f (or x * 2**14 = k + f, exactly, when `base2`),
 * 0 <= f < 1, for the xq x with |x| < 2**15: returns k and the top
 * `nwords` words of f.  The product with the constant (3 or 6 words, as
 * precise as nwords needs) keeps every bit that reaches f.
 */
NPY_FINLINE npy_int64
exp_reduce(xq x, int base2, npy_uint64 *fraction, int nwords)
{
    npy_uint64 m[2] = {u128_lo(x.m), u128_hi(x.m)};
    npy_uint64 product[8];
    if (base2) {
        /* x * 2**14 = m * 2**(e - 113) */
        return split_integer(m, 2, 113 - x.e, x.neg, fraction, nwords);
    }
    if (nwords <= 2) {
        /* 2**14 / ln2 * 2**177 in three words */
        words_mul(m, 2, exp_inv_step, 3, product);
        return split_integer(product, 5, 177 + 127 - x.e, x.neg, fraction, nwords);
    }
    /* 2**14 / ln2 * 2**369 in six words */
    words_mul(m, 2, exp_inv_step_wide, 6, product);
    return split_integer(product, 8, 369 + 127 - x.e, x.neg, fraction, nwords);
}

/* exp_reduce's f with 128 fraction bits */
NPY_FINLINE npy_int64
exp_reduce_fixed(xq x, int base2, u128 *f)
{
    npy_uint64 words[2];
    npy_int64 k = exp_reduce(x, base2, words, 2);
    *f = u128_make(words[1], words[0]);
    return k;
}

/* (exp(r) - 1) / r with r = rho / 2**14, 127 fraction bits */
static inline u128
expm1_ratio(u128 rho, int negative)
{
    return POLY_EVAL(expm1_poly, rho, negative);
}

/* 2**(k / 2**14) * exp(f * ln2 / 2**14) */
static xq
exp_of_reduced(npy_int64 k, u128 f)
{
    u128 rho = umulhi(f, ln2_fixed);
    u128 er = u128_add(XQ_ONE_M, u128_shr(umulhi(expm1_ratio(rho, 0), rho), 14));
    xq result = {er, 0, 0};
    xq t1 = {exp_t1[(k >> 7) & 127], 0, 0};
    xq t2 = {exp_t2[k & 127], 0, 0};
    result = xq_mul(xq_mul(result, t1), t2);
    result.e += (int)(k >> 14);
    return result;
}

/* exp(x) for the xq x with |x| < 2**14 */
static xq
exp_xq(xq x)
{
    u128 f;
    npy_int64 k = exp_reduce_fixed(x, 0, &f);
    return exp_of_reduced(k, f);
}

/* 2**x for the xq x with |x| < 2**15 */
static xq
exp2_xq(xq x)
{
    u128 f;
    npy_int64 k = exp_reduce_fixed(x, 1, &f);
    return exp_of_reduced(k, f);
}

/*
 * expm1(x) for 0 <= x < ln2: with k = x * 2**14 / ln2 < 2**14, exp(x) - 1 =
 * E1 + E2 + E1*E2 + T1*T2*(exp(r) - 1), Ei = Ti - 1, all terms >= 0; below
 * 2**-15 the series alone (the reduction would lose x's relative precision)
 */
static xq
expm1_small(xq x)
{
    if (x.e < -15) {
        return xq_mul(x, xq_make(0, expm1_ratio(fixed_scaled(x, 14), x.neg),
                                 -127));
    }
    u128 f;
    npy_int64 k = exp_reduce_fixed(x, 0, &f);
    u128 rho = umulhi(f, ln2_fixed);
    xq er = xq_make(0, umulhi(expm1_ratio(rho, 0), rho), -127 - 14);
    xq t1 = {exp_t1[k >> 7], 0, 0};
    xq t2 = {exp_t2[k & 127], 0, 0};
    xq e1 = expm1_t1[k >> 7], e2 = expm1_t2[k & 127];
    xq sum = xq_add(xq_mul(xq_mul(t1, t2), er), xq_mul(e1, e2));
    return xq_add(xq_add(sum, e2), e1);
}

/* expm1(x) for the xq x with |x| < 2**14 */
static xq
expm1_xq(xq x)
{
    if (x.e < -1 || (x.e == -1 && u128_lt(x.m, xq_ln2.m))) {
        /* |x| < ln2 */
        if (!x.neg || x.e < -15) {
            return expm1_small(x);
        }
        /* expm1(-y) = -E / (1 + E), E = expm1(y) */
        xq e = expm1_small(xq_negate(x));
        return xq_negate(xq_div(e, xq_add(e, xq_one)));
    }
    return xq_sub(exp_xq(x), xq_one);
}

/*
 * The special cases of exp and exp2, whose overflow and underflow start at
 * |x| = huge_bits: returns 1 and sets *result for NaN, inf, |x| below
 * 2**-120 (1) and beyond the range.
 */
static int
exp_special(npy_quad x, u128 huge_bits, npy_quad *result)
{
    u128 u = get_bits(x), mag = u128_and(u, ABS_MASK);
    int negative = (int)u128_lo(u128_shr(u, 127));
    if (u128_gt(mag, INF_BITS)) {
        *result = nan_argument(x);
    }
    else if (u128_eq(mag, INF_BITS)) {
        *result = negative ? quad_signed_zero(0) : x;
    }
    else if (u128_lt(mag, TINY_BITS)) {
        *result = quad_one();
    }
    else if (u128_ge(mag, huge_bits)) {
        *result = exp_out_of_range(negative);
    }
    else {
        return 0;
    }
    return 1;
}

npy_quad
npy_quad_exp(npy_quad x)
{
    npy_quad result;
    if (exp_special(x, HUGE_EXP_BITS, &result)) {
        return result;
    }
    return xq_to_quad(exp_xq(xq_from_quad(x)));
}

npy_quad
npy_quad_exp2(npy_quad x)
{
    npy_quad result;
    if (exp_special(x, HUGE_EXP2_BITS, &result)) {
        return result;
    }
    if (npy_quad_eq(npy_quad_trunc(x), x)) {
        /* exact, so no underflow for a subnormal power of two */
        return npy_quad_ldexp(quad_one(), (int)npy_quad_to_int64(x));
    }
    return xq_to_quad(exp2_xq(xq_from_quad(x)));
}

npy_quad
npy_quad_expm1(npy_quad x)
{
    u128 u = get_bits(x), mag = u128_and(u, ABS_MASK);
    int negative = (int)u128_lo(u128_shr(u, 127));
    if (u128_ge(mag, INF_BITS)) {
        if (u128_gt(mag, INF_BITS)) {
            return nan_argument(x);
        }
        return negative ? from_bits(u128_or(SIGN_BIT, ONE_BITS)) : x;
    }
    if (u128_lt(mag, TINY_BITS)) {
        /* x + x*x/2 rounds to x; through xq for underflow on subnormals */
        return u128_is_zero(mag) ? x : xq_to_quad(xq_from_quad(x));
    }
    if (u128_ge(mag, HUGE_EXP_BITS)) {
        return negative ? xq_to_quad(xq_negate(xq_one))
                        : exp_out_of_range(0);
    }
    return xq_to_quad(expm1_xq(xq_from_quad(x)));
}


/*
 *****************************************************************************
 *                               LOGARITHMS                                  *
 *****************************************************************************
 */

/*
 * The table reduction of log: for y = Y / 2**190 in [0.707, 1.414), Y exact
 * in four words, y * I1 / 2**8 = 1 + r1 and (1 + r1) * I2 / 2**23 = 1 + r2
 * are exact, so that log(y) = L1 + L2 + log(1 + r2).  Sets the table
 * indices and |r2| * 2**221 in `r2` (four words); returns r2 < 0.
 */
static int
log_reduce(const npy_uint64 *Y, int *j1, int *j2, npy_uint64 *r2)
{
    *j1 = (int)(Y[2] >> (190 - 7 - 128));
    npy_uint64 i1 = log_i1[*j1 - 90];
    npy_uint64 p1[5], p2[5];
    words_mul(Y, 4, &i1, 1, p1);                /* 1 + r1, 198 fraction bits */
    p1[3] -= (npy_uint64)1 << (198 - 192);
    /* j2 = round(r1 * 2**14); |r1| < 2**-7, so r1 * 2**15 fits the low word */
    npy_int64 r1_scaled = (npy_int64)((p1[3] << 9) | (p1[2] >> 55));
    *j2 = (int)((r1_scaled + 1) >> 1);
    p1[3] += (npy_uint64)1 << (198 - 192);
    npy_uint64 i2 = log_i2[*j2 + 128];
    words_mul(p1, 4, &i2, 1, p2);               /* 1 + r2, 221 fraction bits */
    p2[3] -= (npy_uint64)1 << (221 - 192);
    int negative = (npy_int64)p2[3] < 0;
    if (negative) {
        words_negate(p2, 4);
    }
    for (int i = 0; i < 4; i++) {
        r2[i] = p2[i];
    }
    return negative;
}

/* log(y) for y = Y / 2**190 in [0.707, 1.414), Y exact in four words */
static xq
log_of_mantissa(const npy_uint64 *Y)
{
    int j1, j2;
    npy_uint64 r2_words[4];
    int negative = log_reduce(Y, &j1, &j2, r2_words);
    xq r2 = xq_from_words(negative, r2_words, 4, -221);
    u128 rho = bits_at(r2_words, 4, 221 - 14 - 128);    /* |r2| * 2**14 */
    xq ratio = xq_make(0, POLY_EVAL(log1p_poly, rho, !negative), -127);
    xq sum = xq_add(xq_mul(r2, ratio), log_l2[j2 + 128]);
    return xq_add(sum, log_l1[j1 - 90]);
}

/* log(1 + r) = r * ratio for |r| < 2**-15, r exact */
static xq
log1p_series(xq r)
{
    return xq_mul(r, xq_make(0, POLY_EVAL(log1p_poly, fixed_scaled(r, 14), !r.neg),
                             -127));
}

/* E * ln2 + log(Y / 2**190) */
static xq
log_scaled(int E, const npy_uint64 *Y)
{
    xq result = log_of_mantissa(Y);
    if (E == 0) {
        return result;
    }
    xq e = xq_make(E < 0, u128_from_i64(E < 0 ? -E : E), 0);
    return xq_add(xq_mul(e, xq_ln2), result);
}

/*
 * Splits the xq x > 0 into 2**E * Y / 2**190 with Y / 2**190 in
 * [0.707, 1.414) (the last bit of x is dropped when it is halved).
 */
static int
log_split(xq x, npy_uint64 *Y)
{
    int halve = u128_ge(x.m, SQRT2_M);
    int shift = 63 - halve;
    Y[0] = u128_lo(x.m) << shift;
    Y[1] = u128_lo(u128_shr(x.m, 64 - shift));
    Y[2] = u128_lo(u128_shr(x.m, 128 - shift));
    Y[3] = 0;
    return x.e + halve;
}

/* log(x) for the xq x > 0 */
static xq
log_xq(xq x)
{
    npy_uint64 Y[4];
    int E = log_split(x, Y);
    return log_scaled(E, Y);
}

/* log(1 + u) for the xq u > -1, with 1 + u formed exactly where it matters */
static xq
log1p_xq(xq u)
{
    if (u128_is_zero(u.m) || u.e < -15) {
        return log1p_series(u);
    }
    if (u.e >= 60) {
        return log_xq(xq_add(u, xq_one));
    }
    /* Z = (1 + u) * 2**190, exact: u = m * 2**(e - 127), e >= -15 */
    npy_uint64 m[2] = {u128_lo(u.m), u128_hi(u.m)};
    npy_uint64 U[4], Z[4] = {0, 0, (npy_uint64)1 << 62, 0};
    for (int i = 0; i < 4; i++) {
        U[i] = u128_lo(bits_at(m, 2, 64 * i - (u.e + 63)));
    }
    if (u.neg) {
        words_negate(U, 4);
    }
    npy_uint64 carry = 0;
    for (int i = 0; i < 4; i++) {
        u128 t = u128_add(u128_add(u128_from64(Z[i]), u128_from64(U[i])),
                          u128_from64(carry));
        Z[i] = u128_lo(t);
        carry = u128_hi(t);
    }
    /* 1 + u = 2**E * Y / 2**190, Y / 2**190 in [0.707, 1.414) */
    int E = words_bitlen(Z, 4) - 191;
    if (u128_ge(bits_at(Z, 4, E + 63), SQRT2_M)) {
        E++;
    }
    npy_uint64 Y[4];
    for (int i = 0; i < 4; i++) {
        Y[i] = u128_lo(bits_at(Z, 4, 64 * i + E));
    }
    return log_scaled(E, Y);
}

/*
 * The special cases of the logarithms: returns 1 and sets *result for
 * NaN, zero, negative and infinite x (and x == 1, whose log is +0).
 */
static int
log_special(npy_quad x, npy_quad *result)
{
    u128 u = get_bits(x), mag = u128_and(u, ABS_MASK);
    if (u128_gt(mag, INF_BITS)) {
        *result = nan_argument(x);
    }
    else if (u128_is_zero(mag)) {
        *result = pole(1);
    }
    else if (u128_nonzero(u128_shr(u, 127))) {
        *result = invalid_result();
    }
    else if (u128_eq(mag, INF_BITS)) {
        *result = x;
    }
    else if (u128_eq(u, ONE_BITS)) {
        *result = quad_signed_zero(0);
    }
    else {
        return 0;
    }
    return 1;
}

npy_quad
npy_quad_log(npy_quad x)
{
    npy_quad result;
    if (log_special(x, &result)) {
        return result;
    }
    return xq_to_quad(log_xq(xq_from_quad(x)));
}

npy_quad
npy_quad_log2(npy_quad x)
{
    npy_quad result;
    if (log_special(x, &result)) {
        return result;
    }
    npy_uint64 Y[4];
    int E = log_split(xq_from_quad(x), Y);
    xq log2_y = xq_mul(log_of_mantissa(Y), xq_inv_ln2);
    return xq_to_quad(xq_add(xq_make(E < 0, u128_from_i64(E < 0 ? -E : E), 0),
                             log2_y));
}

npy_quad
npy_quad_log10(npy_quad x)
{
    npy_quad result;
    if (log_special(x, &result)) {
        return result;
    }
    return xq_to_quad(xq_mul(log_xq(xq_from_quad(x)), xq_inv_ln10));
}

npy_quad
npy_quad_log1p(npy_quad x)
{
    u128 u = get_bits(x), mag = u128_and(u, ABS_MASK);
    if (u128_gt(mag, INF_BITS)) {
        return nan_argument(x);
    }
    if (u128_eq(u, u128_or(SIGN_BIT, ONE_BITS))) {
        return pole(1);
    }
    if (u128_nonzero(u128_shr(u, 127)) && u128_gt(mag, ONE_BITS)) {
        return invalid_result();
    }
    if (u128_eq(mag, INF_BITS) || u128_is_zero(mag)) {
        return x;
    }
    return xq_to_quad(log1p_xq(xq_from_quad(x)));
}


/*
 *****************************************************************************
 *                          HYPERBOLIC FUNCTIONS                             *
 *****************************************************************************
 */

/* |x| above 2**6: tanh(x) rounds to +-1, sinh(x) and cosh(x) to e**|x|/2 */
#define HYPERBOLIC_BIG_BITS  u128_shl(u128_from64(EXP_BIAS + 6), MANT_BITS)

npy_quad
npy_quad_sinh(npy_quad x)
{
    u128 u = get_bits(x), mag = u128_and(u, ABS_MASK);
    int negative = (int)u128_lo(u128_shr(u, 127));
    if (u128_ge(mag, INF_BITS) || u128_is_zero(mag)) {
        return u128_gt(mag, INF_BITS) ? nan_argument(x) : x;
    }
    if (u128_lt(mag, TINY_BITS)) {
        return xq_to_quad(xq_from_quad(x));
    }
    if (u128_ge(mag, HUGE_EXP_BITS)) {
        return negative ? npy_quad_negative(exp_out_of_range(0))
                        : exp_out_of_range(0);
    }
    xq a = xq_from_quad(x);
    a.neg = 0;
    xq result;
    if (u128_ge(mag, HYPERBOLIC_BIG_BITS)) {
        result = xq_ldexp(exp_xq(a), -1);
    }
    else {
        /* (E + E / (E + 1)) / 2 with E = expm1(|x|) >= 0: no cancellation */
        xq e = expm1_xq(a);
        result = xq_ldexp(xq_add(e, xq_div(e, xq_add(e, xq_one))), -1);
    }
    result.neg = negative;
    return xq_to_quad(result);
}

npy_quad
npy_quad_cosh(npy_quad x)
{
    u128 u = get_bits(x), mag = u128_and(u, ABS_MASK);
    if (u128_ge(mag, INF_BITS)) {
        return u128_gt(mag, INF_BITS) ? nan_argument(x) : from_bits(INF_BITS);
    }
    if (u128_lt(mag, TINY_BITS)) {
        return quad_one();
    }
    if (u128_ge(mag, HUGE_EXP_BITS)) {
        return exp_out_of_range(0);
    }
    xq a = xq_from_quad(x);
    a.neg = 0;
    xq e = exp_xq(a);
    if (u128_lt(mag, HYPERBOLIC_BIG_BITS)) {
        e = xq_add(e, xq_recip(e));
    }
    return xq_to_quad(xq_ldexp(e, -1));
}

npy_quad
npy_quad_tanh(npy_quad x)
{
    u128 u = get_bits(x), mag = u128_and(u, ABS_MASK);
    int negative = (int)u128_lo(u128_shr(u, 127));
    if (u128_gt(mag, INF_BITS) || u128_is_zero(mag)) {
        return u128_gt(mag, INF_BITS) ? nan_argument(x) : x;
    }
    if (u128_lt(mag, TINY_BITS)) {
        return xq_to_quad(xq_from_quad(x));
    }
    if (u128_ge(mag, HYPERBOLIC_BIG_BITS)) {
        return from_bits(u128_or(negative ? SIGN_BIT : u128_from64(0), ONE_BITS));
    }
    /* E / (E + 2) with E = expm1(2|x|) */
    xq a = xq_ldexp(xq_from_quad(x), 1);
    a.neg = 0;
    xq e = expm1_xq(a);
    xq result = xq_div(e, xq_add(e, xq_ldexp(xq_one, 1)));
    result.neg = negative;
    return xq_to_quad(result);
}

/* |x| at or above 2**64: asinh(x) = log(2|x|), acosh(x) = log(2x) */
#define ASINH_BIG_BITS  u128_shl(u128_from64(EXP_BIAS + 64), MANT_BITS)

npy_quad
npy_quad_asinh(npy_quad x)
{
    u128 u = get_bits(x), mag = u128_and(u, ABS_MASK);
    if (u128_ge(mag, INF_BITS) || u128_is_zero(mag)) {
        return u128_gt(mag, INF_BITS) ? nan_argument(x) : x;
    }
    if (u128_lt(mag, TINY_BITS)) {
        return xq_to_quad(xq_from_quad(x));
    }
    xq a = xq_from_quad(x);
    int negative = a.neg;
    a.neg = 0;
    xq result;
    if (u128_ge(mag, ASINH_BIG_BITS)) {
        result = log_xq(xq_ldexp(a, 1));
    }
    else {
        /* log1p(|x| + x**2 / (1 + sqrt(1 + x**2))), all terms positive */
        xq square = xq_mul(a, a);
        xq root = xq_sqrt(xq_add(square, xq_one));
        result = log1p_xq(xq_add(a, xq_div(square, xq_add(root, xq_one))));
    }
    result.neg = negative;
    return xq_to_quad(result);
}

npy_quad
npy_quad_acosh(npy_quad x)
{
    u128 u = get_bits(x), mag = u128_and(u, ABS_MASK);
    if (u128_gt(mag, INF_BITS)) {
        return nan_argument(x);
    }
    if (u128_nonzero(u128_shr(u, 127)) || u128_lt(mag, ONE_BITS)) {
        return invalid_result();
    }
    if (u128_eq(mag, INF_BITS)) {
        return x;
    }
    if (u128_eq(mag, ONE_BITS)) {
        return quad_signed_zero(0);
    }
    xq a = xq_from_quad(x);
    if (u128_ge(mag, ASINH_BIG_BITS)) {
        return xq_to_quad(log_xq(xq_ldexp(a, 1)));
    }
    /* log1p(d + sqrt(d * (2 + d))), d = x - 1 (exact near 1) */
    xq d = xq_sub(a, xq_one);
    xq root = xq_sqrt(xq_mul(d, xq_add(d, xq_ldexp(xq_one, 1))));
    return xq_to_quad(log1p_xq(xq_add(d, root)));
}

npy_quad
npy_quad_atanh(npy_quad x)
{
    u128 u = get_bits(x), mag = u128_and(u, ABS_MASK);
    int negative = (int)u128_lo(u128_shr(u, 127));
    if (u128_gt(mag, INF_BITS)) {
        return nan_argument(x);
    }
    if (u128_gt(mag, ONE_BITS)) {
        return invalid_result();
    }
    if (u128_eq(mag, ONE_BITS)) {
        return pole(negative);
    }
    if (u128_lt(mag, TINY_BITS)) {
        return u128_is_zero(mag) ? x : xq_to_quad(xq_from_quad(x));
    }
    /* log1p(2|x| / (1 - |x|)) / 2; 1 - |x| is exact from |x| >= 1/2 on */
    xq a = xq_from_quad(x);
    a.neg = 0;
    xq ratio = xq_div(xq_ldexp(a, 1), xq_sub(xq_one, a));
    xq result = xq_ldexp(log1p_xq(ratio), -1);
    result.neg = negative;
    return xq_to_quad(result);
}


/*
 *****************************************************************************
 *                      CBRT, HYPOT, LOGADDEXP, DEGREES                      *
 *****************************************************************************
 */

/*
 * cbrt(x) = 2**q * cbrt(b), b in [1, 8): y0 = cbrt(b) in double, then
 * cbrt(b) = y0 * (1 + d)**(1/3) with d = (b - y0**3) / y0**3 exact to 128
 * bits, |d| < 2**-50: y0 * (1 + d/3 - d**2/9) leaves an error below 2**-150.
 */
npy_quad
npy_quad_cbrt(npy_quad x)
{
    u128 u = get_bits(x), mag = u128_and(u, ABS_MASK);
    if (u128_ge(mag, INF_BITS) || u128_is_zero(mag)) {
        return u128_gt(mag, INF_BITS) ? nan_argument(x) : x;
    }
    xq a = xq_from_quad(x);
    int q = a.e >= 0 ? a.e / 3 : -((-a.e + 2) / 3);
    int remainder = a.e - 3 * q;
    /* b = m * 2**(remainder - 127), and B = b * 2**156 */
    double y0 = cbrt(ldexp((double)u128_hi(a.m), remainder - 63));
    npy_uint64 y0_int = (npy_uint64)ldexp(y0, 52);      /* exact: y0 < 2 */
    npy_uint64 y0_words[1] = {y0_int}, square[2], cube[3];
    words_mul(y0_words, 1, y0_words, 1, square);
    words_mul(square, 2, y0_words, 1, cube);            /* y0**3 * 2**156 */
    npy_uint64 b_words[3] = {0, 0, 0};
    int shift = remainder + 29;                         /* B = m << shift */
    for (int i = 0; i < 3; i++) {
        npy_uint64 m_words[2] = {u128_lo(a.m), u128_hi(a.m)};
        b_words[i] = u128_lo(bits_at(m_words, 2, 64 * i - shift));
    }
    /* B - y0**3, small: the top word cancels */
    npy_uint64 diff[3];
    npy_uint64 borrow = 0;
    for (int i = 0; i < 3; i++) {
        u128 t = u128_sub(u128_sub(u128_from64(b_words[i]), u128_from64(cube[i])),
                          u128_from64(borrow));
        diff[i] = u128_lo(t);
        borrow = u128_hi(t) & 1;
    }
    int negative = (npy_int64)diff[2] < 0;
    if (negative) {
        words_negate(diff, 3);
    }
    xq y = xq_make(0, u128_from64(y0_int), -52);
    if (words_bitlen(diff, 3) != 0) {
        xq d = xq_div(xq_from_words(negative, diff, 3, 0),
                      xq_from_words(0, cube, 3, 0));
        xq correction = xq_sub(xq_div(d, xq_make(0, u128_from64(3), 0)),
                               xq_div(xq_mul(d, d), xq_make(0, u128_from64(9), 0)));
        y = xq_add(y, xq_mul(y, correction));
    }
    y.e += q;
    y.neg = a.neg;
    return xq_to_quad(y);
}

npy_quad
npy_quad_hypot(npy_quad x, npy_quad y)
{
    u128 ux = u128_and(get_bits(x), ABS_MASK), uy = u128_and(get_bits(y), ABS_MASK);
    if (u128_eq(ux, INF_BITS) || u128_eq(uy, INF_BITS)) {
        /* an infinite operand wins over NaN (Annex F), but a signalling one */
        if (is_snan_bits(ux) || is_snan_bits(uy)) {
            npy_set_floatstatus_invalid();
        }
        return from_bits(INF_BITS);
    }
    if (u128_gt(ux, INF_BITS) || u128_gt(uy, INF_BITS)) {
        return from_bits(nan_result(get_bits(x), get_bits(y)));
    }
    xq a = xq_from_quad(from_bits(ux)), b = xq_from_quad(from_bits(uy));
    return xq_to_quad(xq_sqrt(xq_add(xq_mul(a, a), xq_mul(b, b))));
}

/*
 *****************************************************************************
 *             256-BIT EXP AND LOG (logaddexp's cancellations)               *
 *****************************************************************************
 */

/* exp(x), or 2**x when base2, for the xq x with |x| < 2**14, to 2**-250 */
static xw
exp_wide(xq x, int base2)
{
    npy_uint64 fraction[4];
    npy_int64 k = exp_reduce(x, base2, fraction, 4);
    /* r = f * ln2 / 2**14 < 2**-14.5: exp(r) = 1 + r(1 + r/2 (1 + r/3 (...))) */
    xw r = xw_mul(xw_from_words(0, fraction, 4, -256 - 14), xw_ln2);
    xw result = xw_one;
    for (int n = 15; n >= 1; n--) {
        result = xw_add(xw_one, xw_mul(xw_mul(r, result), reciprocal_wide[n - 1]));
    }
    result = xw_mul(xw_mul(result, exp_t1_wide[(k >> 7) & 127]),
                    exp_t2_wide[k & 127]);
    result.e += (int)(k >> 14);
    return result;
}

/* log(s) for the xw s > 0, to 2**-250 */
static xw
log_wide(xw s)
{
    /* s = 2**E * y, Y = y * 2**255 with y in [0.707, 1.414) */
    int halve = u128_ge(u128_make(s.w[3], s.w[2]), SQRT2_M);
    int E = s.e + halve;
    npy_uint64 Y[4];
    for (int i = 0; i < 4; i++) {
        Y[i] = u128_lo(bits_at(s.w, 4, 64 * i + halve));
    }
    int j1 = (int)(Y[3] >> 56);
    npy_uint64 i1 = log_i1[j1 - 90], i2;
    npy_uint64 p1[5], p2[6];
    words_mul(Y, 4, &i1, 1, p1);                /* 1 + r1, 263 fraction bits */
    p1[4] -= (npy_uint64)1 << (263 - 256);
    npy_int64 r1_scaled = (npy_int64)((p1[4] << 8) | (p1[3] >> 56));
    int j2 = (int)((r1_scaled + 1) >> 1);
    p1[4] += (npy_uint64)1 << (263 - 256);
    i2 = log_i2[j2 + 128];
    words_mul(p1, 5, &i2, 1, p2);               /* 1 + r2, 286 fraction bits */
    p2[4] -= (npy_uint64)1 << (286 - 256);
    /* |r2| < 2**271: word 4 holds the sign */
    int negative = (npy_int64)p2[4] < 0;
    if (negative) {
        words_negate(p2, 5);
    }
    xw r2 = xw_from_words(negative, p2, 5, -286);
    /* log(1 + r2) = r2 * sum (-1)**n r2**n / (n + 1), |r2| < 2**-15 */
    xw series = reciprocal_wide[17];
    for (int n = 16; n >= 0; n--) {
        series = xw_sub(reciprocal_wide[n], xw_mul(r2, series));
    }
    xw result = xw_add(xw_add(xw_mul(r2, series), log_l2_wide[j2 + 128]),
                       log_l1_wide[j1 - 90]);
    if (E != 0) {
        npy_uint64 magnitude = (npy_uint64)(E < 0 ? -E : E);
        result = xw_add(result, xw_mul(xw_from_words(E < 0, &magnitude, 1, 0),
                                       xw_ln2));
    }
    return result;
}

/*
 * log(base**a + base**b) = max + log1p(base**-|a - b|) / log(base), with
 * base e or 2.  When the sum cancels (max < 0 and the result is much
 * smaller), it is recomputed as log(base**a + base**b) in 256 bits.
 */
static npy_quad
log_add_exp(npy_quad a, npy_quad b, int base2)
{
    u128 ua = get_bits(a), ub = get_bits(b);
    if (is_nan_bits(ua) || is_nan_bits(ub)) {
        return from_bits(nan_result(ua, ub));
    }
    if (u128_eq(ua, ub) && u128_eq(u128_and(ua, ABS_MASK), INF_BITS)) {
        return a;       /* both +inf or both -inf */
    }
    int a_high = npy_quad_ge(a, b);
    npy_quad high = a_high ? a : b, low = a_high ? b : a;
    if (u128_eq(u128_and(get_bits(high), ABS_MASK), INF_BITS)
            || u128_eq(u128_and(get_bits(low), ABS_MASK), INF_BITS)) {
        return high;    /* +inf, or the finite one beside -inf */
    }
    xq h = xq_from_quad(high), l = xq_from_quad(low);
    xq d = xq_sub(h, l);
    if (u128_nonzero(d.m) && d.e >= 14) {
        /* base**-d < 2**-16384: below half the smallest subnormal */
        return high;
    }
    xq minus_d = xq_negate(d);
    xq term = log1p_xq(base2 ? exp2_xq(minus_d) : exp_xq(minus_d));
    if (base2) {
        term = xq_mul(term, xq_inv_ln2);
    }
    xq result = xq_add(h, term);
    if (h.neg && u128_nonzero(h.m) && (u128_is_zero(result.m) || result.e < h.e - 4)) {
        xw sum = xw_add(exp_wide(h, base2), exp_wide(l, base2));
        xw wide = log_wide(sum);
        return xw_to_quad(base2 ? xw_mul(wide, xw_inv_ln2) : wide);
    }
    return xq_to_quad(result);
}

npy_quad
npy_quad_logaddexp(npy_quad a, npy_quad b)
{
    return log_add_exp(a, b, 0);
}

npy_quad
npy_quad_logaddexp2(npy_quad a, npy_quad b)
{
    return log_add_exp(a, b, 1);
}

/* x * c for the working-precision constant c, rounded once */
static npy_quad
scale_by(npy_quad x, xq c)
{
    u128 u = get_bits(x), mag = u128_and(u, ABS_MASK);
    if (u128_ge(mag, INF_BITS) || u128_is_zero(mag)) {
        return u128_gt(mag, INF_BITS) ? nan_argument(x) : x;
    }
    return xq_to_quad(xq_mul(xq_from_quad(x), c));
}

npy_quad
npy_quad_deg2rad(npy_quad x)
{
    return scale_by(x, xq_deg2rad);
}

npy_quad
npy_quad_rad2deg(npy_quad x)
{
    return scale_by(x, xq_rad2deg);
}


/*
 *****************************************************************************
 *                                   POW                                     *
 *****************************************************************************
 */

/*
 * log2(x) for the xq x > 0 with a relative error below 2**-150, as the
 * four-word L and exp2 with |log2(x)| = L * 2**exp2; returns its sign.
 *
 * log2(x) = E + LB1 + LB2 + log2(1 + r2) with the reduction of log; the
 * last term is r2 * (1/ln2) * (1 - r2/2 + r2**2 * tail(r2)), the product
 * of exact words but for the tail, which is below 2**-30 of it.  The sum
 * is formed in 256-bit fixed point (2**-240), exact, unless only the last
 * term is nonzero, which then stands alone with its relative precision.
 */
static int
log2_wide(xq x, npy_uint64 *L, int *exp2)
{
    npy_uint64 Y[4], r2[4];
    int E = log_split(x, Y);
    int j1, j2;
    int negative = log_reduce(Y, &j1, &j2, r2);

    /* Q = 1 - r2/2 + r2**2 * tail with 255 fraction bits */
    npy_uint64 Q[4] = {0, 0, 0, (npy_uint64)1 << 63}, half_r2[4], tail_words[4];
    for (int i = 0; i < 4; i++) {
        half_r2[i] = u128_lo(bits_at(r2, 4, 64 * i - 33));  /* r2/2 * 2**255 */
    }
    xq r2_xq = xq_from_words(negative, r2, 4, -221);
    u128 rho = bits_at(r2, 4, 221 - 14 - 128);
    xq tail = xq_mul(xq_mul(r2_xq, r2_xq),
                     xq_make(0, POLY_EVAL(log1p_tail_poly, rho, !negative), -127));
    npy_uint64 tail_m[2] = {u128_lo(tail.m), u128_hi(tail.m)};
    for (int i = 0; i < 4; i++) {
        /* tail = m * 2**(e - 127): times 2**255 is m << (e + 128) */
        tail_words[i] = u128_is_zero(tail.m) ? 0
                : u128_lo(bits_at(tail_m, 2, 64 * i - (tail.e + 128)));
    }
    if (negative) {
        /* Q = 1 + |r2|/2 + tail */
        npy_uint64 carry = 0;
        for (int i = 0; i < 4; i++) {
            u128 t = u128_add(
                    u128_add(u128_add(u128_from64(Q[i]), u128_from64(half_r2[i])),
                             u128_from64(tail_words[i])),
                    u128_from64(carry));
            Q[i] = u128_lo(t);
            carry = u128_hi(t);
        }
    }
    else {
        /* Q = 1 - r2/2 + tail: the tail is positive, below r2/2 */
        npy_int64 borrow = 0;
        for (int i = 0; i < 4; i++) {
            u128 t = u128_add(u128_add(u128_sub(u128_from64(Q[i]),
                                                u128_from64(half_r2[i])),
                                       u128_from64(tail_words[i])),
                              u128_from_i64(borrow));
            Q[i] = u128_lo(t);
            borrow = (npy_int64)u128_hi(t);     /* t >> 64, t signed */
        }
    }
    /* M = Q / ln2 with 254 fraction bits, then p = |r2| * M */
    npy_uint64 M8[8], p[8];
    words_mul(inv_ln2_fixed, 4, Q, 4, M8);
    words_mul(r2, 4, M8 + 4, 4, p);             /* |p| * 2**(221 + 254) */

    if (E == 0 && log_i1[j1 - 90] == 256 && j2 == 0) {
        /* log2(x) = log2(1 + r2) alone */
        int length = words_bitlen(p, 8);
        for (int i = 0; i < 4; i++) {
            L[i] = u128_lo(bits_at(p, 8, length - 256 + 64 * i));
        }
        *exp2 = length - 256 - 475;
        return negative;
    }
    /* S = E + LB1 + LB2 +- p, signed, 240 fraction bits */
    npy_uint64 S[4], p_fixed[4];
    npy_uint64 e_word = (npy_uint64)(npy_int64)E;
    for (int i = 0; i < 4; i++) {
        p_fixed[i] = u128_lo(bits_at(p, 8, 475 - 240 + 64 * i));
    }
    if (negative) {
        words_negate(p_fixed, 4);
    }
    u128 carry = u128_from64(0);
    for (int i = 0; i < 4; i++) {
        /* E * 2**240 sits in word 3, bits 48 up (sign-extended) */
        npy_uint64 e_part = i == 3 ? e_word << 48 : 0;
        u128 t = u128_add(
                u128_add(u128_add(u128_add(u128_from64(log2_l1_fixed[j1 - 90][i]),
                                           u128_from64(log2_l2_fixed[j2 + 128][i])),
                                  u128_from64(p_fixed[i])),
                         u128_from64(e_part)),
                carry);
        S[i] = u128_lo(t);
        carry = u128_shr(t, 64);
    }
    int sum_negative = (npy_int64)S[3] < 0;
    if (sum_negative) {
        words_negate(S, 4);
    }
    for (int i = 0; i < 4; i++) {
        L[i] = S[i];
    }
    *exp2 = -240;
    return sum_negative;
}

/* sign * 0, or sign * inf with divide-by-zero when `pole` */
static npy_quad
zero_or_inf(int negative, int infinite, int pole_flag)
{
    if (infinite && pole_flag) {
        npy_set_floatstatus_divbyzero();
    }
    return from_bits(u128_or(negative ? SIGN_BIT : u128_from64(0),
                             infinite ? INF_BITS : u128_from64(0)));
}

/*
 * pow(x, y): 2**(y * log2|x|), with y * log2|x| = (k + f) / 2**14 taken
 * from the exact product of y's significand with the 256-bit log2, so
 * that f keeps 128 bits even when the product is near 2**14.
 */
npy_quad
npy_quad_pow(npy_quad x, npy_quad y)
{
    u128 ux = get_bits(x), uy = get_bits(y);
    u128 mx = u128_and(ux, ABS_MASK), my = u128_and(uy, ABS_MASK);
    int x_negative = (int)u128_lo(u128_shr(ux, 127)),
        y_negative = (int)u128_lo(u128_shr(uy, 127));

    if (u128_is_zero(my) || u128_eq(ux, ONE_BITS)) {
        /* pow(x, +-0) = pow(1, y) = 1, even for NaN (signalling ones aside) */
        if (is_snan_bits(ux) || is_snan_bits(uy)) {
            npy_set_floatstatus_invalid();
        }
        return quad_one();
    }
    if (u128_gt(mx, INF_BITS) || u128_gt(my, INF_BITS)) {
        return from_bits(nan_result(ux, uy));
    }
    if (u128_eq(my, INF_BITS)) {
        if (u128_eq(mx, ONE_BITS)) {
            return quad_one();              /* pow(-1, +-inf) */
        }
        /* |x| < 1 with +inf, or |x| > 1 with -inf, is +0 */
        return zero_or_inf(0, (u128_gt(mx, ONE_BITS)) != y_negative, 0);
    }
    /* y is finite and nonzero from here on */
    int integral = npy_quad_eq(npy_quad_trunc(y), y);
    int odd =
            integral &&
            u128_lt(my, u128_shl(u128_from_i64(EXP_BIAS + 113), MANT_BITS)) &&
            !npy_quad_eq(npy_quad_trunc(npy_quad_ldexp(y, -1)), npy_quad_ldexp(y, -1));
    int negative = x_negative && odd;
    if (u128_is_zero(mx) || u128_eq(mx, INF_BITS)) {
        /* 0**y: inf for y < 0 (a pole), 0 for y > 0; inf**y the reverse */
        int infinite = (u128_is_zero(mx)) == y_negative;
        return zero_or_inf(negative, infinite, u128_is_zero(mx));
    }
    if (x_negative && !integral) {
        return invalid_result();
    }
    xq ax = xq_from_quad(x), yq = xq_from_quad(y);
    ax.neg = 0;
    if (u128_eq(ax.m, XQ_ONE_M) && integral &&
        u128_lt(my, u128_shl(u128_from_i64(EXP_BIAS + 31), MANT_BITS))) {
        /* (+-2**n)**y = 2**(n*y) exactly: no inexact underflow */
        npy_quad result = npy_quad_ldexp(
                quad_one(),
                (int)clamp_exponent((npy_int64)ax.e * npy_quad_to_int64(y)));
        return negative ? npy_quad_negative(result) : result;
    }
    npy_uint64 L[4];
    int l_exp2;
    int l_negative = log2_wide(ax, L, &l_exp2);
    /* z * 2**14 = y * log2|x| * 2**14 = (m_y * L) * 2**(e_y - 127 + l_exp2 + 14) */
    npy_uint64 m[2] = {u128_lo(yq.m), u128_hi(yq.m)};
    npy_uint64 product[6];
    words_mul(m, 2, L, 4, product);
    int point = 127 - yq.e - l_exp2 - 14;
    int z_negative = l_negative ^ y_negative;
    int length = words_bitlen(product, 6);
    if (length == 0) {
        return negative ? npy_quad_negative(quad_one()) : quad_one();
    }
    if (length - point > 29) {
        /* |z| >= 2**15: far beyond the range */
        npy_quad result = exp_out_of_range(z_negative);
        return negative ? npy_quad_negative(result) : result;
    }
    npy_uint64 f[2];
    npy_int64 k = split_integer(product, 6, point, z_negative, f, 2);
    xq result = exp_of_reduced(k, u128_make(f[1], f[0]));
    result.neg = negative;
    return xq_to_quad(result);
}
