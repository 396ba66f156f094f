"""A short tour of numpy-dive; run it with `python3 runtests.py --python doc/tour.py`.

It grows as features land: each section shows one thing the fork adds.
"""
import sys

import numpy as np


def section(title):
    print(f"\n== {title} ==")


section("Which NumPy is this?")
fork = np.show_config(mode="dicts")["numpy-dive"]
print(f"numpy {np.__version__} (upstream {fork['upstream']}), "
      f"profile {fork['profile']!r}, meson buildtype {fork['buildtype']!r}")
print(f"imported from {np.__file__}")
print(f"python {sys.version.split()[0]} at {sys.executable}")

section("Stock NumPy behaviour is unchanged")
a = np.arange(12, dtype=np.float64).reshape(3, 4)
print("a =", a.tolist())
print("a.sum(axis=0) =", a.sum(axis=0).tolist())
print("a.var() =", a.var())

section("ndarray.kurtosis, computed in C (doc/kurtosis.rst)")
x = np.random.default_rng(0).standard_normal(100_000)[:, None] + [0, 1e8, 1e12]
print("excess kurtosis of one N(0,1) sample offset by 0, 1e8, 1e12 (the same three times):",
      x.kurtosis(axis=0))
print("np.kurtosis([1, 2, 3, 4]) =", np.kurtosis([1, 2, 3, 4]),
      "| fisher=False:", np.kurtosis([1, 2, 3, 4], fisher=False),
      "| bias=False on 1..5:", np.kurtosis([1, 2, 3, 4, 5], bias=False))

section("np.quad, IEEE binary128 (doc/quad.rst)")
third = np.quad(1) / 3
print("np.quad(1) / 3 =", repr(third))
print("np.quad('0.1') == 0.1:", np.quad("0.1") == 0.1,
      "| int(np.quad(2) ** 200) == 2 ** 200:", int(np.quad(2) ** 200) == 2 ** 200)
q = np.array(["0.1", "0.2", "0.3"], dtype=np.quad)
print("q =", q, "| q.sum() =", q.sum(), "| q.dtype.str =", q.dtype.str)
print("np.finfo(np.quad).eps =", np.finfo(np.quad).eps,
      "| precision:", np.finfo(np.quad).precision, "digits")

section("Where to go next")
print("python3 runtests.py --docs, then build/docs/html/index.html: the documentation,")
print("  from a tour of NumPy's source tree to how kurtosis and NPY_QUAD were added")
print("python3 runtests.py --profile debug --gdb -c 'import numpy as np; np.ones(3) + 1'")
