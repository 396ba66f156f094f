"""np.quad's math functions against numpy-quaddtype 1.0 (SLEEF), as ratios.

    python3 runtests.py --python benchmarks/quad_math_ratios.py [--peer-python PATH]

The fork runs here; numpy-quaddtype runs in a worker process started with
PATH (default /tmp/peer/bin/python, a venv with stock NumPy 2.4.6 and
numpy-quaddtype==1.0.0: ``python3 -m venv /tmp/peer && /tmp/peer/bin/pip
install numpy==2.4.6 numpy-quaddtype==1.0.0``).  Both compute on the same
10**5 binary128 values (the worker reads the fork's raw bytes with
``np.frombuffer(..., dtype=QuadPrecDType())``) into a preallocated output,
timed in turn, each the best of ROUNDS.  A ratio below 1 means the fork is
faster.  Without the peer, the fork's times are printed alone.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import timeit

import numpy as np

N = 100_000
ROUNDS = 7
DEFAULT_PEER = "/tmp/peer/bin/python"

# name: (how to call it on x (and y), the interval of x)
CASES = {
    "exp": ("np.exp(x, out=out)", (0.5, 2)),
    "log": ("np.log(x, out=out)", (0.5, 2)),
    "sin": ("np.sin(x, out=out)", (0.5, 2)),
    "cos": ("np.cos(x, out=out)", (0.5, 2)),
    "tan": ("np.tan(x, out=out)", (0.5, 2)),
    "arctan": ("np.arctan(x, out=out)", (0.5, 2)),
    "tanh": ("np.tanh(x, out=out)", (0.5, 2)),
    "power(x, 0.37)": ("np.power(x, y, out=out)", (0.5, 2)),
    "cbrt": ("np.cbrt(x, out=out)", (0.5, 2)),
    "expm1": ("np.expm1(x, out=out)", (0.5, 2)),
    "log1p": ("np.log1p(x, out=out)", (0.5, 2)),
    "exp2": ("np.exp2(x, out=out)", (0.5, 2)),
    "log2": ("np.log2(x, out=out)", (0.5, 2)),
    "log10": ("np.log10(x, out=out)", (0.5, 2)),
    "sinh": ("np.sinh(x, out=out)", (0.5, 2)),
    "cosh": ("np.cosh(x, out=out)", (0.5, 2)),
    "arcsinh": ("np.arcsinh(x, out=out)", (0.5, 2)),
    "arccosh": ("np.arccosh(x, out=out)", (1.1, 3)),
    "arctanh": ("np.arctanh(x, out=out)", (-0.9, 0.9)),
    "arcsin": ("np.arcsin(x, out=out)", (-0.9, 0.9)),
    "arccos": ("np.arccos(x, out=out)", (-0.9, 0.9)),
    "arctan2": ("np.arctan2(x, x[::-1], out=out)", (0.5, 2)),
    "hypot": ("np.hypot(x, x[::-1], out=out)", (0.5, 2)),
    "logaddexp": ("np.logaddexp(x, x[::-1], out=out)", (0.5, 2)),
    "sin, |x| up to 1e30": ("np.sin(x, out=out)", (-1e30, 1e30)),
}
REQUIRED = ["exp", "log", "sin", "cos", "tan", "arctan", "tanh",
            "power(x, 0.37)", "cbrt", "expm1", "log1p"]

# The worker: loads the shared inputs, then answers "name" lines with the
# best of `rounds` timings of that case.
WORKER = r"""
import json, sys, timeit
import numpy as np
from numpy_quaddtype import QuadPrecDType, QuadPrecision
cases, paths, rounds = json.loads(sys.argv[1]), json.loads(sys.argv[2]), int(sys.argv[3])
dtype = QuadPrecDType()
inputs = {name: np.frombuffer(open(path, "rb").read(), dtype=dtype)
          for name, path in paths.items()}
