/*
 * quad + - * and / over strided arrays, and the sums of products of dot,
 * matmul, the product gufuncs and einsum.
 *
 * The AVX-512 target (X86_V4) works on eight quads at a time in 64-bit
 * lanes, each value split into its high and low words: the integer
 * algorithms of npy_quad_fastpath.h (for +: the operand of larger magnitude
 * first, the other aligned to it with a sticky bit; for *: the product of
 * the significands; then three bits below the significand and rounding to
 * nearest, ties to even), with masks instead of branches and AVX512CD's
 * lzcnt for the normalisation; a fused multiply-add (fma_eight) adds the
 * whole 226-bit product to the addend in four words before it rounds once,
 * and a division (div_eight) is a long division in three corrected digits.
 * A lane that is not normal in and normal out
 * (a zero, subnormal, infinity or NaN operand, an exact zero, underflow,
 * overflow) is done again by npy_quad_add, _sub, _mul, _div or _fma,
 * which also raise the IEEE flags; the fast lanes raise none but inexact,
 * which NumPy ignores. Other targets take the scalar routines (the integer
 * fast path of * inline) for every element.
 */
#define NPY_NO_DEPRECATED_API NPY_API_VERSION

#include <string.h>

#include "numpy/npy_quad.h"

#include "npy_quad_fastpath.h"
#include "quad_arith.h"

#if defined(NPY_HAVE_AVX512F) && defined(NPY_HAVE_AVX512CD)
#include <immintrin.h>

/* Eight quads at p as their low and high 64-bit words. */
static inline void
load_words(const char *p, __m512i *lo, __m512i *hi)
{
    __m512i first = _mm512_loadu_si512(p), second = _mm512_loadu_si512(p + 64);
    *lo = _mm512_permutex2var_epi64(first, _mm512_setr_epi64(0, 2, 4, 6, 8, 10, 12, 14), second);
    *hi = _mm512_permutex2var_epi64(first, _mm512_setr_epi64(1, 3, 5, 7, 9, 11, 13, 15), second);
}

static inline void
store_words(char *p, __m512i lo, __m512i hi)
{
    _mm512_storeu_si512(p, _mm512_permutex2var_epi64(
            lo, _mm512_setr_epi64(0, 8, 1, 9, 2, 10, 3, 11), hi));
    _mm512_storeu_si512(p + 64, _mm512_permutex2var_epi64(
            lo, _mm512_setr_epi64(4, 12, 5, 13, 6, 14, 7, 15), hi));
}

/*
 * (hi, lo), a significand with its leading bit at bit 115 and guard, round
 * and sticky bits below bit 3, rounded to nearest (ties to even) and packed
 * with biased exponent e and `sign` into the words of a quad. Lanes whose
 * rounded exponent overflows join *slow.
 */
static inline void
round_and_pack(__m512i *lo, __m512i hi, __m512i e, __m512i sign, __mmask8 *slow,
               __m512i *packed_hi)
{
    const __m512i one = _mm512_set1_epi64(1), four = _mm512_set1_epi64(4);
    __m512i low3 = _mm512_and_si512(*lo, _mm512_set1_epi64(7));
    __m512i l = _mm512_or_si512(_mm512_srli_epi64(*lo, 3), _mm512_slli_epi64(hi, 61));
    __m512i h = _mm512_srli_epi64(hi, 3);
    __mmask8 up = _mm512_cmpgt_epu64_mask(low3, four) |
                  (_mm512_cmpeq_epu64_mask(low3, four) & _mm512_test_epi64_mask(l, one));
    l = _mm512_mask_add_epi64(l, up, l, one);
    h = _mm512_mask_add_epi64(h, up & _mm512_cmpeq_epu64_mask(l, _mm512_setzero_si512()),
                              h, one);
    /* rounded up to 2**113: l is 0 */
    __mmask8 grew = _mm512_test_epi64_mask(h, _mm512_set1_epi64(1LL << 49));
    h = _mm512_mask_srli_epi64(h, grew, h, 1);
    e = _mm512_mask_add_epi64(e, grew, e, one);
    *slow |= _mm512_cmpge_epi64_mask(e, _mm512_set1_epi64(0x7fff));
    *lo = l;
    *packed_hi = _mm512_or_si512(_mm512_or_si512(sign, _mm512_slli_epi64(e, 48)),
                                 _mm512_and_si512(h, _mm512_set1_epi64(0xffffffffffffLL)));
}

/*
 * out[0:8] = a[0:8] + b[0:8] (b negated when `subtract`); returns the mask
 * of lanes left for the scalar routines.
 */
