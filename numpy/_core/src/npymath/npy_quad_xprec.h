/*
 * The working precision of numpy-dive's binary128 math functions.
 *
 * The kernels evaluate in 128-bit arithmetic on 64-bit integer multiplies,
 * 15 bits beyond binary128's 113, and round once at the end
 * (npy_quad_from_significand, which also raises overflow and underflow):
 *
 *   - fixed point: an unsigned 128-bit integer with 127 or 128 fraction
 *     bits, for polynomials in a small reduced argument;
 *   - `xq`: a float with a 128-bit significand and an int exponent, for the
 *     steps that combine values of different magnitudes.  Its operations
 *     truncate, each with a relative error below 2**-126, and never overflow
 *     or underflow in the range the kernels use;
 *   - little-endian arrays of 64-bit words, for the exact products of the
 *     argument reductions;
 *   - `xw`, a float with a 256-bit significand, for the rare results whose
 *     evaluation cancels too many bits for xq (logaddexp near zero).
 *
 * Private to npymath.
 */
#ifndef NUMPY_CORE_SRC_NPYMATH_NPY_QUAD_XPREC_H_
#define NUMPY_CORE_SRC_NPYMATH_NPY_QUAD_XPREC_H_

#include "npy_quad_private.h"

#define XQ_ONE_M u128_make(0x8000000000000000ull, 0)

/* (-1)**neg * m * 2**(e - 127), with bit 127 of m set; m == 0 is zero */
typedef struct {
    u128 m;
    int e;
    int neg;
} xq;

static const xq xq_zero = {U128(0, 0), 0, 0};
static const xq xq_one = {U128(0x8000000000000000ull, 0), 0, 0};


/* The high 128 bits of the product a*b, rounded down (exactly). */
static inline u128
umulhi(u128 a, u128 b)
{
    npy_uint64 ah = u128_hi(a), al = u128_lo(a);
    npy_uint64 bh = u128_hi(b), bl = u128_lo(b);
    u128 hl = u128_mul64(ah, bl), lh = u128_mul64(al, bh);
    u128 mid = u128_add(u128_add(u128_from64(u128_lo(hl)), u128_from64(u128_lo(lh))),
                        u128_shr(u128_mul64(al, bl), 64));
    return u128_add(
            u128_add(u128_add(u128_mul64(ah, bh), u128_shr(hl, 64)), u128_shr(lh, 64)),
            u128_shr(mid, 64));
}

/*
 * Horner's rule in fixed point: sum c[k] r**k, or sum (-1)**k c[k] r**k
 * when `alternate`, with c[k] in [0, 2) (127 fraction bits) and r in [0, 1)
 * (128 fraction bits).  An alternating series must have decreasing terms,
 * so that no partial sum goes below zero.  The error is below 2**-126.
 */
static inline u128
poly_eval(const u128 *c, int n, u128 r, int alternate)
{
    u128 acc = c[n - 1];
    for (int k = n - 2; k >= 0; k--) {
        u128 product = umulhi(acc, r);
        acc = alternate ? u128_sub(c[k], product) : u128_add(c[k], product);
    }
    return acc;
}

/*
 * Two alternating series of n terms in the same r at once: the two
 * dependency chains overlap in the pipeline.
 */
static inline void
poly_eval_pair(const u128 *c, const u128 *d, int n, u128 r, u128 *sum_c,
               u128 *sum_d)
{
    u128 acc_c = c[n - 1], acc_d = d[n - 1];
    for (int k = n - 2; k >= 0; k--) {
        acc_c = u128_sub(c[k], umulhi(acc_c, r));
        acc_d = u128_sub(d[k], umulhi(acc_d, r));
    }
    *sum_c = acc_c;
    *sum_d = acc_d;
}

#define POLY_EVAL(table, r, alternate) \
    poly_eval((table), (int)(sizeof(table) / sizeof(*(table))), (r), (alternate))

/* |t| * 2**shift with 128 fraction bits (a polynomial's argument), for an
 * xq t with |t| < 2**-shift */
static inline u128
fixed_scaled(xq t, int shift)
{
    int right = -t.e - 1 - shift;
    return u128_is_zero(t.m) || right >= 128 ? u128_from64(0) : u128_shr(t.m, right);
}


/* (-1)**neg * v * 2**exp2, exactly */
static inline xq
xq_make(int neg, u128 v, int exp2)
{
    xq r = {U128(0, 0), 0, neg};
    if (u128_nonzero(v)) {
        int shift = 128 - bitlen128(v);
        r.m = u128_shl(v, shift);
        r.e = exp2 + 127 - shift;
    }
    return r;
}

