/*
 * matmul of np.quad matrices on the float64 BLAS: the product split without
 * error into products of float64 matrices of small integers (Ozaki, Ogita,
 * Oishi and Rump, Numer. Algorithms 59, 2012), which dgemm computes
 * exactly.
 *
 * Row i of A is scaled by its own power of two, 2**a_top[i] > |a_ik|, and
 * column j of B by 2**b_top[j]; below that power every entry is a sum of
 * `slices` integers of SLICE_BITS bits,
 *
 *     a_ik = sum_p A_p[i][k] * 2**(a_top[i] - (p + 1) SLICE_BITS),
 *
 * |A_p[i][k]| < 2**SLICE_BITS, and likewise for B.  The products A_p B_q
 * with p + q = l (a level, one weight) are summed by dgemm: every partial
 * sum is an integer below MAX_SLICES * BLOCK * 2**(2 SLICE_BITS) = 2**53,
 * so float64 holds it exactly whatever order dgemm adds in.  The levels
 * are gathered exactly in 128-bit integers, LEVELS_PER_GROUP to a group,
 * the groups in one 384-bit integer, which is rounded once: every entry is
 * the exact sum of its products correctly rounded, where the dot product's
 * chains of fused multiply-adds round once per product.
 *
 * A product is left to the dot products (1 is returned) when it is small,
 * when an entry is not finite, when a row of A or a column of B spans more
 * than MAX_SLICES * SLICE_BITS bits from its largest entry's top to the
 * lowest set bit of another (the slices would not hold it exactly), or
 * when there is no memory for the slices or no BLAS.  The product is
 * made PANEL_ENTRIES entries at a time, so the scratch beyond B's slices
 * (MAX_SLICES float64 per entry of B at most) stays near 72 MiB.
 */
#define NPY_NO_DEPRECATED_API NPY_API_VERSION
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

#include "numpy/ndarraytypes.h"
#include "numpy/npy_quad.h"

#include "quad_matmul_blas.h"

/* (64-bit GCC and Clang have 128-bit integers; the dot products serve elsewhere) */
#if defined(HAVE_CBLAS) && defined(__SIZEOF_INT128__)
#include "npy_cblas.h"

#define SLICE_BITS 21
#define MAX_SLICES 8
/* the k-block of one dgemm: MAX_SLICES * BLOCK * 2**42 == 2**53 */
#define BLOCK 256
#define LEVELS_PER_GROUP 4
/* blocks whose groups add up below 2**127: |group| < 2**117 each */
#define MAX_BLOCKS 1024
/* smaller products gain nothing over the dot products' vector lanes */
#define MIN_DIMENSION 16
/* the entries of the product made at a time (a float64 and four int128 each) */
#define PANEL_ENTRIES (1 << 20)

typedef unsigned __int128 u128;
typedef __int128 i128;

/* A finite quad as (-1)**negative * significand * 2**low, significand odd. */
typedef struct {
    u128 significand;
    npy_int64 low;
    int negative;
} unpacked_quad;

static inline int
bit_length(u128 x)
{
    npy_uint64 hi = (npy_uint64)(x >> 64), lo = (npy_uint64)x;
    if (hi != 0) {
        return 128 - __builtin_clzll(hi);
    }
    return lo != 0 ? 64 - __builtin_clzll(lo) : 0;
}

/* 0 if `q` is NaN or infinite. */
static inline int
unpack(npy_quad q, unpacked_quad *u)
{
    npy_uint64 hi, lo;
    if (npy_quad_to_significand(q, &hi, &lo, &u->low) < 0) {
        return 0;
    }
    u->significand = ((u128)hi << 64) | lo;
    u->negative = npy_quad_signbit(q);
    return 1;
}

/*
 * The rows (count of them, `length` entries `step` bytes apart, rows
 * `stride` bytes apart) of one operand: each row's top (its entries are
 * below 2**top) into `top`, and the number of slices that holds the
 * operand exactly.  -1 for an entry that is not finite or a row that needs
 * more than MAX_SLICES.
 */
