"""The test session refuses to run against anything but the fork's build."""
import os
import subprocess
import sys
import types
from pathlib import Path

import pytest

from dive.pytest_fork_guard import check_numpy_is_fork

TOOLS = Path(__file__).resolve().parents[1]


def fake_numpy(version, location):
    return types.SimpleNamespace(__version__=version, __file__=str(location))


def test_stock_version_is_refused(tmp_path):
    problem = check_numpy_is_fork(fake_numpy("2.4.6", tmp_path / "numpy/__init__.py"),
                                  tmp_path)
    assert "is not numpy-dive" in problem


def test_fork_from_elsewhere_is_refused(tmp_path):
    elsewhere = tmp_path / "other" / "numpy" / "__init__.py"
    problem = check_numpy_is_fork(fake_numpy("2.4.6+dive", elsewhere), tmp_path / "site")
    assert "not from the build in" in problem


def test_fork_from_its_build_is_accepted(tmp_path):
    site = tmp_path / "site"
    assert check_numpy_is_fork(fake_numpy("2.4.6+dive", site / "numpy/__init__.py"),
                               site) == ""


@pytest.mark.parametrize("version, refused", [("2.4.6", True), ("2.4.6+dive", False)])
def test_pytest_session_with_guard(tmp_path, version, refused):
    package = tmp_path / "site" / "numpy"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(f"__version__ = {version!r}\n")
    (tmp_path / "test_one.py").write_text("def test_ok():\n    pass\n")
    env = dict(os.environ, PYTHONPATH=f"{package.parent}:{TOOLS}",
               NUMPY_DIVE_SITE_PACKAGES=str(package.parent))
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "dive.pytest_fork_guard", "-q",
         "-p", "no:cacheprovider", str(tmp_path / "test_one.py")],
        cwd=tmp_path, env=env, capture_output=True, text=True)
    if refused:
        assert result.returncode == pytest.ExitCode.USAGE_ERROR
        assert "numpy-dive test guard" in result.stderr
        assert "not numpy-dive" in result.stderr
    else:
        assert result.returncode == 0, result.stdout + result.stderr
        assert "1 passed" in result.stdout
