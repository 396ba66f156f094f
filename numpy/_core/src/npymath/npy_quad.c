/*
 * Quadruple-precision (IEEE 754 binary128) routines; numpy/npy_quad.h gives
 * the contract of each function.
 *
 * + - * / and the conversions between binary128 and double, float and long
 * double, or from int64, go through the compiler's binary128 type.  GCC and
 * Clang lower it to libgcc's soft-fp routines, which are correctly rounded
 * and raise the IEEE flags in the floating-point environment themselves.
 * The rest is integer arithmetic on the encoding here: libgcc has no sqrt or
 * fma, libquadmath's sqrtq is not correctly rounded, going through double
 * would round twice (half), and libgcc's float-to-integer conversions
 * saturate where NumPy's casts behave like the x86 instructions.
 */
#include "numpy/npy_math.h"
#include "numpy/npy_quad.h"
#include "npy_quad_private.h"
#include "npy_quad_fastpath.h"

#include <math.h>
#include <string.h>
#if defined(__x86_64__)
#include <emmintrin.h>
#endif

#if defined(__SIZEOF_FLOAT128__)
typedef __float128 quad_float;
#elif defined(__LDBL_MANT_DIG__) && __LDBL_MANT_DIG__ == 113
/* binary128 long double: Linux on aarch64 and s390x, ppc64le with IEEE ABI */
typedef long double quad_float;
#else
#error "npy_quad.c needs __float128 or a binary128 long double (no fallback)"
#endif

enum { FLAG_UNDERFLOW = 1, FLAG_OVERFLOW = 2 };

#if defined(__x86_64__) && defined(__SIZEOF_FLOAT128__)
/*
 * npy_quad arrives in two general registers and __float128 goes in an SSE
 * register.  Through memory, two 8-byte stores feeding a 16-byte load defeat
 * store forwarding, which made npy_quad_add twice as slow as the addition.
 */
static inline quad_float
get_float(npy_quad q)
{
    __m128i v = _mm_unpacklo_epi64(_mm_cvtsi64_si128((long long)q.bits[0]),
                                   _mm_cvtsi64_si128((long long)q.bits[1]));
    quad_float f;
    memcpy(&f, &v, sizeof(f));
    return f;
}
#else
static inline quad_float
get_float(npy_quad q)
{
    quad_float f;
    memcpy(&f, &q, sizeof(f));
    return f;
}
#endif

static inline npy_quad
from_float(quad_float f)
{
    npy_quad q;
    memcpy(&q, &f, sizeof(q));
    return q;
}

static void
raise_flags(int flags)
{
    if (flags & FLAG_OVERFLOW) {
        npy_set_floatstatus_overflow();
    }
    if (flags & FLAG_UNDERFLOW) {
        npy_set_floatstatus_underflow();
    }
}

/*
 * Magnitude bits of sig * 2**exp2 (sig != 0), plus a fraction of a unit of
 * sig's bit 0 when `sticky`, rounded to nearest-even in the binary format
 * with `mant` fraction bits and exponent bias `bias`.  The sticky fraction
 * is taken to be below half a unit of the result when it lies below the
 * rounding point; callers needing more pass sig with the rounding point
 * above bit 0.  Tininess is detected after rounding, as x86 does.
 */
static u128
round_pack(u128 sig, int sticky, npy_int64 exp2, int mant, int bias,
           int *flags)
{
    const npy_int64 emin = 1 - bias;
    const u128 inf = (u128)(2 * bias + 1) << mant;
    int n = bitlen128(sig);
    npy_int64 lead, top, shift;
    u128 kept, bits;
    int round_bit, rest;

    exp2 = clamp_exponent(exp2);
    lead = exp2 + n - 1;
    if (lead > bias) {
        *flags |= FLAG_OVERFLOW;
        return inf;
    }
    top = lead < emin ? emin : lead;
    shift = top - mant - exp2;
    if (shift <= 0) {
        kept = sig << -shift;
        round_bit = 0;
        rest = sticky;
    }
    else if (shift < 128) {
        kept = sig >> shift;
        round_bit = (int)(sig >> (shift - 1)) & 1;
        rest = sticky || (sig & (((u128)1 << (shift - 1)) - 1)) != 0;
    }
    else {
        kept = 0;
        round_bit = shift == 128 ? (int)(sig >> 127) : 0;
        rest = sticky || (shift == 128 ? (sig << 1) != 0 : 1);
    }
    /* branch-free: the direction is random for inexact results */
    kept += (u128)(round_bit & (rest | (int)(kept & 1)));
    /* kept carries the leading one, so a carry out of it bumps the exponent */
    bits = ((u128)(top + bias - 1) << mant) + kept;
    if (bits >= inf) {
        *flags |= FLAG_OVERFLOW;
        return inf;
    }
    if ((round_bit || rest) && lead < emin) {
        /*
         * Not tiny only if rounding to full precision with an unbounded
         * exponent reaches 2**emin: the top mant + 2 bits are all ones.
         */
        int reaches = lead == emin - 1 && n >= mant + 2 &&
                (sig >> (n - mant - 2)) == ((u128)1 << (mant + 2)) - 1;
        if (!reaches) {
            *flags |= FLAG_UNDERFLOW;
        }
    }
    return bits;
}

