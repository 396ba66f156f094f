/*
 * Circular functions of binary128 values; numpy/npy_quad.h gives each
 * contract.  The working precision is that of npy_quad_xprec.h.
 *
 * sin, cos, tan: |x| > pi/4 is reduced exactly, by Payne and Hanek's
 * method: x * 2/pi = n + f, |f| <= 1/2, from the product of x's
 * significand with the 640 bits of 2/pi that matter at x's exponent, which
 * gives f to 2**-318: 128 significant bits unless f < 2**-190, while the
 * closest a binary128 value comes to a multiple of pi/2 is expected near
 * f = 2**-127 (2**127 values, f spread evenly), up to 2**16384.  Below
 * 2**64 a product with 320 bits of 2/pi serves first, unless it leaves f
 * fewer than 128 bits.  Then r = f * pi/2 = j/128 + t, 0 <= t < 1/128,
 * and sin(r), cos(r) come from tabulated sin(j/128), cos(j/128) and two
 * polynomials in t*t evaluated together, with terms of alternating sign
 * decreasing in size.
 *
 * atan: atan(v) = atan(j/128) + atan(t), t = (v - j/128) / (1 + v j/128)
 * in [0, 1/128); atan2, asin and acos are built on it.
 */
#include "numpy/npy_math.h"
#include "numpy/npy_quad.h"
#include "npy_quad_xprec.h"
#include "npy_quad_math_tables.h"

/* |x| below 2**-60: sin(x) and tan(x) round to x, cos(x) to 1 */
#define TRIG_TINY_BITS  u128_shl(u128_from64(EXP_BIAS - 60), MANT_BITS)
/* the words of 2/pi multiplied with x's significand */
#define REDUCTION_WORDS 10
/* sin_poly and cos_poly have the same length */
#define SINCOS_TERMS ((int)(sizeof(sin_poly) / sizeof(*sin_poly)))
/* the fraction bits of the product kept for f */
#define FRACTION_WORDS 5

/*
 * x * 2/pi = n + f for the xq x >= pi/4 (|x| < 2**16384), with |f| <= 1/2;
 * returns n mod 4 and r = f * pi/2.  `words` words of 2/pi enter the
 * product and `fraction_words` words of it are kept for f: f is known to
 * 2**(128 - 64 * words) and r to 128 bits while f >= 2**(192 - 64 *
 * fraction_words).  With `checked`, returns -1 if f is smaller than that.
 */
static inline int
trig_reduce_with(xq x, xq *r, int words, int fraction_words, int checked)
{
    /* words of 2/pi whose products with m * 2**(e-127) are multiples of 4 */
    int first = x.e >= 129 ? (x.e - 129) >> 6 : 0;
    npy_uint64 window[REDUCTION_WORDS];
    for (int i = 0; i < words; i++) {
        window[words - 1 - i] = two_over_pi[first + i];
    }
    npy_uint64 m[2] = {u128_lo(x.m), u128_hi(x.m)};
    npy_uint64 product[REDUCTION_WORDS + 2];
    words_mul(m, 2, window, words, product);
    /* the binary point of the product */
    int point = 64 * (first + words) + 127 - x.e;
    int n = (int)u128_lo(bits_at(product, words + 2, point)) & 3;
    npy_uint64 fraction[FRACTION_WORDS];
    for (int i = 0; i < fraction_words; i++) {
        fraction[i] = u128_lo(bits_at(product, words + 2,
                                          point - 64 * (fraction_words - i)));
    }
    /* f >= 1/2: round n up, f - 1 (branch-free: either way at random) */
    int negative = (npy_int64)fraction[fraction_words - 1] < 0;
    words_negate_if(fraction, fraction_words, negative);
    n = (n + negative) & 3;
    if (checked && words_bitlen(fraction, fraction_words) < 64 * fraction_words - 64) {
        return -1;
    }
    *r = xq_mul(xq_from_words(negative, fraction, fraction_words,
                              -64 * fraction_words), xq_pio2);
    return n;
}

/*
 * Below 2**64, five words of 2/pi and three of f serve unless x lies
 * within 2**-64 of a multiple of pi/2; the full reduction is kept for the
 * rest.
 */
static int
trig_reduce(xq x, xq *r)
{
    if (x.e < 64) {
        int n = trig_reduce_with(x, r, 5, 3, 1);
        if (n >= 0) {
            return n;
        }
    }
    return trig_reduce_with(x, r, REDUCTION_WORDS, FRACTION_WORDS, 0);
}

