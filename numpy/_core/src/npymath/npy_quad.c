/*
 * Quadruple-precision (IEEE 754 binary128) routines; numpy/npy_quad.h gives
 * the contract of each function.
 *
 * Where the compiler has a binary128 type (__float128, or a binary128 long
 * double), the slow paths of + - * / and the conversions between binary128
 * and double, float and long double, or from int64, go through it: GCC and
 * Clang lower it to libgcc's soft-fp routines, which are correctly rounded
 * and raise the IEEE flags in the floating-point environment themselves.
 * Elsewhere, and in the portable build (NPY_QUAD_PORTABLE), they are integer
 * arithmetic here too, rounding to nearest whatever the rounding mode.
 * The rest is integer arithmetic on the encoding everywhere: libgcc has no sqrt or
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
#include <float.h>
#if defined(__x86_64__) && defined(__SIZEOF_FLOAT128__)
#include <emmintrin.h>
#endif

#if defined(__SIZEOF_FLOAT128__) && !defined(NPY_QUAD_PORTABLE)
#define HAVE_QUAD_FLOAT 1
typedef __float128 quad_float;
#elif defined(__LDBL_MANT_DIG__) && __LDBL_MANT_DIG__ == 113 && \
        !defined(NPY_QUAD_PORTABLE)
/* binary128 long double: Linux on aarch64 and s390x, ppc64le with IEEE ABI */
#define HAVE_QUAD_FLOAT 1
typedef long double quad_float;
#endif

enum { FLAG_UNDERFLOW = 1, FLAG_OVERFLOW = 2 };

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
    const u128 inf = u128_shl(u128_from_i64(2 * bias + 1), mant);
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
        kept = u128_shl(sig, -shift);
        round_bit = 0;
        rest = sticky;
    }
    else if (shift < 128) {
        kept = u128_shr(sig, shift);
        round_bit = (int)u128_lo(u128_shr(sig, shift - 1)) & 1;
        rest = sticky || u128_nonzero(u128_and(sig, u128_mask(shift - 1)));
    }
    else {
        kept = u128_from64(0);
        round_bit = shift == 128 ? (int)u128_lo(u128_shr(sig, 127)) : 0;
        rest = sticky || (shift == 128 ? u128_nonzero(u128_shl(sig, 1)) : 1);
    }
    /* branch-free: the direction is random for inexact results */
    kept = u128_add(
            kept, u128_from_i64(round_bit &
                                (rest | (int)u128_lo(u128_and(kept, u128_from64(1))))));
    /* kept carries the leading one, so a carry out of it bumps the exponent */
    bits = u128_add(u128_shl(u128_from_i64(top + bias - 1), mant), kept);
    if (u128_ge(bits, inf)) {
        *flags |= FLAG_OVERFLOW;
        return inf;
    }
    if ((round_bit || rest) && lead < emin) {
        /*
         * Not tiny only if rounding to full precision with an unbounded
         * exponent reaches 2**emin: the top mant + 2 bits are all ones.
         */
        int reaches = lead == emin - 1 && n >= mant + 2 &&
                u128_eq(u128_shr(sig, n - mant - 2), u128_mask(mant + 2));
        if (!reaches) {
            *flags |= FLAG_UNDERFLOW;
        }
    }
    return bits;
}

/*
 * The binary128 value of the encoding `bits` of a binary format with `mant`
 * fraction bits and `exp_bits` exponent bits (half, float, double): exact,
 * as each is a subset of binary128.  A signalling NaN is quieted, raising
 * invalid, as the hardware conversions do.
 */
static npy_quad
widen_binary(npy_uint64 bits, int mant, int exp_bits)
{
    int negative = (int)(bits >> (mant + exp_bits)) & 1;
    int e = (int)(bits >> mant) & ((1 << exp_bits) - 1);
    int bias = (1 << (exp_bits - 1)) - 1;
    npy_uint64 frac = bits & (((npy_uint64)1 << mant) - 1);

    if (e == (1 << exp_bits) - 1) {
        u128 special = u128_or(negative ? SIGN_BIT : u128_from64(0),
                               u128_or(INF_BITS, u128_shl(u128_from64(frac),
                                                          MANT_BITS - mant)));
        return from_bits(frac ? quiet_nan(special) : special);
    }
    if (e == 0) {
        return npy_quad_from_significand(negative, 0, frac, 0, 1 - bias - mant);
    }
    return npy_quad_from_significand(negative, 0, frac | ((npy_uint64)1 << mant),
                                     0, e - bias - mant);
}

/*
 * q rounded to the binary format with `mant` fraction bits and `exp_bits`
 * exponent bits, as its encoding; a NaN keeps the top of its payload.
 */