/* A finite npy_quad, exactly. */
static inline xq
xq_from_quad(npy_quad q)
{
    u128 u = get_bits(q);
    npy_int64 exp2;
    u128 sig = decode(u128_and(u, ABS_MASK), &exp2);
    return xq_make((int)u128_lo(u128_shr(u, 127)), sig, (int)exp2);
}

/* x rounded once to binary128; x stands for a value just above |x.m|. */
static inline npy_quad
xq_to_quad(xq x)
{
    if (u128_is_zero(x.m)) {
        return from_bits(x.neg ? SIGN_BIT : u128_from64(0));
    }
    return npy_quad_from_significand(x.neg, u128_hi(x.m),
                                     u128_lo(x.m), 1,
                                     (npy_int64)x.e - 127);
}

/* a if `choose_a`, else b, by selects rather than a branch */
static inline xq
xq_select(int choose_a, xq a, xq b)
{
    xq r;
    r.m = choose_a ? a.m : b.m;
    r.e = choose_a ? a.e : b.e;
    r.neg = choose_a ? a.neg : b.neg;
    return r;
}

static inline xq
xq_negate(xq x)
{
    x.neg ^= 1;
    return x;
}

static inline xq
xq_ldexp(xq x, int n)
{
    x.e += n;
    return x;
}

/* (the normalisation is branch-free: it goes either way at random) */
static inline xq
xq_mul(xq a, xq b)
{
    xq r;
    r.m = umulhi(a.m, b.m);
    int top = (int)u128_lo(u128_shr(r.m, 127));
    r.m = u128_shl(r.m, top ^ 1);
    r.e = a.e + b.e + top;
    r.neg = a.neg ^ b.neg;
    return r;
}

/*
 * a + b.  The smaller operand is truncated to the larger one's last bit, so
 * the error is below 2**-127 relative to the larger operand: callers avoid
 * adding opposite signs of nearly equal magnitude unless that is exact.
 */
static inline xq
xq_add(xq a, xq b)
{
    if (u128_is_zero(b.m)) {
        return a;
    }
    if (u128_is_zero(a.m)) {
        return b;
    }
    /* the larger first, by selects rather than a branch */
    int swap = a.e < b.e || (a.e == b.e && u128_lt(a.m, b.m));
    xq large, small;
    large.m = swap ? b.m : a.m;
    large.e = swap ? b.e : a.e;
    large.neg = swap ? b.neg : a.neg;
    small.m = swap ? a.m : b.m;
    small.e = swap ? a.e : b.e;
    small.neg = swap ? a.neg : b.neg;
    a = large;
    b = small;
    int d = a.e - b.e;
    u128 bm = d >= 128 ? u128_from64(0) : u128_shr(b.m, d);
    if (a.neg == b.neg) {
        u128 sum = u128_add(a.m, bm);
        if (u128_lt(sum, a.m)) {
            a.m = u128_or(u128_shr(sum, 1), XQ_ONE_M);
            a.e++;
        }
        else {
            a.m = sum;
        }
        return a;
    }
    u128 difference = u128_sub(a.m, bm);
    if (u128_is_zero(difference)) {
        return xq_zero;
    }
    int shift = 128 - bitlen128(difference);
    a.m = u128_shl(difference, shift);
    a.e -= shift;
    return a;
}

static inline xq
xq_sub(xq a, xq b)
{
    return xq_add(a, xq_negate(b));
}

/* y + y*eps for y with 128 fraction bits and eps with 127, signed */
static inline u128
newton_update(u128 y, u128 eps_magnitude, int eps_negative)
{
    u128 step = u128_shl(umulhi(y, eps_magnitude), 1);
    return eps_negative ? u128_sub(y, step) : u128_add(y, step);
}

/* 1/a for a != 0; the error is below 2**-126. */
static inline xq
xq_recip(xq a)
{
    xq r = {U128(0, 0), -1 - a.e, a.neg};
    if (u128_eq(a.m, XQ_ONE_M)) {
        r.m = XQ_ONE_M;
        r.e = -a.e;
        return r;
    }
    /* 1/b in (1/2, 1) for b = a.m / 2**127, from a double, then Newton */
    double b = (double)u128_hi(a.m) * 0x1p-63;
    double seed = 0x1p64 / b;
    u128 y = u128_shl(u128_from64(seed >= 0x1p64 ? ~(npy_uint64)0 : (npy_uint64)seed),
                      64);
    for (int i = 0; i < 2; i++) {
        u128 by = umulhi(a.m, y);          /* b*y, 127 fraction bits */
        int low = u128_lt(by, XQ_ONE_M);
        y = newton_update(y, low ? u128_sub(XQ_ONE_M, by) : u128_sub(by, XQ_ONE_M),
                          !low);
    }
    r.m = y;
    return r;
}

