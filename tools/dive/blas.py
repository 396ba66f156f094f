"""The BLAS/LAPACK a build links, chosen by `blas =` in site.cfg's [local].

scipy-openblas64 is the OpenBLAS that NumPy 2.4.6's own wheels carry
(requirements/ci_requirements.txt of the sdist pins the same version). It
comes from PyPI into .venv; meson finds it through the pkg-config file its
package writes, as upstream's wheel builds do, and the build links it with an
rpath into .venv. Debian's ILP64 OpenBLAS stays a choice, and is what a wheel
from `pip install .` links: a wheel cannot point into this checkout's .venv.
"""
import subprocess

from . import paths
from .errors import DiveError

SCIPY_OPENBLAS = "scipy-openblas64"
DEBIAN = "debian"
NONE = "none"
CHOICES = {
    SCIPY_OPENBLAS: "the stock wheels' OpenBLAS, from PyPI into .venv",
    DEBIAN: "Debian's ILP64 OpenBLAS (libopenblas64-pthread-dev)",
    NONE: "NumPy's slow internal fallback (upstream's BLAS-only tests fail)",
}
_PKG_CONFIG_DIR = paths.BUILD / "blas"


def check_choice(choice, where):
    if choice not in CHOICES:
        known = ", ".join(f"{name} ({text})" for name, text in CHOICES.items())
        raise DiveError(f"{where}: unknown blas {choice!r}; choose one of: {known}")
    return choice


def _write_scipy_openblas_pc(python):
    """scipy-openblas.pc for the package installed in `python`'s environment;
    its Libs carry the rpath to the package's lib/."""
    result = subprocess.run(
        [str(python), "-c", "import scipy_openblas64; print(scipy_openblas64.get_pkg_config())"],
        capture_output=True, text=True)
    if result.returncode != 0:
        raise DiveError(f"{SCIPY_OPENBLAS} is not importable from {python} "
                        f"(tools/requirements/build.txt installs it):\n{result.stderr}")
    _PKG_CONFIG_DIR.mkdir(parents=True, exist_ok=True)
    pc = _PKG_CONFIG_DIR / "scipy-openblas.pc"
    if not pc.exists() or pc.read_text() != result.stdout:
        pc.write_text(result.stdout)
    return _PKG_CONFIG_DIR


def meson_args(choice, python):
    """The meson options that link `choice`; NumPy's meson.build reads
    ILP64 from -Duse-ilp64 ([local] sets it) and, for scipy-openblas, takes
    LAPACK and the 64_ symbol suffix from the same library."""
    if choice == SCIPY_OPENBLAS:
        pc_dir = _write_scipy_openblas_pc(python)
        return ("-Dblas=scipy-openblas", "-Dlapack=scipy-openblas",
                f"-Dpkg_config_path={pc_dir}")
    if choice == DEBIAN:
        return ("-Dblas=openblas64", "-Dlapack=openblas64")
    return ("-Dblas=none", "-Dlapack=none", "-Dallow-noblas=true")