/*
 *****************************************************************************
 *                      CONSTRUCTION AND CONVERSIONS                         *
 *****************************************************************************
 */

npy_quad
npy_quad_from_words(npy_uint64 hi, npy_uint64 lo)
{
    return from_bits(((u128)hi << 64) | lo);
}

void
npy_quad_to_words(npy_quad q, npy_uint64 *hi, npy_uint64 *lo)
{
    u128 u = get_bits(q);
    *hi = (npy_uint64)(u >> 64);
    *lo = (npy_uint64)u;
}

npy_quad
npy_quad_nan(void)
{
    return from_bits(INF_BITS | QUIET_BIT);
}

npy_quad
npy_quad_inf(void)
{
    return from_bits(INF_BITS);
}

npy_quad
npy_quad_from_double(double d)
{
    return from_float((quad_float)d);
}

npy_quad
npy_quad_from_float(float f)
{
    return from_float((quad_float)f);
}

npy_quad
npy_quad_from_longdouble(npy_longdouble ld)
{
    return from_float((quad_float)ld);
}

npy_quad
npy_quad_from_int64(npy_int64 i)
{
    return from_float((quad_float)i);
}

npy_quad
npy_quad_from_uint64(npy_uint64 u)
{
    return from_float((quad_float)u);
}

npy_quad
npy_quad_from_half(npy_half h)
{
    u128 sign = (u128)(h & 0x8000u) << 112;
    unsigned int e = (h >> 10) & 0x1fu, frac = h & 0x3ffu;
    u128 bits;

    if (e == 0x1f) {
        bits = INF_BITS | ((u128)frac << (MANT_BITS - 10));
        if (frac) {
            bits = quiet_nan(bits);
        }
    }
    else if (e != 0) {
        bits = ((u128)(e - 15 + EXP_BIAS) << MANT_BITS) |
               ((u128)frac << (MANT_BITS - 10));
    }
    else if (frac != 0) {
        /* subnormal half, frac * 2**-24: normal in binary128 */
        int n = 32 - __builtin_clz(frac);
        bits = ((u128)(n - 25 + EXP_BIAS) << MANT_BITS) |
               (((u128)frac << (MANT_BITS + 1 - n)) & FRAC_MASK);
    }
    else {
        bits = 0;
    }
    return from_bits(sign | bits);
}

double
npy_quad_to_double(npy_quad q)
{
    return (double)get_float(q);
}

float
npy_quad_to_float(npy_quad q)
{
    /* libgcc's __trunctfsf2 rounds once, from binary128 directly */
    return (float)get_float(q);
}

npy_longdouble
npy_quad_to_longdouble(npy_quad q)
{
    return (npy_longdouble)get_float(q);
}

npy_half
npy_quad_to_half(npy_quad q)
{
    u128 u = get_bits(q), mag = u & ABS_MASK;
    npy_half sign = (npy_half)((u >> 112) & 0x8000u);
    npy_int64 exp2;
    u128 sig;
    int flags = 0;

    if (mag >= INF_BITS) {
        if (mag == INF_BITS) {
            return sign | 0x7c00u;
        }
        /* keep the top of the payload; the quiet bit lands on the half's */
        return sign | 0x7c00u |
               (npy_half)((quiet_nan(mag) >> (MANT_BITS - 10)) & 0x3ffu);
    }
    if (mag == 0) {
        return sign;
    }
    sig = decode(mag, &exp2);
    sig = round_pack(sig, 0, exp2, 10, 15, &flags);
    raise_flags(flags);
    return sign | (npy_half)sig;
}

npy_int64
npy_quad_to_int64(npy_quad q)
{
    u128 u = get_bits(q), mag = u & ABS_MASK;
    int e = (int)(mag >> MANT_BITS) - EXP_BIAS;
    npy_uint64 m;

    if (e < 0) {
        return 0;
    }
    if (e >= 63) {
        /*
         * Only (-2**63 - 1, -2**63] truncates into range: NaN and inf land
         * here too, and so does any value with integer bits below 2**63.
         */
        if (!(u & SIGN_BIT) || e > 63 ||
                (mag & FRAC_MASK) >> (MANT_BITS - 63) != 0) {
            npy_set_floatstatus_invalid();
        }
        return NPY_MIN_INT64;
    }
    m = (npy_uint64)(((mag & FRAC_MASK) | MIN_NORMAL) >> (MANT_BITS - e));
    return (u & SIGN_BIT) ? -(npy_int64)m : (npy_int64)m;
}

