"""runtests.py --trace: from a Python expression to the C loop that ran it.

The expression runs under callgrind (tools/dive/callgrind.py); from its call
graph the tracer finds the inner loop by where the cost is (inner_loop:
DOUBLE_add, the quad loop that calls npy_quad_add per element, a cast, a
SIMD sort), whatever its name, and walks back along the most expensive
callers to where the interpreter called into NumPy. Each step shows the line
where the function calls the next one.
"""
import re

from . import callgrind

# The CPU target a dispatched loop was compiled for, from its name's suffix.
SIMD_SUFFIX = re.compile(r"_(X86_V\d|AVX512_?\w*|AVX2|AVX|SSE\d*|FMA3|F16C|ASIMD\w*|"
                         r"NEON\w*|VSX\d*|VXE?\d*)$")
NUMPY_OBJECT = re.compile(r"/numpy/.*\.so$")


def is_numpy(function):
    return bool(NUMPY_OBJECT.search(function.obj))


# NumPy's typed <TYPE>_<op> loops and the fork's kurtosis loops, known by
# name: on a few elements, where the dispatch costs more than the loop, they
# are still the answer.
LOOP_NAME = re.compile(
    r"^(BOOL|U?BYTE|U?SHORT|U?INT|U?LONG|U?LONGLONG|HALF|FLOAT|DOUBLE|LONGDOUBLE|"
    r"C(FLOAT|DOUBLE|LONGDOUBLE)|QUAD|OBJECT|DATETIME|TIMEDELTA|STRING|UNICODE|VOID)"
    r"_\w+$|^kurtosis_(pass1|pass2|fused)_\w+$")
NAMED_LOOP_WEIGHT = 4
# A call made at least this many times per call of the caller, each this
# cheap, is the caller's work on one element
PER_ELEMENT_CALLS = 16
PER_ELEMENT_COST = 2000


def per_element(profile, caller, call):
    return (call.count >= PER_ELEMENT_CALLS * max(profile.calls_into(caller), 1)
            and call.cost <= PER_ELEMENT_COST * call.count)


def loop_work(profile, name):
    """What a NumPy function does over the elements: its own instructions and
    the calls it makes once per element (npy_quad_add from a quad loop)."""
    work = profile.functions[name].self_cost + sum(
        call.cost for call in profile.callees(name).values()
        if per_element(profile, name, call))
    if LOOP_NAME.match(name.split("'")[0]):
        work = max(work, profile.inclusive(name)) * NAMED_LOOP_WEIGHT
    return work


def inner_loop(profile):
    """The NumPy function that loops over the elements, found by where the
    cost is: the most work of its own or in per-element calls (DOUBLE_add, a
    SIMD sort, the quad loop that calls npy_quad_add per element, a cast
    calling npy_quad_from_double), whatever its name; None if no NumPy code
    ran."""
    numpy = [name for name, f in profile.functions.items() if is_numpy(f)]
    return max(numpy, key=lambda name: loop_work(profile, name), default=None)


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
        return (f"{expression}: no NumPy code ran (counted {profile.total:,} "
                "instructions); see the callgrind file for what did")
    chain = chain_to(profile, loop)
    lines = [f"{expression}", f"  {profile.total:,} instructions in all; the inner loop "
             f"{loop.split(chr(39))[0]} and what it calls: {profile.inclusive(loop):,}",
             *few_elements_note(profile, loop), ""]
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


def few_elements_note(profile, loop):
    """When a typed loop ran but the dispatch around it cost more (a few
    elements), say which loop that was."""
    if LOOP_NAME.match(loop.split("'")[0]):
        return []
    named = [name for name in profile.functions
             if LOOP_NAME.match(name.split("'")[0]) and is_numpy(profile.functions[name])]
    if not named:
        return []
    typed = max(named, key=profile.inclusive)
    if profile.inclusive(typed) * 20 < loop_work(profile, loop):
        return []       # a helper (QUAD_copyswap), not the work
    return [f"  (the typed loop {typed} ran too, {profile.inclusive(typed):,} instructions: "
            "on so few elements NumPy's machinery costs more than the loop)"]


def trace(python, env, setup, expression):
    path = callgrind.run(python, env, setup, expression, label="trace")
    return describe(callgrind.parse(path), expression), path