static npy_uint64
narrow_binary(npy_quad q, int mant, int exp_bits)
{
    u128 u = get_bits(q), mag = u128_and(u, ABS_MASK);
    int bias = (1 << (exp_bits - 1)) - 1;
    npy_uint64 sign = (u128_hi(u) >> 63) << (mant + exp_bits);
    npy_uint64 inf = (((npy_uint64)1 << exp_bits) - 1) << mant;
    npy_int64 exp2;
    int flags = 0;
    u128 sig, bits;

    if (u128_ge(mag, INF_BITS)) {
        if (u128_eq(mag, INF_BITS)) {
            return sign | inf;
        }
        /* the quiet bit lands on the narrow format's */
        return sign | inf |
               u128_lo(u128_shr(u128_and(quiet_nan(mag), FRAC_MASK), MANT_BITS - mant));
    }
    if (u128_is_zero(mag)) {
        return sign;
    }
    sig = decode(mag, &exp2);
    bits = round_pack(sig, 0, exp2, mant, bias, &flags);
    raise_flags(flags);
    return sign | u128_lo(bits);
}

#ifdef HAVE_QUAD_FLOAT

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

/* The operations on non-NaN operands that the integer fast paths leave */
static npy_quad
add_general(npy_quad a, npy_quad b)
{
    return from_float(get_float(a) + get_float(b));
}

static npy_quad
sub_general(npy_quad a, npy_quad b)
{
    return from_float(get_float(a) - get_float(b));
}

static npy_quad
mul_general(npy_quad a, npy_quad b)
{
    return from_float(get_float(a) * get_float(b));
}

static npy_quad
div_general(npy_quad a, npy_quad b)
{
    return from_float(get_float(a) / get_float(b));
}

#else  /* integer arithmetic only */

npy_quad
npy_quad_from_double(double d)
{
    npy_uint64 bits;
    memcpy(&bits, &d, sizeof(bits));
    return widen_binary(bits, 52, 11);
}

npy_quad
npy_quad_from_float(float f)
{
    npy_uint32 bits;
    memcpy(&bits, &f, sizeof(bits));
    return widen_binary(bits, 23, 8);
}

npy_quad
npy_quad_from_int64(npy_int64 i)
{
    npy_uint64 magnitude = i < 0 ? 0 - (npy_uint64)i : (npy_uint64)i;
    return npy_quad_from_significand(i < 0, 0, magnitude, 0, 0);
}

npy_quad
npy_quad_from_uint64(npy_uint64 u)
{
    return npy_quad_from_significand(0, 0, u, 0, 0);
}

double
npy_quad_to_double(npy_quad q)
{
    npy_uint64 bits = narrow_binary(q, 52, 11);
    double d;
    memcpy(&d, &bits, sizeof(d));
    return d;
}

float
npy_quad_to_float(npy_quad q)
{
    npy_uint32 bits = (npy_uint32)narrow_binary(q, 23, 8);
    float f;
    memcpy(&f, &bits, sizeof(f));
    return f;
}

#if LDBL_MANT_DIG == 53

npy_quad
npy_quad_from_longdouble(npy_longdouble ld)
{
    return npy_quad_from_double((double)ld);
}

npy_longdouble
npy_quad_to_longdouble(npy_quad q)
{
    return npy_quad_to_double(q);
}

#elif LDBL_MANT_DIG == 113

npy_quad
npy_quad_from_longdouble(npy_longdouble ld)
{
    npy_quad q;
    memcpy(&q, &ld, sizeof(q));
    return q;
}

npy_longdouble
npy_quad_to_longdouble(npy_quad q)
{
    npy_longdouble ld;
    memcpy(&ld, &q, sizeof(ld));
    return ld;
}

#elif LDBL_MANT_DIG == 64 && NPY_BYTE_ORDER == NPY_LITTLE_ENDIAN

/*
 * x87 extended precision: a 64-bit significand with an explicit integer
 * bit, then the sign and the 15-bit exponent of binary128's bias.
 */
npy_quad
npy_quad_from_longdouble(npy_longdouble ld)
{
    unsigned char bytes[sizeof(npy_longdouble)];
    npy_uint64 significand;
    npy_uint16 sign_exponent;
    int e, negative;

    memcpy(bytes, &ld, sizeof(ld));
    memcpy(&significand, bytes, 8);
    memcpy(&sign_exponent, bytes + 8, 2);
    negative = sign_exponent >> 15;
    e = sign_exponent & 0x7fff;
    if (e == 0x7fff) {
        npy_uint64 frac = significand & ~((npy_uint64)1 << 63);
        u128 special = u128_or(negative ? SIGN_BIT : u128_from64(0),
                               u128_or(INF_BITS, u128_shl(u128_from64(frac), 49)));
        return from_bits(frac ? quiet_nan(special) : special);
    }
    return npy_quad_from_significand(negative, 0, significand, 0,
                                     (e == 0 ? 1 : e) - EXP_BIAS - 63);
}