static inline __mmask8
add_eight(const char *pa, const char *pb, char *pout, int subtract)
{
    const __m512i sign = _mm512_set1_epi64((long long)0x8000000000000000ull);
    const __m512i frac_hi = _mm512_set1_epi64(0xffffffffffffLL);
    const __m512i implicit = _mm512_set1_epi64(1LL << 48);
    const __m512i zero = _mm512_setzero_si512();
    const __m512i one = _mm512_set1_epi64(1);
    const __m512i c64 = _mm512_set1_epi64(64);

    __m512i alo, ahi, blo, bhi;
    load_words(pa, &alo, &ahi);
    load_words(pb, &blo, &bhi);
    if (subtract) {
        bhi = _mm512_xor_si512(bhi, sign);
    }
    /* a: the larger magnitude */
    __m512i aabs = _mm512_andnot_si512(sign, ahi), babs = _mm512_andnot_si512(sign, bhi);
    __mmask8 less = _mm512_cmplt_epu64_mask(aabs, babs) |
                    (_mm512_cmpeq_epu64_mask(aabs, babs) & _mm512_cmplt_epu64_mask(alo, blo));
    __m512i xhi = _mm512_mask_blend_epi64(less, ahi, bhi), xlo = _mm512_mask_blend_epi64(less, alo, blo);
    __m512i yhi = _mm512_mask_blend_epi64(less, bhi, ahi), ylo = _mm512_mask_blend_epi64(less, blo, alo);
    __m512i ex = _mm512_srli_epi64(_mm512_andnot_si512(sign, xhi), 48);
    __m512i ey = _mm512_srli_epi64(_mm512_andnot_si512(sign, yhi), 48);
    __mmask8 slow = _mm512_cmpeq_epu64_mask(ey, zero) |
                    _mm512_cmpeq_epu64_mask(ex, _mm512_set1_epi64(0x7fff));
    /* significands with 3 bits more: (hi, lo), leading bit 115 */
    __m512i mxhi = _mm512_or_si512(_mm512_and_si512(xhi, frac_hi), implicit);
    __m512i myhi = _mm512_or_si512(_mm512_and_si512(yhi, frac_hi), implicit);
    mxhi = _mm512_or_si512(_mm512_slli_epi64(mxhi, 3), _mm512_srli_epi64(xlo, 61));
    __m512i mxlo = _mm512_slli_epi64(xlo, 3);
    myhi = _mm512_or_si512(_mm512_slli_epi64(myhi, 3), _mm512_srli_epi64(ylo, 61));
    __m512i mylo = _mm512_slli_epi64(ylo, 3);
    /* y aligned to x: shifted right by d <= 116, the lost bits sticky */
    __m512i d = _mm512_min_epu64(_mm512_sub_epi64(ex, ey), _mm512_set1_epi64(116));
    __mmask8 far = _mm512_cmpge_epu64_mask(d, c64);
    __m512i near_lo = _mm512_or_si512(_mm512_srlv_epi64(mylo, d),
                                      _mm512_sllv_epi64(myhi, _mm512_sub_epi64(c64, d)));
    __m512i near_hi = _mm512_srlv_epi64(myhi, d);
    __m512i near_lost = _mm512_sllv_epi64(mylo, _mm512_sub_epi64(c64, d));
    __m512i far_lo = _mm512_srlv_epi64(myhi, _mm512_sub_epi64(d, c64));
    __m512i far_lost = _mm512_or_si512(mylo, _mm512_sllv_epi64(myhi, _mm512_sub_epi64(_mm512_set1_epi64(128), d)));
    mylo = _mm512_mask_blend_epi64(far, near_lo, far_lo);
    myhi = _mm512_mask_blend_epi64(far, near_hi, zero);
    __m512i lost = _mm512_mask_blend_epi64(far, near_lost, far_lost);
    mylo = _mm512_mask_or_epi64(mylo, _mm512_test_epi64_mask(lost, lost), mylo, one);
    /* add, or subtract where the signs differ */
    __mmask8 sub = _mm512_test_epi64_mask(_mm512_xor_si512(xhi, yhi), sign);
    __m512i slo = _mm512_add_epi64(mxlo, mylo);
    __m512i shi = _mm512_add_epi64(_mm512_add_epi64(mxhi, myhi),
                                   _mm512_maskz_mov_epi64(_mm512_cmplt_epu64_mask(slo, mxlo), one));
    __m512i dlo = _mm512_sub_epi64(mxlo, mylo);
    __m512i dhi = _mm512_sub_epi64(_mm512_sub_epi64(mxhi, myhi),
                                   _mm512_maskz_mov_epi64(_mm512_cmplt_epu64_mask(mxlo, mylo), one));
    __m512i lo = _mm512_mask_blend_epi64(sub, slo, dlo), hi = _mm512_mask_blend_epi64(sub, shi, dhi);
    /* the length of (hi, lo) in bits */
    __mmask8 hi_zero = _mm512_cmpeq_epu64_mask(hi, zero);
    __m512i length = _mm512_mask_blend_epi64(hi_zero,
            _mm512_sub_epi64(_mm512_set1_epi64(128), _mm512_lzcnt_epi64(hi)),
            _mm512_sub_epi64(c64, _mm512_lzcnt_epi64(lo)));
    slow |= _mm512_cmpeq_epu64_mask(length, zero);
    __mmask8 carry = _mm512_cmpgt_epu64_mask(length, _mm512_set1_epi64(116));
    __m512i c = _mm512_maskz_mov_epi64(carry, one);
    __m512i shift = _mm512_add_epi64(_mm512_sub_epi64(_mm512_set1_epi64(116), length), c);
    __m512i e = _mm512_sub_epi64(_mm512_add_epi64(ex, c), shift);
    slow |= _mm512_cmplt_epi64_mask(e, one);
    /* a carry: right by one, keeping the lost bit sticky */
    __m512i lo1 = _mm512_or_si512(_mm512_or_si512(_mm512_srli_epi64(lo, 1), _mm512_slli_epi64(hi, 63)),
                                  _mm512_and_si512(lo, one));
    lo = _mm512_mask_blend_epi64(carry, lo, lo1);
    hi = _mm512_mask_blend_epi64(carry, hi, _mm512_srli_epi64(hi, 1));
    /* a cancellation: left by shift (0 .. 115) */
    __mmask8 far_left = _mm512_cmpge_epu64_mask(shift, c64);
    __m512i left_hi = _mm512_or_si512(_mm512_sllv_epi64(hi, shift),
                                      _mm512_srlv_epi64(lo, _mm512_sub_epi64(c64, shift)));
    __m512i left_lo = _mm512_sllv_epi64(lo, shift);
    hi = _mm512_mask_blend_epi64(far_left, left_hi, _mm512_sllv_epi64(lo, _mm512_sub_epi64(shift, c64)));
    lo = _mm512_mask_blend_epi64(far_left, left_lo, zero);
    __m512i packed_hi;
    round_and_pack(&lo, hi, e, _mm512_and_si512(xhi, sign), &slow, &packed_hi);
    store_words(pout, lo, packed_hi);
    return slow;
}
/*
 * The 226-bit product of the significands of (ahi, alo) and (bhi, blo), as
 * four 64-bit words w[0] (low) .. w[3] per lane: sixteen 32 x 32-bit
 * products (AVX-512 has no wider one), summed by columns of their low and
 * high halves so that no sum overflows 64 bits.
 */
