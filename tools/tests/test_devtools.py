"""The diving tools: gdb printers' arithmetic, gdb/cgdb command lines, the
callgrind parser and the tracer (fast, no build needed), and, marked slow,
each tool run for real on a build (gdb -batch, valgrind, callgrind)."""
import random
import re
import shutil
import struct
import os
import signal
import subprocess
import sys
import textwrap
import time
from fractions import Fraction
from pathlib import Path

import pytest

from dive import callgrind, cext, debugging, flamegraph, paths, tracer

sys.path.insert(0, str(debugging.DEBUGGERS))
from numpy_debug import elements, floats, views  # noqa: E402

REPO = paths.REPO


def double_bits(x):
    return struct.unpack("<Q", struct.pack("<d", x))[0]


class TestFloats:
    def test_binary64_shortest_is_pythons_repr(self):
        rng = random.Random(1)
        for _ in range(3000):
            bits = rng.getrandbits(64)
            x = struct.unpack("<d", struct.pack("<Q", bits))[0]
            if x != x or abs(x) == float("inf"):
                continue
            assert floats.DOUBLE.shortest(bits) == repr(x)
            assert floats.DOUBLE.nearest(Fraction(x)) == bits

    def test_same_digits_as_numpy_for_float16_and_float32(self):
        # NumPy's Dragon4 finds the same shortest digits (its switch to
        # scientific notation differs from repr(float)'s, which we follow)
        np = pytest.importorskip("numpy")

        def digits(text):
            mantissa = text.lstrip("-").split("e")[0].replace(".", "")
            return mantissa.strip("0")

        rng = random.Random(2)
        for dtype, fmt, nbits in [(np.float16, floats.HALF, 16),
                                  (np.float32, elements.SINGLE, 32)]:
            for _ in range(500):
                bits = rng.getrandbits(nbits)
                value = np.array(bits, dtype=f"u{nbits // 8}").view(dtype)[()]
                if np.isfinite(value):
                    ours = fmt.shortest(bits)
                    assert fmt.nearest(Fraction(ours)) == bits, (bits, ours, value)
                    assert digits(ours) == digits(str(value)), (bits, ours, value)

    def test_binary128_rounds_half_to_even(self):
        one = floats.QUAD.nearest(Fraction(1))
        assert one == 0x3FFF << 112
        assert floats.QUAD.nearest(1 + Fraction(1, 2**113)) == one       # tie: even
        assert floats.QUAD.nearest(1 + Fraction(3, 2**113)) == one + 2   # tie: up to even
        assert floats.QUAD.nearest(Fraction(1, 2**16494)) == 1           # smallest subnormal
        assert floats.QUAD.nearest(Fraction(1, 2**16495)) == 0           # tie with 0: even
        assert floats.QUAD.nearest(Fraction(2) ** 16384) == 0x7FFF << 112  # overflow: inf

    def test_binary128_text(self):
        tenth = floats.QUAD.nearest(Fraction(1, 10))
        assert floats.QUAD.shortest(tenth) == "0.1"
        assert floats.QUAD.exact(tenth).startswith("0.1000000000000000000000000000000000048")
        assert floats.QUAD.shortest(floats.QUAD.nearest(Fraction(1, 3))) == \
            "0." + "3" * 34
        assert floats.QUAD.shortest(1) == "6e-4966"
        assert len(floats.QUAD.exact(1)) > 11000       # exact, however long
        assert floats.QUAD.shortest((0x7FFF << 112) | 1) == "nan"
        assert floats.QUAD.shortest(1 << 127) == "-0.0"

    def test_binary128_powers_of_two_match_the_forks_dragon4(self):
        # at 2**k the lower gap is half the upper one: the shortest digits
        # may lie on the far side of the nearest decimal
        np = pytest.importorskip("numpy")
        for k in range(-16494, 16384, 113):
            bits = floats.QUAD.nearest(Fraction(2) ** k)
            ours = floats.QUAD.shortest(bits)
            assert floats.QUAD.nearest(Fraction(ours)) == bits, k
            numpy_text = str(np.frombuffer(bits.to_bytes(16, "little"), "<Y")[0])
            assert Fraction(ours) == Fraction(numpy_text), (k, ours, numpy_text)

    def test_x87_long_double_matches_numpy(self):
        np = pytest.importorskip("numpy")
        if np.finfo(np.longdouble).nmant != 63:
            pytest.skip("long double is not the x87 format here")
        for text in ["0.1", "1e-4000", "3.141592653589793238", "-2.5e300"]:
            value = np.longdouble(text)
            bits = int.from_bytes(value.tobytes()[:10], "little")
            assert floats.X87.shortest(bits) == repr(value).split("'")[1] \
                if "'" in repr(value) else str(value)


class TestElements:
    def test_each_kind(self):
        assert elements.ElementType("b", 1).format(b"\x01") == "True"
        assert elements.ElementType("i", 2).format(b"\xff\xff") == "-1"
        assert elements.ElementType("u", 2, ">").format(b"\x01\x00") == "256"
        assert elements.ElementType("f", 8).format(struct.pack("<d", 0.1)) == "0.1"
        assert elements.ElementType("f", 8, ">").format(struct.pack(">d", 2.5)) == "2.5"
        assert elements.ElementType("c", 16).format(struct.pack("<dd", 1, -2)) == \
            "(1.0+-2.0j)"
        assert elements.ElementType("U", 8).format("ab".encode("utf-32-le")) == "'ab'"
        assert elements.ElementType("S", 4).format(b"hi\0\0") == "b'hi'"

    def test_logical_order_follows_strides(self):
        # a (2, 3) C array seen transposed, and reversed along its first axis
        assert elements.logical_offsets((3, 2), (8, 24), 10) == [0, 24, 8, 32, 16, 40]
        assert elements.logical_offsets((3,), (-8,), 2) == [0, -8]
        assert elements.logical_offsets((0, 5), (40, 8), 10) == []


