"""runtests.py --trace: from a Python expression to the C loop that ran it.

The expression runs under callgrind (tools/dive/callgrind.py); from its call
graph the tracer picks the inner loop that did the work (the typed loop with
the largest inclusive cost: DOUBLE_add, kurtosis_fused_DOUBLE, ...) and walks
back along the most expensive callers to where the interpreter called into
NumPy. Each step shows the line where the function calls the next one.
"""
import re

from . import callgrind

# Typed inner loops: NumPy's <TYPE>_<op> loops and the fork's kurtosis loops.
LOOP_NAME = re.compile(
    r"^(BOOL|U?BYTE|U?SHORT|U?INT|U?LONG|U?LONGLONG|HALF|FLOAT|DOUBLE|LONGDOUBLE|"
    r"C(FLOAT|DOUBLE|LONGDOUBLE)|QUAD|OBJECT|DATETIME|TIMEDELTA|STRING|UNICODE|VOID)"
    r"_\w+$|^kurtosis_(pass1|pass2|fused)_\w+$")
# The CPU target a dispatched loop was compiled for, from its name's suffix.
SIMD_SUFFIX = re.compile(r"_(X86_V\d|AVX512_?\w*|AVX2|AVX|SSE\d*|FMA3|F16C|ASIMD\w*|"
                         r"NEON\w*|VSX\d*|VXE?\d*)$")
NUMPY_OBJECT = re.compile(r"/numpy/.*\.so$")


def is_numpy(function):
    return bool(NUMPY_OBJECT.search(function.obj))


def inner_loop(profile):
    """The typed loop with the largest inclusive cost, or None."""
    loops = [name for name in profile.functions if LOOP_NAME.match(name)]
    cost = {name: sum(c.cost for c in profile.callers(name).values())
            or profile.functions[name].self_cost for name in loops}
    return max(loops, key=cost.get, default=None)


EVAL_LOOP = "_PyEval_EvalFrameDefault"


def chain_to(profile, target):
    """[entry, ..., target]: the most expensive way into `target`, from where
    the interpreter's eval loop called the expression's operation (the number
    protocol, a method, a ufunc call) into NumPy."""
    chain = [target]
    while True:
        callers = {name: call for name, call in profile.callers(chain[0]).items()
                   if name not in chain}
        if not callers:
            break
        chain.insert(0, max(callers, key=lambda name: callers[name].cost))
    first_numpy = next(k for k, name in enumerate(chain)
                       if is_numpy(profile.functions[name]) or k == len(chain) - 1)
    evals = [k for k, name in enumerate(chain[:first_numpy]) if name == EVAL_LOOP]
    return chain[evals[-1] + 1:] if evals else chain


def short_path(path):
    """numpy/... for NumPy's sources, the file name for the interpreter's."""
    match = re.search(r"(numpy/.*)$", path)
    return match.group(1) if match else path.rsplit("/", 1)[-1]


def simd_note(name):
    suffix = SIMD_SUFFIX.search(name)
    if suffix:
        return f"SIMD variant {suffix.group(1)}, picked at run time for this CPU"
    return "no SIMD suffix: the baseline loop (or a build without CPU dispatch)"


def describe(profile, expression):
    """The trace as text, for a newcomer."""
    loop = inner_loop(profile)
    if loop is None:
        return (f"{expression}: no typed inner loop ran (counted {profile.total:,} "
                "instructions); see the callgrind file for what did")
    chain = chain_to(profile, loop)
    lines = [f"{expression}", f"  {profile.total:,} instructions in all; the inner loop "
             f"{loop} and what it calls: "
             f"{sum(c.cost for c in profile.callers(loop).values()):,}", ""]
    width = max(len(name) for name in chain)
    for depth, name in enumerate(chain):
        if depth + 1 < len(chain):
            call = profile.calls[(name, chain[depth + 1])]
            where = f"{short_path(call.site[0])}:{call.site[1]}   calls the next"
        else:
            entry = profile.calls[(chain[depth - 1], name)].entry_line if depth else 0
            where = f"{short_path(profile.functions[name].file)}:{entry}   the inner loop"
        owner = "" if is_numpy(profile.functions[name]) else "  (interpreter)"
        shown = name.split("'")[0]    # callgrind marks recursion levels as name'2
        lines.append(f"  {'  ' * depth}{shown:<{width}}  {where}{owner}")
    lines += ["", f"  {loop}: {simd_note(loop)}"]
    return "\n".join(lines)


def trace(python, env, setup, expression):
    path = callgrind.run(python, env, setup, expression, label="trace")
    return describe(callgrind.parse(path), expression), path
