"""The typing stubs against the built fork: upstream's own stubtest run
(tools/stubtest of NumPy's sdist: its mypy.ini and allowlists, as `spin
stubtest` runs it), which fails on any stub the runtime contradicts, and so
on a missing or wrong np.quad, QuadDType or kurtosis."""
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dive import paths


@pytest.mark.slow
def test_stubtest_finds_the_stubs_and_the_fork_agree():
    site = Path(os.environ[paths.SITE_ENV])
    config = paths.PREPARED_TREE / "tools" / "stubtest"
    version_list = "allowlist_py311.txt" if sys.version_info < (3, 12) else "allowlist_py312.txt"
    # from the build's site-packages: mypy.ini's `files` are the installed stubs
    result = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "--ignore-disjoint-bases",
         f"--mypy-config-file={config / 'mypy.ini'}",
         f"--allowlist={config / 'allowlist.txt'}", f"--allowlist={config / version_list}",
         "numpy"],
        cwd=site, capture_output=True, text=True, timeout=1200)
    assert result.returncode == 0, (result.stdout + result.stderr)[-5000:]
    assert "Success: no issues found" in result.stdout
