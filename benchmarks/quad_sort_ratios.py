"""Speed of np.quad's typed sorts against np.longdouble's, as ratios.

Run against the release build:

    python3 runtests.py --python benchmarks/quad_sort_ratios.py

The same 10**6 standard normal values, as quad and as long double; each
operation on both in turn, best of several rounds. A ratio below 1 means
quad is faster (the issue's target: at most longdouble's time).
"""
import sys
import timeit

import numpy as np

ROUNDS = 7


def best_times(ours, reference):
    """The best times of two functions, called in turn ROUNDS times."""
    ours(), reference()
    times = [(timeit.timeit(ours, number=1), timeit.timeit(reference, number=1))
             for _ in range(ROUNDS)]
    return min(t for t, _ in times), min(t for _, t in times)


def main():
    values = np.random.default_rng(0).standard_normal(10**6)
    quad, long = values.astype(np.quad), values.astype(np.longdouble)
    quad_sorted, long_sorted = np.sort(quad), np.sort(long)
    cases = [
        ("sort", lambda a, s: np.sort(a)),
        ("sort, kind='stable'", lambda a, s: np.sort(a, kind="stable")),
        ("argsort", lambda a, s: np.argsort(a)),
        ("argsort, kind='stable'", lambda a, s: np.argsort(a, kind="stable")),
        ("unique", lambda a, s: np.unique(a)),
        ("partition at the median", lambda a, s: np.partition(a, a.size // 2)),
        ("searchsorted of 10**6 values", lambda a, s: np.searchsorted(s, a)),
    ]
    print(f"numpy {np.__version__}; 10**6 values; best of {ROUNDS}")
    for label, op in cases:
        ours, reference = best_times(lambda: op(quad, quad_sorted),
                                     lambda: op(long, long_sorted))
        verdict = "ok" if ours <= reference else "OVER longdouble"
        print(f"{label:<30} quad {ours * 1e3:7.1f} ms  longdouble "
              f"{reference * 1e3:7.1f} ms  {ours / reference:5.2f}x  {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