static int
measure_rows(const char *data, npy_intp count, npy_intp stride, npy_intp length,
             npy_intp step, npy_int64 *top)
{
    int slices = 0;
    for (npy_intp i = 0; i < count; i++) {
        npy_int64 highest = NPY_MIN_INT64, lowest = NPY_MAX_INT64;
        for (npy_intp k = 0; k < length; k++) {
            unpacked_quad u;
            if (!unpack(npy_quad_load(data + i * stride + k * step), &u)) {
                return -1;
            }
            if (u.significand == 0) {
                continue;
            }
            npy_int64 above = u.low + bit_length(u.significand);
            highest = above > highest ? above : highest;
            lowest = u.low < lowest ? u.low : lowest;
        }
        if (highest == NPY_MIN_INT64) {
            top[i] = 0;
            continue;
        }
        top[i] = highest;
        npy_int64 needed = (highest - lowest + SLICE_BITS - 1) / SLICE_BITS;
        if (needed > MAX_SLICES) {
            return -1;
        }
        slices = needed > slices ? (int)needed : slices;
    }
    return slices;
}

/*
 * Writes the slices of the rows measured by measure_rows: slice p of entry
 * (i, k) at out[p * out_slice + i * out_row + k * out_col], as a float64
 * integer.
 */
static void
slice_rows(const char *data, npy_intp count, npy_intp stride, npy_intp length,
           npy_intp step, const npy_int64 *top, int slices, double *out,
           npy_intp out_slice, npy_intp out_row, npy_intp out_col)
{
    const u128 mask = ((u128)1 << SLICE_BITS) - 1;
    for (npy_intp i = 0; i < count; i++) {
        /* the entries as integers N = significand << shift, N < 2**(slices bits) */
        npy_int64 bottom = top[i] - (npy_int64)slices * SLICE_BITS;
        for (npy_intp k = 0; k < length; k++) {
            unpacked_quad u;
            unpack(npy_quad_load(data + i * stride + k * step), &u);
            npy_int64 shift = u.low - bottom;
            for (int p = 0; p < slices; p++) {
                /* bits [(slices - 1 - p) SLICE_BITS, + SLICE_BITS) of N */
                npy_int64 right = (npy_int64)(slices - 1 - p) * SLICE_BITS - shift;
                u128 chunk = 0;
                if (u.significand != 0 && right >= 0 && right < 128) {
                    chunk = (u.significand >> right) & mask;
                }
                else if (u.significand != 0 && right < 0 && -right < SLICE_BITS) {
                    chunk = (u.significand << -right) & mask;
                }
                double value = (double)(npy_uint64)chunk;
                out[p * out_slice + i * out_row + k * out_col] = u.negative ? -value : value;
            }
        }
    }
}

/*
 * The product of one k-block into the groups: for each level, the dgemm
 * sum of its slice products, added to its group shifted to its place.
 * a_slices is slices_a x m x k (row-major), b_slices slices_b x k x n.
 */
static void
multiply_block(const double *a_slices, int slices_a, const double *b_slices,
               int slices_b, npy_intp m, npy_intp k, npy_intp n, npy_intp first,
               npy_intp width, double *level, i128 *groups)
{
    for (int l = 0; l < slices_a + slices_b - 1; l++) {
        double beta = 0.0;
        for (int p = 0; p < slices_a; p++) {
            int q = l - p;
            if (q < 0 || q >= slices_b) {
                continue;
            }
            CBLAS_FUNC(cblas_dgemm)(CblasRowMajor, CblasNoTrans, CblasNoTrans,
                                    (CBLAS_INT)m, (CBLAS_INT)n, (CBLAS_INT)width, 1.0,
                                    a_slices + p * m * k + first, (CBLAS_INT)k,
                                    b_slices + (q * k + first) * n, (CBLAS_INT)n,
                                    beta, level, (CBLAS_INT)n);
            beta = 1.0;
        }
        int place = (LEVELS_PER_GROUP - 1 - l % LEVELS_PER_GROUP) * SLICE_BITS;
        i128 *group = groups + (l / LEVELS_PER_GROUP) * m * n;
        for (npy_intp e = 0; e < m * n; e++) {
            group[e] += (i128)(npy_int64)level[e] * ((i128)1 << place);
        }
    }
}

/*
 * The exact sum of entry e's groups as a 384-bit two's complement integer,
 * group g shifted left by (group_count - 1 - g) group widths: at most 127
 * + 3 * 84 bits.
 */
#define WIDE_WORDS 6
#define GROUP_BITS (LEVELS_PER_GROUP * SLICE_BITS)

