#!/usr/bin/env python3
"""
runtests.py: build numpy-dive and run its tests, or run code against it.

numpy-dive is NumPy 2.4.6 + patches/ + the new files under numpy/. This driver
assembles the source tree (build/src), builds one profile from site.cfg into
build/PROFILE/ and installs it into build/PROFILE-install/, then runs the tests
or your code with that build first on sys.path. It keeps its own virtual
environment (.venv/) with pinned requirements and never touches the system NumPy.

Examples:

  python3 runtests.py                    build (default profile), run fast tests
  python3 runtests.py -n 2               ... on two pytest-xdist workers
  python3 runtests.py -n 2 --compare-stock   ... and check every upstream test
                                         that passes on stock NumPy passes here
  python3 runtests.py -m full            include tests marked slow
  python3 runtests.py -t numpy/_core/tests/test_umath.py -- -k sqrt -x
  python3 runtests.py --profile debug --build-only
  python3 runtests.py --python doc/tour.py
  python3 runtests.py --python -c "import numpy; numpy.show_config()"
  python3 runtests.py --profile debug --shell   (the fork on PYTHONPATH)
  python3 runtests.py --no-build --ipython

Debugging and profiling (doc/debugging.rst walks through them):

  python3 runtests.py --gdb -c "import numpy as np; np.ones(3) + 1"
  python3 runtests.py --batch --break DOUBLE_add --ex "bt 5" --ex py-bt
                      --gdb -c "import numpy as np; np.ones(3) + 1"
  python3 runtests.py --cgdb my_script.py
  python3 runtests.py --lldb -c "import numpy as np; np.ones(3) + 1"
  python3 runtests.py --attach PID --gdb    (a running python; --core FILE for a core)
  python3 runtests.py -n 2 --valgrind numpy/_core/tests/test_kurtosis.py
  python3 runtests.py --valgrind my_script.py
  python3 runtests.py --setup "import numpy as np; a = np.ones(10**6)" --callgrind "a.sum()" --open
  python3 runtests.py --setup "import numpy as np; a = np.ones(1000)" --trace "a + a"
  python3 runtests.py --setup "import numpy as np; q = np.ones(10**6, dtype=np.quad)"
                      --flamegraph "q + q"
  python3 runtests.py --leaks -t numpy/_core/tests/test_quad.py
  python3 runtests.py --profile tsan -t numpy/_core/tests/test_kurtosis.py::TestThreads

Documentation and benchmarks (asv, benchmarks/):

  python3 runtests.py --docs             build/docs/html/index.html, examples run

  python3 runtests.py --bench Kurtosis1D -- --quick
  python3 runtests.py --bench-compare bench_stock

Profiles (site.cfg): debug (-O0 -g3, asserts, no SIMD dispatch; the default
for the debuggers and valgrind), release (-O3, CPU dispatch like the wheels;
the default otherwise), profiling (release with debug info; the default for
callgrind, the tracer and flame graphs), asan, tsan, coverage, refdebug (for
python3.11d: --refcount, --leaks) and portable. Edit upstream files only
through tools/patches.py (prepare / export / check). Arguments after `--` go
to pytest. spin's commands (.spin/cmds.py) are these modes too.
"""
import argparse
import os
import re
import signal
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "tools"))

from dive import (bench, build, callgrind, coverage, debugging, docs,  # noqa: E402
                  environment, flamegraph, paths, profiles, testing, tracer, venv)
from dive.errors import DiveError, exit_status_help, guarded  # noqa: E402


@dataclass(frozen=True)
class Session:
    """What every mode runs with: the profile, its build and environment."""
    profile: profiles.Profile
    python: Path
    site: Path
    env: dict


def run(cmd, env):
    return subprocess.run([str(c) for c in cmd], env=env, cwd=paths.REPO).returncode


def run_interactive(cmd, env):
    """Run a child that owns the terminal (gdb, cgdb, IPython, a shell, your
    script): Ctrl-C, which the terminal sends to the whole foreground process
    group, is the child's alone. The driver only waits: a Python handler (not
    SIG_IGN, which exec would pass on) keeps it from raising KeyboardInterrupt
    and killing the child, and the child starts with SIGINT's default action.
    """
    previous = signal.signal(signal.SIGINT, lambda signum, frame: None)
    try:
        return run(cmd, env)
    finally:
        signal.signal(signal.SIGINT, previous)


