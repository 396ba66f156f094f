import io
import sys
import tarfile
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dive import upstream  # noqa: E402

UPSTREAM_FILES = {
    "pkg/meson.build": "project('pkg')\nsubdir('core')\n",
    "pkg/core.py": "def answer():\n    return 41\n",
    "README": "a tiny stand-in for the NumPy sdist\n",
    # an edit to its first line gives a hunk that ends in blank context lines
    "pkg/spaced.txt": "first\n\n\n\n",
}


def make_sdist(path, files, top="pkg-1.0"):
    with tarfile.open(path, "w:gz") as tar:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(f"{top}/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return path


@pytest.fixture
def fake_upstream(tmp_path):
    """A cached sdist with a correct pin: (pin, cache dir)."""
    cache = tmp_path / "cache"
    cache.mkdir()
    sdist = make_sdist(cache / "pkg-1.0.tar.gz", UPSTREAM_FILES)
    pin = upstream.Pin("1.0", "file:///nowhere/pkg-1.0.tar.gz", upstream.sha256_of(sdist))
    return pin, cache


def pytest_configure(config):
    # numpy's conftest registers `slow` too, but only for sessions that collect numpy/
    config.addinivalue_line("markers", "slow: takes minutes (run with -m full)")
    config.addinivalue_line("markers", "heavy: memcheck, ASan, TSan and leak runs of the "
                                       "fork's tests")
    # ... and valgrind_error, which the quad tests imported here carry
    config.addinivalue_line("markers", "valgrind_error: tests that are known to error "
                                       "under valgrind")
