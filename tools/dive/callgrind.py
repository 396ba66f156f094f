"""Callgrind around one piece of code: runtests.py --callgrind and --trace.

The code runs after a setup, between two client requests of the small
_dive_callgrind module (tools/valgrind/callgrind_toggle.c), so neither the
interpreter's start-up nor `import numpy` is instrumented or counted.
Instruction counts do not depend on the machine's load: use them to compare
versions where wall time is too noisy.
"""
import os
import re
import shutil
import subprocess
from collections import defaultdict
from dataclasses import dataclass, field

from . import cext, debugging, paths
from .errors import CheckFailed, DiveError

TOGGLE_SOURCE = paths.REPO / "tools" / "valgrind" / "callgrind_toggle.c"
HELPER_DIR = paths.BUILD / "tools"
OUTPUT_DIR = paths.BUILD / "callgrind"

# the driver's exit status when SETUP or CODE raised: the user's code failed,
# not callgrind
CODE_RAISED = 3
# Runs SETUP, then CODE with collection on, in one namespace.
DRIVER = f"""\
import sys, traceback
sys.path.insert(0, sys.argv[1])
import _dive_callgrind
namespace = {{"__name__": "__main__"}}
try:
    exec(compile(sys.argv[2], "<setup>", "exec"), namespace)
    code = compile(sys.argv[3], "<profiled>", "exec")
    _dive_callgrind.start()
    exec(code, namespace)
    _dive_callgrind.stop()
except Exception:
    traceback.print_exc()
    sys.exit({CODE_RAISED})
"""


def run(python, env, setup, code, *, label="callgrind"):
    """Profile `code` after `setup`; returns the callgrind.out file's path."""
    debugging.require("valgrind", "valgrind")
    cext.build_extension(python, TOGGLE_SOURCE, "_dive_callgrind", HELPER_DIR)
    OUTPUT_DIR.mkdir(parents=True, exist_ok=True)
    out = OUTPUT_DIR / f"{label}.out.%p"
    # no address randomization either: an array's alignment changes how many
    # elements a SIMD loop's head and tail take
    argv = ["setarch", os.uname().machine, "--addr-no-randomize",
            "valgrind", "--tool=callgrind", "--instr-atstart=no", "--collect-atstart=no",
            f"--callgrind-out-file={out}", "--dump-line=yes", "--compress-strings=no",
            "--compress-pos=no", str(python), "-c", DRIVER, str(HELPER_DIR), setup, code]
    # a fixed hash seed: dict and set layouts, and so the counts, repeat exactly
    with subprocess.Popen(argv, env={**env, "PYTHONHASHSEED": "0"}, cwd=paths.REPO,
                          stderr=subprocess.PIPE, text=True) as process:
        _, stderr = process.communicate()
    # setarch and valgrind exec in turn: %p is this process's PID, so runs
    # side by side (pytest -n) each find their own file
    written = OUTPUT_DIR / f"{label}.out.{process.pid}"
    if process.returncode == CODE_RAISED:
        traceback = stderr[stderr.find("Traceback"):].strip()
        raise CheckFailed(f"the code to profile raised an exception:\n{traceback}")
    if process.returncode != 0 or not written.exists():
        raise DiveError(f"callgrind failed (exit {process.returncode}):\n"
                        f"{stderr.strip()[-3000:]}")
    normalise_paths(written)
    return written


_PATH_SPEC = re.compile(r"^((?:fl|fi|fe|cfi|cfl)=)(/.*)$", re.MULTILINE)


def normalise_paths(path):
    """Source paths without the `build/<profile>/../src` that meson's
    relative compile paths leave, so that callgrind_annotate and kcachegrind
    find the sources from any directory."""
    text = path.read_text(errors="surrogateescape")
    fixed = _PATH_SPEC.sub(lambda m: m.group(1) + os.path.normpath(m.group(2)), text)
    if fixed != text:
        path.write_text(fixed, errors="surrogateescape")