npy_longdouble
npy_quad_to_longdouble(npy_quad q)
{
    unsigned char bytes[sizeof(npy_longdouble)] = {0};
    u128 u = get_bits(q), mag = u128_and(u, ABS_MASK);
    npy_uint16 sign_exponent = (npy_uint16)((u128_hi(u) >> 63) << 15);
    npy_uint64 significand = 0;
    npy_longdouble ld;

    if (u128_ge(mag, INF_BITS)) {
        sign_exponent |= 0x7fff;
        significand = (npy_uint64)1 << 63;
        if (u128_gt(mag, INF_BITS)) {
            significand |= u128_lo(u128_shr(u128_and(quiet_nan(mag), FRAC_MASK), 49));
        }
    }
    else if (u128_nonzero(mag)) {
        /* 63 fraction bits under binary128's exponent field */
        npy_int64 exp2;
        int flags = 0;
        u128 sig = decode(mag, &exp2);
        u128 bits = round_pack(sig, 0, exp2, 63, EXP_BIAS, &flags);
        npy_uint64 e = u128_lo(u128_shr(bits, 63));

        raise_flags(flags);
        sign_exponent |= (npy_uint16)e;
        /* the explicit integer bit, clear in subnormals */
        significand = (u128_lo(bits) & ~((npy_uint64)1 << 63)) |
                      ((npy_uint64)(e != 0) << 63);
    }
    memcpy(bytes, &significand, 8);
    memcpy(bytes + 8, &sign_exponent, 2);
    memcpy(&ld, bytes, sizeof(ld));
    return ld;
}

#else
#error "npy_quad.c: no binary128 conversion for this long double format"
#endif

/*
 * The operations on non-NaN operands that the integer fast paths leave.
 * + - and * are fused multiply-adds with an exact term (one rounding):
 * a + b == a*1 + b, and a*b == a*b + (-0), which keeps the sign of a zero
 * product.
 */
static npy_quad
add_general(npy_quad a, npy_quad b)
{
    return npy_quad_fma(a, quad_one(), b);
}

static npy_quad
sub_general(npy_quad a, npy_quad b)
{
    return npy_quad_fma(a, quad_one(), npy_quad_negative(b));
}

static npy_quad
mul_general(npy_quad a, npy_quad b)
{
    return npy_quad_fma(a, b, quad_signed_zero(1));
}

/*
 * a / b by restoring division: the 115-bit quotient of the significands
 * normalised so that it is in [1, 2), and its remainder as the sticky bit.
 */
static npy_quad
div_general(npy_quad a, npy_quad b)
{
    u128 ua = get_bits(a), ub = get_bits(b);
    u128 ma = u128_and(ua, ABS_MASK), mb = u128_and(ub, ABS_MASK);
    u128 sign = u128_and(u128_xor(ua, ub), SIGN_BIT), sa, sb, q, r;
    npy_int64 ea, eb;
    int flags = 0;

    if (u128_eq(ma, INF_BITS)) {
        return u128_eq(mb, INF_BITS) ? invalid_result()
                                     : from_bits(u128_or(sign, INF_BITS));
    }
    if (u128_eq(mb, INF_BITS)) {
        return from_bits(sign);
    }
    if (u128_is_zero(mb)) {
        return u128_is_zero(ma) ? invalid_result() : pole(u128_nonzero(sign));
    }
    if (u128_is_zero(ma)) {
        return from_bits(sign);
    }
    sa = decode(ma, &ea);
    sb = decode(mb, &eb);
    ea -= MANT_BITS + 1 - bitlen128(sa);
    sa = u128_shl(sa, MANT_BITS + 1 - bitlen128(sa));
    eb -= MANT_BITS + 1 - bitlen128(sb);
    sb = u128_shl(sb, MANT_BITS + 1 - bitlen128(sb));
    if (u128_lt(sa, sb)) {
        sa = u128_shl(sa, 1);
        ea -= 1;
    }
    q = u128_from64(0);
    r = sa;
    for (int i = 0; i < MANT_BITS + 3; i++) {
        q = u128_shl(q, 1);
        if (u128_ge(r, sb)) {
            r = u128_sub(r, sb);
            q = u128_or(q, u128_from64(1));
        }
        r = u128_shl(r, 1);
    }
    r = round_pack(q, u128_nonzero(r), ea - eb - (MANT_BITS + 2),
                   MANT_BITS, EXP_BIAS, &flags);
    raise_flags(flags);
    return from_bits(u128_or(sign, r));
}

#endif  /* HAVE_QUAD_FLOAT */

/*
 *****************************************************************************
 *                      CONSTRUCTION AND CONVERSIONS                         *
 *****************************************************************************
 */

npy_quad
npy_quad_from_words(npy_uint64 hi, npy_uint64 lo)
{
    return from_bits(u128_or(u128_shl(u128_from64(hi), 64), u128_from64(lo)));
}

void
npy_quad_to_words(npy_quad q, npy_uint64 *hi, npy_uint64 *lo)
{
    u128 u = get_bits(q);
    *hi = u128_hi(u);
    *lo = u128_lo(u);
}

npy_quad
npy_quad_nan(void)
{
    return from_bits(u128_or(INF_BITS, QUIET_BIT));
}

npy_quad
npy_quad_inf(void)
{
    return from_bits(INF_BITS);
}

npy_quad
npy_quad_from_half(npy_half h)
{
    return widen_binary(h, 10, 5);
}

npy_half
npy_quad_to_half(npy_quad q)
{
    return (npy_half)narrow_binary(q, 10, 5);
}