npy_uint64
npy_quad_to_uint64(npy_quad q)
{
    u128 u = get_bits(q), mag = u & ABS_MASK;
    int e = (int)(mag >> MANT_BITS) - EXP_BIAS;

    if (e < 0) {
        return 0;
    }
    if (e >= 64 || (u & SIGN_BIT)) {
        npy_set_floatstatus_invalid();
        return (npy_uint64)1 << 63;
    }
    return (npy_uint64)(((mag & FRAC_MASK) | MIN_NORMAL) >> (MANT_BITS - e));
}

npy_quad
npy_quad_from_significand(int negative, npy_uint64 hi, npy_uint64 lo,
                          int sticky, npy_int64 exp2)
{
    u128 sig = ((u128)hi << 64) | lo, sign = negative ? SIGN_BIT : 0;
    int flags = 0;

    if (sig == 0) {
        return from_bits(sign);
    }
    sig = round_pack(sig, sticky, exp2, MANT_BITS, EXP_BIAS, &flags);
    raise_flags(flags);
    return from_bits(sign | sig);
}

int
npy_quad_to_significand(npy_quad q, npy_uint64 *hi, npy_uint64 *lo,
                        npy_int64 *exp2)
{
    u128 mag = get_bits(q) & ABS_MASK, sig;
    npy_int64 e = 0;

    if (mag >= INF_BITS) {
        return -1;
    }
    sig = decode(mag, &e);
    if (sig == 0) {
        e = 0;
    }
    else {
        int tz = ctz128(sig);
        sig >>= tz;
        e += tz;
    }
    *hi = (npy_uint64)(sig >> 64);
    *lo = (npy_uint64)sig;
    *exp2 = e;
    return 0;
}

/*
 *****************************************************************************
 *                              ARITHMETIC                                   *
 *****************************************************************************
 */

/*
 * libgcc returns correctly rounded results with the right flags, but with two
 * NaN operands it may return the second; SSE (so NumPy's double loops) and
 * this API return the first.  Sorting out NaNs before the call also leaves
 * nothing live across it.
 */
static inline int
any_nan(npy_quad a, npy_quad b)
{
    return is_nan_bits(get_bits(a)) || is_nan_bits(get_bits(b));
}

/* Out of line, so that the common path keeps no registers across its call */
NPY_NOINLINE npy_quad
nan_operands(npy_quad a, npy_quad b)
{
    return from_bits(nan_result(get_bits(a), get_bits(b)));
}

npy_quad
npy_quad_add(npy_quad a, npy_quad b)
{
    u128 sum;
    if (NPY_LIKELY(add_normals(get_bits(a), get_bits(b), &sum))) {
        return from_bits(sum);
    }
    if (NPY_UNLIKELY(any_nan(a, b))) {
        return nan_operands(a, b);
    }
    return from_float(get_float(a) + get_float(b));
}

npy_quad
npy_quad_sub(npy_quad a, npy_quad b)
{
    u128 difference;
    if (NPY_LIKELY(add_normals(get_bits(a), get_bits(b) ^ SIGN_BIT, &difference))) {
        return from_bits(difference);
    }
    if (NPY_UNLIKELY(any_nan(a, b))) {
        return nan_operands(a, b);
    }
    return from_float(get_float(a) - get_float(b));
}

npy_quad
npy_quad_mul(npy_quad a, npy_quad b)
{
    u128 product;
    if (NPY_LIKELY(mul_normals(get_bits(a), get_bits(b), &product))) {
        return from_bits(product);
    }
    if (NPY_UNLIKELY(any_nan(a, b))) {
        return nan_operands(a, b);
    }
    return from_float(get_float(a) * get_float(b));
}

npy_quad
npy_quad_div(npy_quad a, npy_quad b)
{
    if (NPY_UNLIKELY(any_nan(a, b))) {
        return nan_operands(a, b);
    }
    return from_float(get_float(a) / get_float(b));
}

/*
 * sqrt(m * 2**exp2) for normalised m: q = floor(sqrt(m * 2**114)) has 114
 * bits and the result significand is (q + 1) / 2, since a square root is
 * never exactly halfway (q odd with q*q == m * 2**114 would make an even
 * number odd).  q comes from a double estimate and two Newton steps on
 * residuals that fit in 128 bits, then an exact integer check.
 */
