"""The types of np.quad and its dtype, numpy.dtypes.QuadDType (numpy-dive)."""
from typing import Any, Literal, assert_type

import numpy as np
import numpy.typing as npt
from numpy.dtypes import QuadDType

q: np.quad
AR_q: npt.NDArray[np.quad]

assert_type(np.quad(), np.quad)
assert_type(np.quad("0.1"), np.quad)
assert_type(np.quad(3), np.quad)
assert_type(q + q, np.quad)
assert_type(q * 2, np.quad)
assert_type(AR_q.sum(), Any)
assert_type(np.dtype(np.quad), np.dtype[np.quad])
assert_type(np.dtypes.QuadDType().name, Literal["quad"])
assert_type(QuadDType().char, Literal["Y"])
assert_type(QuadDType().num, Literal[26])
assert_type(q.item(), float)
