"""Assemble the pytest command line that runs the fork's and upstream's tests."""
from pathlib import Path

from . import paths
from .pytest_fork_guard import SITE_ENV

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


def pytest_command(python, src, site, *, targets, mode="fast", workers=None,
                   extra_args=()):
    cmd = [str(python), "-P", "-m", "pytest",
           "-c", str(Path(src) / "pytest.ini"), "--rootdir", str(site),
           "-p", "dive.pytest_fork_guard"]
    expression = marker_expression(mode)
    if expression:
        cmd += ["-m", expression]
    if workers:
        cmd += ["-n", str(workers)]
    for node in DESELECTED:
        cmd += ["--deselect", resolve_target(node, site)]
    cmd += [resolve_target(t, site) for t in targets]
    cmd += list(extra_args)
    return cmd


def test_environ(base_env, site, profile_name):
    """Environment for tests and --python: the fork first, then our tools."""
    env = dict(base_env)
    env["NUMPY_DIVE_PROFILE"] = profile_name
    env["PYTHONPATH"] = f"{site}:{paths.REPO / 'tools'}"
    env[SITE_ENV] = str(site)
    return env
