"""ndarray.kurtosis and np.kurtosis: calls the stubs accept, and that run (numpy-dive)."""
import numpy as np

AR_f8 = np.linspace(0.0, 1.0, 24).reshape(2, 3, 4) ** 2
out = np.empty(3)

AR_f8.kurtosis()
AR_f8.kurtosis(axis=(0, 2), out=out)
AR_f8.kurtosis(-1, np.float32, None, True, fisher=False, bias=False)
AR_f8.kurtosis(where=AR_f8 > 0.1)
np.float64(2.0).kurtosis()
np.kurtosis([1, 2, 3, 4])
np.kurtosis(AR_f8, axis=0, keepdims=True, fisher=True, bias=True)
np.ma.masked_greater(AR_f8, 0.5).kurtosis(axis=1)
