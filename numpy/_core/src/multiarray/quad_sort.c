/*
 * Typed sorts of NPY_QUAD: the ArrFuncs sort and argsort slots that
 * np.sort, np.argsort and np.unique use (default and stable kinds).
 *
 * Each value maps to an unsigned 128-bit key whose order is np.sort's order
 * of the values: the sign-magnitude encoding flipped to two's-complement
 * order (a negative value's bits inverted, a positive value's sign bit set),
 * with -0.0 taken as 0.0 and every NaN as the largest key, so that NaNs go
 * last as for the other float types. Keys compare as two 64-bit words, with
 * no floating point and no call through `compare`.
 *
 * Every sort computes each key once and sorts (key, index) records: the
 * default kind with an introsort (median-of-three quicksort, insertion sort
 * for short runs, heapsort when the recursion goes too deep), the stable kind
 * with a merge sort. The records are moved whole, so the sorts read memory
 * in order, with no indirection through the indices; argsort then reads the
 * indices off, and sort gathers the values by them.
 * The sort functions receive contiguous, native data (see _new_sortlike and
 * PyArray_LexSort in item_selection.c); they move elements as two 64-bit
 * words, so 8-byte alignment is all they need (every malloc gives that).
 */
#define NPY_NO_DEPRECATED_API NPY_API_VERSION
#define _MULTIARRAYMODULE

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "numpy/ndarraytypes.h"
#include "numpy/npy_common.h"
#include "npy_partition.h"
#include "npy_sort.h"
#include "quadtype.h"

#if NPY_BYTE_ORDER == NPY_BIG_ENDIAN
enum { HI_WORD = 0, LO_WORD = 1 };
#else
enum { HI_WORD = 1, LO_WORD = 0 };
#endif

#define SIGN_WORD  0x8000000000000000ull
#define INF_WORD   0x7fff000000000000ull  /* the high word of infinity */
/* runs this short are finished by insertion sort */
#define SMALL_RUN 16

typedef struct {
    npy_uint64 hi, lo;
} sort_key;

/* An npy_quad's layout, without its 16-byte alignment. */
typedef struct {
    npy_uint64 bits[2];
} element;

static inline sort_key
key_of(element value)
{
    npy_uint64 hi = value.bits[HI_WORD], lo = value.bits[LO_WORD];
    npy_uint64 magnitude = hi & ~SIGN_WORD;
    sort_key key;

    if (magnitude > INF_WORD || (magnitude == INF_WORD && lo != 0)) {
        key.hi = key.lo = ~0ull;            /* NaN: last */
    }
    else if ((magnitude | lo) == 0) {
        key.hi = SIGN_WORD;                 /* -0.0 and 0.0 alike */
        key.lo = 0;
    }
    else if (hi & SIGN_WORD) {
        key.hi = ~hi;
        key.lo = ~lo;
    }
    else {
        key.hi = hi | SIGN_WORD;
        key.lo = lo;
    }
    return key;
}

/* A value's key and where it came from: what the sorts move. */
typedef struct {
    sort_key key;
    npy_intp index;
} record;

static inline int
key_less(sort_key a, sort_key b)
{
    return a.hi < b.hi || (a.hi == b.hi && a.lo < b.lo);
}

static inline int
less(const record *a, const record *b)
{
    return key_less(a->key, b->key);
}

static inline void
swap(record *a, record *b)
{
    record t = *a;
    *a = *b;
    *b = t;
}

/* 2 log2(n): the depth at which introsort turns to heapsort */
static int
depth_limit(npy_intp n)
{
    int depth = 0;
    for (; n > 1; n >>= 1) {
        depth++;
    }
    return 2 * depth;
}

static void
insertion_sort(record *r, npy_intp n)
{
    for (npy_intp i = 1; i < n; i++) {
        record item = r[i];
        npy_intp j = i;
        for (; j > 0 && less(&item, &r[j - 1]); j--) {
            r[j] = r[j - 1];
        }
        r[j] = item;
    }
}

static void
sift_down(record *r, npy_intp root, npy_intp n)
{
    record item = r[root];
    for (npy_intp child; (child = 2 * root + 1) < n; root = child) {
        if (child + 1 < n && less(&r[child], &r[child + 1])) {
            child++;
        }
        if (!less(&item, &r[child])) {
            break;
        }
        r[root] = r[child];
    }
    r[root] = item;
}

