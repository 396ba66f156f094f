"""runtests.py's command line: one mode at a time, each with its own
modifiers, and the exit-code policy it shares with tools/patches.py."""
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from dive import profiles
from dive.testing import stock_numpy_site
from dive.errors import (EXIT_ERROR, EXIT_FAILED, EXIT_INTERRUPTED, CheckFailed,
                         DiveError, guarded)

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
import runtests  # noqa: E402


def runtests_cli(*args):
    return subprocess.run([sys.executable, str(REPO / "runtests.py"), *args],
                          capture_output=True, text=True, cwd=REPO, timeout=120)


@pytest.mark.parametrize("argv, message", [
    (["--trace", "x", "--callgrind", "y", "--gcov", "--shell"],
     "--shell and --callgrind and --trace and --gcov are different modes: give one"),
    (["--ipython", "--python", "-c", "1"], "--python and --ipython are different modes"),
    (["--batch", "--cgdb", "-c", "1"], "--batch goes with --gdb or --lldb, not with --cgdb"),
    (["--setup", "import numpy", "--gdb"],
     "--setup goes with --callgrind, --trace or --flamegraph, not with --gdb"),
    (["--break", "DOUBLE_add"], "--break goes with --gdb, --cgdb or --lldb, not with the tests"),
    (["-t", "numpy", "--valgrind", "numpy"], "-t/--tests goes with the tests, --gcov, --lcov-html or --leaks"),
    (["--compare-stock", "--gcov"], "--compare-stock goes with the tests, not with --gcov"),
    (["--shell", "--", "-x"], "-- PYTEST_ARGS goes with the tests"),
    (["--attach", "1", "--core", "core", "--gdb"], "two different targets: give one"),
    (["--attach", "1", "--gdb", "-c", "1"], "so --gdb takes no program"),
])
def test_conflicting_options_are_refused_before_any_build(argv, message):
    result = runtests_cli("--profile", "no-such-profile", *argv)
    assert result.returncode == EXIT_ERROR
    assert message in result.stderr
    # refused by the command line, not by loading the profile
    assert "unknown profile" not in result.stderr


def test_every_mode_takes_what_its_handler_reads():
    parser = runtests.make_parser()
    dests = {action.dest for action in parser._actions}
    for mode in (runtests.TESTS, *runtests.MODES):
        assert set(mode.options) <= dests, mode.option
        assert mode.dest is None or mode.dest in dests
        assert mode.profile is None or mode.profile in profiles.available()


def test_help_lists_every_mode_with_its_profile():
    result = runtests_cli("--help")
    assert result.returncode == 0
    modes = result.stdout.split("Modes, one at a time")[1]
    for mode in runtests.MODES:
        row = next(line for line in modes.splitlines()
                   if line.split()[:1] == [mode.option])
        assert (mode.profile or profiles.default_name()) in row
    assert "Exit status: 0 when" in result.stdout


def test_gdb_with_nothing_after_it_is_a_mode():
    parser = runtests.make_parser()
    args = parser.parse_args(["--attach", "1", "--gdb"])
    assert runtests.chosen_mode(parser, args).option == "--gdb"


@pytest.mark.parametrize("raised, status", [
    (DiveError("no gdb"), EXIT_ERROR),
    (CheckFailed("patch 0001 does not apply"), EXIT_FAILED),
    (KeyboardInterrupt(), EXIT_INTERRUPTED),
])
def test_one_exit_policy(raised, status, capsys):
    def work():
        raise raised
    assert guarded("tool", work) == status
    if isinstance(raised, DiveError):
        assert capsys.readouterr().err == f"tool: error: {raised}\n"


def test_patches_tool_shares_the_policy():
    result = subprocess.run([sys.executable, str(REPO / "tools" / "patches.py"), "--help"],
                            capture_output=True, text=True)
    assert "Exit status: 0 when" in result.stdout


def spin(*args):
    """.venv's spin, run in the checkout (it reads [tool.spin] there)."""
    return subprocess.run([str(Path(sys.executable).parent / "spin"), *args],
                          capture_output=True, text=True, cwd=REPO, timeout=600)


def test_spin_lists_the_commands_of_this_checkout():
    result = spin("--help")
    assert result.returncode == 0, result.stderr
    for command in ("build", "test", "ipython", "python", "shell", "gdb", "lldb", "bench",
                    "docs"):
        assert re.search(rf"^  {command} ", result.stdout, re.MULTILINE), command


def test_spin_options_reach_runtests():
    # the same mode table: a modifier of another mode is refused the same way
    result = spin("gdb", "--profile", "no-such-profile", "--batch", "-c", "1")
    assert result.returncode == EXIT_ERROR
    assert "unknown profile 'no-such-profile'" in result.stderr


