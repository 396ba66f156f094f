"""Command lines for running the fork's Python under gdb, cgdb and valgrind."""
import shutil
import sys
from pathlib import Path

from . import paths
from .errors import DiveError

NUMPY_GDB = paths.REPO / "tools" / "gdb" / "numpy-gdb.py"
SUPPRESSIONS = paths.REPO / "tools" / "valgrind" / "python.supp"
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
             batch=False):
    """gdb (or cgdb) running `python python_args`, with CPython's helpers and
    numpy-dive's printers loaded. Breakpoints may name functions of modules not
    loaded yet (pending until `import numpy` loads them); with breakpoints,
    commands or batch, the program is started at once and the commands run
    where it stops."""
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
    if breakpoints or commands or batch:
        options += ["-ex", "run"]
    for command in commands:
        options += ["-ex", command]
    options += ["--args", str(python), *python_args]
    return [frontend, "--", *options] if frontend == "cgdb" else [frontend, *options]


def valgrind_argv(command, *, log_file=None):
    """memcheck around `command`; exits 99 on any error, definite leaks included.
    Run it with PYTHONMALLOC=malloc (valgrind_environ). More options (e.g.
    --track-origins=yes) go in $VALGRIND_OPTS, which valgrind reads itself."""
    require("valgrind", "valgrind")
    argv = ["valgrind", "--tool=memcheck", "--error-exitcode=99",
            f"--suppressions={SUPPRESSIONS}", "--leak-check=full",
            "--show-leak-kinds=definite", "--errors-for-leak-kinds=definite",
            "--num-callers=40"]
    if log_file is not None:
        argv.append(f"--log-file={log_file}")
    return argv + [str(c) for c in command]


def valgrind_environ(env):
    """pymalloc's arenas hide allocations from memcheck: use malloc itself."""
    return {**env, "PYTHONMALLOC": "malloc"}
