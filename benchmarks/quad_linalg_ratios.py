"""np.linalg.solve on np.quad against python-flint's arb_mat.solve and
mpmath's lu_solve at 113 bits, and float64 LAPACK for scale, as ratios;
quad matmul against arb_mat's product; then svd and eigh against mpmath's
svd_r and eigsy (python-flint has neither for real matrices).

    python3 runtests.py --python benchmarks/quad_linalg_ratios.py --peer-python PATH

PATH is a Python with python-flint and mpmath (a venv beside the fork:
`python3 -m venv /tmp/peer && /tmp/peer/bin/pip install python-flint mpmath`).
The same random matrices go to it as exact ratios; each solver is timed
in turn, best of ROUNDS, in ns per multiply-add of the LU factorisation
(n**3 / 3). mpmath runs at the smallest order only (it takes seconds at
n = 200). The issue's target: a ratio below 1 against arb_mat.solve at
n = 200. matmul is timed in ns per multiply-add (n**3) at PRODUCT_ORDERS
(the issue's target: within 2x of arb_mat's product for n >= 100). svd
(with vectors) and eigh (a symmetric matrix) are timed in milliseconds,
best of ROUNDS, at DECOMPOSITION_ORDERS.
"""
import argparse
import json
import subprocess
import timeit

import numpy as np

ORDERS = (60, 200)
PRODUCT_ORDERS = (60, 100, 200)
DECOMPOSITION_ORDERS = (20, 60)
ROUNDS = 3
PEER = r"""
import json, sys, timeit
import flint, mpmath
flint.ctx.prec = 113
mpmath.mp.prec = 113
cases = json.loads(sys.stdin.read())
times = {}
for case in cases:
    n, rounds = case["n"], case["rounds"]
    ratio = lambda text: flint.fmpq(*map(int, text.split("/")))
    a = flint.arb_mat([[flint.arb(ratio(x)) for x in row] for row in case["a"]])
    b = flint.arb_mat([[flint.arb(ratio(x))] for x in case["b"]])
    times[f"flint {n}"] = min(timeit.repeat(lambda: a.solve(b), number=1, repeat=rounds))
    times[f"product {n}"] = min(timeit.repeat(lambda: a * a.transpose(), number=1,
                                              repeat=rounds))
    if case["mpmath"]:
        fraction = lambda text: mpmath.mpf(int(text.split("/")[0])) / int(text.split("/")[1])
        am = mpmath.matrix([[fraction(x) for x in row] for row in case["a"]])
        bm = mpmath.matrix([fraction(x) for x in case["b"]])
        times[f"mpmath {n}"] = min(timeit.repeat(lambda: mpmath.lu_solve(am, bm),
                                                 number=1, repeat=rounds))
        if case["decompositions"]:
            sym = am + am.T
            times[f"svd {n}"] = min(timeit.repeat(lambda: mpmath.svd_r(am),
                                                  number=1, repeat=rounds))
            times[f"eigh {n}"] = min(timeit.repeat(lambda: mpmath.eigsy(sym),
                                                   number=1, repeat=rounds))
print(json.dumps(times))
"""


def as_ratio(value):
    numerator, denominator = value.as_integer_ratio()
    return f"{numerator}/{denominator}"


def system(n, seed):
    rng = np.random.default_rng(seed)
    a = np.quad(1) * rng.standard_normal((n, n)) + np.quad(2.0**-60) * rng.standard_normal((n, n))
    b = np.quad(1) * rng.standard_normal(n)
    return a, b


def best(function, rounds=ROUNDS):
    return min(timeit.repeat(function, number=1, repeat=rounds))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--peer-python", required=True,
                        help="a Python with python-flint and mpmath")
    args = parser.parse_args(argv)
    systems = {n: system(n, n)
               for n in sorted(set(ORDERS + PRODUCT_ORDERS + DECOMPOSITION_ORDERS))}
    cases = [{"n": n, "rounds": ROUNDS, "mpmath": n == ORDERS[0] or n in DECOMPOSITION_ORDERS,
              "decompositions": n in DECOMPOSITION_ORDERS,
              "a": [[as_ratio(x) for x in row] for row in a], "b": [as_ratio(x) for x in b]}
             for n, (a, b) in systems.items()]
    peer = subprocess.run([args.peer_python, "-c", PEER], input=json.dumps(cases),
                          capture_output=True, text=True, check=True)
    peer_times = json.loads(peer.stdout)
    print(f"numpy {np.__version__}; best of {ROUNDS}; ns per multiply-add (n**3/3)")
    print(f"{'n':>4} {'fork':>8} {'float64':>8} {'arb_mat':>8} {'mpmath':>8} "
          f"{'fork/arb':>9} {'fork/mpmath':>12}")
    for n in ORDERS:
        a, b = systems[n]
        scale = 1e9 / (n**3 / 3)
        fork = best(lambda: np.linalg.solve(a, b)) * scale
        float64 = best(lambda: np.linalg.solve(a.astype(np.float64), b.astype(np.float64)),
                       rounds=20) * scale
        arb = peer_times[f"flint {n}"] * scale
        mp = peer_times.get(f"mpmath {n}")
        mp_text = f"{mp * scale:8.1f}" if mp else f"{'-':>8}"
        ratio_mp = f"{fork / (mp * scale):12.4f}" if mp else f"{'-':>12}"
        print(f"{n:>4} {fork:8.1f} {float64:8.2f} {arb:8.1f} {mp_text} {fork / arb:9.2f} "
              f"{ratio_mp}")
    print_products(systems, peer_times)
    print_decompositions(systems, peer_times)


def print_products(systems, peer_times):
    print(f"\nmatmul A @ A.T, ns per multiply-add (n**3), best of {ROUNDS}")
    print(f"{'n':>4} {'fork':>8} {'float64':>8} {'arb_mat':>8} {'fork/arb':>9}")
    for n in PRODUCT_ORDERS:
        a = systems[n][0]
        scale = 1e9 / n**3
        fork = best(lambda: a @ a.T) * scale
        a64 = a.astype(np.float64)
        float64 = best(lambda: a64 @ a64.T, rounds=20) * scale
        arb = peer_times[f"product {n}"] * scale
        print(f"{n:>4} {fork:8.2f} {float64:8.3f} {arb:8.2f} {fork / arb:9.2f}")


def print_decompositions(systems, peer_times):
    print(f"\nmilliseconds, best of {ROUNDS}")
    print(f"{'':>5} {'n':>4} {'fork':>9} {'float64':>8} {'mpmath':>9} {'fork/mpmath':>12}")
    for name, function in (("svd", np.linalg.svd), ("eigh", np.linalg.eigh)):
        for n in DECOMPOSITION_ORDERS:
            a = systems[n][0]
            if name == "eigh":
                a = a + a.T
            fork = best(lambda: function(a)) * 1e3
            float64 = best(lambda: function(a.astype(np.float64)), rounds=20) * 1e3
            mp = peer_times[f"{name} {n}"] * 1e3
            print(f"{name:>5} {n:>4} {fork:9.1f} {float64:8.3f} {mp:9.1f} {fork / mp:12.4f}")


if __name__ == "__main__":
    main()