static void
add_shifted(npy_uint64 wide[WIDE_WORDS], i128 value, int shift)
{
    npy_uint64 extension = value < 0 ? ~(npy_uint64)0 : 0;
    npy_uint64 words[WIDE_WORDS] = {(npy_uint64)value, (npy_uint64)((u128)value >> 64),
                                    extension, extension, extension, extension};
    int offset = shift / 64, bits = shift % 64;
    unsigned int carry = 0;
    for (int i = WIDE_WORDS - 1; i >= 0; i--) {
        /* word i of value << shift, from words i - offset and the one below */
        npy_uint64 high = i - offset >= 0 ? words[i - offset] : 0;
        npy_uint64 low = i - offset - 1 >= 0 ? words[i - offset - 1] : 0;
        words[i] = bits == 0 ? high : (high << bits) | (low >> (64 - bits));
    }
    for (int i = 0; i < WIDE_WORDS; i++) {
        npy_uint64 sum = wide[i] + words[i];
        unsigned int next = sum < words[i];
        sum += carry;
        next |= sum < carry;
        wide[i] = sum;
        carry = next;
    }
}

/*
 * Entry e of the product: its groups added exactly, then rounded once to
 * quad (the top 128 bits of the magnitude and a sticky bit for the rest).
 * `scale` is a_top[i] + b_top[j].
 */
static npy_quad
round_groups(const i128 *groups, npy_intp count, npy_intp e, int group_count,
             npy_int64 scale)
{
    npy_uint64 wide[WIDE_WORDS] = {0};
    for (int g = 0; g < group_count; g++) {
        add_shifted(wide, groups[g * count + e], (group_count - 1 - g) * GROUP_BITS);
    }
    int negative = (wide[WIDE_WORDS - 1] >> 63) != 0;
    if (negative) {
        unsigned int carry = 1;
        for (int i = 0; i < WIDE_WORDS; i++) {
            wide[i] = ~wide[i] + carry;
            carry = carry && wide[i] == 0;
        }
    }
    /* the last group's last level, 4g + 3, weighs 2**(scale - (4g + 5) SLICE_BITS) */
    npy_int64 exponent = scale - (npy_int64)(LEVELS_PER_GROUP * group_count + 1) * SLICE_BITS;
    int top = WIDE_WORDS - 1;
    while (top > 0 && wide[top] == 0) {
        top--;
    }
    if (top < 2) {
        /* below 2**128: exact as it is */
        return npy_quad_from_significand(negative, wide[1], wide[0], 0, exponent);
    }
    /*
     * Words top..top-2 shifted right by `bits` (1 to 64): the 128 bits from
     * the highest set bit down, and whether any set bit is below them.
     */
    int bits = 64 - __builtin_clzll(wide[top]);
    npy_uint64 hi = wide[top], lo = wide[top - 1];
    int sticky = wide[top - 2] != 0;
    if (bits < 64) {
        hi = (wide[top] << (64 - bits)) | (wide[top - 1] >> bits);
        lo = (wide[top - 1] << (64 - bits)) | (wide[top - 2] >> bits);
        sticky = (wide[top - 2] << (64 - bits)) != 0;
    }
    for (int i = 0; i < top - 2; i++) {
        sticky |= wide[i] != 0;
    }
    exponent += (npy_int64)(top - 2) * 64 + bits;
    return npy_quad_from_significand(negative, hi, lo, sticky, exponent);
}

/*
 * Rows `first` to `first + rows` of the product, A's slices written for
 * them into `a_slices` (room for slices_a x rows x k), with `level` (rows
 * x n) and `groups` (their group_count x rows x n) as scratch.
 */
static void
multiply_panel(const char *a, npy_intp a_row, npy_intp a_col, const npy_int64 *a_top,
               int slices_a, const double *b_slices, const npy_int64 *b_top,
               int slices_b, char *out, npy_intp out_row, npy_intp out_col,
               npy_intp first, npy_intp rows, npy_intp k, npy_intp n,
               double *a_slices, double *level, i128 *groups)
{
    int group_count = (slices_a + slices_b - 1 + LEVELS_PER_GROUP - 1) / LEVELS_PER_GROUP;
    memset(groups, 0, (size_t)group_count * rows * n * sizeof(i128));
    slice_rows(a + first * a_row, rows, a_row, k, a_col, a_top + first, slices_a,
               a_slices, rows * k, k, 1);
    for (npy_intp start = 0; start < k; start += BLOCK) {
        npy_intp width = k - start < BLOCK ? k - start : BLOCK;
        multiply_block(a_slices, slices_a, b_slices, slices_b, rows, k, n, start, width,
                       level, groups);
    }
    for (npy_intp i = 0; i < rows; i++) {
        for (npy_intp j = 0; j < n; j++) {
            npy_quad_store(out + (first + i) * out_row + j * out_col,
                           round_groups(groups, rows * n, i * n + j, group_count,
                                        a_top[first + i] + b_top[j]));
        }
    }
}