def open_report(path, gprof2dot, env=os.environ):
    """Show a callgrind file: kcachegrind where there is a display to open it
    on (started on its own, the driver returns), else the call graph as a
    PNG beside the file (gprof2dot and graphviz's dot; nodes above 2% of the
    cost). Returns a sentence saying which."""
    kcachegrind = shutil.which("kcachegrind")
    if env.get("DISPLAY") and kcachegrind:
        # setsid --fork returns at once and leaves kcachegrind in a session
        # of its own: closing the terminal or Ctrl-C there does not close it
        subprocess.run(["setsid", "--fork", kcachegrind, str(path)], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return f"kcachegrind opened {report_path(path)}"
    dot = debugging.require("dot", "graphviz")
    graph = path.with_name(path.name + ".dot")
    with open(graph, "w") as out:
        subprocess.run([str(gprof2dot), "--format=callgrind", "--node-thres=2",
                        "--edge-thres=1", str(path)], stdout=out, check=True)
    png = path.with_name(path.name + ".png")
    subprocess.run([dot, "-Tpng", "-Gdpi=70", "-o", str(png), str(graph)], check=True)
    reason = "no display" if not env.get("DISPLAY") else "kcachegrind is not installed"
    return f"call graph ({reason} for kcachegrind): {report_path(png)}"


def annotate(path, limit=25):
    """callgrind_annotate's functions by inclusive cost, the top `limit`."""
    debugging.require("callgrind_annotate", "valgrind")
    report = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100",
                             str(path)], capture_output=True, text=True, check=True).stdout
    lines = report.splitlines()
    start = next((i for i, line in enumerate(lines) if "file:function" in line), None)
    if start is None:
        return report
    header = [line for line in lines[:start] if line.strip()]
    table = [_mark_recursion(_shorten(line)) for line in lines[start + 2:]
             if line.strip()][:limit]
    return "\n".join(header[-3:] + ["", lines[start], *table])


def _mark_recursion(line):
    """callgrind_annotate adds a recursive function's inclusive cost once per
    level on the stack (the interpreter's frames reach 199.9%): say so."""
    share = re.search(r"\((\d+\.\d+)%\)", line)
    if share is None or float(share.group(1)) <= 100:
        return line
    return line.replace(share.group(0), "(recursive, over 100%)")


def _shorten(line):
    """Source paths from NumPy's tree or CPython's, objects by their file name."""
    line = re.sub(r"\[(?:/[^\]]*/)?([^/\]]+)\]", r"[\1]", line)
    line = re.sub(r"/\S*?/Python-[\d.]+/(\./)?", "", line)
    return re.sub(r"\S*?build/src/", "", line)


@dataclass
class Function:
    name: str
    file: str = ""
    obj: str = ""
    self_cost: int = 0


@dataclass
class Call:
    """The calls from one function to another: count, inclusive cost, and
    the call site (file, line) in the caller that cost the most."""
    count: int = 0
    cost: int = 0
    site: tuple = ("", 0)
    site_cost: int = 0
    entry_line: int = 0


@dataclass
class Profile:
    total: int = 0
    functions: dict = field(default_factory=dict)
    calls: dict = field(default_factory=lambda: defaultdict(Call))   # (caller, callee)

    def callers(self, name):
        return {a: c for (a, b), c in self.calls.items() if b == name and a != name}

    def callees(self, name):
        return {b: c for (a, b), c in self.calls.items() if a == name and b != name}

    def inclusive(self, name):
        """Self cost and the calls out (a recursive call's cost counted once)."""
        return self.functions[name].self_cost + sum(c.cost for c in self.callees(name).values())

    def calls_into(self, name):
        return sum(c.count for c in self.callers(name).values())


_SPEC = re.compile(r"^(ob|fl|fi|fe|fn|cob|cfi|cfl|cfn)=(.*)$")


def parse(path):
    """A callgrind.out file written with --compress-strings=no, --compress-pos=no."""
    profile = Profile()
    obj = file = current_file = ""
    fn = None
    callee = callee_file = callee_obj = ""
    pending_call = None        # (count, entry line) after a calls= line
    with open(path, errors="replace") as lines:
        for raw in lines:
            line = raw.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            spec = _SPEC.match(line)
            if spec:
                key, value = spec.groups()
                if key == "ob":
                    obj = value
                elif key == "fl":
                    file = current_file = value
                elif key in ("fi", "fe"):
                    current_file = value
                elif key == "fn":
                    fn = profile.functions.setdefault(value, Function(value, file, obj)).name
                    current_file = file
                elif key == "cob":
                    callee_obj = value
                elif key in ("cfi", "cfl"):
                    callee_file = value
                elif key == "cfn":
                    callee = value
                    profile.functions.setdefault(value, Function(value, callee_file or file,
                                                                 callee_obj or obj))
                continue
            if line.startswith("calls="):
                count, target = line[len("calls="):].split()[:2]
                pending_call = (int(count), int(target))
                continue
            if line.startswith(("summary:", "totals:")):
                profile.total = int(line.split()[1])
                continue
            if line[0].isdigit() or line[0] in "+-*":
                parts = line.split()
                if len(parts) < 2 or fn is None:
                    continue
                cost = int(parts[1])
                if pending_call is not None:
                    call = profile.calls[(fn, callee)]
                    call.count += pending_call[0]
                    call.cost += cost
                    call.entry_line = pending_call[1]
                    if cost > call.site_cost:
                        call.site, call.site_cost = (current_file, int(parts[0])), cost
                    pending_call = None
                    callee_obj = callee_file = ""
                else:
                    profile.functions[fn].self_cost += cost
    return profile


def report_path(path):
    return os.path.relpath(path, paths.REPO)