npy_quad
npy_quad_sqrt(npy_quad x)
{
    u128 u = get_bits(x), m, U, q;
    npy_int64 exp2;
    npy_uint64 a;
    i128 r;
    int n;

    if ((u & ABS_MASK) == 0) {
        return x;
    }
    if (u >= INF_BITS) {
        /* +inf, NaN, or any negative */
        if (is_nan_bits(u)) {
            return from_bits(quiet_nan(u));
        }
        return u == INF_BITS ? x : invalid_result();
    }
    m = decode(u, &exp2);
    n = bitlen128(m);
    m <<= 113 - n;
    exp2 -= 113 - n;
    if (exp2 & 1) {
        m <<= 1;
        exp2 -= 1;
    }
    /*
     * m is in [2**112, 2**114).  a ~ sqrt(U), U = m * 2**12, starts from a
     * double (about 52 good bits); each Newton step adds (U - a*a) / 2a, with
     * a residual small enough for wrapping 128-bit arithmetic and a double
     * quotient.
     */
    U = m << 12;
    a = (npy_uint64)(sqrt((double)(npy_uint64)(m >> 60)) * 0x1p36);
    r = (i128)(U - (u128)a * a);  /* |r| < 2**77 */
    a += (npy_uint64)(npy_int64)(
            (double)(npy_int64)(r >> 16) * (0x1p15 / (double)a));
    /* |sqrt(U) - a| <= 1 now; the same step at scale 2**51 gives q */
    r = (i128)(U - (u128)a * a);  /* |r| < 2**66 */
    q = ((u128)a << 51) + (u128)(i128)(npy_int64)(
            (double)(npy_int64)(r >> 4) * (0x1p54 / (double)a));
    /*
     * q is within a few units of the root (at most two steps are taken
     * below), so m * 2**114 - q*q is far inside the int128 range and its low
     * 128 bits suffice.
     */
    r = (i128)((m << 114) - q * q);
    while (r < 0) {
        r += (i128)(2 * q - 1);
        q--;
    }
    while (r > (i128)(2 * q)) {
        q++;
        r -= (i128)(2 * q - 1);
    }
    /* the exponent field may take the carry of (q + 1) >> 1 == 2**113 */
    return from_bits(((u128)(exp2 / 2 + 56 + EXP_BIAS - 1) << MANT_BITS) +
                     ((q + 1) >> 1));
}

/* 256-bit unsigned integers for the exact fma */
typedef struct {
    u128 hi, lo;
} u256;

static inline int
bitlen256(u256 z)
{
    return z.hi ? 128 + bitlen128(z.hi) : bitlen128(z.lo);
}

/* z << s, 0 <= s < 256, for z that does not overflow */
static inline u256
shl256(u256 z, int s)
{
    if (s >= 128) {
        z.hi = z.lo << (s - 128);
        z.lo = 0;
    }
    else if (s > 0) {
        z.hi = (z.hi << s) | (z.lo >> (128 - s));
        z.lo <<= s;
    }
    return z;
}

/* z >> s, s >= 0, ORing the bits shifted out into *sticky */
static inline u256
shr256_sticky(u256 z, npy_int64 s, int *sticky)
{
    if (s >= 256) {
        *sticky |= (z.hi | z.lo) != 0;
        z.hi = z.lo = 0;
    }
    else if (s >= 128) {
        int t = (int)s - 128;
        *sticky |= z.lo != 0 || (z.hi & (((u128)1 << t) - 1)) != 0;
        z.lo = z.hi >> t;
        z.hi = 0;
    }
    else if (s > 0) {
        *sticky |= (z.lo & (((u128)1 << s) - 1)) != 0;
        z.lo = (z.lo >> s) | (z.hi << (128 - s));
        z.hi >>= s;
    }
    return z;
}

static inline u256
add256(u256 a, u256 b)
{
    u256 r;
    r.lo = a.lo + b.lo;
    r.hi = a.hi + b.hi + (r.lo < a.lo);
    return r;
}

static inline u256
sub256(u256 a, u256 b)
{
    u256 r;
    r.lo = a.lo - b.lo;
    r.hi = a.hi - b.hi - (a.lo < b.lo);
    return r;
}

static inline int
lt256(u256 a, u256 b)
{
    return a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo);
}

/* Exact product of two significands below 2**113 */
static u256
mul_sig(u128 a, u128 b)
{
    npy_uint64 a0 = (npy_uint64)a, a1 = (npy_uint64)(a >> 64);
    npy_uint64 b0 = (npy_uint64)b, b1 = (npy_uint64)(b >> 64);
    u128 lo = (u128)a0 * b0;
    u128 mid = (u128)a0 * b1 + (u128)a1 * b0;  /* < 2**114: no carry out */
    u256 r;

    r.lo = lo + (mid << 64);
    r.hi = (u128)a1 * b1 + (mid >> 64) + (r.lo < lo);
    return r;
}