class FakeStruct(views.Struct):
    """A C struct as a dict of fields (pointers to structs are FakeStructs,
    arrays are lists), for the views without a debugger."""

    def __init__(self, **fields):
        self.fields = fields

    def int(self, name):
        return self.fields[name]

    def string(self, name):
        return self.fields[name]

    def item(self, name, index):
        return self.fields[name][index]

    def pointee(self, name):
        return self.fields[name]

    def has(self, name):
        return name in self.fields

    def cast(self, type_name):
        assert type_name == "_PyArray_DescrNumPy2"
        return FakeStruct(**self.fields, elsize=self.fields["hidden_elsize"])


def fake_array(data, type_name, kind, itemsize, shape, strides, type_num=0, flags=0x501):
    descr = FakeStruct(typeobj=FakeStruct(tp_name=type_name), kind=ord(kind),
                       type=ord(kind), byteorder=ord("="), type_num=type_num,
                       hidden_elsize=itemsize, alignment=itemsize)

    def read(address, size):
        offset = address - 0x5000
        if not 0 <= offset <= len(data) - size:
            raise views.Unreadable(address)
        return data[offset:offset + size]
    array = FakeStruct(nd=len(shape), dimensions=shape, strides=strides, descr=descr,
                       flags=flags, base=0, data=0x5000)
    return array, read


class TestViews:
    def test_array_in_logical_order_with_the_full_descr(self):
        # the 1.x-compatible descriptor has no elsize: the views cast it
        array, read = fake_array(struct.pack("<6d", *range(6)), "numpy.float64", "f", 8,
                                    shape=[3, 2], strides=[8, 24])
        text = views.array_text(array, read, x86=True, limit=4)
        assert text == ("<ndarray float64 shape=(3, 2) strides=(8, 24) "
                        "flags=C_CONTIGUOUS|ALIGNED|WRITEABLE base=NULL data=0x5000 "
                        "[0.0, 3.0, 1.0, 4.0, ...]>")

    def test_quad_elements_and_scalars(self):
        three_quarters = (0x3ffe8 << 108).to_bytes(16, "little")
        array, read = fake_array(three_quarters * 2, "numpy.quad", "f", 16,
                                    shape=[2], strides=[16], type_num=24)
        assert views.array_text(array, read, x86=True).endswith("[0.75, 0.75]>")
        assert views.quad_text(three_quarters) == "0.75"
        assert views.half_text(b"\x00\x3e") == "1.5 (0x3e00)"

    def test_garbage_is_said_to_be_garbage(self):
        array, read = fake_array(b"", "numpy.float64", "f", 8, shape=[3], strides=[8])
        assert views.array_text(array, read, x86=True).endswith(
            "[data unreadable at 0x5000]>")
        array.fields["nd"] = 1 << 40
        assert views.array_text(array, read, x86=True) == \
            f"<ndarray with nd={1 << 40}: not an initialised array>"

    def test_exact_decimals_are_capped(self):
        assert views.capped("0.5") == "0.5"
        smallest = floats.QUAD.exact(1)
        assert views.capped(smallest) == \
            "6.475175119438025110924438958227646552499…e-4966 (11529 digits)"
        assert views.capped("-" + "9" * 130 + ".5").endswith("e+129 (131 digits)")


# py-spy's collapsed stacks (--native --nolineno --format raw), as it wrote
# them for `a.sum()` after an import in the setup
PY_SPY_STACKS = """\
0x7f (libc.so.6);<module> (driver.py);<module> (<setup>);_find_and_load (<frozen importlib._bootstrap>) 40
0x7f (libc.so.6);<module> (driver.py);_dive_expression (driver.py);<module> (<expression>);_sum (_methods.py);ufunc_reduce (ufunc_object.c);pairwise_sum (quad_ufuncs.c) 30
0x7f (libc.so.6);<module> (driver.py);_dive_expression (driver.py);<module> (<expression>);_sum (_methods.py);ufunc_reduce (ufunc_object.c);pairwise_sum (quad_ufuncs.c);_mm512_add_epi64 (avx512fintrin.h) 50
0x7f (libc.so.6);<module> (driver.py);_dive_expression (driver.py);<module> (<expression>);_sum (_methods.py);ufunc_reduce (ufunc_object.c) 20
"""