# --- the modes' handlers: each takes the parsed arguments and the Session ---

def run_tests(args, session):
    targets = args.tests or testing.default_targets()
    extra = ["-" + "v" * args.verbose] if args.verbose else []
    if args.compare_stock:
        testing.STOCK_OUTCOMES.unlink(missing_ok=True)
        run_stock_tests(args, session.python, targets)
        extra += testing.compare_args(session.profile)
    cmd = testing.pytest_command(
        session.python, paths.PREPARED_TREE, session.site, targets=targets,
        mode=args.mode, workers=args.parallel, extra_args=extra + args.pytest_args)
    return run(cmd, session.env)


def run_stock_tests(args, python, targets):
    """Record upstream's outcomes on stock NumPy; its output goes to a log file."""
    stock_site = testing.stock_numpy_site()
    cmd = testing.stock_command(python, paths.PREPARED_TREE, stock_site, targets=targets,
                                mode=args.mode, workers=args.parallel)
    log = testing.STOCK_OUTCOMES.with_suffix(".log")
    log.parent.mkdir(parents=True, exist_ok=True)
    print(f"Running upstream's tests against stock NumPy ({stock_site / 'numpy'}) ...",
          end=" ", flush=True)
    with open(log, "w") as out:
        subprocess.run(cmd, env=environment.for_build(stock_site, "stock"),
                       cwd=paths.REPO, stdout=out, stderr=subprocess.STDOUT)
    lines = log.read_text().strip().splitlines()
    print(lines[-1].strip("= ") if lines else "no output", f"(log: {log})", flush=True)
    if not testing.STOCK_OUTCOMES.exists():
        raise DiveError(f"the stock NumPy run recorded no outcomes; see {log}")


def report_install(args, session):
    print(f"numpy-dive ({session.profile.name}) is installed in {session.site}")
    return 0


def run_python(args, session):
    return run_interactive([session.python, *args.python], session.env)


def run_ipython(args, session):
    venv.ensure_package("ipython")
    return run_interactive([session.python, "-m", "IPython"], session.env)


def run_shell(args, session):
    print(f"numpy-dive ({session.profile.name}) on PYTHONPATH; exit the shell to return")
    return run_interactive([os.environ.get("SHELL", "/bin/bash")], session.env)


def run_debugger(args, session):
    """gdb, cgdb or lldb on the program, a running python or a core file."""
    options = dict(breakpoints=args.breakpoints or (), commands=args.gdb_ex or (),
                   batch=args.batch, attach=args.attach,
                   # the debugger runs in the repository: the core as the user named it
                   core=args.core and os.path.abspath(args.core))
    if args.lldb is not None:
        env, settings = debugging.lldb_environ(session.env)
        return run_interactive(
            debugging.lldb_argv(session.python, args.lldb, settings=settings, **options), env)
    frontend, python_args = ("cgdb", args.cgdb) if args.cgdb is not None else ("gdb", args.gdb)
    return run_interactive(
        debugging.gdb_argv(session.python, python_args, frontend=frontend, **options),
        session.env)


def run_valgrind(args, session):
    """memcheck over a script (FILE.py [ARGS]) or over tests (with -n, each
    worker under memcheck too; tests marked valgrind_error left out); fails
    on any error, and on any block definitely lost by NumPy's code."""
    targets = args.valgrind
    if targets and targets[0].endswith(".py") and not targets[0].startswith("numpy/"):
        command = [session.python, *targets]
    else:
        mode = testing.marker_expression(args.mode)
        command = testing.pytest_command(
            session.python, paths.PREPARED_TREE, session.site,
            targets=targets or testing.dive_targets(),
            mode=f"({mode}) and not valgrind_error" if mode else "not valgrind_error",
            workers=args.parallel, extra_args=["-p", "no:cacheprovider"] + args.pytest_args)
    log_dir = paths.BUILD / "valgrind" / f"run.{os.getpid()}"
    log_dir.mkdir(parents=True)
    status = run(debugging.valgrind_argv(command, log_dir),
                 debugging.valgrind_environ(session.env))
    reports = [log.read_text(errors="replace") for log in sorted(log_dir.glob("memcheck.*"))]
    errors, numpy_leaks, other_leaks = debugging.memcheck_verdict("\n".join(reports))
    for record in numpy_leaks:
        print(record, file=sys.stderr)
    print(f"memcheck: {errors} errors; {len(numpy_leaks)} blocks definitely lost by "
          f"NumPy's code, {len(other_leaks)} by the interpreter (not counted); "
          f"reports: {log_dir.relative_to(paths.REPO)}/", file=sys.stderr)
    for report in reports:
        if re.search(r"ERROR SUMMARY: [1-9]", report):
            print(report.split("HEAP SUMMARY")[0], file=sys.stderr)
    return status or (1 if errors or numpy_leaks else 0)