/* fma when an operand is inf or NaN */
static npy_quad
fma_special(u128 ua, u128 ub, u128 uc)
{
    u128 ma = ua & ABS_MASK, mb = ub & ABS_MASK, mc = uc & ABS_MASK;
    u128 psign = (ua ^ ub) & SIGN_BIT;

    if (ma > INF_BITS || mb > INF_BITS || mc > INF_BITS) {
        if (is_snan_bits(uc)) {
            npy_set_floatstatus_invalid();
        }
        if (is_nan_bits(ua) || is_nan_bits(ub)) {
            return from_bits(nan_result(ua, ub));
        }
        return from_bits(uc | QUIET_BIT);
    }
    if ((ma == INF_BITS && mb == 0) || (mb == INF_BITS && ma == 0)) {
        return invalid_result();
    }
    if (ma == INF_BITS || mb == INF_BITS) {
        if (mc == INF_BITS && (uc & SIGN_BIT) != psign) {
            return invalid_result();
        }
        return from_bits(psign | INF_BITS);
    }
    return from_bits(uc);
}

/*
 * The exact a*b (up to 226 bits) and c are put in a 256-bit frame with the
 * larger one's leading bit at bit 253; the smaller is shifted right into a
 * sticky bit.  When that drops bits of a subtrahend, one unit is borrowed
 * so that the sticky bit still means "a little more": the operands are then
 * far apart, so the difference keeps well over 128 significant bits.
 */
npy_quad
npy_quad_fma(npy_quad a, npy_quad b, npy_quad c)
{
    u128 ua = get_bits(a), ub = get_bits(b), uc = get_bits(c);
    u128 ma = ua & ABS_MASK, mb = ub & ABS_MASK, mc = uc & ABS_MASK;
    u128 psign = (ua ^ ub) & SIGN_BIT, csign = uc & SIGN_BIT, sign, sig;
    npy_int64 ea, eb, ec, ep, frame;
    u256 p, x, y, z;
    int sticky = 0, flags = 0, n;

    if (ma >= INF_BITS || mb >= INF_BITS || mc >= INF_BITS) {
        return fma_special(ua, ub, uc);
    }
    if (ma == 0 || mb == 0) {
        /* exact zero product: c, or a zero that is -0 only if both are */
        return mc == 0 ? from_bits(psign & csign) : c;
    }
    p = mul_sig(decode(ma, &ea), decode(mb, &eb));
    ep = ea + eb;
    sign = psign;
    if (mc == 0) {
        z = p;
        frame = ep;
    }
    else {
        u256 cs = {0, decode(mc, &ec)};
        int np = bitlen256(p), nc = bitlen128(cs.lo);
        npy_int64 lead_p = ep + np - 1, lead_c = ec + nc - 1;
        int p_larger = lead_p >= lead_c;

        if (p_larger) {
            frame = lead_p - 253;
            x = shl256(p, 254 - np);
            if (ec >= frame) {
                y = shl256(cs, (int)(ec - frame));
            }
            else {
                y = shr256_sticky(cs, frame - ec, &sticky);
            }
        }
        else {
            frame = lead_c - 253;
            x = shl256(cs, 254 - nc);
            if (ep >= frame) {
                y = shl256(p, (int)(ep - frame));
            }
            else {
                y = shr256_sticky(p, frame - ep, &sticky);
            }
            sign = csign;
        }
        if (psign == csign) {
            z = add256(x, y);
        }
        else if (sticky) {
            u256 one = {0, 1};
            z = sub256(sub256(x, y), one);
        }
        else if (lt256(x, y)) {
            z = sub256(y, x);
            sign ^= SIGN_BIT;
        }
        else {
            z = sub256(x, y);
            if ((z.hi | z.lo) == 0) {
                return from_bits(0);
            }
        }
    }
    n = bitlen256(z);
    if (n > 128) {
        frame += n - 128;
        z = shr256_sticky(z, n - 128, &sticky);
    }
    sig = round_pack(z.lo, sticky, frame, MANT_BITS, EXP_BIAS, &flags);
    raise_flags(flags);
    return from_bits(sign | sig);
}

npy_quad
npy_quad_negative(npy_quad x)
{
    return from_bits(get_bits(x) ^ SIGN_BIT);
}

npy_quad
npy_quad_absolute(npy_quad x)
{
    return from_bits(get_bits(x) & ABS_MASK);
}

npy_quad
npy_quad_copysign(npy_quad x, npy_quad y)
{
    return from_bits((get_bits(x) & ABS_MASK) | (get_bits(y) & SIGN_BIT));
}

