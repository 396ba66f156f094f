"""The quad math kernels' tables are what tools/quad_math_tables.py writes."""
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_tables_are_up_to_date():
    result = subprocess.run(
        [sys.executable, str(REPO / "tools" / "quad_math_tables.py"), "--check"],
        capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
