"""runtests.py --gcov / --lcov-html: line coverage of the fork's own C code.

The coverage profile compiles with gcov counters (-Db_coverage=true); a test
run writes .gcda files next to the objects in build/coverage/. lcov gathers
them and keeps the files of the numpy/ overlay (kurtosis*.c.src, ...): the
upstream code's coverage is upstream's business.
"""
import subprocess

from . import debugging, paths
from .errors import DiveError

C_SUFFIXES = (".c", ".c.src", ".cpp", ".h", ".h.src")


def fork_c_sources():
    """The overlay's C sources, relative to the repository (numpy/...)."""
    return sorted(str(p.relative_to(paths.REPO)) for p in paths.OVERLAY.rglob("*")
                  if p.name.endswith(C_SUFFIXES) and "tests" not in p.parts)


def _lcov(*args):
    debugging.require("lcov", "lcov")
    result = subprocess.run(["lcov", "--quiet", *args], capture_output=True, text=True)
    if result.returncode != 0:
        raise DiveError(f"lcov {' '.join(args)} failed:\n{result.stderr.strip()}")
    return result.stdout


def reset(profile):
    """Zero the counters, so the report covers the next run only."""
    _lcov("--zerocounters", "--directory", str(profile.build_dir))


def report(profile, html=False):
    """The per-file summary for the fork's C sources; with html, also a browsable
    report in build/coverage-html/ (returned second)."""
    captured = profile.build_dir / "lcov-all.info"
    ours = profile.build_dir / "lcov-fork.info"
    _lcov("--capture", "--directory", str(profile.build_dir), "--output-file", str(captured))
    patterns = [f"*/{source}" for source in fork_c_sources()]
    _lcov("--extract", str(captured), *patterns, "--output-file", str(ours))
    summary = subprocess.run(["lcov", "--list", str(ours)], capture_output=True,
                             text=True, check=True).stdout
    html_dir = None
    if html:
        html_dir = paths.BUILD / "coverage-html"
        subprocess.run(["genhtml", "--quiet", "--legend", "--output-directory",
                        str(html_dir), str(ours)], check=True)
    return summary, html_dir
