"""The fork is a drop-in NumPy for binaries built against stock NumPy 2.4.6.

NPY_QUAD takes the type number 26, which no stock constant uses, and the
C-API table is unchanged: an extension compiled with the stock headers, and
the scipy, pandas and numpy-quaddtype wheels from PyPI (installed with
--no-deps), run on the fork unchanged. numpy-quaddtype's QuadPrecDType and
np.quad cast into each other exactly.
"""
import pickle
import subprocess
import sys
import textwrap

import pytest

import numpy as np
from dive import cext

PROBE_SOURCE = textwrap.dedent("""\
    #define PY_SSIZE_T_CLEAN
    #include <Python.h>
    #define NPY_NO_DEPRECATED_API NPY_2_0_API_VERSION
    #include <numpy/arrayobject.h>

    /* (type_num, PyTypeNum_ISFLOAT, itemsize) as the stock macros see them */
    static PyObject *
    describe(PyObject *self, PyObject *arg)
    {
        if (!PyArray_Check(arg)) {
            PyErr_SetString(PyExc_TypeError, "an array is needed");
            return NULL;
        }
        int type_num = PyArray_TYPE((PyArrayObject *)arg);
        return Py_BuildValue("iOn", type_num,
                PyTypeNum_ISFLOAT(type_num) ? Py_True : Py_False,
                (Py_ssize_t)PyArray_ITEMSIZE((PyArrayObject *)arg));
    }

    /* sum of a float64 array, through PyArray_FROM_OTF and the data pointer */
    static PyObject *
    sum_doubles(PyObject *self, PyObject *arg)
    {
        PyArrayObject *array = (PyArrayObject *)PyArray_FROM_OTF(
                arg, NPY_DOUBLE, NPY_ARRAY_IN_ARRAY);
        if (array == NULL) {
            return NULL;
        }
        double total = 0;
        const double *data = PyArray_DATA(array);
        for (npy_intp i = 0; i < PyArray_SIZE(array); i++) {
            total += data[i];
        }
        Py_DECREF(array);
        return PyFloat_FromDouble(total);
    }

    /* a new array of every legacy type number the stock headers know */
    static PyObject *
    make_each(PyObject *self, PyObject *unused)
    {
        PyObject *result = PyList_New(0);
        for (int type_num = 0; result != NULL && type_num < NPY_NTYPES_LEGACY;
             type_num++) {
            npy_intp size = 2;
            PyObject *array = PyArray_ZEROS(1, &size, type_num, 0);
            if (array == NULL || PyList_Append(result, array) < 0) {
                Py_XDECREF(array);
                Py_CLEAR(result);
                break;
            }
            Py_DECREF(array);
        }
        return result;
    }

    static PyMethodDef methods[] = {
        {"describe", describe, METH_O, NULL},
        {"sum_doubles", sum_doubles, METH_O, NULL},
        {"make_each", make_each, METH_NOARGS, NULL},
        {NULL, NULL, 0, NULL}};
    static struct PyModuleDef module = {
        PyModuleDef_HEAD_INIT, "stock_abi_probe", NULL, -1, methods};

    PyMODINIT_FUNC
    PyInit_stock_abi_probe(void)
    {
        import_array();
        return PyModule_Create(&module);
    }
    """)


def stock_numpy_include():
    """The include directory of the system's stock NumPy (not the fork)."""
    probe = subprocess.run(
        [sys._base_executable, "-I", "-c",
         "import numpy; print(numpy.__version__); print(numpy.get_include())"],
        capture_output=True, text=True, check=True)
    version, include = probe.stdout.split()
    assert "dive" not in version
    return include


@pytest.fixture(scope="module")
def probe(tmp_path_factory):
    return cext.import_extension(
        sys.executable, PROBE_SOURCE, "stock_abi_probe",
        tmp_path_factory.mktemp("abi"),
        cflags=("-O1", f"-I{stock_numpy_include()}"))


