"""Reference and memory leak check for the fork's new C code.

Each operation runs many times; the interpreter's total reference count
(sys.gettotalrefcount, a debug-build Python's) and its allocated blocks must
not grow with the number of runs. Two measurements (N and 3N runs, after a
warm-up that fills caches) cancel constant offsets: what is left is growth
per call. Run by `runtests.py --refcount` under Debian's python3.11d, with
the refdebug profile (compiled with Py_REF_DEBUG, so NumPy's own INCREF and
DECREF are counted too).
"""
import gc
import sys
import warnings
from decimal import Decimal
from fractions import Fraction

import numpy as np

RUNS = 100


def growth(operation):
    """(references, blocks) that one more call leaves behind, on average."""
    def measure(runs):
        gc.collect()
        refs, blocks = sys.gettotalrefcount(), sys.getallocatedblocks()
        for _ in range(runs):
            operation()
        gc.collect()
        return sys.gettotalrefcount() - refs, sys.getallocatedblocks() - blocks

    for _ in range(20):
        operation()
    few, many = measure(RUNS), measure(3 * RUNS)
    return ((many[0] - few[0]) / (2 * RUNS), (many[1] - few[1]) / (2 * RUNS))


def raises(operation, exception):
    def call():
        try:
            operation()
        except exception:
            return
        raise AssertionError(f"{operation} did not raise {exception.__name__}")
    return call


def quietly(operation):
    def call():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            operation()
    return call


def operations():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((40, 3000))
    out = np.empty(3000)
    mask = a > -1
    small = a[:3, :5].astype(np.float32)
    masked = np.ma.masked_greater(a[:4], 1.5)

    class Sub(np.ndarray):
        pass

    quads = a[0, :200].astype(np.quad)
    third = np.quad(1) / 3
    big = 3 ** 200

    return {
        "a.kurtosis()": lambda: a.kurtosis(),
        "a.kurtosis(axis=0)": lambda: a.kurtosis(axis=0),
        "a.kurtosis(axis=-1, keepdims=True)": lambda: a.kurtosis(axis=-1, keepdims=True),
        "a.kurtosis(axis=0, out=out)": lambda: a.kurtosis(axis=0, out=out),
        "a.kurtosis(where=mask, bias=False)": lambda: a.kurtosis(where=mask, bias=False),
        "float32 with dtype=": lambda: small.kurtosis(axis=1, dtype=np.float64),
        "int16 cast by the loop": lambda: a[:2].astype(np.int16).kurtosis(axis=1),
        "longdouble": lambda: a[:2].astype(np.longdouble).kurtosis(),
        "np.kurtosis(list)": lambda: np.kurtosis([1.0, 2.0, 4.0, 8.0]),
        "generic scalar": lambda: np.float64(3.0).kurtosis(),
        "subclass": lambda: a[:2].view(Sub).kurtosis(axis=1),
        "MaskedArray.kurtosis": lambda: masked.kurtosis(axis=1),
        "empty slice (warns)": quietly(lambda: np.zeros((0, 3)).kurtosis(axis=0)),
        "constant slice": lambda: np.ones(10).kurtosis(),
        "complex (TypeError)": raises(lambda: np.ones(3, complex).kurtosis(), TypeError),
        "bad axis (AxisError)": raises(lambda: a.kurtosis(axis=5), np.exceptions.AxisError),
        "bad out (ValueError)": raises(lambda: a.kurtosis(axis=0, out=np.empty(2)),
                                      ValueError),
        "np.quad(str), np.quad(int)": lambda: (np.quad("0.1e-30"), np.quad(big)),
        "np.quad(Fraction), (Decimal)": lambda: (np.quad(Fraction(1, 3)),
                                                 np.quad(Decimal("0.1"))),
        "int, as_integer_ratio, hash": lambda: (int(third), third.as_integer_ratio(),
                                               hash(third)),
        "repr, format of quad": lambda: (repr(third), format(third, ".40e")),
        "quad array arithmetic, sum": lambda: (quads * quads + 1).sum(),
        "quad casts (float, U, T)": lambda: (
            quads.astype(np.float32), quads.astype("U"),
            quads.astype(np.dtypes.StringDType()).astype(np.quad)),
        "quad bad text (ValueError)": raises(lambda: np.quad("0.1x"), ValueError),
        "quad math: exp, sin, arctan2, power": lambda: (
            np.exp(quads), np.sin(quads), np.arctan2(quads, third),
            np.power(abs(quads), third), np.quad(2) ** np.quad("0.5")),
        "quad logaddexp (256-bit path)": lambda: np.logaddexp(
            np.quad("-0.041307572460407967"), np.quad("-3.2029018262349520")),
        "quad kurtosis, where=": lambda: (quads.kurtosis(),
                                         quads.kurtosis(where=quads > 0)),
        "quad == Fraction, int, Decimal": lambda: (
            third == Fraction(1, 3), third < big, third > Decimal("0.3")),
        "quad + str (no loop)": raises(lambda: quads + "a", TypeError),
        "quad(2**20000) (OverflowError)": raises(lambda: np.quad(2**20000),
                                                 OverflowError),
        "quad of 5000 digits": lambda: np.quad("0." + "3" * 5000),
        "np.sinc, np.i0 of quad": lambda: (np.sinc(quads), np.i0(quads)),
        "quad // % ** divmod of scalars": lambda: (
            third // 0.1, third % 0.1, third ** 2, divmod(third, 0.1), 7 // third),
        "quad sorts, partition, searchsorted": lambda: (
            np.sort(quads), np.argsort(quads, kind="stable"), np.partition(quads, 50),
            np.searchsorted(np.sort(quads), quads)),
        "quad einsum, vecdot, matvec, matmul": lambda: (
            np.einsum("i,i", quads, quads), np.vecdot(quads, quads),
            np.matvec(quads[:100].reshape(10, 10), quads[:10]),
            quads[:100].reshape(10, 10) @ quads[:100].reshape(10, 10)),
        "quad divide (vector lanes)": lambda: quads / (quads + 1),
    }


def main():
    if not hasattr(sys, "gettotalrefcount"):
        sys.exit("check_leaks.py needs a debug build of Python (python3.11d)")
    failures = 0
    print(f"{'operation':<40} {'refs/call':>10} {'blocks/call':>12}")
    for name, operation in operations().items():
        refs, blocks = growth(operation)
        # a leak costs at least one reference or block per call; caches and
        # free lists settle to a few blocks in all, a fraction per call
        leaked = refs >= 0.5 or blocks >= 0.5
        failures += leaked
        print(f"{name:<40} {refs:>10.2f} {blocks:>12.2f}{'  LEAK' if leaked else ''}")
    print(f"{failures} of {len(operations())} operations leak")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
