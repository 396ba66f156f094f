"""Assemble the pytest command lines that run the fork's and upstream's tests."""
import shutil
import subprocess
from pathlib import Path

from . import paths, upstream, venv
from .errors import DiveError

# Upstream tests that cannot pass on the fork, each with its reason. Keep it
# empty where possible: a test listed here is a behaviour we changed on purpose.
DESELECTED = {
    "numpy/tests/test_numpy_version.py::test_valid_numpy_version":
        "its regex admits only upstream's release/dev version forms; the fork's "
        "version carries the local label +dive (issue 2), which "
        "numpy/tests/test_dive_identity.py checks instead",
}

MODES = {"fast": "not slow", "full": None}


def marker_expression(mode):
    """fast -> 'not slow', full -> None, anything else is a pytest -m expression."""
    return MODES[mode] if mode in MODES else mode


def resolve_target(target, site):
    """Map a test path as written in the repository to where it runs.

    ``numpy/...`` names the installed copy in the build's site-packages (upstream
    and overlay tests alike); anything else (tools/tests/...) is a repository path.
    """
    path, sep, node = target.partition("::")
    if path.startswith("numpy"):
        resolved = Path(site) / path
    else:
        resolved = paths.REPO / path
    return f"{resolved}{sep}{node}"


def default_targets():
    return ["numpy", "tools/tests"]


def dive_targets():
    """The fork's own test files (those in the numpy/ overlay), as -t targets."""
    return sorted(str(path.relative_to(paths.REPO))
                  for path in paths.OVERLAY.rglob("tests/test_*.py"))


def _pytest_base(python, src, rootdir, mode, workers):
    """pytest with upstream's pytest.ini (warnings are errors) and the mode's markers."""
    cmd = [str(python), "-P", "-m", "pytest",
           "-c", str(Path(src) / "pytest.ini"), "--rootdir", str(rootdir)]
    expression = marker_expression(mode)
    if expression:
        cmd += ["-m", expression]
    if workers:
        cmd += ["-n", str(workers)]
    return cmd


def pytest_command(python, src, site, *, targets, mode="fast", workers=None,
                   extra_args=()):
    """The fork's session: the guard plugin, the deselections, the targets."""
    cmd = _pytest_base(python, src, site, mode, workers)
    cmd += ["-p", "dive.pytest_fork_guard"]
    for node in DESELECTED:
        cmd += ["--deselect", node]   # node ids are relative to --rootdir
    cmd += [resolve_target(t, site) for t in targets]
    return cmd + list(extra_args)


STOCK_SITE = paths.BUILD / "stock"
STOCK_OUTCOMES = paths.BUILD / "test-results" / "stock.json"


def stock_numpy_site():
    """build/stock, holding NumPy's pinned release from its PyPI wheel: the
    reference of --compare-stock and --bench-compare, put on PYTHONPATH in
    the fork's place. It is installed there with .venv's pip (--target), so
    the system's Python and its packages are never touched."""
    pinned = upstream.read_pin().version
    marker = STOCK_SITE / f".stock-numpy-{pinned}"
    if not marker.exists():
        if STOCK_SITE.exists():
            shutil.rmtree(STOCK_SITE)
        print(f"Installing stock NumPy {pinned} (its wheel) into {STOCK_SITE}", flush=True)
        result = subprocess.run(
            [str(venv.python_path()), "-m", "pip", "install", "--quiet", "--no-deps",
             "--only-binary=:all:", "--target", str(STOCK_SITE), f"numpy=={pinned}"],
            capture_output=True, text=True)
        if result.returncode != 0:
            raise DiveError(f"could not install stock NumPy {pinned} into {STOCK_SITE}:\n"
                            f"{result.stderr.strip()}")
        # laid out as the fork's build is (meson install, as spin's): without
        # the install metadata and scripts, upstream's tests that need an
        # installed numpy (numpy-config) skip on both sides alike
        for extra in [*STOCK_SITE.glob("numpy-*.dist-info"), STOCK_SITE / "bin"]:
            shutil.rmtree(extra)
        marker.touch()
    return STOCK_SITE


def stock_command(python, src, stock_site, *, targets, mode, workers):
    """Upstream's tests (the numpy/ targets only) against stock NumPy, recording outcomes."""
    numpy_targets = [t for t in targets if t.startswith("numpy")]
    if not numpy_targets:
        raise DiveError("--compare-stock needs numpy/... test targets")
    cmd = _pytest_base(python, src, stock_site, mode, workers)
    cmd += ["-q", "-p", "no:cacheprovider", "-p", "dive.pytest_outcomes",
            "--dive-record-outcomes", str(STOCK_OUTCOMES)]
    return cmd + [resolve_target(t, stock_site) for t in numpy_targets]


def compare_args(profile):
    args = ["-p", "dive.pytest_outcomes", "--dive-compare-outcomes", str(STOCK_OUTCOMES)]
    for prefix in profile.without_simd_tests:
        args += ["--dive-may-skip", prefix]
    return args
