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
#define TINY_BITS       ((u128)(EXP_BIAS - 120) << MANT_BITS)
/* |x| at or beyond 2**14: exp overflows or underflows; 2**15 for exp2 */
#define HUGE_EXP_BITS   ((u128)(EXP_BIAS + 14) << MANT_BITS)
#define HUGE_EXP2_BITS  ((u128)(EXP_BIAS + 15) << MANT_BITS)
/* |x| below 2**-15: expm1 and log1p by their series alone */
#define SERIES_BITS     ((u128)(EXP_BIAS - 15) << MANT_BITS)
/* the top bits of sqrt(2) * 2**127: y at or above is halved for log */
#define SQRT2_M         U128(0xb504f333f9de6484u, 0x597d89b3754abe9fu)

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

/* +inf with overflow, or +0 with underflow */
static npy_quad
exp_out_of_range(int negative)
{
    return npy_quad_from_significand(0, (npy_uint64)1 << 63, 0, 1,
                                     negative ? -(1 << 20) : (1 << 20));
}

/* inf with divide-by-zero (a pole), signed */
static npy_quad
pole(int negative)
{
    npy_set_floatstatus_divbyzero();
    return from_bits((negative ? SIGN_BIT : 0) | INF_BITS);
}

/* A NaN argument is returned quieted (invalid when it signals). */
static inline npy_quad
nan_argument(npy_quad x)
{
    return from_bits(quiet_nan(get_bits(x)));
}


/*
 *****************************************************************************
 *                               EXPONENTIALS                                *
 *****************************************************************************
 */

/*
 * x * 2**14 / ln2 = k + f with 0 <= f < 1 (128 fraction bits), for the xq
 * x with |x| < 2**14.  Bits of x below 2**-240 are ignored (they move the
 * result by less than 2**-200).
 */
static npy_int64
exp_reduce(xq x, u128 *f)
{
    npy_uint64 m[2] = {(npy_uint64)x.m, (npy_uint64)(x.m >> 64)};
    npy_uint64 product[5];
    words_mul(m, 2, exp_inv_step, 3, product);
    /* x = m * 2**(e - 127): the binary point of product sits at bit point */
    int point = 177 + 127 - x.e;
    if (point > 128 + 320) {
        point = 128 + 320;
    }
    u128 fraction = bits_at(product, 5, point - 128);
    npy_int64 k = (npy_int64)(npy_uint64)bits_at(product, 5, point);
    if (x.neg) {
        k = fraction ? -k - 1 : -k;
        fraction = -fraction;
    }
    *f = fraction;
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
    u128 er = XQ_ONE_M + (umulhi(expm1_ratio(rho, 0), rho) >> 14);
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
    npy_int64 k = exp_reduce(x, &f);
    return exp_of_reduced(k, f);
}