@pytest.mark.slow
def test_spin_runs_the_fork():
    result = spin("python", "--no-build", "-c", "import numpy; print(numpy.__version__)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("+dive")
    result = spin("test", "--no-build", "-t", "numpy/tests/test_dive_identity.py", "--", "-q")
    assert result.returncode == 0, result.stdout[-2000:]
    assert " passed" in result.stdout
    result = spin("gdb", "--no-build", "--batch", "--break", "DOUBLE_add", "--ex", "bt 1",
                  "-c", "import numpy as np; np.ones(3) + 1")
    assert result.returncode == 0, result.stderr[-2000:]
    assert re.search(r"^#0  DOUBLE_add ", result.stdout, re.MULTILINE)


# --- benchmarks: runtests.py --bench / --bench-compare, spin bench ---

def timing(time, samples=None):
    """One benchmark's result as asv compare's resultset has it."""
    stats = {"repeat": len(samples), "ci_99_a": min(samples), "ci_99_b": max(samples),
             "q_25": min(samples), "q_75": max(samples), "number": 1} if samples else None
    return time, stats, samples


def resultset(times):
    rows = []
    for name, (time, stats, samples) in times.items():
        rows.append((name, [], [time], [stats], [samples], "v1", "machine", "numpy"))
    return rows


def test_stock_verdict_follows_asv_compare():
    from dive import asv_compare
    stock = resultset({
        "bench_stock.A.time_same": timing(1.0),
        "bench_stock.A.time_slower": timing(1.0),
        "bench_stock.A.time_noisy": timing(1.0, [0.5, 1.0, 1.5, 0.7, 1.3]),
        "bench_quad_arith.Q.time_x": timing(1.0),
    })
    fork = resultset({
        "bench_stock.A.time_same": timing(1.03),
        "bench_stock.A.time_slower": timing(1.2),
        "bench_stock.A.time_noisy": timing(1.2, [0.6, 1.2, 1.6, 0.9, 1.5]),
        "bench_quad_arith.Q.time_x": timing(9.0),
    })
    status, text = asv_compare.verdict(stock, fork)
    assert status == 1
    assert "1.200  bench_stock.A.time_slower   (off by more than 5%)" in text
    assert "1.200  bench_stock.A.time_noisy   (more than 5% but within the noise" in text
    assert text.endswith("1 off by more than 5% (asv compare's + or -), 1 within the noise, "
                         "1 within 5%")
    # only the stock suite is judged: quad's ratio is the fork's own business
    assert "bench_quad_arith" not in text
    status, text = asv_compare.verdict(stock[:1], fork[:1])
    assert status == 0 and text.endswith("0 off by more than 5% (asv compare's + or -), "
                                         "0 within the noise, 1 within 5%")


BLAS_OF_NUMPY = ("import numpy; c = numpy.show_config(mode='dicts')['Build Dependencies']; "
                 "print(c['blas']['name'], c['blas']['version'], c['lapack']['name'])")


def test_the_fork_links_the_openblas_of_the_stock_wheel():
    fork = runtests_cli("--no-build", "--python", "-c", BLAS_OF_NUMPY)
    assert fork.returncode == 0, fork.stderr[-2000:]
    stock = subprocess.run([sys.executable, "-c", BLAS_OF_NUMPY], capture_output=True,
                           text=True, check=True, env={**os.environ,
                                                       "PYTHONPATH": str(stock_numpy_site())})
    assert stock.stdout.split() == ["scipy-openblas", "0.3.31.188.0", "scipy-openblas"]
    assert fork.stdout.split()[-3:] == ["scipy-openblas", "0.3.31.188.0", "scipy-openblas"]


@pytest.mark.slow
def test_bench_times_the_suite_on_the_fork():
    result = runtests_cli("--no-build", "--bench", r"Elementwise.time_add_small",
                          "--", "--quick")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "bench_stock.Elementwise.time_add_small" in result.stdout
    assert re.search(r"float64\s+[\d.]+±[\d.]+[mμn]?s", result.stdout)


@pytest.mark.slow
def test_bench_compare_times_stock_numpy_and_the_fork():
    result = spin("bench", "--no-build", "--compare", "-t", "Elementwise.time_add_small",
                  "-t", r"QuadReductionsAndProducts.time_sum", "--", "--quick")
    assert "Before [stock] <NumPy 2.4.6>" in result.stdout, result.stderr[-2000:]
    # quad's benchmarks are skipped on stock NumPy: no ratio, no failure
    assert re.search(r"\| n/a +\| [\d.]+±[\d.]+[mμn]?s +\| n/a +\| "
                     r"bench_quad_arith.QuadReductionsAndProducts.time_sum\('quad'\)",
                     result.stdout)
    assert "bench_stock.Elementwise.time_add_small('int64')" in result.stdout
    verdict = re.search(r"(\d+) off by more than 5%.*, (\d+) within the noise, "
                        r"(\d+) within 5%", result.stdout)
    assert verdict and sum(map(int, verdict.groups())) == 3
    assert result.returncode == (1 if verdict[1] != "0" else 0)
    ratios = (REPO / "build" / "asv" / "stock_ratios.csv").read_text().splitlines()
    assert ratios[0] == "benchmark,stock NumPy (s),numpy-dive (s),ratio"
    assert [row.split(",")[0] for row in ratios[1:]] == [
        f"Elementwise.time_add_small('{dtype}')" for dtype in ("float32", "float64", "int64")]


def test_the_stock_ratios_plot(tmp_path):
    ratios = tmp_path / "ratios.csv"
    ratios.write_text("benchmark,stock NumPy (s),numpy-dive (s),ratio\n"
                      "Sorting.time_sort('int64'),0.01,0.0102,1.020\n"
                      "Products.time_matmul('float64'),0.002,0.00216,1.080\n")
    png = tmp_path / "ratios.png"
    result = subprocess.run([sys.executable, str(REPO / "benchmarks" / "plot_stock_ratios.py"),
                             str(ratios), str(png)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-2000:]
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