y = QuadPrecision("0.37")
print("ready", flush=True)
for line in sys.stdin:
    name = line.strip()
    x = inputs[name]
    out = np.empty_like(x)
    code = compile(cases[name], name, "exec")
    scope = {"np": np, "x": x, "y": y, "out": out}
    exec(code, scope)
    best = min(timeit.timeit(lambda: exec(code, scope), number=1) for _ in range(rounds))
    print(best, flush=True)
"""


def full_precision_values(low, high, seed):
    """N quads uniform in [low, high) with all 113 significand bits used."""
    rng = np.random.default_rng(seed)
    coarse = rng.uniform(low, high, N).astype(np.quad)
    fine = rng.uniform(-1, 1, N).astype(np.quad) * np.quad(2) ** -60
    return coarse * (1 + fine)


class Peer:
    """numpy-quaddtype in its own interpreter, on the same bytes: `inputs`
    maps each case's name to its values, `cases` to its code."""

    def __init__(self, python, inputs, directory, cases):
        paths = {}
        for name, values in inputs.items():
            path = os.path.join(directory, f"{len(paths)}.bin")
            with open(path, "wb") as f:
                f.write(values.astype("<Y").tobytes())
            paths[name] = path
        env = {k: v for k, v in os.environ.items()
               if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
        self.process = subprocess.Popen(
            [python, "-c", WORKER, json.dumps(cases), json.dumps(paths), "1"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, text=True)
        if self.process.stdout.readline().strip() != "ready":
            raise RuntimeError("the numpy-quaddtype worker did not start")

    def time(self, name):
        self.process.stdin.write(name + "\n")
        self.process.stdin.flush()
        return float(self.process.stdout.readline())

    def close(self):
        self.process.stdin.close()
        self.process.wait()


def peer_python(argv, description):
    """The --peer-python option of a ratio script (its --help: `description`)."""
    parser = argparse.ArgumentParser(description=description,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--peer-python", default=DEFAULT_PEER,
                        help="a Python with stock NumPy 2.4.6 and numpy-quaddtype 1.0")
    return parser.parse_args(argv).peer_python


def start_peer(python, inputs, directory, cases):
    """The Peer on `python`, or None (said on stdout) when there is none."""
    if os.path.exists(python):
        return Peer(python, inputs, directory, cases)
    print(f"no {python}: numpy-quaddtype's column is empty")
    return None


def fork_time(name, x):
    out = np.empty_like(x)
    code = compile(CASES[name][0], name, "exec")
    scope = {"np": np, "x": x, "y": np.quad("0.37"), "out": out}
    return timeit.timeit(lambda: exec(code, scope), number=1)


def main(argv=None):
    python = peer_python(argv, __doc__)
    inputs = {name: full_precision_values(*interval, seed=i)
              for i, (name, (_, interval)) in enumerate(CASES.items())}
    with tempfile.TemporaryDirectory() as directory:
        peer = start_peer(python, inputs, directory,
                          {name: code for name, (code, _) in CASES.items()})
        print(f"numpy {np.__version__}, {N} elements, best of {ROUNDS}, ns per element")
        print(f"{'function':<22} {'fork':>8} {'quaddtype':>10} {'ratio':>7}")
        over = []
        for name, x in inputs.items():
            ours = theirs = float("inf")
            for _ in range(ROUNDS):
                ours = min(ours, fork_time(name, x))
                if peer is not None:
                    theirs = min(theirs, peer.time(name))
            if peer is None:
                print(f"{name:<22} {ours / N * 1e9:8.1f}")
                continue
            ratio = ours / theirs
            if name in REQUIRED and ratio > 1:
                over.append(name)
            print(f"{name:<22} {ours / N * 1e9:8.1f} {theirs / N * 1e9:10.1f} "
                  f"{ratio:7.2f}{'' if name in REQUIRED else '  (not required)'}")
        if peer is not None:
            peer.close()
            print("every required function at most numpy-quaddtype's time" if not over
                  else f"slower than numpy-quaddtype: {', '.join(over)}")


if __name__ == "__main__":
    main()