class TestFlameGraph:
    def stacks(self):
        return flamegraph.from_expression(
            flamegraph.parse(PY_SPY_STACKS.splitlines()), "q.sum()")

    def test_only_the_expression_from_its_frame_down(self):
        stacks = self.stacks()
        # the setup's import is gone; the intrinsic is its caller's time
        assert [count for _, count in stacks] == [30, 50, 20]
        assert stacks[1][0] == ["q.sum()", "_sum (_methods.py)", "ufunc_reduce (ufunc_object.c)",
                                "pairwise_sum (quad_ufuncs.c)"]

    def test_tree_and_hottest_frames(self):
        root = flamegraph.tree(self.stacks())
        assert (root.name, root.samples) == ("q.sum()", 100)
        assert flamegraph.hottest(root) == [("pairwise_sum (quad_ufuncs.c)", 0.8),
                                            ("ufunc_reduce (ufunc_object.c)", 0.2)]

    def test_svg_boxes_are_as_wide_as_their_samples(self):
        text = flamegraph.svg(flamegraph.tree(self.stacks()), "title & more")
        boxes = {label: width for width, label in
                 re.findall(r'width="([\d.]+)"[^>]*/><text[^>]*>([^<]+)</text>', text)}
        full = flamegraph.WIDTH - 2 * flamegraph.MARGIN
        assert float(boxes["q.sum()"]) == pytest.approx(full)
        assert float(boxes["pairwise_sum (quad_ufuncs.c)"]) == pytest.approx(0.8 * full, abs=0.1)
        assert "title &amp; more" in text
        # Python frames cool, C frames warm: different colours
        assert flamegraph.colour("_sum (_methods.py)") != flamegraph.colour("_sum (x.c)")

    def test_no_sample_of_the_expression_is_an_error(self):
        with pytest.raises(Exception, match="no sample came from the expression"):
            flamegraph.tree([])


def loss_record(*frames):
    """A memcheck record of a definitely lost block, allocated by frames[0]."""
    lines = ["==1== 64 bytes in 1 blocks are definitely lost in loss record 7 of 90",
             "==1==    at 0x484: malloc (vg_replace_malloc.c:381)"]
    return "\n".join(lines + [f"==1==    by 0x4: {frame}" for frame in frames])


NUMPY_FRAME = "PyArray_NewFromDescr_int (/w/build/debug/../src/numpy/_core/src/multiarray/ctors.c:747)"
EVAL_FRAME = "_PyEval_EvalFrameDefault (/py/Python/ceval.c:4769)"


class TestLeakOwner:
    def test_numpy_called_from_python_is_numpys(self):
        assert debugging.lost_by_numpy(loss_record(NUMPY_FRAME, EVAL_FRAME))

    def test_python_code_first_is_the_interpreters(self):
        assert not debugging.lost_by_numpy(loss_record(EVAL_FRAME, NUMPY_FRAME))

    def test_tracemalloc_bookkeeping_is_the_interpreters(self):
        # tracemalloc's trace of an array it saw allocated, not the array
        record = loss_record("tracemalloc_add_trace (/py/./Modules/_tracemalloc.c:534)",
                             "PyType_GenericAlloc (/py/Objects/typeobject.c:1148)",
                             NUMPY_FRAME, EVAL_FRAME)
        assert not debugging.lost_by_numpy(record)

    def test_numpy_called_by_another_extension_is_that_ones(self):
        record = loss_record(NUMPY_FRAME, "scipy_init (/venv/site-packages/scipy/_ufuncs.c:9)",
                             EVAL_FRAME)
        assert not debugging.lost_by_numpy(record)

    def test_verdict_sums_every_process(self):
        reports = "\n".join([
            "==1== ERROR SUMMARY: 0 errors from 0 contexts",
            "==2== \n" + loss_record(NUMPY_FRAME, EVAL_FRAME) + "\n==2== ",
            "==2== ERROR SUMMARY: 3 errors from 1 contexts"])
        errors, numpy_leaks, other = debugging.memcheck_verdict(reports)
        assert (errors, len(numpy_leaks), other) == (3, 1, [])
        assert debugging.memcheck_verdict("no summary")[0] == -1


def test_open_with_a_display_starts_kcachegrind(tmp_path, monkeypatch):
    # a stand-in kcachegrind that says what it was asked to open
    opened = tmp_path / "opened"
    fake = tmp_path / "kcachegrind"
    fake.write_text(f"#!/bin/sh\necho \"$1\" > {opened}\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:{os.environ['PATH']}")
    profile = tmp_path / "callgrind.out.1"
    said = callgrind.open_report(profile, "unused", env={"DISPLAY": ":0"})
    assert said == f"kcachegrind opened {callgrind.report_path(profile)}"
    for _ in range(100):
        if opened.exists():
            break
        time.sleep(0.05)
    assert opened.read_text().strip() == str(profile)


class TestCommandLines:
    def test_gdb_loads_helpers_and_printers_before_breakpoints(self, monkeypatch):
        monkeypatch.setattr(debugging, "require", lambda program, package: program)
        argv = debugging.gdb_argv("py", ["-c", "pass"], breakpoints=["DOUBLE_add"],
                                  commands=["py-bt"], batch=True)
        assert argv[:3] == ["gdb", "-batch", "-nx"]
        assert "set breakpoint pending on" in argv
        assert str(debugging.NUMPY_GDB) in argv
        assert argv.index("break DOUBLE_add") < argv.index("run") < argv.index("py-bt")
        assert argv[-4:] == ["--args", "py", "-c", "pass"]
        cgdb = debugging.gdb_argv("py", [], frontend="cgdb")
        assert cgdb[:2] == ["cgdb", "--"] and "run" not in cgdb

    def test_missing_tool_says_what_to_install(self, monkeypatch):
        monkeypatch.setattr(shutil, "which", lambda program: None)
        with pytest.raises(Exception, match="apt-get install cgdb"):
            debugging.require("cgdb", "cgdb")


