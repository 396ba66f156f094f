"""The driver's own virtual environment (.venv/) with pinned requirements.

The system NumPy is never touched: the venv is created without system
site-packages, and the fork is put on its path only by PYTHONPATH.
"""
import hashlib
import os
import subprocess
import sys

from . import paths
from .errors import DiveError

REQUIREMENT_FILES = ("build.txt", "test.txt", "docs.txt")
# Wheels built against stock NumPy that the fork's tests import (scipy):
# installed with --no-deps so their numpy requirement does not pull stock NumPy in.
WITHOUT_DEPS_FILE = "without-deps.txt"
_STAMP = "dive-requirements.sha256"


def python_path(venv=paths.VENV):
    return venv / "bin" / "python"


def bin_dir(venv=paths.VENV):
    return venv / "bin"


def site_packages(venv=paths.VENV):
    """The venv's packages, which another 3.11 (Debian's python3.11d) can
    import from PYTHONPATH too."""
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    return venv / "lib" / version / "site-packages"


def _requirements_digest():
    digest = hashlib.sha256()
    for name in (*REQUIREMENT_FILES, WITHOUT_DEPS_FILE):
        digest.update((paths.REQUIREMENTS / name).read_bytes())
    return digest.hexdigest()


def _run(cmd):
    print("+", " ".join(str(c) for c in cmd), flush=True)
    if subprocess.run(cmd).returncode != 0:
        raise DiveError(f"command failed: {' '.join(str(c) for c in cmd)}")


def ensure_venv(venv=paths.VENV):
    """Create .venv if needed and install the pinned requirements when they change."""
    python = python_path(venv)
    if not python.exists():
        _run([sys.executable, "-m", "venv", str(venv)])
    stamp = venv / _STAMP
    wanted = _requirements_digest()
    if not stamp.exists() or stamp.read_text().strip() != wanted:
        requirements = []
        for name in REQUIREMENT_FILES:
            requirements += ["-r", str(paths.REQUIREMENTS / name)]
        _run([str(python), "-m", "pip", "install", "--quiet", *requirements])
        _run([str(python), "-m", "pip", "install", "--quiet", "--no-deps",
              "-r", str(paths.REQUIREMENTS / WITHOUT_DEPS_FILE)])
        stamp.write_text(wanted + "\n")
    return python


def ensure_package(package, venv=paths.VENV):
    """Install an optional tool (e.g. ipython) into the venv on first use."""
    python = python_path(venv)
    module = package.replace("-", "_")
    found = subprocess.run([str(python), "-c", f"import {module}"],
                           capture_output=True).returncode == 0
    if not found:
        _run([str(python), "-m", "pip", "install", "--quiet", package])


def environ(venv=paths.VENV):
    """Environment with the venv's bin/ first on PATH (cython, ninja, meson)."""
    env = dict(os.environ)
    env["PATH"] = os.pathsep.join([str(bin_dir(venv)), env.get("PATH", "")])
    env["VIRTUAL_ENV"] = str(venv)
    env.pop("PYTHONHOME", None)
    return env
