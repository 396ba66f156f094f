"""Speed of np.quad, as ratios measured in one run.

Run against the release build:

    python3 runtests.py --python benchmarks/quad_ratios.py

- The scalar fast path: ``+ // % **`` and ``divmod`` on two np.quad
  scalars against the same operations through 0-d arrays (the path a scalar
  type without its own number methods takes).
- Array loops: quad against long double (x87, hardware) and float64 on the
  same values; quad is software binary128, so these show its price.
- Parsing: U and S arrays of decimal text cast to quad and to float64.

Each pair is timed in turn, best of several rounds (benchmarks/kurtosis_ratios.py).
"""
import operator

import numpy as np
from kurtosis_ratios import best_times

N = 100_000


def report(label, ours, reference, reference_name):
    ours_time, reference_time = best_times(ours, reference)
    print(f"{label}: {ours_time * 1e6:9.2f} us, {reference_name} "
          f"{reference_time * 1e6:9.2f} us, ratio {ours_time / reference_time:6.2f}")


def scalar_fast_path():
    q, r = np.quad("7.3"), np.quad("0.3")
    q0, r0 = np.array(q), np.array(r)
    cases = [("q + r", operator.add, np.add), ("q // r", operator.floordiv, np.floor_divide),
             ("q % r", operator.mod, np.remainder), ("q ** r", operator.pow, np.power),
             ("divmod(q, r)", divmod, np.divmod)]
    for label, scalar_op, ufunc in cases:
        def scalars():
            for _ in range(1000):
                scalar_op(q, r)

        def arrays():
            for _ in range(1000):
                ufunc(q0, r0)

        report(f"1000 x {label}, scalar path", scalars, arrays, "through 0-d arrays")


def array_loops():
    values = np.random.default_rng(0).uniform(0.5, 1.5, N)
    quad = values.astype(np.quad)
    longdouble = values.astype(np.longdouble)
    for name, func in [("add", lambda a: a + a), ("multiply", lambda a: a * a),
                       ("divide", lambda a: a / (a + 1)), ("sqrt", np.sqrt),
                       ("sum", np.sum)]:
        report(f"{name:8s} {N} quad", lambda: func(quad),
               lambda: func(longdouble), "long double")
    report(f"{'add':8s} {N} quad", lambda: quad + quad,
           lambda: values + values, "float64")


def parse_strings():
    """Casts from text: the issue's target is within 1.5x of float64's."""
    values = np.random.default_rng(0).standard_normal(N)
    for kind in ("U", "S", "T"):
        text = np.array([str(v) for v in values]).astype(kind)
        report(f"{N} str -> quad from {kind}", lambda: text.astype(np.quad),
               lambda: text.astype(np.float64), "float64")


def format_strings():
    """Casts to text: the shortest digits of 113 bits against those of 53."""
    values = np.random.default_rng(0).standard_normal(N)
    quad = values.astype(np.quad)
    for kind in ("U", "S", "T"):
        report(f"{N} quad -> str as {kind}", lambda: quad.astype(kind),
               lambda: values.astype(kind), "float64")


if __name__ == "__main__":
    print(f"numpy {np.__version__}")
    scalar_fast_path()
    array_loops()
    parse_strings()
    format_strings()
