"""Instruction counts of ndarray.kurtosis against a.sum(), as ratios (callgrind).

    python3 benchmarks/instruction_counts.py

Unlike wall time, instruction counts repeat exactly from run to run, even on a
loaded machine: use them to compare two versions of a kernel. Each count
covers the expression only (runtests.py --callgrind's toggles), on the
profiling build (-O3 -g, CPU dispatch), which must exist
(python3 runtests.py --profile profiling --build-only). Under valgrind the
CPU has no AVX-512, so the X86_V3 (AVX2) loops run.
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))

from dive import build, callgrind, environment, profiles, venv  # noqa: E402

SETUP = "import numpy as np; a = np.random.default_rng(0).standard_normal({shape})"
CASES = [
    ("1e6 float64", "10**6", "a.kurtosis()", "a.sum()"),
    ("(1000, 1000), axis=0", "(1000, 1000)", "a.kurtosis(axis=0)", "a.sum(axis=0)"),
    ("(1000, 1000), axis=-1", "(1000, 1000)", "a.kurtosis(axis=-1)", "a.sum(axis=-1)"),
]


def instructions(python, env, setup, code):
    return callgrind.parse(callgrind.run(python, env, setup, code, label="count")).total


def main():
    profile = profiles.load("profiling")
    site = build.site_packages(profile)
    python = venv.ensure_venv()
    env = environment.for_build(site, profile.name, profile)
    print(f"{'case':<24} {'kurtosis':>12} {'sum':>12}  ratio")
    for label, shape, ours, reference in CASES:
        setup = SETUP.format(shape=shape)
        mine = instructions(python, env, setup, ours)
        theirs = instructions(python, env, setup, reference)
        print(f"{label:<24} {mine:>12,} {theirs:>12,}  {mine / theirs:5.2f}x {reference}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