npy_int64
npy_quad_to_int64(npy_quad q)
{
    u128 u = get_bits(q), mag = u128_and(u, ABS_MASK);
    int e = (int)u128_lo(u128_shr(mag, MANT_BITS)) - EXP_BIAS;
    npy_uint64 m;

    if (e < 0) {
        return 0;
    }
    if (e >= 63) {
        /*
         * Only (-2**63 - 1, -2**63] truncates into range: NaN and inf land
         * here too, and so does any value with integer bits below 2**63.
         */
        if (u128_is_zero(u128_and(u, SIGN_BIT)) || e > 63 ||
                u128_nonzero(u128_shr(u128_and(mag, FRAC_MASK), MANT_BITS - 63))) {
            npy_set_floatstatus_invalid();
        }
        return NPY_MIN_INT64;
    }
    m = u128_lo(u128_shr(u128_or(u128_and(mag, FRAC_MASK), MIN_NORMAL), MANT_BITS - e));
    return u128_nonzero(u128_and(u, SIGN_BIT)) ? -(npy_int64)m : (npy_int64)m;
}

npy_uint64
npy_quad_to_uint64(npy_quad q)
{
    u128 u = get_bits(q), mag = u128_and(u, ABS_MASK);
    int e = (int)u128_lo(u128_shr(mag, MANT_BITS)) - EXP_BIAS;

    if (e < 0) {
        return 0;
    }
    if (e >= 64 || u128_nonzero(u128_and(u, SIGN_BIT))) {
        npy_set_floatstatus_invalid();
        return (npy_uint64)1 << 63;
    }
    return u128_lo(
            u128_shr(u128_or(u128_and(mag, FRAC_MASK), MIN_NORMAL), MANT_BITS - e));
}

npy_quad
npy_quad_from_significand(int negative, npy_uint64 hi, npy_uint64 lo,
                          int sticky, npy_int64 exp2)
{
    u128 sig = u128_or(u128_shl(u128_from64(hi), 64), u128_from64(lo)),
         sign = negative ? SIGN_BIT : u128_from64(0);
    int flags = 0;

    if (u128_is_zero(sig)) {
        return from_bits(sign);
    }
    sig = round_pack(sig, sticky, exp2, MANT_BITS, EXP_BIAS, &flags);
    raise_flags(flags);
    return from_bits(u128_or(sign, sig));
}

int
npy_quad_to_significand(npy_quad q, npy_uint64 *hi, npy_uint64 *lo,
                        npy_int64 *exp2)
{
    u128 mag = u128_and(get_bits(q), ABS_MASK), sig;
    npy_int64 e = 0;

    if (u128_ge(mag, INF_BITS)) {
        return -1;
    }
    sig = decode(mag, &e);
    if (u128_is_zero(sig)) {
        e = 0;
    }
    else {
        int tz = ctz128(sig);
        sig = u128_shr(sig, tz);
        e += tz;
    }
    *hi = u128_hi(sig);
    *lo = u128_lo(sig);
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
 * this API return the first (the integer paths assume no NaN operand).  Sorting out
 * NaNs before the call also leaves nothing live across it.
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
    return add_general(a, b);
}

npy_quad
npy_quad_sub(npy_quad a, npy_quad b)
{
    u128 difference;
    if (NPY_LIKELY(add_normals(get_bits(a), u128_xor(get_bits(b), SIGN_BIT),
                               &difference))) {
        return from_bits(difference);
    }
    if (NPY_UNLIKELY(any_nan(a, b))) {
        return nan_operands(a, b);
    }
    return sub_general(a, b);
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
    return mul_general(a, b);
}

npy_quad
npy_quad_div(npy_quad a, npy_quad b)
{
    if (NPY_UNLIKELY(any_nan(a, b))) {
        return nan_operands(a, b);
    }
    return div_general(a, b);
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
    u128 r;     /* signed */
    int n;

    if (u128_is_zero(u128_and(u, ABS_MASK))) {
        return x;
    }
    if (u128_ge(u, INF_BITS)) {
        /* +inf, NaN, or any negative */
        if (is_nan_bits(u)) {
            return from_bits(quiet_nan(u));
        }
        return u128_eq(u, INF_BITS) ? x : invalid_result();
    }
    m = decode(u, &exp2);
    n = bitlen128(m);
    m = u128_shl(m, 113 - n);
    exp2 -= 113 - n;
    if (exp2 & 1) {
        m = u128_shl(m, 1);
        exp2 -= 1;
    }
    /*
     * m is in [2**112, 2**114).  a ~ sqrt(U), U = m * 2**12, starts from a
     * double (about 52 good bits); each Newton step adds (U - a*a) / 2a, with
     * a residual small enough for wrapping 128-bit arithmetic and a double
     * quotient.
     */
    U = u128_shl(m, 12);
    a = (npy_uint64)(sqrt((double)u128_lo(u128_shr(m, 60))) * 0x1p36);
    r = u128_sub(U, u128_mul64(a, a));  /* |r| < 2**77 */
    a += (npy_uint64)(npy_int64)(
            (double)(npy_int64)u128_lo(u128_sar(r, 16)) * (0x1p15 / (double)a));
    /* |sqrt(U) - a| <= 1 now; the same step at scale 2**51 gives q */
    r = u128_sub(U, u128_mul64(a, a));  /* |r| < 2**66 */
    q = u128_add(u128_shl(u128_from64(a), 51), u128_from_i64((npy_int64)(
            (double)(npy_int64)u128_lo(u128_sar(r, 4)) * (0x1p54 / (double)a))));
    /*
     * q is within a few units of the root (at most two steps are taken
     * below), so m * 2**114 - q*q is far inside the int128 range and its low
     * 128 bits suffice.
     */
    r = u128_sub(u128_shl(m, 114), u128_mul(q, q));
    while (u128_is_negative(r)) {
        r = u128_add(r, u128_sub(u128_shl(q, 1), u128_from64(1)));
        q = u128_sub(q, u128_from64(1));
    }
    /* r >= 0 from here */
    while (u128_gt(r, u128_shl(q, 1))) {
        q = u128_add(q, u128_from64(1));
        r = u128_sub(r, u128_sub(u128_shl(q, 1), u128_from64(1)));
    }
    /* the exponent field may take the carry of (q + 1) >> 1 == 2**113 */
    return from_bits(
            u128_add(u128_shl(u128_from_i64(exp2 / 2 + 56 + EXP_BIAS - 1), MANT_BITS),
                     u128_shr(u128_add(q, u128_from64(1)), 1)));
}