static inline void
significand_product(__m512i alo, __m512i ahi, __m512i blo, __m512i bhi, __m512i w[4])
{
    const __m512i low32 = _mm512_set1_epi64(0xffffffffLL);
    const __m512i implicit = _mm512_set1_epi64(1LL << 48);
    const __m512i frac = _mm512_set1_epi64(0xffffffffffffLL);
    const __m512i zero = _mm512_setzero_si512();
    __m512i mah = _mm512_or_si512(_mm512_and_si512(ahi, frac), implicit);
    __m512i mbh = _mm512_or_si512(_mm512_and_si512(bhi, frac), implicit);
    __m512i a[4] = {alo, _mm512_srli_epi64(alo, 32), mah, _mm512_srli_epi64(mah, 32)};
    __m512i b[4] = {blo, _mm512_srli_epi64(blo, 32), mbh, _mm512_srli_epi64(mbh, 32)};
    __m512i lows[7], highs[7];
    for (int k = 0; k < 7; k++) {
        lows[k] = highs[k] = zero;
    }
    for (int i = 0; i < 4; i++) {
        for (int j = 0; j < 4; j++) {
            __m512i p = _mm512_mul_epu32(a[i], b[j]);
            lows[i + j] = _mm512_add_epi64(lows[i + j], _mm512_and_si512(p, low32));
            highs[i + j] = _mm512_add_epi64(highs[i + j], _mm512_srli_epi64(p, 32));
        }
    }
    __m512i q[8], carry = zero;
    for (int k = 0; k < 8; k++) {
        __m512i column = _mm512_add_epi64(carry, k < 7 ? lows[k] : zero);
        if (k > 0) {
            column = _mm512_add_epi64(column, highs[k - 1]);
        }
        q[k] = _mm512_and_si512(column, low32);
        carry = _mm512_srli_epi64(column, 32);
    }
    for (int k = 0; k < 4; k++) {
        w[k] = _mm512_or_si512(q[2 * k], _mm512_slli_epi64(q[2 * k + 1], 32));
    }
}

/* w >> s (four words, any s >= 0), the bits shifted out ORed into *lost. */
static inline void
shift_right_words(__m512i w[4], __m512i s, __m512i *lost)
{
    const __m512i c64 = _mm512_set1_epi64(64);
    s = _mm512_min_epu64(s, _mm512_set1_epi64(256));
    __m512i bits = _mm512_and_si512(s, _mm512_set1_epi64(63));
    __m512i words = _mm512_srli_epi64(s, 6);
    __m512i back = _mm512_sub_epi64(c64, bits);
    __m512i t[4];
    for (int k = 0; k < 3; k++) {
        t[k] = _mm512_or_si512(_mm512_srlv_epi64(w[k], bits), _mm512_sllv_epi64(w[k + 1], back));
    }
    t[3] = _mm512_srlv_epi64(w[3], bits);
    __m512i out = _mm512_sllv_epi64(w[0], back);
    __m512i zero = _mm512_setzero_si512();
    for (int k = 0; k < 4; k++) {
        /* word k of the result is t[k + words] */
        __m512i r = zero;
        for (int m = 3; m >= k; m--) {
            r = _mm512_mask_blend_epi64(_mm512_cmpeq_epu64_mask(words, _mm512_set1_epi64(m - k)),
                                        r, t[m]);
        }
        /* t[k] is lost when words > k */
        out = _mm512_or_si512(out, _mm512_maskz_mov_epi64(
                _mm512_cmpgt_epu64_mask(words, _mm512_set1_epi64(k)), t[k]));
        w[k] = r;
    }
    *lost = _mm512_or_si512(*lost, out);
}

/* w << s for 0 <= s < 64 (four words; nothing is lost by the caller's choice of s) */
static inline void
shift_left_words(__m512i w[4], __m512i s)
{
    __m512i back = _mm512_sub_epi64(_mm512_set1_epi64(64), s);
    for (int k = 3; k > 0; k--) {
        w[k] = _mm512_or_si512(_mm512_sllv_epi64(w[k], s), _mm512_srlv_epi64(w[k - 1], back));
    }
    w[0] = _mm512_sllv_epi64(w[0], s);
}

/*
 * out[0:8] = fma(a, b, c) for eight lanes: a * b + c rounded once. Fast
 * lanes: a and b normal, c normal or zero, the result normal and not an
 * exact zero; the others are returned in the mask.
 */
