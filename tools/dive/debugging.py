"""Command lines for running the fork's Python under gdb, cgdb and valgrind."""
import re
import shutil
import sys
from pathlib import Path

from . import paths
from .errors import DiveError

NUMPY_GDB = paths.REPO / "tools" / "gdb" / "numpy-gdb.py"
SUPPRESSIONS = paths.REPO / "tools" / "valgrind" / "python.supp"
LEAK_CHECK = paths.REPO / "tools" / "refcount" / "check_leaks.py"
# CPython's gdb helpers (py-bt, py-list, py-locals): Debian's python3.11-dbg
# ships them for its 3.11, whose frame layout every 3.11 shares; an
# interpreter built from source (pyenv) keeps its own copy beside it.
DEBIAN_HELPERS = Path("/usr/share/gdb/auto-load/usr/bin/python3.11-gdb.py")


def require(program, package):
    """The path of `program`, or a DiveError that says what to install."""
    found = shutil.which(program)
    if found is None:
        raise DiveError(f"{program} is not installed; install it with "
                        f"`apt-get install {package}` (tools/bootstrap.sh does)")
    return found


def cpython_helpers(base_prefix=sys.base_prefix):
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    for candidate in (DEBIAN_HELPERS, Path(base_prefix) / "bin" / f"{version}-gdb.py"):
        if candidate.exists():
            return candidate
    raise DiveError(f"CPython's gdb helpers ({version}-gdb.py) were not found; "
                    f"install them with `apt-get install {version}-dbg`")


def gdb_argv(python, python_args, *, frontend="gdb", breakpoints=(), commands=(),
             batch=False, attach=None, core=None):
    """gdb (or cgdb) running `python python_args`, with CPython's helpers and
    numpy-dive's printers loaded. Breakpoints may name functions of modules not
    loaded yet (pending until `import numpy` loads them); with breakpoints,
    commands or batch, the program is started at once and the commands run
    where it stops. With `attach` (a PID) or `core` (a core file of `python`)
    gdb debugs that instead: the commands run where it stopped, and with
    breakpoints an attached process continues to the first."""
    require(frontend, frontend)
    # the helpers are loaded explicitly: no auto-loading (and its warnings)
    options = ["-q", "-iex", "set breakpoint pending on",
               "-iex", "set debuginfod enabled off",
               "-iex", "set auto-load python-scripts off",
               "-x", str(cpython_helpers()), "-x", str(NUMPY_GDB)]
    if batch:
        options = ["-batch", "-nx"] + options
    for location in breakpoints:
        options += ["-ex", f"break {location}"]
    if attach is not None:
        target = ["-p", str(attach)]
        start = ["-ex", "continue"] if breakpoints else []
    elif core is not None:
        target = [str(python), str(core)]
        start = []
    else:
        target = ["--args", str(python), *python_args]
        start = ["-ex", "run"] if breakpoints or commands or batch else []
    options += start
    for command in commands:
        options += ["-ex", command]
    options += target
    return [frontend, "--", *options] if frontend == "cgdb" else [frontend, *options]


def valgrind_argv(command, log_file):
    """memcheck around `command`, its report in `log_file`; exits 99 on an
    error. Leaks are judged afterwards (memcheck_verdict). Run it with
    PYTHONMALLOC=malloc (valgrind_environ). More options (e.g.
    --track-origins=yes) go in $VALGRIND_OPTS, which valgrind reads itself."""
    require("valgrind", "valgrind")
    return ["valgrind", "--tool=memcheck", "--error-exitcode=99",
            f"--suppressions={SUPPRESSIONS}", "--leak-check=full",
            "--show-leak-kinds=definite", "--errors-for-leak-kinds=none",
            "--num-callers=40", "--fullpath-after=", f"--log-file={log_file}",
            *[str(c) for c in command]]


# A stack frame in NumPy's code: valgrind prints full source paths
# (--fullpath-after=), which for NumPy's objects run through .../numpy/...
_NUMPY_FRAME = re.compile(r"/numpy/\S*\.(c|cpp|h|src|so)[:)]")
_EVAL_FRAME = "_PyEval_EvalFrameDefault"


def lost_by_numpy(record):
    """Whether NumPy's code lost a block, from the stack that allocated it.

    Outward from the allocation, a NumPy frame must come before any Python
    code (the eval loop): a block the interpreter lost while NumPy imported,
    say, datetime has Python code in between, and is the interpreter's. And
    NumPy must have been called from Python, not by another extension module
    (SciPy's ufuncs are made by NumPy's PyUFunc_FromFuncAndData, and lost by
    SciPy)."""
    seen_numpy = False
    for line in record.splitlines():
        if _NUMPY_FRAME.search(line):
            seen_numpy = True
        elif _EVAL_FRAME in line:
            return seen_numpy
        elif "site-packages/" in line and seen_numpy:
            return False
    return seen_numpy


def memcheck_verdict(report):
    """(errors, records of blocks lost by NumPy, records of blocks lost by the
    interpreter) in a memcheck report. CPython 3.11 itself loses a few
    objects by exit, which are not ours to fix."""
    errors = re.search(r"ERROR SUMMARY: (\d+) errors", report)
    numpy_leaks, other_leaks = [], []
    for record in re.split(r"\n==\d+== \n", report):
        if "are definitely lost in loss record" in record:
            (numpy_leaks if lost_by_numpy(record) else other_leaks).append(record)
    return int(errors.group(1)) if errors else -1, numpy_leaks, other_leaks


def valgrind_environ(env):
    """pymalloc's arenas hide allocations from memcheck: use malloc itself."""
    return {**env, "PYTHONMALLOC": "malloc"}