SYNTHETIC_PROFILE = """\
version: 1
positions: line
events: Ir
summary: 1000
ob=/usr/lib/libpython3.11.so.1.0
fl=Python/ceval.c
fn=_PyEval_EvalFrameDefault
10 5
cfl=Objects/abstract.c
cfn=PyNumber_Add
calls=1 880
12 995
ob=/usr/lib/libpython3.11.so.1.0
fl=Objects/abstract.c
fn=PyNumber_Add
880 5
cob=/x/numpy/_core/_multiarray_umath.so
cfl=numpy/_core/src/multiarray/number.c
cfn=array_add
calls=1 240
893 990
ob=/x/numpy/_core/_multiarray_umath.so
fl=numpy/_core/src/multiarray/number.c
fn=array_add
240 10
cfl=numpy/_core/src/umath/loops.c
cfn=DOUBLE_add_X86_V4
calls=1 40
247 900
cfn=PyArray_Malloc
calls=1 1
250 80
fl=numpy/_core/src/umath/loops.c
fn=DOUBLE_add_X86_V4
40 900
"""


class TestTracerOnASyntheticProfile:
    def test_source_paths_are_normalised(self, tmp_path):
        path = tmp_path / "callgrind.out.1"
        path.write_text("fl=/r/build/profiling/../src/numpy/a.c\nfn=f\n"
                        "cfi=/r/build/profiling/../src/numpy/b.c\ncfn=g\n"
                        "fl=???\nfn=h\n")
        callgrind.normalise_paths(path)
        assert path.read_text() == ("fl=/r/build/src/numpy/a.c\nfn=f\n"
                                    "cfi=/r/build/src/numpy/b.c\ncfn=g\n"
                                    "fl=???\nfn=h\n")

    def test_recursive_shares_are_marked(self):
        line = "9,990,000 (199.90%)  ???:_PyEval_EvalFrameDefault [libpython3.11.so]"
        assert callgrind._mark_recursion(line) == \
            "9,990,000 (recursive, over 100%)  ???:_PyEval_EvalFrameDefault [libpython3.11.so]"
        kept = "5,000,000 (99.94%)  kurtosis.c.src:array_kurtosis"
        assert callgrind._mark_recursion(kept) == kept

    def test_parse_and_chain(self, tmp_path):
        path = tmp_path / "callgrind.out.1"
        path.write_text(SYNTHETIC_PROFILE)
        profile = callgrind.parse(path)
        assert profile.total == 1000
        assert profile.calls[("array_add", "DOUBLE_add_X86_V4")].site == \
            ("numpy/_core/src/multiarray/number.c", 247)
        assert tracer.inner_loop(profile) == "DOUBLE_add_X86_V4"
        assert tracer.chain_to(profile, "DOUBLE_add_X86_V4") == \
            ["PyNumber_Add", "array_add", "DOUBLE_add_X86_V4"]
        text = tracer.describe(profile, "a + a")
        assert "number.c:247" in text and "SIMD variant X86_V4" in text
        assert "abstract.c:893" in text and "(interpreter)" in text


# --- the tools for real (slow: they build the debug and profiling profiles) ---

def descendants(pid):
    """(pid, command line) of the descendants of pid, from /proc."""
    found, parents = [], {pid}
    for _ in range(4):                  # runtests.py -> python -> ...
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                with open(f"/proc/{entry}/cmdline", "rb") as f:
                    cmdline = f.read().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
            if ppid in parents and int(entry) not in parents:
                parents.add(int(entry))
                found.append((int(entry), cmdline))
    return found


def runtests(*args, timeout=3000, cwd=REPO, env=None):
    return subprocess.run([sys.executable, str(REPO / "runtests.py"), *args],
                          capture_output=True, text=True, cwd=cwd, timeout=timeout, env=env)


KURTOSIS_SESSION = ("import numpy as np\n"
                    "a = np.arange(6.0).reshape(2, 3)[:, ::2]\n"
                    "a.kurtosis(axis=0)\n")
# commands each debugger understands alike, in array_kurtosis, then in the
# iterator (`b` is a breakpoint in both)
IN_KURTOSIS = ["p self", "p ((PyArrayObject_fields *)self)->descr", "np-fields self"]
OWN_COMMANDS = {"--gdb": ["p $np_fields(self)->nd", "py-bt"], "--lldb": []}
IN_THE_ITERATOR = ["b NpyIter_GetIterNext", "continue", "p iter"]

SLEEPING_QUADS = ("import sys, time, numpy as np\n"
                  "a = np.arange(4, dtype=np.quad) / 4\n"
                  "print(id(a), flush=True)\n"
                  "time.sleep(120)\n")

FLOATS_C = """\
typedef unsigned short npy_half;
typedef struct { unsigned long bits[2]; } npy_quad;
__float128 tenth = 0.1Q;
__float128 third = 1.0Q / 3;
npy_half one_and_a_half = 0x3e00;
npy_quad smallest = {{1, 0}};
npy_quad quad_three_quarters(void)
{
    npy_quad q = {{0, 0x3ffe800000000000ul}};
    return q;
}
int main(void) { return (int)quad_three_quarters().bits[0]; }
"""
TENTH_EXACTLY = "0.1 (exactly 0.1000000000000000000000000000000000048148248609680896"
# 2**-16494 has 11,529 exact digits: the first 40 and their count
SMALLEST_CAPPED = ("6e-4966 (exactly 6.475175119438025110924438958227646552499…e-4966 "
                   "(11529 digits))")