def run_callgrind(args, session):
    path = callgrind.run(session.python, session.env, args.setup or "",
                         args.callgrind)
    print(callgrind.annotate(path))
    print(f"\nwritten: {callgrind.report_path(path)}  (open it with: kcachegrind "
          f"{callgrind.report_path(path)})")
    open_callgrind_report(args, path)
    return 0


def run_trace(args, session):
    text, path = tracer.trace(session.python, session.env, args.setup or "",
                              args.trace)
    print(text)
    print(f"\n(the call graph: kcachegrind {callgrind.report_path(path)})")
    open_callgrind_report(args, path)
    return 0


def open_callgrind_report(args, path):
    if args.open:
        print(callgrind.open_report(path, venv.bin_dir() / "gprof2dot"))


def run_flamegraph(args, session):
    py_spy = venv.bin_dir() / "py-spy"
    path, hottest = flamegraph.flamegraph(py_spy, session.python, session.env,
                                          args.setup or "", args.flamegraph)
    print("The frames with most samples of their own:")
    for name, share in hottest:
        print(f"  {100 * share:5.1f}%  {name}")
    print(f"\nwritten: {path}  (open it in a browser: file://{path})")
    return 0


def run_coverage(args, session):
    """The tests (the fork's own unless -t) on gcov counters, then the report."""
    coverage.reset(session.profile)
    args.tests = args.tests or testing.dive_targets()
    status = run_tests(args, session)
    summary, html_dir = coverage.report(session.profile, html=args.lcov_html)
    print(summary)
    if html_dir:
        print(f"HTML report: {html_dir.relative_to(paths.REPO)}/index.html")
    return status


def run_refcount(args, session):
    debug_python = debugging.require("python3.11d", "python3.11-dbg")
    return run([debug_python, debugging.LEAK_CHECK], session.env)


def run_leak_check(args, session):
    """The tests (the fork's own unless -t) under python3.11d, each run
    again and again by the dive.pytest_leaks plugin."""
    debug_python = debugging.require("python3.11d", "python3.11-dbg")
    env = {**session.env,
           "PYTHONPATH": f"{session.env['PYTHONPATH']}:{venv.site_packages()}"}
    cmd = testing.pytest_command(
        debug_python, paths.PREPARED_TREE, session.site,
        targets=args.tests or testing.dive_targets(), mode=args.mode,
        workers=args.parallel,
        extra_args=["-p", "dive.pytest_leaks", "--dive-leaks", args.leaks,
                    "-p", "no:cacheprovider"] + (["-" + "v" * args.verbose] if args.verbose
                                                 else []) + args.pytest_args)
    return run(cmd, env)


def run_docs(args, session):
    """doc/ as HTML (build/docs/html), warnings as errors, then its doctests."""
    return docs.build(session.python, session.env)


def run_bench(args, session):
    """The asv suite (benchmarks/) on this build; arguments after -- go to asv run."""
    return bench.run_suite(session.python, session.env, args.bench, args.pytest_args)


def run_bench_compare(args, session):
    """The asv suite on stock NumPy and on this build, interleaved, then the ratios."""
    return bench.compare(session.python, session.env, session.site,
                         testing.stock_numpy_site(), args.bench_compare, args.pytest_args)


# --- the mode table ---

@dataclass(frozen=True)
class Mode:
    """One way to run: chosen by its option (`dest` is argparse's name for
    it), built with `profile` unless --profile says otherwise, done by
    `handler(args, session)`; `options` are the modifiers it takes."""
    option: str
    dest: str
    profile: str
    handler: object
    options: tuple = ()


TEST_SELECTION = ("tests", "mode", "parallel", "verbose", "pytest_args")
DEBUGGER = ("breakpoints", "gdb_ex", "attach", "core")
# the tests run when no mode option is given
TESTS = Mode("the tests", None, None, run_tests,
             TEST_SELECTION + ("compare_stock",))