/* sin(r) and cos(r) for the xq r with |r| <= pi/4 */
static void
sincos_reduced(xq r, xq *sine, xq *cosine)
{
    int negative = r.neg;
    r.neg = 0;
    /* r * 128 = m * 2**(e - 120) */
    int shift = 120 - r.e;
    int j = (u128_is_zero(r.m) || shift >= 128) ? 0
                                                : (int)u128_lo(u128_shr(r.m, shift));
    xq t = r;
    if (j != 0) {
        t = xq_make(0, u128_and(r.m, u128_mask(shift)), r.e - 127);
    }
    u128 mu = fixed_scaled(t, 7);
    u128 sin_ratio, cos_t_fixed;
    poly_eval_pair(sin_poly, cos_poly, SINCOS_TERMS, umulhi(mu, mu),
                   &sin_ratio, &cos_t_fixed);
    xq sin_t = xq_mul(t, xq_make(0, sin_ratio, -127));
    xq cos_t = xq_make(0, cos_t_fixed, -127);
    if (j == 0) {
        *sine = sin_t;
        *cosine = cos_t;
    }
    else {
        *sine = xq_add(xq_mul(sin_table[j], cos_t), xq_mul(cos_table[j], sin_t));
        *cosine = xq_sub(xq_mul(cos_table[j], cos_t),
                         xq_mul(sin_table[j], sin_t));
    }
    sine->neg ^= negative;
}

/*
 * The special cases of sin, cos and tan: NaN, inf (invalid) and |x| below
 * 2**-60 (sin and tan give x, cos 1).  Returns 1 if *result is set.
 */
static int
trig_special(npy_quad x, int is_cos, npy_quad *result)
{
    u128 mag = u128_and(get_bits(x), ABS_MASK);
    if (u128_gt(mag, INF_BITS)) {
        *result = nan_argument(x);
    }
    else if (u128_eq(mag, INF_BITS)) {
        *result = invalid_result();
    }
    else if (u128_lt(mag, TRIG_TINY_BITS)) {
        if (is_cos) {
            *result = from_bits(ONE_BITS);
        }
        else {
            /* through xq for the underflow of a subnormal x */
            *result = u128_is_zero(mag) ? x : xq_to_quad(xq_from_quad(x));
        }
    }
    else {
        return 0;
    }
    return 1;
}

/* sin and cos of r, n quarter turns on: the values of x's quadrant */
static int
trig_quadrant(npy_quad x, xq *sine, xq *cosine)
{
    xq a = xq_from_quad(x);
    int negative = a.neg;
    a.neg = 0;
    xq r = a;
    int n = 0;
    if (a.e >= 0 || (a.e == -1 && u128_gt(a.m, xq_pio4.m))) {
        n = trig_reduce(a, &r);
    }
    sincos_reduced(r, sine, cosine);
    /* sin(-x) = -sin(x): handled by the caller through `negative` */
    return n | (negative << 2);
}

npy_quad
npy_quad_sin(npy_quad x)
{
    npy_quad result;
    if (trig_special(x, 0, &result)) {
        return result;
    }
    xq s, c;
    int quadrant = trig_quadrant(x, &s, &c);
    xq value = xq_select(quadrant & 1, c, s);
    value.neg ^= ((quadrant >> 1) ^ (quadrant >> 2)) & 1;
    return xq_to_quad(value);
}

npy_quad
npy_quad_cos(npy_quad x)
{
    npy_quad result;
    if (trig_special(x, 1, &result)) {
        return result;
    }
    xq s, c;
    int quadrant = trig_quadrant(x, &s, &c);
    xq value = xq_select(quadrant & 1, s, c);
    value.neg ^= (quadrant & 1) ^ ((quadrant >> 1) & 1);
    return xq_to_quad(value);
}

npy_quad
npy_quad_tan(npy_quad x)
{
    npy_quad result;
    if (trig_special(x, 0, &result)) {
        return result;
    }
    xq s, c;
    int quadrant = trig_quadrant(x, &s, &c);
    int odd = quadrant & 1;
    xq value = xq_div(xq_select(odd, c, s), xq_select(odd, s, c));
    value.neg ^= odd ^ ((quadrant >> 2) & 1);
    return xq_to_quad(value);
}


/* atan(t) for the xq t with |t| <= 1/128 */
static inline xq
atan_small(xq t)
{
    u128 mu = fixed_scaled(t, 7);
    return xq_mul(t, xq_make(0, POLY_EVAL(atan_poly, umulhi(mu, mu), 1), -127));
}


/*
 * atan(num / den) in [0, pi/4] for the xq 0 <= num <= den, den > 0:
 * atan(j/128) + atan(t), t = (num - c den) / (den + c num) with c = j/128
 * and j from a double estimate of num/den: one division, and |t| <= 1/128
 * however the estimate rounds.
 */
