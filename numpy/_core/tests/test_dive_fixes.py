"""Regression tests for the upstream bugs numpy-dive's patches fix."""
import sys

import pytest

import numpy as np


@pytest.mark.skipif(not hasattr(sys, "getrefcount"), reason="needs sys.getrefcount")
@pytest.mark.parametrize("create", [np.empty, np.zeros, np.ones])
def test_creation_without_dtype_keeps_the_descriptor_refcount(create):
    # patch 0004: each call without dtype= used to add a reference to the
    # default descriptor (float64's), never released
    default = np.dtype(np.float64)
    create(3)
    before = sys.getrefcount(default)
    for _ in range(100):
        create(3)
    assert sys.getrefcount(default) == before