/*
 *****************************************************************************
 *                     COMPARISONS AND CLASSIFICATION                        *
 *****************************************************************************
 */

/* a < b for non-NaN encodings, with -0 == +0 */
static inline int
lt_nonan(u128 a, u128 b)
{
    if ((a ^ b) & SIGN_BIT) {
        return (a & SIGN_BIT) && ((a | b) & ABS_MASK) != 0;
    }
    return (a & SIGN_BIT) ? b < a : a < b;
}

static inline int
eq_nonan(u128 a, u128 b)
{
    return a == b || ((a | b) & ABS_MASK) == 0;
}

int
npy_quad_eq(npy_quad a, npy_quad b)
{
    u128 ua = get_bits(a), ub = get_bits(b);
    return !is_nan_bits(ua) && !is_nan_bits(ub) && eq_nonan(ua, ub);
}

int
npy_quad_ne(npy_quad a, npy_quad b)
{
    return !npy_quad_eq(a, b);
}

int
npy_quad_lt(npy_quad a, npy_quad b)
{
    u128 ua = get_bits(a), ub = get_bits(b);
    return !is_nan_bits(ua) && !is_nan_bits(ub) && lt_nonan(ua, ub);
}

int
npy_quad_le(npy_quad a, npy_quad b)
{
    u128 ua = get_bits(a), ub = get_bits(b);
    return !is_nan_bits(ua) && !is_nan_bits(ub) &&
           (lt_nonan(ua, ub) || eq_nonan(ua, ub));
}

int
npy_quad_gt(npy_quad a, npy_quad b)
{
    return npy_quad_lt(b, a);
}

int
npy_quad_ge(npy_quad a, npy_quad b)
{
    return npy_quad_le(b, a);
}

int
npy_quad_isnan(npy_quad x)
{
    return is_nan_bits(get_bits(x));
}

int
npy_quad_isinf(npy_quad x)
{
    return (get_bits(x) & ABS_MASK) == INF_BITS;
}

int
npy_quad_isfinite(npy_quad x)
{
    return (get_bits(x) & ABS_MASK) < INF_BITS;
}

int
npy_quad_signbit(npy_quad x)
{
    return (get_bits(x) & SIGN_BIT) != 0;
}

int
npy_quad_iszero(npy_quad x)
{
    return (get_bits(x) & ABS_MASK) == 0;
}

/*
 *****************************************************************************
 *                          MISCELLANEOUS FUNCTIONS                          *
 *****************************************************************************
 */

npy_quad
npy_quad_nextafter(npy_quad x, npy_quad y)
{
    u128 ux = get_bits(x), uy = get_bits(y), r, mag;

    if (is_nan_bits(ux) || is_nan_bits(uy)) {
        return from_bits(nan_result(ux, uy));
    }
    if (eq_nonan(ux, uy)) {
        return y;
    }
    if ((ux & ABS_MASK) == 0) {
        r = (uy & SIGN_BIT) | 1;
    }
    else if (lt_nonan(ux, uy) == !(ux & SIGN_BIT)) {
        r = ux + 1;  /* away from zero */
    }
    else {
        r = ux - 1;
    }
    mag = r & ABS_MASK;
    if (mag == INF_BITS) {
        npy_set_floatstatus_overflow();
    }
    else if (mag < MIN_NORMAL && mag != 0) {
        npy_set_floatstatus_underflow();
    }
    return from_bits(r);
}

npy_quad
npy_quad_spacing(npy_quad x)
{
    u128 u = get_bits(x), mag = u & ABS_MASK;
    int e = (int)(mag >> MANT_BITS);

    if (mag >= INF_BITS) {
        npy_set_floatstatus_invalid();
        return from_bits(mag == INF_BITS ? INF_BITS | QUIET_BIT
                                         : u | QUIET_BIT);
    }
    if (mag == MAX_BITS) {
        npy_set_floatstatus_overflow();
        return from_bits((u & SIGN_BIT) | INF_BITS);
    }
    /* npy_spacing raises underflow when the next value up is subnormal */
    if (mag + 1 < MIN_NORMAL) {
        npy_set_floatstatus_underflow();
    }
    if (mag == 0) {
        return from_bits(1);
    }
    /* the unit in the last place of x's binade */
    if (e > MANT_BITS) {
        return from_bits((u & SIGN_BIT) |
                         ((u128)(e - MANT_BITS) << MANT_BITS));
    }
    return from_bits((u & SIGN_BIT) | ((u128)1 << (e > 0 ? e - 1 : 0)));
}

enum round_mode { ROUND_TRUNC, ROUND_FLOOR, ROUND_CEIL, ROUND_RINT };