/* 2**x for the xq x with |x| < 2**15: x * 2**14 = k + f exactly */
static xq
exp2_xq(xq x)
{
    /* x * 2**14 = m * 2**(e - 113): 113 - e >= 100 fraction bits */
    int fraction_bits = 113 - x.e;
    npy_int64 k = fraction_bits >= 128 ? 0 : (npy_int64)(x.m >> fraction_bits);
    u128 f;
    if (fraction_bits <= 128) {
        f = x.m << (128 - fraction_bits);
    }
    else {
        f = fraction_bits >= 256 ? 0 : x.m >> (fraction_bits - 128);
    }
    if (x.neg) {
        k = f ? -k - 1 : -k;
        f = -f;
    }
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
    npy_int64 k = exp_reduce(x, &f);
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
    if (x.e < -1 || (x.e == -1 && x.m < xq_ln2.m)) {
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

npy_quad
npy_quad_exp(npy_quad x)
{
    u128 u = get_bits(x), mag = u & ABS_MASK;
    int negative = (int)(u >> 127);
    if (mag >= INF_BITS) {
        if (mag > INF_BITS) {
            return nan_argument(x);
        }
        return negative ? quad_signed_zero(0) : x;
    }
    if (mag < TINY_BITS) {
        return quad_one();
    }
    if (mag >= HUGE_EXP_BITS) {
        return exp_out_of_range(negative);
    }
    return xq_to_quad(exp_xq(xq_from_quad(x)));
}

npy_quad
npy_quad_exp2(npy_quad x)
{
    u128 u = get_bits(x), mag = u & ABS_MASK;
    int negative = (int)(u >> 127);
    if (mag >= INF_BITS) {
        if (mag > INF_BITS) {
            return nan_argument(x);
        }
        return negative ? quad_signed_zero(0) : x;
    }
    if (mag < TINY_BITS) {
        return quad_one();
    }
    if (mag >= HUGE_EXP2_BITS) {
        return exp_out_of_range(negative);
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
    u128 u = get_bits(x), mag = u & ABS_MASK;
    int negative = (int)(u >> 127);
    if (mag >= INF_BITS) {
        if (mag > INF_BITS) {
            return nan_argument(x);
        }
        return negative ? from_bits(SIGN_BIT | ONE_BITS) : x;
    }
    if (mag < TINY_BITS) {
        /* x + x*x/2 rounds to x; through xq for underflow on subnormals */
        return mag == 0 ? x : xq_to_quad(xq_from_quad(x));
    }
    if (mag >= HUGE_EXP_BITS) {
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
 * log(y) for y = Y / 2**190 in [0.707, 1.414), Y exact in four words:
 * y * I1 / 2**8 = 1 + r1 and (1 + r1) * I2 / 2**23 = 1 + r2 are exact,
 * log(y) = L1 + L2 + log(1 + r2).
 */
static xq
log_of_mantissa(const npy_uint64 *Y)
{
    int j1 = (int)(Y[2] >> (190 - 7 - 128));
    npy_uint64 i1 = log_i1[j1 - 90];
    npy_uint64 p1[5], p2[5];
    words_mul(Y, 4, &i1, 1, p1);                /* 1 + r1, 198 fraction bits */
    p1[3] -= (npy_uint64)1 << (198 - 192);
    /* j2 = round(r1 * 2**14); |r1| < 2**-7, so r1 * 2**15 fits the low word */
    npy_int64 r1_scaled = (npy_int64)((p1[3] << 9) | (p1[2] >> 55));
    int j2 = (int)((r1_scaled + 1) >> 1);
    p1[3] += (npy_uint64)1 << (198 - 192);
    npy_uint64 i2 = log_i2[j2 + 128];
    words_mul(p1, 4, &i2, 1, p2);               /* 1 + r2, 221 fraction bits */
    p2[3] -= (npy_uint64)1 << (221 - 192);
    int negative = (npy_int64)p2[3] < 0;
    if (negative) {
        words_negate(p2, 4);
    }
    xq r2 = xq_from_words(negative, p2, 4, -221);
    u128 rho = bits_at(p2, 4, 221 - 14 - 128);  /* |r2| * 2**14 */
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
    xq e = xq_make(E < 0, (u128)(E < 0 ? -E : E), 0);
    return xq_add(xq_mul(e, xq_ln2), result);
}

/*
 * Splits the xq x > 0 into 2**E * Y / 2**190 with Y / 2**190 in
 * [0.707, 1.414) (the last bit of x is dropped when it is halved).
 */
static int
log_split(xq x, npy_uint64 *Y)
{
    int halve = x.m >= SQRT2_M;
    int shift = 63 - halve;
    Y[0] = (npy_uint64)x.m << shift;
    Y[1] = (npy_uint64)(x.m >> (64 - shift));
    Y[2] = (npy_uint64)(x.m >> (128 - shift));
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
    if (u.m == 0 || u.e < -15) {
        return log1p_series(u);
    }
    if (u.e >= 60) {
        return log_xq(xq_add(u, xq_one));
    }
    /* Z = (1 + u) * 2**190, exact: u = m * 2**(e - 127), e >= -15 */
    npy_uint64 m[2] = {(npy_uint64)u.m, (npy_uint64)(u.m >> 64)};
    npy_uint64 U[4], Z[4] = {0, 0, (npy_uint64)1 << 62, 0};
    for (int i = 0; i < 4; i++) {
        U[i] = (npy_uint64)bits_at(m, 2, 64 * i - (u.e + 63));
    }
    if (u.neg) {
        words_negate(U, 4);
    }
    npy_uint64 carry = 0;
    for (int i = 0; i < 4; i++) {
        u128 t = (u128)Z[i] + U[i] + carry;
        Z[i] = (npy_uint64)t;
        carry = (npy_uint64)(t >> 64);
    }
    /* 1 + u = 2**E * Y / 2**190, Y / 2**190 in [0.707, 1.414) */
    int E = words_bitlen(Z, 4) - 191;
    if (bits_at(Z, 4, E + 63) >= SQRT2_M) {
        E++;
    }
    npy_uint64 Y[4];
    for (int i = 0; i < 4; i++) {
        Y[i] = (npy_uint64)bits_at(Z, 4, 64 * i + E);
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
    u128 u = get_bits(x), mag = u & ABS_MASK;
    if (mag > INF_BITS) {
        *result = nan_argument(x);
    }
    else if (mag == 0) {
        *result = pole(1);
    }
    else if (u >> 127) {
        *result = invalid_result();
    }
    else if (mag == INF_BITS) {
        *result = x;
    }
    else if (u == ONE_BITS) {
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
    return xq_to_quad(xq_add(xq_make(E < 0, (u128)(E < 0 ? -E : E), 0),
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
    u128 u = get_bits(x), mag = u & ABS_MASK;
    if (mag > INF_BITS) {
        return nan_argument(x);
    }
    if (u == (SIGN_BIT | ONE_BITS)) {
        return pole(1);
    }
    if ((u >> 127) && mag > ONE_BITS) {
        return invalid_result();
    }
    if (mag == INF_BITS || mag == 0) {
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
#define HYPERBOLIC_BIG_BITS  ((u128)(EXP_BIAS + 6) << MANT_BITS)

npy_quad
npy_quad_sinh(npy_quad x)
{
    u128 u = get_bits(x), mag = u & ABS_MASK;
    int negative = (int)(u >> 127);
    if (mag >= INF_BITS || mag == 0) {
        return mag > INF_BITS ? nan_argument(x) : x;
    }
    if (mag < TINY_BITS) {
        return xq_to_quad(xq_from_quad(x));
    }
    if (mag >= HUGE_EXP_BITS) {
        return negative ? npy_quad_negative(exp_out_of_range(0))
                        : exp_out_of_range(0);
    }
    xq a = xq_from_quad(x);
    a.neg = 0;
    xq result;
    if (mag >= HYPERBOLIC_BIG_BITS) {
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
    u128 u = get_bits(x), mag = u & ABS_MASK;
    if (mag >= INF_BITS) {
        return mag > INF_BITS ? nan_argument(x) : from_bits(INF_BITS);
    }
    if (mag < TINY_BITS) {
        return quad_one();
    }
    if (mag >= HUGE_EXP_BITS) {
        return exp_out_of_range(0);
    }
    xq a = xq_from_quad(x);
    a.neg = 0;
    xq e = exp_xq(a);
    if (mag < HYPERBOLIC_BIG_BITS) {
        e = xq_add(e, xq_recip(e));
    }
    return xq_to_quad(xq_ldexp(e, -1));
}

npy_quad
npy_quad_tanh(npy_quad x)
{
    u128 u = get_bits(x), mag = u & ABS_MASK;
    int negative = (int)(u >> 127);
    if (mag > INF_BITS || mag == 0) {
        return mag > INF_BITS ? nan_argument(x) : x;
    }
    if (mag < TINY_BITS) {
        return xq_to_quad(xq_from_quad(x));
    }
    if (mag >= HYPERBOLIC_BIG_BITS) {
        return from_bits((negative ? SIGN_BIT : 0) | ONE_BITS);
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
#define ASINH_BIG_BITS  ((u128)(EXP_BIAS + 64) << MANT_BITS)

npy_quad
npy_quad_asinh(npy_quad x)
{
    u128 u = get_bits(x), mag = u & ABS_MASK;
    if (mag >= INF_BITS || mag == 0) {
        return mag > INF_BITS ? nan_argument(x) : x;
    }
    if (mag < TINY_BITS) {
        return xq_to_quad(xq_from_quad(x));
    }
    xq a = xq_from_quad(x);
    int negative = a.neg;
    a.neg = 0;
    xq result;
    if (mag >= ASINH_BIG_BITS) {
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
    u128 u = get_bits(x), mag = u & ABS_MASK;
    if (mag > INF_BITS) {
        return nan_argument(x);
    }
    if ((u >> 127) || mag < ONE_BITS) {
        return invalid_result();
    }
    if (mag == INF_BITS) {
        return x;
    }
    if (mag == ONE_BITS) {
        return quad_signed_zero(0);
    }
    xq a = xq_from_quad(x);
    if (mag >= ASINH_BIG_BITS) {
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
    u128 u = get_bits(x), mag = u & ABS_MASK;
    int negative = (int)(u >> 127);
    if (mag > INF_BITS) {
        return nan_argument(x);
    }
    if (mag > ONE_BITS) {
        return invalid_result();
    }
    if (mag == ONE_BITS) {
        return pole(negative);
    }
    if (mag < TINY_BITS) {
        return mag == 0 ? x : xq_to_quad(xq_from_quad(x));
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
    u128 u = get_bits(x), mag = u & ABS_MASK;
    if (mag >= INF_BITS || mag == 0) {
        return mag > INF_BITS ? nan_argument(x) : x;
    }
    xq a = xq_from_quad(x);
    int q = a.e >= 0 ? a.e / 3 : -((-a.e + 2) / 3);
    int remainder = a.e - 3 * q;
    /* b = m * 2**(remainder - 127), and B = b * 2**156 */
    double y0 = cbrt(ldexp((double)(npy_uint64)(a.m >> 64), remainder - 63));
    npy_uint64 y0_int = (npy_uint64)ldexp(y0, 52);      /* exact: y0 < 2 */
    npy_uint64 y0_words[1] = {y0_int}, square[2], cube[3];
    words_mul(y0_words, 1, y0_words, 1, square);
    words_mul(square, 2, y0_words, 1, cube);            /* y0**3 * 2**156 */
    npy_uint64 b_words[3] = {0, 0, 0};
    int shift = remainder + 29;                         /* B = m << shift */
    for (int i = 0; i < 3; i++) {
        npy_uint64 m_words[2] = {(npy_uint64)a.m, (npy_uint64)(a.m >> 64)};
        b_words[i] = (npy_uint64)bits_at(m_words, 2, 64 * i - shift);
    }
    /* B - y0**3, small: the top word cancels */
    npy_uint64 diff[3];
    npy_uint64 borrow = 0;
    for (int i = 0; i < 3; i++) {
        u128 t = (u128)b_words[i] - cube[i] - borrow;
        diff[i] = (npy_uint64)t;
        borrow = (npy_uint64)(t >> 64) & 1;
    }
    int negative = (npy_int64)diff[2] < 0;
    if (negative) {
        words_negate(diff, 3);
    }
    xq y = xq_make(0, y0_int, -52);
    if (words_bitlen(diff, 3) != 0) {
        xq d = xq_div(xq_from_words(negative, diff, 3, 0),
                      xq_from_words(0, cube, 3, 0));
        xq correction = xq_sub(xq_div(d, xq_make(0, 3, 0)),
                               xq_div(xq_mul(d, d), xq_make(0, 9, 0)));
        y = xq_add(y, xq_mul(y, correction));
    }
    y.e += q;
    y.neg = a.neg;
    return xq_to_quad(y);
}

npy_quad
npy_quad_hypot(npy_quad x, npy_quad y)
{
    u128 ux = get_bits(x) & ABS_MASK, uy = get_bits(y) & ABS_MASK;
    if (ux == INF_BITS || uy == INF_BITS) {
        /* an infinite operand wins over NaN (Annex F), but a signalling one */
        if (is_snan_bits(ux) || is_snan_bits(uy)) {
            npy_set_floatstatus_invalid();
        }
        return from_bits(INF_BITS);
    }
    if (ux > INF_BITS || uy > INF_BITS) {
        return from_bits(nan_result(get_bits(x), get_bits(y)));
    }
    xq a = xq_from_quad(from_bits(ux)), b = xq_from_quad(from_bits(uy));
    return xq_to_quad(xq_sqrt(xq_add(xq_mul(a, a), xq_mul(b, b))));
}

/*
 * log(base**a + base**b) = max + log1p(base**-|a - b|) / log(base), with
 * base e (log_base == 0) or 2.  |a - b| is exact in working precision
 * unless the exponents of a and b differ by more than 15, and then the
 * log1p term is below 2**-14 of the result or has no effect.
 */
static npy_quad
log_add_exp(npy_quad a, npy_quad b, int base2)
{
    u128 ua = get_bits(a), ub = get_bits(b);
    if (is_nan_bits(ua) || is_nan_bits(ub)) {
        return from_bits(nan_result(ua, ub));
    }
    if (ua == ub && (ua & ABS_MASK) == INF_BITS) {
        return a;       /* both +inf or both -inf */
    }
    npy_quad high = npy_quad_ge(a, b) ? a : b, low = npy_quad_ge(a, b) ? b : a;
    u128 uh = get_bits(high), ul = get_bits(low);
    if ((uh & ABS_MASK) == INF_BITS || (ul & ABS_MASK) == INF_BITS) {
        return high;    /* +inf, or the finite one beside -inf */
    }
    xq d = xq_sub(xq_from_quad(high), xq_from_quad(low));
    xq h = xq_from_quad(high);
    if (d.m != 0 && d.e >= 14) {
        /* base**-d < 2**-16384 * ... : far below half an ulp of high or of
         * any nonzero high; 0 + tiny rounds as tiny */
        if (h.m != 0) {
            return high;
        }
    }
    xq term;
    if (d.e >= 14 && d.m != 0) {
        term = xq_zero;
    }
    else {
        xq minus_d = xq_negate(d);
        xq power = base2 ? exp2_xq(minus_d) : exp_xq(minus_d);
        term = log1p_xq(power);
        if (base2) {
            term = xq_mul(term, xq_inv_ln2);
        }
    }
    return xq_to_quad(xq_add(h, term));
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
    u128 u = get_bits(x), mag = u & ABS_MASK;
    if (mag >= INF_BITS || mag == 0) {
        return mag > INF_BITS ? nan_argument(x) : x;
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
