/*
 * quad + - and * over strided arrays.
 *
 * The AVX-512 target (X86_V4) adds eight quads at a time in 64-bit lanes,
 * each value split into its high and low words: the same integer algorithm
 * as npy_quad.c's add_normals (the operand of larger magnitude first, the
 * other aligned to it with a sticky bit, three bits below the significand,
 * round to nearest, ties to even), with masks instead of branches and
 * AVX512CD's lzcnt for the normalisation. A lane that is not normal in and
 * normal out (a zero, subnormal, infinity or NaN operand, an exact zero,
 * underflow, overflow) is done again by npy_quad_add or npy_quad_sub, which
 * also raise the IEEE flags; the fast lanes raise none but inexact, which
 * NumPy ignores. Other targets call those two for every element.
 */
#define NPY_NO_DEPRECATED_API NPY_API_VERSION

#include <string.h>

#include "numpy/npy_quad.h"

#include "npy_quad_fastpath.h"
#include "quad_arith.h"

#if defined(NPY_HAVE_AVX512F) && defined(NPY_HAVE_AVX512CD)
#include <immintrin.h>

/*
 * out[0:8] = a[0:8] + b[0:8] (b negated when `subtract`); returns the mask
 * of lanes left for the scalar routines.
 */
static inline __mmask8
add_eight(const char *pa, const char *pb, char *pout, int subtract)
{
    const __m512i even = _mm512_setr_epi64(0, 2, 4, 6, 8, 10, 12, 14);
    const __m512i odd = _mm512_setr_epi64(1, 3, 5, 7, 9, 11, 13, 15);
    const __m512i sign = _mm512_set1_epi64((long long)0x8000000000000000ull);
    const __m512i frac_hi = _mm512_set1_epi64(0xffffffffffffLL);
    const __m512i implicit = _mm512_set1_epi64(1LL << 48);
    const __m512i zero = _mm512_setzero_si512();
    const __m512i one = _mm512_set1_epi64(1);
    const __m512i c64 = _mm512_set1_epi64(64);

    __m512i a0 = _mm512_loadu_si512(pa), a1 = _mm512_loadu_si512(pa + 64);
    __m512i b0 = _mm512_loadu_si512(pb), b1 = _mm512_loadu_si512(pb + 64);
    __m512i alo = _mm512_permutex2var_epi64(a0, even, a1), ahi = _mm512_permutex2var_epi64(a0, odd, a1);
    __m512i blo = _mm512_permutex2var_epi64(b0, even, b1), bhi = _mm512_permutex2var_epi64(b0, odd, b1);
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
    /* round to nearest, ties to even, on the 3 bits below */
    __m512i low3 = _mm512_and_si512(lo, _mm512_set1_epi64(7));
    lo = _mm512_or_si512(_mm512_srli_epi64(lo, 3), _mm512_slli_epi64(hi, 61));
    hi = _mm512_srli_epi64(hi, 3);
    __mmask8 up = _mm512_cmpgt_epu64_mask(low3, _mm512_set1_epi64(4)) |
                  (_mm512_cmpeq_epu64_mask(low3, _mm512_set1_epi64(4)) & _mm512_test_epi64_mask(lo, one));
    lo = _mm512_mask_add_epi64(lo, up, lo, one);
    hi = _mm512_mask_add_epi64(hi, up & _mm512_cmpeq_epu64_mask(lo, zero), hi, one);
    __mmask8 grew = _mm512_test_epi64_mask(hi, _mm512_set1_epi64(1LL << 49));
    hi = _mm512_mask_srli_epi64(hi, grew, hi, 1);   /* exactly 2**113: lo is 0 */
    e = _mm512_mask_add_epi64(e, grew, e, one);
    slow |= _mm512_cmpge_epi64_mask(e, _mm512_set1_epi64(0x7fff));
    hi = _mm512_or_si512(_mm512_or_si512(_mm512_and_si512(xhi, sign), _mm512_slli_epi64(e, 48)),
                         _mm512_and_si512(hi, frac_hi));
    _mm512_storeu_si512(pout, _mm512_permutex2var_epi64(lo, _mm512_setr_epi64(0, 8, 1, 9, 2, 10, 3, 11), hi));
    _mm512_storeu_si512(pout + 64, _mm512_permutex2var_epi64(lo, _mm512_setr_epi64(4, 12, 5, 13, 6, 14, 7, 15), hi));
    return slow;
}
#endif

/* Elements a[i * sa] (bytes) and so on, through the scalar routines. */
static void
add_elementwise(const char *a, npy_intp sa, const char *b, npy_intp sb, char *out,
                npy_intp so, npy_intp n, int subtract)
{
    for (npy_intp i = 0; i < n; i++) {
        npy_quad x, y, z;
        memcpy(&x, a + i * sa, sizeof(x));
        memcpy(&y, b + i * sb, sizeof(y));
        z = subtract ? npy_quad_sub(x, y) : npy_quad_add(x, y);
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
NPY_CPU_DISPATCH_CURFX(quad_add_strided)(const char *a, npy_intp sa, const char *b,
                                        npy_intp sb, char *out, npy_intp so,
                                        npy_intp n, int subtract)
{
    npy_intp i = 0;
#if defined(NPY_HAVE_AVX512F) && defined(NPY_HAVE_AVX512CD)
    /*
     * Through buffers: strided operands are packed first, and out may be a
     * or b (in place) while a slow lane must still read its operands after
     * the vector is done.
     */
    char a_pack[8 * sizeof(npy_quad)], b_pack[8 * sizeof(npy_quad)];
    char sums[8 * sizeof(npy_quad)];
    for (; i + 8 <= n; i += 8) {
        const char *x = packed(a + i * sa, sa, a_pack);
        const char *y = packed(b + i * sb, sb, b_pack);
        __mmask8 slow = add_eight(x, y, sums, subtract);
        for (int k = 0; k < 8; k++) {
            if (slow >> k & 1) {
                npy_intp at = k * (npy_intp)sizeof(npy_quad);
                add_elementwise(x + at, 0, y + at, 0, sums + at, 0, 1, subtract);
            }
        }
        if (so == (npy_intp)sizeof(npy_quad)) {
            memcpy(out + i * so, sums, sizeof(sums));
        }
        else {
            for (int k = 0; k < 8; k++) {
                memcpy(out + (i + k) * so, sums + k * sizeof(npy_quad), sizeof(npy_quad));
            }
        }
    }
#endif
    add_elementwise(a + i * sa, sa, b + i * sb, sb, out + i * so, so, n - i, subtract);
}

/*
 * The products one at a time, npy_quad.c's integer fast path inlined (no
 * call per element); the rest through npy_quad_mul.
 */
NPY_NO_EXPORT void
NPY_CPU_DISPATCH_CURFX(quad_multiply_strided)(const char *a, npy_intp sa, const char *b,
                                             npy_intp sb, char *out, npy_intp so,
                                             npy_intp n)
{
    for (npy_intp i = 0; i < n; i++) {
        u128 x, y, product;
        memcpy(&x, a + i * sa, sizeof(x));
        memcpy(&y, b + i * sb, sizeof(y));
        if (!mul_normals(x, y, &product)) {
            product = get_bits(npy_quad_mul(from_bits(x), from_bits(y)));
        }
        memcpy(out + i * so, &product, sizeof(product));
    }
}
