"""Regression tests for the upstream bugs numpy-dive's patches fix."""
import sys

import pytest

import numpy as np


@pytest.mark.skipif(not hasattr(sys, "getrefcount"), reason="needs sys.getrefcount")
@pytest.mark.parametrize("create", [np.empty, np.zeros, np.ones])
def test_creation_without_dtype_keeps_the_descriptor_refcount(create):
    # patch 0003: each call without dtype= used to add a reference to the
    # default descriptor (float64's), never released
    default = np.dtype(np.float64)
    create(3)
    before = sys.getrefcount(default)
    for _ in range(100):
        create(3)
    assert sys.getrefcount(default) == before


@pytest.mark.skipif(not hasattr(sys, "gettotalrefcount"),
                    reason="a Py_REF_DEBUG interpreter counts every reference "
                           "(runtests.py --leaks runs this file under python3.11d)")
def test_array_converter_counts_each_reference_once():
    # patch 0004: _array_converter initialised its object twice, and a
    # Py_REF_DEBUG build counted one reference per call that nothing released
    from numpy._core._multiarray_umath import _array_converter
    a = np.ones(3)
    for _ in range(10):
        _array_converter(a)
    before = sys.gettotalrefcount()
    for _ in range(100):
        _array_converter(a)
    assert sys.gettotalrefcount() - before < 50


@pytest.mark.skipif(not hasattr(sys, "getrefcount"), reason="needs sys.getrefcount")
@pytest.mark.parametrize("layout", ["C", "F"])
def test_pickle_protocol_5_keeps_the_picklebuffer_refcount(layout):
    # patch 0005: each dumps(array, protocol=5) added a reference to
    # pickle.PickleBuffer that nothing released
    import pickle
    a = np.ones((3, 4), order=layout)
    pickle.loads(pickle.dumps(a, protocol=5))
    before = sys.getrefcount(pickle.PickleBuffer)
    for _ in range(100):
        pickle.loads(pickle.dumps(a, protocol=5))
    assert sys.getrefcount(pickle.PickleBuffer) - before < 50


def test_binary128_shortest_repr_of_powers_of_two_round_trips():
    # patch 0001: the binary128 printer took every value's margins as equal,
    # but below a power of two the next value is half as far; the digits it
    # chose could then name a neighbour. np.quad prints with that printer
    # (on every platform; stock NumPy uses it where long double is binary128)
    for exponent in range(-16382, 16384, 7):
        power = np.quad(2) ** exponent
        assert np.quad(str(power)) == power, exponent
        assert np.quad(repr(power)[len("np.quad('"):-2]) == power, exponent