static void
heapsort(record *r, npy_intp n)
{
    for (npy_intp i = n / 2; i-- > 0;) {
        sift_down(r, i, n);
    }
    for (npy_intp end = n - 1; end > 0; end--) {
        swap(&r[0], &r[end]);
        sift_down(r, 0, end);
    }
}

/*
 * Quicksort's step on n > SMALL_RUN records: the median of three as pivot
 * (with sentinels at both ends), the others split around it. Returns the
 * pivot's place, which is its place in the sorted order.
 */
static npy_intp
partition_around_pivot(record *r, npy_intp n)
{
    npy_intp mid = n / 2;
    if (less(&r[mid], &r[0])) {
        swap(&r[mid], &r[0]);
    }
    if (less(&r[n - 1], &r[mid])) {
        swap(&r[n - 1], &r[mid]);
        if (less(&r[mid], &r[0])) {
            swap(&r[mid], &r[0]);
        }
    }
    swap(&r[mid], &r[1]);
    record pivot = r[1];
    npy_intp i = 1, j = n - 1;
    for (;;) {
        do {
            i++;
        } while (less(&r[i], &pivot));
        do {
            j--;
        } while (less(&pivot, &r[j]));
        if (i >= j) {
            break;
        }
        swap(&r[i], &r[j]);
    }
    swap(&r[1], &r[j]);
    return j;
}

static void
introsort(record *r, npy_intp n, int depth)
{
    while (n > SMALL_RUN) {
        if (depth-- == 0) {
            heapsort(r, n);
            return;
        }
        npy_intp j = partition_around_pivot(r, n);
        /* recurse into the smaller part, loop on the larger */
        if (j < n - j) {
            introsort(r, j, depth);
            r += j + 1;
            n -= j + 1;
        }
        else {
            introsort(r + j + 1, n - j - 1, depth);
            n = j;
        }
    }
    insertion_sort(r, n);
}

/*
 * Introselect: r[k] becomes the record the sorted order has there, with
 * none greater before it and none less after it.
 */
static void
select_record(record *r, npy_intp n, npy_intp k)
{
    int depth = depth_limit(n);
    while (n > SMALL_RUN) {
        if (depth-- == 0) {
            heapsort(r, n);
            return;
        }
        npy_intp j = partition_around_pivot(r, n);
        if (k == j) {
            return;
        }
        if (k < j) {
            n = j;
        }
        else {
            r += j + 1;
            n -= j + 1;
            k -= j + 1;
        }
    }
    insertion_sort(r, n);
}

/* Sorts r[0:n] stably, with scratch space for n / 2 records. */
static void
merge_sort(record *r, npy_intp n, record *scratch)
{
    if (n <= SMALL_RUN) {
        insertion_sort(r, n);
        return;
    }
    npy_intp half = n / 2;
    merge_sort(r, half, scratch);
    merge_sort(r + half, n - half, scratch);
    if (!less(&r[half], &r[half - 1])) {
        return;     /* already in order */
    }
    memcpy(scratch, r, half * sizeof(record));
    npy_intp i = 0, j = half, k = 0;
    while (i < half && j < n) {
        /* the right run's record goes first only when strictly less */
        r[k++] = less(&r[j], &scratch[i]) ? r[j++] : scratch[i++];
    }
    memcpy(r + k, scratch + i, (half - i) * sizeof(record));
}

/*
 * The records of the values at v in places start .. start + n - 1 (of
 * `order`, indices into v, or of v itself when it is NULL), in new memory
 * that the caller frees; NULL when out of memory.
 */
static record *
records_of(const element *v, const npy_intp *order, npy_intp start, npy_intp n)
{
    record *r = PyMem_RawMalloc((n > 0 ? n : 1) * sizeof(record));
    if (r != NULL) {
        for (npy_intp i = 0; i < n; i++) {
            r[i].index = order != NULL ? order[start + i] : start + i;
            r[i].key = key_of(v[r[i].index]);
        }
    }
    return r;
}

/* records_of all n values, sorted: stably when `stable`. */
static record *
sorted_records(const element *v, const npy_intp *order, npy_intp n, int stable)
{
    record *r = records_of(v, order, 0, n);
    record *scratch = NULL;
    if (r == NULL) {
        return NULL;
    }
    if (!stable) {
        introsort(r, n, depth_limit(n));
        return r;
    }
    scratch = PyMem_RawMalloc((n / 2 + 1) * sizeof(record));
    if (scratch == NULL) {
        PyMem_RawFree(r);
        return NULL;
    }
    merge_sort(r, n, scratch);
    PyMem_RawFree(scratch);
    return r;
}