MODES = (
    Mode("--build-only", "build_only", None, report_install),
    Mode("--python", "python", None, run_python),
    Mode("--ipython", "ipython", None, run_ipython),
    Mode("--shell", "shell", None, run_shell),
    Mode("--gdb", "gdb", "debug", run_debugger, DEBUGGER + ("batch",)),
    Mode("--cgdb", "cgdb", "debug", run_debugger, DEBUGGER),
    Mode("--lldb", "lldb", "debug", run_debugger, DEBUGGER + ("batch",)),
    Mode("--valgrind", "valgrind", "debug", run_valgrind, ("mode", "parallel", "pytest_args")),
    Mode("--callgrind", "callgrind", "profiling", run_callgrind, ("setup", "open")),
    Mode("--trace", "trace", "profiling", run_trace, ("setup", "open")),
    Mode("--flamegraph", "flamegraph", "profiling", run_flamegraph, ("setup",)),
    Mode("--gcov", "gcov", "coverage", run_coverage, TEST_SELECTION),
    Mode("--lcov-html", "lcov_html", "coverage", run_coverage, TEST_SELECTION),
    Mode("--refcount", "refcount", "refdebug", run_refcount),
    Mode("--leaks", "leaks", "refdebug", run_leak_check, TEST_SELECTION),
    Mode("--docs", "docs", "release", run_docs),
    Mode("--bench", "bench", "release", run_bench, ("pytest_args",)),
    Mode("--bench-compare", "bench_compare", "release", run_bench_compare, ("pytest_args",)),
)
# options every mode takes: which build, and how to build it
BUILD_OPTIONS = ("profile", "no_build", "jobs", "show_build_log")


def given(value):
    """Whether an option was given: argparse leaves absent ones None, False,
    0 or an empty list."""
    return value is not None and value is not False and value != 0 and value != []


def modes_help():
    default = f"{profiles.default_name()} (site.cfg's default)"
    rows = [f"  {mode.option:<16} {mode.profile or default}" for mode in MODES]
    return ("Modes, one at a time (with none, the tests run), and the profile each\n"
            "builds unless --profile says otherwise:\n"
            + "\n".join(rows) + "\n\n"
            + exit_status_help("a test, a memcheck error, a leak, a benchmark off; the "
                               "status of pytest, valgrind or your program passes through"))


def chosen_mode(parser, args):
    """The one mode the command line asks for, checked against its modifiers."""
    # (--gdb and the other ARGS modes are given when their list is empty too)
    chosen = [mode for mode in MODES if getattr(args, mode.dest) not in (None, False)]
    if len(chosen) > 1:
        names = " and ".join(mode.option for mode in chosen)
        parser.error(f"{names} are different modes: give one (a mode runs alone; "
                     f"see 'Modes' in --help)")
    mode = chosen[0] if chosen else TESTS
    names = {action.dest: "/".join(action.option_strings) or "-- PYTEST_ARGS"
             for action in parser._actions}
    free = {"help", *BUILD_OPTIONS, *mode.options, *(other.dest for other in MODES)}
    for dest, name in names.items():
        if dest not in free and given(getattr(args, dest)):
            takers = [m.option for m in (TESTS, *MODES) if dest in m.options]
            takers = ", ".join(takers[:-1]) + " or " * (len(takers) > 1) + takers[-1]
            parser.error(f"{name} goes with {takers}, not with "
                         f"{mode.option}")
    return mode


def option_group(parser, title, description=None):
    """An argparse group whose description is wrapped (the raw formatter
    keeps the module docstring's layout, and would not wrap it)."""
    return parser.add_argument_group(title, description and textwrap.fill(description, 78))


