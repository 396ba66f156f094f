"""pytest plugin: each test run again and again, failing if the interpreter's
references or memory blocks grow with every run.

runtests.py --leaks loads it under Debian's python3.11d, whose
sys.gettotalrefcount() counts every reference (the refdebug profile compiles
NumPy with Py_REF_DEBUG, so NumPy's own INCREF/DECREF count too). As
CPython's regrtest -R and pytest-leaks do: WARMUP runs fill the caches, then
each of RUNS runs is measured on its own, and a test is suspect when every one
of them leaves references (or blocks) behind. A suspect runs 4 * RUNS times
more, measured together: it leaks only if those runs leave at least one more
each, so a cache or free list that keeps a few blocks now and then (NumPy's
dimension cache does) is not a leak, and a growth of one a call is. Tests
marked leaks_references (upstream's marker, with its reason) run once,
unchecked.
"""
import gc
import sys

import pytest


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


def suspect(deltas):
    """regrtest's rule: growth in every measured run."""
    return all(delta >= 1 for delta in deltas)


def leaked(call, measured):
    """{what: how} for references and memory blocks that `call` leaks."""
    deltas = measure(call, measured)
    leaks = {}
    for index, what in enumerate(("references", "memory blocks")):
        if not suspect(deltas[index]):
            continue
        more = CONFIRMING_RUNS_PER_RUN * measured
        batch = measure(lambda: [call() for _ in range(more)], 1)[index][0]
        if batch >= more:
            leaks[what] = f"grew {deltas[index]} in {measured} runs, then {batch} in {more}"
    return leaks


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem):
    runs = getattr(pyfuncitem.config, "dive_leak_runs", None)
    if runs is None or pyfuncitem.get_closest_marker("leaks_references"):
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