/* Sorts the n values at `start` in place; 0, or -NPY_ENOMEM. */
static int
sort_values(void *start, npy_intp n, int stable)
{
    element *v = (element *)start;
    element *copy = PyMem_RawMalloc((n > 0 ? n : 1) * sizeof(element));
    record *r = copy == NULL ? NULL : sorted_records(v, NULL, n, stable);
    if (r == NULL) {
        PyMem_RawFree(copy);
        return -NPY_ENOMEM;
    }
    memcpy(copy, v, n * sizeof(element));
    for (npy_intp i = 0; i < n; i++) {
        v[i] = copy[r[i].index];
    }
    PyMem_RawFree(r);
    PyMem_RawFree(copy);
    return 0;
}

/*
 * Orders the indices `tosort` (into the values at v: 0 .. n-1 from
 * np.argsort, or the permutation of an earlier key for np.lexsort, which
 * the stable kind keeps among equal values); 0, or -NPY_ENOMEM.
 */
static int
sort_indices(void *v, npy_intp *tosort, npy_intp n, int stable)
{
    record *r = sorted_records((const element *)v, tosort, n, stable);
    if (r == NULL) {
        return -NPY_ENOMEM;
    }
    for (npy_intp i = 0; i < n; i++) {
        tosort[i] = r[i].index;
    }
    PyMem_RawFree(r);
    return 0;
}


/*
 * np.partition takes the kth values in increasing order, each call leaving
 * the places settled by the ones before (kept on the `pivots` stack, as
 * upstream's introselect keeps them) alone: the range [*low, *high] that is
 * still open for kth. Returns 1 when kth itself is settled.
 */
static int
open_range(npy_intp num, npy_intp kth, npy_intp *pivots, npy_intp *npiv,
           npy_intp *low, npy_intp *high)
{
    *low = 0;
    *high = num - 1;
    while (pivots != NULL && npiv != NULL && *npiv > 0) {
        npy_intp settled = pivots[*npiv - 1];
        if (settled > kth) {
            *high = settled - 1;
            break;
        }
        if (settled == kth) {
            return 1;
        }
        *low = settled + 1;
        *npiv -= 1;
    }
    return 0;
}

static void
settle(npy_intp kth, npy_intp *pivots, npy_intp *npiv)
{
    if (pivots != NULL && npiv != NULL && *npiv < NPY_MAX_PIVOT_STACK) {
        pivots[(*npiv)++] = kth;
    }
}

/*
 * Partitions the values (order == NULL) or the indices `order` into them
 * at kth; 0, or -NPY_ENOMEM.
 */
static int
partition_at(element *v, npy_intp *order, npy_intp num, npy_intp kth,
             npy_intp *pivots, npy_intp *npiv)
{
    npy_intp low, high;
    if (open_range(num, kth, pivots, npiv, &low, &high)) {
        return 0;
    }
    npy_intp n = high - low + 1;
    record *r = records_of(v, order, low, n);
    element *copy = order != NULL ? NULL : PyMem_RawMalloc(n * sizeof(element));
    if (r == NULL || (order == NULL && copy == NULL)) {
        PyMem_RawFree(r);
        return -NPY_ENOMEM;
    }
    select_record(r, n, kth - low);
    if (order != NULL) {
        for (npy_intp i = 0; i < n; i++) {
            order[low + i] = r[i].index;
        }
    }
    else {
        memcpy(copy, v + low, n * sizeof(element));
        for (npy_intp i = 0; i < n; i++) {
            v[low + i] = copy[r[i].index - low];
        }
    }
    PyMem_RawFree(r);
    PyMem_RawFree(copy);
    settle(kth, pivots, npiv);
    return 0;
}

/*
 * searchsorted: for each key, where it goes in the sorted values `sorted`
 * (through `sorter` when given); side right after equal values. Returns -1
 * for a sorter index out of range.
 */