static inline npy_quad
round_integral(npy_quad x, enum round_mode mode)
{
    u128 u = get_bits(x), mag = u & ABS_MASK, mask, frac;
    int neg = (u & SIGN_BIT) != 0;
    int e = (int)(mag >> MANT_BITS) - EXP_BIAS, up;

    if (e >= MANT_BITS) {
        /* integral already, or inf or NaN */
        return is_nan_bits(u) ? from_bits(quiet_nan(u)) : x;
    }
    if (e < 0) {
        if (mag == 0) {
            return x;
        }
        switch (mode) {
            case ROUND_TRUNC: up = 0; break;
            case ROUND_FLOOR: up = neg; break;
            case ROUND_CEIL: up = !neg; break;
            default: up = mag > HALF_BITS; break;
        }
        return from_bits((u & SIGN_BIT) | (up ? ONE_BITS : 0));
    }
    mask = ((u128)1 << (MANT_BITS - e)) - 1;
    frac = u & mask;
    if (frac == 0) {
        return x;
    }
    switch (mode) {
        case ROUND_TRUNC: up = 0; break;
        case ROUND_FLOOR: up = neg; break;
        case ROUND_CEIL: up = !neg; break;
        default: {
            u128 half = (mask >> 1) + 1;
            up = frac > half || (frac == half && ((u >> (MANT_BITS - e)) & 1));
            break;
        }
    }
    /* a carry out of the fraction correctly bumps the exponent */
    return from_bits((u & ~mask) + (up ? mask + 1 : 0));
}

npy_quad
npy_quad_floor(npy_quad x)
{
    return round_integral(x, ROUND_FLOOR);
}

npy_quad
npy_quad_ceil(npy_quad x)
{
    return round_integral(x, ROUND_CEIL);
}

npy_quad
npy_quad_trunc(npy_quad x)
{
    return round_integral(x, ROUND_TRUNC);
}

npy_quad
npy_quad_rint(npy_quad x)
{
    return round_integral(x, ROUND_RINT);
}

/*
 * (r * 2**s) mod m for r < m, 1 <= s <= 64 and m >= 2**127: one step of
 * schoolbook division of a three-limb number by a normalised two-limb one
 * (Knuth, TAOCP 4.3.1, algorithm D), whose quotient estimate is at most
 * two too large.
 */
static u128
shift_mod(u128 r, int s, u128 m)
{
    npy_uint64 m1 = (npy_uint64)(m >> 64), m0 = (npy_uint64)m;
    npy_uint64 n2 = (npy_uint64)(r >> (128 - s));
    u128 nlo = r << s, plo, rlo, p0, p1;
    npy_uint64 qhat, phi;
    npy_int64 rhi;

    if (n2 >= m1) {
        qhat = ~(npy_uint64)0;
    }
    else {
        qhat = (npy_uint64)((((u128)n2 << 64) | (nlo >> 64)) / m1);
    }
    p0 = (u128)qhat * m0;
    p1 = (u128)qhat * m1;
    plo = p0 + (p1 << 64);
    phi = (npy_uint64)(p1 >> 64) + (plo < p0);
    rlo = nlo - plo;
    rhi = (npy_int64)(n2 - phi - (nlo < plo));
    while (rhi < 0) {
        rlo += m;
        rhi += rlo < m;
    }
    return rlo;
}

npy_quad
npy_quad_fmod(npy_quad x, npy_quad y)
{
    u128 ux = get_bits(x), uy = get_bits(y);
    u128 mx = ux & ABS_MASK, my = uy & ABS_MASK, sx, sy, m, r;
    npy_int64 ex, ey, d;
    int flags = 0;

    if (mx > INF_BITS || my > INF_BITS) {
        return from_bits(nan_result(ux, uy));
    }
    if (mx == INF_BITS || my == 0) {
        return invalid_result();
    }
    if (mx < my) {
        return x;
    }
    /* |x| >= |y| makes x's unit at least y's */
    sx = decode(mx, &ex);
    sy = decode(my, &ey);
    /*
     * x mod y == (sx * 2**(ex - ey) mod sy) * 2**ey.  Reducing modulo
     * m = sy * 2**k, normalised to 128 bits, takes 64 bits per step.
     */
    m = sy << (128 - bitlen128(sy));
    r = sx;
    for (d = ex - ey; d > 0; d -= 64) {
        r = shift_mod(r, d < 64 ? (int)d : 64, m);
    }
    r %= sy;
    if (r == 0) {
        return from_bits(ux & SIGN_BIT);
    }
    /* exact, so no flags even for a subnormal result */
    return from_bits((ux & SIGN_BIT) |
                     round_pack(r, 0, ey, MANT_BITS, EXP_BIAS, &flags));
}

