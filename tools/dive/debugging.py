"""Command lines for running the fork's Python under gdb, cgdb and valgrind."""
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from . import paths
from .errors import DiveError

DEBUGGERS = paths.REPO / "tools" / "debuggers"
NUMPY_GDB = DEBUGGERS / "numpy-gdb.py"
NUMPY_LLDB = DEBUGGERS / "numpy_lldb.py"
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


def lldb_argv(python, python_args, *, breakpoints=(), commands=(), batch=False,
              attach=None, core=None, settings=()):
    """lldb running `python python_args` with numpy-dive's formatters, as
    gdb_argv does for gdb: breakpoints resolve when NumPy's modules load,
    and with breakpoints, commands or batch the program starts at once.
    `settings` are lldb commands run before the target is made."""
    require("lldb", "lldb")
    options = [arg for setting in settings for arg in ("-O", setting)]
    options += ["-o", f"command script import {NUMPY_LLDB}"]
    if batch:
        options = ["--batch", "--no-lldbinit"] + options
    for location in breakpoints:
        options += ["-o", f"b {location}"]
    if attach is not None:
        options += ["-p", str(attach)]
        start = ["-o", "continue"] if breakpoints else []
    elif core is not None:
        options += ["--core", str(core), str(python)]
        start = []
    else:
        start = ["-o", "run"] if breakpoints or commands or batch else []
    options += start
    for command in commands:
        options += ["-o", command]
    if attach is None and core is None:
        options += ["--", str(python), *one_line_args(python_args)]
    return ["lldb", *options]


def one_line_args(python_args):
    """Python's arguments as lldb can pass them: it turns them into a
    `settings set` command line, which a newline ends, so `-c CODE` of
    several lines becomes `-c exec(...)` of one."""
    args = list(python_args)
    for index, arg in enumerate(args):
        if "\n" not in arg:
            continue
        if index > 0 and args[index - 1] == "-c":
            args[index] = f"exec({arg!r})"
        else:
            raise DiveError(f"lldb cannot pass an argument with a newline to the "
                            f"program: {arg!r}")
    return args


def lldb_environ(env):
    """(environment, settings) for lldb, whose embedded Python is the
    system's: it takes its prefix from the first python3 on PATH, so lldb
    runs with the python3 beside it first (not the venv's, or pyenv's), and
    the program under it gets back the PATH, venv and PYTHONPATH it has (the
    settings). Debian's lldb 14 also looks for its own Python module in a
    directory that does not exist (llvm-project issue 55575): its embedded
    Python is pointed at the package's."""
    lldb_dir = str(Path(require("lldb", "lldb")).parent)
    program_vars = {key: env[key] for key in ("PATH", "PYTHONPATH", "VIRTUAL_ENV")
                    if key in env}
    lldb_env = {key: value for key, value in env.items()
                if key not in ("PYTHONPATH", "VIRTUAL_ENV")}
    lldb_env["PATH"] = os.pathsep.join([lldb_dir, env.get("PATH", "")])
    module_dir = lldb_module_dir(lldb_env)
    if module_dir is not None:
        lldb_env["PYTHONPATH"] = str(module_dir)
    assignments = " ".join(f'"{key}={value}"' for key, value in program_vars.items())
    return lldb_env, [f"settings set target.env-vars {assignments}"]


def lldb_module_dir(lldb_env):
    """Where lldb's Python module is, when `lldb -P` names the wrong place;
    None when lldb finds it itself."""
    probe = subprocess.run(["lldb", "-P"], capture_output=True, text=True, env=lldb_env)
    lines = probe.stdout.strip().splitlines()
    if lines and (Path(lines[-1]) / "lldb" / "embedded_interpreter.py").exists():
        return None
    found = sorted(Path("/usr/lib").glob(
        "llvm-*/lib/python3*/dist-packages/lldb/embedded_interpreter.py"))
    if not found:
        raise DiveError("lldb's Python module was not found; install it with "
                        "`apt-get install python3-lldb-14` (tools/bootstrap.sh does)")
    return found[-1].parents[1]


def valgrind_argv(command, log_dir):
    """memcheck around `command` and every process it starts (pytest-xdist's
    workers), each process's report in `log_dir`/memcheck.PID.log; exits 99
    on an error. Leaks are judged afterwards (memcheck_verdict). Run it with
    PYTHONMALLOC=malloc (valgrind_environ). More options (e.g.
    --track-origins=yes) go in $VALGRIND_OPTS, which valgrind reads itself."""
    require("valgrind", "valgrind")
    return ["valgrind", "--tool=memcheck", "--error-exitcode=99", "--trace-children=yes",
            f"--suppressions={SUPPRESSIONS}", "--leak-check=full",
            "--show-leak-kinds=definite", "--errors-for-leak-kinds=none",
            "--num-callers=40", "--fullpath-after=",
            f"--log-file={log_dir}/memcheck.%p.log", *[str(c) for c in command]]


# A stack frame in NumPy's code: valgrind prints full source paths
# (--fullpath-after=), which for NumPy's objects run through .../numpy/...
_NUMPY_FRAME = re.compile(r"/numpy/\S*\.(c|cpp|h|src|so)[:)]")
_EVAL_FRAME = "_PyEval_EvalFrameDefault"
_TRACEMALLOC_FRAME = "/_tracemalloc.c:"


def lost_by_numpy(record):
    """Whether NumPy's code lost a block, from the stack that allocated it.

    Outward from the allocation, a NumPy frame must come before any Python
    code (the eval loop): a block the interpreter lost while NumPy imported,
    say, datetime has Python code in between, and is the interpreter's. So
    is a block tracemalloc allocated for its own bookkeeping while it traced
    an allocation of NumPy's (_tracemalloc.c comes first: a trace entry that
    CPython 3.11 does not free when tracing stops). And NumPy must have been
    called from Python, not by another extension module (SciPy's ufuncs are
    made by NumPy's PyUFunc_FromFuncAndData, and lost by SciPy)."""
    seen_numpy = False
    for line in record.splitlines():
        if _NUMPY_FRAME.search(line):
            seen_numpy = True
        elif _TRACEMALLOC_FRAME in line and not seen_numpy:
            return False
        elif _EVAL_FRAME in line:
            return seen_numpy
        elif "site-packages/" in line and seen_numpy:
            return False
    return seen_numpy


def memcheck_verdict(report):
    """(errors, records of blocks lost by NumPy, records of blocks lost by the
    interpreter) in memcheck's reports (one per process, concatenated);
    errors is -1 when no process reported. CPython 3.11 itself loses a few
    objects by exit, which are not ours to fix."""
    summaries = re.findall(r"ERROR SUMMARY: (\d+) errors", report)
    numpy_leaks, other_leaks = [], []
    for record in re.split(r"\n==\d+== \n", report):
        if "are definitely lost in loss record" in record:
            (numpy_leaks if lost_by_numpy(record) else other_leaks).append(record)
    return sum(map(int, summaries)) if summaries else -1, numpy_leaks, other_leaks


def valgrind_environ(env):
    """pymalloc's arenas hide allocations from memcheck: use malloc itself."""
    return {**env, "PYTHONMALLOC": "malloc"}
