"""numpy-dive identifies itself: version label, build profile and patches."""
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import numpy as np


def test_version_has_local_label():
    # PEP 440: upstream release + local label, so pip and `numpy>=2.4.6`
    # requirements treat the fork as 2.4.6.
    assert re.fullmatch(r"\d+\.\d+\.\d+\+dive", np.__version__), np.__version__
    assert np.version.short_version == np.__version__.split("+")[0]
    assert np.version.version == np.version.full_version == np.__version__


def test_show_config_names_fork_and_profile():
    fork = np.show_config(mode="dicts")["numpy-dive"]
    assert fork["upstream"] == np.version.short_version
    expected_profile = os.environ.get("NUMPY_DIVE_PROFILE")
    if expected_profile is not None:
        assert fork["profile"] == expected_profile
    assert fork["buildtype"] in {"debug", "debugoptimized", "release", "plain",
                                 "minsize"}


def test_show_config_lists_the_patches_of_the_build():
    patches = np.show_config(mode="dicts")["numpy-dive"]["patches"]
    assert any(name[5:].startswith("Identify-the-fork") for name in patches)
    assert [name[:5] for name in patches] == [f"{i:04d}-" for i in range(1, len(patches) + 1)]
    assert all(name.endswith(".patch") for name in patches)
    if os.environ.get("NUMPY_DIVE_PROFILE") is not None:
        # run by runtests.py, which puts tools/ on the path: the checkout's series
        from dive.tree import read_series
        assert patches == read_series()


def test_profile_matches_buildtype():
    fork = np.show_config(mode="dicts")["numpy-dive"]
    expected = {"debug": "debug", "release": "release"}.get(fork["profile"])
    if expected is not None:
        assert fork["buildtype"] == expected


@pytest.mark.filterwarnings("ignore:Install `pyyaml`")
def test_show_config_prints_profile(capsys):
    np.show_config()
    out = capsys.readouterr().out
    assert "numpy-dive" in out
    assert np.show_config(mode="dicts")["numpy-dive"]["profile"] in out


def _first_dwarf_producer(shared_object):
    """The compiler flags DWARF records for the first compile unit, or None."""
    readelf = shutil.which("readelf")
    if readelf is None:
        pytest.skip("readelf (binutils) is not installed")
    with subprocess.Popen([readelf, "--debug-dump=info", shared_object],
                          stdout=subprocess.PIPE, text=True) as proc:
        for line in proc.stdout:
            if "DW_AT_producer" in line:
                proc.kill()
                return line
    return None


def test_compiled_with_profile_flags():
    fork = np.show_config(mode="dicts")["numpy-dive"]
    (umath,) = Path(np._core.__file__).parent.glob("_multiarray_umath*.so")
    producer = _first_dwarf_producer(str(umath))
    if fork["buildtype"] == "debug":      # debug, asan, coverage, refdebug
        assert producer is not None and " -O0" in producer
        if fork["profile"] in ("debug", "refdebug"):
            assert " -g3" in producer
    elif fork["profile"] == "release":
        assert producer is None           # no debug info, as in the wheels
    else:                                 # profiling: optimised, with debug info
        assert producer is not None and " -O3" in producer
