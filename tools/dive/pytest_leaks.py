"""pytest plugin: each test run again and again, failing if the interpreter's
references or memory blocks grow with every run.

runtests.py --leaks loads it under Debian's python3.11d, whose
sys.gettotalrefcount() counts every reference (the refdebug profile compiles
NumPy with Py_REF_DEBUG, so NumPy's own INCREF/DECREF count too). As
CPython's regrtest -R and pytest-leaks do: WARMUP runs fill the caches, then
each of RUNS runs is measured on its own, and a test is suspect when every one
of them leaves references (or blocks) behind. A suspect then runs 4 * RUNS
and 12 * RUNS times more, each batch measured as a whole, twice: it leaks
when the difference, per run, is half a reference (or block) or more both
times, as tools/refcount/check_leaks.py measures. A cache or free list that keeps a
few blocks now and then (gc generations, NumPy's dimension cache) grows
alike in both batches and cancels; a leak grows with the runs. Tests
marked leaks_references (upstream's marker, with its reason) run once,
unchecked, and so do hypothesis's @given tests, whose engine keeps state
from run to run; the session's summary counts them.
"""
import gc
import sys

import pytest


UNCHECKED = pytest.StashKey[dict]()


def pytest_addoption(parser):
    parser.addoption("--dive-leaks", metavar="WARMUP:RUNS",
                     help="run each test WARMUP times, then RUNS times measured, and "
                          "fail it if every measured run leaves references or blocks")


def parse_runs(text):
    warmup, _, runs = text.partition(":")
    if not (warmup.isdigit() and runs.isdigit() and int(runs) >= 2):
        raise pytest.UsageError(f"--dive-leaks takes WARMUP:RUNS, RUNS at least 2 "
                                f"(e.g. 3:3), not {text!r}")
    return int(warmup), int(runs)


def pytest_configure(config):
    spec = config.getoption("dive_leaks")
    if spec:
        if not hasattr(sys, "gettotalrefcount"):
            raise pytest.UsageError("--dive-leaks needs a debug build of Python "
                                    "(sys.gettotalrefcount): runtests.py --leaks runs "
                                    "the tests under python3.11d")
        config.dive_leak_runs = parse_runs(spec)


# the measuring loop's own names and numbers are new in its first runs
UNBALANCED_RUNS = 2


def measure(call, runs):
    """The references and blocks each of `runs` calls leaves behind. The
    loop itself is balanced (preallocated lists, the same names rebound each
    time) once its first runs have made its names, so a call that leaves
    nothing measures 0."""
    runs += UNBALANCED_RUNS
    references, blocks = [0] * runs, [0] * runs
    gc.collect()
    references_before, blocks_before = sys.gettotalrefcount(), sys.getallocatedblocks()
    for run in range(runs):
        call()
        gc.collect()
        references_after, blocks_after = sys.gettotalrefcount(), sys.getallocatedblocks()
        references[run] = references_after - references_before
        blocks[run] = blocks_after - blocks_before
        references_before, blocks_before = references_after, blocks_after
    return references[UNBALANCED_RUNS:], blocks[UNBALANCED_RUNS:]


CONFIRMING_RUNS_PER_RUN = 4
# half a reference or block a call: a leak every other call still counts
LEAK_PER_CALL = 0.5


def suspect(deltas):
    """regrtest's rule: growth in every measured run."""
    return all(delta >= 1 for delta in deltas)


def growth_per_run(call, batch, index):
    """What each run leaves (index 0: references, 1: blocks), from the
    difference between `batch` and 3 * `batch` runs measured as a whole."""
    few, many = (measure(lambda: [call() for _ in range(runs)], 1)[index][0]
                 for runs in (batch, 3 * batch))
    return (many - few) / (2 * batch)


def leaked(call, measured):
    """{what: how} for references and memory blocks that `call` leaks."""
    deltas = measure(call, measured)
    leaks = {}
    for index, what in enumerate(("references", "memory blocks")):
        if not suspect(deltas[index]):
            continue
        # growth per call from N and 3N runs, twice: what fills once cancels
        # out, and the gc's and caches' noise (tens of blocks) rarely passes
        # the bar in both
        batch = CONFIRMING_RUNS_PER_RUN * measured
        per_call = min(growth_per_run(call, batch, index) for _ in range(2))
        if per_call >= LEAK_PER_CALL:
            leaks[what] = (f"grew {deltas[index]} in {measured} runs, then "
                           f"{per_call:.2f} a run over {8 * batch} more")
    return leaks


def unchecked_because(pyfuncitem):
    """Why a test runs once, unchecked; None to check it."""
    if pyfuncitem.get_closest_marker("leaks_references"):
        return "marked leaks_references"
    if getattr(pyfuncitem.obj, "is_hypothesis_test", False):
        return "hypothesis tests (its engine keeps state from run to run)"
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    runs = getattr(pyfuncitem.config, "dive_leak_runs", None)
    if runs is None:
        return None
    reason = unchecked_because(pyfuncitem)
    if reason is not None:
        count_unchecked(pyfuncitem.config, {reason: 1})
        return None                     # pytest calls the test once, as always
    warmup, measured = runs
    test = pyfuncitem.obj
    kwargs = {name: pyfuncitem.funcargs[name]
              for name in pyfuncitem._fixtureinfo.argnames}
    for _ in range(warmup):
        test(**kwargs)
    leaks = leaked(lambda: test(**kwargs), measured)
    if leaks:
        pytest.fail("leaks: " + "; ".join(f"{what} {how}" for what, how in leaks.items())
                    + f" (after {warmup} warm-up runs)", pytrace=False)
    return True


def count_unchecked(config, counts):
    unchecked = config.stash.setdefault(UNCHECKED, {})
    for reason, count in counts.items():
        unchecked[reason] = unchecked.get(reason, 0) + count


def pytest_sessionfinish(session):
    # a pytest-xdist worker hands its counts to the controller
    if hasattr(session.config, "workeroutput"):
        session.config.workeroutput["dive_unchecked"] = session.config.stash.get(UNCHECKED, {})


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    count_unchecked(node.config, getattr(node, "workeroutput", {}).get("dive_unchecked", {}))


def pytest_terminal_summary(terminalreporter, config):
    if getattr(config, "dive_leak_runs", None) is None:
        return
    unchecked = config.stash.get(UNCHECKED, {})
    warmup, measured = config.dive_leak_runs
    line = f"leak check: each test run {warmup} + {measured} times"
    if unchecked:
        line += "; run once, unchecked: " + ", ".join(
            f"{count} {reason}" for reason, count in sorted(unchecked.items()))
    terminalreporter.write_line(line)
