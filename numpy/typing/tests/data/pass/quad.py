"""np.quad and QuadDType in code that type-checks and runs (numpy-dive)."""
import numpy as np
from numpy.dtypes import QuadDType

third = np.quad(1) / np.quad(3)
digits = np.finfo(np.quad).precision
array = np.array(["0.1", "0.2"], dtype=np.quad)
total = array.sum()
assert isinstance(np.dtype(np.quad), QuadDType)
assert np.dtype(np.quad).char == "Y"