def compile_floats(tmp_path):
    source = tmp_path / "floats.c"
    source.write_text(FLOATS_C)
    program = tmp_path / "floats"
    subprocess.run(["cc", "-g", "-O0", "-o", str(program), str(source)], check=True)
    return program


@pytest.mark.slow
@pytest.mark.parametrize("debugger", ["--gdb", "--lldb"])
class TestDebuggers:
    def test_printers_in_a_numpy_session(self, debugger):
        commands = IN_KURTOSIS + OWN_COMMANDS[debugger] + IN_THE_ITERATOR
        result = runtests("--profile", "debug", "--batch", "--break", "array_kurtosis",
                          *[arg for command in commands for arg in ("--ex", command)],
                          debugger, "-c", KURTOSIS_SESSION)
        out = result.stdout
        assert result.returncode == 0, result.stderr[-3000:]
        assert ("<ndarray float64 shape=(2, 2) strides=(24, 16) flags=ALIGNED|WRITEABLE"
                in out)
        assert "[0.0, 2.0, 3.0, 5.0]" in out
        assert "<dtype float64 kind='f' type='d' byteorder='=' type_num=12 itemsize=8" in out
        assert "<NpyIter ndim=" in out and "nop=" in out
        assert re.search(r"^ *nd = 2,?$", out, re.MULTILINE)        # np-fields
        assert re.search(r"^ *dimensions = 0x", out, re.MULTILINE)
        if debugger == "--gdb":
            assert re.search(r"^\$\d+ = 2$", out, re.MULTILINE)   # $np_fields(self)->nd
            assert 'File "<string>", line 3, in <module>' in out  # py-bt

    def test_attach_and_core(self, debugger, tmp_path):
        with subprocess.Popen(
                [sys.executable, str(REPO / "runtests.py"), "--profile", "debug",
                 "--no-build", "--python", "-c", SLEEPING_QUADS],
                stdout=subprocess.PIPE, text=True, cwd=REPO) as child:
            try:
                self.debug_running_python(debugger, child, tmp_path)
            finally:
                child.kill()

    @staticmethod
    def debug_running_python(debugger, child, tmp_path):
        address = int(child.stdout.readline())
        python = next(pid for pid, cmdline in descendants(child.pid)
                      if "time.sleep(120)" in cmdline)
        expected = "<ndarray quad shape=(4,) strides=(16,) flags="
        show = ["--ex", f"np-print {address:#x}"]
        if debugger == "--gdb":
            show += ["--ex", "py-bt"]
        attached = runtests("--no-build", "--batch", "--attach", str(python), *show, debugger)
        assert attached.returncode == 0, attached.stderr[-2000:]
        assert expected in attached.stdout and "[0.0, 0.25, 0.5, 0.75]" in attached.stdout
        if debugger == "--gdb":
            assert 'File "<string>", line 4, in <module>' in attached.stdout   # py-bt
        # lldb 14 writes no core files on Linux: gdb's gcore makes one for both
        subprocess.run(["gdb", "-batch", "-nx", "-p", str(python), "-ex",
                        f"gcore {tmp_path / 'python.core'}"], capture_output=True, check=True)
        # named relative to the user's directory, not the repository's
        core = runtests("--no-build", "--batch", "--core", "python.core", *show, debugger,
                        cwd=tmp_path)
        assert core.returncode == 0, core.stderr[-2000:]
        assert expected in core.stdout and "[0.0, 0.25, 0.5, 0.75]" in core.stdout


@pytest.mark.slow
class TestScalarsInC:
    def test_gdb(self, tmp_path):
        result = subprocess.run(
            ["gdb", "-batch", "-nx", "-x", str(debugging.NUMPY_GDB),
             "-ex", "p tenth", "-ex", "p third", "-ex", "p one_and_a_half",
             "-ex", "p smallest", "-ex", "break quad_three_quarters", "-ex", "run",
             "-ex", "finish", str(compile_floats(tmp_path))],
            capture_output=True, text=True)
        assert "= " + TENTH_EXACTLY in result.stdout
        assert "= 0.3333333333333333333333333333333333 (exactly 0.33333" in result.stdout
        assert "= 1.5 (0x3e00)" in result.stdout
        assert "= " + SMALLEST_CAPPED in result.stdout
        # `finish` loses the typedef: npy_quad is known by its layout
        assert re.search(r"Value returned is \$\d+ = 0\.75$", result.stdout, re.MULTILINE)

    def test_lldb(self, tmp_path):
        env, settings = debugging.lldb_environ(dict(os.environ))
        argv = debugging.lldb_argv(
            compile_floats(tmp_path), [], batch=True, settings=settings,
            breakpoints=["quad_three_quarters"],
            commands=["p *(npy_quad *)&tenth", "p one_and_a_half", "p smallest",
                      "finish", "next", "p $3"])
        result = subprocess.run(argv, capture_output=True, text=True, env=env)
        assert "(npy_quad) $0 = " + TENTH_EXACTLY in result.stdout
        assert "(npy_half) $1 = 1.5 (0x3e00)" in result.stdout
        assert "(npy_quad) $2 = " + SMALLEST_CAPPED in result.stdout
        # lldb 14 keeps the returned struct as zeros: read from RAX:RDX, and
        # remembered after the next step
        assert "Return value: (npy_quad) $3 = 0.75" in result.stdout
        assert "(npy_quad) $3 = 0.75" in result.stdout.split("(lldb) next")[1]