npy_quad
npy_quad_divmod(npy_quad a, npy_quad b, npy_quad *modulus)
{
    const npy_quad zero = from_bits(0), one = from_bits(ONE_BITS);
    const npy_quad half = from_bits(HALF_BITS);
    npy_quad div, mod, floordiv;

    /* The steps of npy_divmod, with the quiet comparisons of its isless() */
    mod = npy_quad_fmod(a, b);
    if (npy_quad_iszero(b)) {
        *modulus = mod;
        return npy_quad_div(a, b);
    }
    div = npy_quad_div(npy_quad_sub(a, mod), b);
    if (!npy_quad_iszero(mod)) {
        if (npy_quad_lt(b, zero) != npy_quad_lt(mod, zero)) {
            mod = npy_quad_add(mod, b);
            div = npy_quad_sub(div, one);
        }
    }
    else {
        mod = npy_quad_copysign(zero, b);
    }
    if (!npy_quad_iszero(div)) {
        floordiv = npy_quad_floor(div);
        if (npy_quad_gt(npy_quad_sub(div, floordiv), half)) {
            floordiv = npy_quad_add(floordiv, one);
        }
    }
    else {
        floordiv = npy_quad_copysign(zero, npy_quad_div(a, b));
    }
    *modulus = mod;
    return floordiv;
}

npy_quad
npy_quad_floor_divide(npy_quad a, npy_quad b)
{
    npy_quad modulus;
    return npy_quad_divmod(a, b, &modulus);
}

npy_quad
npy_quad_remainder(npy_quad a, npy_quad b)
{
    npy_quad modulus;
    npy_quad_divmod(a, b, &modulus);
    return modulus;
}

npy_quad
npy_quad_ldexp(npy_quad x, int exp)
{
    u128 u = get_bits(x), mag = u & ABS_MASK, sig;
    npy_int64 e;
    int flags = 0;

    if (mag >= INF_BITS || mag == 0) {
        return is_nan_bits(u) ? from_bits(quiet_nan(u)) : x;
    }
    sig = decode(mag, &e);
    sig = round_pack(sig, 0, e + exp, MANT_BITS, EXP_BIAS, &flags);
    raise_flags(flags);
    return from_bits((u & SIGN_BIT) | sig);
}

npy_quad
npy_quad_frexp(npy_quad x, int *exp)
{
    u128 u = get_bits(x), mag = u & ABS_MASK, sig;
    npy_int64 e;
    int n;

    if (mag >= INF_BITS || mag == 0) {
        *exp = 0;
        return is_nan_bits(u) ? from_bits(quiet_nan(u)) : x;
    }
    sig = decode(mag, &e);
    n = bitlen128(sig);
    *exp = (int)(e + n);
    return from_bits((u & SIGN_BIT) | HALF_BITS |
                     ((sig << (MANT_BITS + 1 - n)) & FRAC_MASK));
}

npy_quad
npy_quad_modf(npy_quad x, npy_quad *intpart)
{
    u128 u = get_bits(x);

    if (is_nan_bits(u)) {
        *intpart = from_bits(quiet_nan(u));
        return *intpart;
    }
    *intpart = npy_quad_trunc(x);
    if ((u & ABS_MASK) >= ((u128)(EXP_BIAS + MANT_BITS) << MANT_BITS)) {
        /* integral or inf: the fraction is a zero with x's sign */
        return from_bits(u & SIGN_BIT);
    }
    /* exact; copysign gives an integral x the -0 that C asks for */
    return npy_quad_copysign(
            from_float(get_float(x) - get_float(*intpart)), x);
}

/* Total order of non-NaN encodings, so that -0 < +0 */
static inline int
lt_ordered(u128 a, u128 b)
{
    u128 ka = (a & SIGN_BIT) ? ~a : a | SIGN_BIT;
    u128 kb = (b & SIGN_BIT) ? ~b : b | SIGN_BIT;
    return ka < kb;
}

npy_quad
npy_quad_fmax(npy_quad x, npy_quad y)
{
    u128 ux = get_bits(x), uy = get_bits(y);

    if (is_nan_bits(ux)) {
        return is_nan_bits(uy) ? from_bits(nan_result(ux, uy)) : y;
    }
    if (is_nan_bits(uy)) {
        return x;
    }
    return lt_ordered(ux, uy) ? y : x;
}

npy_quad
npy_quad_fmin(npy_quad x, npy_quad y)
{
    u128 ux = get_bits(x), uy = get_bits(y);

    if (is_nan_bits(ux)) {
        return is_nan_bits(uy) ? from_bits(nan_result(ux, uy)) : y;
    }
    if (is_nan_bits(uy)) {
        return x;
    }
    return lt_ordered(uy, ux) ? y : x;
}
