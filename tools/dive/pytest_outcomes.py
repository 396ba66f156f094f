"""pytest plugin: record per-test outcomes, or compare them with a recorded run.

runtests.py --compare-stock runs upstream's suite twice in the same venv: first
against stock NumPy with --dive-record-outcomes, then against the fork with
--dive-compare-outcomes. Every test that passed on stock NumPy must pass on the
fork; the fork's session fails otherwise and lists the tests. Tests in the
DESELECTED list (tools/dive/testing.py) are reported with their reason.
"""
import json
from pathlib import Path

import pytest

from .testing import DESELECTED

_RESULT = pytest.StashKey[tuple]()   # what compare() returns


def pytest_addoption(parser):
    group = parser.getgroup("numpy-dive outcomes")
    group.addoption("--dive-record-outcomes", metavar="FILE",
                    help="write {node id: outcome} of this session to FILE (JSON)")
    group.addoption("--dive-compare-outcomes", metavar="FILE",
                    help="fail if a test that passed in the run recorded in FILE "
                         "does not pass in this session")
    group.addoption("--dive-may-skip", metavar="NODEID_PREFIX", action="append",
                    default=[],
                    help="tests under this prefix may be skipped or not run here "
                         "(a profile without SIMD code); failures still count")


def _outcome(report):
    if report.failed:
        return "failed" if report.when == "call" else "error"
    if hasattr(report, "wasxfail"):
        return "xpassed" if report.passed else "xfailed"
    return "skipped" if report.skipped else "passed"


class OutcomeRecorder:
    """Collects one outcome per test: the worst of its setup, call and teardown."""

    _SEVERITY = ("passed", "xpassed", "xfailed", "skipped", "failed", "error")

    def __init__(self):
        self.outcomes = {}

    def pytest_runtest_logreport(self, report):
        new = _outcome(report)
        if report.when != "call" and new == "passed":
            return
        old = self.outcomes.get(report.nodeid)
        if old is None or self._SEVERITY.index(new) > self._SEVERITY.index(old):
            self.outcomes[report.nodeid] = new

    def outcome(self, nodeid):
        return self.outcomes.get(nodeid, "not run")


def _is_controller(config):
    return not hasattr(config, "workerinput")


def pytest_configure(config):
    wanted = (config.getoption("--dive-record-outcomes")
              or config.getoption("--dive-compare-outcomes"))
    if wanted and _is_controller(config):
        config.pluginmanager.register(OutcomeRecorder(), "dive-outcome-recorder")


def pytest_sessionfinish(session):
    config = session.config
    recorder = config.pluginmanager.get_plugin("dive-outcome-recorder")
    path = config.getoption("--dive-record-outcomes")
    if recorder is None:
        return
    if path:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(json.dumps(recorder.outcomes, indent=0, sort_keys=True))
    reference = config.getoption("--dive-compare-outcomes")
    if reference:
        may_skip = config.getoption("--dive-may-skip")
        result = compare(json.loads(Path(reference).read_text()), recorder, may_skip)
        config.stash[_RESULT] = result
        regressions = result[1]
        if regressions and session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED



def compare(reference_outcomes, recorder, may_skip=()):
    """(tests checked, [(node id, outcome here)] that regressed, tests allowed to skip)."""
    checked = [nodeid for nodeid, outcome in sorted(reference_outcomes.items())
               if outcome == "passed" and nodeid not in DESELECTED]
    regressions, allowed = [], 0
    for nodeid in checked:
        outcome = recorder.outcome(nodeid)
        if outcome == "passed":
            continue
        if outcome in ("skipped", "not run") and nodeid.startswith(tuple(may_skip)):
            allowed += 1
        else:
            regressions.append((nodeid, outcome))
    return len(checked), regressions, allowed


def pytest_terminal_summary(terminalreporter, config):
    if _RESULT not in config.stash:
        return
    checked, regressions, allowed = config.stash[_RESULT]
    terminalreporter.section("comparison with stock NumPy")
    for nodeid, reason in DESELECTED.items():
        terminalreporter.line(f"deselected on purpose: {nodeid}: {reason}")
    if allowed:
        prefixes = " ".join(config.getoption("--dive-may-skip"))
        terminalreporter.line(f"{allowed} tests of SIMD code not built by this profile "
                              f"were skipped or not run ({prefixes})")
        checked -= allowed
    if regressions:
        terminalreporter.line(f"{len(regressions)} of the {checked} tests that passed on "
                              "stock NumPy do not pass on the fork:", red=True)
        for nodeid, outcome in regressions:
            terminalreporter.line(f"  {outcome}: {nodeid}", red=True)
    else:
        terminalreporter.line(f"all {checked} tests that passed on stock NumPy pass on "
                              "the fork", green=True)
