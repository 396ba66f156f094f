#!/usr/bin/env python3
"""Print the accuracy table of np.quad's math functions against MPFR.

    python3 runtests.py --python tools/quad_accuracy.py [--points N]

For every function of numpy/_core/tests/test_quad_math.py, N arguments
spread over its whole domain (the sweeps' generators, another seed), graded
against MPFR (gmpy2) at 400 bits: the share of results that are correctly
rounded and the worst error in ulps.  doc/quad.rst shows this table.
"""
import argparse
import time

from numpy._core.tests import test_quad_math as reference


def rows(points):
    for name in sorted(reference.UNARY):
        ufunc, exact, _ = reference.UNARY[name]
        yield name, ufunc, exact, [(b,) for b in reference.unary_points(name, points, 2)]
    for name in sorted(reference.BINARY):
        ufunc, exact, _ = reference.BINARY[name]
        yield name, ufunc, exact, reference.binary_points(name, points, 2)
    yield ("power, x < 0", reference.np.power, reference.power_exact,
           reference.negative_base_points(points, 2))


def main(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--points", type=int, default=20000,
                        help="arguments per function (default 20000)")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    print(f"{'function':<14} {'points':>7} {'correctly rounded':>18} {'worst ulp':>10}")
    for name, ufunc, exact, arguments in rows(args.points):
        correct, worst, worst_at = reference.grade(ufunc, exact, arguments)
        print(f"{name:<14} {len(arguments):>7} {100 * correct / len(arguments):>17.3f}% "
              f"{worst:>10.4f}")
    print(f"({time.perf_counter() - start:.0f} s)")


if __name__ == "__main__":
    main()