static inline __mmask8
fma_eight(const char *pa, const char *pb, const char *pc, char *pout)
{
    const __m512i sign = _mm512_set1_epi64((long long)0x8000000000000000ull);
    const __m512i exp_mask = _mm512_set1_epi64(0x7fff);
    const __m512i one = _mm512_set1_epi64(1), zero = _mm512_setzero_si512();
    const __m512i frac = _mm512_set1_epi64(0xffffffffffffLL);
    __m512i alo, ahi, blo, bhi, clo, chi;
    load_words(pa, &alo, &ahi);
    load_words(pb, &blo, &bhi);
    load_words(pc, &clo, &chi);
    __m512i ea = _mm512_and_si512(_mm512_srli_epi64(ahi, 48), exp_mask);
    __m512i eb = _mm512_and_si512(_mm512_srli_epi64(bhi, 48), exp_mask);
    __m512i ec = _mm512_and_si512(_mm512_srli_epi64(chi, 48), exp_mask);
    __mmask8 c_zero = _mm512_cmpeq_epu64_mask(_mm512_or_si512(_mm512_andnot_si512(sign, chi), clo), zero);
    __mmask8 slow = _mm512_cmpeq_epu64_mask(ea, zero) | _mm512_cmpeq_epu64_mask(eb, zero) |
                    _mm512_cmpeq_epu64_mask(ea, exp_mask) | _mm512_cmpeq_epu64_mask(eb, exp_mask) |
                    _mm512_cmpeq_epu64_mask(ec, exp_mask) |
                    (_mm512_cmpeq_epu64_mask(ec, zero) & ~c_zero);
    /* the product, its leading bit moved to bit 254; its exponent ep */
    __m512i p[4];
    significand_product(alo, ahi, blo, bhi, p);
    __m512i longer = _mm512_and_si512(_mm512_srli_epi64(p[3], 33), one);
    shift_left_words(p, _mm512_sub_epi64(_mm512_set1_epi64(30), longer));
    __m512i ep = _mm512_add_epi64(_mm512_sub_epi64(_mm512_add_epi64(ea, eb),
                                                   _mm512_set1_epi64(16383)), longer);
    /* c's significand with its leading bit at 254: (c << 14) in the top two words */
    __m512i mch = _mm512_maskz_or_epi64((__mmask8)~c_zero, _mm512_and_si512(chi, frac),
                                        _mm512_set1_epi64(1LL << 48));
    __m512i cw[4] = {zero, zero, _mm512_slli_epi64(clo, 14),
                     _mm512_or_si512(_mm512_slli_epi64(mch, 14), _mm512_srli_epi64(clo, 50))};
    /* a zero c: far below everything */
    ec = _mm512_mask_blend_epi64(c_zero, ec, _mm512_sub_epi64(ep, _mm512_set1_epi64(1000)));
    /* x: the one with the larger exponent (the product on a tie), y shifted to it */
    __mmask8 c_larger = _mm512_cmpgt_epi64_mask(ec, ep);
    __m512i x[4], y[4];
    for (int k = 0; k < 4; k++) {
        x[k] = _mm512_mask_blend_epi64(c_larger, p[k], cw[k]);
        y[k] = _mm512_mask_blend_epi64(c_larger, cw[k], p[k]);
    }
    __m512i ex = _mm512_max_epi64(ep, ec);
    __m512i d = _mm512_abs_epi64(_mm512_sub_epi64(ep, ec));
    __m512i lost = zero;
    shift_right_words(y, d, &lost);
    __mmask8 sticky = _mm512_test_epi64_mask(lost, lost);
    y[0] = _mm512_mask_or_epi64(y[0], sticky, y[0], one);
    __m512i psign = _mm512_and_si512(_mm512_xor_si512(ahi, bhi), sign);
    __m512i csign = _mm512_and_si512(chi, sign);
    __m512i xsign = _mm512_mask_blend_epi64(c_larger, psign, csign);
    __mmask8 sub = _mm512_cmpneq_epu64_mask(psign, csign);
    /* x + y, or x - y (negated back when y was larger: only with equal exponents) */
    __m512i r[4], carry = zero;
    for (int k = 0; k < 4; k++) {
        __m512i yk = _mm512_mask_xor_epi64(y[k], sub, y[k], _mm512_set1_epi64(-1));
        __m512i s1 = _mm512_add_epi64(x[k], yk);
        __mmask8 c1 = _mm512_cmplt_epu64_mask(s1, x[k]);
        __m512i s2 = _mm512_add_epi64(s1, carry);
        __mmask8 c2 = _mm512_cmplt_epu64_mask(s2, s1);
        r[k] = s2;
        carry = _mm512_maskz_mov_epi64(c1 | c2, one);
    }
    /* two's complement: x - y = x + ~y + 1, the +1 as the first carry */
    /* (redo with the +1: simpler to add it now with a propagated carry) */
    {
        __m512i inc = _mm512_maskz_mov_epi64(sub, one);
        for (int k = 0; k < 4; k++) {
            __m512i s = _mm512_add_epi64(r[k], inc);
            inc = _mm512_maskz_mov_epi64(_mm512_cmplt_epu64_mask(s, r[k]), one);
            r[k] = s;
        }
    }
    /* a subtraction that went negative (y > x): its top word has bit 63 set */
    __mmask8 negative = sub & _mm512_test_epi64_mask(r[3], sign);
    {
        __m512i inc = _mm512_maskz_mov_epi64(negative, one);
        for (int k = 0; k < 4; k++) {
            __m512i v = _mm512_mask_xor_epi64(r[k], negative, r[k], _mm512_set1_epi64(-1));
            __m512i s = _mm512_add_epi64(v, inc);
            inc = _mm512_maskz_mov_epi64(_mm512_cmplt_epu64_mask(s, v), one);
            r[k] = s;
        }
    }
    xsign = _mm512_mask_xor_epi64(xsign, negative, xsign, sign);
    /* the leading bit's place, 0 .. 255 */
    __m512i lead = _mm512_set1_epi64(-1);
    for (int k = 0; k < 4; k++) {
        __mmask8 nonzero = _mm512_test_epi64_mask(r[k], r[k]);
        lead = _mm512_mask_blend_epi64(nonzero, lead,
                _mm512_sub_epi64(_mm512_set1_epi64(64 * k + 63), _mm512_lzcnt_epi64(r[k])));
    }
    slow |= _mm512_cmplt_epi64_mask(lead, zero);    /* an exact zero */
    __m512i e = _mm512_add_epi64(ex, _mm512_sub_epi64(lead, _mm512_set1_epi64(254)));
    slow |= _mm512_cmplt_epi64_mask(e, one);
    /*
     * The top 116 bits (bits lead - 115 .. lead), the rest sticky. Fewer
     * (lead < 115) come only from a cancellation of operands aligned within
     * a bit, which is exact: those shift left.
     */
    __m512i below = zero;
    __m512i top = _mm512_set1_epi64(115);
    shift_right_words(r, _mm512_max_epi64(_mm512_sub_epi64(lead, top), zero), &below);
    __m512i up = _mm512_max_epi64(_mm512_sub_epi64(top, lead), zero);
    __m512i c64 = _mm512_set1_epi64(64);
    __mmask8 far = _mm512_cmpge_epu64_mask(up, c64);
    __m512i hi = _mm512_mask_blend_epi64(far,
            _mm512_or_si512(_mm512_sllv_epi64(r[1], up),
                            _mm512_srlv_epi64(r[0], _mm512_sub_epi64(c64, up))),
            _mm512_sllv_epi64(r[0], _mm512_sub_epi64(up, c64)));
    __m512i lo = _mm512_maskz_mov_epi64((__mmask8)~far, _mm512_sllv_epi64(r[0], up));
    lo = _mm512_mask_or_epi64(lo, _mm512_test_epi64_mask(below, below), lo, one);
    __m512i packed_hi;
    round_and_pack(&lo, hi, e, xsign, &slow, &packed_hi);
    store_words(pout, lo, packed_hi);
    return slow;
}