/* 256-bit unsigned integers for the exact fma */
typedef struct {
    u128 hi, lo;
} u256;

static inline int
bitlen256(u256 z)
{
    return u128_nonzero(z.hi) ? 128 + bitlen128(z.hi) : bitlen128(z.lo);
}

/* z << s, 0 <= s < 256, for z that does not overflow */
static inline u256
shl256(u256 z, int s)
{
    if (s >= 128) {
        z.hi = u128_shl(z.lo, s - 128);
        z.lo = u128_from64(0);
    }
    else if (s > 0) {
        z.hi = u128_or(u128_shl(z.hi, s), u128_shr(z.lo, 128 - s));
        z.lo = u128_shl(z.lo, s);
    }
    return z;
}

/* z >> s, s >= 0, ORing the bits shifted out into *sticky */
static inline u256
shr256_sticky(u256 z, npy_int64 s, int *sticky)
{
    if (s >= 256) {
        *sticky |= u128_nonzero(u128_or(z.hi, z.lo));
        z.hi = z.lo = u128_from64(0);
    }
    else if (s >= 128) {
        int t = (int)s - 128;
        *sticky |= u128_nonzero(z.lo) || u128_nonzero(u128_and(z.hi, u128_mask(t)));
        z.lo = u128_shr(z.hi, t);
        z.hi = u128_from64(0);
    }
    else if (s > 0) {
        *sticky |= u128_nonzero(u128_and(z.lo, u128_mask(s)));
        z.lo = u128_or(u128_shr(z.lo, s), u128_shl(z.hi, 128 - s));
        z.hi = u128_shr(z.hi, s);
    }
    return z;
}

static inline u256
add256(u256 a, u256 b)
{
    u256 r;
    r.lo = u128_add(a.lo, b.lo);
    r.hi = u128_add(u128_add(a.hi, b.hi), u128_from64(u128_lt(r.lo, a.lo)));
    return r;
}

static inline u256
sub256(u256 a, u256 b)
{
    u256 r;
    r.lo = u128_sub(a.lo, b.lo);
    r.hi = u128_sub(u128_sub(a.hi, b.hi), u128_from64(u128_lt(a.lo, b.lo)));
    return r;
}

static inline int
lt256(u256 a, u256 b)
{
    return u128_lt(a.hi, b.hi) || (u128_eq(a.hi, b.hi) && u128_lt(a.lo, b.lo));
}

/* Exact product of two significands below 2**113 */
static u256
mul_sig(u128 a, u128 b)
{
    npy_uint64 a0 = u128_lo(a), a1 = u128_hi(a);
    npy_uint64 b0 = u128_lo(b), b1 = u128_hi(b);
    u128 lo = u128_mul64(a0, b0);
    u128 mid = u128_add(u128_mul64(a0, b1),
                        u128_mul64(a1, b0)); /* < 2**114: no carry out */
    u256 r;

    r.lo = u128_add(lo, u128_shl(mid, 64));
    r.hi = u128_add(u128_add(u128_mul64(a1, b1), u128_shr(mid, 64)),
                    u128_from64(u128_lt(r.lo, lo)));
    return r;
}

/*
 * round_pack's common case, without its branches: sig * 2**exp2 with bit
 * 127 of sig set, plus a fraction of a unit of bit 0 when `sticky`, rounded
 * to nearest-even when the result is a normal number (*bits, returns 1).
 * Returns 0 when it is subnormal or overflows, for round_pack and its flags.
 * fma's sums of products are latency-bound (np.dot): this halves its
 * rounding's share.
 */
