"""MaskedArray.kurtosis ignores masked values (numpy-dive)."""
import warnings

import pytest

import numpy as np
import numpy.ma as ma
from numpy.testing import assert_allclose, assert_equal


def test_masked_values_are_left_out():
    x = ma.array([1., 2., 3., 4., 1e6], mask=[0, 0, 0, 0, 1])
    assert_allclose(x.kurtosis(), -1.36, rtol=1e-14)
    assert_allclose(np.kurtosis(x), -1.36, rtol=1e-14)
    assert_allclose(x.kurtosis(fisher=False, bias=False),
                    np.kurtosis([1., 2., 3., 4.], fisher=False, bias=False))


def test_axis_and_fully_masked_slice():
    data = np.random.default_rng(0).standard_normal((3, 40))
    mask = np.zeros_like(data, dtype=bool)
    mask[0, ::3] = True
    mask[2] = True
    x = ma.array(data, mask=mask)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        r = x.kurtosis(axis=1)
    assert isinstance(r, ma.MaskedArray)
    assert_equal(r.mask, [False, False, True])
    assert_allclose(r[0], data[0][~mask[0]].kurtosis(), rtol=1e-13)
    assert_allclose(r[1], data[1].kurtosis(), rtol=1e-13)
    assert x.kurtosis(axis=1, keepdims=True).shape == (3, 1)


def test_fully_masked_is_masked():
    x = ma.array([1., 2., 3.], mask=True)
    assert x.kurtosis() is ma.masked


def test_out():
    x = ma.array(np.arange(12.).reshape(3, 4) ** 2, mask=[[0, 0, 0, 0]] * 2 + [[1] * 4])
    out = ma.empty(3)
    assert x.kurtosis(axis=1, out=out) is out
    assert_equal(out.mask, [False, False, True])
    assert_allclose(out[:2], x.data[:2].kurtosis(axis=1), rtol=1e-14)


def test_nomask_matches_ndarray():
    data = np.random.default_rng(1).standard_normal(100)
    assert_equal(ma.array(data).kurtosis(), data.kurtosis())
    with pytest.raises(TypeError):
        ma.array(data).kurtosis(0, None, None, False, True)
