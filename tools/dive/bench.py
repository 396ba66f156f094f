"""runtests.py --bench and --bench-compare: the asv suite in benchmarks/.

--bench times the suite on the build in this session's Python, saving
nothing (asv run --python=same --dry-run, as NumPy's old runtests.py did).
--bench-compare times it on stock NumPy 2.4.6 and on the fork, one round of
each at a time in turn (asv cannot interleave `existing` environments
itself; --append-samples gathers the rounds), then prints asv's ratio table
and checks the stock operations (benchmarks/benchmarks/bench_stock.py) stay
within asv_compare.STOCK_BAND.

asv keeps its machine description in ~/.asv-machine.json; here HOME is
build/asv/home for asv alone, so nothing is written outside the repository.
"""
import subprocess

from . import paths
from .errors import DiveError

ASV_CONFIG = paths.REPO / "benchmarks" / "asv.conf.json"
ASV_DIR = paths.BUILD / "asv"
MACHINE = "numpy-dive"
# rounds per side, each a whole pass over the selected benchmarks (asv's default)
ROUNDS = 2
COMPARE_SCRIPT = paths.REPO / "tools" / "dive" / "asv_compare.py"
# the stock operations' ratios of the last --bench-compare
STOCK_RATIOS = ASV_DIR / "stock_ratios.csv"


def asv_environ(env):
    """The session's environment with asv's own HOME, its machine described."""
    home = ASV_DIR / "home"
    home.mkdir(parents=True, exist_ok=True)
    return {**env, "HOME": str(home)}


def asv_command(python, subcommand, *args):
    return [str(python), "-m", "asv", subcommand, "--config", str(ASV_CONFIG), *args]


def pattern_args(patterns):
    """asv's -b takes a regular expression matched anywhere in the name."""
    return [arg for pattern in patterns for arg in ("-b", pattern)]


def _run(cmd, env):
    return subprocess.run([str(c) for c in cmd], env=env, cwd=ASV_CONFIG.parent).returncode


def describe_machine(python, env):
    """asv refuses to run on a machine it has no description of."""
    status = _run(asv_command(python, "machine", "--yes", "--machine", MACHINE), env)
    if status != 0:
        raise DiveError("asv machine --yes failed; see its output above")


def run_suite(python, env, patterns, asv_args):
    """The benchmarks matching `patterns` (all if none) on this session's build."""
    env = asv_environ(env)
    describe_machine(python, env)
    return _run(asv_command(python, "run", "--python=same", "--dry-run", "--show-stderr",
                            "--machine", MACHINE, *pattern_args(patterns), *asv_args), env)


def launcher(name, python, site):
    """A python for asv's `existing` environment that imports NumPy from `site`:
    asv starts each benchmark process from an executable, not an environment."""
    path = ASV_DIR / "bin" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"#!/bin/sh\nPYTHONPATH={site} exec {python} \"$@\"\n")
    path.chmod(0o755)
    return path


def current_commit():
    out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=paths.REPO,
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise DiveError(f"asv records results by commit, and git rev-parse HEAD failed:\n"
                        f"{out.stderr.strip()}")
    return out.stdout.strip()


def compare(python, env, fork_site, stock_site, patterns, asv_args):
    """Stock NumPy and the fork, ROUNDS rounds each, alternating, then the ratio table."""
    env = asv_environ(env)
    # the launchers put NumPy first; nothing else of the session's path
    env.pop("PYTHONPATH", None)
    describe_machine(python, env)
    stock = launcher("stock-numpy", python, stock_site)
    fork = launcher("numpy-dive", python, fork_site)
    commit = current_commit()
    for result in (ASV_DIR / "results" / MACHINE).glob(f"{commit[:8]}-*.json"):
        result.unlink()
    for _ in range(ROUNDS):
        for side in (stock, fork):
            status = _run(asv_command(python, "run", "-E", f"existing:{side}", "-a", "rounds=1",
                                      "--append-samples", "--show-stderr", "--machine", MACHINE,
                                      "--set-commit-hash", commit, *pattern_args(patterns),
                                      *asv_args), env)
            # 2: a benchmark failed, which the table shows
            if status not in (0, 2):
                return status
    return _run([python, COMPARE_SCRIPT, "--config", ASV_CONFIG, "--machine", MACHINE,
                 "--commit", commit, "--stock-python", stock, "--fork-python", fork,
                 "--csv", STOCK_RATIOS], env)