static inline xq
xq_div(xq a, xq b)
{
    return xq_mul(a, xq_recip(b));
}

/*
 * v * 2**127 as a signed (two's complement) 128-bit integer, for
 * |v| < 2**-2 (a Newton
 * correction); multiplications by powers of two rather than ldexp, which
 * is a call.
 */
static inline u128
fixed_from_double(double v)
{
    /*
     * Split |v| * 2**127 at 2**63: both parts are exact (the low one keeps
     * the bits of |v| below the high one's), and both convert from double
     * without the branch that values from 2**63 on take.
     */
    double magnitude = fabs(v);
    npy_int64 high = (npy_int64)(magnitude * 0x1p64);       /* floor */
    npy_int64 low = (npy_int64)(magnitude * 0x1p127 - (double)high * 0x1p63);
    u128 result = u128_add(u128_shl(u128_from_i64(high), 63), u128_from_i64(low));
    return v < 0 ? u128_neg(result) : result;
}

/*
 * sqrt(a) for a >= 0; the error is below 2**-125.  s0 = sqrt(b) in double,
 * then twice s += (b - s*s) / (2 s), the residual exact in fixed point and
 * the quotient, 2**-52 of s or less, in double.
 */
static inline xq
xq_sqrt(xq a)
{
    if (u128_is_zero(a.m)) {
        return a;
    }
    /* a = b * 2**(2h), b in [1, 4) with 126 fraction bits */
    int odd = a.e & 1;
    u128 b = odd ? a.m : u128_shr(a.m, 1);
    int half = (a.e - odd) / 2;
    double s0 = sqrt((double)u128_hi(b) * 0x1p-62);
    double inverse = 0.5 / s0;
    /* 127 fraction bits; s0 rounds to 2 for b just below 4 */
    double seed = s0 * 0x1p63;
    u128 s = u128_shl(u128_from64(seed >= 0x1p64 ? ~(npy_uint64)0 : (npy_uint64)seed),
                      64);
    for (int i = 0; i < 2; i++) {
        /* signed, 126 fraction bits */
        u128 residual = u128_sub(b, umulhi(s, s));
        int negative = u128_is_negative(residual);
        /* |residual| through its 64-bit halves: int128 to double is a call */
        u128 magnitude = negative ? u128_neg(residual) : residual;
        double approx = (double)u128_hi(magnitude) * 0x1p64
                        + (double)u128_lo(magnitude);
        double correction = (negative ? -approx : approx) * 0x1p-126 * inverse;
        s = u128_add(s, fixed_from_double(correction));
    }
    return xq_make(0, s, half - 127);
}


/* Little-endian arrays of 64-bit words. */

static inline npy_uint64
word_at(const npy_uint64 *x, int n, int i)
{
    return (i >= 0 && i < n) ? x[i] : 0;
}

/* bits [low, low + 128) of the n-word x; bits outside x are zero */
static inline u128
bits_at(const npy_uint64 *x, int n, int low)
{
    int w = low >> 6, s = low & 63;
    npy_uint64 w0 = word_at(x, n, w), w1 = word_at(x, n, w + 1);
    npy_uint64 w2 = word_at(x, n, w + 2);
    if (s == 0) {
        return u128_make(w1, w0);
    }
    return u128_make((w1 >> s) | (w2 << (64 - s)), (w0 >> s) | (w1 << (64 - s)));
}

/* out[0 .. na+nb) = a * b */
static inline void
words_mul(const npy_uint64 *a, int na, const npy_uint64 *b, int nb,
          npy_uint64 *out)
{
    for (int i = 0; i < na + nb; i++) {
        out[i] = 0;
    }
    for (int i = 0; i < na; i++) {
        npy_uint64 carry = 0;
        for (int j = 0; j < nb; j++) {
            u128 t = u128_add(u128_add(u128_mul64(a[i], b[j]), u128_from64(out[i + j])),
                              u128_from64(carry));
            out[i + j] = u128_lo(t);
            carry = u128_hi(t);
        }
        out[i + nb] = carry;
    }
}

/* whether any of the bits of the n-word x below bit `position` is set */
static inline int
words_any_below(const npy_uint64 *x, int n, int position)
{
    for (int i = 0; i < n && 64 * i < position; i++) {
        npy_uint64 w = x[i];
        if (position - 64 * i < 64) {
            w &= ((npy_uint64)1 << (position - 64 * i)) - 1;
        }
        if (w) {
            return 1;
        }
    }
    return 0;
}

