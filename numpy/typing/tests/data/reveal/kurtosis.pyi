"""The return types of ndarray.kurtosis, numpy.generic.kurtosis and np.kurtosis
(numpy-dive)."""
from typing import Any, assert_type

import numpy as np
import numpy.typing as npt

f8: np.float64
AR_f8: npt.NDArray[np.float64]
AR_f4: npt.NDArray[np.float32]

assert_type(AR_f8.kurtosis(), Any)
assert_type(AR_f8.kurtosis(axis=(0, 1), dtype=np.float32, keepdims=True), Any)
assert_type(AR_f8.kurtosis(0, None, None, False, fisher=False, bias=False), Any)
assert_type(AR_f8.kurtosis(where=AR_f8 > 0), Any)
assert_type(AR_f8.kurtosis(0, None, AR_f4), npt.NDArray[np.float32])
assert_type(AR_f8.kurtosis(axis=0, out=AR_f4), npt.NDArray[np.float32])
assert_type(f8.kurtosis(), Any)
assert_type(np.kurtosis(AR_f8), Any)
assert_type(np.kurtosis([1, 2, 3, 4], axis=None, fisher=False, where=[True] * 4), Any)