static xq
atan_of_ratio(xq num, xq den)
{
    /* num/den <= 1: j = 0 once the exponents differ by 8 */
    int j = 0;
    int shift = den.e - num.e;
    if (u128_nonzero(num.m) && shift < 8) {
        double ratio = (double)u128_hi(num.m) /
                       (double)u128_hi(den.m);
        j = (int)(ratio * (double)(128 >> shift));
        j = j > 128 ? 128 : j;
    }
    if (j == 0) {
        return atan_small(xq_div(num, den));
    }
    xq c = xq_make(0, u128_from_i64(j), -7);
    xq t = xq_div(xq_sub(num, xq_mul(c, den)), xq_add(den, xq_mul(c, num)));
    return xq_add(atan_table[j], atan_small(t));
}

/* atan(num / den) in [0, pi/2] for the xq num, den >= 0, not both zero */
static xq
atan_ratio(xq num, xq den)
{
    if (num.e < den.e || (num.e == den.e && u128_le(num.m, den.m))) {
        return u128_is_zero(den.m) ? xq_pio2 : atan_of_ratio(num, den);
    }
    return xq_sub(xq_pio2, atan_of_ratio(den, num));
}

npy_quad
npy_quad_atan(npy_quad x)
{
    u128 u = get_bits(x), mag = u128_and(u, ABS_MASK);
    if (u128_gt(mag, INF_BITS)) {
        return nan_argument(x);
    }
    if (u128_lt(mag, TRIG_TINY_BITS)) {
        return u128_is_zero(mag) ? x : xq_to_quad(xq_from_quad(x));
    }
    xq a = xq_from_quad(x);
    int negative = a.neg;
    a.neg = 0;
    xq result = u128_eq(mag, INF_BITS) ? xq_pio2 : atan_ratio(a, xq_one);
    result.neg = negative;
    return xq_to_quad(result);
}

npy_quad
npy_quad_atan2(npy_quad y, npy_quad x)
{
    u128 uy = get_bits(y), ux = get_bits(x);
    u128 my = u128_and(uy, ABS_MASK), mx = u128_and(ux, ABS_MASK);
    if (u128_gt(my, INF_BITS) || u128_gt(mx, INF_BITS)) {
        return from_bits(nan_result(uy, ux));
    }
    int y_negative = (int)u128_lo(u128_shr(uy, 127)),
        x_negative = (int)u128_lo(u128_shr(ux, 127));
    xq angle;
    if (u128_is_zero(my)) {
        /* +-0 for x >= +0, +-pi for x <= -0 */
        angle = x_negative ? xq_pi : xq_zero;
    }
    else if (u128_eq(my, INF_BITS) || u128_eq(mx, INF_BITS)) {
        if (u128_eq(my, INF_BITS) && u128_eq(mx, INF_BITS)) {
            angle = x_negative ? xq_add(xq_pio2, xq_pio4) : xq_pio4;
        }
        else if (u128_eq(my, INF_BITS)) {
            angle = xq_pio2;
        }
        else {
            angle = x_negative ? xq_pi : xq_zero;
        }
    }
    else {
        xq a = xq_from_quad(from_bits(my)), b = xq_from_quad(from_bits(mx));
        angle = atan_ratio(a, b);
        if (x_negative) {
            angle = xq_sub(xq_pi, angle);
        }
    }
    angle.neg = y_negative;
    return xq_to_quad(angle);
}

/* sqrt(1 - x*x) for |x| < 1, as (1 - |x|) * (1 + |x|) */
static xq
cosine_of_asin(xq a)
{
    return xq_sqrt(xq_mul(xq_sub(xq_one, a), xq_add(xq_one, a)));
}

npy_quad
npy_quad_asin(npy_quad x)
{
    u128 u = get_bits(x), mag = u128_and(u, ABS_MASK);
    if (u128_gt(mag, INF_BITS)) {
        return nan_argument(x);
    }
    if (u128_gt(mag, ONE_BITS)) {
        return invalid_result();
    }
    if (u128_lt(mag, TRIG_TINY_BITS)) {
        return u128_is_zero(mag) ? x : xq_to_quad(xq_from_quad(x));
    }
    xq a = xq_from_quad(x);
    int negative = a.neg;
    a.neg = 0;
    xq result = u128_eq(mag, ONE_BITS) ? xq_pio2 : atan_ratio(a, cosine_of_asin(a));
    result.neg = negative;
    return xq_to_quad(result);
}

npy_quad
npy_quad_acos(npy_quad x)
{
    u128 u = get_bits(x), mag = u128_and(u, ABS_MASK);
    if (u128_gt(mag, INF_BITS)) {
        return nan_argument(x);
    }
    if (u128_gt(mag, ONE_BITS)) {
        return invalid_result();
    }
    if (u128_eq(u, ONE_BITS)) {
        return from_bits(u128_from64(0));
    }
    xq a = xq_from_quad(x);
    int negative = a.neg;
    a.neg = 0;
    xq result = u128_eq(mag, ONE_BITS) ? xq_zero : atan_ratio(cosine_of_asin(a), a);
    if (negative) {
        result = xq_sub(xq_pi, result);
    }
    return xq_to_quad(result);
}
