"""numpy/npy_quad.h and libnpymath, used as an extension author uses them.

A small extension is compiled against the fork's installed headers and
linked with its static libnpymath; it exposes the routines that no ufunc
reaches directly (fma, the significand rounding, conversions), and each is
checked against exact rational arithmetic.
"""
import sys
import textwrap
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import numpy as np
from dive import cext
from numpy._core.tests.test_quad import HALF_FORMAT, decode, finite_quads, nearest

PROBE_SOURCE = textwrap.dedent("""\
    #define PY_SSIZE_T_CLEAN
    #include <Python.h>
    #include <string.h>
    #include <numpy/npy_common.h>
    #include <numpy/npy_quad.h>

    /* quads cross the boundary as their two 64-bit words (hi, lo) */
    static npy_quad
    quad_from_pair(PyObject *pair)
    {
        unsigned long long hi = 0, lo = 0;
        PyArg_ParseTuple(pair, "KK", &hi, &lo);
        return npy_quad_from_words(hi, lo);
    }

    static PyObject *
    quad_to_pair(npy_quad value)
    {
        npy_uint64 hi, lo;
        npy_quad_to_words(value, &hi, &lo);
        return Py_BuildValue("KK", (unsigned long long)hi,
                             (unsigned long long)lo);
    }

    static PyObject *
    probe_fma(PyObject *self, PyObject *args)
    {
        PyObject *a, *b, *c;
        if (!PyArg_ParseTuple(args, "OOO", &a, &b, &c)) {
            return NULL;
        }
        npy_quad result = npy_quad_fma(
                quad_from_pair(a), quad_from_pair(b), quad_from_pair(c));
        return PyErr_Occurred() ? NULL : quad_to_pair(result);
    }

    static PyObject *
    from_significand(PyObject *self, PyObject *args)
    {
        int negative, sticky;
        unsigned long long hi, lo;
        long long exp2;
        if (!PyArg_ParseTuple(args, "pKKpL", &negative, &hi, &lo, &sticky,
                              &exp2)) {
            return NULL;
        }
        return quad_to_pair(
                npy_quad_from_significand(negative, hi, lo, sticky, exp2));
    }

    static PyObject *
    to_half(PyObject *self, PyObject *pair)
    {
        npy_quad value = quad_from_pair(pair);
        return PyErr_Occurred() ? NULL : PyLong_FromLong(npy_quad_to_half(value));
    }

    typedef npy_quad (unary_func)(npy_quad);
    static const struct {
        const char *name;
        unary_func *func;
    } unary[] = {
        {"exp", npy_quad_exp}, {"exp2", npy_quad_exp2},
        {"expm1", npy_quad_expm1}, {"log", npy_quad_log},
        {"log2", npy_quad_log2}, {"log10", npy_quad_log10},
        {"log1p", npy_quad_log1p}, {"sin", npy_quad_sin},
        {"cos", npy_quad_cos}, {"tan", npy_quad_tan},
        {"arcsin", npy_quad_asin}, {"arccos", npy_quad_acos},
        {"arctan", npy_quad_atan}, {"sinh", npy_quad_sinh},
        {"cosh", npy_quad_cosh}, {"tanh", npy_quad_tanh},
        {"arcsinh", npy_quad_asinh}, {"arccosh", npy_quad_acosh},
        {"arctanh", npy_quad_atanh}, {"cbrt", npy_quad_cbrt},
        {"deg2rad", npy_quad_deg2rad}, {"rad2deg", npy_quad_rad2deg},
    };

    /* elementary(name, x): the npymath function of that ufunc's name */
    static PyObject *
    elementary(PyObject *self, PyObject *args)
    {
        const char *name;
        PyObject *x;
        if (!PyArg_ParseTuple(args, "sO", &name, &x)) {
            return NULL;
        }
        for (size_t i = 0; i < sizeof(unary) / sizeof(*unary); i++) {
            if (strcmp(unary[i].name, name) == 0) {
                npy_quad value = quad_from_pair(x);
                return PyErr_Occurred() ? NULL : quad_to_pair(unary[i].func(value));
            }
        }
        PyErr_SetString(PyExc_KeyError, name);
        return NULL;
    }

    static PyObject *
    binary(PyObject *self, PyObject *args)
    {
        const char *name;
        PyObject *a, *b;
        if (!PyArg_ParseTuple(args, "sOO", &name, &a, &b)) {
            return NULL;
        }
        npy_quad x = quad_from_pair(a), y = quad_from_pair(b);
        if (PyErr_Occurred()) {
            return NULL;
        }
        if (strcmp(name, "power") == 0) {
            return quad_to_pair(npy_quad_pow(x, y));
        }
        if (strcmp(name, "arctan2") == 0) {
            return quad_to_pair(npy_quad_atan2(x, y));
        }
        if (strcmp(name, "hypot") == 0) {
            return quad_to_pair(npy_quad_hypot(x, y));
        }
        if (strcmp(name, "logaddexp") == 0) {
            return quad_to_pair(npy_quad_logaddexp(x, y));
        }
        if (strcmp(name, "logaddexp2") == 0) {
            return quad_to_pair(npy_quad_logaddexp2(x, y));
        }
        PyErr_SetString(PyExc_KeyError, name);
        return NULL;
    }

    static PyMethodDef methods[] = {
        {"elementary", elementary, METH_VARARGS, NULL},
        {"binary", binary, METH_VARARGS, NULL},
        {"fma", probe_fma, METH_VARARGS, NULL},
        {"from_significand", from_significand, METH_VARARGS, NULL},
        {"to_half", to_half, METH_O, NULL},
        {NULL, NULL, 0, NULL}};
    static struct PyModuleDef module = {
        PyModuleDef_HEAD_INIT, "npymath_quad_probe", NULL, -1, methods};

    PyMODINIT_FUNC
    PyInit_npymath_quad_probe(void)
    {
        return PyModule_Create(&module);
    }
    """)