def make_parser():
    parser = argparse.ArgumentParser(
        prog="runtests.py", description=__doc__, epilog=modes_help(),
        formatter_class=argparse.RawDescriptionHelpFormatter)
    build_group = option_group(parser, "building")
    build_group.add_argument(
        "--profile", metavar="NAME",
        help=f"build profile from site.cfg ({', '.join(profiles.available())}; "
             f"default: {profiles.default_name()})")
    build_group.add_argument("--no-build", action="store_true",
                             help="use the existing build of the profile as it is")
    build_group.add_argument("--build-only", "-b", action="store_true",
                             help="build and install, then stop")
    build_group.add_argument("-j", "--jobs", type=int, metavar="N",
                             help="parallel compile jobs (default: ninja's choice)")
    build_group.add_argument("--show-build-log", action="store_true",
                             help="stream meson/ninja output instead of writing build/PROFILE.log")

    test_group = option_group(parser, "testing")
    test_group.add_argument(
        "-t", "--tests", action="append", metavar="PATH",
        help="test file, directory or node id; numpy/... means the installed copy "
             "(repeatable; default: numpy and tools/tests)")
    test_group.add_argument(
        "-m", "--mode", metavar="MODE",
        help="'fast' (default: -m 'not slow'), 'full' (everything), or a pytest -m expression")
    test_group.add_argument("-n", "--parallel", metavar="N",
                            help="pytest-xdist workers (a number or 'auto')")
    test_group.add_argument("-v", "--verbose", action="count", default=0,
                            help="more verbose pytest output")
    test_group.add_argument(
        "--compare-stock", action="store_true",
        help="first run the same upstream tests against stock NumPy (its wheel, installed into build/stock), then "
             "fail if any test that passed there does not pass on the fork")

    run_group = option_group(parser, "running code against the build")
    run_group.add_argument("--python", nargs=argparse.REMAINDER, metavar="ARGS",
                           help="run python with these arguments (FILE, -c CODE, or none "
                                "for a prompt); must come last")
    run_group.add_argument("--ipython", action="store_true",
                           help="start IPython (installed into .venv on first use)")
    run_group.add_argument("--shell", action="store_true",
                           help="start $SHELL with the build on PYTHONPATH")

    debug_group = option_group(
        parser, "debugging (default profile: debug)",
        "gdb and cgdb load CPython's gdb helpers (py-bt, py-list, py-locals), and "
        "all three debuggers numpy-dive's printers for ndarrays, dtypes, iterators, "
        "npy_half and npy_quad (tools/debuggers/); breakpoints may name functions "
        "of NumPy's extension modules before they are loaded.")
    debug_group.add_argument("--gdb", nargs=argparse.REMAINDER, metavar="ARGS",
                             help="run python ARGS (FILE, -c CODE, or none) under gdb; "
                                  "must come last")
    debug_group.add_argument("--cgdb", nargs=argparse.REMAINDER, metavar="ARGS",
                             help="the same under cgdb; must come last")
    debug_group.add_argument("--lldb", nargs=argparse.REMAINDER, metavar="ARGS",
                             help="the same under lldb (np-print, np-fields, "
                                  "np-elements; no py-bt); must come last")
    debug_group.add_argument("--break", dest="breakpoints", action="append",
                             metavar="LOCATION",
                             help="a breakpoint, e.g. DOUBLE_add or file.c:48 "
                                  "(repeatable; starts the program at once)")
    debug_group.add_argument("--ex", "--gdb-ex", dest="gdb_ex", action="append",
                             metavar="COMMAND",
                             help="a debugger command to run where the program stops "
                                  "(repeatable), e.g. 'p *self', py-bt or 'bt 5'")
    debug_group.add_argument("--batch", action="store_true",
                             help="with --gdb or --lldb: run, do the --ex commands, exit")
    debug_group.add_argument("--attach", type=int, metavar="PID",
                             help="with a debugger mode and no ARGS: attach to a "
                                  "running python (gdb -p PID), printers loaded")
    debug_group.add_argument("--core", metavar="FILE",
                             help="with a debugger mode and no ARGS: open a core "
                                  "file of python (e.g. from gdb's gcore), printers loaded")
    debug_group.add_argument("--valgrind", nargs=argparse.REMAINDER, metavar="ARGS",
                             help="memcheck (PYTHONMALLOC=malloc, tools/valgrind/python.supp) "
                                  "over tests (paths or node ids, as for -t) or FILE.py "
                                  "[ARGS]; exits non-zero on errors; must come last")

    profile_group = option_group(
        parser, "profiling (default profile: profiling)",
        "CODE runs after --setup, which is not profiled: under callgrind, with "
        "instrumentation on only around CODE (instruction counts, not time, so "
        "they repeat under load), or sampled by py-spy for --flamegraph.")
    profile_group.add_argument("--setup", metavar="CODE",
                               help="Python run first, not profiled, e.g. "
                                    "'import numpy as np; a = np.ones(10**6)'")
    profile_group.add_argument("--callgrind", metavar="CODE",
                               help="profile CODE; writes build/callgrind/callgrind.out.PID "
                                    "(open it with kcachegrind) and prints the top "
                                    "functions by inclusive cost")
    profile_group.add_argument("--open", action="store_true",
                               help="with --callgrind or --trace: open the profile in "
                                    "kcachegrind if there is a display, else write its "
                                    "call graph as a PNG (gprof2dot, graphviz)")
    profile_group.add_argument("--gcov", action="store_true",
                               help="run the tests (default: the fork's own) on the "
                                    "coverage profile, then print the line coverage of "
                                    "the fork's C files")
    profile_group.add_argument("--lcov-html", action="store_true",
                               help="the same, and write an HTML report to "
                                    "build/coverage-html/")
    profile_group.add_argument("--refcount", action="store_true",
                               help="repeat the fork's new operations under Debian's "
                                    "python3.11d (profile refdebug) and fail if the total "
                                    "reference count or allocated blocks grow")
    profile_group.add_argument("--flamegraph", metavar="CODE",
                               help="sample CODE, run over and over for 2 s, with py-spy "
                                    "(C and Python frames together) and write a flame "
                                    "graph, build/flamegraph/flamegraph.PID.svg")
    profile_group.add_argument("--leaks", nargs="?", const="3:3", metavar="WARMUP:RUNS",
                               help="run each test (default: the fork's own; -t for "
                                    "any) WARMUP times, then RUNS times measured under "
                                    "python3.11d, and fail those that leave references "
                                    "or memory blocks behind on every run (default 3:3; "
                                    "tests marked leaks_references run once)")
    profile_group.add_argument("--trace", metavar="EXPRESSION",
                               help="print the C call chain from EXPRESSION's entry into "
                                    "NumPy down to the inner loop that did the work")

    run_group.add_argument("--docs", action="store_true",
                           help="build doc/ as HTML into build/docs/html (Sphinx, warnings "
                                "as errors, the API reference from this build), then run "
                                "every example in it as a doctest")

    bench_group = option_group(
        parser, "benchmarks (default profile: release)",
        "asv's suite in benchmarks/: kurtosis, np.quad, and stock operations "
        "(bench_stock) that the fork must not slow down. PATTERN is a regular "
        "expression matched in the benchmark's name (repeatable; default: all); "
        "arguments after -- go to asv run, e.g. -- --quick.")
    bench_group.add_argument("--bench", nargs="*", metavar="PATTERN",
                             help="time the suite on this build and print the "
                                  "results (nothing is saved)")
    bench_group.add_argument("--bench-compare", nargs="*", metavar="PATTERN",
                             help="time it on stock NumPy 2.4.6 and on the fork, one "
                                  "round of each in turn, print asv's ratio "
                                  "table and fail if a stock operation is more than 5%% "
                                  "off (results in build/asv/results)")

    parser.add_argument("pytest_args", nargs="*", metavar="-- PYTEST_ARGS",
                        help="extra arguments for pytest (for asv with --bench and "
                             "--bench-compare), after --")
    return parser