/* out[0:8] = a[0:8] * b[0:8]; returns the mask of lanes left for the scalar routines. */
static inline __mmask8
mul_eight(const char *pa, const char *pb, char *pout)
{
    const __m512i sign = _mm512_set1_epi64((long long)0x8000000000000000ull);
    const __m512i one = _mm512_set1_epi64(1);
    const __m512i exp_mask = _mm512_set1_epi64(0x7fff);
    const __m512i zero = _mm512_setzero_si512();
    __m512i alo, ahi, blo, bhi, w[4];
    load_words(pa, &alo, &ahi);
    load_words(pb, &blo, &bhi);
    __m512i ea = _mm512_and_si512(_mm512_srli_epi64(ahi, 48), exp_mask);
    __m512i eb = _mm512_and_si512(_mm512_srli_epi64(bhi, 48), exp_mask);
    __mmask8 slow = _mm512_cmpeq_epu64_mask(ea, zero) | _mm512_cmpeq_epu64_mask(eb, zero) |
                    _mm512_cmpeq_epu64_mask(ea, exp_mask) |
                    _mm512_cmpeq_epu64_mask(eb, exp_mask);
    significand_product(alo, ahi, blo, bhi, w);
    /* 225 or 226 bits: keep the top 116 (bits cut .. cut + 115), then sticky */
    __m512i longer = _mm512_and_si512(_mm512_srli_epi64(w[3], 33), one);
    __m512i shift = _mm512_add_epi64(_mm512_set1_epi64(45), longer);   /* cut - 64 */
    __m512i back = _mm512_sub_epi64(_mm512_set1_epi64(64), shift);
    __m512i lo = _mm512_or_si512(_mm512_srlv_epi64(w[1], shift), _mm512_sllv_epi64(w[2], back));
    __m512i hi = _mm512_or_si512(_mm512_srlv_epi64(w[2], shift), _mm512_sllv_epi64(w[3], back));
    __m512i below = _mm512_or_si512(w[0], _mm512_sllv_epi64(w[1], back));
    lo = _mm512_mask_or_epi64(lo, _mm512_test_epi64_mask(below, below), lo, one);
    __m512i e = _mm512_add_epi64(_mm512_sub_epi64(_mm512_add_epi64(ea, eb),
                                                  _mm512_set1_epi64(16383)), longer);
    slow |= _mm512_cmplt_epi64_mask(e, one);
    __m512i packed_hi;
    round_and_pack(&lo, hi, e, _mm512_and_si512(_mm512_xor_si512(ahi, bhi), sign), &slow,
                   &packed_hi);
    store_words(pout, lo, packed_hi);
    return slow;
}

/* (hi, lo) += (bh, bl) in the lanes of m, 128-bit */
static inline void
add128(__m512i *hi, __m512i *lo, __m512i bh, __m512i bl, __mmask8 m)
{
    __m512i l = _mm512_add_epi64(*lo, bl);
    __mmask8 carry = _mm512_cmplt_epu64_mask(l, *lo);
    __m512i h = _mm512_add_epi64(_mm512_add_epi64(*hi, bh),
                                 _mm512_maskz_mov_epi64(carry, _mm512_set1_epi64(1)));
    *lo = _mm512_mask_mov_epi64(*lo, m, l);
    *hi = _mm512_mask_mov_epi64(*hi, m, h);
}