@pytest.mark.slow
class TestFlameGraphInABrowser:
    def test_headless_chromium_shows_the_inner_loop(self):
        result = runtests("--setup", "import numpy as np; q = np.ones(10**6, dtype=np.quad)",
                          "--flamegraph", "q + q")
        assert result.returncode == 0, result.stderr[-3000:]
        svg = Path(re.search(r"written: (\S+\.svg)", result.stdout).group(1))
        chromium = debugging.require("chromium", "chromium")
        # the DOM after the page's script has fitted the labels to their boxes
        dom = subprocess.run([chromium, "--headless=new", "--no-sandbox", "--disable-gpu",
                              "--dump-dom", svg.as_uri()], capture_output=True, text=True,
                             timeout=120).stdout
        labels = re.findall(r"<text[^>]*>([^<]*)</text>", dom)
        assert "q + q" in labels and "array_add (number.c)" in labels
        assert any(re.fullmatch(r"quad_binary_strided\w* \(quad_arith\.dispatch\.c\)", label)
                   for label in labels), labels
        # the loop's own share, printed in the terminal too
        assert re.search(r"%  quad_binary_strided\w* \(quad_arith", result.stdout)


@pytest.mark.slow
class TestValgrind:
    def test_clean_script_has_no_errors(self, tmp_path):
        script = tmp_path / "clean.py"
        script.write_text("import numpy as np\nprint(np.arange(100.0).kurtosis())\n")
        result = runtests("--valgrind", str(script))
        assert result.returncode == 0, result.stderr[-3000:]
        assert "memcheck: 0 errors; 0 blocks definitely lost by NumPy's code" \
            in result.stderr

    def test_out_of_bounds_read_is_caught(self, tmp_path):
        source = tmp_path / "oob.c"
        source.write_text(textwrap.dedent("""\
            #include <Python.h>
            #include <stdlib.h>
            static PyObject *
            read_past_end(PyObject *self, PyObject *args)
            {
                double *values = malloc(4 * sizeof(double));
                for (int i = 0; i < 4; i++) {
                    values[i] = i;
                }
                double past = values[4];        /* one past the end */
                free(values);
                return PyFloat_FromDouble(past);
            }
            static PyMethodDef methods[] = {
                {"read_past_end", read_past_end, METH_NOARGS, NULL}, {NULL}};
            static struct PyModuleDef module = {
                PyModuleDef_HEAD_INIT, "oob", NULL, -1, methods};
            PyMODINIT_FUNC PyInit_oob(void) { return PyModule_Create(&module); }
            """))
        cext.build_extension(paths.VENV / "bin" / "python", source, "oob", tmp_path,
                             cflags=("-O0", "-g"))
        script = tmp_path / "use_oob.py"
        script.write_text(f"import sys\nsys.path.insert(0, {str(tmp_path)!r})\n"
                          "import oob\noob.read_past_end()\n")
        result = runtests("--valgrind", str(script))
        assert result.returncode != 0
        assert "Invalid read of size 8" in result.stderr
        assert "oob.c:10" in result.stderr


