"""Speed of ndarray.kurtosis against a.sum() and scipy.stats.kurtosis, as ratios.

Run against the release build:

    python3 runtests.py --python benchmarks/kurtosis_ratios.py

Each ratio is measured in this one run: the fork's kurtosis and a.sum() in this
process, called in turn so that both see the same machine (best of several
rounds each), scipy.stats.kurtosis in a second process with the system's stock
NumPy and SciPy on the same data (saved to a .npy).
"""
import json
import os
import subprocess
import sys
import tempfile
import timeit

import numpy as np

ROUNDS = 15
SCIPY_REPEATS = 7
# The interpreter the venv was made from: it has the system's stock NumPy and SciPy.
STOCK_PYTHON = getattr(sys, "_base_executable", None) or "python3"

SCIPY_TIMER = """
import json, sys, timeit
import numpy as np
from scipy import stats
a = np.load(sys.argv[1])
axis = json.loads(sys.argv[2])
best = min(timeit.repeat(lambda: stats.kurtosis(a, axis=axis), number=1, repeat=int(sys.argv[3])))
print(best)
"""


def best_time(func):
    func()
    return min(timeit.repeat(func, number=1, repeat=ROUNDS))


def best_times(ours, reference):
    """The best times of two functions, called in turn ROUNDS times."""
    ours(), reference()
    times = [(timeit.timeit(ours, number=1), timeit.timeit(reference, number=1))
             for _ in range(ROUNDS)]
    return min(t for t, _ in times), min(t for _, t in times)


def scipy_time(a, axis):
    """scipy.stats.kurtosis on `a` with stock NumPy, in a second process."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "data.npy")
        np.save(path, a)
        result = subprocess.run(
            [STOCK_PYTHON, "-c", SCIPY_TIMER, path, json.dumps(axis), str(SCIPY_REPEATS)],
            env=env, capture_output=True, text=True, cwd=tmp)
    if result.returncode != 0:
        return None, result.stderr.strip().splitlines()[-1]
    return float(result.stdout), None


def report(label, ours, reference, reference_name, limit=None):
    ratio = ours / reference
    verdict = "" if limit is None else ("  ok" if ratio <= limit else f"  OVER {limit}x")
    print(f"{label:<42} {ours * 1e3:8.2f} ms  {ratio:6.2f}x {reference_name}{verdict}")


def masked_cases(rng):
    """where= and MaskedArray against the plain path on the same data (the
    issue's data: 1e7 values, two sets of outliers), for four masks."""
    a = np.full(10_000_000, 1000.0)
    a[::7] = 1003
    a[1::11] = 998
    every_13th = np.arange(a.size) % 13 != 0
    for label, keep in (("every 13th masked", every_13th),
                        ("1% masked at random", rng.random(a.size) > 0.01),
                        ("half masked at random", rng.random(a.size) > 0.5),
                        ("90% masked at random", rng.random(a.size) > 0.9)):
        masked = np.ma.MaskedArray(a, ~keep)
        report(f"where=, {label}", *best_times(lambda: a.kurtosis(where=keep),
                                               a.kurtosis),
               "a.kurtosis()", limit=3.0)
        report(f"MaskedArray, {label}", *best_times(masked.kurtosis, a.kurtosis),
               "a.kurtosis()", limit=3.0)


def main():
    fork = np.show_config(mode="dicts")["numpy-dive"]
    print(f"numpy {np.__version__} ({fork['profile']} profile); best of {ROUNDS} "
          f"(scipy: {SCIPY_REPEATS})")
    rng = np.random.default_rng(0)

    flat = rng.standard_normal(10_000_000)
    report("a.kurtosis(), 1e7 float64", *best_times(flat.kurtosis, flat.sum),
           "a.sum()", limit=2.0)
    grid = rng.standard_normal((1000, 10000))
    for axis, limit in ((0, 1.5), (-1, 2.5)):
        report(f"a.kurtosis(axis={axis}), (1000, 10000) float64",
               *best_times(lambda: grid.kurtosis(axis=axis),
                           lambda: grid.sum(axis=axis)),
               f"a.sum(axis={axis})", limit=limit)

    masked_cases(rng)

    for label, data, axis, ours in (
            ("1e7 float64, axis=None", flat, None, flat.kurtosis),
            ("(1000, 10000), axis=0", grid, 0, lambda: grid.kurtosis(axis=0))):
        theirs, error = scipy_time(data, axis)
        if theirs is None:
            print(f"scipy.stats.kurtosis, {label}: not measured ({error})")
            continue
        mine = best_time(ours)
        print(f"{'scipy / fork, ' + label:<42} {theirs * 1e3:8.2f} ms  "
              f"{theirs / mine:6.2f}x faster than scipy.stats.kurtosis"
              f"{'  ok' if theirs / mine >= 10 else '  UNDER 10x'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