static inline int
round_to_normal(u128 sig, int sticky, npy_int64 exp2, u128 *bits)
{
    npy_int64 e = exp2 + 127 + EXP_BIAS;    /* the biased exponent of bit 127 */
    if (e < 1 || e > 0x7ffe) {
        return 0;
    }
    u128 kept = u128_shr(sig, 127 - MANT_BITS);
    int round_bit = (int)(u128_lo(sig) >> (126 - MANT_BITS)) & 1;
    int rest = sticky || (u128_lo(sig) & ((1u << (126 - MANT_BITS)) - 1)) != 0;
    kept = u128_add(kept, u128_from64(round_bit & (rest | (int)(u128_lo(kept) & 1))));
    /* the leading one of kept adds into the exponent field, as its carry */
    *bits = u128_add(u128_shl(u128_from_i64(e - 1), MANT_BITS), kept);
    return u128_lt(*bits, INF_BITS);
}

/* fma when an operand is inf or NaN */
static npy_quad
fma_special(u128 ua, u128 ub, u128 uc)
{
    u128 ma = u128_and(ua, ABS_MASK), mb = u128_and(ub, ABS_MASK),
         mc = u128_and(uc, ABS_MASK);
    u128 psign = u128_and(u128_xor(ua, ub), SIGN_BIT);

    if (u128_gt(ma, INF_BITS) || u128_gt(mb, INF_BITS) || u128_gt(mc, INF_BITS)) {
        if (is_snan_bits(uc)) {
            npy_set_floatstatus_invalid();
        }
        if (is_nan_bits(ua) || is_nan_bits(ub)) {
            return from_bits(nan_result(ua, ub));
        }
        return from_bits(u128_or(uc, QUIET_BIT));
    }
    if ((u128_eq(ma, INF_BITS) && u128_is_zero(mb)) ||
        (u128_eq(mb, INF_BITS) && u128_is_zero(ma))) {
        return invalid_result();
    }
    if (u128_eq(ma, INF_BITS) || u128_eq(mb, INF_BITS)) {
        if (u128_eq(mc, INF_BITS) && u128_ne(u128_and(uc, SIGN_BIT), psign)) {
            return invalid_result();
        }
        return from_bits(u128_or(psign, INF_BITS));
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
    u128 ma = u128_and(ua, ABS_MASK), mb = u128_and(ub, ABS_MASK),
         mc = u128_and(uc, ABS_MASK);
    u128 psign = u128_and(u128_xor(ua, ub), SIGN_BIT), csign = u128_and(uc, SIGN_BIT),
         sign, sig;
    npy_int64 ea, eb, ec, ep, frame;
    u256 p, x, y, z;
    int sticky = 0, flags = 0, n;

    if (u128_ge(ma, INF_BITS) || u128_ge(mb, INF_BITS) || u128_ge(mc, INF_BITS)) {
        return fma_special(ua, ub, uc);
    }
    if (u128_is_zero(ma) || u128_is_zero(mb)) {
        /* exact zero product: c, or a zero that is -0 only if both are */
        return u128_is_zero(mc) ? from_bits(u128_and(psign, csign)) : c;
    }
    p = mul_sig(decode(ma, &ea), decode(mb, &eb));
    ep = ea + eb;
    sign = psign;
    if (u128_is_zero(mc)) {
        z = p;
        frame = ep;
    }
    else {
        u256 cs = {u128_from64(0), decode(mc, &ec)};
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
        if (u128_eq(psign, csign)) {
            z = add256(x, y);
        }
        else if (sticky) {
            u256 one = {u128_from64(0), u128_from64(1)};
            z = sub256(sub256(x, y), one);
        }
        else if (lt256(x, y)) {
            z = sub256(y, x);
            sign = u128_xor(sign, SIGN_BIT);
        }
        else {
            z = sub256(x, y);
            if (u128_is_zero(u128_or(z.hi, z.lo))) {
                return from_bits(u128_from64(0));
            }
        }
    }
    n = bitlen256(z);
    if (n > 128) {
        frame += n - 128;
        z = shr256_sticky(z, n - 128, &sticky);
    }
    if (n >= 128 && round_to_normal(z.lo, sticky, frame, &sig)) {
        return from_bits(u128_or(sign, sig));
    }
    sig = round_pack(z.lo, sticky, frame, MANT_BITS, EXP_BIAS, &flags);
    raise_flags(flags);
    return from_bits(u128_or(sign, sig));
}

npy_quad
npy_quad_negative(npy_quad x)
{
    return from_bits(u128_xor(get_bits(x), SIGN_BIT));
}

npy_quad
npy_quad_absolute(npy_quad x)
{
    return from_bits(u128_and(get_bits(x), ABS_MASK));
}

npy_quad
npy_quad_copysign(npy_quad x, npy_quad y)
{
    return from_bits(
            u128_or(u128_and(get_bits(x), ABS_MASK), u128_and(get_bits(y), SIGN_BIT)));
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
    if (u128_nonzero(u128_and(u128_xor(a, b), SIGN_BIT))) {
        return u128_nonzero(u128_and(a, SIGN_BIT)) &&
               u128_nonzero(u128_and(u128_or(a, b), ABS_MASK));
    }
    return u128_nonzero(u128_and(a, SIGN_BIT)) ? u128_lt(b, a) : u128_lt(a, b);
}

static inline int
eq_nonan(u128 a, u128 b)
{
    return u128_eq(a, b) || u128_is_zero(u128_and(u128_or(a, b), ABS_MASK));
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
    return u128_eq(u128_and(get_bits(x), ABS_MASK), INF_BITS);
}

int
npy_quad_isfinite(npy_quad x)
{
    return u128_lt(u128_and(get_bits(x), ABS_MASK), INF_BITS);
}

int
npy_quad_signbit(npy_quad x)
{
    return u128_nonzero(u128_and(get_bits(x), SIGN_BIT));
}

int
npy_quad_iszero(npy_quad x)
{
    return u128_is_zero(u128_and(get_bits(x), ABS_MASK));
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
    if (u128_is_zero(u128_and(ux, ABS_MASK))) {
        r = u128_or(u128_and(uy, SIGN_BIT), u128_from64(1));
    }
    else if (lt_nonan(ux, uy) == u128_is_zero(u128_and(ux, SIGN_BIT))) {
        r = u128_add(ux, u128_from64(1));  /* away from zero */
    }
    else {
        r = u128_sub(ux, u128_from64(1));
    }
    mag = u128_and(r, ABS_MASK);
    if (u128_eq(mag, INF_BITS)) {
        npy_set_floatstatus_overflow();
    }
    else if (u128_lt(mag, MIN_NORMAL) && u128_nonzero(mag)) {
        npy_set_floatstatus_underflow();
    }
    return from_bits(r);
}

npy_quad
npy_quad_spacing(npy_quad x)
{
    u128 u = get_bits(x), mag = u128_and(u, ABS_MASK);
    int e = (int)u128_lo(u128_shr(mag, MANT_BITS));

    if (u128_ge(mag, INF_BITS)) {
        npy_set_floatstatus_invalid();
        return from_bits(u128_eq(mag, INF_BITS) ? u128_or(INF_BITS, QUIET_BIT)
                                         : u128_or(u, QUIET_BIT));
    }
    if (u128_eq(mag, MAX_BITS)) {
        npy_set_floatstatus_overflow();
        return from_bits(u128_or(u128_and(u, SIGN_BIT), INF_BITS));
    }
    /* npy_spacing raises underflow when the next value up is subnormal */
    if (u128_lt(u128_add(mag, u128_from64(1)), MIN_NORMAL)) {
        npy_set_floatstatus_underflow();
    }
    if (u128_is_zero(mag)) {
        return from_bits(u128_from64(1));
    }
    /* the unit in the last place of x's binade */
    if (e > MANT_BITS) {
        return from_bits(u128_or(u128_and(u, SIGN_BIT),
                                 u128_shl(u128_from_i64(e - MANT_BITS), MANT_BITS)));
    }
    return from_bits(u128_or(u128_and(u, SIGN_BIT), u128_bit(e > 0 ? e - 1 : 0)));
}

enum round_mode { ROUND_TRUNC, ROUND_FLOOR, ROUND_CEIL, ROUND_RINT };

static inline npy_quad
round_integral(npy_quad x, enum round_mode mode)
{
    u128 u = get_bits(x), mag = u128_and(u, ABS_MASK), mask, frac;
    int neg = u128_nonzero(u128_and(u, SIGN_BIT));
    int e = (int)u128_lo(u128_shr(mag, MANT_BITS)) - EXP_BIAS, up;

    if (e >= MANT_BITS) {
        /* integral already, or inf or NaN */
        return is_nan_bits(u) ? from_bits(quiet_nan(u)) : x;
    }
    if (e < 0) {
        if (u128_is_zero(mag)) {
            return x;
        }
        switch (mode) {
            case ROUND_TRUNC: up = 0; break;
            case ROUND_FLOOR: up = neg; break;
            case ROUND_CEIL: up = !neg; break;
            default: up = u128_gt(mag, HALF_BITS); break;
        }
        return from_bits(
                u128_or(u128_and(u, SIGN_BIT), up ? ONE_BITS : u128_from64(0)));
    }
    mask = u128_mask(MANT_BITS - e);
    frac = u128_and(u, mask);
    if (u128_is_zero(frac)) {
        return x;
    }
    switch (mode) {
        case ROUND_TRUNC: up = 0; break;
        case ROUND_FLOOR: up = neg; break;
        case ROUND_CEIL: up = !neg; break;
        default: {
            u128 half = u128_add(u128_shr(mask, 1), u128_from64(1));
            up = u128_gt(frac, half) ||
                 (u128_eq(frac, half) &&
                  u128_nonzero(u128_and(u128_shr(u, MANT_BITS - e), u128_from64(1))));
            break;
        }
    }
    /* a carry out of the fraction correctly bumps the exponent */
    return from_bits(u128_add(u128_and(u, u128_not(mask)),
                              up ? u128_add(mask, u128_from64(1)) : u128_from64(0)));
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
    npy_uint64 m1 = u128_hi(m), m0 = u128_lo(m);
    npy_uint64 n2 = u128_lo(u128_shr(r, 128 - s));
    u128 nlo = u128_shl(r, s), plo, rlo, p0, p1;
    npy_uint64 qhat, phi;
    npy_int64 rhi;

    if (n2 >= m1) {
        qhat = ~(npy_uint64)0;
    }
    else {
        qhat = u128_lo(
                u128_div(u128_or(u128_shl(u128_from64(n2), 64), u128_shr(nlo, 64)),
                         u128_from64(m1)));
    }
    p0 = u128_mul64(qhat, m0);
    p1 = u128_mul64(qhat, m1);
    plo = u128_add(p0, u128_shl(p1, 64));
    phi = u128_hi(p1) + (u128_lt(plo, p0));
    rlo = u128_sub(nlo, plo);
    rhi = (npy_int64)(n2 - phi - (u128_lt(nlo, plo)));
    while (rhi < 0) {
        rlo = u128_add(rlo, m);
        rhi += u128_lt(rlo, m);
    }
    return rlo;
}

npy_quad
npy_quad_fmod(npy_quad x, npy_quad y)
{
    u128 ux = get_bits(x), uy = get_bits(y);
    u128 mx = u128_and(ux, ABS_MASK), my = u128_and(uy, ABS_MASK), sx, sy, m, r;
    npy_int64 ex, ey, d;
    int flags = 0;

    if (u128_gt(mx, INF_BITS) || u128_gt(my, INF_BITS)) {
        return from_bits(nan_result(ux, uy));
    }
    if (u128_eq(mx, INF_BITS) || u128_is_zero(my)) {
        return invalid_result();
    }
    if (u128_lt(mx, my)) {
        return x;
    }
    /* |x| >= |y| makes x's unit at least y's */
    sx = decode(mx, &ex);
    sy = decode(my, &ey);
    /*
     * x mod y == (sx * 2**(ex - ey) mod sy) * 2**ey.  Reducing modulo
     * m = sy * 2**k, normalised to 128 bits, takes 64 bits per step.
     */
    m = u128_shl(sy, 128 - bitlen128(sy));
    r = sx;
    for (d = ex - ey; d > 0; d -= 64) {
        r = shift_mod(r, d < 64 ? (int)d : 64, m);
    }
    r = u128_mod(r, sy);
    if (u128_is_zero(r)) {
        return from_bits(u128_and(ux, SIGN_BIT));
    }
    /* exact, so no flags even for a subnormal result */
    return from_bits(u128_or(u128_and(ux, SIGN_BIT),
                             round_pack(r, 0, ey, MANT_BITS, EXP_BIAS, &flags)));
}

npy_quad
npy_quad_divmod(npy_quad a, npy_quad b, npy_quad *modulus)
{
    const npy_quad zero = from_bits(u128_from64(0)), one = from_bits(ONE_BITS);
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
    u128 u = get_bits(x), mag = u128_and(u, ABS_MASK), sig;
    npy_int64 e;
    int flags = 0;

    if (u128_ge(mag, INF_BITS) || u128_is_zero(mag)) {
        return is_nan_bits(u) ? from_bits(quiet_nan(u)) : x;
    }
    sig = decode(mag, &e);
    sig = round_pack(sig, 0, e + exp, MANT_BITS, EXP_BIAS, &flags);
    raise_flags(flags);
    return from_bits(u128_or(u128_and(u, SIGN_BIT), sig));
}

npy_quad
npy_quad_frexp(npy_quad x, int *exp)
{
    u128 u = get_bits(x), mag = u128_and(u, ABS_MASK), sig;
    npy_int64 e;
    int n;

    if (u128_ge(mag, INF_BITS) || u128_is_zero(mag)) {
        *exp = 0;
        return is_nan_bits(u) ? from_bits(quiet_nan(u)) : x;
    }
    sig = decode(mag, &e);
    n = bitlen128(sig);
    *exp = (int)(e + n);
    return from_bits(u128_or(u128_or(u128_and(u, SIGN_BIT), HALF_BITS),
                             u128_and(u128_shl(sig, MANT_BITS + 1 - n), FRAC_MASK)));
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
    if (u128_ge(u128_and(u, ABS_MASK),
                u128_shl(u128_from_i64(EXP_BIAS + MANT_BITS), MANT_BITS))) {
        /* integral or inf: the fraction is a zero with x's sign */
        return from_bits(u128_and(u, SIGN_BIT));
    }
    /* exact; copysign gives an integral x the -0 that C asks for */
    return npy_quad_copysign(npy_quad_sub(x, *intpart), x);
}

/* Total order of non-NaN encodings, so that -0 < +0 */
static inline int
lt_ordered(u128 a, u128 b)
{
    u128 ka = u128_nonzero(u128_and(a, SIGN_BIT)) ? u128_not(a) : u128_or(a, SIGN_BIT);
    u128 kb = u128_nonzero(u128_and(b, SIGN_BIT)) ? u128_not(b) : u128_or(b, SIGN_BIT);
    return u128_lt(ka, kb);
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