def test_extension_built_against_stock_headers(probe):
    assert "dive" in np.__version__
    assert probe.sum_doubles(np.arange(5.0)) == 10.0
    assert probe.sum_doubles([0.5, 0.25]) == 0.75
    arrays = probe.make_each()
    assert [a.dtype.num for a in arrays] == list(range(24))
    assert probe.describe(np.zeros(3)) == (np.dtype(np.float64).num, True, 8)


def test_stock_binaries_see_quad_as_an_unknown_type(probe):
    # the stock macros predate NPY_QUAD: such code never mistakes a quad
    # array for long double or another float
    assert probe.describe(np.zeros(3, dtype=np.quad)) == (26, False, 16)
    # asking for doubles is a cast that can lose bits, refused as for long
    # double; the bytes are never read as doubles
    with pytest.raises(TypeError, match="from dtype\\('quad'\\) to dtype\\('float64'\\)"):
        probe.sum_doubles(np.array(["0.5", "0.25"], dtype=np.quad))
    with pytest.raises(TypeError, match="according to the rule 'safe'"):
        probe.sum_doubles(np.array([0.5], dtype=np.longdouble))


def test_scipy_wheel():
    import scipy
    from scipy import linalg, special, stats

    assert "dive" not in scipy.__version__
    matrix = np.array([[4.0, 1.0], [2.0, 3.0]])
    solution = linalg.solve(matrix, np.array([1.0, 2.0]))
    np.testing.assert_allclose(matrix @ solution, [1.0, 2.0])
    np.testing.assert_allclose(special.gamma([1.0, 5.0]), [1.0, 24.0])
    sample = np.random.default_rng(0).normal(size=1000)
    np.testing.assert_allclose(stats.kurtosis(sample), sample.kurtosis())


def test_pandas_wheel():
    import pandas

    assert "dive" not in pandas.__version__
    frame = pandas.DataFrame({"key": ["a", "b", "a", "b"],
                              "value": np.arange(4.0)})
    means = frame.groupby("key")["value"].mean()
    assert list(means) == [1.0, 2.0]
    assert frame["value"].to_numpy().dtype == np.float64
    assert frame.describe().loc["max", "value"] == 3.0


def quad_bit_patterns():
    """Random binary128 bit patterns (NaN payloads, both signs, every
    exponent) and the edge values, as np.quad."""
    words = np.random.default_rng(7).integers(0, 2**64, size=(2000, 2), dtype=np.uint64)
    edges = np.array(["0", "-0", "inf", "-inf", "nan", "1e-4966", "-1e-4940",
                      "1.1897314953572317650857593266280070e4932", "0.1"], dtype=np.quad)
    return np.concatenate([words.view(np.quad).ravel(), edges])


def test_numpy_quaddtype_wheel():
    from numpy_quaddtype import QuadPrecDType

    values = np.array([1.5, 2.25], dtype=QuadPrecDType())
    assert str(values.dtype) == "QuadPrecDType(backend='sleef')"
    assert float((values * 2).sum()) == 7.5
    np.testing.assert_allclose(np.sin(values).astype(np.float64), np.sin([1.5, 2.25]))


def test_np_quad_promotes_as_before_beside_numpy_quaddtype():
    # a fresh process: NumPy caches each ufunc's dispatch, so an operation
    # done before the import would hide a promoter numpy-quaddtype shadows
    code = textwrap.dedent("""\
        import numpy as np
        import numpy_quaddtype
        a = np.array(["1", "2"], dtype=np.quad)
        results = [a + 3, 3 * a, a / 4.0, np.maximum(a, np.int8(2)),
                   np.ldexp(a, 3), np.arctan2(a, 1.0)]
        print([str(r.dtype) for r in results], (a + 3).tolist(), np.ldexp(a, 3).tolist())
        try:
            np.add(a, a.astype(numpy_quaddtype.QuadPrecDType()))
        except TypeError as e:
            print("TypeError")
        """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "['quad', 'quad', 'quad', 'quad', 'quad', 'quad'] "
        "[np.quad('4.0'), np.quad('5.0')] [np.quad('8.0'), np.quad('16.0')]",
        "TypeError"]


