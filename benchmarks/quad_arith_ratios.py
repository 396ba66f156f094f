"""np.quad's arithmetic, sums, products, sorts and parsing against
numpy-quaddtype 1.0 and long double, as ratios.

    python3 runtests.py --python benchmarks/quad_arith_ratios.py [--peer-python PATH]

The fork and long double run here, numpy-quaddtype in a worker process (see
benchmarks/quad_math_ratios.py, whose worker this uses) on the same 10**5
binary128 values, each case timed in turn, best of ROUNDS, in ns per element
(per multiply-add for matmul). The issue's target is a ratio of at most 0.5
against numpy-quaddtype for add, multiply, divide, sum, dot and matmul.
"""
import sys
import tempfile
import timeit

import numpy as np
from quad_math_ratios import N, ROUNDS, full_precision_values, peer_python, start_peer

MATMUL = 200
# name: (code on x, y, out; what one time is divided by)
CASES = {
    "add": ("np.add(x, x[::-1], out=out)", N),
    "subtract": ("np.subtract(x, x[::-1], out=out)", N),
    "multiply": ("np.multiply(x, x[::-1], out=out)", N),
    "divide": ("np.divide(x, x[::-1], out=out)", N),
    "square": ("np.square(x, out=out)", N),
    "sum": ("x.sum()", N),
    "dot": ("np.matmul(x, x[::-1])", N),
    f"matmul {MATMUL}x{MATMUL} (per multiply-add)":
        (f"np.matmul(x[:{MATMUL ** 2}].reshape({MATMUL}, {MATMUL}), "
         f"x[{MATMUL ** 2}:{2 * MATMUL ** 2}].reshape({MATMUL}, {MATMUL}))", MATMUL ** 3),
    "sort": ("np.sort(x)", N),
    "argsort": ("np.argsort(x)", N),
    # the same text for all: float64 reprs, made once (the first, untimed run)
    "parse from U": ("if 'text' not in globals():\n"
                     "    text = x.astype(np.float64).astype('U32')\n"
                     "text.astype(x.dtype)", N),
}
TARGET = {"add", "multiply", "divide", "sum", "dot",
          f"matmul {MATMUL}x{MATMUL} (per multiply-add)"}


def local_time(code, x):
    scope = {"np": np, "x": x, "y": None, "out": np.empty_like(x)}
    compiled = compile(code, "case", "exec")
    exec(compiled, scope)   # untimed, as the worker does
    return timeit.timeit(lambda: exec(compiled, scope), number=1)


def main(argv=None):
    python = peer_python(argv, __doc__)
    values = full_precision_values(0.5, 2, seed=0)
    inputs = dict.fromkeys(CASES, values)
    longdouble = values.astype(np.longdouble)
    with tempfile.TemporaryDirectory() as directory:
        peer = start_peer(python, inputs, directory,
                          {name: code for name, (code, _) in CASES.items()})
        print(f"numpy {np.__version__}, {N} elements, best of {ROUNDS}, ns per element")
        print(f"{'operation':<38} {'fork':>7} {'quaddtype':>10} {'ratio':>6} "
              f"{'longdouble':>11}")
        for name, (code, per) in CASES.items():
            ours = theirs = long_time = float("inf")
            for _ in range(ROUNDS):
                ours = min(ours, local_time(code, values))
                long_time = min(long_time, local_time(code, longdouble))
                if peer is not None:
                    theirs = min(theirs, peer.time(name))
            ratio = ours / theirs if peer is not None else float("nan")
            verdict = ("" if name not in TARGET or peer is None else
                       "  ok" if ratio <= 0.5 else "  OVER 0.5")
            print(f"{name:<38} {ours / per * 1e9:7.1f} {theirs / per * 1e9:10.1f} "
                  f"{ratio:6.2f} {long_time / per * 1e9:11.1f}{verdict}")
        if peer is not None:
            peer.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
