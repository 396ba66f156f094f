"""Where things live. Every other module asks here instead of guessing."""
import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PATCHES = REPO / "patches"
SERIES = PATCHES / "series"
UPSTREAM_PIN = PATCHES / "upstream.toml"
OVERLAY = REPO / "numpy"
SITE_CFG = REPO / "site.cfg"
BUILD = REPO / "build"
PREPARED_TREE = BUILD / "src"
VENV = REPO / ".venv"
REQUIREMENTS = REPO / "tools" / "requirements"
# names the build a test session must import (dive.pytest_fork_guard checks it)
SITE_ENV = "NUMPY_DIVE_SITE_PACKAGES"


def cache_dir():
    """Download cache for sdists; survives ``rm -rf build`` and fresh clones."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "numpy-dive"


def build_dir(profile_name):
    return BUILD / profile_name


def install_dir(profile_name):
    return BUILD / f"{profile_name}-install"