def pair(bits):
    return bits >> 64, bits & ((1 << 64) - 1)


def join(words):
    return words[0] << 64 | words[1]


@pytest.fixture(scope="module")
def probe(tmp_path_factory):
    library_dir = Path(np.__file__).parent / "_core" / "lib"
    return cext.import_extension(
        sys.executable, PROBE_SOURCE, "npymath_quad_probe",
        tmp_path_factory.mktemp("npymath"),
        cflags=("-O1", f"-I{np.get_include()}"),
        libraries=(f"-L{library_dir}", "-lnpymath", "-lm"))


@given(a=finite_quads(), b=finite_quads(), c=finite_quads())
@settings(max_examples=1000)
def test_fma_rounds_once(probe, a, b, c):
    x, y, z = decode(a), decode(b), decode(c)
    exact = x * y + z
    product_negative = bool(a >> 127) != bool(b >> 127)
    if exact != 0:
        negative = exact < 0
    elif x * y == 0 and z == 0:
        # (+-0) + (+-0): negative only when both are
        negative = product_negative and bool(c >> 127)
    else:
        negative = False
    with np.errstate(all="ignore"):
        assert join(probe.fma(pair(a), pair(b), pair(c))) == nearest(
            exact, negative=negative)


def test_fma_is_not_a_multiply_then_add(probe):
    # (1 + 2**-60)**2 - 1: a rounded product would lose the 2**-120 term
    one_plus = (0x3fff << 112) | (1 << 52)
    minus_one = 0xbfff << 112
    result = join(probe.fma(pair(one_plus), pair(one_plus), pair(minus_one)))
    assert decode(result) == Fraction(1, 2**59) + Fraction(1, 2**120)


@given(st.booleans(), st.integers(1 << 113, (1 << 128) - 1), st.booleans(),
       st.integers(-17000, 17000))
def test_from_significand(probe, negative, significand, sticky, exp2):
    # with a significand of 114 bits or more, the rounding point is above
    # bit 0, so "slightly more" (sticky) acts like +1/2
    value = (significand + Fraction(sticky, 2)) * Fraction(2) ** exp2
    with np.errstate(all="ignore"):
        got = join(probe.from_significand(negative, *pair(significand), sticky, exp2))
    assert got == nearest(-value if negative else value, negative=negative)


@given(finite_quads())
@settings(max_examples=500)
def test_to_half_rounds_once(probe, bits):
    expected = nearest(decode(bits), HALF_FORMAT, negative=bool(bits >> 127))
    with np.errstate(all="ignore"):
        assert probe.to_half(pair(bits)) == expected


ELEMENTARY = ["exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sin",
              "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh",
              "tanh", "arcsinh", "arccosh", "arctanh", "cbrt", "deg2rad",
              "rad2deg"]


@given(finite_quads())
@settings(max_examples=50)
def test_elementary_functions_from_c_are_the_ufuncs(probe, bits):
    """An extension linking libnpymath gets the ufuncs' results bit for bit
    (test_quad_math.py grades those against MPFR)."""
    x = np.frombuffer(bits.to_bytes(16, "little"), dtype="<Y")
    with np.errstate(all="ignore"):
        for name in ELEMENTARY:
            expected = int.from_bytes(getattr(np, name)(x).tobytes(), "little")
            assert join(probe.elementary(name, pair(bits))) == expected, name


@given(finite_quads(), finite_quads())
@settings(max_examples=50)
def test_binary_functions_from_c_are_the_ufuncs(probe, a, b):
    x, y = (np.frombuffer(v.to_bytes(16, "little"), dtype="<Y") for v in (a, b))
    with np.errstate(all="ignore"):
        for name in ["power", "arctan2", "hypot", "logaddexp", "logaddexp2"]:
            expected = int.from_bytes(getattr(np, name)(x, y).tobytes(), "little")
            assert join(probe.binary(name, pair(a), pair(b))) == expected, name