@pytest.mark.slow
class TestCallgrindAndTracer:
    SETUP = "import numpy as np; a = np.ones(1000)"

    def test_callgrind_writes_a_file_kcachegrind_can_read(self):
        result = runtests("--setup", self.SETUP, "--callgrind", "a.kurtosis()")
        assert result.returncode == 0, result.stderr[-3000:]
        written = result.stdout.split("written: ")[1].split()[0]
        profile = callgrind.parse(REPO / written)
        assert profile.total > 0
        assert any(name.startswith("kurtosis_fused_DOUBLE") for name in profile.functions)
        assert "array_kurtosis" in result.stdout       # callgrind_annotate's table
        # absolute, normalised source paths: annotations work from any directory
        assert "/../src/" not in (REPO / written).read_text(errors="replace")
        annotated = subprocess.run(["callgrind_annotate", "--auto=yes", str(REPO / written)],
                                   cwd="/", capture_output=True, text=True, check=True).stdout
        sources = [chunk.split("\n")[0] for chunk in annotated.split("Auto-annotated source: ")[1:]]
        assert str(REPO / "build" / "src" / "numpy/_core/src/multiarray/kurtosis.c.src") in sources \
            or any("kurtosis" in source and source.startswith(str(REPO / "build")) for source in sources)

    def test_open_without_a_display_draws_the_call_graph(self):
        result = runtests("--setup", self.SETUP, "--callgrind", "a.kurtosis()", "--open",
                          env={k: v for k, v in os.environ.items() if k != "DISPLAY"})
        assert result.returncode == 0, result.stderr[-3000:]
        png = REPO / result.stdout.split("call graph (no display for kcachegrind): ")[1].split()[0]
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 10_000
        graph = png.with_suffix(".dot").read_text()
        assert "array_kurtosis" in graph and "kurtosis_fused_DOUBLE" in graph

    @pytest.mark.parametrize("expression, steps", [
        ("a + a", ["PyNumber_Add", "array_add", "ufunc_generic_fastcall", "DOUBLE_add"]),
        ("a.sum()", ["ufunc_reduce", "PyUFunc_ReduceWrapper", "DOUBLE_add"]),
        ("a.kurtosis()", ["array_kurtosis", "kurtosis_reduce", "kurtosis_fused_DOUBLE"]),
    ])
    def test_trace_reaches_the_inner_loop(self, expression, steps):
        result = runtests("--setup", self.SETUP, "--trace", expression)
        assert result.returncode == 0, result.stderr[-3000:]
        rows = "\n".join(line for line in result.stdout.splitlines() if line.rstrip()
                         .endswith(("calls the next", "the inner loop", "(interpreter)")))
        positions = [rows.find(step) for step in steps]
        assert all(p >= 0 for p in positions), result.stdout
        assert positions == sorted(positions), result.stdout
        assert "SIMD variant" in result.stdout or "baseline" in result.stdout

    # The loop is found by where the cost is, whatever its name: the work
    # in the loop's own instructions or in a call per element
    WIDE_SETUP = ("import numpy as np; a = np.random.default_rng(0).standard_normal(2000);"
                  " q = a.astype(np.quad); s = np.array(['abc', 'de'] * 1000)")

    @pytest.mark.parametrize("expression, loop, source", [
        ("a * 2.5", "DOUBLE_multiply", "loops_arithm_fp.dispatch.c.src"),
        ("np.sqrt(a)", "DOUBLE_sqrt", "loops_unary_fp.dispatch.c.src"),
        ("np.einsum('i,i->', a, a)", "double_sum_of_products", "einsum_sumprod.c.src"),
        ("np.sort(a)", "", "x86-simd-sort"),
        ("a.astype(str)", "DOUBLE_to_UNICODE", "arraytypes.c.src"),
        ("a.astype(np.quad)", "double_to_quad", "quad/quad_casts.c"),
        ("q + q", "quad_binary_strided", "quad/quad_arith.dispatch.c"),
        ("np.sqrt(q)", "unary_loop", "quad/quad_ufuncs.c"),
        ("q.sum()", "pairwise_sum", "quad/quad_ufuncs.c"),
        ("np.einsum('i,i->', q, q)", "quad_dot_strided", "quad/quad_arith.dispatch.c"),
        ("np.sort(q)", "", "quad/quad_sort.c.src"),
        ("q.kurtosis()", "kurtosis_pass", "quad/kurtosis_quad.c"),
        ("np.strings.add(s, s)", "int string_add_loop", "string_ufuncs.cpp"),
        ("np.strings.str_len(s)", "int string_str_len_loop", "string_ufuncs.cpp"),
    ])
    def test_trace_finds_the_loop_by_cost(self, expression, loop, source):
        result = runtests("--no-build", "--setup", self.WIDE_SETUP, "--trace", expression)
        assert result.returncode == 0, result.stderr[-3000:]
        row = next(line for line in result.stdout.splitlines()
                   if line.rstrip().endswith("the inner loop"))
        assert row.strip().startswith(loop) and source in row, result.stdout

    def test_trace_says_when_the_machinery_outweighs_the_loop(self):
        result = runtests("--no-build", "--setup", "import numpy as np; a = np.ones(4)",
                          "--trace", "a + a")
        assert result.returncode == 0, result.stderr[-3000:]
        assert "(the typed loop DOUBLE_add" in result.stdout
        assert "NumPy's machinery costs more than the loop" in result.stdout


# --- heavy: the fork's tests under memcheck, ASan+UBSan and the refcount
# check, on a subset that covers every path of the new code (CI runs these) ---

HEAVY_SUBSET = [
    "numpy/tests/test_dive_identity.py",
    "numpy/ma/tests/test_kurtosis.py",
    "numpy/_core/tests/test_kurtosis.py::TestAxes",
    "numpy/_core/tests/test_kurtosis.py::TestLayout",
    "numpy/_core/tests/test_kurtosis.py::TestDtypes",
    "numpy/_core/tests/test_kurtosis.py::TestDegenerate",
    "numpy/_core/tests/test_kurtosis.py::TestWhereAndOut",
    "numpy/_core/tests/test_kurtosis.py::TestInterfaces::test_subclasses_keep_their_type",
    "numpy/_core/tests/test_kurtosis.py::TestQuad",
    "numpy/_core/tests/test_quad_math.py",
]
RACING_THREADS = """
import threading, numpy as np
x, out = np.ones(10**6), np.empty(10**6)
barrier = threading.Barrier(2)
def write():
    barrier.wait()
    np.multiply(x, 2.0, out=out)
threads = [threading.Thread(target=write) for _ in range(2)]
[thread.start() for thread in threads]
[thread.join() for thread in threads]
"""

# memcheck takes the two largest test files whole (their valgrind_error tests
# left out), one process per core
MEMCHECK_FILES = ["numpy/_core/tests/test_kurtosis.py", "numpy/_core/tests/test_quad.py"]