/* (hi, lo) -= (bh, bl) in the lanes of m */
static inline void
sub128(__m512i *hi, __m512i *lo, __m512i bh, __m512i bl, __mmask8 m)
{
    __mmask8 borrow = _mm512_cmplt_epu64_mask(*lo, bl);
    __m512i l = _mm512_sub_epi64(*lo, bl);
    __m512i h = _mm512_sub_epi64(_mm512_sub_epi64(*hi, bh),
                                 _mm512_maskz_mov_epi64(borrow, _mm512_set1_epi64(1)));
    *lo = _mm512_mask_mov_epi64(*lo, m, l);
    *hi = _mm512_mask_mov_epi64(*hi, m, h);
}

/* a * b for 64-bit lanes, the full 128-bit product */
static inline void
mul64x64(__m512i a, __m512i b, __m512i *hi, __m512i *lo)
{
    const __m512i low32 = _mm512_set1_epi64(0xffffffffLL);
    __m512i a1 = _mm512_srli_epi64(a, 32), b1 = _mm512_srli_epi64(b, 32);
    __m512i p00 = _mm512_mul_epu32(a, b), p01 = _mm512_mul_epu32(a, b1);
    __m512i p10 = _mm512_mul_epu32(a1, b), p11 = _mm512_mul_epu32(a1, b1);
    /* the middle column: three 32-bit pieces, no overflow */
    __m512i middle = _mm512_add_epi64(_mm512_add_epi64(_mm512_srli_epi64(p00, 32),
                                                       _mm512_and_si512(p01, low32)),
                                      _mm512_and_si512(p10, low32));
    *lo = _mm512_or_si512(_mm512_and_si512(p00, low32), _mm512_slli_epi64(middle, 32));
    *hi = _mm512_add_epi64(_mm512_add_epi64(p11, _mm512_srli_epi64(middle, 32)),
                           _mm512_add_epi64(_mm512_srli_epi64(p01, 32), _mm512_srli_epi64(p10, 32)));
}

/*
 * One digit of the long division: q = floor(R * 2**c / B) (R < 2 B, so
 * q < 2**(c + 1)), estimated in double and corrected by one in either
 * direction; R becomes R * 2**c - q * B (mod 2**128: the true value is
 * small and signed).
 */
static inline __m512i
divide_digit(__m512i *rh, __m512i *rl, __m512i bh, __m512i bl, __m512d inverse,
             __m512i c)
{
    const __m512d two64 = _mm512_set1_pd(18446744073709551616.0);
    __m512d r = _mm512_fmadd_pd(_mm512_cvtepu64_pd(*rh), two64, _mm512_cvtepu64_pd(*rl));
    /* 2**c as a double: its exponent field */
    __m512d scale = _mm512_castsi512_pd(_mm512_slli_epi64(
            _mm512_add_epi64(c, _mm512_set1_epi64(1023)), 52));
    __m512i q = _mm512_cvttpd_epu64(_mm512_mul_pd(_mm512_mul_pd(r, inverse), scale));
    /* R << c, 0 < c < 64 */
    __m512i back = _mm512_sub_epi64(_mm512_set1_epi64(64), c);
    __m512i sh = _mm512_or_si512(_mm512_sllv_epi64(*rh, c), _mm512_srlv_epi64(*rl, back));
    __m512i sl = _mm512_sllv_epi64(*rl, c);
    /* q * B mod 2**128: q * bl whole, the low word of q * bh */
    __m512i ph, pl, xh, xl;
    mul64x64(q, bl, &ph, &pl);
    mul64x64(q, bh, &xh, &xl);
    ph = _mm512_add_epi64(ph, xl);
    sub128(&sh, &sl, ph, pl, 0xff);
    /* one down while negative, one up while not below B (twice, to be safe) */
    for (int round = 0; round < 2; round++) {
        __mmask8 negative = _mm512_cmplt_epi64_mask(sh, _mm512_setzero_si512());
        add128(&sh, &sl, bh, bl, negative);
        q = _mm512_mask_sub_epi64(q, negative, q, _mm512_set1_epi64(1));
        __mmask8 above = _mm512_cmpgt_epu64_mask(sh, bh) |
                         (_mm512_cmpeq_epu64_mask(sh, bh) & _mm512_cmpge_epu64_mask(sl, bl));
        sub128(&sh, &sl, bh, bl, above);
        q = _mm512_mask_add_epi64(q, above, q, _mm512_set1_epi64(1));
    }
    *rh = sh;
    *rl = sl;
    return q;
}

/*
 * out[0:8] = a[0:8] / b[0:8]; returns the mask of lanes left for the scalar
 * routines. The 116-bit quotient of the significands comes from a long
 * division in three digits (48, 48 and 19 or 20 bits), each estimated with
 * the double reciprocal of b's significand and corrected against the exact
 * remainder; a remainder left over is the sticky bit.
 */
