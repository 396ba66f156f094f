"""ndarray.kurtosis and np.kurtosis: calls the stubs reject (numpy-dive)."""
import numpy as np
import numpy.typing as npt

AR_f8: npt.NDArray[np.float64]

# fisher and bias are keyword-only, unlike scipy.stats.kurtosis's
AR_f8.kurtosis(0, None, None, False, False)  # type: ignore[call-overload]
np.kurtosis(AR_f8, 0, False)  # type: ignore[arg-type]
AR_f8.kurtosis(axis=1.5)  # type: ignore[call-overload]
AR_f8.kurtosis(fisher="yes", bias=None)  # type: ignore[call-overload]
np.kurtosis(AR_f8, out=[0.0])  # type: ignore[arg-type]