def test_quaddtype_sleef_and_np_quad_hold_the_same_bits():
    from numpy_quaddtype import QuadPrecDType

    quad = quad_bit_patterns()
    peer = quad.astype(QuadPrecDType())
    assert peer.tobytes() == quad.tobytes()
    assert peer.astype(np.quad).tobytes() == quad.tobytes()
    # strided, byte-swapped and unaligned sources take the same cast
    assert quad[::3].astype(QuadPrecDType()).tobytes() == quad[::3].tobytes()
    swapped = quad.astype(quad.dtype.newbyteorder())
    assert swapped.astype(QuadPrecDType()).tobytes() == quad.tobytes()
    unaligned = np.frombuffer(b"\0" + quad.tobytes(), dtype=np.quad, offset=1)
    assert not unaligned.flags.aligned
    assert unaligned.astype(QuadPrecDType()).tobytes() == quad.tobytes()
    # SLEEF's correctly rounded add reads the bits as np.quad does
    finite = quad[np.isfinite(quad) & (abs(quad) < np.quad("1e4930"))]
    shifted = np.roll(finite, 1)
    # numpy-quaddtype 1.0's add raises a spurious invalid flag on some sums
    # of two finite numbers (-6.24e-2458 + -4.44e-3999 here); its result is right
    with np.errstate(invalid="ignore"):
        peer_sum = np.add(finite.astype(QuadPrecDType()), shifted.astype(QuadPrecDType()))
    assert peer_sum.astype(np.quad).tobytes() == (finite + shifted).tobytes()
    assert np.can_cast(np.quad, QuadPrecDType(), "safe")
    assert np.can_cast(QuadPrecDType(), np.quad, "safe")


def test_quaddtype_longdouble_converts_as_np_longdouble_does():
    from numpy_quaddtype import QuadPrecDType

    longdouble = QuadPrecDType(backend="longdouble")
    quad = quad_bit_patterns()
    with np.errstate(all="ignore"):
        rounded = quad.astype(np.longdouble)
        peer = quad.astype(longdouble)
    np.testing.assert_array_equal(peer.view(np.longdouble), rounded)
    # every long double is a quad: back, exactly
    np.testing.assert_array_equal(peer.astype(np.quad), rounded.astype(np.quad))
    assert (peer.astype(np.quad).astype(np.longdouble) == rounded)[~np.isnan(rounded)].all()
    with pytest.warns(RuntimeWarning, match="overflow"):
        np.array(["1e5000"], dtype=np.quad).astype(longdouble)
    assert not np.can_cast(np.quad, longdouble, "safe")
    assert np.can_cast(np.quad, longdouble, "same_kind")
    assert np.can_cast(longdouble, np.quad, "safe")


def run_stock(code):
    """Runs `code` on the system's stock NumPy (the fork is not on the path)."""
    return subprocess.run([sys._base_executable, "-I", "-c", code],
                          capture_output=True, text=True)


def test_stock_numpy_refuses_quad_files(tmp_path):
    path = tmp_path / "quad.npy"
    np.save(path, np.array(["0.1", "2"], dtype=np.quad))
    pickled = tmp_path / "quad.pickle"
    pickled.write_bytes(pickle.dumps(np.dtype(np.quad)))
    result = run_stock(f"import numpy as np; np.load({str(path)!r})")
    assert result.returncode != 0
    assert "'<Y'" in result.stderr
    assert "not understood" in result.stderr or "not a valid dtype" in result.stderr
    result = run_stock(f"import pickle; pickle.load(open({str(pickled)!r}, 'rb'))")
    assert result.returncode != 0
    assert "data type 'Y' not understood" in result.stderr