static inline __mmask8
div_eight(const char *pa, const char *pb, char *pout)
{
    const __m512i sign = _mm512_set1_epi64((long long)0x8000000000000000ull);
    const __m512i exp_mask = _mm512_set1_epi64(0x7fff);
    const __m512i one = _mm512_set1_epi64(1), zero = _mm512_setzero_si512();
    const __m512i frac = _mm512_set1_epi64(0xffffffffffffLL);
    const __m512i implicit = _mm512_set1_epi64(1LL << 48);
    __m512i alo, ahi, blo, bhi;
    load_words(pa, &alo, &ahi);
    load_words(pb, &blo, &bhi);
    __m512i ea = _mm512_and_si512(_mm512_srli_epi64(ahi, 48), exp_mask);
    __m512i eb = _mm512_and_si512(_mm512_srli_epi64(bhi, 48), exp_mask);
    __mmask8 slow = _mm512_cmpeq_epu64_mask(ea, zero) | _mm512_cmpeq_epu64_mask(eb, zero) |
                    _mm512_cmpeq_epu64_mask(ea, exp_mask) | _mm512_cmpeq_epu64_mask(eb, exp_mask);
    __m512i rh = _mm512_or_si512(_mm512_and_si512(ahi, frac), implicit), rl = alo;
    __m512i bh = _mm512_or_si512(_mm512_and_si512(bhi, frac), implicit), bl = blo;
    /* a quotient in [1, 2) takes 115 more bits, one in [1/2, 1) 116 */
    __mmask8 smaller = _mm512_cmplt_epu64_mask(rh, bh) |
                       (_mm512_cmpeq_epu64_mask(rh, bh) & _mm512_cmplt_epu64_mask(rl, bl));
    __m512i e = _mm512_sub_epi64(_mm512_add_epi64(_mm512_sub_epi64(ea, eb),
                                                  _mm512_set1_epi64(16383)),
                                 _mm512_maskz_mov_epi64(smaller, one));
    slow |= _mm512_cmplt_epi64_mask(e, one);
    __m512d inverse = _mm512_div_pd(_mm512_set1_pd(1.0),
            _mm512_fmadd_pd(_mm512_cvtepu64_pd(bh), _mm512_set1_pd(18446744073709551616.0),
                            _mm512_cvtepu64_pd(bl)));
    __m512i c48 = _mm512_set1_epi64(48);
    __m512i c3 = _mm512_add_epi64(_mm512_set1_epi64(19), _mm512_maskz_mov_epi64(smaller, one));
    __m512i q1 = divide_digit(&rh, &rl, bh, bl, inverse, c48);
    __m512i q2 = divide_digit(&rh, &rl, bh, bl, inverse, c48);
    __m512i q3 = divide_digit(&rh, &rl, bh, bl, inverse, c3);
    /* Q = q1 2**(48 + c3) + q2 2**c3 + q3, below 2**116: (hi, lo) */
    __m512i shift = _mm512_add_epi64(c48, c3);                 /* 67 or 68 */
    __m512i hi = _mm512_sllv_epi64(q1, _mm512_sub_epi64(shift, _mm512_set1_epi64(64)));
    __m512i lo = zero;
    __m512i part_hi = _mm512_srlv_epi64(q2, _mm512_sub_epi64(_mm512_set1_epi64(64), c3));
    __m512i part_lo = _mm512_sllv_epi64(q2, c3);
    add128(&hi, &lo, part_hi, part_lo, 0xff);
    add128(&hi, &lo, zero, q3, 0xff);
    __mmask8 inexact = _mm512_test_epi64_mask(_mm512_or_si512(rh, rl), _mm512_or_si512(rh, rl));
    lo = _mm512_mask_or_epi64(lo, inexact, lo, one);
    __m512i packed_hi;
    round_and_pack(&lo, hi, e, _mm512_and_si512(_mm512_xor_si512(ahi, bhi), sign), &slow,
                   &packed_hi);
    store_words(pout, lo, packed_hi);
    return slow;
}

#endif

/* Elements a[i * sa] (bytes) and so on, through the scalar routines. */
static void
elementwise(int op, const char *a, npy_intp sa, const char *b, npy_intp sb, char *out,
            npy_intp so, npy_intp n)
{
    for (npy_intp i = 0; i < n; i++) {
        u128 x, y, z;
        memcpy(&x, a + i * sa, sizeof(x));
        memcpy(&y, b + i * sb, sizeof(y));
        if (op == QUAD_MULTIPLY) {
            /* the integer fast path inline: no call per element */
            if (!mul_normals(x, y, &z)) {
                z = get_bits(npy_quad_mul(from_bits(x), from_bits(y)));
            }
        }
        else if (op == QUAD_SUBTRACT) {
            z = get_bits(npy_quad_sub(from_bits(x), from_bits(y)));
        }
        else if (op == QUAD_DIVIDE) {
            z = get_bits(npy_quad_div(from_bits(x), from_bits(y)));
        }
        else {
            z = get_bits(npy_quad_add(from_bits(x), from_bits(y)));
        }
        memcpy(out + i * so, &z, sizeof(z));
    }
}

#if defined(NPY_HAVE_AVX512F) && defined(NPY_HAVE_AVX512CD)
/* Eight elements `stride` bytes apart from `from`, packed into `to`. */
static inline const char *
packed(const char *from, npy_intp stride, char *to)
{
    if (stride == (npy_intp)sizeof(npy_quad)) {
        return from;
    }
    for (int k = 0; k < 8; k++) {
        memcpy(to + k * sizeof(npy_quad), from + k * stride, sizeof(npy_quad));
    }
    return to;
}
#endif

NPY_NO_EXPORT void
NPY_CPU_DISPATCH_CURFX(quad_binary_strided)(int op, const char *a, npy_intp sa,
                                           const char *b, npy_intp sb, char *out,
                                           npy_intp so, npy_intp n)
{
    npy_intp i = 0;
#if defined(NPY_HAVE_AVX512F) && defined(NPY_HAVE_AVX512CD)
    /*
     * Through buffers: strided operands are packed first, and out may be a
     * or b (in place) while a slow lane must still read its operands after
     * the vector is done.
     */
    char a_pack[8 * sizeof(npy_quad)], b_pack[8 * sizeof(npy_quad)];
    char results[8 * sizeof(npy_quad)];
    for (; i + 8 <= n; i += 8) {
        const char *x = packed(a + i * sa, sa, a_pack);
        const char *y = packed(b + i * sb, sb, b_pack);
        __mmask8 slow = op == QUAD_MULTIPLY ? mul_eight(x, y, results)
                        : op == QUAD_DIVIDE ? div_eight(x, y, results)
                        : add_eight(x, y, results, op == QUAD_SUBTRACT);
        for (int k = 0; k < 8; k++) {
            if (slow >> k & 1) {
                npy_intp at = k * (npy_intp)sizeof(npy_quad);
                elementwise(op, x + at, 0, y + at, 0, results + at, 0, 1);
            }
        }
        if (so == (npy_intp)sizeof(npy_quad)) {
            memcpy(out + i * so, results, sizeof(results));
        }
        else {
            for (int k = 0; k < 8; k++) {
                memcpy(out + (i + k) * so, results + k * sizeof(npy_quad), sizeof(npy_quad));
            }
        }
    }
#endif
    elementwise(op, a + i * sa, sa, b + i * sb, sb, out + i * so, so, n - i);
}