@pytest.mark.slow
@pytest.mark.heavy
class TestHeavy:
    def test_fork_tests_clean_under_memcheck(self):
        result = runtests("-n", "2", "--valgrind", *MEMCHECK_FILES, timeout=5400)
        assert result.returncode == 0, (result.stdout + result.stderr)[-5000:]
        assert "memcheck: 0 errors; 0 blocks definitely lost by NumPy's code" \
            in result.stderr
        assert re.search(r"\d+ passed in", result.stdout) and "failed" not in result.stdout

    def test_no_leaks_per_test(self):
        # the quad tests found the pickle leak; test_dive_fixes.py checks
        # the two fixes that need a Py_REF_DEBUG interpreter to be seen
        result = runtests("--leaks", "-n", "2", "-t", "numpy/_core/tests/test_quad.py",
                          "-t", "numpy/_core/tests/test_dive_fixes.py", timeout=3600)
        assert result.returncode == 0, result.stdout[-5000:]
        assert re.search(r"\d+ passed", result.stdout) and "failed" not in result.stdout

    def test_thread_sanitizer_sees_a_race(self):
        # two threads writing one output array at once, the GIL released
        result = runtests("--profile", "tsan", "--python", "-c", RACING_THREADS)
        assert result.returncode != 0
        assert "WARNING: ThreadSanitizer: data race" in result.stderr

    def test_no_races_under_thread_sanitizer(self):
        result = runtests("--profile", "tsan", "-t", "numpy/_core/tests/test_kurtosis.py::TestThreads")
        assert result.returncode == 0, (result.stdout + result.stderr)[-5000:]
        assert "WARNING: ThreadSanitizer" not in result.stdout + result.stderr
        assert "2 passed" in result.stdout

    def test_fork_tests_clean_under_asan_and_ubsan(self):
        args = [arg for target in HEAVY_SUBSET for arg in ("-t", target)]
        result = runtests("--profile", "asan", *args)
        assert result.returncode == 0, (result.stdout + result.stderr)[-5000:]
        assert "ERROR: AddressSanitizer" not in result.stderr
        assert "runtime error:" not in result.stderr

    def test_no_reference_leaks(self):
        result = runtests("--refcount")
        assert result.returncode == 0, (result.stdout + result.stderr)[-5000:]
        assert "0 of " in result.stdout and " operations leak" in result.stdout

    def test_coverage_of_the_kurtosis_code(self):
        # (kurtosis_quad.c is among the rows: TestQuad covers it)
        result = runtests("--gcov", "-t", "numpy/_core/tests/test_kurtosis.py")
        assert result.returncode == 0, (result.stdout + result.stderr)[-5000:]
        rows = [line for line in result.stdout.splitlines() if "kurtosis" in line
                and "|" in line]
        assert any("kurtosis.c.src" in row for row in rows), result.stdout
        for row in rows:
            rate = float(row.split("|")[1].split("%")[0])
            assert rate >= 80, row


# A script that takes Ctrl-C as gdb or IPython would: it says so, and goes on.
SURVIVES_SIGINT = """
import signal, sys, time
got = []
signal.signal(signal.SIGINT, lambda signum, frame: got.append(signum))
print("ready", flush=True)
deadline = time.monotonic() + 60
while not got and time.monotonic() < deadline:
    time.sleep(0.05)
time.sleep(0.5)     # the driver must not kill it after a grace period either
print("got SIGINT, still running" if got else "no SIGINT", flush=True)
"""


@pytest.mark.slow
class TestInteractiveChildren:
    def test_ctrl_c_reaches_the_child_alone(self, tmp_path):
        # as a terminal does: SIGINT to the driver's whole process group
        script = tmp_path / "survivor.py"
        script.write_text(SURVIVES_SIGINT)
        with subprocess.Popen(
                [sys.executable, str(REPO / "runtests.py"), "--no-build", "--python",
                 str(script)], stdout=subprocess.PIPE, text=True, cwd=REPO,
                start_new_session=True) as driver:
            try:
                assert driver.stdout.readline().strip() == "ready"
                os.killpg(driver.pid, signal.SIGINT)
                rest = driver.stdout.read()
                assert driver.wait(timeout=60) == 0
            finally:
                if driver.poll() is None:
                    os.killpg(driver.pid, signal.SIGKILL)
        assert "got SIGINT, still running" in rest


# the cache grows in the 3 warm-up runs, the measuring loop's 2 unbalanced
# runs and the 3 measured runs, then stops: suspect, and cleared by the 96
# runs that confirm a leak
LEAKY_TESTS = """
KEPT, CACHE = [], []

def test_keeps_an_object_every_run():
    KEPT.append(object())

def test_fills_a_cache_once():
    if len(CACHE) < 8:
        CACHE.append(object())

def test_clean():
    [object() for _ in range(100)]

from hypothesis import given, strategies

@given(strategies.integers())
def test_hypothesis_runs_once(n):
    KEPT.append(n)
"""


@pytest.mark.slow
class TestLeakCheck:
    def test_only_growth_in_every_run_is_a_leak(self, tmp_path):
        tests = tmp_path / "test_leaky.py"
        tests.write_text(LEAKY_TESTS)
        result = runtests("--leaks", "-t", str(tests), "--", "-p", "no:randomly")
        assert result.returncode == 1, result.stdout[-3000:]
        assert "1 failed, 3 passed" in result.stdout
        assert ("leak check: each test run 3 + 3 times; run once, unchecked: 1 hypothesis "
                "tests (its engine keeps state from run to run)") in result.stdout
        assert re.search(r"FAILED \S+::test_keeps_an_object_every_run", result.stdout)
        assert ("leaks: references grew [1, 1, 1] in 3 runs, then 1.00 a run over 96 more; "
                "memory blocks grew [1, 1, 1] in 3 runs, then 1.00 a run over 96 more "
                "(after 3 warm-up runs)") in result.stdout

    def test_warmup_and_runs_are_checked(self):
        result = runtests("--no-build", "--leaks", "3", "-t", "numpy/tests/test_dive_identity.py")
        assert result.returncode != 0
        assert "--dive-leaks takes WARMUP:RUNS" in result.stdout + result.stderr
