"""`pip install .` builds the release profile and installs the fork as numpy."""
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_pip_install_in_fresh_venv(tmp_path):
    env_dir = tmp_path / "env"
    subprocess.run([sys.executable, "-m", "venv", str(env_dir)], check=True)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(REPO)],
                   check=True, cwd=tmp_path)
    out = subprocess.run(
        [str(python), "-c", "import numpy; print(numpy.__version__); "
         "print(numpy.show_config(mode='dicts')['numpy-dive']['profile']); "
         "print(numpy.__file__)"],
        check=True, capture_output=True, text=True, cwd=tmp_path).stdout.split()
    assert out[0].endswith("+dive")
    assert out[1] == "release"
    assert Path(out[2]).is_relative_to(env_dir)