/* x = -x (two's complement) on n words when `negate`, without a branch */
static inline void
words_negate_if(npy_uint64 *x, int n, int negate)
{
    npy_uint64 mask = -(npy_uint64)(negate != 0);
    npy_uint64 carry = (npy_uint64)(negate != 0);
    for (int i = 0; i < n; i++) {
        u128 t = u128_add(u128_from64(x[i] ^ mask), u128_from64(carry));
        x[i] = u128_lo(t);
        carry = u128_hi(t);
    }
}

/* x = -x (two's complement) on n words */
static inline void
words_negate(npy_uint64 *x, int n)
{
    words_negate_if(x, n, 1);
}

/* the bit length of the n-word x (0 for zero) */
static inline int
words_bitlen(const npy_uint64 *x, int n)
{
    for (int i = n - 1; i >= 0; i--) {
        if (x[i]) {
            return 64 * i + 64 - npy_quad_clz64(x[i]);
        }
    }
    return 0;
}

/* (-1)**neg * x * 2**exp2 for the n-word x, truncated to 128 bits */
static inline xq
xq_from_words(int neg, const npy_uint64 *x, int n, int exp2)
{
    int low = words_bitlen(x, n) - 128;
    if (low < 0) {
        low = 0;
    }
    return xq_make(neg, bits_at(x, n, low), exp2 + low);
}


/* (-1)**neg * W * 2**(e - 255) for W = w[3]:w[2]:w[1]:w[0] with bit 255
 * set; W == 0 is zero */
typedef struct {
    npy_uint64 w[4];
    int e;
    int neg;
} xw;

static const xw xw_one = {{0, 0, 0, (npy_uint64)1 << 63}, 0, 0};

/* (-1)**neg * x * 2**exp2 for the n-word x, truncated to 256 bits */
static inline xw
xw_from_words(int neg, const npy_uint64 *x, int n, int exp2)
{
    xw r = {{0, 0, 0, 0}, 0, neg};
    int length = words_bitlen(x, n);
    if (length == 0) {
        return r;
    }
    int low = length - 256;
    for (int i = 0; i < 4; i++) {
        r.w[i] = u128_lo(bits_at(x, n, low + 64 * i));
    }
    r.e = exp2 + low + 255;
    return r;
}

/* a rounded once to binary128 (the bits below the 256 are taken as 0) */
static inline npy_quad
xw_to_quad(xw a)
{
    if (a.w[3] == 0) {
        return from_bits(a.neg ? SIGN_BIT : u128_from64(0));
    }
    return npy_quad_from_significand(a.neg, a.w[3], a.w[2],
                                     (a.w[1] | a.w[0]) != 0,
                                     (npy_int64)a.e - 127);
}

static inline xw
xw_mul(xw a, xw b)
{
    if (a.w[3] == 0 || b.w[3] == 0) {
        xw zero = {{0, 0, 0, 0}, 0, a.neg ^ b.neg};
        return zero;
    }
    npy_uint64 product[8];
    words_mul(a.w, 4, b.w, 4, product);
    return xw_from_words(a.neg ^ b.neg, product, 8, a.e + b.e - 510);
}

/* a + b, with one guard word: the error is below 2**-318 of the larger */
static inline xw
xw_add(xw a, xw b)
{
    if (b.w[3] == 0) {
        return a;
    }
    if (a.w[3] == 0) {
        return b;
    }
    int a_smaller = a.e < b.e;
    for (int i = 3; i >= 0 && a.e == b.e; i--) {
        if (a.w[i] != b.w[i]) {
            a_smaller = a.w[i] < b.w[i];
            break;
        }
    }
    if (a_smaller) {
        xw t = a;
        a = b;
        b = t;
    }
    int d = a.e - b.e;
    if (d > 320) {
        return a;
    }
    npy_uint64 sum[5], carry = 0;
    for (int i = 0; i < 5; i++) {
        npy_uint64 x = i == 0 ? 0 : a.w[i - 1];
        npy_uint64 y = u128_lo(bits_at(b.w, 4, 64 * i - 64 + d));
        u128 t;
        if (a.neg == b.neg) {
            t = u128_add(u128_add(u128_from64(x), u128_from64(y)), u128_from64(carry));
            carry = u128_hi(t);
        }
        else {
            t = u128_sub(u128_sub(u128_from64(x), u128_from64(y)), u128_from64(carry));
            carry = u128_hi(t) & 1;
        }
        sum[i] = u128_lo(t);
    }
    npy_uint64 wide[6] = {sum[0], sum[1], sum[2], sum[3], sum[4],
                          a.neg == b.neg ? carry : 0};
    return xw_from_words(a.neg, wide, 6, a.e - 255 - 64);
}

static inline xw
xw_sub(xw a, xw b)
{
    b.neg ^= 1;
    return xw_add(a, b);
}

#endif  /* NUMPY_CORE_SRC_NPYMATH_NPY_QUAD_XPREC_H_ */