def check_debug_target(parser, args):
    """--attach and --core replace the program that --gdb would start (the
    mode table has checked that a debugger mode was chosen)."""
    chosen = [name for name in ("attach", "core") if getattr(args, name) is not None]
    if not chosen:
        return
    if len(chosen) == 2:
        parser.error("--attach and --core are two different targets: give one")
    debugger, program = next((name, getattr(args, name)) for name in ("gdb", "cgdb", "lldb")
                             if getattr(args, name) is not None)
    if program:
        parser.error(f"--{chosen[0]} debugs an existing process or core, so --{debugger} "
                     f"takes no program: drop {' '.join(program)!r}")


def main(argv=None):
    parser = make_parser()
    args = parser.parse_args(argv)
    mode = chosen_mode(parser, args)
    check_debug_target(parser, args)
    args.mode = args.mode or "fast"

    def work():
        profile = profiles.load(args.profile or mode.profile)
        python = venv.ensure_venv()
        if args.no_build:
            site = build.site_packages(profile)
        else:
            site = build.build(profile, jobs=args.jobs, show_log=args.show_build_log)
        env = environment.for_build(site, profile.name, profile)
        return mode.handler(args, Session(profile, python, site, env))
    return guarded(parser.prog, work)


if __name__ == "__main__":
    sys.exit(main())
