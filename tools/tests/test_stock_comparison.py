"""runtests.py --compare-stock: outcomes recorded on stock NumPy, compared on the fork."""
import json
import os
import subprocess
import sys
from pathlib import Path

from dive.pytest_outcomes import OutcomeRecorder, compare
from dive.testing import DESELECTED

TOOLS = Path(__file__).resolve().parents[1]


def recorder_with(outcomes):
    recorder = OutcomeRecorder()
    recorder.outcomes.update(outcomes)
    return recorder


def test_compare_finds_regressions_and_allows_declared_skips():
    stock = {"a.py::ok": "passed", "a.py::broken": "passed", "simd.py::t": "passed",
             "simd.py::bad": "passed", "a.py::gone": "passed", "a.py::skip": "skipped",
             next(iter(DESELECTED)): "passed"}
    fork = recorder_with({"a.py::ok": "passed", "a.py::broken": "failed",
                          "simd.py::bad": "error", "a.py::skip": "skipped"})
    checked, regressions, allowed = compare(stock, fork, may_skip=["simd.py"])
    assert checked == 5
    assert allowed == 1
    assert regressions == [("a.py::broken", "failed"), ("a.py::gone", "not run"),
                           ("simd.py::bad", "error")]


def run_pytest(tmp_path, *options):
    env = dict(os.environ, PYTHONPATH=str(TOOLS))
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
         "-p", "dive.pytest_outcomes", *options, str(tmp_path / "test_x.py")],
        cwd=tmp_path, env=env, capture_output=True, text=True)


def test_session_fails_on_regression(tmp_path):
    test_file = tmp_path / "test_x.py"
    test_file.write_text("def test_a():\n    pass\n\ndef test_b():\n    pass\n")
    record = tmp_path / "stock.json"
    assert run_pytest(tmp_path, "--dive-record-outcomes", str(record)).returncode == 0
    assert json.loads(record.read_text()) == {"test_x.py::test_a": "passed",
                                              "test_x.py::test_b": "passed"}

    result = run_pytest(tmp_path, "--dive-compare-outcomes", str(record))
    assert result.returncode == 0
    assert "all 2 tests that passed on stock NumPy pass on the fork" in result.stdout

    test_file.write_text("def test_a():\n    pass\n\ndef test_b():\n    assert 0\n")
    result = run_pytest(tmp_path, "--dive-compare-outcomes", str(record))
    assert result.returncode == 1
    assert "1 of the 2 tests that passed on stock NumPy do not pass" in result.stdout
    assert "failed: test_x.py::test_b" in result.stdout