NPY_NO_EXPORT int
quad_matmul_blas(const char *a, npy_intp a_row, npy_intp a_col, const char *b,
                 npy_intp b_row, npy_intp b_col, char *out, npy_intp out_row,
                 npy_intp out_col, npy_intp m, npy_intp k, npy_intp n)
{
    if (m < MIN_DIMENSION || k < MIN_DIMENSION || n < MIN_DIMENSION
            || (k + BLOCK - 1) / BLOCK > MAX_BLOCKS) {
        return 1;
    }
    int result = 1;
    /* rows of the product at a time: the scratch stays near PANEL_ENTRIES */
    npy_intp panel = PANEL_ENTRIES / n;
    panel = panel < MIN_DIMENSION ? MIN_DIMENSION : (panel > m ? m : panel);
    npy_int64 *tops = PyMem_RawMalloc((m + n) * sizeof(npy_int64));
    double *a_slices = NULL, *b_slices = NULL, *level = NULL;
    i128 *groups = NULL;
    if (tops == NULL) {
        goto finish;
    }
    npy_int64 *a_top = tops, *b_top = tops + m;
    /* B's columns are rows of length k, b_col apart, their entries b_row apart */
    int slices_a = measure_rows(a, m, a_row, k, a_col, a_top);
    int slices_b = measure_rows(b, n, b_col, k, b_row, b_top);
    if (slices_a < 0 || slices_b < 0) {
        goto finish;
    }
    if (slices_a == 0 || slices_b == 0) {
        /* A or B is zero */
        for (npy_intp i = 0; i < m; i++) {
            for (npy_intp j = 0; j < n; j++) {
                npy_quad_store(out + i * out_row + j * out_col, npy_quad_from_int64(0));
            }
        }
        result = 0;
        goto finish;
    }
    int group_count = (slices_a + slices_b - 1 + LEVELS_PER_GROUP - 1) / LEVELS_PER_GROUP;
    a_slices = PyMem_RawMalloc((size_t)slices_a * panel * k * sizeof(double));
    b_slices = PyMem_RawMalloc((size_t)slices_b * k * n * sizeof(double));
    level = PyMem_RawMalloc((size_t)panel * n * sizeof(double));
    groups = PyMem_RawMalloc((size_t)group_count * panel * n * sizeof(i128));
    if (a_slices == NULL || b_slices == NULL || level == NULL || groups == NULL) {
        goto finish;
    }
    /* B_q row-major k x n, written column by column */
    slice_rows(b, n, b_col, k, b_row, b_top, slices_b, b_slices, k * n, 1, n);
    for (npy_intp first = 0; first < m; first += panel) {
        npy_intp rows = m - first < panel ? m - first : panel;
        multiply_panel(a, a_row, a_col, a_top, slices_a, b_slices, b_top, slices_b,
                       out, out_row, out_col, first, rows, k, n, a_slices, level, groups);
    }
    result = 0;

finish:
    PyMem_RawFree(groups);
    PyMem_RawFree(level);
    PyMem_RawFree(b_slices);
    PyMem_RawFree(a_slices);
    PyMem_RawFree(tops);
    return result;
}

#else  /* no BLAS or no 128-bit integers: the dot products do every product */

NPY_NO_EXPORT int
quad_matmul_blas(const char *NPY_UNUSED(a), npy_intp NPY_UNUSED(a_row),
                 npy_intp NPY_UNUSED(a_col), const char *NPY_UNUSED(b),
                 npy_intp NPY_UNUSED(b_row), npy_intp NPY_UNUSED(b_col),
                 char *NPY_UNUSED(out), npy_intp NPY_UNUSED(out_row),
                 npy_intp NPY_UNUSED(out_col), npy_intp NPY_UNUSED(m),
                 npy_intp NPY_UNUSED(k), npy_intp NPY_UNUSED(n))
{
    return 1;
}

#endif