/* *acc = fma(*a, *b, *acc), each a quad in memory */
static inline void
fma_at(const char *a, const char *b, char *acc)
{
    npy_quad x, y, c;
    memcpy(&x, a, sizeof(x));
    memcpy(&y, b, sizeof(y));
    memcpy(&c, acc, sizeof(c));
    c = npy_quad_fma(x, y, c);
    memcpy(acc, &c, sizeof(c));
}

#if defined(NPY_HAVE_AVX512F) && defined(NPY_HAVE_AVX512CD)
/*
 * out[0:8] = fma(a, b, c) for eight packed quads: fma_eight, and its slow
 * lanes again through npy_quad_fma. out must not overlap c, which the slow
 * lanes read after out is written.
 */
static inline void
fma_eight_exactly(const char *a, const char *b, const char *c, char *out)
{
    const npy_intp size = sizeof(npy_quad);
    __mmask8 slow = fma_eight(a, b, c, out);
    for (int k = 0; k < 8; k++) {
        if (slow >> k & 1) {
            memcpy(out + k * size, c + k * size, size);
            fma_at(a + k * size, b + k * size, out + k * size);
        }
    }
}
#endif

/*
 * acc[j] = fma(*scalar, b[j * sb], acc[j]) for the n contiguous
 * accumulators acc: one step k of a row of products.
 */
static void
fma_row(const char *scalar, const char *b, npy_intp sb, char *acc, npy_intp n)
{
    const npy_intp size = sizeof(npy_quad);
    npy_intp j = 0;
#if defined(NPY_HAVE_AVX512F) && defined(NPY_HAVE_AVX512CD)
    char scalars[8 * sizeof(npy_quad)], b_pack[8 * sizeof(npy_quad)];
    char results[8 * sizeof(npy_quad)];
    for (int k = 0; k < 8; k++) {
        memcpy(scalars + k * size, scalar, size);
    }
    for (; j + 8 <= n; j += 8) {
        fma_eight_exactly(scalars, packed(b + j * sb, sb, b_pack), acc + j * size, results);
        memcpy(acc + j * size, results, sizeof(results));
    }
#endif
    for (; j < n; j++) {
        fma_at(scalar, b + j * sb, acc + j * size);
    }
}

/*
 * Chain 0 += the other QUAD_CHAINS - 1 chains, pairwise as NumPy's sum adds
 * its eight accumulators: ((0 + 1) + (2 + 3)) + ((4 + 5) + (6 + 7)), for
 * count sums per chain; chain c starts c * chain_step bytes in.
 */
static void
add_chains(char *chains, npy_intp chain_step, npy_intp count)
{
    const npy_intp size = sizeof(npy_quad);
    for (npy_intp width = 1; width < QUAD_CHAINS; width *= 2) {
        for (npy_intp c = 0; c < QUAD_CHAINS; c += 2 * width) {
            char *to = chains + c * chain_step;
            NPY_CPU_DISPATCH_CURFX(quad_binary_strided)(
                    QUAD_ADD, to, size, to + width * chain_step, size, to, size, count);
        }
    }
}

NPY_NO_EXPORT void
NPY_CPU_DISPATCH_CURFX(quad_dot_strided)(const char *a, npy_intp sa, const char *b,
                                        npy_intp sb, npy_intp n, char *sum)
{
    const npy_intp size = sizeof(npy_quad);
    /* +0.0 is all zero bits */
    char chains[QUAD_CHAINS * sizeof(npy_quad)] = {0};
    npy_intp k = 0;

    memcpy(chains, sum, size);
#if defined(NPY_HAVE_AVX512F) && defined(NPY_HAVE_AVX512CD)
    char a_pack[8 * sizeof(npy_quad)], b_pack[8 * sizeof(npy_quad)];
    char results[8 * sizeof(npy_quad)];
    for (; k + 8 <= n; k += 8) {
        fma_eight_exactly(packed(a + k * sa, sa, a_pack), packed(b + k * sb, sb, b_pack),
                          chains, results);
        memcpy(chains, results, sizeof(results));
    }
#endif
    for (; k < n; k++) {
        fma_at(a + k * sa, b + k * sb, chains + (k % QUAD_CHAINS) * size);
    }
    add_chains(chains, size, 1);
    memcpy(sum, chains, size);
}

NPY_NO_EXPORT void
NPY_CPU_DISPATCH_CURFX(quad_products_row)(const char *x, npy_intp x_step, const char *y,
                                         npy_intp y_row, npy_intp y_col, npy_intp n,
                                         char *chains, npy_intp count)
{
    const npy_intp row = count * (npy_intp)sizeof(npy_quad);

    memset(chains, 0, QUAD_CHAINS * row);
    for (npy_intp k = 0; k < n; k++) {
        fma_row(x + k * x_step, y + k * y_row, y_col, chains + (k % QUAD_CHAINS) * row, count);
    }
    add_chains(chains, row, count);
}