static int
binary_search(const char *sorted, const char *keys, const char *sorter, char *ret,
              npy_intp sorted_len, npy_intp key_len, npy_intp sorted_str,
              npy_intp key_str, npy_intp sorter_str, npy_intp ret_str, int right)
{
    npy_intp min_idx = 0, max_idx = sorted_len;
    sort_key last = {0, 0};

    for (npy_intp i = 0; i < key_len; i++, keys += key_str, ret += ret_str) {
        element value;
        memcpy(&value, keys, sizeof(value));
        sort_key key = key_of(value);
        /*
         * Sorted keys are common: from the last key's place on when this one
         * is greater, else the search starts over (as upstream's searches).
         */
        if (i > 0 && key_less(last, key)) {
            max_idx = sorted_len;
        }
        else {
            min_idx = 0;
            max_idx = max_idx < sorted_len ? max_idx + 1 : sorted_len;
        }
        last = key;
        while (min_idx < max_idx) {
            npy_intp mid = min_idx + ((max_idx - min_idx) >> 1), place = mid;
            if (sorter != NULL) {
                place = *(const npy_intp *)(sorter + mid * sorter_str);
                if (place < 0 || place >= sorted_len) {
                    return -1;
                }
            }
            memcpy(&value, sorted + place * sorted_str, sizeof(value));
            sort_key here = key_of(value);
            if (right ? !key_less(key, here) : key_less(here, key)) {
                min_idx = mid + 1;
            }
            else {
                max_idx = mid;
            }
        }
        *(npy_intp *)ret = min_idx;
    }
    return 0;
}


/* The ArrFuncs slots. */

NPY_NO_EXPORT int
quad_quicksort(void *start, npy_intp n, void *NPY_UNUSED(arr))
{
    return sort_values(start, n, 0);
}

NPY_NO_EXPORT int
quad_mergesort(void *start, npy_intp n, void *NPY_UNUSED(arr))
{
    return sort_values(start, n, 1);
}

NPY_NO_EXPORT int
quad_aquicksort(void *v, npy_intp *tosort, npy_intp n, void *NPY_UNUSED(arr))
{
    return sort_indices(v, tosort, n, 0);
}

NPY_NO_EXPORT int
quad_amergesort(void *v, npy_intp *tosort, npy_intp n, void *NPY_UNUSED(arr))
{
    return sort_indices(v, tosort, n, 1);
}

/* np.partition, np.argpartition and np.searchsorted (patch 0011's hooks). */

NPY_NO_EXPORT int
quad_introselect(void *v, npy_intp num, npy_intp kth, npy_intp *pivots,
                 npy_intp *npiv, npy_intp NPY_UNUSED(nkth), void *NPY_UNUSED(arr))
{
    return partition_at((element *)v, NULL, num, kth, pivots, npiv);
}

NPY_NO_EXPORT int
quad_aintroselect(void *v, npy_intp *tosort, npy_intp num, npy_intp kth,
                  npy_intp *pivots, npy_intp *npiv, npy_intp NPY_UNUSED(nkth),
                  void *NPY_UNUSED(arr))
{
    return partition_at((element *)v, tosort, num, kth, pivots, npiv);
}

NPY_NO_EXPORT void
quad_binsearch_left(const char *sorted, const char *keys, char *ret, npy_intp sorted_len,
                    npy_intp key_len, npy_intp sorted_str, npy_intp key_str,
                    npy_intp ret_str, PyArrayObject *NPY_UNUSED(arr))
{
    binary_search(sorted, keys, NULL, ret, sorted_len, key_len, sorted_str, key_str,
                  0, ret_str, 0);
}

NPY_NO_EXPORT void
quad_binsearch_right(const char *sorted, const char *keys, char *ret, npy_intp sorted_len,
                     npy_intp key_len, npy_intp sorted_str, npy_intp key_str,
                     npy_intp ret_str, PyArrayObject *NPY_UNUSED(arr))
{
    binary_search(sorted, keys, NULL, ret, sorted_len, key_len, sorted_str, key_str,
                  0, ret_str, 1);
}

NPY_NO_EXPORT int
quad_argbinsearch_left(const char *sorted, const char *keys, const char *sorter,
                       char *ret, npy_intp sorted_len, npy_intp key_len,
                       npy_intp sorted_str, npy_intp key_str, npy_intp sorter_str,
                       npy_intp ret_str, PyArrayObject *NPY_UNUSED(arr))
{
    return binary_search(sorted, keys, sorter, ret, sorted_len, key_len, sorted_str,
                         key_str, sorter_str, ret_str, 0);
}

NPY_NO_EXPORT int
quad_argbinsearch_right(const char *sorted, const char *keys, const char *sorter,
                        char *ret, npy_intp sorted_len, npy_intp key_len,
                        npy_intp sorted_str, npy_intp key_str, npy_intp sorter_str,
                        npy_intp ret_str, PyArrayObject *NPY_UNUSED(arr))
{
    return binary_search(sorted, keys, sorter, ret, sorted_len, key_len, sorted_str,
                         key_str, sorter_str, ret_str, 1);
}
